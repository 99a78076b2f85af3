"""The sidebar's pickers show their whole choice at 1280×720 (a real Chromium).

A select box shows its choice in an ``<input>``, which clips long text without an ellipsis (so the
layout tests' "…" check cannot see it): the text's drawn width is measured with the input's own
font and compared with the room inside it. The shipped plans' names were cut there
("Cần Thơ mới 2026 — KH 101/KH-U"); they are short now, and the full title is the caption below.
"""

from __future__ import annotations

import pytest
from browser_support import chromium, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

OVERFLOWING = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stSelectbox"] input')]
    .filter((input) => input.value)
    .map((input) => {
      const css = getComputedStyle(input);
      ctx.font = `${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
      const room = input.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      return [input.value, ctx.measureText(input.value).width, room];
    })
    .filter(([, width, room]) => width > room);
}"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sidebar_pickers_show_the_whole_choice(server, lang):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{server}/?lang={lang}", wait_until="domcontentloaded")
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.wait_for(
            timeout=60_000
        )
        page.wait_for_timeout(500)
        picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
        names = {
            "vi": ["Cần Thơ 2021 — kế hoạch", "Cần Thơ 2021 — hiện trạng", "Cần Thơ 2026 — KH 101"],
            "en": ["Cần Thơ 2021 — plan", "Cần Thơ 2021 — status quo", "Cần Thơ 2026 — plan 101"],
        }[lang]
        for name in names:  # every shipped plan, the default last
            picker.click()
            page.get_by_role("option", name=name, exact=True).click()
            page.wait_for_function(
                "(name) => [...document.querySelectorAll('[data-testid=\"stSidebar\"] input')]"
                ".some((i) => i.value === name)",
                arg=name,
            )
            page.wait_for_timeout(300)
            cut = page.evaluate(OVERFLOWING)
            assert cut == [], cut
        full = "Kế hoạch 101/KH-UBND" if lang == "vi" else "plan 101/KH-UBND"
        page.locator('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]', has_text=full).wait_for()
