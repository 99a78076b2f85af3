"""Exact levels (no rounding to whole percent) and user text shown as plain text, never as markdown."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from app_support import open_app

from app.text import plain
from simulator.engine import Engine
from simulator.labels import prob_with_error
from simulator.library import PlanLibrary
from simulator.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
PLAN = (ROOT / "tests" / "data" / "can_tho_2021_v1.toml").read_text(encoding="utf-8")  # levels as fractions
IMAGE = "![x](http://127.0.0.1:9/pixel.png)"
HOSTILE = f"{IMAGE} **đậm** :red[đỏ] $x$ <img src=http://127.0.0.1:9/a.png>"
RAW = ("![x](", "**đậm**", ":red[", "$x$", "](http")


@pytest.fixture
def session(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, 4000, "can_tho_2021")  # these tests were written on the 2021 plan


def _upload(at, name: str, text: str):
    at.session_state["pending_plan"] = (name, text.encode())
    return at.run()


def _open(at, label: str):
    at.session_state["tab"] = label
    return at.run()


def _texts(at) -> list[str]:
    """Everything Streamlit renders as markdown: text elements, alerts and widget labels / help."""
    out = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in at.get(kind)
    ]
    for kind in ("slider", "number_input", "text_input", "selectbox", "multiselect", "button", "radio"):
        for w in at.get(kind):
            out += [w.label, getattr(w, "help", None) or ""]
    out += [e.label for kind in ("expander", "tab", "metric") for e in at.get(kind)]
    return out


def test_a_level_of_72_5_percent_is_kept_evaluated_and_saved_exactly(session, tmp_path):
    text = PLAN.replace("planned = 0.95", "planned = 0.725", 1)
    at = _upload(session, "exact.toml", text)
    assert not at.exception and not at.error
    at = _open(at, "PAR INDEX")
    assert at.slider[0].value == 72.5 and "%.1f" in at.slider[0].proto.format
    plan = parse_scenario(text, "exact.toml")
    engine = Engine.from_scenario(plan)
    r = engine.run(engine.uncertainties(4000, 2021), plan).indices["par_index"]
    both = next(m for m in at.metric if m.label.startswith("Khả năng đạt cả hai")).value
    assert both.startswith(prob_with_error(r.p_both, r.mc_se["both"], "vi"))
    at.slider[1].set_value(61.5).run()
    at.text_input(key="save_name").input("Chính xác").run()
    at.button(key="save_plan").click().run()
    saved = PlanLibrary(tmp_path / "plans").entries()[0]
    groups = tomllib.loads(saved.path.read_text(encoding="utf-8"))["indices"]["par_index"]["groups"]
    assert [groups[g]["planned"] for g in ("g1_direction", "g2_legal")] == [72.5, 61.5]  # v2: percent
    back = parse_scenario(saved.path.read_text(encoding="utf-8"), "saved").indices["par_index"].groups
    assert [g.planned for g in back[:2]] == [0.725, 0.615]
    assert at.query_params["lv"] == "par_index.g2_legal:61.5"


def test_a_level_off_the_slider_grid_is_not_rounded(session):
    at = _upload(session, "odd.toml", PLAN.replace("planned = 0.95", "planned = 0.7234", 1))
    at = _open(at, "PAR INDEX")
    assert at.slider[0].value == 72.34 and "%.2f" in at.slider[0].proto.format
    assert at.session_state["levels"]["par_index"]["g1_direction"] == 0.7234


def test_a_link_carries_a_half_point_level_exactly(tmp_path, monkeypatch):
    at = open_app(tmp_path, monkeypatch, None, "can_tho_2021", params={"lv": "papi.g2_transparency:30.5"})
    assert at.session_state["levels"]["papi"]["g2_transparency"] == 0.305


def test_markdown_in_names_notes_and_file_names_shows_as_plain_text(session):
    text = (
        PLAN.replace(
            "Kế hoạch cải thiện PAR INDEX, SIPAS, PAPI năm 2021 — TP. Cần Thơ", HOSTILE.replace('"', "'")
        )
        .replace("Công tác chỉ đạo, điều hành cải cách hành chính", HOSTILE)
        .replace('notes = "Targets', f'notes = "{HOSTILE} Targets')
        .replace('currency = "tỷ đồng"', f'currency = "{IMAGE}"')
    )
    at = _upload(session, f"{IMAGE}.toml", text)
    assert not at.exception and not at.error
    at.text_input(key="save_name").input(HOSTILE).run()
    at.button(key="save_plan").click().run()
    at = _upload(at, f"{IMAGE}.toml", "[plan]\nname = 1\n")  # an error that echoes the file name
    assert at.error
    seen = []
    for tab in ("Tổng quan", "PAR INDEX", "Quyết định", "So sánh", "Xuất & chia sẻ"):
        at = _open(at, tab)
        assert not at.exception
        if tab == "So sánh":
            at.multiselect(key="compare_pick").set_value(
                [at.multiselect(key="compare_pick").options[0]]
            ).run()
        seen += _texts(at)
    shown = " ".join(seen)
    assert plain(HOSTILE) in shown  # the name is there, escaped
    for raw in RAW:
        assert not [s for s in seen if raw in s], raw
