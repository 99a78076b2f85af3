"""The "Quyết định / Decisions" tab: tornado, goal seek, budget optimiser and frontier.

Wiring only: each heavy call is one library call wrapped in ``st.cache_data``, keyed on the
session's draws record (``Evaluation.key``: plan structure, uploaded tables, draws, seed) and the
plan's full TOML text, so no session sees another's results. Every analysis runs on the overview's
own draws (``Evaluation.unc``), so the optimiser's P(plan) is the overview's P(both). The maths lives
in ``simulator.analysis`` and ``simulator.optimize``. The app calls :func:`render` in its tab.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app import fields, state
from app.charts import finish
from app.numbers import typed
from app.state import CACHE_TTL, Evaluation
from app.text import plain
from simulator.analysis import goal_seek, tornado
from simulator.engine import Engine, Uncertainties
from simulator.labels import number, percent, prob_with_error, t
from simulator.optimize import optimise
from simulator.outcomes import mc_se
from simulator.response import Response
from simulator.scenario import Scenario

TEXT: dict[str, dict[str, str]] = {
    "tornado": {"vi": "Mỗi nhóm nhiệm vụ đáng giá bao nhiêu?", "en": "What is each task group worth?"},
    "tornado_help": {
        "vi": "Thay đổi P(đạt cả hai mục tiêu) khi mức hoàn thành của một nhóm giảm/tăng {step} điểm % "
        "(các nhóm khác giữ theo kế hoạch), trên cùng các lần mô phỏng.",
        "en": "Change in P(both targets) when one group's completion moves {step} points down/up "
        "(the others as planned), on the same draws.",
    },
    "down": {"vi": "Giảm", "en": "Down"},
    "up": {"vi": "Tăng", "en": "Up"},
    "delta_p": {"vi": "Thay đổi P(đạt cả hai), điểm %", "en": "Change in P(both), points"},
    "group": {"vi": "Nhóm nhiệm vụ", "en": "Task group"},
    "brackets": {
        "vi": "Hai cận: tất cả nhóm hoàn thành 100 %: {all}; chỉ như hiện trạng: {bau}.",
        "en": "Brackets: every group 100 % done: {all}; nothing beyond BAU: {bau}.",
    },
    "goal": {"vi": "Cần làm bao nhiêu để đạt?", "en": "What does it take?"},
    "goal_q": {"vi": "Xác suất mong muốn đạt cả hai mục tiêu", "en": "Wanted probability of both targets"},
    "goal_q_help": {
        "vi": "Mặc định {q} %: mức cao nhất (bội số của 5) mà mọi chỉ số đều đạt được khi các nhóm "
        "của chỉ số đó hoàn thành 100 %.",
        "en": "Default {q} %: the highest multiple of 5 that every index can reach with its own groups "
        "at 100 %.",
    },
    "uniform_ok": {
        "vi": "Tăng đều mọi nhóm thêm {d} điểm % so với kế hoạch → P = {p}.",
        "en": "Raise every group {d} points over the plan → P = {p}.",
    },
    "already": {"vi": "Kế hoạch hiện tại đã đạt: P = {p}.", "en": "The plan already reaches it: P = {p}."},
    "not_reachable": {
        "vi": "Không đạt được bằng các nhóm nhiệm vụ này; cao nhất P = {p} (mọi nhóm 100 %).",
        "en": "Not reachable by these levers; the best is P = {p} (every group at 100 %).",
    },
    "level_needed": {"vi": "Mức cần (một mình nhóm này)", "en": "Level needed (this group alone)"},
    "planned": {"vi": "Kế hoạch", "en": "Planned"},
    "no": {"vi": "không đạt (tối đa {p})", "en": "not reachable (best {p})"},
    "budget": {"vi": "Ngân sách", "en": "Budget"},
    "budget_help": {
        "vi": "Từ 0 đến {hi} (chi phí khi mọi nhóm hoàn thành 100 %). Gõ 54,5 hoặc 54.5.",
        "en": "From 0 to {hi} (the cost of every group at 100 %). Type 54.5 or 54,5.",
    },
    "optimise": {"vi": "Phân bổ ngân sách tốt nhất", "en": "Where money goes furthest"},
    "opt_note": {
        "vi": "Tối ưu trên {n} lần mô phỏng; sai số Monte Carlo của xác suất ≈ ± {se} điểm %.",
        "en": "Optimised on {n} draws; Monte Carlo error of the probabilities ≈ ± {se} points.",
    },
    "plan_level": {"vi": "Kế hoạch", "en": "Plan"},
    "opt_level": {"vi": "Tối ưu", "en": "Optimised"},
    "cost": {"vi": "Chi phí", "en": "Cost"},
    "p_plan": {
        "vi": "P(đạt cả hai) theo kế hoạch, trên cùng bộ số ngẫu nhiên với Tổng quan: {values}.",
        "en": "P(both) of the plan, on the Overview's own draws: {values}.",
    },
    "p_opt": {"vi": "P(đạt cả hai) sau tối ưu", "en": "P(both), optimised"},
    "marginal": {
        "vi": "Thêm 1 {cur} ngân sách: mục tiêu chung tăng {d} điểm %.",
        "en": "One more {cur} of budget: the objective rises {d} points.",
    },
    "frontier": {
        "vi": "Đường biên hiệu quả: ngân sách → xác suất tốt nhất",
        "en": "Efficient frontier: budget → best probability",
    },
    "objective": {"vi": "P(đạt cả hai), trung bình có trọng số", "en": "P(both), weighted mean"},
}


def tr(key: str, lang: str, **kw: Any) -> str:
    entry = TEXT[key]
    return entry.get(lang, entry["en"]).format(**kw)


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _analyses(
    draws_key: str,
    plan_toml: str,
    q: float,
    _engine: Engine,
    _scenario: Scenario,
    _unc: Uncertainties,
) -> tuple[dict, dict]:
    resp = Response.build(_engine, _unc, _scenario)
    return (
        tornado(_engine, _unc, _scenario, response=resp).to_dict(),
        goal_seek(_engine, _unc, _scenario, q=q, response=resp).to_dict(),
    )


@st.cache_data(show_spinner=False, max_entries=32, ttl=CACHE_TTL)
def _optimised(
    draws_key: str, plan_toml: str, budget: float, _engine: Engine, _scenario: Scenario, _unc: Uncertainties
) -> dict:
    return optimise(_engine, _unc, _scenario, budget=budget).to_dict()


def reachable_q(best: float) -> int:
    """The default wanted probability, in percent: the highest multiple of 5 below ``best`` (5..95).

    ``best`` is the lowest, over the indices, of P(both) with every group at 100 %: at this default
    every index's goal seek has an answer (unless even 5 % is out of reach).
    """
    return int(min(95, max(5, 5 * np.floor((100 * best - 1e-6) / 5))))


def _goal_q(ev: Evaluation, lang: str) -> float:
    ss = st.session_state
    # goal seek raises one index's own groups: its best is that index's groups at 100 %, the rest as planned
    best = [
        state.run_other(ev, ev.scenario.with_levels({i: {g.id: 1.0 for g in p.groups}})).indices[i].p_both
        for i, p in ev.scenario.indices.items()
    ]
    default = reachable_q(min(best))
    kept = ss.get("goal_q")  # (draws record, percent): the user's pick holds while levers move
    wanted = kept[1] if kept and kept[0] == ev.key else default
    ss["goal_q"] = (ev.key, wanted)
    ss["w:goal_q"] = wanted
    st.slider(
        tr("goal_q", lang),
        5,
        95,
        step=5,
        format="%d %%",
        key="w:goal_q",
        on_change=fields.cb_goal_q,
        args=(ev.key,),
        help=tr("goal_q_help", lang, q=default),
    )
    return wanted / 100


def _name(row: dict, lang: str) -> str:
    return row["name_vi"] if lang == "vi" else row["name_en"]


def render(ev: Evaluation, lang: str) -> None:
    """Draw the Decisions tab for the evaluated plan on its own draws (``ev.unc``)."""
    engine, scenario, unc = ev.engine, ev.scenario, ev.unc
    key = scenario.to_toml()
    q = _goal_q(ev, lang)
    with st.spinner("…"):
        torn, goal = _analyses(ev.key, key, q, engine, scenario, unc)
    st.subheader(tr("tornado", lang))
    st.caption(tr("tornado_help", lang, step=number(100 * torn["step"], 0, lang)))
    for index_id, item in torn["indices"].items():
        st.markdown(
            f"**{t(index_id, lang)}** — {t('p_both', lang)}: {percent(item['plan']['p_both'], 1, lang)}"
        )
        rows = []
        for r in item["tornado"]:
            label = _name(r, lang) + (
                "" if r["group_index"] == index_id else f" ({t(r['group_index'], lang)})"
            )
            rows.append({"group": label, "side": tr("down", lang), "delta": 100 * r["delta_p_both_down"]})
            rows.append({"group": label, "side": tr("up", lang), "delta": 100 * r["delta_p_both_up"]})
        order = list(dict.fromkeys(r["group"] for r in rows))
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .mark_bar()
            .encode(
                y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=520)),
                x=alt.X("delta:Q", title=tr("delta_p", lang)),
                color=alt.Color("side:N", title=None),
                tooltip=["group", "side", alt.Tooltip("delta:Q", format=".2f")],
            )
        )
        chart = finish(chart, lang, False, 24 * len(order)).properties(height=alt.Step(24))
        st.altair_chart(chart, width="stretch")
        b = item["brackets"]
        st.caption(
            tr(
                "brackets",
                lang,
                all=percent(b["all_done"]["p_both"], 1, lang),
                bau=percent(b["bau_only"]["p_both"], 1, lang),
            )
        )
    st.subheader(tr("goal", lang))

    def pe(p: float) -> str:  # a probability with its Monte Carlo error
        return prob_with_error(p, mc_se(p, unc.draws), lang)

    for index_id, item in goal["indices"].items():
        u = item["uniform"]
        if u["reachable"] and u["delta"] == 0:
            text = tr("already", lang, p=pe(u["p_both"]))
        elif u["reachable"]:
            text = tr("uniform_ok", lang, d=number(100 * u["delta"], 1, lang), p=pe(u["p_both"]))
        else:
            text = tr("not_reachable", lang, p=pe(u["best_p_both"]))
        st.markdown(f"**{t(index_id, lang)}**: {text}")
        table = pd.DataFrame(
            [
                {
                    tr("group", lang): _name(r, lang),
                    tr("planned", lang): percent(r["planned"], 0, lang),
                    tr("level_needed", lang): (
                        percent(r["level"], 1, lang)
                        if r["reachable"]
                        else tr("no", lang, p=pe(r["best_p_both"]))
                    ),
                }
                for r in item["by_group"]
                if r["group_index"] == index_id
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
    _render_optimiser(ev, lang, key)


def _render_optimiser(ev: Evaluation, lang: str, key: str) -> None:
    engine, scenario, unc = ev.engine, ev.scenario, ev.unc
    st.subheader(tr("optimise", lang))
    ss = st.session_state
    default = float(scenario.budget if scenario.budget is not None else scenario.cost())
    full = scenario.with_levels({i: {g.id: 1.0 for g in p.groups} for i, p in scenario.indices.items()})
    hi = float(np.ceil(max(full.cost(), default)))  # beyond every group at 100 % money buys nothing
    plan = json.dumps([ss.get("origin"), scenario.name], default=str)
    budget = ss.setdefault("budgets", {}).setdefault(plan, default)
    ss["w:budget"] = typed(budget, lang)
    st.text_input(
        f"{tr('budget', lang)} ({plain(scenario.currency)})",
        key="w:budget",
        on_change=fields.cb_budget,
        args=(plan, hi),
        help=tr("budget_help", lang, hi=typed(hi, lang)),
    )
    with st.spinner("…"):
        opt = _optimised(ev.key, key, float(budget), engine, scenario, unc)
    worst = max(opt["mc_se"].values()) if opt["mc_se"] else 0.0
    st.caption(tr("opt_note", lang, n=number(unc.draws, 0, lang), se=number(100 * worst, 1, lang)))
    rows = []
    for index_id, levels in opt["allocation"].items():
        plan = scenario.indices[index_id]
        for g in plan.groups:
            rows.append(
                {
                    t("index", lang): t(index_id, lang),
                    tr("group", lang): g.name_vi if lang == "vi" else g.name_en,
                    tr("plan_level", lang): percent(g.planned, 1, lang),
                    tr("opt_level", lang): percent(levels[g.id], 1, lang),
                    tr("cost", lang): number(float(g.cost(levels[g.id])), 2, lang),
                }
            )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    plan_p = " · ".join(
        f"{t(i, lang)} {prob_with_error(p, mc_se(p, unc.draws), lang)}" for i, p in opt["p_both_plan"].items()
    )
    st.caption(tr("p_plan", lang, values=plan_p))
    cols = st.columns(len(opt["p_both_plan"]) or 1)
    for col, index_id in zip(cols, opt["p_both_plan"], strict=False):
        col.metric(
            t(index_id, lang),
            prob_with_error(opt["p_both_optimised"][index_id], opt["mc_se"][index_id], lang),
            delta=number(100 * (opt["p_both_optimised"][index_id] - opt["p_both_plan"][index_id]), 1, lang)
            + (" điểm %" if lang == "vi" else " pts"),
        )
    st.caption(
        tr("marginal", lang, cur=plain(scenario.currency), d=number(100 * opt["marginal_value"], 2, lang))
    )
    st.markdown(f"**{tr('frontier', lang)}**")
    frame = pd.DataFrame(opt["frontier"])
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("budget:Q", title=f"{tr('budget', lang)} ({scenario.currency})"),
            y=alt.Y("p_both:Q", title=tr("objective", lang), axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("budget:Q", format=".1f"), alt.Tooltip("p_both:Q", format=".1%")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"budget": [budget]})).mark_rule(strokeDash=[4, 4]).encode(x="budget:Q")
    st.altair_chart(finish(chart + rule, lang, False, 300), width="stretch")
