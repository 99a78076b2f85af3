"""Sessions of one server share its caches, never their results; the Decisions tab shows the library's figures.

Two AppTest sessions run in one process, so they share ``st.cache_data`` / ``st.cache_resource``
exactly as two browser sessions of one server do.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from app.decisions_tab import reachable_q
from simulator.analysis import goal_seek, tornado
from simulator.engine import Engine
from simulator.history import load_history, read_results_table
from simulator.labels import percent, prob_with_error
from simulator.optimize import optimise
from simulator.outcomes import mc_se
from simulator.scenario import load_scenario

st = pytest.importorskip("streamlit")
st_testing = pytest.importorskip("streamlit.testing.v1")

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")
DRAWS, SEED = 4000, 2021
# Cần Thơ's 2020 PAR INDEX as a (made-up, test-only) uploaded table: it moves PAR P(both) from ~20 % to ~74 %
TABLE = "tỉnh,năm,điểm,xếp hạng\nCần Thơ,2020,92.5,2\n".encode()


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    monkeypatch.setenv("APP_DEFAULT_DRAWS", str(DRAWS))
    st.cache_data.clear()
    st.cache_resource.clear()

    def session():
        at = st_testing.AppTest.from_file(APP, default_timeout=120)
        at.query_params["plan"] = "can_tho_2021"  # these tests were written on the 2021 plan
        return at.run()

    return session


def _open(at, label: str):
    at.session_state["tab"] = label
    return at.run()


def _overview_p_both(at, index_name: str) -> str:
    """The P(both) the overview shows for one index (the stacked big metric of that column)."""
    at = _open(at, "Tổng quan")
    pos = ["PAR INDEX", "SIPAS", "PAPI"].index(index_name)
    return at.metric[pos].value


def _decisions_p_both(at) -> dict[str, str]:
    """``{index heading: 'P(both) as shown'}`` from the Decisions tab's tornado headings."""
    out = {}
    for m in at.markdown:
        found = re.match(r"\*\*(.+)\*\* — P\(đạt cả hai\): (.+)$", m.value)
        if found:
            out[found.group(1)] = found.group(2)
    return out


def test_an_upload_in_one_session_does_not_show_in_another(fresh):
    a, b = fresh(), fresh()
    a.session_state["pending_table"] = ("par_index", "par_2020.csv", TABLE)
    a.run()
    assert not a.exception and not a.error
    a = _open(a, "Quyết định")
    b = _open(b, "Quyết định")
    assert not a.exception and not b.exception and not b.error
    par = "Chỉ số CCHC (PAR INDEX)"
    seen_a, seen_b = _decisions_p_both(a)[par], _decisions_p_both(b)[par]
    assert seen_a != seen_b  # the upload changes PAR's answer: the sessions must disagree
    own_a = _overview_p_both(a, "PAR INDEX").split(" ±")[0]
    own_b = _overview_p_both(b, "PAR INDEX").split(" ±")[0]
    assert (seen_a, seen_b) == (own_a, own_b)  # each session's Decisions tab agrees with its overview


def test_decisions_tab_values_equal_the_librarys_on_the_same_draws(fresh):
    at = _open(fresh(), "Quyết định")
    assert not at.exception and not at.error
    plan = load_scenario(ROOT / "scenarios" / "can_tho_2021.toml")
    engine = Engine.from_scenario(plan)
    unc = engine.uncertainties(DRAWS, SEED)
    torn = tornado(engine, unc, plan).to_dict()["indices"]
    best = [  # goal seek's best: an index's own groups at 100 %
        engine.run(unc, plan.with_levels({i: {g.id: 1.0 for g in p.groups}})).indices[i].p_both
        for i, p in plan.indices.items()
    ]
    q = reachable_q(min(best))
    assert at.slider(key="w:goal_q").value == q
    goal = goal_seek(engine, unc, plan, q=q / 100).to_dict()["indices"]
    opt = optimise(engine, unc, plan).to_dict()
    run = engine.run(unc, plan)
    shown = _decisions_p_both(at)
    names = {
        "par_index": "Chỉ số CCHC (PAR INDEX)",
        "sipas": "Chỉ số hài lòng (SIPAS)",
        "papi": "Chỉ số PAPI",
    }
    for index_id, name in names.items():
        assert shown[name] == percent(torn[index_id]["plan"]["p_both"], 1, "vi")
        assert torn[index_id]["plan"]["p_both"] == run.indices[index_id].p_both
        assert opt["p_both_plan"][index_id] == run.indices[index_id].p_both  # the optimiser's P(plan)
    captions = " ".join(c.value for c in at.caption)
    for item in torn.values():
        b = item["brackets"]
        assert percent(b["all_done"]["p_both"], 1, "vi") in captions
        assert percent(b["bau_only"]["p_both"], 1, "vi") in captions
    lines = " ".join(m.value for m in at.markdown)
    for item in goal.values():
        u = item["uniform"]
        p = u["p_both"] if u["reachable"] else u["best_p_both"]
        assert prob_with_error(p, mc_se(p, DRAWS), "vi") in lines
    plan_line = next(c.value for c in at.caption if "trên cùng bộ số ngẫu nhiên với Tổng quan" in c.value)
    for p in opt["p_both_plan"].values():
        assert prob_with_error(p, mc_se(p, DRAWS), "vi") in plan_line
    metrics = {m.label: m.value for m in at.metric}
    for index_id, p in opt["p_both_optimised"].items():
        assert metrics[names[index_id]] == prob_with_error(p, opt["mc_se"][index_id], "vi")
    allocation = at.dataframe[-1].value
    expected = [
        percent(opt["allocation"][i][g.id], 1, "vi") for i, p in plan.indices.items() for g in p.groups
    ]
    assert list(allocation.iloc[:, 3]) == expected


def test_the_default_wanted_probability_is_reachable_for_every_index(fresh):
    at = _open(fresh(), "Quyết định")
    lines = [m.value for m in at.markdown if m.value.startswith("**Chỉ số")]
    answers = [v for v in lines if ":" in v and "P(đạt cả hai)" not in v]
    assert len(answers) == 3 and not [v for v in answers if "Không đạt được" in v]
    assert 5 <= at.slider(key="w:goal_q").value < 80  # the old default (80 %) was out of reach
    assert [reachable_q(p) for p in (0.223, 0.05, 0.04, 0.999, 0.25)] == [20, 5, 5, 95, 20]


def test_the_optimisers_p_plan_is_the_overviews(fresh):
    at = _open(fresh(), "Quyết định")
    plan_line = next(c.value for c in at.caption if "trên cùng bộ số ngẫu nhiên với Tổng quan" in c.value)
    for name in ("PAR INDEX", "SIPAS", "PAPI"):
        overview = _overview_p_both(at, name)
        assert overview in plan_line


def test_uploaded_table_reaches_the_decisions_tab(fresh):
    at = fresh()
    at.session_state["pending_table"] = ("par_index", "par_2020.csv", TABLE)
    at = _open(at.run(), "Quyết định")
    plan = load_scenario(ROOT / "scenarios" / "can_tho_2021.toml")
    table = read_results_table(io.BytesIO(TABLE), "par_index", name="par_2020.csv")
    engine = Engine.from_scenario(plan, histories={"par_index": load_history("par_index").with_table(table)})
    p = engine.run(engine.uncertainties(DRAWS, SEED), plan).indices["par_index"].p_both
    assert _decisions_p_both(at)["Chỉ số CCHC (PAR INDEX)"] == percent(p, 1, "vi")
