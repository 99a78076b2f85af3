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
