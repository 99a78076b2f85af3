"""Streamlit's own widget texts in the chosen language, where Streamlit lets us.

Streamlit 1.67 writes a few words of its own in English whatever the page's language: the file
uploader's button and its size line, and the page's ``<html lang="en">``. :func:`page_language`
sets ``lang`` on the page (screen readers, hyphenation, the browser's translate offer), words
the keyboard's "Skip to main content" link and, in Vietnamese, writes the sliders' values with a
decimal comma (Streamlit's slider format has no locale: "95.0 %" becomes "95,0 %"), and
:func:`uploader` is a file uploader whose English is hidden by CSS and replaced by our own words
and a line that states the real limit (the smaller of Streamlit's ``server.maxUploadSize`` and the
library's cap for that kind of file). Placeholders and help texts are passed to each widget by the
module that draws it. The toolbar menu is hidden by ``client.toolbarMode`` in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from app.i18n import tr
from simulator.labels import number

_UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {content: %s;}
.st-key-page_lang, div:has(> .st-key-page_lang) {display: none;}
</style>"""


_PAGE_SCRIPT = r"""<script>{
document.documentElement.lang = %s;
const skip = document.querySelector('[data-testid="stSkipToContent"]');
if (skip) skip.textContent = %s;
window.parSimDecimalComma = %s;
if (!window.parSimSliderObserver) {
  window.parSimFixSliders = () => {
    const [from, to] = window.parSimDecimalComma ? [/(\d)\.(\d)/g, '$1,$2'] : [/(\d),(\d)/g, '$1.$2'];
    document.querySelectorAll('[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] div')
      .forEach((el) => {
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
          const text = node.nodeValue.replace(from, to);
          if (text !== node.nodeValue) node.nodeValue = text;
        }
      });
  };
  window.parSimSliderObserver = new MutationObserver(() => window.parSimFixSliders());
  window.parSimSliderObserver.observe(document.body, {subtree: true, childList: true, characterData: true});
}
window.parSimFixSliders();
}</script>"""


def page_language(lang: str) -> None:
    """``<html lang="vi">`` (or ``en``), the keyboard's skip link and the uploader's button in ``lang``.

    Call once per run. The script runs again only when its text changes (a change of language).
    """
    st.html(_UPLOADER_CSS % json.dumps(tr("upload_button", lang), ensure_ascii=False))
    with st.container(key="page_lang"):
        comma = json.dumps(lang == "vi")  # Streamlit's slider writes "95.0": Vietnamese reads "95,0"
        script = _PAGE_SCRIPT % (json.dumps(lang), json.dumps(tr("skip_to_content", lang)), comma)
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
