"""Streamlit's chrome in a real Chromium at 1280×720: page lang, uploader words, no menu, the share notice."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, chromium, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

ENGLISH_CHROME = ("Skip to", "Upload", "Drag and drop", "per file", "Browse files", "Choose option", "Choose an option", "Deploy")
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
