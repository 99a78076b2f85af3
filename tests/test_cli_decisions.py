"""CLI: sensitivity, goalseek and optimize — exit codes, JSON keys, readable tables."""

from __future__ import annotations

import json

import pytest
from conftest import PLAN

from simulator.__main__ import main

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
        assert {"all_done", "bau_only"} == set(doc["indices"][index_id]["brackets"])
        assert {r["source"] for r in doc["indices"][index_id]["sobol"]} >= {"delivery", "units"}


def test_goalseek_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "goalseek", str(PLAN), *SMALL, "--q", "0.5", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["q"] == 0.5
    assert {"reachable", "delta", "p_both", "se", "best_p_both"} <= set(doc["indices"]["papi"]["uniform"])
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
