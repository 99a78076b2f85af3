"""The Decisions tab, driven headless (AppTest): the library's figures with their errors, in vi and en.

Each sub-tab is opened as a user would (``dec_tab``); the figures shown are compared with the
library's on the same plan, draws and seed, so a tab that shows other numbers, or drops an error,
fails.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_support import open_app

from app.decisions_tab import NBSP, SOBOL_BOOT, SOBOL_DRAWS, default_q
from app.i18n import tr
from simulator.analysis import SOURCES, goal_seek, reach, sobol, tornado
from simulator.engine import Engine
from simulator.labels import number, percent, prob_with_error, t
from simulator.optimize import optimise
from simulator.scenario import load_scenario

st = pytest.importorskip("streamlit")

ROOT = Path(__file__).resolve().parents[1]
DRAWS, SEED = 4000, 2021
MAIN = {"vi": "Quyết định", "en": "Decisions"}


@pytest.fixture(scope="module")
def library():
    """The library's answers on the app's plan, draws and seed."""
    plan = load_scenario(ROOT / "scenarios" / "can_tho_2021.toml")
    engine = Engine.from_scenario(plan)
    unc = engine.uncertainties(DRAWS, SEED)
    return plan, engine, unc


@pytest.fixture
def session(tmp_path, monkeypatch):
    def open_tab(lang: str, sub: str):
        at = open_app(tmp_path, monkeypatch, DRAWS, "can_tho_2021", params={"lang": lang}, timeout=180)
        at.session_state["tab"] = MAIN[lang]
        at.session_state["dec_tab"] = tr(sub, lang)
        at.run()
        assert not at.exception and not at.error
        return at

    return open_tab


def _texts(at) -> str:
    """Every line of text, with the non-breaking spaces that keep a figure and its ± together as spaces."""
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption]).replace(NBSP, " ")


def _tables(at) -> list:
    return [d.value.map(lambda v: v.replace(NBSP, " ") if isinstance(v, str) else v) for d in at.table]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tornado_rows_show_the_librarys_figures_with_their_errors(session, library, lang):
    plan, engine, unc = library
    at = session(lang, "dec_tab_tornado")
    torn = tornado(engine, unc, plan).to_dict()["indices"]
    text = _texts(at)
    tables = _tables(at)
    assert len(tables) == 3
    for (index_id, item), table in zip(torn.items(), tables, strict=True):
        head = prob_with_error(item["plan"]["p_both"], item["plan"]["se_p_both"], lang)
        assert f"**{t(index_id, lang)}** — {t('p_both', lang)}: {head}" in text
        assert len(table) == len(item["tornado"])
        for (_, shown), row in zip(table.iterrows(), item["tornado"], strict=True):
            up = shown[tr("dec_up", lang, step="10")]
            swing = shown[tr("dec_swing", lang)]
            assert up.startswith(percent(row["p_both_up"], 1, lang))
            assert f"± {number(100 * row['se_delta_p_both_up'], 1, lang)})" in up
            assert swing == (
                f"{number(100 * row['swing_p_both'], 1, lang)} ± {number(100 * row['se_swing_p_both'], 1, lang)}"
            )
        b = item["brackets"]
        assert prob_with_error(b["all_done"]["p_both"], b["all_done"]["se_p_both"], lang) in text
    if lang == "en":
        assert "đạt" not in text and "Giảm" not in " ".join(tables[0].columns)
    else:
        assert "points down" not in " ".join(tables[0].columns)


def test_goal_seek_default_is_reachable_and_shown_with_errors(session, library):
    plan, engine, unc = library
    at = session("vi", "dec_tab_goal")
    spans = reach(engine, unc, plan)
    lines = [m.value.replace(NBSP, " ") for m in at.markdown]
    for index_id, span in spans.items():
        q = default_q(span["p_both_plan"], span["best_p_both"])
        assert at.slider(key=f"w:goal_q:{index_id}").value == q
        assert span["p_both_plan"] < q / 100 <= span["best_p_both"]  # above the plan, within reach
        u = goal_seek(engine, unc, plan, q={index_id: q / 100}).uniform[index_id]
        assert u["reachable"] and u["delta"] > 0
        answer = tr(
            "dec_uniform_ok",
            "vi",
            d=number(100 * u["delta"], 1, "vi"),
            p=prob_with_error(u["p_both"], u["se"], "vi"),
        )
        assert answer in lines
        best = prob_with_error(span["best_p_both"], span["se_best"], "vi")
        assert best in _texts(at)
    assert not [v for v in lines if "Không đạt được" in v]
    # the user's pick holds, and the answer follows it
    at.slider(key="w:goal_q:papi").set_value(99).run()
    assert at.slider(key="w:goal_q:papi").value == 99
    assert any(v.startswith("Không đạt được") for v in (m.value for m in at.markdown))
    assert all("±" in row.iloc[-1] for table in _tables(at) for _, row in table.iterrows())


def test_default_q_known_cases():
    assert default_q(0.262, 0.298) == 28  # halfway between 27 and 29
    assert default_q(0.40, 0.536) == 47
    assert default_q(0.50, 0.505) == 50  # no whole percent above the plan within reach: the best's
    assert default_q(0.0, 0.001) == 1
    assert default_q(0.995, 0.9999) == 99


def test_optimiser_shows_fresh_figures_with_errors(session, library):
    plan, engine, unc = library
    at = session("vi", "dec_tab_budget")
    opt = optimise(engine, unc, plan, frontier_points=9).to_dict()
    fresh = opt["fresh"]
    text = _texts(at)
    assert "đánh giá lại trên 4.000 lần mô phỏng mới" in text
    metrics = {m.label: m for m in at.metric}
    for index_id, p in fresh["p_both_optimised"].items():
        m = metrics[t(index_id, "vi")]
        assert m.value.replace(NBSP, " ") == prob_with_error(p, fresh["se_optimised"][index_id], "vi")
        assert f"± {number(100 * fresh['se_change'][index_id], 1, 'vi')} điểm %" in m.delta
        assert prob_with_error(fresh["p_both_plan"][index_id], fresh["se_plan"][index_id], "vi") in text
    assert f"± {number(100 * fresh['se_marginal'], 2, 'vi')} điểm %" in text
    assert percent(opt["objective_optimised"], 1, "vi") in text  # the selection's own (optimistic) figure
    allocation = _tables(at)[-1]
    expected = [
        percent(opt["allocation"][i][g.id], 1, "vi") for i, p in plan.indices.items() for g in p.groups
    ]
    assert list(allocation.iloc[:, 3]) == expected


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sobol_table_on_demand(session, library, lang):
    plan, engine, _ = library
    at = session(lang, "dec_tab_sobol")
    assert not at.table  # nothing computed before the button
    at.button(key="dec_sobol_go").click().run()
    assert not at.exception and not at.error
    res = sobol(engine, plan, draws=SOBOL_DRAWS, rng=SEED, n_boot=SOBOL_BOOT)
    tables = _tables(at)
    assert len(tables) == 3
    for index_id, table in zip(plan.indices, tables, strict=True):
        names = {tr(f"dec_src_{s}", lang): s for s in SOURCES}
        assert set(table[tr("dec_source", lang)]) == set(names)
        for _, row in table.iterrows():
            s = names[row[tr("dec_source", lang)]]
            total = res.total[index_id]["both"][s]
            shown = 0.0 if abs(total) < 0.005 else total
            assert row[tr("dec_total", lang)].startswith(number(shown, 2, lang) + " (")
        totals = [res.total[index_id]["both"][names[n]] for n in table[tr("dec_source", lang)]]
        assert totals == sorted(totals, reverse=True)
    assert tr("dec_sobol_meaning", lang) in _texts(at)
    assert np.isfinite(res.first["papi"]["both"]["units"])
