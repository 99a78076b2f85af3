"""The field view ("Toàn cảnh"): every unit's chance of each rank band and of reaching a score.

What the ministry sees, and what a planner's rivals face: :func:`simulator.standings.field_standings`
for one index and year, as a table (each probability with its Monte Carlo error) and a heatmap,
the plan's own unit highlighted. For PAR INDEX and SIPAS each unit's 90 % rank range is set against
a blind guess (:func:`simulator.rank_width.league_rank_width`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app import charts, fields, insights, state
from app.i18n import tr
from app.numbers import typed
from app.text import plain
from app.views import INDEX_NAMES
from simulator.errors import InputError
from simulator.labels import assumption_text, number, percent, prob_with_error
from simulator.outcomes import mc_se
from simulator.rank_width import LEAGUE_INDICES
from simulator.standings import YEARS, Standings
from simulator.units import units_for_year

HIGHLIGHT = "#fde68a"
INK_ON_HIGHLIGHT = "#1b2733"  # dark text on the yellow row on either theme (12:1)


def band_label(band: str, lang: str) -> str:
    """``top5`` → "Nhóm 5 đầu" / "Top 5"; ``bottom10`` → "Nhóm 10 cuối" / "Bottom 10"."""
    k = band.removeprefix("top").removeprefix("bottom")
    return tr("band_top" if band.startswith("top") else "band_bottom", lang, k=k)


def focal_unit(province: str, year: int) -> str | None:
    """The plan's unit as named in ``year``'s field, or None when it did not exist then."""
    try:
        return units_for_year(year).resolve(province)
    except InputError:
        return None


def _columns(s: Standings, lang: str) -> dict[str, np.ndarray]:
    cols = {band_label(b, lang): p for b, p in s.bands().items()}
    if s.p_score is not None:
        cols[tr("field_p_score", lang, score=number(s.threshold, 2, lang))] = s.p_score
    return cols


def table(s: Standings, lang: str, focal: str | None, widths: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unit, best expected rank first; probabilities as ``45,7 % ± 0,4`` (MC error)."""
    order = np.argsort(s.expected_rank(), kind="stable")
    out = pd.DataFrame(
        {
            tr("field_unit", lang): [s.units[j] for j in order],
            tr("field_rank", lang): [number(v, 1, lang) for v in s.expected_rank()[order]],
            tr("field_score", lang): [
                f"{number(s.score_mean[j], 2, lang)} ({number(s.score_q[0, j], 1, lang)}–"
                f"{number(s.score_q[2, j], 1, lang)})"
                for j in order
            ],
        }
    )
    for name, p in _columns(s, lang).items():
        out[name] = [prob_with_error(float(p[j]), mc_se(float(p[j]), s.draws), lang) for j in order]
    if widths is not None:
        by_unit = widths.set_index("unit")
        out[tr("field_width", lang)] = [
            tr(
                "width_cell",
                lang,
                lo=int(by_unit.at[u, "rank_p05"]),
                hi=int(by_unit.at[u, "rank_p95"]),
                share=percent(float(by_unit.at[u, "share_of_uniform"]), 0, lang),
            )
            if u in by_unit.index
            else "–"
            for u in out[tr("field_unit", lang)]
        ]
    return out


def heatmap(s: Standings, lang: str, focal: str | None, big: bool = False) -> charts.Spec:
    """Units (rows, best expected rank first) × bands (columns), coloured by probability."""
    order = [s.units[j] for j in np.argsort(s.expected_rank(), kind="stable")]
    cols = _columns(s, lang)
    rows = [
        {
            "unit": u,
            "band": name,
            "p": float(p[j]),
            "shown": percent(float(p[j]), 1, lang),
            "with_error": prob_with_error(float(p[j]), mc_se(float(p[j]), s.draws), lang),
        }
        for name, p in cols.items()
        for j, u in enumerate(s.units)
    ]
    y = charts.n("unit", sort=order, title=None, axis={"labelLimit": 160, "labelOverlap": False})
    x = charts.n(
        "band", sort=list(cols), title=None, axis={"labelAngle": -30, "orient": "top", "labelOverlap": False}
    )
    cells = {
        "data": {"values": rows},
        "mark": {"type": "rect"},
        "encoding": {
            "x": x,
            "y": y,
            "color": charts.q("p", scale={"domain": [0, 1], "scheme": "blues"}, title=tr("field_prob", lang)),
            "tooltip": [
                charts.n("unit", title=tr("field_unit", lang)),
                charts.n("band", title=" "),
                charts.n("with_error", title=tr("field_prob", lang)),
            ],
        },
    }
    text = {
        "data": {"values": rows},
        "mark": {"type": "text", "fontSize": 10},
        "encoding": {
            "x": x,
            "y": y,
            "text": charts.n("shown"),
            "color": {"condition": {"test": "datum.p > 0.55", "value": "white"}, "value": "#1b2733"},
        },
    }
    layers = [cells, text]
    if focal in s.units:
        layers.append(
            {
                "data": {"values": [{"unit": focal}]},
                "mark": {"type": "rect", "fill": None, "stroke": charts.TARGET, "strokeWidth": 3},
                "encoding": {"y": y},
            }
        )
    return charts.finish({"layer": layers}, lang, big, 26 * s.n_units)  # rows as tall as two-tier vi labels


def render(ev: state.Evaluation, lang: str, big: bool) -> None:
    ss = st.session_state
    st.caption(tr("field_intro", lang))
    c1, c2, c3 = st.columns([0.3, 0.3, 0.4])
    ss.setdefault("field_index", next(iter(ev.scenario.indices)))
    ss.setdefault("field_year", ev.scenario.year)
    choose = tr("choose", lang)
    index_id = c1.selectbox(
        tr("table_index", lang),
        list(INDEX_NAMES),
        key="field_index",
        format_func=INDEX_NAMES.get,
        placeholder=choose,
    )
    years = list(range(YEARS[0], YEARS[1] + 1))
    year = int(c2.selectbox(tr("year", lang), years, key="field_year", placeholder=choose))
    default = 90.0 if index_id == "par_index" else None
    plan = ev.scenario.indices.get(index_id)
    if default is None and plan is not None:
        default = plan.target_score
    key = f"w:field_score:{index_id}"
    ss.setdefault(f"field_score:{index_id}", default)
    ss[key] = "" if ss[f"field_score:{index_id}"] is None else typed(ss[f"field_score:{index_id}"], lang)
    c3.text_input(tr("field_threshold", lang), key=key, on_change=fields.cb_field_score, args=(index_id,))
    threshold = ss[f"field_score:{index_id}"]
    try:
        s = insights.standings(index_id, year, int(ss["draws"]), int(ss["seed"]), threshold)
    except Exception as exc:  # a year or index the library refuses: say why, keep the app
        st.error(plain(tr("bad_file", lang, problem=state.error_text(exc)[1])))
        return
    focal = focal_unit(ev.scenario.province, year)
    st.caption(
        tr("field_head", lang, n=s.n_units, year=year, draws=number(s.draws, 0, lang))
        + (" " + tr("field_focal", lang, unit=plain(focal)) if focal in s.units else "")
    )
    if ss.get("tables"):
        st.caption(tr("field_shipped_only", lang))
    widths = None
    if index_id in LEAGUE_INDICES:
        try:
            w = insights.rank_width_for(index_id, year)
        except Exception as exc:  # the width is a note; the table stands without it
            st.caption(plain(tr("width_unavailable", lang, problem=state.error_text(exc)[1])))
        else:
            if w.n_units == s.n_units:
                widths = w.per_unit
                st.info(plain(w.message(lang)))
            else:
                st.caption(tr("width_other_field", lang, n_old=w.n_units, n=s.n_units))
    frame = table(s, lang, focal, widths)
    unit_col = tr("field_unit", lang)

    def mark(row: pd.Series) -> list[str]:
        on = row[unit_col] == focal
        style = f"background-color: {HIGHLIGHT}; color: {INK_ON_HIGHLIGHT}; font-weight: 700"
        return [style if on else ""] * len(row)

    # side by side on a wide screen; on a projector (CSS: columns of at least 34rem) one under the other
    left, right = st.container(key="field_split").columns([0.55, 0.45], gap="large")
    with left:
        st.markdown(f"**{tr('field_table', lang)}**")
        st.dataframe(frame.style.apply(mark, axis=1), hide_index=True, height=560)
    with right:
        st.markdown(f"**{tr('field_heatmap', lang)}**")
        charts.show(heatmap(s, lang, focal, big))
    for note in s.assumptions:  # the chosen language's half of each bilingual note
        st.caption(plain(tr("field_assumption", lang, text=assumption_text(note, lang))))
