"""Speed in the room: what makes a lever's move cheap must not change what the screen shows.

The times themselves are measured in a real browser by ``benchmarks/bench_browser.py`` (AppTest
always reruns the whole script, so it cannot see a fragment's rerun).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from app_support import open_app

from app import state
from app.i18n import tr

st_testing = pytest.importorskip("streamlit.testing.v1")

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, 4000)


def test_the_open_tab_is_a_fragment_and_writes_the_link():
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    body = next(f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "tab_body")
    assert [ast.unparse(d) for d in body.decorator_list] == ["st.fragment"]
    called = {ast.unparse(n.func) for n in ast.walk(body) if isinstance(n, ast.Call)}
    assert {
        "index_tab",
        "overview_tab",
        "decisions_tab.render",
        "state.evaluate",
        "state.write_link",
    } <= called
    loop = [n for n in tree.body if isinstance(n, ast.For)]
    assert "tab_body(key)" in ast.unparse(loop[-1])


def test_lever_move_updates_headline_and_link(app):
    app.session_state["tab"] = "PAPI"
    at = app.run()
    both = tr("metric_p_both", "vi")
    before = next(m.value for m in at.metric if m.label == both)
    at.slider[0].set_value(0.0).run()
    assert not at.exception
    after = next(m.value for m in at.metric if m.label == both)
    assert after != before
    assert "papi." in str(at.query_params["lv"])
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 2  # the default view: score and rank (the others: tests/test_index_views.py)
    assert all(spec["config"]["locale"]["number"]["decimal"] == "," for spec in specs)


def test_refused_target_in_a_tab_is_said(app):
    app.session_state["tab"] = "PAPI"
    at = app.run()
    at.text_input(key="w:ts:papi").input("8.376,5").run()
    assert not at.exception
    assert any("376,5" in e.value for e in at.error)  # the message names what was typed


def test_warm_start_leaves_nothing_to_fit_for_the_first_visitor(tmp_path, monkeypatch):
    import streamlit as st

    from simulator.engine import Engine

    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    monkeypatch.setenv("APP_DEFAULT_DRAWS", "3000")
    st.cache_resource.clear()
    calls = []
    fit, draw = Engine.from_scenario.__func__, Engine.uncertainties

    monkeypatch.setattr(
        Engine, "from_scenario", classmethod(lambda cls, *a, **k: calls.append("fit") or fit(cls, *a, **k))
    )
    monkeypatch.setattr(
        Engine, "uncertainties", lambda self, *a, **k: calls.append("draw") or draw(self, *a, **k)
    )
    state.warm_up()
    warm = list(calls)
    assert warm.count("fit") == 1 and "draw" in warm
    at = st_testing.AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and len(at.metric) == 3
    assert calls == warm  # the first page read the engine and the draws from the caches
    st.cache_resource.clear()
    cold = st_testing.AppTest.from_file(APP, default_timeout=120).run()
    assert [m.value for m in cold.metric] == [m.value for m in at.metric]  # same numbers either way
    assert calls == warm + warm


def test_warm_start_fills_what_the_index_tabs_need_before_any_lever_moves(tmp_path, monkeypatch):
    """The server's warm-up leaves the outside views and the PAR/SIPAS rank widths of the default
    view cached: opening an index tab then computes neither (they do not depend on the levers)."""
    import streamlit as st

    from app import insights

    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    monkeypatch.setenv("APP_DEFAULT_DRAWS", "2000")
    st.cache_resource.clear()
    calls = []
    widths, views = insights.league_rank_width, insights.outside_views
    monkeypatch.setattr(
        insights, "league_rank_width", lambda *a, **k: calls.append(("width", a[0])) or widths(*a, **k)
    )
    monkeypatch.setattr(
        insights, "outside_views", lambda *a, **k: calls.append(("outside",)) or views(*a, **k)
    )
    ev = state.warm_up()
    insights.warm_up(ev)
    assert sorted(c for c in calls if c[0] == "width") == [("width", "par_index"), ("width", "sipas")]
    assert calls.count(("outside",)) == 3
    warm = list(calls)
    for index_id in ev.scenario.indices:
        insights.outside(ev, index_id)
        if index_id != "papi":
            assert insights.rank_width(ev, index_id).n_units == ev.result.indices[index_id].n_units
    assert calls == warm
    st.cache_resource.clear()


def test_warm_start_pays_streamlits_first_use_checks(monkeypatch):
    """The server's start does Streamlit's once-per-process REPL check (``inspect.stack()``,
    ~0.16 s), so the first visitor's first element does not."""
    import importlib

    from streamlit import delta_generator

    server = importlib.import_module("app.server")
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    server._streamlit_once_per_process()
    assert delta_generator._use_warning_has_been_displayed is True
