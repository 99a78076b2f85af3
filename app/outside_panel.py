"""The outside view of an index tab ("Góc nhìn lịch sử") and the league regime's rank-width note.

Both only render what the library returns: :func:`simulator.outside_view.outside_views` on the
screen's own draws, and :func:`simulator.rank_width.league_rank_width` for PAR INDEX and SIPAS.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import charts, insights, state
from app.i18n import tr
from app.text import plain
from simulator.labels import number, percent, prob_with_error
from simulator.outside_view import ASSUMPTION_CALIBRATION, OutsideView
from simulator.rank_width import LEAGUE_INDICES
from simulator.reference_class import ASSUMPTION_TRANSFER

BINS = 24


def reference_histogram(view: OutsideView, lang: str, big: bool = False) -> charts.Spec:
    """Counts of the reference class's gains (points) with the plan's gain as a red rule."""
    values = np.asarray(view.reference.values, dtype=float)
    lo, hi = min(values.min(), view.gain_mean), max(values.max(), view.gain_mean)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, BINS + 1)
    counts, _ = np.histogram(values, bins=edges)
    bars = [
        {"lo": float(a), "hi": float(b), "n": int(c)}
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
    base = {
        "data": {"values": bars},
        "mark": {"type": "bar", "color": charts.BAU, "opacity": 0.85},
        "encoding": {
            "x": charts.q("lo", title=charts.title_lines(tr("ov_gain_axis", lang)), bin="binned"),
            "x2": {"field": "hi"},
            "y": charts.q("n", title=tr("ov_count_axis", lang)),
            "tooltip": [charts.q("lo", format=".2f"), charts.q("hi", format=".2f"), charts.q("n")],
        },
    }
    mark = {"values": [{"g": float(view.gain_mean), "label": tr("ov_plan_mark", lang)}]}
    rule = {
        "data": mark,
        "mark": {"type": "rule", "color": charts.TARGET, "strokeWidth": 3},
        "encoding": {"x": charts.q("g")},
    }
    text = {
        "data": mark,
        "mark": {
            "type": "text",
            "color": charts.INK,
            "align": "left",
            "dx": 4,
            "dy": -6,
            "fontWeight": "bold",
        },
        "encoding": {"x": charts.q("g"), "y": {"value": 8}, "text": charts.n("label")},
    }
    return charts.finish({"layer": [base, rule, text]}, lang, big, 200)


def outside_panel(ev: state.Evaluation, index_id: str, lang: str, big: bool) -> None:
    """Histogram of the reference class with the plan's gain, base rate beside P(both), the flag."""
    view = insights.outside(ev, index_id)
    r = ev.result.indices[index_id]
    st.markdown(f"**{tr('ov_title', lang)}**")
    if view.flagged:
        st.warning(plain(view.flag_text(lang)))
    left, right = st.columns([0.6, 0.4], gap="medium")
    with left:
        charts.show(reference_histogram(view, lang, big))
    with right:
        with st.container(
            key=f"ov_gain_{index_id}"
        ):  # the longest value on screen: its own, smaller type (CSS)
            st.metric(
                tr("ov_gain", lang),
                tr(
                    "ov_gain_value",
                    lang,
                    gain=signed(view.gain_mean, 2, lang),
                    se=number(view.gain_mc_se, 3 if view.gain_mc_se < 0.005 else 2, lang),
                ),
                help=tr("mc_help", lang, draws=number(r.draws, 0, lang)),
            )
        st.caption(
            tr(
                "ov_percentile",
                lang,
                q=number(view.gain_percentile, 0, lang),
                n=number(view.reference.n, 0, lang),
            )
        )
        st.markdown(tr("ov_both", lang))
        # one under the other: side by side, a column this narrow leaves each figure too small to read
        st.metric(tr("ov_model", lang), prob_with_error(r.p_both, r.mc_se["both"], lang))
        if view.base.p_both is None:
            st.metric(tr("ov_base", lang), "–")
            why = view.base.why_vi if lang == "vi" else view.base.why
            st.caption(plain(tr("ov_base_none", lang, why=why)))
        else:
            st.metric(
                tr("ov_base", lang),
                percent(view.base.p_both, 1, lang),
                help=tr("ov_base_help", lang, n=number(view.base.n, 0, lang)),
            )
            st.caption(tr("ov_base_n", lang, n=number(view.base.n, 0, lang)))
    st.caption(plain(tr("ov_class", lang, text=view.reference.describe(lang))))
    notes = []
    if view.calibration is not None:
        q = view.calibration.percentile
        notes.append(ASSUMPTION_CALIBRATION[lang].format(q=number(q, 0, lang), top=number(100 - q, 0, lang)))
    if view.reference.borrowed_from:
        notes.append(ASSUMPTION_TRANSFER[lang])
    for note in notes:
        st.caption("⚠ " + plain(note))


def outside_line(ev: state.Evaluation, index_id: str, lang: str) -> None:
    """The outside view's verdict in one line, under every other view of the index tab: the flag
    (a gain few provinces have achieved) as a warning, else where the plan's gain stands."""
    view = insights.outside(ev, index_id)
    if view.flagged:
        st.warning(plain(view.flag_text(lang)) + " " + tr("ov_see", lang))
        return
    st.caption(
        tr(
            "ov_line",
            lang,
            gain=signed(view.gain_mean, 2, lang),
            q=number(view.gain_percentile, 0, lang),
            n=number(view.reference.n, 0, lang),
        )
    )


def signed(x: float, digits: int, lang: str) -> str:
    """A change with its sign: ``+1,20`` / ``−0,35`` (vi), ``+1.20`` / ``−0.35`` (en); zero unsigned."""
    text = number(abs(x), digits, lang)
    return text if round(abs(x), digits) == 0 else ("+" if x > 0 else "\u2212") + text


def rank_width_note(ev: state.Evaluation, index_id: str, lang: str) -> None:
    """PAR INDEX and SIPAS: how wide rank ranges are, and what the ministry's full table would buy."""
    if index_id not in LEAGUE_INDICES:
        return
    try:
        width = insights.rank_width(ev, index_id)
    except Exception as exc:  # a measurement that cannot be made must not take the tab down
        st.caption(plain(tr("width_unavailable", lang, problem=state.error_text(exc)[1])))
        return
    st.info(plain(width.message(lang)))
    n = ev.result.indices[index_id].n_units
    if width.n_units != n:
        st.caption(tr("width_other_field", lang, n_old=width.n_units, n=n))
