"""CLI: sensitivity, goalseek and optimize — exit codes, JSON keys, readable tables."""

from __future__ import annotations

import json

import pytest
from conftest import PLAN

from simulator.__main__ import main
from simulator.allocation import HOLDOUT_STREAM

SMALL = ["--draws", "400", "--seed", "1"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sensitivity_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sensitivity", str(PLAN), *SMALL, "--sobol-draws", "200", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["seed"] == 1 and doc["draws"] == 400
    for index_id in ("par_index", "sipas", "papi"):
        rows = doc["indices"][index_id]["tornado"]
        assert rows and {"group", "delta_p_both_up", "delta_p_both_down"} <= set(rows[0])
        errors = {"p_both_up", "p_both_down", "se_delta_p_both_up", "swing_p_both", "se_swing_p_both"}
        assert errors <= set(rows[0]) and all(r["se_swing_p_both"] >= 0 for r in rows)
        assert {"all_done", "bau_only"} == set(doc["indices"][index_id]["brackets"])
        assert {r["source"] for r in doc["indices"][index_id]["sobol"]} >= {"delivery", "units"}


def test_goalseek_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "goalseek", str(PLAN), *SMALL, "--q", "0.5", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["q"] == 0.5
    assert {"reachable", "delta", "p_both", "se", "best_p_both", "se_best"} <= set(
        doc["indices"]["papi"]["uniform"]
    )
    code, out, _ = run(capsys, "goalseek", str(PLAN), *SMALL)
    assert code == 0 and "Nhóm (một mình)" in out and "Mức cần" in out


def test_optimize_json_default_budget(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimize", str(PLAN), *SMALL, "--points", "3", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"budget", "cost", "allocation", "p_both_plan", "p_both_optimised", "frontier"} <= set(doc)
    assert doc["budget"] == 54.0 and doc["cost"] <= 54.0 + 1e-9
    assert set(doc["allocation"]) == {"par_index", "sipas", "papi"}
    assert all({"budget", "p_both"} <= set(f) for f in doc["frontier"])
    values = [f["p_both"] for f in doc["frontier"]]
    assert values == sorted(values)
    fresh = doc["fresh"]  # the same figures re-estimated on fresh draws, a child of the seed
    assert fresh["seed"] == 1 and fresh["draws"] == 400 and fresh["spawn_key"] == [HOLDOUT_STREAM]
    assert set(fresh["p_both_optimised"]) == set(fresh["se_optimised"]) == {"par_index", "sipas", "papi"}
    assert {"gain", "se_gain", "marginal_value", "se_marginal", "objective_optimised"} <= set(fresh)
    assert [f["budget"] for f in fresh["frontier"]] == [f["budget"] for f in doc["frontier"]]
    assert all(f["se"] > 0 for f in fresh["frontier"]) and {"se_plan", "se_marginal"} <= set(doc)
    code, again, _ = run(capsys, "optimize", str(PLAN), *SMALL, "--points", "3", "--json")
    assert json.loads(again)["fresh"] == fresh


def test_optimize_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "optimize",
        str(PLAN),
        *SMALL,
        "--points",
        "3",
        "--budget",
        "60",
        "--index",
        "papi",
        "--lang",
        "en",
    )
    assert code == 0 and "Efficient frontier" in out and "Budget: 60.00" in out
    assert "Re-estimated on 400 fresh draws (seed 1" in out and "±" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["optimize", str(PLAN), "--budget", "-5"],
        ["optimize", str(PLAN), "--weights", "papi=x"],
        ["optimize", str(PLAN), "--weights", "nope=1"],
        ["optimize", "missing.toml"],
        ["goalseek", str(PLAN), "--q", "1.5"],
        ["sensitivity", str(PLAN), "--step", "0"],
        ["sensitivity", str(PLAN), "--draws", "0"],
    ],
)
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        code = main([*argv, *SMALL[2:]])
        raise SystemExit(code)
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err


def test_run_exports_the_same_files_as_the_app(tmp_path, capsys, plan, engine) -> None:
    from simulator import report

    paths = {k: tmp_path / f"out.{k}" for k in ("csv", "xlsx", "html")}
    code, _, err = run(
        capsys, "run", str(PLAN), "--draws", "600", "--seed", "5", "--lang", "en",
        *(a for k, p in paths.items() for a in (f"--{k}", str(p))),
    )  # fmt: skip
    assert code == 0, err
    unc = engine.uncertainties(600, 5)
    result, bau = engine.run(unc, plan), engine.run(unc, plan.at_bau())
    notes = report.run_notes(plan, result, {i: engine.forecasts[i].assumptions for i in plan.indices}, "en")
    assert paths["csv"].read_bytes() == report.to_csv(plan, result, bau)
    from simulator.outside_view import outside_views

    views = outside_views(engine, unc, plan, result)
    brief = report.html_brief(plan, result, bau, notes=notes, lang="en", views=views)
    assert paths["html"].read_text("utf-8") == brief
    assert "Outside view" in brief and "Base rate" in brief
    import io

    import pandas as pd

    ours = pd.read_excel(paths["xlsx"], sheet_name=None)
    app = pd.read_excel(
        io.BytesIO(report.to_xlsx(plan, result, bau, notes=notes, lang="en")), sheet_name=None
    )
    assert ours.keys() == app.keys()
    for name in ours:
        pd.testing.assert_frame_equal(ours[name], app[name])


def test_run_set_levels(capsys) -> None:
    code, out, _ = run(capsys, "run", str(PLAN), *SMALL, "--json", "--set", "all=100")
    full = json.loads(out)["indices"]["papi"]["p_both"]
    code2, out2, _ = run(capsys, "run", str(PLAN), *SMALL, "--json", "--set", "papi.all=0")
    low = json.loads(out2)["indices"]["papi"]["p_both"]
    assert code == code2 == 0 and full > low
    code, _, err = run(capsys, "run", str(PLAN), *SMALL, "--set", "papi.nope=50")
    assert code == 2 and "--set papi.nope: names no task group" in err
