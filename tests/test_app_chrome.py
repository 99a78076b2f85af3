"""Streamlit's widget chrome in the chosen language (AppTest): page lang, uploader words, placeholders, menu."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from app_support import open_app

from simulator.limits import MAX_PLAN_BYTES, MAX_TABLE_BYTES

st = pytest.importorskip("streamlit")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, 2000, "can_tho_2021")


def _html(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def _uploader_notes(at) -> list[str]:
    return [c.value for c in at.sidebar.caption if "MB" in c.value]


@pytest.mark.parametrize(
    "lang, words, button",
    [("vi", ("Kéo thả tệp", "tối đa"), "Chọn tệp"), ("en", ("Drop a file", "at most"), "Choose a file")],
)
def test_page_language_and_uploader_words_follow_the_language(app, lang, words, button):
    at = app.radio(key="w:lang").set_value(lang).run()
    assert not at.exception
    (script,) = [b for b in _html(at) if "<script>" in b]
    assert f'document.documentElement.lang = "{lang}";' in script
    skip = json.dumps({"vi": "Đến nội dung chính", "en": "Skip to main content"}[lang])
    assert f"skip.textContent = {skip};" in script
    css = next(b for b in _html(at) if "stFileUploaderDropzoneInstructions" in b)
    assert f'content: "{button}";' in css  # the English button text and size line are hidden
    plan_note, table_note = _uploader_notes(at)
    assert all(w in plan_note and w in table_note for w in words)
    assert ".toml" in plan_note and ".csv, .xlsx, .txt" in table_note


def test_uploader_line_states_the_real_limit(app):
    limit = st.get_option("server.maxUploadSize")
    plan_note, table_note = _uploader_notes(app)
    mb = re.compile(r"tối đa (\d+) MB")
    assert int(mb.search(plan_note)[1]) == min(limit, MAX_PLAN_BYTES // 1_000_000)
    assert int(mb.search(table_note)[1]) == min(limit, MAX_TABLE_BYTES // 1_000_000)


def test_placeholders_are_ours(app, tmp_path):
    for key in ("shipped_pick", "new_province", "table_index"):
        assert app.selectbox(key=key).proto.placeholder == "Chọn…"
    app.text_input(key="save_name").input("A").run()
    at = app.button(key="save_plan").click().run()
    at.session_state["tab"] = "So sánh"
    at.run()
    assert at.multiselect(key="compare_pick").proto.placeholder == "Chọn…"
    at = at.radio(key="w:lang").set_value("en").run()
    at.session_state["tab"] = "Compare"
    at.run()
    assert at.multiselect(key="compare_pick").proto.placeholder == "Choose…"


def test_config_hides_the_menu_and_usage_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
    assert config["browser"]["gatherUsageStats"] is False
