"""The field view: rank pmfs over 34 (and 63) units, bands, score probabilities and the CLI."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.__main__ import main
from simulator.standings import Standings, field_standings


@pytest.fixture(scope="module")
def papi_2026() -> Standings:
    return field_standings("papi", 2026, draws=3000, rng=7, threshold=45.0)


def test_rank_pmfs_over_34_units(papi_2026: Standings) -> None:
    st = papi_2026
    assert st.n_units == 34 and st.rank_pmf.shape == (34, 34) and st.seed == 7
    assert np.allclose(st.rank_pmf.sum(axis=1), 1.0)
    # continuous scores never tie: every draw is a permutation, so each rank is held once
    assert np.allclose(st.rank_pmf.sum(axis=0), 1.0)
    bands = st.bands()
    assert list(bands) == ["top5", "top10", "top15", "top20", "bottom10", "bottom5"]
    assert bands["top5"].sum() == pytest.approx(5.0) and bands["bottom5"].sum() == pytest.approx(5.0)
    assert np.all(bands["top5"] <= bands["top10"] + 1e-12) and np.all(
        bands["bottom5"] <= bands["bottom10"] + 1e-12
    )
    assert st.expected_rank().sum() == pytest.approx(34 * 35 / 2)


def test_field_of_2024_ranks_63(papi_2026: Standings) -> None:
    st = field_standings("papi", 2024, draws=500, rng=1)
    assert st.n_units == 63 and np.allclose(st.rank_pmf.sum(axis=0), 1.0)
    assert st.p_score is None and "Sóc Trăng" in st.units and "Sóc Trăng" not in papi_2026.units


def test_bands_known_answer() -> None:
    n = 34
    pmf = np.eye(n)  # unit p always ranks p + 1
    st = Standings(
        "papi", 2026, tuple(f"u{i}" for i in range(n)), 10, 0, pmf, np.zeros(n), np.zeros((3, n)), None, None
    )
    bands = st.bands()
    assert bands["top5"].tolist() == [1.0] * 5 + [0.0] * 29
    assert bands["top20"].tolist() == [1.0] * 20 + [0.0] * 14
    assert bands["bottom10"].tolist() == [0.0] * 24 + [1.0] * 10
    assert bands["bottom5"].tolist() == [0.0] * 29 + [1.0] * 5
    assert st.to_frame()["unit"].tolist()[:2] == ["u0", "u1"]


def test_score_probability_and_reproducibility(papi_2026: Standings) -> None:
    again = field_standings("papi", 2026, draws=3000, rng=7, threshold=45.0)
    assert np.array_equal(again.rank_pmf, papi_2026.rank_pmf)
    frame = papi_2026.to_frame()
    assert "p_score_ge_45" in frame.columns
    # P(score >= 45) moves with the score median: above 45 -> more than 1/2, below -> less
    med, p = papi_2026.score_q[1], papi_2026.p_score
    assert np.all(p[med > 45.5] > 0.5) and np.all(p[med < 44.5] < 0.5)
    assert field_standings("par_index", 2026, draws=200, rng=0).threshold == 90.0  # grade A


def test_cli_field_csv_and_bad_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["field", "--index", "papi", "--year", "2026", "--draws", "400", "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("unit,score_mean,score_p05,score_p50,score_p95,rank_mean,p_top5")
    assert len(lines) == 35
    with pytest.raises(SystemExit) as stop:  # refused by the argument parser, before any import
        main(["field", "--index", "papi", "--year", "2031"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["python -m simulator field: argument --year: 2031 is above the limit of 2030"]
