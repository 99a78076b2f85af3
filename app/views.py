"""The overview and the per-index tabs: levers on the left, outcomes on the right."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from app import charts, fields, insights, outside_panel, share, state
from app.i18n import tr
from app.numbers import typed
from app.text import plain
from simulator import report
from simulator.labels import INDEX_SHORT, number, percent, prob_with_error
from simulator.scenario import Scenario
from simulator.units import crosswalk, field_date

INDEX_NAMES = INDEX_SHORT
LEVEL_STEP = 0.5  # percentage points per slider step; a plan's own level is kept exactly even off this grid


def level_text(fraction: float, lang: str) -> str:
    """A completion level in percent with all its digits: ``72,5 %`` (vi), ``72.5%`` (en)."""
    text = share.percent_text(fraction)
    return f"{text.replace('.', ',')} %" if lang == "vi" else f"{text}%"


def level_format(value: float, lang: str) -> str:
    """The slider's number format: one decimal on the 0.1 grid, else as many (≤ 4) as the level has."""
    digits = next((d for d in range(1, 5) if abs(round(value, d) - value) < 1e-9), 4)
    return f"%.{digits}f %%" if lang == "vi" else f"%.{digits}f%%"


# Colours follow the theme: greys are the text colour made lighter (color-mix with currentColor),
# green and red pick a shade per theme (light-dark, driven by Streamlit's color-scheme), so the text
# keeps a contrast of at least 4.5:1 on the light and on the dark theme.
_CSS = """
<style>
.block-container {padding-top: 2.4rem; padding-bottom: 2rem; max-width: 100%;}
.stMarkdownEllipsis, .stMarkdownEllipsis *, [data-testid="stWidgetLabel"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important;}
[data-testid="stMetric"] {container-type: inline-size;}
[data-testid="stMetricValue"] {font-size: min(2.1rem, 16cqi); font-weight: 700; line-height: 1.15;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {white-space: nowrap !important;
  overflow: visible !important; text-overflow: clip !important;}
[data-testid="stMetricLabel"] {height: auto !important; min-height: 1.5rem;}
[data-testid="stMetricLabel"] p {font-size: 1.0rem; line-height: 1.3;}
[data-testid="stMetricDelta"] {font-size: 0.95rem; height: auto !important;}
[class*="st-key-big_"] [data-testid="stMetricValue"] {font-size: min(2.9rem, 16cqi);}
[class*="st-key-ov_gain_"] [data-testid="stMetricValue"] {font-size: min(2.1rem, 10.5cqi);}
[data-testid="stCaptionContainer"], .sec-row .lab, .target-line,
  [data-testid="stFileUploaderDropzoneInstructions"] small,
  [class*="st-key-w-lv-"] [data-testid="stSlider"]::after
  {color: color-mix(in srgb, currentColor 76%, transparent) !important; opacity: 1 !important;}
.stApp {--ok: #15803d; --ok: light-dark(#15803d, #4ade80);
  --bad: #b91c1c; --bad: light-dark(#b91c1c, #f87171);}
[class*="st-key-w-lv-"] {margin-bottom: 1rem;}
[class*="st-key-w-lv-"] [data-testid="stSlider"] {position: relative;}
[class*="st-key-w-lv-"] [data-testid="stSlider"]::before {content: ""; position: absolute;
  left: var(--bau); top: calc(100% - 0.625rem); height: 0.5rem; border-left: 2px solid currentColor;
  pointer-events: none;}
[class*="st-key-w-lv-"] [data-testid="stSlider"]::after {content: var(--bau-text); position: absolute;
  left: var(--bau); top: calc(100% - 0.0625rem); transform: translateX(-50%); font-size: 0.72rem;
  white-space: nowrap; line-height: 1rem; font-weight: 600; pointer-events: none;}
[data-testid="stAppDeployButton"] {display: none;}
.st-key-field_split [data-testid="stHorizontalBlock"] {flex-wrap: wrap;}
[data-testid="stButtonGroup"] > div {flex-wrap: wrap; row-gap: 0.25rem;}
.st-key-field_split [data-testid="stColumn"] {flex: 1 1 34rem !important; min-width: min(100%, 34rem);}
[data-testid="stTab"][aria-selected="true"] {color: light-dark(rgb(207, 66, 80), #f0808c);}
h2 {font-size: 1.6rem !important; padding-top: 0.2rem !important;}
[data-testid="stSlider"] label p {font-size: 0.9rem;}
.sec-row {display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline;
  gap: 0 0.5rem; border-top: 1px solid rgba(128, 128, 128, 0.2); padding: 0.35rem 0.1rem;}
.sec-row .lab {font-size: 0.95rem; flex: 1 1 8em;}
.sec-row .num {display: flex; flex-direction: column; align-items: flex-end; margin-left: auto;}
.sec-row .val {font-size: 1.35rem; font-weight: 700; white-space: nowrap;}
.sec-row .dlt {font-size: 0.85rem; color: var(--ok); white-space: nowrap;}
.sec-row .dlt.neg {color: var(--bad);}
.idx-box {container-type: inline-size;}
.idx-head {font-size: min(1.35rem, 7.5cqi); font-weight: 700; margin: 0 0 0.1rem 0; line-height: 1.25;}
.target-line {font-size: 0.95rem; margin-bottom: 0.2rem;}
</style>
"""

_PRESENT = """
<style>
html {font-size: 19px;}
section[data-testid="stSidebar"], header[data-testid="stHeader"] {display: none;}
.block-container {padding-top: 0.8rem;}
[data-testid="stMetricValue"] {font-size: min(2.3rem, 16cqi);}
[class*="st-key-big_"] [data-testid="stMetricValue"] {font-size: min(3.2rem, 16cqi);}
[class*="st-key-ov_gain_"] [data-testid="stMetricValue"] {font-size: min(2.3rem, 10.5cqi);}
[data-testid="stMetricLabel"] p {font-size: 1.25rem;}
[data-testid="stMetricDelta"] {font-size: 1.15rem;}
[class*="st-key-w-lv-"] [data-testid="stSlider"]::after {font-size: 0.9rem;}
.sec-row .lab {font-size: 1.2rem;} .sec-row .val {font-size: 1.8rem;} .sec-row .dlt {font-size: 1.05rem;}
h2 {font-size: 1.5rem !important; padding: 0 !important;}
.idx-head {font-size: min(1.6rem, 7.5cqi);}
.target-line {font-size: 1.1rem;}
[data-testid="stTab"] p {font-size: 1.2rem;}
</style>
"""


def inject_css(present: bool, plan: Scenario, lang: str) -> None:
    """The page's CSS, with the "Hiện trạng" marks of ``plan``'s levers (see :func:`bau_marks_css`)."""
    st.markdown(_CSS + (_PRESENT if present else "") + bau_marks_css(plan, lang), unsafe_allow_html=True)


def bau_marks_css(plan: Scenario, lang: str) -> str:
    """Under each lever's track, a tick and the word "Hiện trạng" at the group's BAU level.

    Drawn by CSS on the slider (its ``::before`` and ``::after``, placed by ``--bau``) from the page,
    not by an element beside each slider inside the tab: a lever's move then re-renders eight
    elements fewer. The position is the slider track's: 0.375rem in from each side of the widget.
    The word is ours (the translation table) and the class is Streamlit's for the widget's key (each
    character outside ``[A-Za-z0-9_-]`` becomes "-"): no user text reaches the CSS.
    """
    rules = [f".stApp {{--bau-text: {json.dumps(tr('bau_short', lang), ensure_ascii=False)};}}"]
    for index_id, index in plan.indices.items():
        for g in index.groups:
            css_class = "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", state.lever_key(index_id, g.id))
            rules.append(f".{css_class} {{--bau: calc(0.375rem + (100% - 0.75rem) * {g.bau:.6g});}}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def _delta(plan, bau, key: str, lang: str) -> str | int:
    d, se = report.paired_delta(plan, bau, key)
    if d == 0:
        return 0
    sign = "+" if d > 0 else "-"
    return tr("delta", lang, sign=sign, value=number(abs(100 * d), 1, lang), se=number(100 * se, 1, lang))


def metrics(ev: state.Evaluation, index_id: str, lang: str, *, stacked: bool = False) -> None:
    """P(score), P(rank), P(both) in big type, each with ± MC error and its change vs BAU."""
    r, b = ev.result.indices[index_id], ev.bau.indices[index_id]
    plan = ev.scenario.indices[index_id]
    help_text = tr("mc_help", lang, draws=number(r.draws, 0, lang))
    items = [
        ("both", tr("metric_p_both", lang)),
        ("score", tr("metric_p_score", lang, target=report.score_text(r.target_score, plan, lang))),
        ("rank", tr("metric_p_rank", lang, rank=r.target_rank)),
    ]
    if stacked:
        with st.container(key=f"big_{index_id}"):
            _metric(r, b, *items[0], lang, help_text)
        rows = []
        for key, text in items[1:]:
            d = _delta(r, b, key, lang)
            neg = isinstance(d, str) and d.startswith("-")
            shown = prob_with_error(getattr(r, f"p_{key}"), r.mc_se[key], lang)
            rows.append(
                f'<div class="sec-row"><span class="lab">{text}</span>'
                f'<span class="num"><span class="val">{shown}</span> '
                f'<span class="dlt{" neg" if neg else ""}">{"" if d == 0 else d}</span></span></div>'
            )
        st.markdown("".join(rows), unsafe_allow_html=True)
        return
    cols = st.columns(3)
    for col, item in zip(cols, items[1:] + items[:1], strict=True):
        with col:
            _metric(r, b, *item, lang, help_text)
    st.caption(tr("delta_note", lang))


def _metric(r, b, key: str, text: str, lang: str, help_text: str) -> None:
    st.metric(
        text,
        prob_with_error(getattr(r, f"p_{key}"), r.mc_se[key], lang),
        delta=_delta(r, b, key, lang),
        help=help_text,
        border=True,
    )


def _expected_line(ev: state.Evaluation, index_id: str, lang: str) -> str:
    r, b = ev.result.indices[index_id], ev.bau.indices[index_id]
    plan = ev.scenario.indices[index_id]
    q = r.score_quantiles()
    return tr(
        "expected",
        lang,
        score=report.score_text(q["mean"], plan, lang),
        lo=number(q["p05"], 1, lang),
        hi=number(q["p95"], 1, lang),
        rank=number(r.expected_rank, 1, lang),
        n=r.n_units,
        bscore=report.score_text(b.score_quantiles()["mean"], plan, lang),
        brank=number(b.expected_rank, 1, lang),
    )


def assumptions_of(ev: state.Evaluation, index_id: str, lang: str) -> list[str]:
    return report.assumptions(
        ev.scenario,
        index_id,
        forecast_notes=ev.engine.forecasts[index_id].assumptions,
        components_assumed=ev.result.indices[index_id].components_assumed,
        lang=lang,
    )


def target_kind_line(plan, lang: str) -> None:  # type: ignore[no-untyped-def]
    """A relative target (up k places, out of the bottom group, grade, no worse) in plain words."""
    if plan.target is not None and plan.target.kind != "absolute":
        st.caption(tr("target_kind", lang, text=plan.target.describe(lang)))


def predecessors_chart(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """A merged unit's former provinces side by side, with the combined series."""
    merger = next((m for m in crosswalk() if m.name == ev.scenario.province), None)
    if merger is None or not merger.merged or field_date(ev.scenario.year) < merger.effective:
        return
    frame = insights.predecessors(ev, index_id, merger.name)
    cols = [f"{p} score" for p in merger.predecessors]
    long = frame.melt(id_vars="year", value_vars=[*cols, "combined"], var_name="series", value_name="score")
    names = {f"{p} score": p for p in merger.predecessors} | {"combined": tr("c_combined", lang)}
    long["series"] = long["series"].map(names)
    st.markdown(f"**{tr('predecessors', lang, unit=plain(merger.name))}**")
    charts.show(charts.predecessors_chart(long.dropna(subset=["score"]), lang, big))


def overview_tab(ev: state.Evaluation, lang: str, big: bool) -> None:
    st.caption(tr("overview_intro", lang, year=ev.scenario.year))
    cols = st.columns(len(ev.result.indices), gap="medium")
    for col, (index_id, r) in zip(cols, ev.result.indices.items(), strict=True):
        plan = ev.scenario.indices[index_id]
        with col, st.container(border=True):
            target = report.score_text(r.target_score, plan, lang)
            st.markdown(
                f'<div class="idx-box"><div class="idx-head">{report.text(index_id, lang)}</div>'
                f'<div class="target-line">{tr("target_line", lang, score=target, rank=r.target_rank)}</div>'
                "</div>",
                unsafe_allow_html=True,
            )
            if not big:  # on the projector the headline comes first, the plan's wording of the target after
                target_kind_line(plan, lang)
            metrics(ev, index_id, lang, stacked=True)
            if big:
                target_kind_line(plan, lang)
            st.caption(_expected_line(ev, index_id, lang))
    left, right = st.columns([0.55, 0.45], gap="large")
    with left:
        rows = [
            dict(
                index=INDEX_NAMES[i],
                series=tr(name, lang),
                p=res.indices[i].p_both,
                se=res.indices[i].mc_se["both"],
            )
            for i in ev.result.indices
            for name, res in (("c_plan", ev.result), ("c_bau", ev.bau))
        ]
        st.markdown(f"**{tr('p_both_chart', lang)}**")
        colors = [charts.PLAN, charts.BAU]
        charts.show(charts.probability_bars(pd.DataFrame(rows), lang, big, colors))
    with right:
        s = ev.scenario
        cur = plain(s.currency)
        budget = tr("budget_of", lang, budget=f"{number(s.budget, 1, lang)} {cur}") if s.budget else ""
        st.markdown(tr("cost_line", lang, cost=f"{number(s.cost(), 1, lang)} {cur}", budget=budget))
        st.caption(tr("mc_help", lang, draws=number(ev.unc.draws, 0, lang)))
        if s.notes_for(lang):
            st.markdown(f"**{tr('plan_notes', lang)}**")
            st.caption(plain(s.notes_for(lang)))
        with st.expander(tr("all_assumptions", lang)):
            for index_id in ev.result.indices:
                st.markdown(f"**{report.text(index_id, lang)}**")
                st.markdown("\n".join(f"- {plain(a)}" for a in assumptions_of(ev, index_id, lang)))


def _levers(ev: state.Evaluation, index_id: str, lang: str) -> None:
    ss = st.session_state
    base = ss["plan"].indices[index_id]
    lo, hi = base.spec.bounds
    n_units = ev.result.indices[index_id].n_units
    st.markdown(f"##### {tr('targets', lang)}")
    target_kind_line(ev.scenario.indices[index_id], lang)
    c1, c2 = st.columns(2)
    score, rank = ss["targets"][index_id]
    ss[f"w:ts:{index_id}"], ss[f"w:tr:{index_id}"] = typed(score, lang), int(rank)
    c1.text_input(
        tr("target_score", lang),
        key=f"w:ts:{index_id}",
        help=tr("typed_help", lang, lo=typed(lo, lang), hi=typed(hi, lang)),
        on_change=fields.cb_target,
        args=(index_id,),
    )
    c2.number_input(
        tr("target_rank", lang),
        min_value=1,
        max_value=n_units,
        step=1,
        key=f"w:tr:{index_id}",
        on_change=fields.cb_target,
        args=(index_id,),
    )
    st.markdown(f"##### {tr('levers', lang)}")
    scenario = ev.scenario.indices[index_id]
    box = st.container(height=640 if ss.get("present") else 520, border=False)
    for n, g in enumerate(base.groups, start=1):
        key = state.lever_key(index_id, g.id)
        level = ss["levels"][index_id][g.id]
        ss[key] = float(share.percent_text(level))  # exactly the plan's level, in percent
        name = g.name_vi if lang == "vi" else g.name_en
        cost = f"{number(scenario.groups[n - 1].cost(level), 2, lang)} {ev.scenario.currency}"
        box.slider(
            f"{n}. {plain(name)} · {tr('bau_short', lang)} {percent(g.bau, 0, lang)}",
            min_value=0.0,
            max_value=100.0,
            step=LEVEL_STEP,
            format=level_format(ss[key], lang),
            key=key,
            on_change=state.cb_lever,
            args=(index_id, g.id),
            help=tr(
                "slider_help",
                lang,
                bau=percent(g.bau, 0, lang),
                rel=percent(g.reliability, 0, lang),
                weights=", ".join(f"{plain(k)} {number(v, 2, lang)}" for k, v in g.weights.items()),
                cost=plain(cost),
            ),
        )
    b1, b2 = st.columns(2)
    b1.button(tr("all_bau", lang), key=f"bau_{index_id}", on_click=state.cb_all_bau, args=(index_id,))
    b2.button(tr("reset_plan", lang), key=f"reset_{index_id}", on_click=state.cb_reset, args=(index_id,))


VIEWS = ("dist", "history", "components", "outside")  # what the index tab shows under its headline


def index_tab(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """Levers on the left; on the right the headline, then one view the planner picks.

    One view at a time (the distributions first): on a 1280×720 projector only the headline and
    one pair of charts fit anyway, and a lever's move then redraws two charts instead of seven
    (the browser's drawing is most of a move's time). Whatever the view, the outside view's
    verdict on the plan's gain stays on screen in one line.
    """
    left, right = st.columns([0.34, 0.66], gap="large")
    with right:  # the headline first: after a lever's move it reaches the screen before the rest
        metrics(ev, index_id, lang)
        st.caption(_expected_line(ev, index_id, lang))
    with left:
        _levers(ev, index_id, lang)
    with right:
        year = ev.scenario.year
        view = fields.choice(
            f"view_{index_id}", VIEWS, tr("view_pick", lang), lambda v: tr(f"view_{v}", lang, year=year)
        )
        if view == "outside":
            with st.container(border=True):
                outside_panel.outside_panel(ev, index_id, lang, big)
        else:
            {"dist": _distributions, "history": _history, "components": _components}[view](
                ev, index_id, lang, big
            )
            outside_panel.outside_line(ev, index_id, lang)
        notes = assumptions_of(ev, index_id, lang)
        box = fields.lazy_expander("⚠ " + tr("assumptions_n", lang, n=len(notes)), f"assumptions_{index_id}")
        if box.open:
            with box:
                st.markdown("\n".join(f"- {plain(a)}" for a in notes))
                st.markdown(f"**{tr('groups_assumptions', lang)}**")
                table = levels_table(ev.scenario, index_id, lang)
                widths = (260, 140, 140, 230, 400, 180)  # pixels: the names and weights are long texts
                config = {c: st.column_config.Column(width=w) for c, w in zip(table, widths, strict=True)}
                st.dataframe(table, hide_index=True, column_config=config)


def levels_table(scenario: Scenario, index_id: str, lang: str) -> pd.DataFrame:
    """An index's task groups as the assumptions table shows them: the columns named in ``lang``
    (units in the header), the numbers written the ``lang`` way as text (the table's cells are
    drawn by the browser in its own locale otherwise), and no internal ids."""
    frame = report.levels_frame(scenario, lang)
    rows = frame[frame["index"] == index_id]

    def header(column: str) -> str:  # the workbook's "task_groups" sheet's
        return report.column_header("task_groups", column, lang)

    return pd.DataFrame(
        {
            tr("col.name", lang): list(rows["name"]),  # a table's cell is text, never markdown
            **{
                header(c): [level_text(x, lang).rstrip(" %") for x in rows[c]]
                for c in ("bau", "planned", "reliability")
            },
            header("weights"): list(rows["weights"]),
            f"{header('cost')}, {scenario.currency}": [number(c, 2, lang) for c in rows["cost"]],
        }
    )


def _distributions(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """Next year's score and rank, plan against the status quo, and how wide ranks are."""
    r, b = ev.result.indices[index_id], ev.bau.indices[index_id]
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{tr('score_dist', lang, year=ev.scenario.year)}**")
        charts.show(charts.score_chart(report.score_histogram(r, b), r.target_score, lang, big))
    with c2:
        st.markdown(f"**{tr('rank_dist', lang, year=ev.scenario.year, k=r.target_rank)}**")
        charts.show(charts.rank_chart(report.rank_frame(r, b), r.target_rank, lang, big))
    outside_panel.rank_width_note(ev, index_id, lang)


def _history(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """Past scores and ranks with the forecast's fan; a merged unit's former provinces."""
    r, b = ev.result.indices[index_id], ev.bau.indices[index_id]
    past = ev.histories[index_id].unit_series(ev.scenario.province)
    fan = report.fan_frame(past, ev.scenario.year, r, b)
    c3, c4 = st.columns(2)
    with c3:
        st.markdown(f"**{tr('history', lang)}**")
        charts.show(charts.fan_chart(fan, "score", r.target_score, r.n_units, lang, big))
    with c4:
        st.markdown(f"**{tr('rank_history', lang)}**")
        charts.show(charts.fan_chart(fan, "rank", r.target_rank, r.n_units, lang, big))
    if past.dropna(subset=["score"]).empty:
        st.caption(tr("no_history", lang))
    predecessors_chart(ev, index_id, lang, big)


def _components(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """Expected points of each field / dimension, plan against the status quo."""
    r = ev.result.indices[index_id]
    st.markdown(f"**{tr('components', lang)}**")
    charts.show(
        charts.components_chart(report.components_frame(r, ev.scenario.indices[index_id], lang), lang, big)
    )
    if r.components_assumed:
        st.caption(tr("components_assumed", lang))
