"""Words and number formats in Vietnamese (default) and English, shared by the CLI, reports and app.

:data:`TEXT` is the one table of library labels: the CLI's words, the brief's and the workbook's
(sheet names, column headers with their units, run-info keys), the outside view's sentences and the
Vietnamese templates of input errors; :func:`t` reads it. The app reads the table too: its own words
are in ``app.i18n.STRINGS`` and ``app.i18n.tr`` falls back to this table, so a word both use is
written once, here. :data:`INDEX_SHORT` holds the indices' short names, alike in both languages.
:func:`assumption_text` turns a bilingual assumption note (``giả định: … (assumption: …)``) into one
language.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGS = ("vi", "en")
INDEX_SHORT = {"par_index": "PAR INDEX", "sipas": "SIPAS", "papi": "PAPI"}  # alike in both languages

TEXT: dict[str, dict[str, str]] = {
    "par_index": {"vi": "Chỉ số CCHC (PAR INDEX)", "en": "PAR INDEX"},
    "sipas": {"vi": "Chỉ số hài lòng (SIPAS)", "en": "SIPAS"},
    "papi": {"vi": "Chỉ số PAPI", "en": "PAPI"},
    "index": {"vi": "Chỉ số", "en": "Index"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "score": {"vi": "Điểm", "en": "Score"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "p_score": {"vi": "P(điểm ≥ mục tiêu)", "en": "P(score ≥ target)"},
    "p_rank": {"vi": "P(hạng ≤ mục tiêu)", "en": "P(rank ≤ target)"},
    "p_both": {"vi": "P(đạt cả hai)", "en": "P(both)"},
    "expected_rank": {"vi": "Hạng kỳ vọng", "en": "Expected rank"},
    "score_interval": {"vi": "Điểm (trung bình; khoảng 90%)", "en": "Score (mean; 90% interval)"},
    "rank_interval": {"vi": "Hạng (trung vị; khoảng 90%)", "en": "Rank (median; 90% interval)"},
    "draws": {"vi": "số lần mô phỏng", "en": "draws"},
    "seed": {"vi": "hạt giống ngẫu nhiên", "en": "seed"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "province": {"vi": "Tỉnh/thành phố", "en": "Province"},
    "year": {"vi": "Năm", "en": "Year"},
    "top": {"vi": "nhóm", "en": "top"},
    "mc_note": {
        "vi": "± là sai số Monte Carlo (một độ lệch chuẩn).",
        "en": "± is the Monte Carlo error (one standard deviation).",
    },
    "assumption": {"vi": "Giả định", "en": "Assumption"},
    "copied_from": {
        "vi": "Nhóm nhiệm vụ và giả định sao chép từ",
        "en": "Task groups and assumptions copied from",
    },
    # the HTML brief
    "brief": {"vi": "Bản tóm tắt cho Ban Chỉ đạo", "en": "Brief for the steering committee"},
    "levels": {"vi": "Mức hoàn thành nhóm nhiệm vụ", "en": "Task-group completion levels"},
    "group": {"vi": "Nhóm nhiệm vụ, giải pháp", "en": "Task group"},
    "bau": {"vi": "Hiện trạng", "en": "Status quo"},
    "planned": {"vi": "Kế hoạch", "en": "Plan"},
    "reliability": {"vi": "Độ tin cậy (giả định)", "en": "Reliability (assumption)"},
    "assumptions": {"vi": "Giả định", "en": "Assumptions"},
    "vs_bau": {"vi": "so với hiện trạng", "en": "vs status quo"},
    "pts": {"vi": "điểm %", "en": "pts"},
    "score_chart": {"vi": "Phân phối điểm (vạch: mục tiêu)", "en": "Score distribution (line: target)"},
    "rank_chart": {
        "vi": "Phân phối hạng (vùng xanh: đạt mục tiêu)",
        "en": "Rank distribution (green: target met)",
    },
    "cost": {"vi": "Chi phí ước tính (giả định)", "en": "Estimated cost (assumption)"},
    "generated": {"vi": "Lập ngày", "en": "Generated"},
    "model_note": {
        "vi": "Xác suất là kết quả của mô hình mô phỏng Monte Carlo với các giả định nêu dưới đây; "
        "không phải dự báo chắc chắn.",
        "en": "Probabilities come from a Monte Carlo model resting on the assumptions listed below; "
        "they are not certainties.",
    },
    "spread": {
        "vi": "Điểm hiện trạng của từng lĩnh vực được chia từ tổng điểm theo điểm tối đa (giả định).",
        "en": "Status-quo points of each field are spread from the total by the maxima (assumption).",
    },
    "groups_note": {
        "vi": "Mức hiện trạng, độ tin cậy thực hiện, trọng số tác động, hiệu quả và chi phí "
        "của các nhóm nhiệm vụ là giả định của kế hoạch.",
        "en": "Status-quo levels, delivery reliability, weights, effectiveness and costs of the task "
        "groups are the plan's assumptions.",
    },
    "coupling": {
        "vi": "Điểm SIPAS đưa vào PAR INDEX theo quy đổi SIPAS % × {scale} (giả định).",
        "en": "SIPAS feeds the PAR INDEX as SIPAS % × {scale} (assumption).",
    },
    # the workbook: sheet names (at most 31 characters) ...
    "sheet.summary": {"vi": "Tóm tắt", "en": "Summary"},
    "sheet.task_groups": {"vi": "Nhóm nhiệm vụ", "en": "Task groups"},
    "sheet.rank_pmf": {"vi": "Phân phối hạng", "en": "Rank distribution"},
    "sheet.components": {"vi": "Lĩnh vực", "en": "Components"},
    "sheet.assumptions": {"vi": "Giả định", "en": "Assumptions"},
    "sheet.run": {"vi": "Thông tin lần chạy", "en": "Run"},
    # ... and column headers, each with its unit; {what} is one of the three targets below
    "col.index": {"vi": "Chỉ số", "en": "Index"},
    "col.plan": {"vi": "Kế hoạch", "en": "Plan"},
    "col.province": {"vi": "Tỉnh/thành phố", "en": "Province"},
    "col.year": {"vi": "Năm", "en": "Year"},
    "col.unit": {"vi": "Đơn vị điểm", "en": "Score unit"},
    "col.target_score": {"vi": "Điểm mục tiêu (% hoặc điểm)", "en": "Target score (% or points)"},
    "col.target_rank": {"vi": "Hạng mục tiêu", "en": "Target rank"},
    "col.score_mean": {"vi": "Điểm trung bình (% hoặc điểm)", "en": "Mean score (% or points)"},
    "col.score_p05": {"vi": "Điểm, phân vị 5% (% hoặc điểm)", "en": "Score, 5th percentile (% or points)"},
    "col.score_p50": {"vi": "Điểm, trung vị (% hoặc điểm)", "en": "Score, median (% or points)"},
    "col.score_p95": {"vi": "Điểm, phân vị 95% (% hoặc điểm)", "en": "Score, 95th percentile (% or points)"},
    "col.rank_p05": {"vi": "Hạng, phân vị 5%", "en": "Rank, 5th percentile"},
    "col.rank_p50": {"vi": "Hạng, trung vị", "en": "Rank, median"},
    "col.rank_p95": {"vi": "Hạng, phân vị 95%", "en": "Rank, 95th percentile"},
    "col.expected_rank": {"vi": "Hạng kỳ vọng", "en": "Expected rank"},
    "col.p": {"vi": "Xác suất {what} (%)", "en": "P({what}) (%)"},
    "col.se_p": {"vi": "Sai số mô phỏng, xác suất {what} (%)", "en": "Simulation error, P({what}) (%)"},
    "col.bau_p": {"vi": "Xác suất {what}, hiện trạng (%)", "en": "P({what}), status quo (%)"},
    "col.bau_se_p": {
        "vi": "Sai số mô phỏng, xác suất {what}, hiện trạng (%)",
        "en": "Simulation error, P({what}), status quo (%)",
    },
    "col.change_p": {
        "vi": "Thay đổi xác suất {what} so với hiện trạng (%)",
        "en": "Change of P({what}) vs status quo (%)",
    },
    "col.se_change_p": {
        "vi": "Sai số mô phỏng của thay đổi, xác suất {what} (%)",
        "en": "Simulation error of the change, P({what}) (%)",
    },
    "what.score": {"vi": "đạt điểm mục tiêu", "en": "score ≥ target"},
    "what.rank": {"vi": "đạt hạng mục tiêu", "en": "rank ≤ target"},
    "what.both": {"vi": "đạt cả hai", "en": "both"},
    "col.bau_score_mean": {
        "vi": "Điểm trung bình, hiện trạng (% hoặc điểm)",
        "en": "Mean score, status quo (% or points)",
    },
    "col.bau_expected_rank": {"vi": "Hạng kỳ vọng, hiện trạng", "en": "Expected rank, status quo"},
    "col.cost": {"vi": "Chi phí (giả định)", "en": "Cost (assumption)"},
    "col.currency": {"vi": "Đơn vị tiền", "en": "Currency"},
    "col.draws": {"vi": "Số lần mô phỏng", "en": "Draws"},
    "col.seed": {"vi": "Hạt giống ngẫu nhiên", "en": "Seed"},
    "col.group": {"vi": "Mã nhóm", "en": "Group id"},
    "col.name": {"vi": "Tên", "en": "Name"},
    "col.bau": {"vi": "Mức hiện trạng (%)", "en": "Status-quo level (%)"},
    "col.planned": {"vi": "Mức kế hoạch (%)", "en": "Planned level (%)"},
    "col.reliability": {
        "vi": "Độ tin cậy thực hiện (giả định, %)",
        "en": "Delivery reliability (assumption, %)",
    },
    "col.weights": {"vi": "Trọng số tác động (giả định)", "en": "Impact weights (assumption)"},
    "col.rank": {"vi": "Hạng", "en": "Rank"},
    "col.plan_pmf": {"vi": "Xác suất đạt đúng hạng này, kế hoạch (%)", "en": "P(this rank), plan (%)"},
    "col.bau_pmf": {"vi": "Xác suất đạt đúng hạng này, hiện trạng (%)", "en": "P(this rank), status quo (%)"},
    "col.in_target": {"vi": "Trong hạng mục tiêu", "en": "Within the target rank"},
    "col.component": {"vi": "Mã lĩnh vực", "en": "Component id"},
    "col.plan_points": {"vi": "Điểm kỳ vọng, kế hoạch (điểm)", "en": "Expected points, plan (points)"},
    "col.bau_points": {"vi": "Điểm kỳ vọng, hiện trạng (điểm)", "en": "Expected points, status quo (points)"},
    "col.max": {"vi": "Điểm tối đa (điểm)", "en": "Maximum (points)"},
    "col.assumed": {"vi": "Điểm chia theo giả định", "en": "Points spread by assumption"},
    "col.assumption": {"vi": "Giả định", "en": "Assumption"},
    "col.key": {"vi": "Mục", "en": "Item"},
    "col.value": {"vi": "Giá trị", "en": "Value"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "unit.%": {"vi": "%", "en": "%"},
    "unit.points": {"vi": "điểm", "en": "points"},
    # definitions (simulator.indices): where a sub-criterion's assumption comes from, where it applies
    "def.assumed_by_file": {"vi": "Giả định theo tệp định nghĩa: {source}", "en": "{source}"},
    "def.applies_to": {"vi": "Áp dụng cho", "en": "Applies to"},
    "def.within": {"vi": "ở", "en": "in"},
    # why the panel model's level reversion is what it is (simulator.panel, an assumption note)
    "panel.reversion_kept": {
        "vi": "chọn theo kiểm định 2013-2020, giữ lại theo kiểm định 2013-2022, nên nằm trong mẫu",
        "en": "chosen on the 2013-2020 backtest, kept on the 2013-2022 one, so in-sample there",
    },
    "panel.reversion_candidate": {
        "vi": "một phương án thử của vòng 2, không được chọn",
        "en": "a round-2 candidate, not chosen",
    },
    # the rank range's width (simulator.rank_width)
    "rank_width.message": {
        "vi": "Khoảng xếp hạng hiện rộng khoảng {x} trên {n} bậc (đoán ngẫu nhiên: {u}). Nạp bảng kết quả "
        "đầy đủ của Bộ Nội vụ để thu hẹp khoảng xếp hạng từ khoảng {x} xuống khoảng {y} bậc.",
        "en": "Rank ranges are about {x} of {n} places wide (a blind guess: {u}). Load the ministry's full "
        "table to narrow the rank range from about {x} to about {y} places.",
    },
    # the command line (simulator.__main__): sensitivity, goalseek and optimize tables
    "cli.error": {"vi": "lỗi", "en": "error"},
    "task_group": {"vi": "Nhóm nhiệm vụ", "en": "Task group"},
    "cli.down_se": {"vi": "ΔP giảm ± sai số", "en": "ΔP down ± error"},
    "cli.up_se": {"vi": "ΔP tăng ± sai số", "en": "ΔP up ± error"},
    "cli.swing_se": {"vi": "Chênh lệch ± sai số", "en": "Swing ± error"},
    "cli.rank_up": {"vi": "Δhạng tăng", "en": "Δrank up"},
    "cli.status_quo": {"vi": "hiện trạng", "en": "status quo"},
    "cli.sobol": {
        "vi": "Sobol (toàn phần, khoảng 95 %): {values}",
        "en": "Sobol (total, 95 % interval): {values}",
    },
    "cli.delta_p": {"vi": "ΔP: điểm %", "en": "ΔP: percentage points"},
    "cli.not_reachable": {"vi": "không đạt", "en": "not reachable"},
    "cli.best": {"vi": "tối đa (mọi nhóm 100 %)", "en": "best (every group 100 %)"},
    "cli.uniform_rise": {"vi": "tăng đều", "en": "uniform rise"},
    "cli.group_alone": {"vi": "Nhóm (một mình)", "en": "Group (alone)"},
    "cli.needed": {"vi": "Mức cần", "en": "Needed"},
    "budget": {"vi": "Ngân sách", "en": "Budget"},
    "cli.budget_line": {
        "vi": "Ngân sách: {budget} {currency}; chi phí kế hoạch {plan_cost}, sau tối ưu {cost}",
        "en": "Budget: {budget} {currency}; plan cost {plan_cost}, optimised {cost}",
    },
    "optimised": {"vi": "Tối ưu", "en": "Optimised"},
    "cli.on_chosen_draws": {
        "vi": "Trên chính các lần mô phỏng đã dùng để chọn:",
        "en": "On the draws it was chosen on:",
    },
    "cli.fresh_draws": {
        "vi": "Đánh giá lại trên {draws} lần mô phỏng mới (hạt giống {seed}, "
        "độc lập với các lần dùng để chọn):",
        "en": "Re-estimated on {draws} fresh draws (seed {seed}, independent of the draws it was chosen on):",
    },
    "cli.objective": {
        "vi": "Mục tiêu chung: {plan} → {optimised} ({gain}; trên các lần dùng để chọn {chosen})",
        "en": "Objective: {plan} → {optimised} ({gain}; on the chosen-on draws {chosen})",
    },
    "cli.one_more": {"vi": "Thêm 1 {currency}: {gain} điểm %", "en": "One more {currency}: {gain} points"},
    "cli.frontier": {"vi": "Đường biên hiệu quả", "en": "Efficient frontier"},
    # the outside view (simulator.outside_view), one line each in the CLI and the brief
    "outside.title": {"vi": "Góc nhìn lịch sử", "en": "Outside view"},
    "outside.calibration": {
        "vi": "Giả định: hoàn thành đầy đủ mọi nhóm nhiệm vụ mang lại mức tăng bằng phân vị thứ {q} của "
        "những gì các tỉnh đã thực sự đạt được vượt xu hướng (một năm nỗ lực tối đa tốt ngang nhóm "
        "{top} % tỉnh-năm tốt nhất).",
        "en": "Assumption: completing every task group in full gives a gain equal to the {q}th percentile "
        "of what provinces actually achieved beyond their trend (a full-effort year is as good as the "
        "best {top} % of province-years).",
    },
    "outside.head": {
        "vi": "Góc nhìn lịch sử: mức tăng so với hiện trạng {gain} điểm, phân vị {pct} của {ref}",
        "en": "Outside view: gain over the status quo {gain} points, percentile {pct} of {ref}",
    },
    "outside.rate": {
        "vi": "Tỷ lệ nền: {rate} % trong {n} tỉnh-năm xuất phát tương tự đạt cả hai mục tiêu",
        "en": "Base rate: {rate} % of {n} province-years from a similar start reached both targets",
    },
    "outside.no_rate": {
        "vi": "Tỷ lệ nền: không đủ dữ liệu ({why})",
        "en": "Base rate: not enough data ({why})",
    },
    "outside.effectiveness": {
        "vi": " (hiệu quả hiệu chỉnh = {e})",
        "en": " (calibrated effectiveness = {e})",
    },
    "outside.capped": {
        "vi": "Mức tăng mục tiêu {target} điểm vượt quá khả năng của các trọng số trong kế hoạch: "
        "hiệu quả dừng ở mức trần {e}, mọi nhóm 100 % chỉ cho {gain} điểm.",
        "en": "The target gain of {target} points is beyond what the plan's weights can deliver: "
        "effectiveness stops at its ceiling {e}, and every group at 100 % gives only {gain} points.",
    },
    "outside.flag": {
        "vi": "Kế hoạch giả định mức tăng mà chỉ {share} % tỉnh-năm từng đạt.",
        "en": "The plan assumes a gain that only {share} % of province-years have ever achieved.",
    },
    "outside.no_last_rank": {
        "vi": "chưa biết thứ hạng năm trước của tỉnh",
        "en": "the province's last rank is not known",
    },
    "outside.few_scores": {
        "vi": "Bộ chỉ công bố ít điểm số mỗi năm: chỉ có {n} tỉnh-năm tương đương",
        "en": "the ministry publishes too few scores a year: {n} comparable province-years",
    },
    # reference classes (simulator.reference_class)
    "reference.transfer": {
        "vi": "Giả định: mức tiến bộ vượt xu hướng của một tỉnh, tính theo độ lệch chuẩn của cả nước, "
        "tương tự nhau giữa PAPI, PAR INDEX và SIPAS (mượn lớp tham chiếu chuẩn hoá của PAPI).",
        "en": "Assumption: a province's movement beyond its trend, in field standard deviations, is alike "
        "across PAPI, PAR INDEX and SIPAS (PAPI's standardised reference class is borrowed).",
    },
    "reference.bau_residual": {
        "vi": "chênh lệch giữa kết quả thực tế và dự báo hiện trạng (ngoài mẫu)",
        "en": "actual minus business-as-usual forecast (out of sample)",
    },
    "reference.one_year_change": {"vi": "mức thay đổi điểm sau một năm", "en": "one-year score changes"},
    "reference.own": {"vi": "{n} tỉnh-năm {years}: {what}", "en": "{n} province-years {years}: {what}"},
    "reference.borrowed": {
        "vi": "{n} tỉnh-năm PAPI {years}: {what}, quy đổi theo độ lệch chuẩn của cả nước ({scale} điểm)",
        "en": "{n} PAPI province-years {years}: {what}, rescaled by the field sd ({scale} points)",
    },
    "reference.band": {
        "vi": "; xuất phát từ hạng {lo}–{hi} của cả nước",
        "en": "; starting from {lo}–{hi} of the field's ranks",
    },
    "reference.too_few": {
        "vi": "chỉ có {n} tỉnh-năm tương đương (cần {need})",
        "en": "only {n} comparable province-years (need {need})",
    },
    # input errors (simulator.errors): each English problem, its {pieces} named as in the pattern
    # that reads them back, and its Vietnamese template
    "error.type.text": {"vi": "văn bản", "en": "text"},
    "error.type.number": {"vi": "một số", "en": "a number"},
    "error.type.whole_number": {"vi": "một số nguyên", "en": "a whole number"},
    "error.type.true_false": {"vi": "true/false (đúng/sai)", "en": "true/false"},
    "error.type.table": {"vi": "một bảng", "en": "a table"},
    "error.type.list": {"vi": "một danh sách", "en": "a list"},
    "error.count.rows": {"vi": "dòng", "en": "rows"},
    "error.count.columns": {"vi": "cột", "en": "columns"},
    "error.count.cells": {"vi": "ô", "en": "cells"},
    "error.count.sheets": {"vi": "trang tính", "en": "sheets"},
    "error.where.row": {"vi": "dòng {n}", "en": "row {n}"},
    "error.where.column": {"vi": "cột", "en": "column"},
    "error.outside": {"vi": "{v} nằm ngoài khoảng [{lo}; {hi}]", "en": "{v} is outside [{lo}, {hi}]"},
    "error.outside_range": {"vi": "{v} nằm ngoài khoảng {lo}–{hi}", "en": "{v} is outside {lo}–{hi}"},
    "error.not_finite": {
        "vi": "phải là một số hữu hạn, không phải {v}",
        "en": "must be a finite number, not {v}",
    },
    "error.type": {"vi": "phải là {type}, không phải {v}", "en": "must be {type}, not {v}"},
    "error.not_table": {"vi": "phải là một bảng", "en": "must be a table"},
    "error.required": {"vi": "thiếu: mục này là bắt buộc", "en": "is required"},
    "error.empty_value": {"vi": "không được để trống", "en": "must not be empty"},
    "error.unknown_key": {
        "vi": "khóa không được dùng ở đây (các khóa hợp lệ: {keys})",
        "en": "unknown key (allowed here: {keys})",
    },
    "error.plan_size": {
        "vi": "{n} byte, vượt giới hạn {limit} byte của một tệp kế hoạch",
        "en": "{n} bytes is above the limit of {limit} bytes for a plan file",
    },
    "error.size": {
        "vi": "{n} byte, vượt giới hạn {limit} byte",
        "en": "{n} bytes is above the limit of {limit} bytes",
    },
    "error.above_limit": {"vi": "vượt giới hạn {limit} byte", "en": "is above the limit of {limit} bytes"},
    "error.table_size": {
        "vi": "lớn hơn giới hạn {limit} byte của một bảng kết quả",
        "en": "is larger than the limit of {limit} bytes for a results table",
    },
    "error.table_shape": {
        "vi": "có hơn {limit} {what} (giới hạn của một bảng kết quả)",
        "en": "has more than {limit} {what} (the limit for a results table)",
    },
    "error.province_hint": {
        "vi": "không có tỉnh/thành phố {name} (có phải {hint}?)",
        "en": "unknown province {name} (did you mean {hint}?)",
    },
    "error.province": {"vi": "không có tỉnh/thành phố {name}", "en": "unknown province {name}"},
    "error.province_required": {"vi": "cần nhập tên tỉnh/thành phố", "en": "a province name is required"},
    # {vi} is the refusal's own Vietnamese half (simulator.units.Merger.refusal)
    "error.merged": {
        "vi": "{vi}: dùng {name} cho năm này",
        "en": "{vi} / … merged into …: use {name} for this year",
    },
    "error.unreadable": {"vi": "không đọc được ({why})", "en": "cannot be read ({why})"},
    "error.unwritable": {"vi": "không ghi được ({why})", "en": "cannot be written ({why})"},
    "error.not_file": {"vi": "không phải là một tệp thông thường", "en": "is not a regular file"},
    "error.not_utf8": {
        "vi": "không phải tệp văn bản UTF-8 (cần một tệp kế hoạch TOML)",
        "en": "is not a UTF-8 text file (a TOML plan is expected)",
    },
    "error.empty_plan": {
        "vi": "trống (cần một tệp kế hoạch TOML)",
        "en": "is empty (a TOML plan is expected)",
    },
    "error.empty": {"vi": "trống", "en": "is empty"},
    "error.toml": {"vi": "không phải TOML hợp lệ ({why})", "en": "is not valid TOML ({why})"},
    "error.exists": {
        "vi": "đã có (thêm --force để ghi đè)",
        "en": "exists already (add --force to overwrite it)",
    },
    "error.index_expected": {
        "vi": "không có chỉ số {i}; chọn một trong: {ids}",
        "en": "unknown index {i}; expected one of {ids}",
    },
    "error.index": {"vi": "không có chỉ số {i}", "en": "unknown index {i}"},
    "error.not_plan_index": {
        "vi": "không phải chỉ số của kế hoạch (kế hoạch có: {ids})",
        "en": "is not an index of the plan (it has {ids})",
    },
    "error.not_group": {
        "vi": "không phải nhóm nhiệm vụ của chỉ số này",
        "en": "is not a task group of this index",
    },
    "error.no_group": {
        "vi": "không ứng với nhóm nhiệm vụ nào của kế hoạch (hoặc all)",
        "en": "names no task group of the plan (or all)",
    },
    "error.level": {
        "vi": '{v} không phải là mức: nhập phần trăm (0–100) hoặc "bau" (hiện trạng)',
        "en": '{v} is not a level: give a percent (0–100) or "bau"',
    },
    "error.no_bau": {
        "vi": "nhóm không có mức hiện trạng (bau) để lấy",
        "en": "the group has no bau level to take",
    },
    "error.group_twice": {"vi": "mã nhóm {g} được dùng hai lần", "en": "group id {g} is used twice"},
    "error.no_groups": {"vi": "cần ít nhất một nhóm nhiệm vụ", "en": "at least one task group is required"},
    "error.missing_columns": {"vi": "thiếu cột {cols}{rest}", "en": "missing column(s) {cols}{rest}"},
    "error.no_score": {
        "vi": "{p} chưa có điểm {i} trước năm {y} trong dữ liệu: hãy nhập điểm gần nhất (last_score, và "
        "hạng last_rank) trong kế hoạch, hoặc tải bảng kết quả của Bộ",
        "en": "{p} has no {i} score before {y} in the data: give last_score (and last_rank) in the plan, "
        "or load the ministry's results table",
    },
    "error.not_year": {"vi": "{v} không phải là một năm", "en": "{v} is not a year"},
    "error.not_finite_number": {"vi": "{v} không phải là số hữu hạn", "en": "{v} is not a finite number"},
    "error.not_number": {"vi": "{v} không phải là số", "en": "{v} is not a number"},
    "error.negative": {"vi": "{v}: phải là một số ≥ 0", "en": "{v} must be a number ≥ 0"},
    "error.min": {"vi": "phải lớn hơn min ({v})", "en": "must exceed min ({v})"},
    "error.xls": {
        "vi": "là bảng tính .xls cũ; hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
        "en": "is an old .xls workbook; save it as .xlsx or as CSV UTF-8",
    },
    "error.xlsx": {
        "vi": "không phải bảng tính .xlsx đọc được{rest}",
        "en": "is not a readable .xlsx workbook{rest}",
    },
    "error.not_one_of": {"vi": "{v} không thuộc các giá trị: {options}", "en": "{v} is not one of {options}"},
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The label ``key`` in ``lang`` with ``values`` filled in (English for another language; the
    key itself if unknown).

    >>> t("cli.needed", "vi"), t("cli.one_more", "en", currency="bn VND", gain="+0.39 ± 0.15")
    ('Mức cần', 'One more bn VND: +0.39 ± 0.15 points')
    """
    entry = TEXT.get(key)
    if entry is None:
        return key
    text = entry.get(lang, entry["en"])
    return text.format(**values) if values else text


def number(x: float, digits: int = 2, lang: str = "vi") -> str:
    """Format a number: Vietnamese uses a decimal comma and dot thousands (83,76; 1.234,5).

    >>> number(83.756, 2), number(1234.5, 1), number(83.756, 2, "en")
    ('83,76', '1.234,5', '83.76')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(p: float, digits: int = 1, lang: str = "vi") -> str:
    """A probability as a percentage: ``percent(0.4567) == '45,7 %'`` (Vietnamese spacing)."""
    return f"{number(100 * p, digits, lang)} %" if lang == "vi" else f"{number(100 * p, digits, lang)}%"


def prob_with_error(p: float, se: float, lang: str = "vi") -> str:
    """``'45,7 % ± 0,4'``: a probability with its Monte Carlo standard error in points."""
    return f"{percent(p, 1, lang)} ± {number(100 * se, 1, lang)}"


def timestamp(moment: datetime, lang: str = "vi", zone: str | None = None) -> str:
    """A date and time to the second: ``02/12/2026 07:15:42`` (vi), ``2026-12-02 07:15:42`` (en).

    An aware ``moment`` is shown in the time zone ``zone`` (an IANA name such as the browser's
    ``Asia/Ho_Chi_Minh``), else in this machine's; a naive one as it is.

    >>> from datetime import UTC
    >>> saved = datetime(2026, 12, 2, 0, 15, 42, tzinfo=UTC)
    >>> timestamp(saved, "vi", "Asia/Ho_Chi_Minh"), timestamp(saved, "en", "UTC")
    ('02/12/2026 07:15:42', '2026-12-02 00:15:42')
    """
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()
        except (ZoneInfoNotFoundError, ValueError):  # a zone name this machine does not know
            moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M:%S" if lang == "vi" else "%Y-%m-%d %H:%M:%S")


_NOTE_VI_EN = re.compile(r"giả định: (?P<vi>.+?) \(assumption: (?P<en>.+)\)", re.S)
_NOTE_EN_VI = re.compile(r"assumption: (?P<en>.+?) / giả định: (?P<vi>.+)", re.S)
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def assumption_text(note: str, lang: str = "vi") -> str:
    """One language of a bilingual assumption note, as a plain sentence.

    Notes from the forecasts are ``giả định: <vi> (assumption: <en>)`` (:func:`simulator.field.note`)
    or ``assumption: <en> / giả định: <vi>``; other notes are returned as they are. The Vietnamese
    text gets decimal commas and "hiện trạng" for BAU. Shown under a "Giả định" / "Assumptions"
    heading, the sentence starts with a capital and carries no label of its own.

    >>> assumption_text("giả định: hệ số duy trì = 0.6 (assumption: persistence phi = 0.6)")
    'Hệ số duy trì = 0,6'
    >>> assumption_text("giả định: hệ số duy trì = 0.6 (assumption: persistence phi = 0.6)", "en")
    'Persistence phi = 0.6'
    """
    found = _NOTE_VI_EN.fullmatch(note) or _NOTE_EN_VI.fullmatch(note)
    if not found:
        return note
    if lang != "vi":
        return found["en"][:1].upper() + found["en"][1:]
    vi = re.sub(r"\bBAU\b", "hiện trạng", _DECIMAL_POINT.sub(",", found["vi"]))
    return vi[:1].upper() + vi[1:]
