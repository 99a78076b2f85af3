"""The "Quyết định / Decisions" tab: tornado, goal seek, budget optimiser and frontier, Sobol indices.

Wiring only. Four sub-tabs, each computed when it is opened (lazy ``st.tabs``), so the tab's first
open runs the tornado alone. Each heavy call is one library call wrapped in ``st.cache_data``, keyed
on the session's draws record (``Evaluation.key``: plan structure, uploaded tables, draws, seed) and
the plan's full TOML text (levels, targets, every assumption), so no session sees another's results;
the caches are bounded (``max_entries``, ``ttl``). Every analysis runs on the overview's own draws
(``Evaluation.unc``), so the tornado's P(plan) is the overview's P(both); the optimiser chooses on
them too and shows its figures re-estimated on fresh draws (:mod:`simulator.allocation`). Every
probability is shown with its Monte Carlo error. The maths lives in ``simulator.analysis``,
``simulator.optimize`` and ``simulator.allocation``. The app calls :func:`render` in its tab.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import charts, fields
from app.i18n import tr
from app.numbers import typed
from app.state import CACHE_TTL, Evaluation
from app.text import plain
from simulator.analysis import SOURCES, goal_seek, reach, sobol, tornado
from simulator.engine import Engine, Uncertainties
from simulator.labels import number, percent, prob_with_error, t
from simulator.optimize import optimise
from simulator.response import Response
from simulator.scenario import Scenario

SUBTABS = ("dec_tab_tornado", "dec_tab_goal", "dec_tab_budget", "dec_tab_sobol")
SOBOL_DRAWS = 4000  # the Sobol design costs 8 engine runs of this many draws (a few seconds)
SOBOL_BOOT = 200
FRONTIER_POINTS = 9


@st.cache_resource(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def _response(
    record: str, plan_toml: str, _engine: Engine, _scenario: Scenario, _unc: Uncertainties
) -> Response:
    """The CRN response of the plan on the session's record (``record`` names the record object)."""
    return Response.build(_engine, _unc, _scenario)


def _resp(ev: Evaluation, plan_toml: str) -> Response:
    # the response refers to the very record it was built on: key it on that object too
    return _response(f"{ev.key}|{id(ev.unc)}", plan_toml, ev.engine, ev.scenario, ev.unc)


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _tornado(record: str, plan_toml: str, _ev: Evaluation) -> dict:
    return tornado(_ev.engine, _ev.unc, _ev.scenario, response=_resp(_ev, plan_toml)).to_dict()


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _reach(record: str, plan_toml: str, _ev: Evaluation) -> dict:
    return reach(_ev.engine, _ev.unc, _ev.scenario, response=_resp(_ev, plan_toml))


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_TTL)
def _goal(record: str, plan_toml: str, index_id: str, q: float, _ev: Evaluation) -> dict:
    return goal_seek(
        _ev.engine, _ev.unc, _ev.scenario, q={index_id: q}, response=_resp(_ev, plan_toml)
    ).to_dict()


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _optimised(record: str, plan_toml: str, budget: float, _ev: Evaluation) -> dict:
    return optimise(
        _ev.engine,
        _ev.unc,
        _ev.scenario,
        budget=budget,
        frontier_points=FRONTIER_POINTS,
        response=_resp(_ev, plan_toml),
    ).to_dict()


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _sobol(record: str, plan_toml: str, seed: int, _engine: Engine, _scenario: Scenario) -> dict:
    res = sobol(_engine, _scenario, draws=SOBOL_DRAWS, rng=seed, n_boot=SOBOL_BOOT)
    return {"draws": res.draws, "seed": res.seed, "rows": res.to_frame().to_dict("records")}


NBSP = "\u00a0"


def _pe(p: float, se: float, lang: str) -> str:
    """``prob_with_error`` with non-breaking spaces: the figure and its ± never split across lines."""
    return prob_with_error(p, se, lang).replace(" ", NBSP)


def _signed(x: float, digits: int, lang: str) -> str:
    return ("+" if x > 0 else "") + number(x, digits, lang)


def _change(d: float, se: float, lang: str) -> str:
    """A change in points with its paired error: ``+0,5 ± 0,1``."""
    return f"{_signed(100 * d, 1, lang)}{NBSP}±{NBSP}{number(100 * se, 1, lang)}"


def _name(row: dict, lang: str) -> str:
    return row["name_vi"] if lang == "vi" else row["name_en"]


def render(ev: Evaluation, lang: str) -> None:
    """Draw the Decisions tab for the evaluated plan on its own draws (``ev.unc``)."""
    st.caption(tr("dec_mc_note", lang, draws=number(ev.unc.draws, 0, lang)))
    tabs = fields.tabs(SUBTABS, lambda k: tr(k, lang), "dec_tab")
    plan_toml = ev.scenario.to_toml()
    draw = {
        "dec_tab_tornado": _render_tornado,
        "dec_tab_goal": _render_goal,
        "dec_tab_budget": _render_optimiser,
        "dec_tab_sobol": _render_sobol,
    }
    for key, tab in tabs.items():
        with tab:
            draw[key](ev, lang, plan_toml)


# ---- tornado ---------------------------------------------------------------------------------


def _render_tornado(ev: Evaluation, lang: str, plan_toml: str) -> None:
    with st.spinner("…"):
        torn = _tornado(ev.key, plan_toml, ev)
    step = number(100 * torn["step"], 0, lang)
    st.subheader(tr("dec_tornado", lang))
    st.caption(tr("dec_tornado_help", lang, step=step))
    down, up = tr("dec_down", lang, step=step), tr("dec_up", lang, step=step)
    for index_id, item in torn["indices"].items():
        plan = item["plan"]
        head = _pe(plan["p_both"], plan["se_p_both"], lang)
        st.markdown(tr("dec_index_head", lang, index=t(index_id, lang), p=head))
        rows, bars = [], []
        for r in item["tornado"]:
            label = _name(r, lang) + (
                "" if r["group_index"] == index_id else f" ({t(r['group_index'], lang)})"
            )
            cells = {}
            for side, title in (("down", down), ("up", up)):
                d, se = r[f"delta_p_both_{side}"], r[f"se_delta_p_both_{side}"]
                bars.append(
                    {
                        "group": label,
                        "side": title,
                        "delta": 100 * d,
                        "lo": 100 * (d - se),
                        "hi": 100 * (d + se),
                    }
                )
                p = percent(r[f"p_both_{side}"], 1, lang).replace(" ", NBSP)
                cells[title] = f"{p} ({_change(d, se, lang)})"
            swing = (
                f"{number(100 * r['swing_p_both'], 1, lang)} ± {number(100 * r['se_swing_p_both'], 1, lang)}"
            )
            rows.append({tr("dec_group", lang): plain(label), **cells, tr("dec_swing", lang): swing})
        charts.show(charts.tornado_chart(bars, [down, up], lang))
        st.table(pd.DataFrame(rows), hide_index=True)
        b = item["brackets"]
        st.caption(
            tr(
                "dec_brackets",
                lang,
                all=_pe(b["all_done"]["p_both"], b["all_done"]["se_p_both"], lang),
                d_all=_change(b["all_done"]["delta_p_both"], b["all_done"]["se_delta_p_both"], lang),
                bau=_pe(b["bau_only"]["p_both"], b["bau_only"]["se_p_both"], lang),
                d_bau=_change(b["bau_only"]["delta_p_both"], b["bau_only"]["se_delta_p_both"], lang),
            )
        )


# ---- goal seek -------------------------------------------------------------------------------


def default_q(plan: float, best: float) -> int:
    """The default wanted probability of an index, in whole percent (1..99), that can be reached.

    Halfway between the plan's ``P(both)`` and the best its groups reach (``best``), so the answer
    says how far to go; if no whole percent lies strictly above the plan and within reach, the
    best's own whole percent (the plan already reaches it).
    """
    lo, hi = math.floor(100 * plan + 1e-9) + 1, math.floor(100 * best + 1e-9)
    q = (lo + hi + 1) // 2 if lo <= hi else hi
    return int(min(99, max(1, q)))


def _cb_goal_q(record: str, index_id: str) -> None:
    ss = st.session_state
    kept = ss.get("goal_qs")
    picks = dict(kept[1]) if kept and kept[0] == record else {}
    picks[index_id] = int(ss[f"w:goal_q:{index_id}"])
    ss["goal_qs"] = (record, picks)


def _wanted(ev: Evaluation, lang: str, index_id: str, span: dict) -> int:
    """The slider of one index's wanted probability; the user's pick holds while the levers move."""
    ss = st.session_state
    default = default_q(span["p_both_plan"], span["best_p_both"])
    kept = ss.get("goal_qs")
    picks = kept[1] if kept and kept[0] == ev.key else {}
    wanted = int(picks.get(index_id, default))
    ss[f"w:goal_q:{index_id}"] = wanted
    st.slider(
        tr("dec_goal_q", lang, index=t(index_id, lang)),
        1,
        99,
        step=1,
        format="%d %%",
        key=f"w:goal_q:{index_id}",
        on_change=_cb_goal_q,
        args=(ev.key, index_id),
        help=tr(
            "dec_goal_q_help",
            lang,
            q=default,
            plan=percent(span["p_both_plan"], 1, lang),
            best=percent(span["best_p_both"], 1, lang),
        ),
    )
    return wanted


def _render_goal(ev: Evaluation, lang: str, plan_toml: str) -> None:
    st.subheader(tr("dec_goal", lang))
    st.caption(tr("dec_goal_help", lang))
    with st.spinner("…"):
        spans = _reach(ev.key, plan_toml, ev)
    wanted = {}
    for index_id, span in spans.items():
        st.markdown(f"**{t(index_id, lang)}**")
        st.caption(
            tr(
                "dec_goal_range",
                lang,
                plan=_pe(span["p_both_plan"], span["se_plan"], lang),
                best=_pe(span["best_p_both"], span["se_best"], lang),
            )
        )
        wanted[index_id] = _wanted(ev, lang, index_id, span)
        _goal_answer(ev, lang, plan_toml, index_id, wanted)


def _goal_answer(ev: Evaluation, lang: str, plan_toml: str, index_id: str, wanted: dict[str, int]) -> None:
    with st.spinner("…"):  # one index at a time: moving one slider recomputes that index alone
        goal = _goal(ev.key, plan_toml, index_id, wanted[index_id] / 100, ev)
    item = goal["indices"][index_id]
    u = item["uniform"]
    if u["reachable"] and u["delta"] == 0:
        text = tr("dec_already", lang, p=_pe(u["p_both"], u["se"], lang))
    elif u["reachable"]:
        text = tr(
            "dec_uniform_ok",
            lang,
            d=number(100 * u["delta"], 1, lang),
            p=_pe(u["p_both"], u["se"], lang),
        )
    else:
        text = tr("dec_not_reachable", lang, p=_pe(u["best_p_both"], u["se_best"], lang))
    st.markdown(text)
    rows = []
    for r in item["by_group"]:
        if r["group_index"] != index_id:
            continue
        rows.append(
            {
                tr("dec_group", lang): plain(_name(r, lang)),
                tr("dec_planned", lang): percent(r["planned"], 0, lang).replace(" ", NBSP),
                tr("dec_level_needed", lang): (
                    percent(r["level"], 1, lang).replace(" ", NBSP) if r["reachable"] else tr("dec_no", lang)
                ),
                tr("dec_p_there", lang): _pe(r["p_both"], r["se"], lang),
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True)


# ---- budget optimiser ------------------------------------------------------------------------


def _render_optimiser(ev: Evaluation, lang: str, plan_toml: str) -> None:
    scenario = ev.scenario
    st.subheader(tr("dec_optimise", lang))
    ss = st.session_state
    default = float(scenario.budget if scenario.budget is not None else scenario.cost())
    full = scenario.with_levels({i: {g.id: 1.0 for g in p.groups} for i, p in scenario.indices.items()})
    hi = float(np.ceil(max(full.cost(), default)))  # beyond every group at 100 % money buys nothing
    plan_id = json.dumps([ss.get("origin"), scenario.name], default=str)
    budget = ss.setdefault("budgets", {}).setdefault(plan_id, default)
    ss["w:budget"] = typed(budget, lang)
    st.text_input(
        f"{tr('dec_budget', lang)} ({plain(scenario.currency)})",
        key="w:budget",
        on_change=fields.cb_budget,
        args=(plan_id, hi),
        help=tr("dec_budget_help", lang, hi=typed(hi, lang)),
    )
    with st.spinner(tr("dec_optimising", lang, n=number(ev.unc.draws, 0, lang))):
        opt = _optimised(ev.key, plan_toml, float(budget), ev)
    fresh = opt["fresh"]
    if fresh is None:
        st.caption(tr("dec_no_fresh", lang))
        fresh = _selection_figures(opt)
    else:
        st.caption(
            tr(
                "dec_fresh_note",
                lang,
                n=number(opt["draws"], 0, lang),
                m=number(fresh["draws"], 0, lang),
                seed=opt["seed"],
            )
        )
    _allocation_table(opt, scenario, lang)
    cols = st.columns(len(fresh["p_both_optimised"]) or 1)
    for col, index_id in zip(cols, fresh["p_both_optimised"], strict=False):
        p, se = fresh["p_both_optimised"][index_id], fresh["se_optimised"][index_id]
        change = p - fresh["p_both_plan"][index_id]
        col.metric(
            t(index_id, lang),
            _pe(p, se, lang),
            delta=tr(
                "dec_change",
                lang,
                d=_signed(100 * change, 1, lang),
                se=number(100 * fresh["se_change"][index_id], 1, lang),
            ),
        )
    plan_p = " · ".join(
        f"{t(i, lang)} {_pe(p, fresh['se_plan'][i], lang)}" for i, p in fresh["p_both_plan"].items()
    )
    st.caption(tr("dec_p_plan", lang, values=plan_p))
    st.caption(
        tr(
            "dec_objective_line",
            lang,
            plan=_pe(fresh["objective_plan"], fresh["se_objective_plan"], lang),
            opt=_pe(fresh["objective_optimised"], fresh["se_objective_optimised"], lang),
            gain=_signed(100 * fresh["gain"], 1, lang),
            se=number(100 * fresh["se_gain"], 1, lang),
            sel=percent(opt["objective_optimised"], 1, lang),
        )
    )
    st.caption(
        tr(
            "dec_marginal",
            lang,
            cur=plain(scenario.currency),
            d=_signed(100 * fresh["marginal_value"], 2, lang),
            se=number(100 * fresh["se_marginal"], 2, lang),
        )
    )
    _frontier_chart(fresh["frontier"], float(budget), scenario.currency, lang)


def _selection_figures(opt: dict) -> dict:
    """The optimiser's own figures in the shape of a fresh estimate (a record without a seed)."""
    nan = float("nan")
    return {
        "p_both_plan": opt["p_both_plan"],
        "se_plan": opt["se_plan"],
        "p_both_optimised": opt["p_both_optimised"],
        "se_optimised": opt["mc_se"],
        "se_change": {i: nan for i in opt["p_both_plan"]},
        "objective_plan": opt["objective_plan"],
        "se_objective_plan": nan,
        "objective_optimised": opt["objective_optimised"],
        "se_objective_optimised": nan,
        "gain": opt["gain"],
        "se_gain": opt["se_gain"],
        "marginal_value": opt["marginal_value"],
        "se_marginal": opt["se_marginal"],
        "frontier": opt["frontier"],
    }


def _allocation_table(opt: dict, scenario: Scenario, lang: str) -> None:
    rows = []
    for index_id, levels in opt["allocation"].items():
        for g in scenario.indices[index_id].groups:
            rows.append(
                {
                    t("index", lang): t(index_id, lang),
                    tr("dec_group", lang): plain(g.name_vi if lang == "vi" else g.name_en),
                    tr("dec_plan_level", lang): percent(g.planned, 1, lang).replace(" ", NBSP),
                    tr("dec_opt_level", lang): percent(levels[g.id], 1, lang).replace(" ", NBSP),
                    tr("dec_cost", lang): number(float(g.cost(levels[g.id])), 2, lang),
                }
            )
    st.table(pd.DataFrame(rows), hide_index=True)


def _frontier_chart(rows: list[dict[str, Any]], budget: float, currency: str, lang: str) -> None:
    st.markdown(f"**{tr('dec_frontier', lang)}**")
    st.caption(tr("dec_frontier_help", lang))
    charts.show(charts.frontier_chart(rows, budget, currency, lang))


# ---- Sobol indices ---------------------------------------------------------------------------


def _render_sobol(ev: Evaluation, lang: str, plan_toml: str) -> None:
    st.subheader(tr("dec_sobol", lang))
    st.caption(tr("dec_sobol_meaning", lang))
    ss = st.session_state
    wanted = (ev.key, plan_toml)
    if st.button(tr("dec_sobol_button", lang, n=number(SOBOL_DRAWS, 0, lang)), key="dec_sobol_go"):
        ss["sobol_for"] = wanted
    if ss.get("sobol_for") != wanted:
        return
    with st.spinner(tr("dec_sobol_running", lang)):
        res = _sobol(ev.key, plan_toml, int(ev.unc.seed), ev.engine, ev.scenario)
    st.caption(tr("dec_sobol_note", lang, n=number(res["draws"], 0, lang), seed=res["seed"], boot=SOBOL_BOOT))
    frame = pd.DataFrame(res["rows"])
    frame = frame[frame["output"] == "both"]
    for index_id, part in frame.groupby("index", sort=False):
        st.markdown(f"**{t(index_id, lang)}**")
        part = part.sort_values("total", ascending=False)
        names = {s: tr(f"dec_src_{s}", lang) for s in SOURCES}

        def cell(v: float, lo: float, hi: float) -> str:
            v, lo, hi = (0.0 if abs(a) < 0.005 else a for a in (v, lo, hi))  # no "-0,00"
            return tr("dec_ci", lang, v=number(v, 2, lang), lo=number(lo, 2, lang), hi=number(hi, 2, lang))

        table = pd.DataFrame(
            {
                tr("dec_source", lang): part["source"].map(names),
                tr("dec_first", lang): [cell(*v) for v in part[["first", "first_lo", "first_hi"]].to_numpy()],
                tr("dec_total", lang): [cell(*v) for v in part[["total", "total_lo", "total_hi"]].to_numpy()],
            }
        )
        st.table(table, hide_index=True)
        bars = pd.concat(
            [
                pd.DataFrame(
                    {
                        "source": part["source"].map(names),
                        "kind": tr(f"dec_{kind}", lang),
                        "value": part[kind].clip(lower=0),
                        "lo": part[f"{kind}_lo"].clip(lower=0),
                        "hi": part[f"{kind}_hi"],
                    }
                )
                for kind in ("first", "total")
            ]
        )
        order = list(part["source"].map(names))
        charts.show(charts.sobol_chart(bars, order, lang))
