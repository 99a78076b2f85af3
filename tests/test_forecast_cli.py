"""The forecast CLI's new columns and --table rules, the league rank widths, the group-A point."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from simulator.__main__ import main
from simulator.errors import InputError
from simulator.history import PAPI_DIMENSIONS, load_history, merge_results_table
from simulator.league import GROUP_A_THRESHOLD, _blom, _field_points
from simulator.rank_width import league_rank_width, uniform_rank_width


@pytest.fixture
def cli(capsys):
    """Run ``python -m simulator ARGS`` in-process: return code, stdout and stderr."""

    def run(*args: str) -> SimpleNamespace:
        code = main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return run


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_forecast_csv_has_the_extra_quantiles_in_order(cli) -> None:
    out = cli("forecast", "--index", "papi", "--year", "2026", "--draws", "1000", "--csv")
    assert out.returncode == 0, out.stderr
    header, *rows = out.stdout.strip().splitlines()
    cols = header.split(",")
    assert cols[8:12] == ["score_p10", "score_p25", "score_p75", "score_p90"]
    at = {c: i for i, c in enumerate(cols)}
    order = ["score_p05", "score_p10", "score_p25", "score_p50", "score_p75", "score_p90", "score_p95"]
    for row in rows:
        values = [float(row.split(",")[at[c]]) for c in order]
        assert values == sorted(values)
    assert len(rows) == 34  # the 2026 field: the 34 units from 1 July 2025


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tỉnh,năm,điểm,xếp hạng\nCần Thơ,2020,84.00,30\n", "Cần Thơ 2020: score 84 contradicts the shipped 83.76"),
        ("tỉnh,năm,điểm\nCần Thơ,2023,84.00\n", "Cần Thơ 2023: the table gives results for the forecast year"),
        ("tỉnh,năm,điểm,xếp hạng\nCần Thơ,2022,86.5,27\n", "Cần Thơ 2022: rank 27 contradicts the shipped 26"),
    ],
)
def test_table_contradicting_shipped_data_or_giving_the_answer_is_one_line_exit_2(cli, tmp_path, text, message):
    path = _csv(tmp_path, "par.csv", text)
    out = cli("forecast", "--index", "par_index", "--year", "2023", "--draws", "500", "--table", str(path))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]


def test_table_merges_papi_dimensions_and_rounded_agreeing_rows(tmp_path) -> None:
    shipped = load_history("papi")
    dims = ",".join(PAPI_DIMENSIONS)
    values = ",".join(["5.5"] * 8)
    text = f"province,year,total,rank,{dims}\nCần Thơ,2022,39.97,55,\nCần Thơ,2023,44.0,,{values}\n"
    path = _csv(tmp_path, "papi.csv", text)
    merged = merge_results_table(shipped, path, 2024)
    row = merged.observations.query("year == 2023 and unit == 'Cần Thơ'").iloc[0]
    assert row["score"] == 44.0 and row["d8_egovernance"] == 5.5
    assert merged.observations.query("year == 2022 and unit == 'Cần Thơ'")["score"].item() == 39.97
    with pytest.raises(InputError, match="Cần Thơ 2023: the table gives results for the forecast year"):
        merge_results_table(shipped, path, 2023)
    wrong = _csv(tmp_path, "bad.csv", f"province,year,total,{dims}\nCần Thơ,2022,39.97,{values}\n")
    with pytest.raises(InputError, match=r"Cần Thơ 2022: d1_participation 5\.5 contradicts the shipped 3\.71"):
        merge_results_table(shipped, wrong, 2024)


def test_forecast_origin_option_and_its_validation(cli) -> None:
    out = cli("forecast", "--index", "papi", "--year", "2024", "--origin", "2020", "--draws", "500", "--csv")
    assert out.returncode == 0, out.stderr
    bad = cli("forecast", "--index", "papi", "--year", "2024", "--origin", "2024", "--draws", "500")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "origin" in bad.stderr


def test_uniform_rank_width_known_answers() -> None:
    assert uniform_rank_width(63) == 56.0  # ranks 4..60
    assert uniform_rank_width(34) == 31.0  # ranks 2..33
    ranks = np.arange(1, 64)
    lo, hi = np.quantile(ranks, [0.05, 0.95], method="inverted_cdf")
    assert hi - lo == uniform_rank_width(63)


def test_league_rank_width_is_near_uniform_and_narrows_with_a_full_table() -> None:
    res = league_rank_width("par_index", 2023, draws=1000, rng=1)
    assert res.uniform_width == 56.0 and res.n_units == 63
    assert 40.0 <= res.current_width <= 63.0
    assert res.full_table_width < res.current_width
    assert res.papi_full_width < res.papi_league_width
    assert len(res.per_unit) == 63 and (res.per_unit["width"] >= 0).all()
    x, y = round(res.current_width), round(res.full_table_width)
    assert f"from about {x} to about {y} places" in res.message("en")
    assert f"từ khoảng {x} xuống khoảng {y} bậc" in res.message("vi")
    again = league_rank_width("par_index", 2023, draws=1000, rng=1)
    assert again.to_dict() == res.to_dict()
    with pytest.raises(InputError, match="league-regime"):
        league_rank_width("papi", 2023)


def test_group_a_count_places_the_threshold_between_ranks() -> None:
    past = load_history("par_index").before(2022)
    q, y, v = _field_points(past, 2021, 63)
    qa, va = (float(x[0]) for x in _blom(np.array([3.5]), 63))  # 3 provinces at or above 90
    hit = np.flatnonzero(np.isclose(q, qa))
    assert len(hit) == 1 and y[hit[0]] == GROUP_A_THRESHOLD and v[hit[0]] == pytest.approx(va)
    assert float(_blom(np.array([3]), 63)[0][0]) > qa > float(_blom(np.array([4]), 63)[0][0])
