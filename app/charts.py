"""Altair charts of the frames built by :mod:`simulator.report` (drawing only, no model maths)."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from app.i18n import tr

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


def finish(chart: alt.TopLevelMixin, lang: str, big: bool, height: int) -> alt.TopLevelMixin:
    size = 16 if big else 13
    return (
        chart.properties(height=height + (60 if big else 0))
        .configure(locale={"number": _VI_LOCALE if lang == "vi" else _EN_LOCALE})
        .configure_axis(
            labelFontSize=size,
            titleFontSize=size,
            labelColor=INK,
            titleColor=INK,
            grid=True,
            gridColor=GRID,
            domainColor=BAU,
            tickColor=BAU,
        )
        .configure_legend(
            labelFontSize=size,
            titleFontSize=size,
            labelColor=INK,
            titleColor=INK,
            orient="bottom",
            title=None,
        )
        .configure_text(color=INK)
        .configure_view(strokeWidth=0)
    )


def title_lines(text: str, width: int = TITLE_WIDTH) -> list[str] | str:
    """An axis title that is too long for a narrow chart, as lines (Vega draws a list as lines)."""
    lines = textwrap.wrap(text, width)
    return lines if len(lines) > 1 else text


def _series_scale(lang: str, history: bool = False) -> alt.Scale:
    domain, colors = [tr("c_plan", lang), tr("c_bau", lang)], [PLAN, BAU]
    if history:
        domain, colors = [*domain, tr("c_history", lang)], [*colors, HISTORY]
    return alt.Scale(domain=domain, range=colors)


def score_chart(hist: pd.DataFrame, target: float, lang: str, big: bool = False) -> alt.TopLevelMixin:
    """Share of draws per score bin: plan bars, BAU outline, target rule."""
    data = hist.assign(series=hist["series"].map({"plan": tr("c_plan", lang), "bau": tr("c_bau", lang)}))
    x = alt.X("lo:Q", title=tr("c_score", lang), scale=alt.Scale(zero=False))
    y = alt.Y("share:Q", title=tr("c_share", lang), axis=alt.Axis(format="%"))
    color = alt.Color("series:N", scale=_series_scale(lang), legend=alt.Legend(title=None))
    bars = (
        alt.Chart(data[data["series"] == tr("c_plan", lang)])
        .mark_bar(opacity=0.85)
        .encode(
            x=x, x2="hi:Q", y=y, y2=alt.datum(0), color=color, tooltip=[alt.Tooltip("share:Q", format=".1%")]
        )
    )
    bau = (
        alt.Chart(data[data["series"] == tr("c_bau", lang)])
        .mark_line(interpolate="step", strokeWidth=2)
        .encode(x=alt.X("mid:Q"), y=y, color=color)
    )
    rule = alt.Chart(pd.DataFrame({"t": [target]})).mark_rule(color=TARGET, strokeWidth=3).encode(x="t:Q")
    label = (
        alt.Chart(pd.DataFrame({"t": [target], "text": [tr("c_target", lang)]}))
        .mark_text(
            color=INK,
            fontWeight="bold",
            align="left",
            dx=4,
            dy=-4,
            baseline="top",
            fontSize=14 if big else 12,
        )
        .encode(x="t:Q", y=alt.value(0), text="text:N")
    )
    return finish(alt.layer(bars, bau, rule, label), lang, big, 230)


def rank_chart(frame: pd.DataFrame, target_rank: int, lang: str, big: bool = False) -> alt.TopLevelMixin:
    """P(rank = r): plan bars, BAU step line, the target zone 1..k shaded."""
    n = int(frame["rank"].max())
    x_scale = alt.Scale(domain=[0.5, n + 0.5], nice=False)
    zone = (
        alt.Chart(pd.DataFrame({"a": [0.5], "b": [target_rank + 0.5]}))
        .mark_rect(color=ZONE, opacity=ZONE_OPACITY)
        .encode(x=alt.X("a:Q", scale=x_scale), x2="b:Q")
    )
    y = alt.Y("p:Q", title=tr("c_prob", lang), axis=alt.Axis(format="%"))
    long = frame.melt(id_vars=["rank", "in_target"], value_vars=["plan", "bau"], var_name="s", value_name="p")
    long["series"] = long["s"].map({"plan": tr("c_plan", lang), "bau": tr("c_bau", lang)})
    color = alt.Color("series:N", scale=_series_scale(lang), legend=alt.Legend(title=None))
    bars = (
        alt.Chart(long[long["s"] == "plan"])
        .mark_bar(width={"band": 0.8})
        .encode(
            x=alt.X("rank:Q", title=tr("c_rank", lang), scale=x_scale),
            y=y,
            color=color,
            tooltip=[alt.Tooltip("rank:Q"), alt.Tooltip("p:Q", format=".1%")],
        )
    )
    bau = (
        alt.Chart(long[long["s"] == "bau"])
        .mark_line(interpolate="step", strokeWidth=2)
        .encode(x=alt.X("rank:Q", scale=x_scale), y=y, color=color)
    )
    return finish(alt.layer(zone, bars, bau), lang, big, 230)


def fan_chart(
    fan: pd.DataFrame, measure: str, target: float, n_units: int, lang: str, big: bool = False
) -> alt.TopLevelMixin:
    """Published values, then the target year's 90 % band (BAU and plan) as a fan, and the target."""
    data = fan[fan["measure"] == measure].copy()
    names = {"plan": tr("c_plan", lang), "bau": tr("c_bau", lang), "history": tr("c_history", lang)}
    data["series"] = data["series"].map(names)
    title = tr("c_score", lang) if measure == "score" else tr("c_rank", lang)
    if measure == "rank":  # a merged field ranks fewer units than the published years did: show both
        worst = max(n_units, int(data[["lo", "mid", "hi"]].max().max(skipna=True) if len(data) else n_units))
        y_scale = alt.Scale(domain=[worst, 1], nice=False)
    else:
        y_scale = alt.Scale(zero=False)
    x = alt.X("year:O", title=tr("c_year", lang), axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
    color = alt.Color(
        "series:N", scale=_series_scale(lang, True), legend=alt.Legend(title=None, direction="vertical")
    )
    bands = data[data["series"] != names["history"]]
    band = (
        alt.Chart(bands)
        .mark_area(opacity=0.25)
        .encode(x=x, y=alt.Y("lo:Q", title=title, scale=y_scale), y2="hi:Q", color=color)
    )
    mid = alt.Chart(bands).mark_line(strokeDash=[6, 3], strokeWidth=2).encode(x=x, y="mid:Q", color=color)
    past = data[data["series"] == names["history"]]
    hist = (
        alt.Chart(past)
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("mid:Q", scale=y_scale),
            color=color,
            tooltip=["year:O", alt.Tooltip("mid:Q", format=".2~f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"t": [target]})).mark_rule(color=TARGET, strokeDash=[2, 2]).encode(y="t:Q")
    return finish(alt.layer(band, mid, hist, rule), lang, big, 300)  # with its legend, one entry a line


def components_chart(frame: pd.DataFrame, lang: str, big: bool = False) -> alt.TopLevelMixin:
    """Each field/dimension: maximum (light bar), plan expectation (bar), BAU (black tick)."""
    data = frame.copy()
    mark = " *" if bool(data["assumed"].any()) else ""
    data["label"] = ["\n".join(textwrap.wrap(n + mark, LABEL_WIDTH)) for n in data["name"]]
    order = list(data["label"])
    lines = alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')")  # long names wrap, never "…"
    y = alt.Y("label:N", title=None, sort=order, axis=lines)
    tips = [
        alt.Tooltip("name:N", title=tr("c_component", lang)),
        alt.Tooltip("plan:Q", title=tr("c_plan", lang), format=".2f"),
        alt.Tooltip("bau:Q", title=tr("c_bau", lang), format=".2f"),
        alt.Tooltip("max:Q", title=tr("c_max", lang), format=".2f"),
    ]
    top = (
        alt.Chart(data)
        .mark_bar(color=MAXIMUM, height={"band": 0.75})
        .encode(x=alt.X("max:Q", title=tr("c_points", lang)), y=y, tooltip=tips)
    )
    plan = alt.Chart(data).mark_bar(color=PLAN, height={"band": 0.45}).encode(x="plan:Q", y=y, tooltip=tips)
    bau = (
        alt.Chart(data)
        .mark_tick(color=HISTORY, thickness=3, size=22 if big else 18)
        .encode(x="bau:Q", y=y, tooltip=tips)
    )
    rows = max(label.count("\n") + 1 for label in data["label"])
    return finish(alt.layer(top, plan, bau), lang, big, (20 + 14 * rows) * len(data))


def probability_bars(
    frame: pd.DataFrame, lang: str, big: bool = False, colors: list[str] | None = None
) -> alt.TopLevelMixin:
    """Grouped bars of ``p`` by ``index`` and ``series`` with ± one Monte Carlo error."""
    data = frame.assign(lo=frame["p"] - frame["se"], hi=frame["p"] + frame["se"])
    series = list(dict.fromkeys(data["series"]))
    scale = alt.Scale(domain=series, range=colors) if colors else alt.Scale(domain=series, scheme="tableau10")
    x = alt.X("index:N", title=None, sort=list(dict.fromkeys(data["index"])), axis=alt.Axis(labelAngle=0))
    color = alt.Color("series:N", scale=scale, legend=alt.Legend(title=None, labelLimit=400))
    offset = alt.XOffset("series:N", sort=list(dict.fromkeys(data["series"])))
    y = alt.Y("p:Q", title=tr("c_prob", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(x=x, xOffset=offset, y=y, color=color, tooltip=["series:N", alt.Tooltip("p:Q", format=".1%")])
    )
    err = (
        alt.Chart(data)
        .mark_rule(color=HISTORY, strokeWidth=2)
        .encode(x=x, xOffset=offset, y=alt.Y("lo:Q", title=tr("c_prob", lang)), y2="hi:Q")
    )
    text = (
        alt.Chart(data)
        .mark_text(dy=-10, fontSize=15 if big else 12)
        .encode(x=x, xOffset=offset, y="hi:Q", text=alt.Text("p:Q", format=".0%"))
    )
    return finish(alt.layer(bars, err, text), lang, big, 260)


def predecessors_chart(frame: pd.DataFrame, lang: str, big: bool = False) -> alt.TopLevelMixin:
    """Scores of a merged unit's former provinces, one line each, and the combined series dashed."""
    data = frame.assign(combined=frame["series"] == tr("c_combined", lang))
    tip = ["series:N", "year:O", alt.Tooltip("score:Q", format=".2f")]
    lines = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X("year:O", title=tr("c_year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", title=tr("c_score", lang), scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", legend=alt.Legend(title=None)),
            strokeDash=alt.StrokeDash("combined:N", legend=None, scale=alt.Scale(range=[[1, 0], [6, 3]])),
            tooltip=tip,
        )
    )
    return finish(lines, lang, big, 220)
