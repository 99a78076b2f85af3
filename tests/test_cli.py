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
        assert set(index["targets"]) == {"score", "rank", "kind"}
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


HEAVY = ("numpy", "pandas", "scipy", "statsmodels")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", str(PLAN), "--draws", "1000000000"), "--draws: 1000000000 is above the limit of 200000"),
        (("run", str(PLAN), "--draws", "10^9"), "'10^9' is not a whole number"),
        (("run", "missing.toml"), "missing.toml: cannot be read"),
        (("forecast", "--index", "papi", "--year", "9999"), "--year: 9999 is above the limit of 2030"),
        (("optimize", str(PLAN), "--points", "1000000"), "--points: 1000000 is above the limit of 50"),
        (("optimize", str(PLAN), "--budget", "1e308"), "--budget: '1e308' is outside [0, 1e+12]"),
        (("sensitivity", str(PLAN), "--sobol-draws", "10000000"), "above the limit of 50000"),
        (("run", str(PLAN), "--seed", str(2**70)), "a seed is a whole number in 0..9223372036854775807"),
    ],
)
def test_bad_arguments_are_refused_before_the_heavy_imports(args: tuple[str, ...], message: str) -> None:
    """Reproduces issue 11: --draws 10^9 ran out of memory, --points 10^6 hung, each after ~13 s."""
    probe = (
        "import sys\nfrom simulator.__main__ import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit as e:\n    code = e.code\n"
        f"print(code, sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "2 []", out.stdout + out.stderr
    assert message in out.stderr and out.stderr.count("\n") == 1


def test_version_1_and_version_2_plans_give_identical_runs() -> None:
    for v1, v2 in [
        (PLAN_V1, PLAN),
        (PLAN_V1.parent / "can_tho_2021_status_quo_v1.toml", PLAN.parent / "can_tho_2021_status_quo.toml"),
    ]:
        a = cli("run", str(v1), "--draws", "1500", "--seed", "3", "--json")
        b = cli("run", str(v2), "--draws", "1500", "--seed", "3", "--json")
        assert a.returncode == b.returncode == 0, a.stderr + b.stderr
        assert a.stdout == b.stdout


def test_migrate(tmp_path: Path) -> None:
    new = tmp_path / "v2.toml"
    out = cli("migrate", str(PLAN_V1), str(new))
    assert out.returncode == 0, out.stderr
    assert "version = 2" in new.read_text("utf-8")
    again = cli("migrate", str(PLAN_V1), str(new))
    assert again.returncode == 2 and "exists already" in again.stderr
    from simulator.scenario import load_scenario

    assert load_scenario(new).to_dict() == load_scenario(PLAN_V1).to_dict()


def test_names_and_keys_print_escaped(tmp_path: Path) -> None:
    odd = tmp_path / "odd.toml"
    text = PLAN.read_text("utf-8").replace('name = "Kế hoạch', 'name = "\\u001b[2J\\nKế hoạch', 1)
    odd.write_text(text, "utf-8")
    out = cli("run", str(odd), "--draws", "300")
    assert out.returncode == 0 and "\x1b" not in out.stdout and "\\x1b[2J\\nKế hoạch" in out.stdout
    odd.write_text(text.replace("[plan]", '[plan]\n"\\u001b[31m\\nevil" = 1', 1), "utf-8")
    out = cli("check", str(odd))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "\x1b" not in out.stderr
    assert "plan.\\x1b[31m\\nevil: unknown key" in out.stderr
