"""The index tab's chart views (AppTest): one view under the headline, picked with a segmented
control; the pick survives another tab and a change of language; the outside view's verdict stays
on screen in one line under every other view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_support import open_app

from app.i18n import tr
from app.views import VIEWS

DRAWS = 3000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, DRAWS, timeout=180)


def _open(at, tab: str):
    at.session_state["tab"] = tab
    return at.run()


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _picker(at, index_id: str):
    return at.segmented_control(key=f"w:view_{index_id}")


# charts of each view on the 2026 plan (Cần Thơ is a merged unit: its former provinces are a chart)
EXPECTED = {"dist": 2, "history": 3, "components": 1, "outside": 1}


def test_each_view_draws_its_own_charts_and_only_those(app):
    at = _open(app, "PAPI")
    assert _picker(at, "papi").value == "dist"  # the distributions first
    assert _picker(at, "papi").options == [tr(f"view_{v}", "vi", year=2026) for v in VIEWS]
    seen = {}
    for view in VIEWS:
        at = _picker(at, "papi").set_value(view).run()
        assert not at.exception and not at.error
        seen[view] = len(_charts(at))
        assert all(s["config"]["locale"]["number"]["decimal"] == "," for s in _charts(at))
    assert seen == EXPECTED
    heads = " ".join(m.value for m in at.markdown)
    assert "**Góc nhìn lịch sử**" in heads and "**Phân phối điểm" not in heads


def test_the_pick_survives_another_tab_and_the_language_and_is_per_index(app):
    at = _open(app, "PAPI")
    at = _picker(at, "papi").set_value("history").run()
    at = _open(at, "SIPAS")
    assert _picker(at, "sipas").value == "dist"  # each index its own view
    at = _open(at, "PAPI")
    assert _picker(at, "papi").value == "history"
    assert any(m.value.startswith("**Điểm qua các năm") for m in at.markdown)
    at = at.radio(key="w:lang").set_value("en").run()
    at = _open(at, "PAPI")
    assert _picker(at, "papi").value == "history"
    assert "History" in _picker(at, "papi").options
    assert any(m.value.startswith("**Past scores") for m in at.markdown)


def test_a_lever_move_redraws_the_picked_view(app):
    at = _open(app, "PAPI")
    at = _picker(at, "papi").set_value("history").run()
    before = at.get("vega_lite_chart")[0].proto.datasets
    before = [d.SerializeToString() for d in before]
    at.slider[0].set_value(0.0).run()
    assert not at.exception and _picker(at, "papi").value == "history"
    after = [d.SerializeToString() for d in at.get("vega_lite_chart")[0].proto.datasets]
    assert before and after != before  # the forecast's fan follows the levers


@pytest.mark.parametrize("lang, minus", [("vi", "−"), ("en", "−")])
def test_a_gain_below_the_trend_is_written_with_its_minus_sign(app, lang, minus):
    at = app.radio(key="w:lang").set_value(lang).run()
    at.session_state["levels"]["papi"] = {g: 0.0 for g in at.session_state["levels"]["papi"]}
    at = _open(at, "PAPI")
    line = next(c.value for c in at.caption if c.value.startswith(tr("view_outside", lang)))
    assert f"{minus}" in line and "+-" not in line and "+−" not in line
    at = _picker(at, "papi").set_value("outside").run()
    gain = next(m.value for m in at.metric if m.label == tr("ov_gain", lang))
    assert gain.startswith(minus)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_assumptions_table_is_in_the_language_without_ids(lang):
    """The task groups' table under "Giả định của mô hình": headers from the translation table,
    numbers written the language's way as text, no internal group ids (was: group, name, bau, …)."""
    from app.views import levels_table
    from simulator.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "can_tho_2026.toml")
    table = levels_table(scenario, "par_index", lang)
    assert list(table.columns[:3]) == [tr("col.name", lang), tr("col.bau", lang), tr("col.planned", lang)]
    assert not {"group", "name", "bau", "planned", "reliability", "weights", "cost"} & set(table.columns)
    ids = {g.id for g in scenario.indices["par_index"].groups}
    assert not ids & set(table.to_numpy().ravel())
    assert table.iloc[0, 1] == "75" and table.iloc[0, 2] == "95"
    cost = table.iloc[0, -1]
    assert ("," in cost and "." not in cost) if lang == "vi" else ("." in cost and "," not in cost)
    assert all(t == t.strip() and "%" not in t for t in table.iloc[:, 1])
