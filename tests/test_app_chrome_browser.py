"""Streamlit's chrome in a real Chromium at 1280×720: page lang, uploader words, no menu, the share notice."""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, chromium, needs_chromium, pick_view

from app.i18n import tr
from app.views import VIEWS

PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

pytestmark = [pytest.mark.browser, needs_chromium]

ENGLISH_CHROME = (
    "Skip to",
    "Upload",
    "Drag and drop",
    "per file",
    "Browse files",
    "Choose option",
    "Choose an option",
    "Deploy",
)
BUTTON_AFTER = """() => getComputedStyle(document.querySelector(
    '[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]'), '::after').content"""

# every slider's value reads as the pattern (the page script's decimal comma in Vietnamese)
SLIDER_SAYS = """(pattern) => {
  const values = [...document.querySelectorAll('[data-testid="stSliderThumbValue"]')];
  return values.length > 0 && values.every((v) => new RegExp(pattern).test(v.textContent.trim()));
}"""


def _visible_english(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [w for w in ENGLISH_CHROME if w in text]


def test_chrome_speaks_the_chosen_language(server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{server}/?plan=can_tho_2021&draws=2000", wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.wait_for_function("() => document.documentElement.lang === 'vi'", timeout=20_000)
        page.locator('[data-testid="stFileUploaderDropzone"] button').first.wait_for(timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSkipToContent\"]')?.textContent"
            " === 'Đến nội dung chính'",
            timeout=20_000,
        )
        assert page.evaluate(BUTTON_AFTER) == '"Chọn tệp"'
        assert page.get_by_text("tối đa 1 MB").count() == 1
        assert page.locator('[data-testid="stMainMenu"], [data-testid="stAppDeployButton"]').count() == 0
        assert not _visible_english(page)
        page.get_by_role("tab", name="PAR INDEX").click()
        page.wait_for_function(SLIDER_SAYS, arg=r"^\d+,\d %$", timeout=30_000)  # 95,0 %, not 95.0 %
        page.get_by_role("tab", name="Xuất & chia sẻ").click()
        page.get_by_text("Chưa cấu hình địa chỉ công khai").first.wait_for(timeout=30_000)
        assert not _visible_english(page)
        page.screenshot(path=str(ARTIFACTS / "chrome_vi_1280.png"))
        page.get_by_text("English", exact=True).click()
        page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=30_000)
        page.get_by_role("tab", name="PAR INDEX").click()
        page.wait_for_function(SLIDER_SAYS, arg=r"^\d+\.\d ?%$", timeout=30_000)
        page.get_by_role("tab", name="Export & share").click()
        page.get_by_text("No public address is configured").first.wait_for(timeout=30_000)
        assert page.evaluate(BUTTON_AFTER) == '"Choose a file"'
        assert [w for w in _visible_english(page) if w not in ("Upload", "Skip to")] == []
        page.screenshot(path=str(ARTIFACTS / "chrome_en_1280.png"))


# Streamlit's own English in tooltips and screen-reader labels (title, aria-label, placeholder)
STREAMLIT_ENGLISH = re.compile(
    r"^(Show data|Show chart|Download as|Fullscreen|Close fullscreen|Search|Show/hide columns|Copy|Copied"
    r"|Increment|Decrement|Clear value|Clear all|Open$|Remove |Help for|Link to heading|Sidebar"
    r"|Collapse sidebar|Expand sidebar|Vega visualization|Running|file upload|Add files|Error:"
    r"|Click to retry|Upload failed|.* files are not allowed|File must be|Type to search|Close Search"
    r"|Previous Result|Next Result|Dataframe column menu|Copy column name)"
    r"|, \d+\.\d[KMG]?B$"
)
# every title, aria-label and placeholder outside charts' SVG, and every tooltip's text
LABELS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[title]:not(svg *), [aria-label]:not(svg *), [placeholder]')) {
    for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  document.querySelectorAll('[data-testid="stTooltipContent"], [data-testid="stTooltipErrorContent"]')
    .forEach((t) => out.push(t.textContent));
  return out;
}"""
TOOLTIP = '[data-testid="stTooltipContent"], [data-testid="stTooltipErrorContent"]'
# the text of the shown toolbar tooltip once it is not the previous one
TOOLTIP_AFTER = """(previous) => {
  const shown = [...document.querySelectorAll('[data-testid="stTooltipContent"]')].filter((t) => t.checkVisibility());
  const text = shown.length ? shown[shown.length - 1].textContent : '';
  return text && text !== previous ? text : null;
}"""
ELEMENT = (
    "xpath=ancestor::*[@data-testid='stElementContainer'][1]"  # a chart's or table's box, with its toolbar
)


def _labels_in_english(page) -> list[str]:
    return sorted({t for t in page.evaluate(LABELS) if STREAMLIT_ENGLISH.search(t)})


def _hover_tooltips(page, element) -> list[str]:
    """Hover each button of ``element``'s toolbar in turn; the texts of their tooltips.

    Streamlit shows a toolbar tooltip a second after the pointer enters the button; a pointer that
    entered while the toolbar was still appearing gets none, so such a button is entered again.
    """
    texts = [""]
    for button in element.locator(ELEMENT).locator('[data-testid="stElementToolbarButton"] button').all():
        for attempt in range(3):
            element.hover()
            button.hover(force=True)
            try:
                handle = page.wait_for_function(TOOLTIP_AFTER, arg=texts[-1], timeout=4_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        texts.append(handle.json_value())
    return texts[1:]


def _upload_wrong_type(page, path):
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    chip = page.locator('[data-testid="stFileChip"]').first
    chip.hover()
    page.locator('[data-testid="stTooltipErrorContent"]').first.wait_for(timeout=10_000)
    return chip


def _show_error(page, chip):
    page.mouse.move(640, 700)
    chip.hover()
    page.locator('[data-testid="stTooltipErrorContent"]').first.wait_for(timeout=10_000)
    page.wait_for_timeout(500)


def test_streamlits_tooltips_and_labels_speak_the_language(server, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wrong = tmp_path / "ghi_chu.txt"
    wrong.write_text("hello world\n", encoding="utf-8")  # 12 bytes, text/plain, into the .toml uploader
    notes = tmp_path / "notes.txt"
    notes.write_text("hello world\n", encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{server}/?plan=can_tho_2021&draws=2000", wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.wait_for_function("() => document.documentElement.lang === 'vi'", timeout=20_000)
        page.locator('[data-testid="stElementToolbarButton"] button').first.wait_for(state="attached")
        page.wait_for_timeout(2_000)  # the first run's link update reruns the page once

        # the sidebar and a chart's toolbar, hovered
        collapse = page.locator('[data-testid="stSidebarCollapseButton"] button')
        assert collapse.get_attribute("aria-label") == "Thu gọn thanh bên"
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        tooltips = _hover_tooltips(page, chart)
        assert {"Xem dữ liệu", "Tải xuống dạng PNG", "Toàn màn hình"} <= set(tooltips), tooltips
        chart.locator(ELEMENT).locator('[data-testid="stElementToolbarButton"] button').last.hover(force=True)
        page.locator(TOOLTIP).last.wait_for(timeout=10_000)
        page.wait_for_timeout(500)  # the tooltip fades in
        page.screenshot(path=str(ARTIFACTS / "chrome_vi_tooltip.png"))
        assert _labels_in_english(page) == []

        # a wrong kind of file: Streamlit's error, its size and its remove button in Vietnamese
        chip = _upload_wrong_type(page, wrong)
        assert page.locator('[data-testid="stTooltipErrorContent"]').first.inner_text() == tr(
            "chrome.wrong_type", "vi", type="text/plain"
        )
        assert chip.get_attribute("aria-label") == "ghi_chu.txt, dung lượng 12,0 B"
        assert "12,0 B" in chip.inner_text() and "Lỗi:" in chip.inner_text()
        _show_error(page, chip)
        page.screenshot(path=str(ARTIFACTS / "chrome_vi_upload_error.png"))
        assert _labels_in_english(page) == []
        chip.get_by_role("button", name="Bỏ ghi_chu.txt").click()
        chip.wait_for(state="detached", timeout=10_000)

        # a number input's steps (focused, hovered), the dataframe's toolbar, and a lever move: the
        # observer's cost per rerun
        page.get_by_role("tab", name="PAR INDEX").click()
        box = page.locator('[class*="st-key-assumptions_par_index"]')
        box.locator("summary").click()  # the table is drawn once its expander is opened
        frame = box.locator('[data-testid="stDataFrame"]')
        frame.wait_for(timeout=30_000)
        settings = page.locator(
            '[data-testid="stSidebar"] [data-testid="stExpander"]',
            has=page.locator('[data-testid="stNumberInputStepUp"]'),
        ).first
        settings.locator("summary").click()  # the draws and the seed, with their step buttons
        steps = settings.locator('[data-testid="stNumberInput"]').first
        steps.locator('[data-testid="stNumberInputField"]').focus()
        steps.locator('[data-testid="stNumberInputStepUp"]').hover()
        assert steps.locator('[data-testid="stNumberInputStepUp"]').get_attribute("aria-label") == "Tăng"
        assert steps.locator('[data-testid="stNumberInputStepDown"]').get_attribute("aria-label") == "Giảm"
        tooltips = _hover_tooltips(page, frame)
        assert {"Tìm kiếm", "Tải xuống dạng CSV", "Toàn màn hình"} <= set(tooltips), tooltips
        page.wait_for_function(SLIDER_SAYS, arg=r"^\d+,\d %$", timeout=30_000)
        page.evaluate("() => { window.parSimChromeTime = {calls: 0, ms: 0, max: 0}; }")
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => location.search.includes('lv=par_index.g1_direction')", timeout=30_000)
        page.wait_for_timeout(2_000)
        cost = page.evaluate("() => window.parSimChromeTime")
        print(f"observer over one lever move: {cost}")
        assert cost["calls"] > 0 and cost["ms"] < 5, cost
        assert _labels_in_english(page) == []

        # English: the same labels back in Streamlit's words
        page.get_by_text("English", exact=True).click()
        page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebarCollapseButton\"] button')"
            ".getAttribute('aria-label') === 'Collapse sidebar'",
            timeout=20_000,
        )
        step = page.locator('[data-testid="stNumberInputStepUp"]').first
        assert step.get_attribute("aria-label") == "Increment"
        page.get_by_text("Upload a plan (.toml)").wait_for(timeout=20_000)
        page.wait_for_timeout(1_000)
        chip = _upload_wrong_type(page, notes)
        assert page.locator('[data-testid="stTooltipErrorContent"]').first.inner_text() == (
            "text/plain files are not allowed."
        )
        assert chip.get_attribute("aria-label") == "notes.txt, 12.0B"
        _show_error(page, chip)
        page.screenshot(path=str(ARTIFACTS / "chrome_en_upload_error.png"))
        english = _labels_in_english(page)
        assert "Collapse sidebar" in english and "Increment" in english and "Remove notes.txt" in english


# From the page's first frame: each frame in which the uploader shows Streamlit's English (its
# "Drag and drop" line, or its button without our word). Installed before the page's own scripts.
ENGLISH_FRAMES = """(() => {
  window.uploaderEnglishFrames = 0;
  window.uploaderFrames = 0;
  const tick = () => {
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {
      window.uploaderFrames++;
      const button = zone.querySelector('button [data-has-shortcut]');
      const line = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"]');
      if ((button && getComputedStyle(button, '::after').content === 'none')
          || (line && getComputedStyle(line).display !== 'none')) window.uploaderEnglishFrames++;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""


def test_uploader_never_shows_english_while_the_page_loads(server):
    """The uploader's hiding CSS reaches the page before the uploader does, not after.

    It used to come at the end of the sidebar: for the first 4–5 frames of a page the uploader read
    "Drag and drop file here" and "Browse files", and a check made right after the first run could
    find the button without its word (a CI failure of the test above).
    """
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.add_init_script(ENGLISH_FRAMES)
        page.goto(f"{server}/?plan=can_tho_2021&draws=2000", wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.wait_for_function("() => window.uploaderFrames > 60", timeout=30_000)
        assert page.evaluate("window.uploaderEnglishFrames") == 0


# Vega's own screen-reader texts inside the charts' SVG: an aria-label per axis ("X-axis titled …
# for a linear scale with values from …"), per legend and per bar (every field at full precision),
# and a role description per mark container ("axis", "bar", "rect mark container")
CHART_ARIA = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.stVegaLiteChart svg, .stVegaLiteChart svg *')) {
    for (const a of ['aria-label', 'aria-roledescription']) {
      if (el.getAttribute(a) && !el.closest('[aria-hidden="true"]')) out.push(a + ': ' + el.getAttribute(a));
    }
  }
  return [...new Set(out)];
}"""
# Vega gives the root and path groups of every view this role description; Vega-Lite has no
# setting for the root group (the only English left to a screen reader inside a chart)
VEGA_ROOT = "aria-roledescription: group mark container"


def test_charts_carry_no_english_screen_reader_texts_of_vegas(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{server}/?plan=can_tho_2021&draws=2000", wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="PAR INDEX").click()
        found, charts = set(), 0
        for view in VIEWS:  # each view's charts
            if view != VIEWS[0]:
                pick_view(page, tr(f"view_{view}", "vi", year=2021))
            page.locator(".stVegaLiteChart .role-axis-label text").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1_000)
            found |= set(page.evaluate(CHART_ARIA))
            charts += page.locator(".stVegaLiteChart svg").count()
        assert charts >= 6
    assert [a for a in found if a != VEGA_ROOT] == []


STATS_ENGLISH = {
    "Values", "Empty", "Distinct", "Minimum length", "Maximum length", "Average length", "Minimum",
    "25th percentile", "Median", "75th percentile", "Maximum", "Average", "Range", "Sum",
    "Standard deviation",
}  # fmt: skip


def test_dataframe_statistics_panel_speaks_the_language(server):
    """A table column's menu → "Thống kê": the panel's words are ours and its numbers Vietnamese
    ("45,5", "0 (0 %)"), whatever the browser's own locale (here en-US: "45.5", "0 (0%)")."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="en-US")
        page.goto(f"{server}/?plan=can_tho_2021&draws=2000", wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="PAR INDEX").click()
        box = page.locator('[class*="st-key-assumptions_par_index"]')
        box.locator("summary").click()
        grid = box.locator('[data-testid="stDataFrame"] canvas').first
        grid.wait_for(timeout=30_000)
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(1_000)
        bb = grid.bounding_box()
        page.mouse.move(bb["x"] + 40, bb["y"] + 17)  # the first header; its menu button at its right end
        page.wait_for_timeout(500)
        page.mouse.click(bb["x"] + 260 - 14, bb["y"] + 17)
        page.get_by_role("menuitem", name="Thống kê").hover()
        metrics = page.locator('[data-testid="stDataFrameStatisticsMetrics"]')
        metrics.wait_for(timeout=10_000)
        page.wait_for_timeout(500)
        words = metrics.locator("dt").all_inner_texts()
        values = metrics.locator("dd").all_inner_texts()
        shares = page.locator('[data-testid="stDataFrameStatisticsChart"] > div > span:last-child').all_inner_texts()
        chart = page.locator('[data-testid="stDataFrameStatisticsChart"]').get_attribute("aria-label")
        page.screenshot(path=str(ARTIFACTS / "chrome_vi_statistics.png"))
    assert words[:3] == ["Số giá trị", "Ô trống", "Số giá trị khác nhau"], words
    assert not STATS_ENGLISH & set(words)
    assert any(re.fullmatch(r"\d+,\d", v) for v in values), values  # the average length: 45,5
    assert not any(re.search(r"\d\.\d|\d%", v) for v in values + shares), values + shares
    assert shares and all(s.endswith(" %") for s in shares), shares
    assert chart.startswith("Biểu đồ các giá trị hay gặp nhất: ")
