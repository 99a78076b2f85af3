"""The committee room: the app on a projector (1280×720) and a full-HD screen, in Vietnamese and English.

In a real headless Chromium, on the overview, an index tab and presentation mode:

- no text is cut off: no element clipped with ``text-overflow: ellipsis``, no visible text ending
  in "…", no "±" wrapped away from its figure, no figure spilling out of its card;
- in Vietnamese, no English words on screen (an explicit word list: the test can fail);
- in presentation mode the three headline P(both) are inside the first screen, unscrolled;
- captions, the app's own grey text and chart axes reach a contrast of 4.5:1 (computed colours),
  on the light theme and on the dark one (where the "hiện trạng" ticks must show too).

Screenshots go to ``tests/artifacts/`` (``overview_vi_1280x720.png`` …): look at them.
"""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, chromium, needs_chromium, pick_view

from app.i18n import tr
from app.views import VIEWS

browser = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
MIN_CONTRAST = 4.5

# Words that are English and never Vietnamese (no diacritics-free Vietnamese word among them),
# including Streamlit's own widget texts. Index names, units and numbers are not words here.
ENGLISH = frozenset(
    """the and of for with from this that these is are not or to be by on at as it
    upload browse file files choose option options draws draw bau score scores rank ranks target targets
    deploy drag drop here per limit select search clear settings print rerun about show hide view
    download plan plans level levels probability expected forecast history assumption assumptions
    status quo base rate model error errors points presentation mode overview compare export share
    open save delete new press enter apply results cancel close value values published combined
    year years province provinces reform ministry table width gain reference class field""".split()
)
ALLOWED = ("PAR INDEX", "SIPAS", "PAPI", "MB", "TOML", "CSV", "XLSX", "HTML")

# Text that is cut: ellipsis clipping, a trailing "…", "±" on another line than its figure, a
# figure wider than its card. Editable fields (input, textarea) scroll by nature and are left out.
CLIPPED_JS = r"""
() => {
  const out = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') return false;
    for (let e = el; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) === 0) return false;
    return true;
  };
  for (const el of document.querySelectorAll('body *')) {
    if (['INPUT', 'TEXTAREA', 'SCRIPT', 'STYLE'].includes(el.tagName) || !shown(el)) continue;
    const cs = getComputedStyle(el);
    const text = (el.innerText ?? el.textContent ?? '').trim();
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && text)
      out.push('ellipsis: ' + text.slice(0, 60));
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own.endsWith('…')) out.push('ends in …: ' + own.slice(-60));
  }
  const lines = (node, i) => {
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
    return r.getBoundingClientRect();
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const figure = /\d[\d.,]*\s*%?\s*±\s*[\d.,]*\d/g;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement || !shown(n.parentElement)) continue;
    for (const m of n.textContent.matchAll(figure)) {
      const a = lines(n, m.index).top, b = lines(n, m.index + m[0].length - 1).top;
      if (Math.abs(a - b) > 2) out.push('± on another line than its figure: ' + m[0]);
    }
  }
  for (const v of document.querySelectorAll('[data-testid="stMetricValue"], .sec-row .val')) {
    const box = (v.closest('[data-testid="stMetric"]') || v.closest('.sec-row')).getBoundingClientRect();
    const r = document.createRange(); r.selectNodeContents(v);
    const text = r.getBoundingClientRect();
    if (text.right > box.right + 1 || text.left < box.left - 1)
      out.push('wider than its card: ' + v.innerText.trim());
  }
  return out;
}
"""

# Everything a reader sees as words: the page's text and the placeholders of empty fields.
# Material icons are drawn from a ligature ("upload" is an arrow), not read as words: their names
# are taken out of the page text once each.
TEXT_JS = r"""
() => [[...document.querySelectorAll('[data-testid="stIconMaterial"]')]
          .map(e => e.textContent.trim()).filter(Boolean)
          .reduce((text, icon) => text.replace(icon, ''), document.body.innerText),
       ...[...document.querySelectorAll('input, textarea')]
          .filter(e => !e.value && e.placeholder && e.getBoundingClientRect().width > 0)
          .map(e => e.placeholder)].join('\n')
"""

# Contrast (WCAG) of captions, the app's own grey and coloured text, and the charts' axis and
# legend text, against the background they are drawn on (computed colours, alpha composited).
CONTRAST_JS = r"""
(min) => {
  const MARKS = '[class*="st-key-w-lv-"] [data-testid="stSlider"]';
  const parse = (s) => {
    const v = (s.match(/[\d.]+/g) || []).map(Number);
    if (s.startsWith('color(')) return [v[0] * 255, v[1] * 255, v[2] * 255, v.length > 3 ? v[3] : 1];
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (fg, bg) => [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat([1]);
  const lum = (c) => {
    const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const selectors = [
    '[data-testid="stCaptionContainer"] *', '.sec-row .lab', '.sec-row .dlt', '.target-line',
    '.stVegaLiteChart .role-axis-label text', '.stVegaLiteChart .role-axis-title text',
    '.stVegaLiteChart .role-legend-label text',
  ];
  const out = [], seen = new Set();
  let checked = 0;
  // the "Hiện trạng" marks are the levers' ::after (CSS text): [element, pseudo-element] pairs
  const marks = [...document.querySelectorAll(MARKS)].map((el) => [el, '::after']);
  const texts = [...document.querySelectorAll(selectors.join(','))].map((el) => [el, null]);
  for (const [el, pseudo] of texts.concat(marks)) {
    const content = pseudo ? getComputedStyle(el, pseudo).content : '';
    const own = pseudo ? (content.startsWith('"') ? JSON.parse(content) : '')
      : [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || r.height === 0) continue;
    const svg = el instanceof SVGElement, cs = getComputedStyle(el, pseudo);
    const fg = parse(svg ? cs.fill : cs.color);
    for (let e = el; e; e = e.parentElement) fg[3] *= parseFloat(getComputedStyle(e).opacity);
    if (fg[3] === 0) continue;  // hidden (Vega hides overlapping labels with opacity 0)
    const bg = background(svg ? el.ownerSVGElement : el);
    const a = lum(over(fg, bg)), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked += 1;
    if (ratio < min && !seen.has(own)) { seen.add(own); out.push(ratio.toFixed(2) + ': ' + own.slice(0, 50)); }
  }
  return {checked, low: out};
}
"""

LEVERS = '[class*="st-key-w-lv-"] [data-testid="stSlider"]'
# Each lever's "Hiện trạng" mark (its ::after text and ::before tick) and its thumb, in page pixels
MARKS_JS = r"""
() => [...document.querySelectorAll('[class*="st-key-w-lv-"] [data-testid="stSlider"]')].map((el) => {
  const r = el.getBoundingClientRect(), after = getComputedStyle(el, '::after');
  const thumb = el.querySelector('input[type="range"]').parentElement.getBoundingClientRect();
  return {
    text: after.content.startsWith('"') ? JSON.parse(after.content) : after.content,
    mark: r.left + parseFloat(after.left),
    tick: r.left + parseFloat(getComputedStyle(el, '::before').left),
    thumb: (thumb.left + thumb.right) / 2,
  };
})
"""

HEADLINE_JS = r"""
() => [...document.querySelectorAll('[class*="st-key-big_"] [data-testid="stMetricValue"]')].map(e => {
  const r = e.getBoundingClientRect();
  return {text: e.innerText.trim(), top: r.top, bottom: r.bottom, left: r.left, right: r.right};
})
"""


def english_words(text: str) -> list[str]:
    """The words of ``text`` in :data:`ENGLISH`, after the allowed names, paths and links are taken out."""
    for name in ALLOWED:
        text = text.replace(name, " ")
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # folders and web addresses
    words = re.findall(r"[^\W\d_]+", text)
    return sorted({w for w in words if w.isascii() and w.lower() in ENGLISH})


def test_english_word_check_can_fail():
    assert english_words("Drag and drop file here · Limit 200MB per file") == [
        "Drag",
        "Limit",
        "and",
        "drop",
        "file",
        "here",
        "per",
    ]
    assert english_words("Chọn tệp kế hoạch · PAR INDEX 86,5 % · /tmp/plans/x.toml · 5 MB") == []
    assert english_words("Hiện trạng 75 %") == [] and english_words("BAU 75 %") == ["BAU"]


def _listing(problems: dict[str, list]) -> str:
    return "\n".join(f"{where}: {found}" for where, found in problems.items())


def _settle(page, ms: int = 1500) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=60_000,
    )
    page.wait_for_timeout(ms)


def _check(page, where: str, problems: dict[str, list], *, words: bool) -> None:
    clipped = page.evaluate(CLIPPED_JS)
    if clipped:
        problems[f"{where}: text cut off"] = clipped
    contrast = page.evaluate(CONTRAST_JS, MIN_CONTRAST)
    if contrast["checked"] == 0:
        problems[f"{where}: no caption or chart text found to measure"] = []
    if contrast["low"]:
        problems[f"{where}: contrast below {MIN_CONTRAST}:1"] = contrast["low"]
    if words and (found := english_words(page.evaluate(TEXT_JS))):
        problems[f"{where}: English words in Vietnamese mode"] = found


def _open(browser, server: str, size: tuple[int, int], lang: str, scheme: str = "light"):
    width, height = size
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_text(tr("metric_p_both", "vi")).first.wait_for(timeout=90_000)
    if lang == "en":  # through the language switch, as a user would
        page.locator('[data-testid="stRadio"]').get_by_text("English", exact=True).first.click()
        page.get_by_text(tr("metric_p_both", "en")).first.wait_for(timeout=60_000)
    _settle(page)
    return page


def _other_views(page, where: str, lang: str, problems: dict[str, list], *, words: bool, tag: str) -> None:
    """Each chart view of an index tab after the first, checked like the page, with a screenshot;
    then the first view again (the one the page opened on)."""
    for view in VIEWS[1:]:
        label = tr(f"view_{view}", lang, year=2026)
        pick_view(page, label)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        _settle(page, 2000)
        page.screenshot(path=str(ARTIFACTS / f"index_{view}_{tag}.png"))
        _check(page, f"{where}, {label}", problems, words=words)
    pick_view(page, tr("view_dist", lang, year=2026))


@browser
@needs_chromium
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_projector_layout(server, size, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tag = f"{lang}_{size[0]}x{size[1]}"
    problems: dict[str, list] = {}
    with chromium() as browser:
        page = _open(browser, server, size, lang)
        page.screenshot(path=str(ARTIFACTS / f"overview_{tag}.png"))
        _check(page, "overview", problems, words=lang == "vi")

        page.get_by_role("tab", name="PAR INDEX").click()
        page.locator(LEVERS).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        _settle(page, 2500)
        page.screenshot(path=str(ARTIFACTS / f"index_{tag}.png"))
        _check(page, "PAR INDEX tab", problems, words=lang == "vi")
        _other_views(page, "PAR INDEX tab", lang, problems, words=lang == "vi", tag=tag)

        page.get_by_role("tab", name=tr("tab_overview", lang)).click()
        page.locator(".st-key-present label").first.click()
        page.locator('section[data-testid="stSidebar"]').wait_for(state="hidden", timeout=60_000)
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"present_{tag}.png"))
        _check(page, "presentation mode", problems, words=lang == "vi")
        heads = page.evaluate(HEADLINE_JS)
        inner = page.evaluate("() => [innerWidth, innerHeight]")
    assert len(heads) == 3, heads
    for h in heads:
        inside = h["top"] >= 0 and h["left"] >= 0 and h["right"] <= inner[0] and h["bottom"] <= inner[1]
        if not inside:
            problems.setdefault("presentation mode: headline P(both) below the first screen", []).append(h)
    assert not problems, _listing(problems)


@browser
@needs_chromium
def test_dark_theme_readable(server):
    """Streamlit's dark theme: captions, grey text, chart axes and the "hiện trạng" ticks readable."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list] = {}
    with chromium() as browser:
        page = _open(browser, server, (1280, 720), "vi", scheme="dark")
        _check(page, "overview (dark)", problems, words=False)
        page.get_by_role("tab", name="PAR INDEX").click()
        page.locator(LEVERS).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        _settle(page, 2500)
        page.screenshot(path=str(ARTIFACTS / "index_vi_1280x720_dark.png"))
        _check(page, "PAR INDEX tab (dark)", problems, words=False)
        ticks = len([m for m in page.evaluate(MARKS_JS) if m["text"] == "Hiện trạng"])
        _other_views(page, "PAR INDEX tab (dark)", "vi", problems, words=False, tag="vi_1280x720_dark")
    assert ticks > 0, "no 'hiện trạng' tick drawn under the sliders"
    assert not problems, _listing(problems)


@browser
@needs_chromium
def test_bau_marks_sit_where_the_thumb_is_at_bau(server):
    """Known answer: with every lever at its BAU level ("Tất cả về hiện trạng"), each thumb's centre
    is on its "Hiện trạng" mark and tick; at the plan's own levels (above BAU) it is not."""
    with chromium() as browser:
        page = _open(browser, server, (1280, 720), "vi")
        page.get_by_role("tab", name="PAR INDEX").click()
        page.locator(LEVERS).first.wait_for(timeout=60_000)
        _settle(page, 500)
        planned = page.evaluate(MARKS_JS)
        page.get_by_role("button", name=tr("all_bau", "vi")).first.click()
        page.wait_for_function(
            f"() => ({MARKS_JS})().every((m) => Math.abs(m.mark - m.thumb) < 0.6)", timeout=30_000
        )
        at_bau = page.evaluate(MARKS_JS)
    assert len(at_bau) == 8 and {m["text"] for m in at_bau} == {"Hiện trạng"}
    assert all(abs(m["tick"] - m["mark"]) < 0.5 for m in at_bau)
    assert max(abs(m["mark"] - m["thumb"]) for m in planned) > 20  # the plan's levels are above BAU
