"""The app in a real headless Chromium: open it, move a lever with the keyboard, see P change."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, chromium, needs_chromium, pick_view

pytestmark = [pytest.mark.browser, needs_chromium]


def _metric_value(page, label_part: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label_part).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_slider_moves_probability_and_screenshot(server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "overview.png"))
        page.get_by_role("tab", name="PAR INDEX").click()
        page.locator('[data-testid="stMetric"]', has_text="Khả năng đạt cả hai").first.wait_for()
        page.wait_for_timeout(500)
        before = _metric_value(page, "Khả năng đạt cả hai")
        assert "%" in before and "±" in before
        thumb = page.get_by_role("slider").first  # input[type=range] in Streamlit ≥ 1.5x
        thumb.focus()
        for _ in range(10):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            """(before) => {
                const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                    .find(e => e.innerText.includes('Khả năng đạt cả hai'));
                return m && !m.innerText.includes(before);
            }""",
            arg=before,
            timeout=20_000,
        )
        after = _metric_value(page, "Khả năng đạt cả hai")
        assert after != before
        page.wait_for_function("() => location.search.includes('lv=par_index.g1_direction')")
        page.wait_for_timeout(800)
        query = page.evaluate("() => location.search")  # ten fast key presses: settings stay put
        assert "seed=2021" in query and "draws=20000" in query, query
        page.locator(
            '[data-testid="stCaptionContainer"]', has_text="20.000 lần mô phỏng"
        ).first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "app.png"))


def test_field_view_and_outside_view_screenshots(server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="PAPI").click()
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        pick_view(page, "Góc nhìn lịch sử")
        panel = page.get_by_text("Góc nhìn lịch sử").first
        panel.wait_for(timeout=60_000)
        page.get_by_text("Theo lịch sử").first.wait_for(timeout=30_000)
        panel.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "outside_view.png"))
        page.get_by_role("tab", name="Toàn cảnh").click()
        page.get_by_text("Tô vàng: Cần Thơ.").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "field_view.png"), full_page=True)
