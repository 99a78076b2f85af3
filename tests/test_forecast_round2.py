"""The round-2 components (docs/forecast.md §0b): level reversion, fitted level scale, pools."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from simulator.backtest import PooledSpec, backtest, pooled_simulate
from simulator.errors import InputError
from simulator.field import level_error_factor, level_walk
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast, rank_draws
from simulator.history import load_history
from tests.test_forecast_candidates import turbulent_panel


def levels_and_steps(values: np.ndarray) -> tuple[list[tuple[int, float]], dict]:
    """Yearly levels from 2000 on and the one-year steps between them, as the panel builds them."""
    levels = [(2000 + j, float(v)) for j, v in enumerate(values)]
    steps = {j: (1, float(values[j] - values[j - 1]), 0.0) for j in range(1, len(values))}
    return levels, steps


def test_level_walk_reverts_by_kappa_to_the_mean_of_the_chained_levels() -> None:
    # levels 4.4, 4.6, 5.0: mean 4.6667; kappa 0.25 moves 5.0 a quarter of the way down
    steps = [(1, 0.2, 0.0), (1, 0.4, 0.0)]
    for kappa, centre in ((0.0, 5.0), (0.25, 5.0 - 0.25 / 3), (1.0, 14.0 / 3)):
        got, var, df = level_walk("papi", (2020, 5.0, 0.0), steps, 2021, drift=False, reversion=kappa)
        assert got == pytest.approx(centre, abs=1e-12)
        assert df == 5.0 and var == pytest.approx((3 * 0.01 + 0.04 + 0.16) / 5)


def test_no_reversion_forecasts_the_last_national_mean() -> None:
    history = load_history("papi")
    last = np.nanmean(history.matrix("score", (2022,))[0])
    fc = fit_forecast(history, 2023, spec=PanelSpec(level_reversion=0.0))
    assert fc.level == pytest.approx(last, abs=1e-9)
    assert fit_forecast(history, 2023).level != pytest.approx(last, abs=0.05)  # the incumbent reverts


@pytest.mark.parametrize(("kappa", "truth"), [(1.0, np.sqrt(0.5)), (0.0, 1.0)])
def test_level_error_factor_recovers_the_known_error_ratio(kappa, truth) -> None:
    # white-noise levels (sd 0.1): steps have variance 2 s^2; the error of a forecast by the mean
    # of past levels has variance s^2 (ratio sqrt(1/2)), the error of "no change" 2 s^2 (ratio 1)
    squares = []
    for seed in range(5):  # five independent series: the ratio's Monte Carlo sd is about 0.02
        values = 5.0 + 0.1 * np.random.default_rng(seed).standard_normal(400)
        levels, steps = levels_and_steps(values)
        factor, n = level_error_factor("papi", levels, steps, drift=False, reversion=kappa)
        assert n == 399
        squares.append(factor**2)
    assert np.sqrt(np.mean(squares)) == pytest.approx(truth, abs=0.06)


def test_level_error_factor_flags_a_reverting_forecast_of_a_random_walk() -> None:
    values = 5.0 + np.cumsum(0.1 * np.random.default_rng(4).standard_normal(300))
    levels, steps = levels_and_steps(values)
    plain, _ = level_error_factor("papi", levels, steps, drift=False, reversion=0.0)
    reverting, _ = level_error_factor("papi", levels, steps, drift=False, reversion=0.5)
    assert plain == pytest.approx(1.0, abs=0.1)
    assert reverting > 1.5  # reverting to a long-gone mean misses by far more than the steps say


def test_fitted_level_scale_multiplies_the_common_shock() -> None:
    history = load_history("papi")
    plain = fit_forecast(history, 2021, spec=PanelSpec())
    fitted = fit_forecast(history, 2021, spec=PanelSpec(level_errors=True))
    ratio = fitted.level_scale / plain.level_scale
    assert fitted.level == plain.level and ratio != pytest.approx(1.0, abs=0.01)
    assert f"multiplied by {ratio:.2f}" in fitted.assumptions[-1]
    np.testing.assert_array_equal(fitted.unit_sd, plain.unit_sd)


def test_spread_shock_of_known_size_is_recovered() -> None:
    fc = fit_forecast(load_history("papi"), 2021, spec=PanelSpec())
    fc = dataclasses.replace(fc, spread_logsd=0.2, coef_chol=np.zeros_like(fc.coef_chol))
    draws, n = 4000, len(fc.units)
    rng = np.random.default_rng(8)
    unit = np.tile(rng.standard_normal(n), (draws, 1))  # the same innovations in every draw
    shocks = ForecastShocks(np.zeros(draws), unit, rng.standard_normal((draws, fc.n_params)))
    sims = fc.simulate(shocks=shocks)
    inside = (sims > fc.bounds[0]) & (sims < fc.bounds[1])
    assert inside.all()
    assert float(np.std(np.log(sims.std(axis=1)))) == pytest.approx(0.2, abs=0.01)


def test_pool_mixes_its_members_draw_by_draw() -> None:
    history = load_history("papi")
    pool = PooledSpec((PanelSpec(), PanelSpec(level_reversion=0.0)))
    assert pool.label == "avg(ar1, ar1-k0)"
    sims, first = pooled_simulate(history, 2021, pool, 1000, 5, 2020)
    other = fit_forecast(history, 2021, origin=2020, spec=pool.members[1])
    shocks = first.draw_shocks(1000, 5)
    np.testing.assert_array_equal(sims[::2], first.simulate(shocks=shocks)[::2])
    np.testing.assert_array_equal(sims[1::2], other.simulate(shocks=shocks)[1::2])
    with pytest.raises(InputError, match="members"):
        PooledSpec((PanelSpec(),))
    table = backtest(history, [2021], draws=500, rng=2, spec=pool).table
    assert table["regime"].iloc[0] == "panel" and 0.0 <= table["coverage90"].iloc[0] <= 1.0


def test_level_reversion_is_validated() -> None:
    with pytest.raises(InputError, match="level_reversion"):
        PanelSpec(level_reversion=1.5)
    assert PanelSpec(level_reversion=0.25, level_errors=True).label == "ar1-k0.25+lerr"


def test_round2_candidates_keep_the_properties_with_34_units() -> None:
    history, _, _ = turbulent_panel(34, range(2010, 2020), phi=0.6, factor_sd=0.2, logvar_sd=0.2, seed=2)
    for spec in (PanelSpec(level_reversion=0.0, level_errors=True), PanelSpec(level_reversion=0.25)):
        fc = fit_forecast(history, 2021, regime="panel", spec=spec)
        table = fc.table(500, 3)
        cols = ["score_p05", "score_p10", "score_p25", "score_p50", "score_p75", "score_p90", "score_p95"]
        assert (np.diff(table[cols].to_numpy(), axis=1) >= 0).all()
        assert len(table) == 34 and table["rank_p05"].min() >= 1 and table["rank_p95"].max() <= 34
        pd.testing.assert_frame_equal(table, fc.table(500, 3))
        ranks = rank_draws(fc.simulate(300, 1))
        assert ranks.min() >= 1 and ranks.max() <= 34
