"""Exports and display tables of a run: CSV, XLSX, a one-page HTML brief, and chart-ready frames.

Everything here is a pure function of a plan (:class:`~simulator.scenario.Scenario`), its result
and the status-quo (BAU) result on the same draws. Differences between the two carry their own
Monte Carlo error: on common random numbers the paired error ``sd(h₁ − h₀)/√n`` is used, which is
smaller than either probability's own error.

Exports never carry a live formula: every text cell of the CSV and the workbook that starts with
``= + - @`` (or a tab or carriage return) gets a leading apostrophe, and the workbook stores text
as text (:func:`simulator.text.cell_text`). The HTML brief escapes every piece of text it shows.
"""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from simulator.labels import INDEX_SHORT as _SHORT
from simulator.labels import assumption_text, number, percent, prob_with_error
from simulator.labels import t as label
from simulator.outcomes import IndexResult, SimulationResult
from simulator.scenario import IndexPlan, Scenario
from simulator.text import safe_frame

KEYS = ("score", "rank", "both")


def text(key: str, lang: str = "vi") -> str:
    """A report label in ``lang`` from the one table, :data:`simulator.labels.TEXT`."""
    return label(key, lang)


def score_text(x: float, plan: IndexPlan, lang: str = "vi", digits: int = 2) -> str:
    """A score in the index's unit: ``83,76 %`` or ``45,00 điểm``."""
    if plan.spec.unit == "%":
        return f"{number(x, digits, lang)} %" if lang == "vi" else f"{number(x, digits, lang)}%"
    return f"{number(x, digits, lang)} {label('unit.points', lang)}"


def paired_delta(plan: IndexResult, bau: IndexResult, key: str) -> tuple[float, float]:
    """Change of ``P(key)`` from BAU to the plan on common draws, and its Monte Carlo error."""
    diff = plan.hits[key].astype(float) - bau.hits[key].astype(float)
    n = diff.size
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")


def score_histogram(plan: IndexResult, bau: IndexResult | None = None, bins: int = 40) -> pd.DataFrame:
    """Share of draws per score bin, plan and BAU on common bin edges (``series, lo, hi, mid, share``)."""
    pool = plan.score if bau is None else np.concatenate([plan.score, bau.score])
    lo, hi = np.quantile(pool, [0.001, 0.999])
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    rows = []
    for series, res in (("plan", plan), ("bau", bau)):
        if res is None:
            continue
        counts, _ = np.histogram(np.clip(res.score, lo, hi), edges)
        share = counts / res.score.size
        rows.append(
            pd.DataFrame(
                {"series": series, "lo": edges[:-1], "hi": edges[1:], "mid": (edges[:-1] + edges[1:]) / 2}
            ).assign(share=share)
        )
    return pd.concat(rows, ignore_index=True)


def rank_frame(plan: IndexResult, bau: IndexResult | None = None) -> pd.DataFrame:
    """``rank, plan, bau, in_target``: P(rank = r) for r = 1..N."""
    ranks = np.arange(1, plan.n_units + 1)
    out = pd.DataFrame({"rank": ranks, "plan": plan.rank_pmf()})
    out["bau"] = bau.rank_pmf() if bau is not None else np.nan
    out["in_target"] = ranks <= plan.target_rank
    return out


def components_frame(plan: IndexResult, spec_plan: IndexPlan, lang: str = "vi") -> pd.DataFrame:
    """Expected points of each field/dimension under the plan and BAU, with its maximum."""
    names = {c.id: (c.name_vi if lang == "vi" else c.name_en) for c in spec_plan.spec.components}
    return pd.DataFrame(
        {
            "component": plan.component_ids,
            "name": [names[c] for c in plan.component_ids],
            "plan": plan.component_expected,
            "bau": plan.component_bau,
            "max": plan.component_max,
            "assumed": plan.components_assumed,
        }
    )


def fan_frame(past: pd.DataFrame, year: int, plan: IndexResult, bau: IndexResult) -> pd.DataFrame:
    """Past scores/ranks and the target year's 90 % band (``measure, series, year, lo, mid, hi``).

    ``past`` has ``year, score, rank`` (a unit's history). Each band starts at the last observed
    value so it draws as a fan.
    """
    rows: list[dict[str, Any]] = []
    past = past[past["year"] < year]
    for measure in ("score", "rank"):
        seen = past.dropna(subset=[measure])
        for r in seen.itertuples(index=False):
            v = float(getattr(r, measure))
            rows.append(dict(measure=measure, series="history", year=int(r.year), lo=v, mid=v, hi=v))
        for series, res in (("bau", bau), ("plan", plan)):
            q = res.score_quantiles() if measure == "score" else res.rank_quantiles()
            mid = q["p50"]
            if len(seen):
                last = seen.iloc[-1]
                v = float(last[measure])
                rows.append(dict(measure=measure, series=series, year=int(last["year"]), lo=v, mid=v, hi=v))
            rows.append(dict(measure=measure, series=series, year=year, lo=q["p05"], mid=mid, hi=q["p95"]))
    return pd.DataFrame(rows, columns=["measure", "series", "year", "lo", "mid", "hi"])


def summary_frame(scenario: Scenario, result: SimulationResult, bau: SimulationResult) -> pd.DataFrame:
    """One row per index: targets, plan and BAU probabilities with errors, the paired change."""
    rows = []
    for index_id, r in result.indices.items():
        b = bau.indices[index_id]
        row: dict[str, Any] = {
            "index": index_id,
            "province": scenario.province,
            "year": scenario.year,
            "target_score": r.target_score,
            "target_rank": r.target_rank,
        }
        row.update({f"score_{k}": v for k, v in r.score_quantiles().items()})
        row.update({f"rank_{k}": v for k, v in r.rank_quantiles().items()})
        row["expected_rank"] = r.expected_rank
        for key in KEYS:
            delta, se = paired_delta(r, b, key)
            row[f"p_{key}"] = getattr(r, f"p_{key}")
            row[f"se_p_{key}"] = r.mc_se[key]
            row[f"bau_p_{key}"] = getattr(b, f"p_{key}")
            row[f"bau_se_p_{key}"] = b.mc_se[key]
            row[f"change_p_{key}"] = delta
            row[f"se_change_p_{key}"] = se
        row["bau_score_mean"] = b.score_quantiles()["mean"]
        row["bau_expected_rank"] = b.expected_rank
        row["cost"] = scenario.indices[index_id].cost()
        row["currency"] = scenario.currency
        row["draws"] = result.draws
        row["seed"] = result.seed
        rows.append(row)
    return pd.DataFrame(rows)


def weights_text(plan: IndexPlan, weights: dict[str, float], lang: str = "vi") -> str:
    """A group's impact weights with the sub-criteria named in ``lang`` (ids only if unknown)."""
    comps = {c.id: (c.name_vi if lang == "vi" else c.name_en) for c in plan.spec.components}
    names = {}
    for s in plan.spec.subcriteria:
        own, comp = (s.name_vi if lang == "vi" else s.name_en), comps[s.component]
        names[s.id] = own if own == comp else f"{comp} ({own})"
    return "; ".join(
        f"{names.get(k, k)}: {number(v, 2, lang).rstrip('0').rstrip(',.')}" for k, v in weights.items()
    )


def levels_frame(scenario: Scenario, lang: str = "vi") -> pd.DataFrame:
    """Every task group with its status-quo and planned completion and its assumptions."""
    rows = []
    for index_id, p in scenario.indices.items():
        for g in p.groups:
            rows.append(
                {
                    "index": index_id,
                    "group": g.id,
                    "name": g.name_vi if lang == "vi" else g.name_en,
                    "bau": g.bau,
                    "planned": g.planned,
                    "reliability": g.reliability,
                    "weights": weights_text(p, g.weights, lang),
                    "cost": float(g.cost(g.planned)),
                }
            )
    return pd.DataFrame(rows)


def compare_frame(runs: dict[str, SimulationResult], plans: dict[str, Scenario]) -> pd.DataFrame:
    """Plans side by side (one row per plan and index); ``runs`` share their draws."""
    rows = []
    for name, res in runs.items():
        for index_id, r in res.indices.items():
            rows.append(
                {
                    "plan": name,
                    "index": index_id,
                    "target_score": r.target_score,
                    "target_rank": r.target_rank,
                    "score_mean": r.score_quantiles()["mean"],
                    "expected_rank": r.expected_rank,
                    **{f"p_{k}": getattr(r, f"p_{k}") for k in KEYS},
                    **{f"se_p_{k}": r.mc_se[k] for k in KEYS},
                    "cost": plans[name].indices[index_id].cost(),
                }
            )
    return pd.DataFrame(rows)


def assumptions(
    scenario: Scenario,
    index_id: str,
    *,
    forecast_notes: tuple[str, ...] = (),
    components_assumed: bool = False,
    lang: str = "vi",
) -> list[str]:
    """Every assumption behind one index's result, as plain sentences in ``lang`` to show or print.

    Definitions give their texts in ``lang`` (sub-criteria by name, not id); bilingual forecast
    notes are cut to ``lang`` (:func:`simulator.labels.assumption_text`).
    """
    plan = scenario.indices[index_id]
    out = list(plan.spec.assumptions(lang))
    for s in plan.spec.subcriteria:
        if s.coupled_index and s.coupled_index in scenario.indices:
            out.append(text("coupling", lang).format(scale=number(s.coupled_scale, 1, lang)))
    out.append(text("groups_note", lang))
    if components_assumed:
        out.append(text("spread", lang))
    out += [assumption_text(n, lang) for n in forecast_notes]
    return out


def run_notes(
    scenario: Scenario,
    result: SimulationResult,
    forecast_notes: dict[str, tuple[str, ...]],
    lang: str = "vi",
) -> dict[str, list[str]]:
    """Every index's assumptions for the exports, as the app shows them (``notes=`` below)."""
    return {
        i: assumptions(
            scenario,
            i,
            forecast_notes=tuple(forecast_notes.get(i, ())),
            components_assumed=r.components_assumed,
            lang=lang,
        )
        for i, r in result.indices.items()
    }


def to_csv(scenario: Scenario, result: SimulationResult, bau: SimulationResult) -> bytes:
    """The summary table as UTF-8 CSV with a BOM (so spreadsheet programs read the diacritics)."""
    frame = summary_frame(scenario, result, bau)
    frame.insert(0, "plan", scenario.name)
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


_PCT, _PTS, _INT, _TXT = "0.00%", "0.00", "0", "@"
_PROB = ("p", "se_p", "bau_p", "bau_se_p", "change_p", "se_change_p")
# the workbook's columns: (sheet, column) -> (label key in simulator.labels.TEXT, number format)
_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    **{
        ("summary", c): (f"col.{c}", f)
        for c, f in {
            "index": _TXT,
            "province": _TXT,
            "year": _INT,
            "target_score": _PTS,
            "target_rank": _INT,
            "score_mean": _PTS,
            "score_p05": _PTS,
            "score_p50": _PTS,
            "score_p95": _PTS,
            "rank_p05": _INT,
            "rank_p50": _INT,
            "rank_p95": _INT,
            "expected_rank": _PTS,
            "bau_score_mean": _PTS,
            "bau_expected_rank": _PTS,
            "cost": _PTS,
            "currency": _TXT,
            "draws": _INT,
            "seed": _INT,
        }.items()
    },
    **{("summary", f"{p}_{k}"): (f"col.{p}|{k}", _PCT) for p in _PROB for k in KEYS},
    ("task_groups", "index"): ("col.index", _TXT),
    ("task_groups", "group"): ("col.group", _TXT),
    ("task_groups", "name"): ("group", _TXT),
    ("task_groups", "bau"): ("col.bau", _PCT),
    ("task_groups", "planned"): ("col.planned", _PCT),
    ("task_groups", "reliability"): ("col.reliability", _PCT),
    ("task_groups", "weights"): ("col.weights", _TXT),
    ("task_groups", "cost"): ("col.cost", _PTS),
    ("rank_pmf", "index"): ("col.index", _TXT),
    ("rank_pmf", "rank"): ("col.rank", _INT),
    ("rank_pmf", "plan"): ("col.plan_pmf", _PCT),
    ("rank_pmf", "bau"): ("col.bau_pmf", _PCT),
    ("rank_pmf", "in_target"): ("col.in_target", _TXT),
    ("components", "index"): ("col.index", _TXT),
    ("components", "component"): ("col.component", _TXT),
    ("components", "name"): ("col.name", _TXT),
    ("components", "plan"): ("col.plan_points", _PTS),
    ("components", "bau"): ("col.bau_points", _PTS),
    ("components", "max"): ("col.max", _PTS),
    ("components", "assumed"): ("col.assumed", _TXT),
    ("assumptions", "index"): ("col.index", _TXT),
    ("assumptions", "assumption"): ("col.assumption", _TXT),
    ("run", "key"): ("col.key", _TXT),
    ("run", "value"): ("col.value", _TXT),
}


def column_header(sheet: str, column: str, lang: str = "vi") -> str:
    """The workbook's header of ``column`` of ``sheet`` in ``lang`` (the app's tables use it too)."""
    return _header(_COLUMNS[(sheet, column)][0], lang)


def _header(key: str, lang: str) -> str:
    """A column header from :data:`_COLUMNS`'s label key (``col.p|score`` fills in the target)."""
    key, _, what = key.partition("|")
    return text(key, lang).format(what=text(f"what.{what}", lang)) if what else text(key, lang)


def _workbook_frames(
    scenario: Scenario,
    result: SimulationResult,
    bau: SimulationResult,
    notes: dict[str, list[str]],
    lang: str,
) -> dict[str, pd.DataFrame]:
    """The workbook's sheets keyed by their code names, with the words of ``lang`` in the cells."""
    ranks = pd.concat(
        [rank_frame(r, bau.indices[i]).assign(index=i) for i, r in result.indices.items()],
        ignore_index=True,
    )
    comps = pd.concat(
        [components_frame(r, scenario.indices[i], lang).assign(index=i) for i, r in result.indices.items()],
        ignore_index=True,
    )
    yes_no = {True: text("yes", lang), False: text("no", lang)}
    ranks["in_target"] = ranks["in_target"].map(yes_no)
    comps["assumed"] = comps["assumed"].map(yes_no)
    assumed = pd.DataFrame([{"index": i, "assumption": a} for i, lst in notes.items() for a in lst])
    keys = ["plan", "province", "year", "draws", "seed", "generated"]
    values = [
        scenario.name,
        scenario.province,
        scenario.year,
        result.draws,
        result.seed,
        date.today().isoformat(),
    ]
    info = pd.DataFrame({"key": [text(k, lang) for k in keys], "value": [str(v) for v in values]})
    frames = {
        "summary": summary_frame(scenario, result, bau),
        "task_groups": levels_frame(scenario, lang),
        "rank_pmf": ranks,
        "components": comps,
        "assumptions": assumed,
        "run": info,
    }
    for frame in frames.values():
        if "index" in frame:
            frame["index"] = frame["index"].map(lambda i: _SHORT.get(i, i))
    return frames


def to_xlsx(
    scenario: Scenario,
    result: SimulationResult,
    bau: SimulationResult,
    *,
    notes: dict[str, list[str]] | None = None,
    lang: str = "vi",
) -> bytes:
    """A workbook: summary, task groups, rank distributions, components, assumptions, run info.

    Sheet names and column headers are in ``lang`` and state their units; probabilities and
    levels are stored as fractions shown with the ``0.00%`` format, points with ``0.00``, counts
    with ``0``; text (a plan's own words included) is stored as text, never as a formula.
    """
    notes = notes or {i: assumptions(scenario, i, lang=lang) for i in scenario.indices}
    frames = _workbook_frames(scenario, result, bau, notes, lang)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in frames.items():
            formats = [_COLUMNS.get((name, c), (c, "General")) for c in frame.columns]
            shown = safe_frame(frame).set_axis([_header(k, lang) for k, _ in formats], axis=1)
            shown.to_excel(xl, sheet_name=text(f"sheet.{name}", lang), index=False)
            sheet = xl.sheets[text(f"sheet.{name}", lang)]
            for j, (_, fmt) in enumerate(formats, start=1):
                sheet.cell(1, j).data_type = "s"
                letter = sheet.cell(1, j).column_letter
                sheet.column_dimensions[letter].width = min(60, max(12, len(str(sheet.cell(1, j).value)) + 2))
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
    return buf.getvalue()


def _svg_hist(hist: pd.DataFrame, target: float, width: int = 260, height: int = 90) -> str:
    plan = hist[hist["series"] == "plan"]
    bau = hist[hist["series"] == "bau"]
    lo, hi = float(hist["lo"].min()), float(hist["hi"].max())
    top = float(hist["share"].max()) or 1.0

    def x(v: float) -> float:
        return 4 + (width - 8) * (v - lo) / (hi - lo)

    def y(v: float) -> float:
        return height - 14 - (height - 20) * v / top

    bars = "".join(
        f'<rect x="{x(r.lo):.1f}" y="{y(r.share):.1f}" width="{max(x(r.hi) - x(r.lo) - 0.5, 0.5):.1f}" '
        f'height="{height - 14 - y(r.share):.1f}" fill="#2f6db5"/>'
        for r in plan.itertuples()
    )
    line = " ".join(f"{x(r.mid):.1f},{y(r.share):.1f}" for r in bau.itertuples())
    bau_line = f'<polyline points="{line}" fill="none" stroke="#888" stroke-width="1.2"/>' if line else ""
    tx = min(max(x(target), 2), width - 2)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{bars}{bau_line}'
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="2" y2="{height - 14}" stroke="#c0392b" stroke-width="2"/>'
        f'<text x="4" y="{height - 2}" font-size="9">{lo:.1f}</text>'
        f'<text x="{width - 4}" y="{height - 2}" font-size="9" text-anchor="end">{hi:.1f}</text></svg>'
    )


def _svg_ranks(frame: pd.DataFrame, width: int = 260, height: int = 90) -> str:
    n = len(frame)
    top = float(frame[["plan", "bau"]].max().max()) or 1.0
    step = (width - 8) / n
    k = int(frame["in_target"].sum())
    zone = f'<rect x="4" y="2" width="{k * step:.1f}" height="{height - 16}" fill="#e3f4e6"/>'
    bars = "".join(
        f'<rect x="{4 + i * step:.1f}" y="{height - 14 - (height - 20) * p / top:.1f}" '
        f'width="{max(step - 0.6, 0.5):.1f}" height="{(height - 20) * p / top:.1f}" '
        f'fill="{"#2e8b57" if inside else "#2f6db5"}"/>'
        for i, (p, inside) in enumerate(zip(frame["plan"], frame["in_target"], strict=True))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{zone}{bars}'
        f'<text x="4" y="{height - 2}" font-size="9">1</text>'
        f'<text x="{width - 4}" y="{height - 2}" font-size="9" text-anchor="end">{n}</text></svg>'
    )


_CSS_FLAG = "li.flag{color:#8a1c1c;font-weight:600}"
_CSS = (
    _CSS_FLAG
    + """
body{font-family:'Segoe UI',Roboto,Arial,sans-serif;font-size:10.5pt;color:#1b2733;
  margin:18px;max-width:980px}
h1{font-size:17pt;margin:0 0 2px} h2{font-size:12pt;margin:14px 0 4px;border-bottom:1px solid #ccd}
.meta{color:#3d4a57;margin:0 0 8px} table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e2e6ea;padding:3px 6px;text-align:left;vertical-align:top;
  overflow-wrap:break-word}
th{background:#f1f4f8} .num{text-align:right} .big{font-size:13pt;font-weight:700;white-space:nowrap}
.charts{display:flex;gap:10px;flex-wrap:wrap} .chart{flex:1;min-width:220px}
.chart svg{max-width:100%;height:auto}
.chart h3{font-size:10pt;margin:6px 0 2px} .note{color:#3d4a57;font-size:9pt}
ul{margin:2px 0 0 16px;padding:0}
li{font-size:8pt;margin:0}
.levels{display:flex;gap:10px;flex-wrap:wrap} .levels table{font-size:8.5pt;flex:1 1 220px;width:auto}
.levels td,.levels th{padding:1px 4px} .levels .num{white-space:nowrap}
.assumed{columns:2;column-gap:18px;font-size:8pt} .assumed h3{break-after:avoid}
@page{size:A4;margin:10mm}
@media print{
  body{margin:0;max-width:none;width:auto;font-size:9pt}
  .results{table-layout:fixed} .results td,.results th{padding:2px 4px}
  .results th:first-child{width:17%} .big{font-size:11pt}
  .chart{min-width:0;flex:1 1 30%} .chart svg{width:100%}
  .levels table{font-size:7.5pt;flex:1 1 45%}
  tr,li,.chart,.levels table{break-inside:avoid} h2,h3{break-after:avoid}
}
"""
)


def html_brief(
    scenario: Scenario,
    result: SimulationResult,
    bau: SimulationResult,
    *,
    notes: dict[str, list[str]] | None = None,
    lang: str = "vi",
    views: dict | None = None,
) -> str:
    """A self-contained one-page HTML brief (inline CSS and SVG, no network).

    ``views`` (``{index_id: OutsideView}``, :func:`simulator.outside_view.outside_views`) adds the
    outside view of each index: the plan's gain in its reference class, the base rate, the flag.
    """
    e = html.escape
    notes = notes or {i: assumptions(scenario, i, lang=lang) for i in scenario.indices}
    head = (
        f"<tr><th>{e(text('index', lang))}</th>"
        + "".join(f"<th class=num>{e(text(f'p_{k}', lang))}</th>" for k in KEYS)
        + f"<th class=num>{e(text('score_interval', lang))}</th>"
        f"<th class=num>{e(text('expected_rank', lang))}</th></tr>"
    )
    rows, charts = [], []
    for index_id, r in result.indices.items():
        plan, b = scenario.indices[index_id], bau.indices[index_id]
        q = r.score_quantiles()
        cells = []
        for key in KEYS:
            delta, se = paired_delta(r, b, key)
            sign = "+" if delta >= 0 else "−"
            shown = prob_with_error(getattr(r, f"p_{key}"), r.mc_se[key], lang)
            cells.append(
                f"<td class=num><span class=big>{e(shown)}"
                f"</span><br><span class=note>{sign}{e(number(abs(100 * delta), 1, lang))} ± "
                f"{e(number(100 * se, 1, lang))} {e(text('pts', lang))} "
                f"{e(text('vs_bau', lang))}</span></td>"
            )
        target = f"≥ {score_text(r.target_score, plan, lang)}; {text('rank', lang).lower()} ≤ {r.target_rank}"
        target = (
            f"<b>{e(_SHORT[index_id])}</b><br><span class=note>{e(text('target', lang))}: {e(target)}</span>"
        )
        interval = (
            f"{score_text(q['mean'], plan, lang)} ({number(q['p05'], 1, lang)}–{number(q['p95'], 1, lang)})"
        )
        rows.append(
            f"<tr><td>{target}</td>{''.join(cells)}"
            f"<td class=num>{e(interval)}</td><td class=num>{e(number(r.expected_rank, 1, lang))}"
            f"/{r.n_units}</td></tr>"
        )
        charts.append(
            f"<div class=chart><h3>{e(text(index_id, lang))}</h3>"
            f"<div class=note>{e(text('score_chart', lang))}</div>"
            f"{_svg_hist(score_histogram(r, b), r.target_score)}"
            f"<div class=note>{e(text('rank_chart', lang))}</div>{_svg_ranks(rank_frame(r, b))}</div>"
        )
    levels = levels_frame(scenario, lang)
    level_tables = "".join(
        f"<table><tr><th>{e(_SHORT[i])}</th><th class=num>{e(text('bau', lang))}</th>"
        f"<th class=num>{e(text('planned', lang))}</th><th class=num>{e(text('reliability', lang))}</th></tr>"
        + "".join(
            f"<tr><td>{e(g.name)}</td><td class=num>{e(percent(g.bau, 0, lang))}</td>"
            f"<td class=num><b>{e(percent(g.planned, 0, lang))}</b></td>"
            f"<td class=num>{e(percent(g.reliability, 0, lang))}</td></tr>"
            for g in levels[levels["index"] == i].itertuples()
        )
        + "</table>"
        for i in scenario.indices
    )
    assumed = "".join(
        f"<h3 style='font-size:9pt;margin:4px 0 0'>{e(_SHORT[i])}</h3><ul>"
        + "".join(f"<li>{e(a)}</li>" for a in lst)
        + "</ul>"
        for i, lst in notes.items()
    )
    outside = ""
    if views:
        title = label("outside.title", lang)
        outside = f"<h2>{e(title)}</h2>" + "".join(
            f"<h3 style='font-size:9pt;margin:4px 0 0'>{e(_SHORT[i])}</h3><ul>"
            + "".join(
                f"<li{' class=flag' if line.startswith('⚠') else ''}>{e(line)}</li>" for line in v.lines(lang)
            )
            + "</ul>"
            for i, v in views.items()
        )
    plan_notes = f"<p class=note>{e(scenario.notes_for(lang))}</p>" if scenario.notes_for(lang) else ""
    cost = f"{number(scenario.cost(), 1, lang)} {scenario.currency}"
    if scenario.budget is not None:
        cost += f" / {number(scenario.budget, 1, lang)} {scenario.currency}"
    meta = (
        f"{text('province', lang)}: {scenario.province} · {text('year', lang)}: {scenario.year} · "
        f"{text('draws', lang)}: {number(result.draws, 0, lang)} · {text('seed', lang)}: {result.seed} · "
        f"{text('generated', lang)}: {date.today().isoformat()}"
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{e(scenario.name)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(scenario.name)}</h1><p class=meta>{e(text('brief', lang))} · {e(meta)}</p>"
        f"<table class=results>{head}{''.join(rows)}</table>"
        f"<p class=note>{e(text('mc_note', lang))} {e(text('model_note', lang))} "
        f"{e(text('cost', lang))}: {e(cost)}.</p>"
        f"<div class=charts>{''.join(charts)}</div>"
        f"{outside}<h2>{e(text('levels', lang))}</h2><div class=levels>{level_tables}</div>"
        f"<h2>{e(text('assumptions', lang))}</h2>{plan_notes}<div class=assumed>{assumed}</div></body></html>"
    )
