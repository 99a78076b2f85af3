"""Streamlit's own widget texts in the chosen language, where Streamlit lets us.

Streamlit 1.67 writes words of its own in English whatever the page's language: the file
uploader's button and its size line, the page's ``<html lang="en">``, and the tooltips and
screen-reader labels of its chrome (a chart's or table's toolbar, a number input's steps, the
sidebar button, help buttons, the uploader's file chip and its "… files are not allowed" error,
the dataframe's search and column menu). :func:`page_language` sets ``lang`` on the page (screen
readers, hyphenation, the browser's translate offer), words the keyboard's "Skip to main content"
link, rewrites those tooltips and labels by :func:`chrome_rules` (the ``chrome.*`` entries of the
one translation table) and, in Vietnamese, writes the sliders' values with a decimal comma
(Streamlit's slider format has no locale: "95.0 %" becomes "95,0 %"), and
:func:`uploader` is a file uploader whose English is hidden by CSS and replaced by our own words
and a line that states the real limit (the smaller of Streamlit's ``server.maxUploadSize`` and the
library's cap for that kind of file). Placeholders and help texts are passed to each widget by the
module that draws it. The toolbar menu is hidden by ``client.toolbarMode`` in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable

import streamlit as st

from app.i18n import STRINGS, tr
from simulator.labels import number

_UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {content: %s;}
.st-key-page_lang, div:has(> .st-key-page_lang) {display: none;}
</style>"""


# The page script. Once per page it starts one MutationObserver that looks only at what each batch
# of changes added or changed: it rewrites Streamlit's own English (or, after a switch back to
# English, our Vietnamese) by the rules of window.parSimChrome in the title, aria-label and
# placeholder of elements (not inside charts' SVG: those labels are the chart's data) and in the text
# of tooltips, of the file uploader's error and size lines and of the dataframe's menu (its format
# submenu and statistics panel included) and search,
# and writes the sliders' values with a decimal comma in Vietnamese (a point in English). It adds
# the time its callback takes to window.parSimChromeTime. Each run of the app's script sets the
# rules and the language; a change of language (a new script text) also rewrites the whole page.
_PAGE_SCRIPT = r"""<script>{
document.documentElement.lang = %s;
const skip = document.querySelector('[data-testid="stSkipToContent"]');
if (skip) skip.textContent = %s;
window.parSimDecimalComma = %s;
window.parSimChrome = %s.map(([from, to]) => [new RegExp(from), to]);
if (!window.parSimObserver) {
  const ATTRS = ['aria-label', 'title', 'placeholder'];
  const HAS_ATTR = ATTRS.map((a) => `[${a}]:not(svg *)`).join(',');
  const TEXTS = '[data-testid="stTooltipContent"], [data-testid="stTooltipErrorContent"], '
    + '[data-testid="stFileChip"] [role="alert"], [data-testid="stFileChipName"] + div, '
    + '[data-testid="stDataFrameColumnMenu"] [role="menuitem"], .gdg-search-status, '
    + '[data-testid="stDataFrameColumnFormattingMenu"] [role="menuitem"], '
    + '[data-testid="stDataFrameStatisticsMetrics"] dt';
  const SIZE = /^(\d+)[.,](\d+) ?([KMG]?B)$/;
  const size = (text) => text.replace(SIZE, window.parSimDecimalComma ? '$1,$2 $3' : '$1.$2$3');
  const once = (text) => {
    const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
    if (SIZE.test(core)) return lead + size(core) + trail;
    for (const [from, to] of window.parSimChrome) {
      const m = from.exec(core);
      if (m) {
        const words = to.replace(/\{(\w+)\}/g, (_, k) => (k === 'size' ? size(m.groups[k]) : m.groups[k]));
        return lead + words + (m.groups.context || '') + trail;
      }
    }
    return text;
  };
  const say = (text) => {  // a text whose rewrite would be rewritten again is left alone: no endless loop
    const out = once(text);
    return out === text || once(out) === out ? out : text;
  };
  const fixElement = (el) => {
    for (const a of ATTRS) {
      const value = el.getAttribute(a);
      if (value) {
        const text = say(value);
        if (text !== value) el.setAttribute(a, text);
      }
    }
  };
  // Streamlit's words (tooltips, the uploader's lines, the dataframe's menu and search) and the
  // sliders' numbers (a decimal comma in Vietnamese), each rewritten in its own places
  const SLIDERS = '[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] div';
  const comma = (text) => (window.parSimDecimalComma
    ? text.replace(/(\d)\.(\d)/g, '$1,$2') : text.replace(/(\d),(\d)/g, '$1.$2'));
  // the numbers of the dataframe's statistics panel, written by the browser in its own locale: in
  // the page's language instead (separators swapped when the two differ; a space before the percent
  // sign in Vietnamese)
  const STATS = '[data-testid="stDataFrameStatisticsMetrics"] dd, '
    + '[data-testid="stDataFrameStatisticsChart"] > div > span:last-child';
  const browserComma = (1.5).toLocaleString().includes(',');
  const swap = (n) => n.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.'));
  const localeNumbers = (text) => {
    const out = browserComma === window.parSimDecimalComma ? text : text.replace(/\d[\d.,]*\d/g, swap);
    return window.parSimDecimalComma  // the percent sign as \u0025: this text is a Python template
      ? out.replace(/(\d)\u0025/g, '$1 \u0025') : out.replace(/(\d) \u0025/g, '$1\u0025');
  };
  const written = new WeakMap();  // a swap undone by a second swap: each text is rewritten once
  const ANY_TEXT = `${TEXTS}, ${SLIDERS}, ${STATS}`;
  const rewriter = (el) => (el.matches(SLIDERS) ? comma : el.matches(STATS) ? localeNumbers : say);
  const fixText = (node, rewrite) => {
    if (rewrite === localeNumbers && written.get(node) === node.nodeValue) return;
    const text = rewrite(node.nodeValue);
    if (text !== node.nodeValue) node.nodeValue = text;
    if (rewrite === localeNumbers) written.set(node, text);
  };
  const fixTexts = (el) => {
    const rewrite = rewriter(el);
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) fixText(node, rewrite);
  };
  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) {
      const place = root.parentElement?.closest(ANY_TEXT);
      if (place) fixText(root, rewriter(place));
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE || root instanceof SVGElement) return;
    fixElement(root);
    root.querySelectorAll(HAS_ATTR).forEach(fixElement);
    const place = root.closest(ANY_TEXT);
    if (place) fixTexts(place);
    else root.querySelectorAll(ANY_TEXT).forEach(fixTexts);
  };
  window.parSimFixPage = () => fix(document.body);
  window.parSimChromeTime = {calls: 0, ms: 0, max: 0};
  window.parSimObserver = new MutationObserver((records) => {
    const start = performance.now();
    for (const r of records) {
      if (r.type === 'childList') r.addedNodes.forEach(fix);
      else if (r.type === 'characterData') fix(r.target);
      else if (!(r.target instanceof SVGElement)) fixElement(r.target);
    }
    const ms = performance.now() - start, time = window.parSimChromeTime;
    time.calls += 1; time.ms += ms; time.max = Math.max(time.max, ms);
  });
  window.parSimObserver.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS,
  });
}
window.parSimFixPage();
}</script>"""

# Streamlit's English words of its chrome, as keys of the one translation table: "en" is Streamlit's
# text word for word, "vi" ours. Streamlit may add ": <the element's label>" to a toolbar button's.
CHROME_KEYS = tuple(key for key in STRINGS if key.startswith("chrome."))  # in the table's order
# what a {placeholder} of a template matches: a file's size ("12.0B", "1.2KB"), a count, else anything
_GROUPS = {"size": r"\d+[.,]\d+ ?[KMG]?B", "n": r"\d+", "i": r"\d+"}


def _pattern(template: str) -> str:
    """A JavaScript regular expression matching the whole of ``template``; ``{name}`` is a named group."""
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"(?<{part}>{_GROUPS.get(part, '.*')})")
        else:
            out.append(re.sub(r"[.*+?^${}()|[\]\\/]", r"\\\g<0>", part))
    return "^" + "".join(out) + "(?<context>: .+)?$"


@functools.cache
def chrome_rules(lang: str) -> list[tuple[str, str]]:
    """``(pattern, template)`` pairs that write Streamlit's chrome in ``lang`` over the other language.

    >>> chrome_rules("vi")[2]
    ('^Download as (?<kind>.*)(?<context>: .+)?$', 'Tải xuống dạng {kind}')
    >>> chrome_rules("en")[0]
    ('^Xem dữ liệu(?<context>: .+)?$', 'Show data')
    """
    (other,) = {"vi", "en"} - {lang}
    return [(_pattern(tr(key, other)), tr(key, lang)) for key in CHROME_KEYS]


def page_language(lang: str) -> None:
    """``<html lang="vi">`` (or ``en``), the keyboard's skip link, the uploader's button and
    Streamlit's tooltips and screen-reader labels in ``lang``.

    Call once per run. The script runs again only when its text changes (a change of language).
    """
    st.html(_UPLOADER_CSS % json.dumps(tr("upload_button", lang), ensure_ascii=False))
    with st.container(key="page_lang"):
        comma = json.dumps(lang == "vi")  # Streamlit's slider writes "95.0": Vietnamese reads "95,0"
        # no "<" followed by a letter in the script: Streamlit's HTML sanitiser would drop the script
        rules = json.dumps(chrome_rules(lang), ensure_ascii=False).replace("<", "\\u003c")
        script = _PAGE_SCRIPT % (json.dumps(lang), json.dumps(tr("skip_to_content", lang)), comma, rules)
        st.html(script, unsafe_allow_javascript=True)


def limit_mb(cap_bytes: int) -> float:
    """The upload limit in MB: Streamlit's ``server.maxUploadSize`` or the library's cap, the smaller."""
    return min(float(st.get_option("server.maxUploadSize")), cap_bytes / 1_000_000)


def uploader(
    label: str, types: list[str], key: str, on_change: Callable[[], None], cap_bytes: int, lang: str
) -> object:
    """A file uploader with our own line under it: the file types and the size limit, in ``lang``."""
    box = st.file_uploader(label, type=types, key=key, on_change=on_change)
    kinds = ", ".join(f".{t}" for t in types)
    st.caption(tr("upload_note", lang, types=kinds, mb=number(limit_mb(cap_bytes), 0, lang)))
    return box
