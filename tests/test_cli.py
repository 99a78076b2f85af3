"""The command-line contract (DESIGN §4): exit codes, one-line errors, JSON keys, CSV columns."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "can_tho_2021.toml"
PLAN_V1 = ROOT / "tests" / "data" / "can_tho_2021_v1.toml"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_check_ok() -> None:
    out = cli("check", str(PLAN))
    assert out.returncode == 0 and "Cần Thơ 2021" in out.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[plan]\nprovince = "Can Thoo"\nyear = 2021\n', "plan.province: unknown province 'Can Thoo'"),
        ("", "is empty"),
        ("[plan\n", "is not valid TOML"),
    ],
)
def test_check_bad_plan_one_line_exit_2(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, "utf-8")
    out = cli("check", str(bad))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr and "Traceback" not in out.stderr
    assert str(bad) in out.stderr


def test_completion_above_one_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "plan.toml"
    bad.write_text(PLAN_V1.read_text("utf-8").replace("planned = 0.95", "planned = 1.5", 1), "utf-8")
    out = cli("run", str(bad), "--draws", "100")
    assert out.returncode == 2
    assert "indices.par_index.groups[0].planned: 1.5 is outside [0, 1]" in out.stderr
    bad.write_text(PLAN.read_text("utf-8").replace("planned = 95", "planned = 150", 1), "utf-8")
    out = cli("run", str(bad), "--draws", "100")
    assert out.returncode == 2
    assert "indices.par_index.groups.g1_direction.planned: 150 is outside [0, 100]" in out.stderr


def test_run_json_contract() -> None:
    out = cli("run", str(PLAN), "--draws", "2000", "--seed", "7", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {"scenario", "seed", "draws", "indices"} <= set(doc)
    assert doc["seed"] == 7 and doc["draws"] == 2000
    assert set(doc["indices"]) == {"par_index", "sipas", "papi"}
    for index in doc["indices"].values():
        assert {"score", "rank", "targets", "p_score", "p_rank", "p_both", "mc_se"} <= set(index)
        assert set(index["score"]) >= {"mean", "p05", "p50", "p95"}
        assert set(index["rank"]) >= {"p05", "p50", "p95", "pmf"} and len(index["rank"]["pmf"]) == 63
        assert set(index["targets"]) == {"score", "rank"}
        assert 0 <= index["p_both"] <= index["p_score"] <= 1
    again = cli("run", str(PLAN), "--draws", "2000", "--seed", "7", "--json")
    assert again.stdout == out.stdout


def test_run_table_in_both_languages() -> None:
    vi = cli("run", str(PLAN), "--draws", "1000")
    en = cli("run", str(PLAN), "--draws", "1000", "--lang", "en")
    assert vi.returncode == en.returncode == 0
    assert "P(đạt cả hai)" in vi.stdout and "Mục tiêu: ≥ 86,00" in vi.stdout
    assert "P(both)" in en.stdout and "Target: ≥ 86.00" in en.stdout


def test_forecast_csv_columns() -> None:
    out = cli("forecast", "--index", "papi", "--year", "2021", "--draws", "2000", "--csv")
    assert out.returncode == 0, out.stderr
    header, *rows = out.stdout.strip().splitlines()
    assert header.split(",")[:8] == [
        "unit",
        "score_mean",
        "score_p05",
        "score_p50",
        "score_p95",
        "rank_p05",
        "rank_p50",
        "rank_p95",
    ]
    assert len(rows) == 63


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "missing.toml"), "missing.toml: cannot be read"),
        (("run", str(PLAN), "--draws", "0"), "must be at least 1"),
        (("run", str(PLAN), "--seed", "x"), "is not a whole number"),
        (("forecast", "--index", "gdp", "--year", "2021"), "invalid choice"),
        (("backtest", "--index", "papi", "--years", "2020-2013"), "--years"),
        (("backtest", "--index", "papi", "--years", "soon"), "--years"),
    ],
)
def test_bad_arguments_exit_2(args: tuple[str, ...], message: str) -> None:
    out = cli(*args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
