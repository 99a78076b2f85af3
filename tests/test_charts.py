"""The app's charts: valid Vega-Lite specs with their data inline, the look they promise, readable colours.

Every builder's spec is checked against the Vega-Lite JSON schema the front end draws (the one
Altair ships), in both languages, on the screen and on the projector, on a real evaluation and on
edge cases: one unit, no published history, missing values, a merged unit's predecessors.
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app import charts, field_tab, outside_panel, state
from app.i18n import tr
from simulator import report
from simulator.history import load_history
from simulator.merger import predecessors_frame

ROOT = Path(__file__).resolve().parents[1]
WHITE, DARK = "#ffffff", "#0e1117"  # Streamlit's light and dark backgrounds
CASES = [(lang, big) for lang in ("vi", "en") for big in (False, True)]


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_known_answers():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("color", [charts.PLAN, charts.BAU, charts.TARGET])
def test_marks_stand_out_on_both_themes(color):
    """Non-text marks need 3:1 (WCAG 1.4.11) against the light and the dark background alike."""
    assert contrast(color, WHITE) >= 3.0 and contrast(color, DARK) >= 3.0


# ---- inputs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluation():
    from simulator.engine import Engine
    from simulator.scenario import load_scenario

    plan = load_scenario(ROOT / "scenarios" / "can_tho_2026.toml")
    engine = Engine.from_scenario(plan)
    unc = engine.uncertainties(2000, 5)
    result, bau = engine.run(unc, plan), engine.run(unc, plan.at_bau())
    histories = {i: load_history(i) for i in plan.indices}
    return state.Evaluation(plan, engine, unc, result, bau, histories, "k")


@pytest.fixture(scope="module")
def standings():
    from simulator.standings import field_standings

    return field_standings("papi", 2022, draws=400, rng=1, threshold=40.0)


@pytest.fixture(scope="module")
def validator():
    import jsonschema  # dev dependencies: a missing one fails the test, it is never skipped
    from altair.vegalite.v6.schema import core

    schema = core.load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def _predecessors(ev: state.Evaluation, index_id: str, lang: str) -> pd.DataFrame:
    """The long frame ``views.predecessors_chart`` draws for Cần Thơ (merged with two provinces)."""
    frame = predecessors_frame(ev.histories[index_id], ev.scenario.province)
    names = [c.removesuffix(" score") for c in frame.columns if c.endswith(" score")]
    cols = [f"{p} score" for p in names]
    long = frame.melt(id_vars="year", value_vars=[*cols, "combined"], var_name="series", value_name="score")
    long["series"] = long["series"].map(
        {f"{p} score": p for p in names} | {"combined": tr("c_combined", lang)}
    )
    return long.dropna(subset=["score"])


def _tornado_bars(sides: list[str]) -> list[dict]:
    return [
        {"group": g, "side": s, "delta": d, "lo": d - 0.5, "hi": d + 0.5}
        for g, deltas in (("Nhóm A", (-3.0, 2.5)), ("Nhóm B", (-1.0, float("nan"))))
        for s, d in zip(sides, deltas, strict=True)
    ]


def _frontier_rows() -> list[dict]:
    return [
        {"budget": 5.0, "p_both": 0.2, "se": 0.01},
        {"budget": 10.0, "p_both": 0.35, "se": float("nan")},  # the plan's own point has no error
        {"budget": 15.0, "p_both": 0.4, "se": 0.02},
    ]


def _sobol_bars(lang: str) -> tuple[pd.DataFrame, list[str]]:
    order = ["local", "national"]
    rows = [
        {"source": s, "kind": tr(f"dec_{k}", lang), "value": v, "lo": max(v - 0.1, 0), "hi": v + 0.1}
        for k in ("first", "total")
        for s, v in zip(order, (0.6, 0.2), strict=True)
    ]
    return pd.DataFrame(rows), order


def all_specs(ev: state.Evaluation, s, lang: str, big: bool) -> dict[str, dict]:
    """Every chart of the app, keyed by a name, on the evaluation and on edge cases."""
    out = {}
    r, b = ev.result.indices["papi"], ev.bau.indices["papi"]
    past = ev.histories["papi"].unit_series(ev.scenario.province)
    fan = report.fan_frame(past, ev.scenario.year, r, b)
    empty = report.fan_frame(past.iloc[0:0], ev.scenario.year, r, b)
    out["score"] = charts.score_chart(report.score_histogram(r, b), r.target_score, lang, big)
    out["rank"] = charts.rank_chart(report.rank_frame(r, b), r.target_rank, lang, big)
    out["rank_no_bau"] = charts.rank_chart(report.rank_frame(r), r.target_rank, lang, big)  # BAU all NaN
    one = pd.DataFrame({"rank": [1], "plan": [1.0], "bau": [1.0], "in_target": [True]})
    out["rank_one_unit"] = charts.rank_chart(one, 1, lang, big)
    for measure, target in (("score", r.target_score), ("rank", r.target_rank)):
        out[f"fan_{measure}"] = charts.fan_chart(fan, measure, target, r.n_units, lang, big)
        out[f"fan_{measure}_no_history"] = charts.fan_chart(empty, measure, target, r.n_units, lang, big)
    comps = report.components_frame(r, ev.scenario.indices["papi"], lang)
    out["components"] = charts.components_chart(comps, lang, big)
    rows = [
        {"index": i, "series": tr(n, lang), "p": res.indices[i].p_both, "se": res.indices[i].mc_se["both"]}
        for i in ev.result.indices
        for n, res in (("c_plan", ev.result), ("c_bau", ev.bau))
    ]
    out["bars"] = charts.probability_bars(pd.DataFrame(rows), lang, big, [charts.PLAN, charts.BAU])
    out["bars_compare_one"] = charts.probability_bars(pd.DataFrame(rows[:1]), lang, big)
    out["predecessors"] = charts.predecessors_chart(_predecessors(ev, "papi", lang), lang, big)
    view = outside_panel.insights.outside(ev, "papi")
    out["histogram"] = outside_panel.reference_histogram(view, lang, big)
    out["heatmap"] = field_tab.heatmap(s, lang, "Cần Thơ", big)
    out["heatmap_no_focal"] = field_tab.heatmap(s, lang, None, big)
    sides = [tr("dec_down", lang, step=10), tr("dec_up", lang, step=10)]
    out["tornado"] = charts.tornado_chart(_tornado_bars(sides), sides, lang)
    out["frontier"] = charts.frontier_chart(_frontier_rows(), 10.0, "tỷ đồng", lang)
    out["sobol"] = charts.sobol_chart(*_sobol_bars(lang), lang)
    return out


def _datas(spec: dict) -> list[dict]:
    return [d for d in [spec.get("data"), *(layer.get("data") for layer in spec.get("layer", []))] if d]


def _layer(spec: dict, mark: str) -> list[dict]:
    return [layer for layer in spec.get("layer", [spec]) if layer["mark"]["type"] == mark]


def _values(spec: dict, layer: dict) -> list[dict]:
    return (layer.get("data") or spec["data"])["values"]


# ---- every spec valid --------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "big"), CASES)
def test_every_chart_is_valid_vega_lite_with_inline_json_data(evaluation, standings, validator, lang, big):
    specs = all_specs(evaluation, standings, lang, big)
    assert len(specs) == 18
    for name, spec in specs.items():
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(spec)
        ]
        assert not errors, (name, errors[:3])
        text = json.dumps(spec, allow_nan=False)  # NaN would be invalid JSON: the front end could not read it
        assert json.loads(text) == spec
        assert _datas(spec) and all(set(d) == {"values"} for d in _datas(spec)), name
        assert "datasets" not in spec and "$schema" not in spec


def test_the_validator_refuses_a_broken_spec(evaluation, standings, validator):
    """The schema check can fail: a misspelt mark and a field definition without its field."""
    spec = all_specs(evaluation, standings, "vi", False)["score"]
    broken = json.loads(json.dumps(spec))
    broken["layer"][0]["mark"]["type"] = "barr"
    assert list(validator.iter_errors(broken))
    broken = json.loads(json.dumps(spec))
    broken["layer"][1]["encoding"]["y"] = {"type": "quantitative", "axis": {"format": 3}}
    assert list(validator.iter_errors(broken))


def test_missing_values_become_null(evaluation, standings):
    specs = all_specs(evaluation, standings, "en", False)
    bau = _layer(specs["rank_no_bau"], "line")[0]
    assert {row["p"] for row in _values(specs["rank_no_bau"], bau)} == {None}
    rows = _values(specs["tornado"], specs["tornado"]["layer"][0])
    assert [row["delta"] for row in rows] == [-3.0, 2.5, -1.0, None]
    frontier = specs["frontier"]
    band = _values(frontier, _layer(frontier, "area")[0])
    assert [v for row in band for v in (row["lo"], row["hi"])] == pytest.approx(
        [0.19, 0.21, 0.35, 0.35, 0.38, 0.42]
    )
    assert [row["se"] for row in band] == [0.01, None, 0.02]


# ---- the look ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "big"), CASES)
def test_chart_text_takes_the_page_text_colour_and_the_language_its_numbers(evaluation, standings, lang, big):
    for name, spec in all_specs(evaluation, standings, lang, big).items():
        config = spec["config"]
        assert config["axis"]["labelColor"] == config["axis"]["titleColor"] == "currentColor"
        assert config["legend"]["labelColor"] == config["text"]["color"] == "currentColor"
        number = config["locale"]["number"]
        assert number["decimal"] == ("," if lang == "vi" else "."), name
        assert number["thousands"] == ("." if lang == "vi" else ",")
        assert number.get("percent", "%") == ("\u00a0%" if lang == "vi" else "%")
        size = 16 if big and name not in ("tornado", "frontier", "sobol") else 13  # decisions: screen size
        assert config["axis"]["labelFontSize"] == config["legend"]["titleFontSize"] == size, name
        for layer in _layer(spec, "text"):
            if name.startswith("heatmap"):  # cells: dark or white on the blue scale, not the page's text
                assert layer["encoding"]["color"]["condition"]["value"] == "white"
            elif name not in ("bars", "bars_compare_one"):  # bar labels take config.text's colour
                assert layer["mark"]["color"] == "currentColor", name


@pytest.mark.parametrize(("lang", "big"), CASES)
def test_score_chart_target_rule_and_colours(evaluation, standings, lang, big):
    spec = all_specs(evaluation, standings, lang, big)["score"]
    target = evaluation.result.indices["papi"].target_score
    rule = _layer(spec, "rule")[0]
    assert rule["mark"]["color"] == charts.TARGET == "#c0392b"
    assert rule["data"]["values"] == [{"t": target}] and rule["encoding"]["x"]["field"] == "t"
    label = _layer(spec, "text")[0]
    assert label["data"]["values"] == [{"t": target, "text": tr("c_target", lang)}]
    assert label["mark"]["fontSize"] == (14 if big else 12)
    color = _layer(spec, "bar")[0]["encoding"]["color"]["scale"]
    assert color == {"domain": [tr("c_plan", lang), tr("c_bau", lang)], "range": ["#2b6cb0", "#8a94a3"]}
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "line", "rule", "text"]
    assert spec["height"] == 230 + (60 if big else 0)
    shares = [row["share"] for row in _values(spec, spec["layer"][0])]
    assert sum(shares) == pytest.approx(1.0)  # the plan's bars: every draw in one bin


@pytest.mark.parametrize(("lang", "big"), CASES)
def test_rank_chart_zone_spans_the_target_ranks(evaluation, standings, lang, big):
    specs = all_specs(evaluation, standings, lang, big)
    r = evaluation.result.indices["papi"]
    spec = specs["rank"]
    zone = spec["layer"][0]
    assert zone["mark"] == {"type": "rect", "color": charts.ZONE, "opacity": charts.ZONE_OPACITY}
    assert zone["data"]["values"] == [{"a": 0.5, "b": r.target_rank + 0.5}]
    assert zone["encoding"]["x"]["scale"] == {"domain": [0.5, r.n_units + 0.5], "nice": False}
    plan = _values(spec, spec["layer"][1])
    assert [row["rank"] for row in plan] == list(range(1, r.n_units + 1))
    assert sum(row["p"] for row in plan) == pytest.approx(1.0)
    one = specs["rank_one_unit"]["layer"][0]
    assert one["data"]["values"] == [{"a": 0.5, "b": 1.5}]
    assert one["encoding"]["x"]["scale"]["domain"] == [0.5, 1.5]


def test_rank_fan_reverses_its_axis_to_the_worst_rank(evaluation):
    r, b = evaluation.result.indices["papi"], evaluation.bau.indices["papi"]
    past = pd.DataFrame({"year": [2019, 2020], "score": [40.0, 41.0], "rank": [50.0, 40.0]})
    fan = report.fan_frame(past, 2026, r, b)
    spec = charts.fan_chart(fan, "rank", 5, 34, "vi")
    # the published field had 63 units: a past rank of 50 stays on the axis; 1 (best) at the top
    assert spec["layer"][0]["encoding"]["y"]["scale"] == {"domain": [50, 1], "nice": False}
    assert charts.fan_chart(fan.iloc[0:0], "rank", 5, 34, "vi")["layer"][0]["encoding"]["y"]["scale"] == {
        "domain": [34, 1],
        "nice": False,
    }
    rule = spec["layer"][3]
    assert rule["data"]["values"] == [{"t": 5}] and rule["mark"]["color"] == charts.TARGET
    history = spec["layer"][2]
    assert [(row["year"], row["mid"]) for row in history["data"]["values"]] == [(2019, 50.0), (2020, 40.0)]
    color = history["encoding"]["color"]["scale"]
    assert color["range"] == [charts.PLAN, charts.BAU, "currentColor"]
    score = charts.fan_chart(fan, "score", 42.0, 34, "en")
    assert score["layer"][0]["encoding"]["y"]["scale"] == {"zero": False}


def test_probability_bars_error_bars_are_p_minus_and_plus_se():
    frame = pd.DataFrame(
        {"index": ["PAPI", "PAPI"], "series": ["Plan", "BAU"], "p": [0.4, 0.25], "se": [0.05, 0.02]}
    )
    spec = charts.probability_bars(frame, "en", False, [charts.PLAN, charts.BAU])
    rows = spec["data"]["values"]
    assert [(r["lo"], r["hi"]) for r in rows] == [pytest.approx((0.35, 0.45)), pytest.approx((0.23, 0.27))]
    err = _layer(spec, "rule")[0]
    assert (err["encoding"]["y"]["field"], err["encoding"]["y2"]["field"]) == ("lo", "hi")
    assert err["mark"]["color"] == "currentColor"
    assert spec["layer"][0]["encoding"]["color"]["scale"] == {
        "domain": ["Plan", "BAU"],
        "range": [charts.PLAN, charts.BAU],
    }
    compare = charts.probability_bars(frame, "en")
    assert compare["layer"][0]["encoding"]["color"]["scale"] == {
        "domain": ["Plan", "BAU"],
        "scheme": "tableau10",
    }


def test_components_wrap_long_names_and_size_rows(evaluation):
    r = evaluation.result.indices["papi"]
    comps = report.components_frame(r, evaluation.scenario.indices["papi"], "vi")
    spec = charts.components_chart(comps, "vi")
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"] == {"labelLimit": 0, "labelExpr": "split(datum.label, '\\n')"}
    labels = [row["label"] for row in spec["data"]["values"]]
    assert y["sort"] == labels and all(
        len(line) <= charts.LABEL_WIDTH for s in labels for line in s.split("\n")
    )
    rows = max(s.count("\n") + 1 for s in labels)
    assert rows > 1 and spec["height"] == (20 + 14 * rows) * len(labels)
    assert [layer["mark"]["color"] for layer in spec["layer"]] == [
        charts.MAXIMUM,
        charts.PLAN,
        "currentColor",
    ]


def test_heatmap_rows_columns_and_focal_box(standings):
    spec = field_tab.heatmap(standings, "vi", "Cần Thơ")
    cells = spec["layer"][0]
    assert len(cells["data"]["values"]) == standings.n_units * len(field_tab._columns(standings, "vi"))
    order = [standings.units[j] for j in np.argsort(standings.expected_rank(), kind="stable")]
    assert cells["encoding"]["y"]["sort"] == order
    assert cells["encoding"]["color"]["scale"] == {"domain": [0, 1], "scheme": "blues"}
    box = spec["layer"][2]
    assert box["data"]["values"] == [{"unit": "Cần Thơ"}] and box["mark"]["stroke"] == charts.TARGET
    assert box["mark"]["fill"] is None
    assert len(field_tab.heatmap(standings, "vi", None)["layer"]) == 2
    assert spec["height"] == 26 * standings.n_units
    shown = {row["shown"] for row in cells["data"]["values"]}
    assert any("," in v for v in shown) and all(v.endswith("\u00a0%") or v.endswith(" %") for v in shown)


def test_reference_histogram_counts_every_case_and_marks_the_plan(evaluation):
    view = outside_panel.insights.outside(evaluation, "papi")
    spec = outside_panel.reference_histogram(view, "en", True)
    bars = spec["layer"][0]["data"]["values"]
    assert len(bars) == outside_panel.BINS
    assert sum(row["n"] for row in bars) == len(view.reference.values)
    assert all(a["hi"] == pytest.approx(b["lo"]) for a, b in itertools.pairwise(bars))
    rule = spec["layer"][1]
    assert rule["data"]["values"][0]["g"] == pytest.approx(view.gain_mean)
    assert bars[0]["lo"] <= view.gain_mean <= bars[-1]["hi"]
    assert rule["mark"]["color"] == charts.TARGET and spec["height"] == 260


def test_decisions_charts(evaluation, standings):
    specs = all_specs(evaluation, standings, "vi", False)
    tornado = specs["tornado"]
    assert tornado["height"] == {"step": 24}
    assert tornado["layer"][0]["encoding"]["y"]["sort"] == ["Nhóm A", "Nhóm B"]
    assert tornado["layer"][1]["mark"] == {"type": "rule", "color": "black"}
    rule = _layer(specs["frontier"], "rule")[0]
    assert rule["data"]["values"] == [{"budget": 10.0}] and rule["mark"]["strokeDash"] == [4, 4]
    sobol = specs["sobol"]
    assert sobol["height"] == 72 and sobol["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 1.05]}
    assert sobol["layer"][0]["encoding"]["y"]["sort"] == ["local", "national"]


def test_predecessors_dash_only_the_combined_series(evaluation):
    spec = charts.predecessors_chart(_predecessors(evaluation, "papi", "en"), "en")
    rows = spec["data"]["values"]
    assert {row["series"] for row in rows if row["combined"]} == {tr("c_combined", "en")}
    assert {"Cần Thơ", "Hậu Giang", "Sóc Trăng"} <= {row["series"] for row in rows}
    assert all(not math.isnan(row["score"]) for row in rows)
    assert spec["encoding"]["strokeDash"]["scale"] == {"range": [[1, 0], [6, 3]]}


def test_the_app_draws_charts_without_altair():
    """No chart library on the server: importing every module that draws leaves Altair unloaded."""
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from app import charts, decisions_tab, field_tab, outside_panel, panels, views;"
        "print('altair' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_shown_specs_carry_their_data_as_named_datasets_and_stay_the_same_across_a_move(evaluation):
    """A lever's move changes only the datasets: the browser swaps the data in place, no new chart."""
    r, b = evaluation.result.indices["papi"], evaluation.bau.indices["papi"]
    past = evaluation.histories["papi"].unit_series(evaluation.scenario.province)
    fan = report.fan_frame(past, evaluation.scenario.year, r, b)
    spec = charts.fan_chart(fan, "score", r.target_score, r.n_units, "vi")
    before = json.dumps(spec, sort_keys=True)
    shown = charts.named_data(spec)
    assert json.dumps(spec, sort_keys=True) == before  # the builder's spec is left as it was
    assert [layer["data"] for layer in shown["layer"]] == [
        {"name": "d0"},
        {"name": "d0"},
        {"name": "d1"},
        {"name": "d2"},
    ]
    assert shown["datasets"] == {
        "d0": spec["layer"][0]["data"]["values"],  # the band and its median line share one dataset
        "d1": spec["layer"][2]["data"]["values"],
        "d2": [{"t": r.target_score}],
    }
    moved = charts.fan_chart(fan.assign(mid=fan["mid"] + 1.0), "score", r.target_score, r.n_units, "vi")
    assert moved != spec
    strip = {k: v for k, v in charts.named_data(moved).items() if k != "datasets"}
    assert strip == {k: v for k, v in shown.items() if k != "datasets"}
    bars = charts.components_chart(
        report.components_frame(r, evaluation.scenario.indices["papi"], "vi"), "vi"
    )
    named = charts.named_data(bars)
    assert named["data"] == {"name": "d0"} and named["datasets"]["d0"] == bars["data"]["values"]


def test_datasets_go_as_arrow_tables_with_every_row_and_key():
    rows = [{"a": 1, "b": "x"}, {"a": 2.5, "c": None}, {"b": "y"}]
    table = charts.arrow(rows)
    assert table.column_names == ["a", "b", "c"]
    assert table.to_pylist() == [
        {"a": 1.0, "b": "x", "c": None},
        {"a": 2.5, "b": None, "c": None},
        {"a": None, "b": "y", "c": None},
    ]
    assert charts.arrow([]).num_rows == 0
