"""Vega-Lite specs of the frames built by :mod:`simulator.report` (drawing only, no model maths).

Each builder returns a plain Vega-Lite ``dict`` (the schema Streamlit's front end draws, the one
Altair ships; ``tests/test_charts.py`` validates every builder against it) with its data inline as
records, and :func:`show` draws it. No chart library runs on the server: a lever's move rebuilds
every chart of the tab, and building them as dicts costs a fraction of building and validating
Altair objects.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from app.i18n import tr

Spec = dict[str, Any]

# Drawn on the light and on the dark theme: marks keep a contrast of at least 3:1 on both (PLAN 5.4
# and 3.3, BAU 3.1 and 5.9, TARGET 5.4 and 3.3 on white and on Streamlit's dark background). Text
# and the published series use the page's own text colour (SVG ``currentColor``), so axis labels
# reach the body text's contrast (over 10:1) on either theme; tints are translucent, not pale.
PLAN = "#2b6cb0"
BAU = "#8a94a3"
TARGET = "#c0392b"
ZONE = "#16a34a"
ZONE_OPACITY = 0.16
HISTORY = "currentColor"
INK = "currentColor"
GRID = "rgba(128, 128, 128, 0.25)"
MAXIMUM = "rgba(128, 128, 128, 0.22)"
LABEL_WIDTH = 34  # characters per line of a component's name beside its bar
TITLE_WIDTH = 36  # characters per line of an axis title

# vi writes a space (here a no-break one) before the percent sign, as labels.percent does: "38 %"
_VI_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"], "percent": "\u00a0%"}
_EN_LOCALE = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]}


def show(spec: Spec) -> None:
    """Draw a spec across its column, in Streamlit's chart theme.

    The views' inline data travel as named datasets (``d0``, ``d1``, … in layer order), so the spec
    itself stays the same when a lever's move changes only the data: the browser then swaps the
    data in the chart it has instead of compiling and drawing a new one.
    """
    named = named_data(spec)
    named["datasets"] = {key: arrow(rows) for key, rows in named["datasets"].items()}
    st.vega_lite_chart(spec=named, width="stretch")


def arrow(rows: list[dict[str, Any]]) -> pa.Table:
    """Records as an Arrow table, the form Streamlit sends datasets in: built directly, a tenth of
    the time of Streamlit's own conversion of records (through pandas). Every key of every row is
    a column (a row without it has null there)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return pa.table({key: [row.get(key) for row in rows] for key in columns})


def named_data(spec: Spec) -> Spec:
    """``spec`` with each view's ``{"values": …}`` moved to top-level ``datasets`` under a fixed name."""
    datasets: dict[str, list[dict[str, Any]]] = {}
    names: dict[int, str] = {}

    def name(view: Spec) -> Spec:
        data = view.get("data")
        if not data or "values" not in data:
            return view
        key = names.setdefault(id(data), f"d{len(names)}")
        datasets[key] = data["values"]
        return {**view, "data": {"name": key}}

    out = {**name(spec)}  # a new dict: the caller's spec is left as it was
    if "layer" in out:
        out["layer"] = [name(layer) for layer in out["layer"]]
    return {**out, "datasets": datasets}


def records(rows: pd.DataFrame | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as JSON records (Python scalars; NaN becomes None, which Vega reads as null)."""
    out = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else [dict(row) for row in rows]
    for row in out:
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = None
    return out


def inline(rows: pd.DataFrame | list[dict[str, Any]]) -> Spec:
    """Inline data of a frame or of records."""
    return {"values": records(rows)}


def q(field: str, **more: Any) -> Spec:
    """A quantitative field definition."""
    return {"field": field, "type": "quantitative", **more}


def n(field: str, **more: Any) -> Spec:
    """A nominal field definition."""
    return {"field": field, "type": "nominal", **more}


def o(field: str, **more: Any) -> Spec:
    """An ordinal field definition."""
    return {"field": field, "type": "ordinal", **more}


def finish(spec: Spec, lang: str, big: bool, height: int | Spec) -> Spec:
    """The app's look: height (pixels, taller on the projector, or a step), number locale, type, colours."""
    size = 16 if big else 13
    return {
        **spec,
        "height": height + (60 if big else 0) if isinstance(height, int) else height,
        "config": {
            "locale": {"number": _VI_LOCALE if lang == "vi" else _EN_LOCALE},
            "axis": {
                "labelFontSize": size,
                "titleFontSize": size,
                "labelColor": INK,
                "titleColor": INK,
                "grid": True,
                "gridColor": GRID,
                "domainColor": BAU,
                "tickColor": BAU,
            },
            "legend": {
                "labelFontSize": size,
                "titleFontSize": size,
                "labelColor": INK,
                "titleColor": INK,
                "orient": "bottom",
                "title": None,
            },
            "text": {"color": INK},
            "view": {"strokeWidth": 0},
            # no ARIA texts of Vega's own: they are English ("X-axis titled … for a linear scale",
            # "axis", "legend", "bar"), one per bar with every field at full precision; the chart's
            # title is the text above it and its data are in the chart's "Xem dữ liệu" table
            "aria": False,
            "mark": {"aria": False},
        },
    }


def title_lines(text: str, width: int = TITLE_WIDTH) -> list[str] | str:
    """An axis title that is too long for a narrow chart, as lines (Vega draws a list as lines)."""
    lines = textwrap.wrap(text, width)
    return lines if len(lines) > 1 else text


def _series_color(lang: str, history: bool = False, **legend: Any) -> Spec:
    domain, colors = [tr("c_plan", lang), tr("c_bau", lang)], [PLAN, BAU]
    if history:
        domain, colors = [*domain, tr("c_history", lang)], [*colors, HISTORY]
    return n("series", scale={"domain": domain, "range": colors}, legend={"title": None, **legend})


def score_chart(hist: pd.DataFrame, target: float, lang: str, big: bool = False) -> Spec:
    """Share of draws per score bin: plan bars, BAU outline, target rule."""
    data = hist.assign(series=hist["series"].map({"plan": tr("c_plan", lang), "bau": tr("c_bau", lang)}))
    y = q("share", title=tr("c_share", lang), axis={"format": "%"})
    color = _series_color(lang)
    bars = {
        "data": inline(data[data["series"] == tr("c_plan", lang)]),
        "mark": {"type": "bar", "opacity": 0.85},
        "encoding": {
            "x": q("lo", title=tr("c_score", lang), scale={"zero": False}),
            "x2": {"field": "hi"},
            "y": y,
            "y2": {"datum": 0},
            "color": color,
            "tooltip": [q("share", format=".1%")],
        },
    }
    bau = {
        "data": inline(data[data["series"] == tr("c_bau", lang)]),
        "mark": {"type": "line", "interpolate": "step", "strokeWidth": 2},
        "encoding": {"x": q("mid"), "y": y, "color": color},
    }
    rule = {
        "data": {"values": [{"t": target}]},
        "mark": {"type": "rule", "color": TARGET, "strokeWidth": 3},
        "encoding": {"x": q("t")},
    }
    label = {
        "data": {"values": [{"t": target, "text": tr("c_target", lang)}]},
        "mark": {
            "type": "text",
            "color": INK,
            "fontWeight": "bold",
            "align": "left",
            "dx": 4,
            "dy": -4,
            "baseline": "top",
            "fontSize": 14 if big else 12,
        },
        "encoding": {"x": q("t"), "y": {"value": 0}, "text": n("text")},
    }
    return finish({"layer": [bars, bau, rule, label]}, lang, big, 230)


def rank_chart(frame: pd.DataFrame, target_rank: int, lang: str, big: bool = False) -> Spec:
    """P(rank = r): plan bars, BAU step line, the target zone 1..k shaded."""
    count = int(frame["rank"].max())
    x_scale = {"domain": [0.5, count + 0.5], "nice": False}
    zone = {
        "data": {"values": [{"a": 0.5, "b": target_rank + 0.5}]},
        "mark": {"type": "rect", "color": ZONE, "opacity": ZONE_OPACITY},
        "encoding": {"x": q("a", scale=x_scale), "x2": {"field": "b"}},
    }
    y = q("p", title=tr("c_prob", lang), axis={"format": "%"})
    color = _series_color(lang)
    long = frame.melt(id_vars=["rank", "in_target"], value_vars=["plan", "bau"], var_name="s", value_name="p")
    long["series"] = long["s"].map({"plan": tr("c_plan", lang), "bau": tr("c_bau", lang)})
    bars = {
        "data": inline(long[long["s"] == "plan"]),
        "mark": {"type": "bar", "width": {"band": 0.8}},
        "encoding": {
            "x": q("rank", title=tr("c_rank", lang), scale=x_scale),
            "y": y,
            "color": color,
            "tooltip": [q("rank"), q("p", format=".1%")],
        },
    }
    bau = {
        "data": inline(long[long["s"] == "bau"]),
        "mark": {"type": "line", "interpolate": "step", "strokeWidth": 2},
        "encoding": {"x": q("rank", scale=x_scale), "y": y, "color": color},
    }
    return finish({"layer": [zone, bars, bau]}, lang, big, 230)


def fan_chart(
    fan: pd.DataFrame, measure: str, target: float, n_units: int, lang: str, big: bool = False
) -> Spec:
    """Published values, then the target year's 90 % band (BAU and plan) as a fan, and the target."""
    data = fan[fan["measure"] == measure].copy()
    names = {"plan": tr("c_plan", lang), "bau": tr("c_bau", lang), "history": tr("c_history", lang)}
    data["series"] = data["series"].map(names)
    title = tr("c_score", lang) if measure == "score" else tr("c_rank", lang)
    if measure == "rank":  # a merged field ranks fewer units than the published years did: show both
        worst = max(n_units, int(data[["lo", "mid", "hi"]].max().max(skipna=True) if len(data) else n_units))
        y_scale: Spec = {"domain": [worst, 1], "nice": False}
    else:
        y_scale = {"zero": False}
    x = o("year", title=tr("c_year", lang), axis={"labelAngle": 0, "labelOverlap": "greedy"})
    color = _series_color(lang, True, direction="vertical")
    bands = inline(data[data["series"] != names["history"]])
    band = {
        "data": bands,
        "mark": {"type": "area", "opacity": 0.25},
        "encoding": {"x": x, "y": q("lo", title=title, scale=y_scale), "y2": {"field": "hi"}, "color": color},
    }
    mid = {
        "data": bands,
        "mark": {"type": "line", "strokeDash": [6, 3], "strokeWidth": 2},
        "encoding": {"x": x, "y": q("mid"), "color": color},
    }
    hist = {
        "data": inline(data[data["series"] == names["history"]]),
        "mark": {"type": "line", "point": {"size": 70}, "strokeWidth": 2.5},
        "encoding": {
            "x": x,
            "y": q("mid", scale=y_scale),
            "color": color,
            "tooltip": [o("year"), q("mid", format=".2~f")],
        },
    }
    rule = {
        "data": {"values": [{"t": target}]},
        "mark": {"type": "rule", "color": TARGET, "strokeDash": [2, 2]},
        "encoding": {"y": q("t")},
    }
    return finish({"layer": [band, mid, hist, rule]}, lang, big, 300)  # with its legend, one entry a line


def components_chart(frame: pd.DataFrame, lang: str, big: bool = False) -> Spec:
    """Each field/dimension: maximum (light bar), plan expectation (bar), BAU (black tick)."""
    data = frame.copy()
    mark = " *" if bool(data["assumed"].any()) else ""
    data["label"] = ["\n".join(textwrap.wrap(name + mark, LABEL_WIDTH)) for name in data["name"]]
    order = list(data["label"])
    lines = {"labelLimit": 0, "labelExpr": "split(datum.label, '\\n')"}  # long names wrap, never "…"
    y = n("label", title=None, sort=order, axis=lines)
    tips = [
        n("name", title=tr("c_component", lang)),
        q("plan", title=tr("c_plan", lang), format=".2f"),
        q("bau", title=tr("c_bau", lang), format=".2f"),
        q("max", title=tr("c_max", lang), format=".2f"),
    ]
    top = {
        "mark": {"type": "bar", "color": MAXIMUM, "height": {"band": 0.75}},
        "encoding": {"x": q("max", title=tr("c_points", lang)), "y": y, "tooltip": tips},
    }
    plan = {
        "mark": {"type": "bar", "color": PLAN, "height": {"band": 0.45}},
        "encoding": {"x": q("plan"), "y": y, "tooltip": tips},
    }
    bau = {
        "mark": {"type": "tick", "color": HISTORY, "thickness": 3, "size": 22 if big else 18},
        "encoding": {"x": q("bau"), "y": y, "tooltip": tips},
    }
    rows = max(label.count("\n") + 1 for label in data["label"])
    spec = {"data": inline(data), "layer": [top, plan, bau]}
    return finish(spec, lang, big, (20 + 14 * rows) * len(data))


def probability_bars(
    frame: pd.DataFrame, lang: str, big: bool = False, colors: list[str] | None = None
) -> Spec:
    """Grouped bars of ``p`` by ``index`` and ``series`` with ± one Monte Carlo error."""
    data = frame.assign(lo=frame["p"] - frame["se"], hi=frame["p"] + frame["se"])
    series = list(dict.fromkeys(data["series"]))
    scale = {"domain": series, "range": colors} if colors else {"domain": series, "scheme": "tableau10"}
    x = n("index", title=None, sort=list(dict.fromkeys(data["index"])), axis={"labelAngle": 0})
    color = n("series", scale=scale, legend={"title": None, "labelLimit": 400})
    offset = n("series", sort=series)
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": x,
            "xOffset": offset,
            "y": q("p", title=tr("c_prob", lang), axis={"format": "%"}, scale={"domain": [0, 1]}),
            "color": color,
            "tooltip": [n("series"), q("p", format=".1%")],
        },
    }
    err = {
        "mark": {"type": "rule", "color": HISTORY, "strokeWidth": 2},
        "encoding": {
            "x": x,
            "xOffset": offset,
            "y": q("lo", title=tr("c_prob", lang)),
            "y2": {"field": "hi"},
        },
    }
    text = {
        "mark": {"type": "text", "dy": -10, "fontSize": 15 if big else 12},
        "encoding": {"x": x, "xOffset": offset, "y": q("hi"), "text": q("p", format=".0%")},
    }
    return finish({"data": inline(data), "layer": [bars, err, text]}, lang, big, 260)


def predecessors_chart(frame: pd.DataFrame, lang: str, big: bool = False) -> Spec:
    """Scores of a merged unit's former provinces, one line each, and the combined series dashed."""
    data = frame.assign(combined=frame["series"] == tr("c_combined", lang))
    spec = {
        "data": inline(data),
        "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
        "encoding": {
            "x": o("year", title=tr("c_year", lang), axis={"labelAngle": 0}),
            "y": q("score", title=tr("c_score", lang), scale={"zero": False}),
            "color": n("series", legend={"title": None}),
            "strokeDash": n("combined", legend=None, scale={"range": [[1, 0], [6, 3]]}),
            "tooltip": [n("series"), o("year"), q("score", format=".2f")],
        },
    }
    return finish(spec, lang, big, 220)


def tornado_chart(bars: list[dict[str, Any]], sides: list[str], lang: str) -> Spec:
    """Each group's change of P(both) (points) when moved down and up, with ± one paired error."""
    y = n("group", sort=list(dict.fromkeys(b["group"] for b in bars)), title=None, axis={"labelLimit": 520})
    chart = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "x": q("delta", title=tr("dec_delta_p", lang)),
            "color": n("side", title=None, sort=sides),
            "tooltip": [n("group"), n("side"), q("delta", format=".2f")],
        },
    }
    whiskers = {
        "mark": {"type": "rule", "color": "black"},
        "encoding": {"y": y, "x": q("lo"), "x2": {"field": "hi"}},
    }
    return finish({"data": inline(bars), "layer": [chart, whiskers]}, lang, False, {"step": 24})


def frontier_chart(rows: list[dict[str, Any]], budget: float, currency: str, lang: str) -> Spec:
    """The optimum's objective by budget with ± one Monte Carlo error, and the plan's budget."""
    frame = pd.DataFrame(rows)
    frame["lo"] = frame["p_both"] - frame["se"].fillna(0.0)
    frame["hi"] = frame["p_both"] + frame["se"].fillna(0.0)
    x = q("budget", title=f"{tr('dec_budget', lang)} ({currency})")
    band = {
        "data": inline(frame),
        "mark": {"type": "area", "opacity": 0.25},
        "encoding": {"x": x, "y": q("lo"), "y2": {"field": "hi"}},
    }
    line = {
        "data": band["data"],
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": x,
            "y": q("p_both", title=tr("dec_objective", lang), axis={"format": "%"}),
            "tooltip": [q("budget", format=".1f"), q("p_both", format=".1%")],
        },
    }
    rule = {
        "data": {"values": [{"budget": budget}]},
        "mark": {"type": "rule", "strokeDash": [4, 4]},
        "encoding": {"x": q("budget")},
    }
    return finish({"layer": [band, line, rule]}, lang, False, 300)


def sobol_chart(bars: pd.DataFrame, order: list[str], lang: str) -> Spec:
    """First-order and total Sobol indices of each source (``kind`` side by side) with their intervals."""
    y = n("source", sort=order, title=None, axis={"labelLimit": 520})
    chart = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": y,
            "yOffset": n("kind"),
            "x": q("value", title=tr("dec_share", lang), scale={"domain": [0, 1.05]}),
            "color": n("kind", title=None),
        },
    }
    ci = {
        "mark": {"type": "rule", "color": "black"},
        "encoding": {"y": y, "yOffset": n("kind"), "x": q("lo"), "x2": {"field": "hi"}},
    }
    return finish({"data": inline(bars), "layer": [chart, ci]}, lang, False, 36 * len(order))
