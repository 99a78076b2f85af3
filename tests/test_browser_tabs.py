"""Switching the language keeps the open tab and the open Decisions sub-tab (a real Chromium).

Streamlit identifies tabs by their labels, so before ``app.fields.tabs`` a change of language made
new tab bars that opened on their first tabs: the committee looking at "Cần làm bao nhiêu" under
"Quyết định" was sent back to "Tổng quan" on pressing English.
"""

from __future__ import annotations

import pytest
from browser_support import chromium, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

IDLE = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return a && a.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]'); }"""


def _selected(page) -> list[str]:
    return [
        t.inner_text() for t in page.get_by_role("tab").all() if t.get_attribute("aria-selected") == "true"
    ]


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=60_000)


def test_language_switch_keeps_the_open_tabs(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="Quyết định").click()
        page.get_by_role("tab", name="Cần làm bao nhiêu").click()
        _settle(page)
        assert _selected(page) == ["Quyết định", "Cần làm bao nhiêu"]
        page.get_by_text("English", exact=True).click()
        page.get_by_role("tab", name="What it takes").wait_for(timeout=30_000)
        _settle(page)
        assert _selected(page) == ["Decisions", "What it takes"]
        page.get_by_role("tab", name="PAPI").click()  # within one language the user's pick holds
        _settle(page)
        assert _selected(page) == ["PAPI"]
        page.get_by_text("Tiếng Việt", exact=True).click()
        page.get_by_role("tab", name="Tổng quan").wait_for(timeout=30_000)
        _settle(page)
        assert _selected(page) == ["PAPI"]


ASSUMPTIONS = '[class*="st-key-assumptions_par_index"]'


def test_assumptions_drawn_only_while_open_and_kept_open_across_language(server):
    """Closed, the assumptions under an index tab are not drawn (a lever move re-renders one element,
    not a list and a table); opened, they are; a change of language or a lever move keeps them open."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="PAR INDEX").click()
        box = page.locator(ASSUMPTIONS)
        box.wait_for(timeout=60_000)
        _settle(page)
        assert box.locator('[data-testid="stDataFrame"], li').count() == 0
        box.locator("summary").click()
        box.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)
        assert box.locator("li").count() > 0
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowLeft")
        _settle(page)
        assert box.locator('[data-testid="stDataFrame"]').count() == 1
        page.get_by_text("English", exact=True).click()
        box.get_by_text("Model assumptions").wait_for(timeout=30_000)
        _settle(page)
        assert box.locator('[data-testid="stDataFrame"]').count() == 1
        box.locator("summary").click()  # closed again: its content goes
        page.wait_for_function(
            f"() => !document.querySelector('{ASSUMPTIONS} [data-testid=\"stDataFrame\"]')", timeout=30_000
        )
