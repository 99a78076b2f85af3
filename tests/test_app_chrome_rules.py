"""The page script's rules for Streamlit's own English: Streamlit's real words, both ways, no loop."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from app.chrome import _PAGE_SCRIPT, CHROME_KEYS, chrome_rules, page_language
from app.i18n import tr

st = pytest.importorskip("streamlit")

BUNDLE = Path(st.__file__).parent / "static" / "static" / "js"
# the dataframe search's counts, which Streamlit builds from pieces ("3 of " + "7 result" + "s")
BUILT_FROM_PIECES = {
    f"chrome.{k}" for k in ("result_of", "result_of_one", "result_of_many", "results", "one_result")
}
SAMPLE = {"size": "12.0B", "n": "7", "i": "3", "kind": "PNG", "item": "x.toml", "name": "bảng 1.csv"}
SAMPLE_VI_SIZE = "12,0 B"  # the page writes a size the Vietnamese way


def _fields(text: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def _filled(text: str, size: str) -> str:
    return text.format(**{**SAMPLE, "label": "Điểm mục tiêu", "type": "text/plain", "size": size})


def _say(text: str, lang: str) -> str:
    """What the page script's ``once`` makes of ``text`` in ``lang`` (the same regular expressions)."""
    size = re.compile(r"^(\d+)[.,](\d+) ?([KMG]?B)$")

    def fmt(value: str) -> str:
        return size.sub(r"\1,\2 \3" if lang == "vi" else r"\1.\2\3", value)

    if size.match(text):
        return fmt(text)
    for pattern, template in chrome_rules(lang):
        m = re.match(pattern.replace("(?<", "(?P<"), text)
        if m:
            groups = m.groupdict()
            values = {k: fmt(v) if k == "size" else v for k, v in groups.items() if v is not None}
            return template.format(**values) + (groups["context"] or "")
    return text


def _bundle() -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in BUNDLE.glob("*.js"))


@pytest.mark.skipif(not BUNDLE.is_dir(), reason="Streamlit's front end is not installed")
def test_every_english_text_is_streamlits_own():
    code = _bundle()
    for key in CHROME_KEYS:
        english = tr(key, "en")
        pieces = [p.strip() for p in re.split(r"\{\w+\}", english) if p.strip(" ,")]
        if key in BUILT_FROM_PIECES:
            pieces = [w.removesuffix("s") for w in re.findall(r"[A-Za-z]+", english)]
        assert all(p in code for p in pieces), (key, english)  # Streamlit reworded it: update the table


@pytest.mark.parametrize("key", CHROME_KEYS)
def test_each_text_is_rewritten_into_the_language_and_back(key):
    english, vietnamese = tr(key, "en"), tr(key, "vi")
    assert set(_fields(english)) == set(_fields(vietnamese))
    shown_en, shown_vi = _filled(english, SAMPLE["size"]), _filled(vietnamese, SAMPLE_VI_SIZE)
    assert _say(shown_en, "vi") == shown_vi
    assert _say(shown_vi, "vi") == shown_vi  # a fixed point: the page never rewrites its own words
    assert _say(shown_vi, "en") == shown_en
    assert _say(shown_en, "en") == shown_en


def test_a_toolbar_button_keeps_the_elements_label_and_other_texts_are_left_alone():
    assert _say("Show data: Điểm theo năm", "vi") == "Xem dữ liệu: Điểm theo năm"
    assert _say("Kế hoạch mẫu", "vi") == "Kế hoạch mẫu" and _say("Shipped plan", "en") == "Shipped plan"
    assert _say("Searching", "vi") == "Searching"  # whole texts only
    assert _say(" files are not allowed.".strip(), "vi") == tr("chrome.unknown_type", "vi")


def test_the_script_survives_streamlits_html_sanitiser(monkeypatch):
    bodies = []
    monkeypatch.setattr(st, "html", lambda body, **_: bodies.append(body))
    for lang in ("vi", "en"):
        page_language(lang)
        script = bodies[-1]
        inner = script.removeprefix("<script>").removesuffix("</script>")
        assert not re.search(r"<[/\w!]", inner)  # DOMPurify drops a script whose text has "<" + letter
        assert (
            tr("chrome.increment", lang) in script and tr("chrome.wrong_type", lang).split("{")[0] in script
        )
    assert _PAGE_SCRIPT.count("%s") == 4 and "%" not in _PAGE_SCRIPT.replace("%s", "")
