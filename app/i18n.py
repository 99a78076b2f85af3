"""Every string the app shows, in Vietnamese (default) and English: one table with the library's.

:data:`STRINGS` holds the app's own words; the words the library shares with the CLI, the brief
and the workbook stay in :data:`simulator.labels.TEXT`, and :func:`tr` reads both (no key is in
both, and no app entry repeats a library one: :data:`SAME_AS` names the library label an app key
shows). ``tr(key, lang, **values)`` formats the string; numbers are formatted by the caller with
``simulator.labels`` so Vietnamese gets ``83,76 %`` and English ``83.76%``.
"""

from __future__ import annotations

from simulator.labels import TEXT

STRINGS: dict[str, dict[str, str]] = {
    "page_title": {"vi": "Mô phỏng PAR INDEX · SIPAS · PAPI", "en": "PAR INDEX · SIPAS · PAPI simulator"},
    "app_title": {
        "vi": "Mô phỏng kịch bản cải thiện chỉ số",
        "en": "What-if simulator for governance indices",
    },
    "subtitle": {
        "vi": "{province} · năm {year} · {draws} lần mô phỏng",
        "en": "{province} · {year} · {draws} draws",
    },
    "lang": {"vi": "Ngôn ngữ", "en": "Language"},
    "present": {"vi": "Chế độ trình chiếu", "en": "Presentation mode"},
    # tabs
    "tab_overview": {"vi": "Tổng quan", "en": "Overview"},
    "tab_decisions": {"vi": "Quyết định", "en": "Decisions"},
    "tab_compare": {"vi": "So sánh", "en": "Compare"},
    "tab_export": {"vi": "Xuất & chia sẻ", "en": "Export & share"},
    # sidebar: plans
    "open_shipped": {"vi": "Kế hoạch mẫu", "en": "Shipped plan"},
    # short enough for the sidebar's picker at 1280 px; the full title is the caption under it
    "shipped.can_tho_2026": {"vi": "Cần Thơ 2026 — KH 101", "en": "Cần Thơ 2026 — plan 101"},
    "shipped.can_tho_2021": {"vi": "Cần Thơ 2021 — kế hoạch", "en": "Cần Thơ 2021 — plan"},
    "shipped.can_tho_2021_status_quo": {"vi": "Cần Thơ 2021 — hiện trạng", "en": "Cần Thơ 2021 — status quo"},
    "shipped_full.can_tho_2026": {
        "vi": "TP. Cần Thơ mới (sau sắp xếp), năm 2026 — Kế hoạch 101/KH-UBND",
        "en": "New Cần Thơ city (after the merger), 2026 — plan 101/KH-UBND",
    },
    "shipped_full.can_tho_2021": {
        "vi": "TP. Cần Thơ, năm 2021 — kế hoạch cải thiện ba chỉ số",
        "en": "Cần Thơ city, 2021 — plan to improve the three indices",
    },
    "shipped_full.can_tho_2021_status_quo": {
        "vi": "TP. Cần Thơ, năm 2021 — giữ nguyên hiện trạng (để so sánh)",
        "en": "Cần Thơ city, 2021 — the status quo (to compare with)",
    },
    "open": {"vi": "Mở", "en": "Open"},
    "new_plan": {"vi": "Tạo kế hoạch mới cho tỉnh khác", "en": "New plan for another province"},
    "plan_year": {"vi": "Năm kế hoạch", "en": "Plan year"},
    "create": {"vi": "Tạo kế hoạch", "en": "Create plan"},
    "new_plan_help": {
        "vi": "Sao chép các nhóm nhiệm vụ và giả định của kế hoạch mẫu; mục tiêu mặc định là điểm và hạng "
        "gần nhất của tỉnh.",
        "en": "Copies the shipped plan's task groups and assumptions; targets default to the province's "
        "last score and rank.",
    },
    "last_known": {
        "vi": "{index}: gần nhất {score}, hạng {rank} ({year})",
        "en": "{index}: last {score}, rank {rank} ({year})",
    },
    "last_unknown": {
        "vi": "{index}: chưa có số liệu của tỉnh — nhập điểm và hạng năm trước",
        "en": "{index}: no data for this province — enter last year's score and rank",
    },
    "last_score": {"vi": "Điểm năm trước", "en": "Last score"},
    "last_rank": {"vi": "Hạng năm trước", "en": "Last rank"},
    "skip_to_content": {"vi": "Đến nội dung chính", "en": "Skip to main content"},
    "upload_button": {"vi": "Chọn tệp", "en": "Choose a file"},
    # Streamlit's own tooltips and screen-reader labels ("en" is Streamlit 1.67's wording, word for
    # word: app.chrome finds these texts in the page and writes the other language over them)
    "chrome.show_data": {"vi": "Xem dữ liệu", "en": "Show data"},
    "chrome.show_chart": {"vi": "Xem biểu đồ", "en": "Show chart"},
    "chrome.download_as": {"vi": "Tải xuống dạng {kind}", "en": "Download as {kind}"},
    "chrome.fullscreen": {"vi": "Toàn màn hình", "en": "Fullscreen"},
    "chrome.close_fullscreen": {"vi": "Thoát toàn màn hình", "en": "Close fullscreen"},
    "chrome.search": {"vi": "Tìm kiếm", "en": "Search"},
    "chrome.columns": {"vi": "Hiện/ẩn cột", "en": "Show/hide columns"},
    "chrome.copy_spec": {"vi": "Sao chép đặc tả Vega-Lite", "en": "Copy Vega-Lite spec"},
    "chrome.copied_spec": {"vi": "Đã sao chép!", "en": "Copied!"},
    "chrome.copy": {"vi": "Sao chép vào bộ nhớ tạm", "en": "Copy to clipboard"},
    "chrome.copied": {"vi": "Đã sao chép", "en": "Copied"},
    "chrome.increment": {"vi": "Tăng", "en": "Increment"},
    "chrome.decrement": {"vi": "Giảm", "en": "Decrement"},
    "chrome.clear_value": {"vi": "Xoá giá trị", "en": "Clear value"},
    "chrome.clear_all": {"vi": "Xoá tất cả", "en": "Clear all"},
    "chrome.open_list": {"vi": "Mở danh sách", "en": "Open"},
    "chrome.selected": {"vi": "Các giá trị đã chọn", "en": "Selected values"},
    "chrome.remove": {"vi": "Bỏ {item}", "en": "Remove {item}"},
    "chrome.help_for": {"vi": "Giải thích: {label}", "en": "Help for {label}"},
    "chrome.heading_link": {"vi": "Liên kết đến đề mục", "en": "Link to heading"},
    "chrome.sidebar": {"vi": "Thanh bên", "en": "Sidebar"},
    "chrome.collapse_sidebar": {"vi": "Thu gọn thanh bên", "en": "Collapse sidebar"},
    "chrome.expand_sidebar": {"vi": "Mở thanh bên", "en": "Expand sidebar"},
    "chrome.chart": {"vi": "Biểu đồ", "en": "Vega visualization"},
    "chrome.running": {"vi": "Đang tính…", "en": "Running..."},
    "chrome.file_input": {"vi": "Chọn tệp để tải lên", "en": "file upload"},
    "chrome.file_chip": {"vi": "{name}, dung lượng {size}", "en": "{name}, {size}"},
    "chrome.cancel_upload": {"vi": "Huỷ tải lên {name}", "en": "Cancel upload of {name}"},
    "chrome.retry_upload": {"vi": "Bấm để tải lên lại", "en": "Click to retry upload"},
    "chrome.upload_failed": {"vi": "Tải lên không thành công", "en": "Upload failed"},
    "chrome.error": {"vi": "Lỗi:", "en": "Error:"},
    "chrome.wrong_type": {
        "vi": "Không nhận tệp loại {type}: chỉ nhận các loại ghi dưới ô.",
        "en": "{type} files are not allowed.",
    },
    "chrome.unknown_type": {
        "vi": "Không nhận loại tệp này: chỉ nhận các loại ghi dưới ô.",
        "en": "files are not allowed.",
    },
    "chrome.too_large": {"vi": "Tệp phải nhỏ hơn hoặc bằng {size}.", "en": "File must be {size} or smaller."},
    "chrome.one_file": {"vi": "Chỉ được chọn một tệp.", "en": "Only one file is allowed."},
    "chrome.upload_error": {
        "vi": "Lỗi không mong đợi. Vui lòng thử lại.",
        "en": "Unexpected error. Please try again.",
    },
    "chrome.add_files": {"vi": "Thêm tệp", "en": "Add files"},
    "chrome.type_to_search": {"vi": "Gõ để tìm", "en": "Type to search"},
    # the fixed forms before the {n} forms, which would match their Vietnamese too (order = rule order)
    "chrome.result_of_one": {"vi": "kết quả 1/1", "en": "1 of 1 result"},
    "chrome.result_of": {"vi": "kết quả {i}/{n}", "en": "{i} of {n} results"},
    "chrome.result_of_many": {"vi": "kết quả {i}/hơn 1.000", "en": "{i} of over 1000"},
    "chrome.one_result": {"vi": "1 kết quả", "en": "1 result"},
    "chrome.results": {"vi": "{n} kết quả", "en": "{n} results"},
    "chrome.many_results": {"vi": "hơn 1.000 kết quả", "en": "over 1000"},
    "chrome.previous_result": {"vi": "Kết quả trước", "en": "Previous Result"},
    "chrome.next_result": {"vi": "Kết quả sau", "en": "Next Result"},
    "chrome.close_search": {"vi": "Đóng tìm kiếm", "en": "Close Search"},
    "chrome.column_menu": {"vi": "Trình đơn của cột", "en": "Dataframe column menu"},
    "chrome.copy_column": {"vi": "Sao chép tên cột", "en": "Copy column name"},
    "chrome.sort_up": {"vi": "Sắp xếp tăng dần", "en": "Sort ascending"},
    "chrome.sort_down": {"vi": "Sắp xếp giảm dần", "en": "Sort descending"},
    "chrome.format": {"vi": "Định dạng số", "en": "Format"},
    "chrome.statistics": {"vi": "Thống kê", "en": "Statistics"},
    "chrome.autosize": {"vi": "Tự động vừa độ rộng", "en": "Autosize"},
    "chrome.pin": {"vi": "Ghim cột", "en": "Pin column"},
    "chrome.unpin": {"vi": "Thôi ghim cột", "en": "Unpin column"},
    "chrome.hide_column": {"vi": "Ẩn cột", "en": "Hide column"},
    # the column menu's "Thống kê" panel and "Định dạng số" submenu (Streamlit's words, word for word)
    "chrome.stat_values": {"vi": "Số giá trị", "en": "Values"},
    "chrome.stat_empty": {"vi": "Ô trống", "en": "Empty"},
    "chrome.stat_distinct": {"vi": "Số giá trị khác nhau", "en": "Distinct"},
    "chrome.stat_min_length": {"vi": "Độ dài ngắn nhất", "en": "Minimum length"},
    "chrome.stat_max_length": {"vi": "Độ dài dài nhất", "en": "Maximum length"},
    "chrome.stat_avg_length": {"vi": "Độ dài trung bình", "en": "Average length"},
    "chrome.stat_min": {"vi": "Nhỏ nhất", "en": "Minimum"},
    "chrome.stat_q25": {"vi": "Phân vị 25", "en": "25th percentile"},
    "chrome.stat_median": {"vi": "Trung vị", "en": "Median"},
    "chrome.stat_q75": {"vi": "Phân vị 75", "en": "75th percentile"},
    "chrome.stat_max": {"vi": "Lớn nhất", "en": "Maximum"},
    "chrome.stat_mean": {"vi": "Trung bình", "en": "Average"},
    "chrome.stat_range": {"vi": "Khoảng biến thiên", "en": "Range"},
    "chrome.stat_sum": {"vi": "Tổng", "en": "Sum"},
    "chrome.stat_sd": {"vi": "Độ lệch chuẩn", "en": "Standard deviation"},
    "chrome.stat_top_chart": {"vi": "Biểu đồ các giá trị hay gặp nhất", "en": "Top values frequency chart"},
    "chrome.stat_histogram": {"vi": "Biểu đồ phân phối", "en": "Distribution histogram"},
    "chrome.stat_bool_chart": {"vi": "Biểu đồ tỷ lệ đúng/sai", "en": "True/false distribution chart"},
    "chrome.fmt_automatic": {"vi": "Tự động", "en": "Automatic"},
    "chrome.fmt_localized": {"vi": "Theo ngôn ngữ của trình duyệt", "en": "Localized"},
    "chrome.fmt_plain": {"vi": "Số thuần", "en": "Plain"},
    "chrome.fmt_compact": {"vi": "Rút gọn", "en": "Compact"},
    "chrome.fmt_dollar": {"vi": "Đô la", "en": "Dollar"},
    "chrome.fmt_euro": {"vi": "Đồng euro", "en": "Euro"},
    "chrome.fmt_yen": {"vi": "Yên", "en": "Yen"},
    "chrome.fmt_percent": {"vi": "Phần trăm", "en": "Percent"},
    "chrome.fmt_scientific": {"vi": "Dạng khoa học", "en": "Scientific"},
    "chrome.fmt_accounting": {"vi": "Kế toán", "en": "Accounting"},
    "chrome.fmt_duration": {"vi": "Khoảng thời gian", "en": "Duration"},
    "chrome.fmt_distance": {"vi": "Thời gian tương đối", "en": "Distance"},
    "chrome.fmt_calendar": {"vi": "Lịch", "en": "Calendar"},
    "upload_note": {
        "vi": "Kéo thả tệp vào ô trên hoặc bấm “Chọn tệp”: {types}, tối đa {mb} MB.",
        "en": "Drop a file on the box above or press “Choose a file”: {types}, at most {mb} MB.",
    },
    "choose": {"vi": "Chọn…", "en": "Choose…"},
    "upload_plan": {"vi": "Tải lên kế hoạch (.toml)", "en": "Upload a plan (.toml)"},
    "opened": {"vi": "Đã mở kế hoạch: {name}", "en": "Opened plan: {name}"},
    "plan_kept": {"vi": "Kế hoạch đang xem được giữ nguyên.", "en": "The plan on screen is kept."},
    "bad_file": {"vi": "Tệp không hợp lệ — {problem}", "en": "Invalid file — {problem}"},
    "unexpected": {
        "vi": "Lỗi không mong đợi ({kind}): {problem}",
        "en": "Unexpected error ({kind}): {problem}",
    },
    # library
    "library": {"vi": "Thư viện kế hoạch", "en": "Plan library"},
    "save_as": {"vi": "Lưu kế hoạch hiện tại với tên", "en": "Save the current plan as"},
    "save": {"vi": "Lưu", "en": "Save"},
    "saved": {"vi": "Đã lưu “{name}” ({file}).", "en": "Saved “{name}” ({file})."},
    "saved_renamed": {
        "vi": "Đã lưu “{name}” thành tệp {file} (đã có kế hoạch cùng tên, không ghi đè).",
        "en": "Saved “{name}” as {file} (a plan of that name exists; nothing overwritten).",
    },
    "library_empty": {"vi": "Chưa có kế hoạch nào được lưu.", "en": "No saved plans yet."},
    "delete": {"vi": "Xoá", "en": "Delete"},
    "deleted": {"vi": "Đã xoá “{name}”.", "en": "Deleted “{name}”."},
    "library_dir": {"vi": "Thư mục: {path}", "en": "Folder: {path}"},
    # results tables
    "tables": {"vi": "Bảng kết quả của Bộ Nội vụ", "en": "Ministry results table"},
    "tables_help": {
        "vi": "CSV/XLSX có cột tỉnh, năm, điểm (và xếp hạng). Được gộp vào lịch sử dùng cho dự báo.",
        "en": "CSV/XLSX with province, year, score (and rank) columns. Merged into the history the "
        "forecasts use.",
    },
    "table_index": {"vi": "Chỉ số của bảng", "en": "Index of the table"},
    "upload_table": {"vi": "Tải lên bảng kết quả", "en": "Upload a results table"},
    "table_loaded": {
        "vi": "Đã gộp {rows} dòng vào lịch sử {index}.",
        "en": "Merged {rows} rows into the {index} history.",
    },
    "table_in_use": {"vi": "{index}: {rows} dòng từ bảng tải lên", "en": "{index}: {rows} uploaded rows"},
    "remove_tables": {"vi": "Bỏ các bảng đã tải lên", "en": "Remove uploaded tables"},
    # advanced
    "advanced": {"vi": "Nâng cao", "en": "Advanced"},
    "seed_field": {"vi": "Hạt giống ngẫu nhiên", "en": "Random seed"},
    "link_range": {
        "vi": "Đường dẫn yêu cầu {name} = {value}, ngoài khoảng cho phép {lo}–{hi}: đang dùng {used}.",
        "en": "The link asks for {name} = {value}, outside the allowed {lo}–{hi}: using {used}.",
    },
    "link_target": {
        "vi": "Đường dẫn yêu cầu mục tiêu {index} điểm {score}, hạng {rank}: ngoài thang điểm hoặc ngoài "
        "1–{n}, đã đưa về giới hạn gần nhất.",
        "en": "The link asks for a {index} target of {score}, rank {rank}: outside the scale or 1–{n}, "
        "moved to the nearest limit.",
    },
    "link_unreadable": {
        "vi": "Đường dẫn có giá trị không đọc được ở “{name}” ({value}): đã bỏ qua.",
        "en": "The link holds an unreadable value in “{name}” ({value}): ignored.",
    },
    "num_ambiguous": {
        "vi": "{field}: “{text}” không rõ nghĩa: dùng một dấu thập phân (phẩy hoặc chấm), không dùng dấu "
        "phân cách hàng nghìn, ví dụ 83,76.",
        "en": "{field}: “{text}” is ambiguous: use one decimal separator (comma or dot) and no thousands "
        "separator, e.g. 83.76.",
    },
    "num_not_number": {
        "vi": "{field}: “{text}” không phải là một số.",
        "en": "{field}: “{text}” is not a number.",
    },
    "num_range": {
        "vi": "{field}: {text} nằm ngoài khoảng cho phép {lo}–{hi}.",
        "en": "{field}: {text} is outside the allowed {lo}–{hi}.",
    },
    "typed_help": {
        "vi": "Từ {lo} đến {hi}. Gõ 86,5 hoặc 86.5; để trống thì giữ giá trị cũ.",
        "en": "From {lo} to {hi}. Type 86.5 or 86,5; an empty field keeps the value.",
    },
    "num_example": {"vi": "83,76", "en": "83.76"},
    "num_kept": {"vi": "Giữ giá trị trước đó.", "en": "The previous value is kept."},
    "advanced_help": {
        "vi": "Mọi phương án được tính trên cùng một bộ số ngẫu nhiên: khác biệt trên màn hình là tác "
        "động của kế hoạch, không phải nhiễu mô phỏng.",
        "en": "Every option runs on the same random numbers: a difference on screen is the plan's "
        "effect, not simulation noise.",
    },
    # levers
    "levers": {"vi": "Mức hoàn thành nhóm nhiệm vụ, giải pháp", "en": "Task-group completion"},
    "targets": {"vi": "Mục tiêu", "en": "Targets"},
    "target_score": {"vi": "Điểm mục tiêu", "en": "Target score"},
    "target_rank": {"vi": "Hạng mục tiêu (trong top)", "en": "Target rank (top)"},
    "bau_short": {"vi": "Hiện trạng", "en": "BAU"},
    "slider_help": {
        "vi": "Hiện trạng {bau}: mức xu hướng tự đạt. Độ tin cậy thực hiện {rel} (giả định). "
        "Tác động tới: {weights} (giả định). Chi phí ở mức này: {cost}.",
        "en": "Status quo (BAU) {bau}: what the trend delivers anyway. Delivery reliability {rel} "
        "(assumption). Acts on: {weights} (assumption). Cost at this level: {cost}.",
    },
    "all_bau": {"vi": "Tất cả về hiện trạng", "en": "All at BAU"},
    "reset_plan": {"vi": "Về kế hoạch gốc", "en": "Back to the plan"},
    # outcomes
    "metric_p_score": {"vi": "Khả năng điểm ≥ {target}", "en": "P(score ≥ {target})"},
    "metric_p_rank": {"vi": "Khả năng hạng ≤ {rank}", "en": "P(rank ≤ {rank})"},
    "metric_p_both": {"vi": "Khả năng đạt cả hai", "en": "P(both targets)"},
    # no-break spaces: the figure and its error stay together, and so do "điểm %" (a narrow card
    # wraps between the two, never before a lone "%")
    "delta": {"vi": "{sign}{value}\u00a0±\u00a0{se} điểm\u00a0%", "en": "{sign}{value}\u00a0±\u00a0{se} pts"},
    "mc_help": {
        "vi": "± là sai số Monte Carlo (một độ lệch chuẩn) trên {draws} lần mô phỏng. Thay đổi so với "
        "hiện trạng được tính trên cùng bộ số ngẫu nhiên.",
        "en": "± is the Monte Carlo error (one standard deviation) over {draws} draws. The change vs BAU "
        "is computed on the same random numbers.",
    },
    "expected": {
        "vi": "Điểm kỳ vọng {score} (90 %: {lo}–{hi}) · hạng kỳ vọng {rank}/{n} · "
        "hiện trạng: {bscore}, hạng {brank}",
        "en": "Expected score {score} (90%: {lo}–{hi}) · expected rank {rank}/{n} · "
        "BAU: {bscore}, rank {brank}",
    },
    "score_dist": {"vi": "Phân phối điểm năm {year}", "en": "Score distribution, {year}"},
    "rank_dist": {
        "vi": "Phân phối xếp hạng năm {year} (nền xanh: hạng 1–{k})",
        "en": "Rank distribution, {year} (green: ranks 1–{k})",
    },
    "delta_note": {
        "vi": "Mũi tên: thay đổi so với hiện trạng, tính trên cùng bộ số ngẫu nhiên; "
        "± là sai số Monte Carlo.",
        "en": "Arrows: change vs the status quo (BAU) on the same random numbers; "
        "± is the Monte Carlo error.",
    },
    "history": {"vi": "Điểm qua các năm và dự báo", "en": "Past scores and forecast"},
    "rank_history": {"vi": "Hạng qua các năm và dự báo", "en": "Past ranks and forecast"},
    "components": {
        "vi": "Điểm kỳ vọng theo lĩnh vực / thành phần",
        "en": "Expected points by field / dimension",
    },
    "components_assumed": {
        "vi": "* Giả định: điểm hiện trạng của từng thành phần được chia từ tổng điểm theo điểm tối đa "
        "(chưa có điểm thành phần của tỉnh).",
        "en": "* Assumption: BAU points of each component are spread from the total by the maxima (the "
        "province's component scores are not known).",
    },
    "assumptions_n": {"vi": "Giả định của mô hình ({n} mục)", "en": "Model assumptions ({n} items)"},
    "plan_notes": {"vi": "Ghi chú của kế hoạch", "en": "Plan notes"},
    "groups_assumptions": {
        "vi": "Giả định của các nhóm nhiệm vụ",
        "en": "Task-group assumptions",
    },
    # chart words
    "c_share": {"vi": "Tỷ lệ lần mô phỏng", "en": "Share of draws"},
    "c_prob": {"vi": "Xác suất", "en": "Probability"},
    "c_bau": {"vi": "Hiện trạng", "en": "Status quo (BAU)"},
    "c_history": {"vi": "Đã công bố", "en": "Published"},
    "c_max": {"vi": "Tối đa", "en": "Maximum"},
    "c_points": {"vi": "Điểm", "en": "Points"},
    "c_component": {"vi": "Thành phần", "en": "Component"},
    "c_series": {"vi": "Phương án", "en": "Option"},
    "no_history": {
        "vi": "Chưa có điểm công bố của tỉnh cho chỉ số này.",
        "en": "No published score for this index.",
    },
    # overview
    "overview_intro": {
        "vi": "Xác suất đạt mục tiêu năm {year} nếu hoàn thành các nhóm nhiệm vụ ở mức đã chọn.",
        "en": "Probability of meeting the {year} targets if the task groups are completed at the "
        "chosen levels.",
    },
    "target_line": {
        "vi": "Mục tiêu: điểm\u00a0≥\u00a0{score}, hạng\u00a0≤\u00a0{rank}",
        "en": "Target: score\u00a0≥\u00a0{score}, rank\u00a0≤\u00a0{rank}",
    },
    "cost_line": {
        "vi": "Chi phí tăng thêm ước tính (giả định): {cost}{budget}",
        "en": "Estimated extra cost (assumption): {cost}{budget}",
    },
    "budget_of": {"vi": " trên ngân sách {budget}", "en": " of a {budget} budget"},
    "all_assumptions": {"vi": "Tất cả giả định", "en": "All assumptions"},
    "p_both_chart": {"vi": "Khả năng đạt cả hai mục tiêu", "en": "Probability of both targets"},
    # compare
    "compare_intro": {
        "vi": "So sánh kế hoạch hiện tại với tối đa 3 kế hoạch đã lưu, trên cùng bộ số ngẫu nhiên.",
        "en": "Compare the current plan with up to 3 saved plans, on the same random numbers.",
    },
    "compare_pick": {"vi": "Kế hoạch đã lưu để so sánh", "en": "Saved plans to compare"},
    "saved_entry": {
        "vi": "{name} ({province} {year}) · lưu {time}",
        "en": "{name} ({province} {year}) · saved {time}",
    },
    "compare_max": {
        "vi": "So sánh tối đa {n} kế hoạch đã lưu: chỉ {n} kế hoạch chọn đầu tiên được tính.",
        "en": "At most {n} saved plans are compared: only the first {n} chosen are run.",
    },
    "current_plan": {"vi": "Kế hoạch hiện tại", "en": "Current plan"},
    "compare_need": {
        "vi": "Lưu ít nhất một kế hoạch vào thư viện (thanh bên) rồi chọn ở đây.",
        "en": "Save at least one plan to the library (sidebar), then pick it here.",
    },
    "structure_differs": {
        "vi": "“{name}” không so sánh được: khác cấu trúc với kế hoạch hiện tại ({diff}). So sánh trên cùng "
        "bộ số ngẫu nhiên cần cùng tỉnh, năm, nhóm nhiệm vụ và giả định; hãy mở kế hoạch đó để xem riêng.",
        "en": "“{name}” cannot be compared: its structure differs from the current plan ({diff}). "
        "Comparing on common random numbers needs the same province, year, task groups and "
        "assumptions; open that plan to see it alone.",
    },
    "compare_cells": {
        "vi": "Mỗi ô: khả năng đạt cả hai mục tiêu ± sai số Monte Carlo (mục tiêu điểm; hạng).",
        "en": "Each cell: probability of both targets ± Monte Carlo error (score target; rank target).",
    },
    "col_cost": {"vi": "Chi phí", "en": "Cost"},
    # export
    "export": {"vi": "Tải xuống", "en": "Download"},
    "dl_toml": {"vi": "Kế hoạch (.toml)", "en": "Plan (.toml)"},
    "dl_csv": {"vi": "Kết quả (.csv)", "en": "Results (.csv)"},
    "dl_xlsx": {"vi": "Kết quả (.xlsx)", "en": "Results (.xlsx)"},
    "dl_html": {"vi": "Bản tóm tắt 1 trang (.html)", "en": "One-page brief (.html)"},
    "export_help": {
        "vi": "Bản tóm tắt gồm kế hoạch, mục tiêu, xác suất kèm sai số, biểu đồ, giả định, số lần mô phỏng "
        "và hạt giống; mở bằng trình duyệt và in ra PDF.",
        "en": "The brief holds the plan, targets, probabilities with their errors, charts, assumptions, "
        "draws and seed; open it in a browser and print to PDF.",
    },
    "share": {"vi": "Chia sẻ", "en": "Share"},
    "share_help": {
        "vi": "Đường dẫn này mở lại đúng kế hoạch, các mức đã chỉnh, mục tiêu, số lần mô phỏng, hạt giống "
        "và ngôn ngữ (thanh địa chỉ của trình duyệt cũng luôn chứa nó).",
        "en": "This link reopens the same plan, changed levels, targets, draws, seed and language (the "
        "browser's address bar always holds it too).",
    },
    "share_public": {
        "vi": "Địa chỉ công khai: {base} (đặt bởi {source}).",
        "en": "Public address: {base} (set by {source}).",
    },
    "share_browser": {
        "vi": "Chưa cấu hình địa chỉ công khai (APP_PUBLIC_URL hoặc browser.serverAddress): đường dẫn dùng "
        "địa chỉ trình duyệt này đang mở ({base}); người khác chỉ mở được nếu truy cập được địa chỉ đó.",
        "en": "No public address is configured (APP_PUBLIC_URL or browser.serverAddress): the link uses "
        "the address this browser opened ({base}); others can open it only if they can reach that address.",
    },
    "share_local": {
        "vi": "Chưa cấu hình địa chỉ công khai: ứng dụng đang được mở trên chính máy chạy nó ({base}), nên "
        "đường dẫn dưới đây chỉ mở được trên máy này, không gửi cho người khác được. Để chia sẻ, người "
        "quản trị đặt biến môi trường APP_PUBLIC_URL (ví dụ https://mophong.example.org) hoặc "
        "browser.serverAddress trong .streamlit/config.toml.",
        "en": "No public address is configured: the app is opened on the machine that runs it ({base}), so "
        "the link below opens only on this machine and cannot be sent to others. To share, the "
        "administrator sets the APP_PUBLIC_URL environment variable (e.g. https://sim.example.org) or "
        "browser.serverAddress in .streamlit/config.toml.",
    },
    "share_local_link": {"vi": "Đường dẫn trên máy này:", "en": "Link on this machine:"},
    "share_refused": {
        "vi": "APP_PUBLIC_URL = “{value}” không phải một địa chỉ http(s) đầy đủ (ví dụ "
        "https://mophong.example.org): không dùng.",
        "en": "APP_PUBLIC_URL = “{value}” is not a full http(s) address (e.g. https://sim.example.org): "
        "not used.",
    },
    "share_upload": {
        "vi": "Kế hoạch tải lên chỉ có trên máy này: lưu vào thư viện để có đường dẫn chia sẻ.",
        "en": "An uploaded plan lives only in this session: save it to the library to get a link.",
    },
    # outside view (issue 9)
    "ov_gain_axis": {
        "vi": "Mức tăng vượt xu hướng của một tỉnh-năm (điểm)",
        "en": "Gain of a province-year beyond its trend (points)",
    },
    "ov_count_axis": {"vi": "Số tỉnh-năm", "en": "Province-years"},
    "ov_gain": {"vi": "Mức tăng kế hoạch giả định", "en": "Gain the plan assumes"},
    "ov_gain_value": {"vi": "{gain} ± {se} điểm", "en": "{gain} ± {se} points"},
    "ov_line": {
        "vi": "Góc nhìn lịch sử: kế hoạch giả định mức tăng {gain} điểm, cao hơn {q} % trong {n} tỉnh-năm "
        "của nhóm tham chiếu.",
        "en": "Outside view: the plan assumes a gain of {gain} points, above {q} % of the reference "
        "class's {n} province-years.",
    },
    "ov_see": {"vi": "Xem “Góc nhìn lịch sử”.", "en": "See “Outside view”."},
    # the index tab's views under the headline
    "view_pick": {"vi": "Biểu đồ", "en": "Charts"},
    "view_dist": {"vi": "Phân phối {year}", "en": "{year} distributions"},
    "view_history": {"vi": "Lịch sử, dự báo", "en": "History"},
    "view_components": {"vi": "Thành phần điểm", "en": "Components"},
    "ov_percentile": {
        "vi": "Cao hơn {q} % trong {n} tỉnh-năm của nhóm tham chiếu (phân vị thứ {q}).",
        "en": "Above {q} % of the reference class's {n} province-years ({q}th percentile).",
    },
    "ov_both": {"vi": "Khả năng đạt cả hai mục tiêu:", "en": "Probability of meeting both targets:"},
    "ov_model": {"vi": "Theo mô hình", "en": "Model"},
    "ov_base": {"vi": "Theo lịch sử", "en": "Base rate"},
    "ov_base_help": {
        "vi": "Tỷ lệ tỉnh-năm có hạng xuất phát tương tự đã đạt cả hai mục tiêu vào năm sau (n = {n}).",
        "en": "Share of province-years from a similar starting rank that reached both targets the next "
        "year (n = {n}).",
    },
    "ov_base_n": {
        "vi": "Tỷ lệ cơ sở trên {n} tỉnh-năm có hạng xuất phát tương tự.",
        "en": "Base rate over {n} province-years from a similar starting rank.",
    },
    "ov_base_none": {"vi": "Không tính được tỷ lệ cơ sở: {why}", "en": "No base rate: {why}"},
    "ov_class": {"vi": "Nhóm tham chiếu: {text}", "en": "Reference class: {text}"},
    # league rank width (issue 8)
    "width_unavailable": {
        "vi": "Chưa đo được độ rộng khoảng xếp hạng: {problem}",
        "en": "The width of the rank ranges could not be measured: {problem}",
    },
    "width_other_field": {
        "vi": "Độ rộng này đo trên {n_old} tỉnh cũ (số liệu đến năm 2022); năm này xếp hạng {n} đơn vị.",
        "en": "This width is measured on the {n_old} former provinces (data to 2022); this year ranks "
        "{n} units.",
    },
    "width_cell": {"vi": "{lo}–{hi} ({share} đoán ngẫu nhiên)", "en": "{lo}–{hi} ({share} of a blind guess)"},
    # field view (issue 10)
    "tab_field": {"vi": "Toàn cảnh", "en": "Field view"},
    "field_intro": {
        "vi": "Xác suất mỗi tỉnh/thành phố rơi vào từng nhóm hạng và đạt một mức điểm: điều Bộ Nội vụ "
        "thấy, và điều các tỉnh cạnh tranh đối mặt (theo dự báo hiện trạng, số liệu đã công bố).",
        "en": "Each unit's probability of each rank band and of reaching a score: what the ministry "
        "sees, and what a planner's rivals face (business-as-usual forecast, published data).",
    },
    "field_threshold": {"vi": "Mức điểm cần đạt (để trống: bỏ qua)", "en": "Score to reach (empty: none)"},
    "field_head": {
        "vi": "{n} đơn vị năm {year} · {draws} lần mô phỏng · ± là sai số Monte Carlo (điểm %).",
        "en": "{n} units in {year} · {draws} draws · ± is the Monte Carlo error (points).",
    },
    "field_focal": {"vi": "Tô vàng: {unit}.", "en": "Highlighted: {unit}."},
    "field_shipped_only": {
        "vi": "Toàn cảnh dùng số liệu có sẵn; bảng kết quả bạn nạp chưa được đưa vào đây.",
        "en": "The field view uses the shipped data; the tables you loaded are not included here.",
    },
    "field_unit": {"vi": "Đơn vị", "en": "Unit"},
    "field_score": {"vi": "Điểm TB (khoảng 90 %)", "en": "Mean score (90 % range)"},
    "field_p_score": {"vi": "Điểm ≥ {score}", "en": "Score ≥ {score}"},
    "field_width": {"vi": "Khoảng hạng 90 %", "en": "90 % rank range"},
    "field_prob": {"vi": "Xác suất", "en": "Probability"},
    "field_table": {"vi": "Bảng xác suất", "en": "Probability table"},
    "field_heatmap": {"vi": "Bản đồ nhiệt", "en": "Heatmap"},
    "field_assumption": {"vi": "⚠ Giả định: {text}", "en": "⚠ Assumption: {text}"},
    "band_top": {"vi": "Nhóm {k} đầu", "en": "Top {k}"},
    "band_bottom": {"vi": "Nhóm {k} cuối", "en": "Bottom {k}"},
    # targets as planners write them, merged units (issue 10)
    "target_kind": {"vi": "Mục tiêu theo kế hoạch: {text}", "en": "Target as the plan writes it: {text}"},
    "predecessors": {
        "vi": "Các tỉnh cũ hợp thành {unit} (điểm từng tỉnh và chuỗi gộp)",
        "en": "The former provinces that form {unit} (each one's score and the combined series)",
    },
    "c_combined": {"vi": "Chuỗi gộp", "en": "Combined"},
    "units_in_year": {
        "vi": "Năm {year}: {n} đơn vị hành chính cấp tỉnh.",
        "en": "{year}: {n} provincial-level units.",
    },
    # Decisions tab (app/decisions_tab.py)
    "dec_mc_note": {
        "vi": "± là sai số mô phỏng: một độ lệch chuẩn của con số do số lần mô phỏng có hạn ({draws} lần). "
        "Một thay đổi được tính trên cùng các lần mô phỏng, nên sai số của nó nhỏ hơn sai số của từng"
        " xác suất.",
        "en": "± is the simulation error: one standard deviation of the figure due to the limited number of"
        " draws ({draws}). A change is computed on the same draws, so its error is smaller than each "
        "probability's.",
    },
    "dec_tab_tornado": {"vi": "Giá trị từng nhóm", "en": "Worth of each group"},
    "dec_tab_goal": {"vi": "Cần làm bao nhiêu", "en": "What it takes"},
    "dec_tab_budget": {"vi": "Phân bổ ngân sách", "en": "Budget allocation"},
    "dec_tab_sobol": {"vi": "Nguồn bất định", "en": "Sources of uncertainty"},
    "dec_tornado": {"vi": "Mỗi nhóm nhiệm vụ đáng giá bao nhiêu?", "en": "What is each task group worth?"},
    "dec_tornado_help": {
        "vi": "Khả năng đạt cả hai mục tiêu khi mức hoàn thành của một nhóm giảm/tăng {step} điểm % (các "
        "nhóm khác giữ theo kế hoạch), trên cùng các lần mô phỏng. Trong ngoặc: thay đổi so với kế "
        "hoạch, điểm %. Vạch đen trên biểu đồ: ± một sai số.",
        "en": "Probability of both targets when one group's completion moves {step} points down/up (the "
        "others as planned), on the same draws. In brackets: the change from the plan, in points. "
        "Black whiskers on the chart: ± one error.",
    },
    "dec_down": {"vi": "Giảm {step} điểm", "en": "{step} points down"},
    "dec_up": {"vi": "Tăng {step} điểm", "en": "{step} points up"},
    "dec_swing": {"vi": "Chênh lệch tăng − giảm, điểm %", "en": "Swing up − down, points"},
    "dec_delta_p": {"vi": "Thay đổi khả năng đạt cả hai, điểm %", "en": "Change in P(both), points"},
    "dec_index_head": {"vi": "**{index}** — P(đạt cả hai): {p}", "en": "**{index}** — P(both): {p}"},
    "dec_brackets": {
        "vi": "Hai cận: mọi nhóm hoàn thành 100 %: {all} ({d_all} điểm); chỉ như hiện trạng: {bau} ({d_bau}"
        " điểm).",
        "en": "Brackets: every group 100 % done: {all} ({d_all} points); nothing beyond the status quo: "
        "{bau} ({d_bau} points).",
    },
    "dec_goal": {"vi": "Cần làm bao nhiêu để đạt?", "en": "What does it take?"},
    "dec_goal_help": {
        "vi": "Với mỗi chỉ số: khả năng cao nhất mà các nhóm của chỉ số đó có thể mang lại (mọi nhóm 100 "
        "%), và mức cần để đạt xác suất bạn chọn — tăng đều mọi nhóm, hoặc chỉ một nhóm (các nhóm "
        "khác theo kế hoạch).",
        "en": "For each index: the best probability its own groups can bring (every group at 100 %), and "
        "what it takes to reach the probability you pick — every group raised alike, or one group "
        "alone (the others as planned).",
    },
    "dec_goal_q": {"vi": "Xác suất mong muốn — {index}", "en": "Wanted probability — {index}"},
    "dec_goal_q_help": {
        "vi": "Mặc định {q} %: giữa mức của kế hoạch ({plan}) và mức cao nhất đạt được ({best}).",
        "en": "Default {q} %: between the plan's ({plan}) and the best reachable ({best}).",
    },
    "dec_goal_range": {
        "vi": "Kế hoạch: {plan}. Cao nhất có thể (mọi nhóm của chỉ số 100 %): {best}.",
        "en": "Plan: {plan}. Best reachable (every group of the index at 100 %): {best}.",
    },
    "dec_uniform_ok": {
        "vi": "Tăng đều mọi nhóm thêm {d} điểm % so với kế hoạch → P = {p}.",
        "en": "Raise every group {d} points over the plan → P = {p}.",
    },
    "dec_already": {
        "vi": "Kế hoạch hiện tại đã đạt: P = {p}.",
        "en": "The plan already reaches it: P = {p}.",
    },
    "dec_not_reachable": {
        "vi": "Không đạt được bằng các nhóm nhiệm vụ này; cao nhất P = {p} (mọi nhóm 100 %).",
        "en": "Not reachable by these task groups; the best is P = {p} (every group at 100 %).",
    },
    "dec_level_needed": {"vi": "Mức cần (một mình nhóm này)", "en": "Level needed (this group alone)"},
    "dec_p_there": {
        "vi": "P(đạt cả hai) ở mức đó (hoặc ở 100 %)",
        "en": "P(both) at that level (or at 100 %)",
    },
    "dec_planned": {"vi": "Kế hoạch", "en": "Planned"},
    "dec_no": {"vi": "không đạt, kể cả ở 100 %", "en": "not reachable, even at 100 %"},
    "dec_budget_help": {
        "vi": "Từ 0 đến {hi} (chi phí khi mọi nhóm hoàn thành 100 %). Gõ 54,5 hoặc 54.5.",
        "en": "From 0 to {hi} (the cost of every group at 100 %). Type 54.5 or 54,5.",
    },
    "dec_optimise": {"vi": "Phân bổ ngân sách tốt nhất", "en": "Where money goes furthest"},
    "dec_optimising": {
        "vi": "Đang tìm phân bổ tốt nhất trên {n} lần mô phỏng, rồi đánh giá lại trên {n} lần mới…",
        "en": "Finding the best allocation on {n} draws, then re-estimating it on {n} fresh draws…",
    },
    "dec_fresh_note": {
        "vi": "Phân bổ được chọn trên {n} lần mô phỏng của Tổng quan, rồi được đánh giá lại trên {m} lần mô"
        " phỏng mới, độc lập (sinh từ hạt giống {seed}, nên cùng hạt giống cho cùng kết quả). Các con"
        " số dưới đây là của lần đánh giá lại: đã loại bỏ phần lạc quan do chính việc chọn.",
        "en": "The allocation is chosen on the Overview's {n} draws, then re-estimated on {m} fresh, "
        "independent draws (derived from seed {seed}, so the same seed gives the same figures). The "
        "figures below are the re-estimate's: the optimism of the choice itself is removed.",
    },
    "dec_cost": {"vi": "Chi phí", "en": "Cost"},
    "dec_change": {"vi": "{d} ± {se} điểm % so với kế hoạch", "en": "{d} ± {se} points vs the plan"},
    "dec_p_plan": {
        "vi": "Kế hoạch, trên các lần mô phỏng mới: {values}.",
        "en": "The plan, on the fresh draws: {values}.",
    },
    "dec_objective_line": {
        "vi": "Mục tiêu chung (trung bình có trọng số của P(đạt cả hai)): {plan} → {opt}, thay đổi {gain} "
        "± {se} điểm %. Trên chính các lần mô phỏng đã dùng để chọn, con số là {sel}.",
        "en": "Objective (weighted mean of P(both)): {plan} → {opt}, a change of {gain} ± {se} points. On "
        "the very draws it was chosen on, it reads {sel}.",
    },
    "dec_marginal": {
        "vi": "Thêm 1 {cur} ngân sách: mục tiêu chung thay đổi {d} ± {se} điểm % (trên các lần mô phỏng "
        "mới).",
        "en": "One more {cur} of budget: the objective changes by {d} ± {se} points (on the fresh draws).",
    },
    "dec_frontier": {
        "vi": "Đường biên hiệu quả: ngân sách → xác suất tốt nhất",
        "en": "Efficient frontier: budget → best probability",
    },
    "dec_frontier_help": {
        "vi": "Mỗi điểm: phân bổ tốt nhất ở mức ngân sách đó, đánh giá lại trên các lần mô phỏng mới; dải "
        "mờ: ± một sai số. Đường nét đứt: ngân sách đang xét.",
        "en": "Each point: the best allocation at that budget, re-estimated on the fresh draws; shaded "
        "band: ± one error. Dashed line: the budget in question.",
    },
    "dec_objective": {"vi": "P(đạt cả hai), trung bình có trọng số", "en": "P(both), weighted mean"},
    "dec_no_fresh": {
        "vi": "Không có lần mô phỏng mới (kết quả không có hạt giống): các con số là trên chính các lần đã "
        "dùng để chọn.",
        "en": "No fresh draws (the draws have no seed): the figures are on the very draws used to choose.",
    },
    "dec_sobol": {"vi": "Điều gì quyết định sự bất định?", "en": "What drives the uncertainty?"},
    "dec_sobol_meaning": {
        "vi": "Chỉ số Sobol cho biết mỗi nguồn bất định gây ra bao nhiêu phần dao động của việc đạt hay "
        "không đạt cả hai mục tiêu: bậc một là phần của riêng nguồn đó, toàn phần tính cả phần nó gây"
        " ra khi kết hợp với các nguồn khác. Nguồn có chỉ số toàn phần gần 0 không đáng để tìm hiểu "
        "thêm; nguồn có chỉ số lớn là nơi thông tin tốt hơn sẽ thu hẹp dự báo nhiều nhất.",
        "en": "Sobol indices say how much of the variation in meeting both targets or not each source of "
        "uncertainty causes: first order is the source's own share, total adds what it causes "
        "together with the other sources. A source with a total index near 0 is not worth refining; a"
        " large one is where better information would narrow the forecast most.",
    },
    "dec_sobol_button": {
        "vi": "Tính chỉ số Sobol ({n} lần mô phỏng, khoảng vài giây)",
        "en": "Compute the Sobol indices ({n} draws, a few seconds)",
    },
    "dec_sobol_running": {"vi": "Đang tính chỉ số Sobol…", "en": "Computing the Sobol indices…"},
    "dec_sobol_note": {
        "vi": "Thiết kế chọn–cố định trên {n} lần mô phỏng, hạt giống {seed}; trong ngoặc: khoảng tin cậy "
        "95 % (lấy mẫu lại {boot} lần).",
        "en": "Pick-freeze design on {n} draws, seed {seed}; in brackets: 95 % confidence interval "
        "(bootstrap, {boot} resamples).",
    },
    "dec_source": {"vi": "Nguồn bất định", "en": "Source of uncertainty"},
    "dec_first": {"vi": "Bậc một", "en": "First order"},
    "dec_total": {"vi": "Toàn phần", "en": "Total"},
    "dec_share": {"vi": "Chỉ số Sobol", "en": "Sobol index"},
    "dec_ci": {"vi": "{v} (từ {lo} đến {hi})", "en": "{v} ({lo} to {hi})"},
    "dec_src_delivery": {
        "vi": "Mức thực hiện thực tế của các nhóm nhiệm vụ",
        "en": "How much of each task group is delivered",
    },
    "dec_src_weights": {
        "vi": "Mức tác động của nhóm lên từng tiêu chí (trọng số)",
        "en": "How strongly groups act on each criterion (weights)",
    },
    "dec_src_effectiveness": {"vi": "Hiệu quả thực hiện", "en": "Effectiveness of delivery"},
    "dec_src_survey": {"vi": "Sai số khảo sát", "en": "Survey noise"},
    "dec_src_national": {
        "vi": "Biến động chung cả nước (và tham số dự báo)",
        "en": "Nationwide shift (and forecast parameters)",
    },
    "dec_src_units": {
        "vi": "Biến động riêng của từng tỉnh (các tỉnh khác và chính tỉnh)",
        "en": "Each province's own movement (the others and this one)",
    },
}


# App keys whose words are a library label's, word for word (chart axes and marks).
SAME_AS: dict[str, str] = {
    "ov_title": "outside.title",
    "view_outside": "outside.title",
    "draws_field": "col.draws",
    "c_score": "score",
    "c_rank": "col.rank",
    "c_year": "year",
    "c_plan": "plan",
    "dec_plan_level": "col.plan",
    "c_target": "target",
    "ov_plan_mark": "plan",
    "field_rank": "expected_rank",
    "dec_group": "task_group",
    "dec_budget": "budget",
    "dec_opt_level": "optimised",
}


def entry(key: str) -> dict[str, str] | None:
    """The ``{"vi": …, "en": …}`` entry of ``key``: the app's, else the library's (None if unknown)."""
    return STRINGS.get(key) or TEXT.get(SAME_AS.get(key, key))


def tr(key: str, lang: str = "vi", **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in (the key itself if unknown).

    >>> tr("plan_year", "vi"), tr("plan", "en"), tr("c_score", "vi")
    ('Năm kế hoạch', 'Plan', 'Điểm')
    """
    entry_ = entry(key)
    if entry_ is None:
        return key
    text = entry_.get(lang, entry_["vi"])
    return text.format(**values) if values else text
