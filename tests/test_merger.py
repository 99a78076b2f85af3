"""The 2025 merger: a history whose number of units changes, and the forecast of the 34 units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.engine import Engine
from simulator.errors import InputError
from simulator.forecast import fit_forecast
from simulator.history import History, load_history
from simulator.merger import (
    MERGER_EDITIONS,
    combination,
    field_forecast,
    field_history,
    merger_terms,
    predecessors_frame,
    pseudo_merger_backtest,
)
from simulator.scenario import load_scenario
from simulator.units import crosswalk, vietnam_63

NEW = ("Cần Thơ", "Sóc Trăng", "Hậu Giang")


def _history(rows: list[tuple[int, str, float, float]]) -> History:
    obs = pd.DataFrame(
        [{"year": y, "unit": u, "score": s, "rank": r, "source": "test"} for y, u, s, r in rows]
    )
    summ = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    return History("par_index", obs, summ, vietnam_63())


def test_history_with_63_units_before_and_34_after() -> None:
    h = _history(
        [(2020, "Cần Thơ", 80.0, 30.0), (2020, "Sóc Trăng", 86.0, 10.0), (2021, "Hậu Giang", 70.0, 60.0)]
    )
    assert field_history(h, 2024) is h  # the 2024 editions rank the 63
    new = field_history(h, 2026)
    assert len(new.units) == 34 and new.summaries.empty
    s = new.unit_series("Cần Thơ")
    # 2020: (80 + 86) / 2, Hậu Giang unknown -> weights renormalised; 2021: Hậu Giang alone
    assert s["score"].tolist() == [83.0, 70.0]
    assert s["rank"].isna().all()  # a rank among 63 is not a rank among 34
    src = new.observations.loc[new.observations["year"] == 2020, "source"].iloc[0]
    assert "2 of 3 predecessors known" in src and "assumption" in src
    with pytest.raises(InputError, match="đã hợp nhất vào thành phố Cần Thơ"):
        new.unit_series("Sóc Trăng")


def test_population_weights_hand_computed() -> None:
    h = _history(
        [(2020, "Cần Thơ", 80.0, 30.0), (2020, "Sóc Trăng", 86.0, 10.0), (2020, "Hậu Giang", 71.0, 60.0)]
    )
    pop = {u: 1.0 for u in vietnam_63().names} | {"Cần Thơ": 2.0, "Sóc Trăng": 1.0, "Hậu Giang": 1.0}
    new = field_history(h, 2025, populations=pop)
    assert new.unit_series("Cần Thơ")["score"].iloc[0] == pytest.approx((2 * 80 + 86 + 71) / 4)
    with pytest.raises(InputError, match=r"populations\.Hậu Giang: a positive population is required"):
        field_history(h, 2025, populations=pop | {"Hậu Giang": 0.0})


def test_combined_ranks_only_in_a_complete_year() -> None:
    names = vietnam_63().names
    scores = np.random.default_rng(0).uniform(50.0, 90.0, 63)
    rows = [(2020, u, float(scores[i]), np.nan) for i, u in enumerate(names)]
    new = field_history(_history(rows), 2026)
    obs = new.observations
    assert len(obs) == 34 and sorted(obs["rank"]) == list(range(1, 35))
    _, a = combination(vietnam_63())
    best = obs.loc[obs["rank"] == 1, "unit"].iloc[0]
    top = int(np.argmax(a @ scores))
    assert best == crosswalk()[top].name


def test_combination_rows_are_weights_of_the_predecessors() -> None:
    merged, a = combination(vietnam_63())
    assert a.shape == (34, 63) and np.allclose(a.sum(axis=1), 1.0)
    assert np.array_equal((a > 0).sum(axis=0), np.ones(63))  # every former province in exactly one unit
    i = [m.name for m in merged].index("Cần Thơ")
    assert {vietnam_63().names[j] for j in np.flatnonzero(a[i])} == set(NEW)
    assert np.allclose(a[i][a[i] > 0], 1 / 3)


@pytest.fixture(scope="module")
def papi() -> History:
    return load_history("papi")


def test_forecast_of_the_34_is_the_combination_of_the_63(papi: History) -> None:
    fc63, fc34 = fit_forecast(papi, 2026), field_forecast(papi, 2026, merger_term=False)
    merged, a = combination(papi.units)
    assert len(fc34.units) == 34 and fc34.units == tuple(m.name for m in merged)
    assert np.allclose(fc34.mean, a @ fc63.mean, atol=1e-9)  # no bound binds at the means
    i, j = fc34.units.index("Hà Nội"), fc63.units.index("Hà Nội")  # unchanged unit: same forecast
    assert fc34.unit_sd[i] == pytest.approx(fc63.unit_sd[j]) and fc34.mean[i] == pytest.approx(fc63.mean[j])
    # same shocks: the combined unit's draws are the weighted mean of its predecessors' draws
    shocks = fc63.draw_shocks(4000, 3)
    y63 = fc63.simulate(shocks=shocks)
    k = fc34.units.index("Cần Thơ")
    combined = y63 @ a[k]
    assert abs(combined.std() - np.sqrt(fc34.unit_sd[k] ** 2 + fc34.common_sd**2)) < 0.1 * combined.std()


def test_merger_term_widens_merged_units_in_the_first_editions_only(papi: History) -> None:
    on, off = field_forecast(papi, 2026), field_forecast(papi, 2026, merger_term=False)
    merged = crosswalk()
    is_merged = np.array([m.merged for m in merged])
    assert np.all(on.unit_sd[is_merged] > off.unit_sd[is_merged])
    assert np.array_equal(on.unit_sd[~is_merged], off.unit_sd[~is_merged])
    assert np.array_equal(on.mean, off.mean)
    assert any("merger term" in note for note in on.assumptions)
    later = field_forecast(papi, 2025 + MERGER_EDITIONS)
    later_off = field_forecast(papi, 2025 + MERGER_EDITIONS, merger_term=False)
    assert np.array_equal(later.unit_sd, later_off.unit_sd)


def test_merger_term_restores_a_single_provinces_variance() -> None:
    fc = fit_forecast(load_history("papi"), 2026)
    merged, a = combination(vietnam_63())
    combined, term = merger_terms(fc, a, merged, 2026)
    k = [m.name for m in merged].index("Cần Thơ")
    tau2 = fc.position_sd[[vietnam_63().index(p) for p in NEW]] ** 2
    assert combined[k] == pytest.approx(tau2.sum() / 9)
    assert combined[k] + term[k] == pytest.approx(tau2.mean())


def test_predecessors_side_by_side(papi: History) -> None:
    frame = predecessors_frame(papi, "TP Cần Thơ")
    assert list(frame.columns) == ["year", *[f"{u} {c}" for u in NEW for c in ("score", "rank")], "combined"]
    row = frame[frame["year"] == 2019].iloc[0]
    assert row["combined"] == pytest.approx(np.mean([row[f"{u} score"] for u in NEW]))


def test_engine_runs_the_new_can_tho_on_a_field_of_34() -> None:
    plan = load_scenario("scenarios/can_tho_2026.toml")
    assert plan.province == "Cần Thơ" and plan.year == 2026
    result = Engine.from_scenario(plan).simulate(2000, 5)
    for index_id, r in result.indices.items():
        assert r.n_units == 34 and r.rank.max() <= 34 and len(r.rank_pmf()) == 34, index_id
    doc = result.to_dict()["indices"]
    assert doc["par_index"]["targets"] == {"score": 90.0, "rank": 17, "kind": "grade"}
    assert doc["papi"]["targets"] == {"score": 45.0, "rank": 24, "kind": "out_of_bottom"}


def test_pseudo_mergers_of_neighbours_are_calibrated_and_the_term_widens(papi: History) -> None:
    bt = pseudo_merger_backtest(papi, (2016, 2017, 2019, 2020), draws=2000, rng=0)
    assert 60 < bt.n <= len(bt.years) * 23  # 23 merged groups a year, a few with a predecessor unknown
    assert 0.8 <= bt.coverage <= 1.0  # a 90 % interval of the combined forecast, no real merger
    assert bt.width_term > bt.width and bt.coverage_term >= bt.coverage
    assert 0.5 < bt.term_points < 2.0  # PAPI points


def test_fit_options_reach_the_forecaster(papi: History) -> None:
    assert field_forecast(papi, 2026, regime="league").regime == "league"
    with pytest.raises(InputError, match="unknown regime"):
        field_forecast(papi, 2026, regime="magic")


def test_a_later_release_of_the_63_is_a_data_only_addition(papi: History) -> None:
    # synthetic full years (not published figures) standing for a later release of the 63-unit table
    last = max(papi.years)
    year = papi.observations[papi.observations["year"] == last].assign(year=last + 1, source="synthetic")
    shifted = year.assign(score=np.where(year["unit"] == "Sóc Trăng", year["score"] + 3.0, year["score"]))
    plain, moved = field_forecast(papi.with_table(year), 2026), field_forecast(papi.with_table(shifted), 2026)
    k, h = plain.units.index("Cần Thơ"), plain.units.index("Hà Nội")
    assert moved.last_score[k] == pytest.approx(plain.last_score[k] + 1.0)  # 3 points of one of three
    assert moved.mean[k] > plain.mean[k] and moved.mean[h] < plain.mean[h] + 0.05
    assert len(field_history(papi.with_table(year), 2026).unit_series("Cần Thơ")) == len(papi.years) + 1
