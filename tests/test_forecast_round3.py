"""The round-3 components (docs/forecast.md §0c): t unit innovations, widening, dimension models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.backtest import backtest
from simulator.dimension_panel import dimension_positions
from simulator.errors import InputError
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast, rank_draws
from simulator.history import PAPI_DIMENSIONS, History, load_history
from simulator.panel import WIDENING_PRIOR_WEIGHT, position_error_ratio
from simulator.units import UnitRegistry

Q90 = stats.norm.ppf(0.95)


def ar1_positions(n: int, years: int, phi: float, draw, seed: int) -> np.ndarray:
    """A stationary AR(1) panel ``(years, n)`` with unit-variance innovations from ``draw(rng, n)``."""
    rng = np.random.default_rng(seed)
    z = np.empty((years, n))
    z[0] = rng.standard_normal(n)
    for t in range(1, years):
        z[t] = phi * z[t - 1] + np.sqrt(1 - phi**2) * draw(rng, n)
    return z


def t_unit(df: float):
    """Student-t draws with ``df`` degrees of freedom scaled to unit variance."""
    return lambda rng, n: rng.standard_t(df, n) * np.sqrt((df - 2) / df)


def dimension_history(
    n: int, years: range, phis, loadings, corr: np.ndarray, seed: int, *, missing_last: int = 0
) -> tuple[History, np.ndarray]:
    """A PAPI-like panel of ``len(phis)`` dimensions and its total, plus the next year's dimensions.

    Dimension ``d`` is ``5 + loadings[d] z^d`` with ``z^d`` a stationary AR(1) (persistence
    ``phis[d]``) whose innovations are correlated across dimensions by ``corr``. The last
    ``missing_last`` units have no values in the last year. Returns the history and the values of
    the year after it ``(n, D)``, drawn from the same process and not in the history.
    """
    rng = np.random.default_rng(seed)
    phis, loadings = np.asarray(phis), np.asarray(loadings)
    d = len(phis)
    chol = np.linalg.cholesky(corr)
    z = rng.standard_normal((n, d)) @ chol.T
    names = tuple(f"Unit {i:04d}" for i in range(n))
    cols = list(PAPI_DIMENSIONS[:d])
    frames = []
    for j, year in enumerate([*years, years[-1] + 1]):
        if j:
            z = phis * z + np.sqrt(1 - phis**2) * (rng.standard_normal((n, d)) @ chol.T)
        values = 5.0 + loadings * z
        frame = pd.DataFrame(values, columns=cols).assign(year=year, unit=names, source="synthetic")
        if year == years[-1] and missing_last:
            frame.loc[n - missing_last :, cols] = np.nan
        frames.append(frame.assign(score=frame[cols].sum(axis=1, min_count=d)))
    obs = pd.concat(frames[:-1], ignore_index=True).assign(rank=np.nan)
    summaries = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    history = History("papi", obs, summaries, UnitRegistry(names))
    return history, frames[-1][cols].to_numpy()


# --- Student-t unit innovations --------------------------------------------------------------


def test_t_unit_innovations_have_unit_variance_and_t_tails() -> None:
    plain = fit_forecast(load_history("papi"), 2021)
    heavy = fit_forecast(load_history("papi"), 2021, spec=PanelSpec(unit_df=5.0))
    draws, n = 40000, len(plain.units)
    rng = np.random.default_rng(3)
    shocks = ForecastShocks(
        np.zeros(draws), rng.standard_normal((draws, n)), np.zeros((draws, plain.n_params))
    )
    for fc, quantile in ((plain, stats.norm.ppf), (heavy, lambda p: stats.t.ppf(p, 5) * np.sqrt(3 / 5))):
        u = ((fc.simulate(shocks=shocks) - fc.mean) / fc.unit_sd).ravel()
        assert np.var(u) == pytest.approx(1.0, abs=0.02)
        for p in (0.95, 0.995):
            assert np.quantile(np.abs(u), p) == pytest.approx(quantile(0.5 + p / 2), rel=0.02)
    zero = ForecastShocks(np.zeros(5), np.zeros((5, n)), np.zeros((5, heavy.n_params)))
    np.testing.assert_array_equal(heavy.simulate(shocks=zero), np.broadcast_to(heavy.mean, (5, n)))


def test_unit_df_is_validated_and_labelled() -> None:
    with pytest.raises(InputError, match="unit_df"):
        PanelSpec(unit_df=2.0)
    with pytest.raises(InputError, match="dimension_models"):
        PanelSpec(dimension_models=True, unit_mean="equal")
    assert PanelSpec(unit_df=5.0, widening=True, dimension_models=True).label == "ar1+t5+wid+dims"


# --- conformal widening ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draw", "truth"),
    [
        (lambda rng, n: rng.standard_normal(n), 1.0),
        (t_unit(3.0), stats.t.ppf(0.95, 3) / np.sqrt(3.0) / Q90),  # 0.83: t3 is too narrow at 90 %
    ],
)
def test_position_error_ratio_recovers_a_known_miscalibration(draw, truth) -> None:
    years = 60
    z = ar1_positions(1000, years, 0.6, draw, seed=11)
    ratio, origins = position_error_ratio(z, tuple(range(2000, 2000 + years)))
    assert origins == years - 2
    w0 = WIDENING_PRIOR_WEIGHT
    expected = np.sqrt((w0 + origins * truth**2) / (w0 + origins))
    assert ratio == pytest.approx(expected, abs=0.02)


def test_position_error_ratio_shrinks_to_one_with_few_origins_and_wider_errors() -> None:
    z = ar1_positions(4000, 4, 0.6, lambda rng, n: 2.0 * rng.standard_normal(n), seed=2)
    z[3] = 0.6 * z[2] + 2.0 * 0.8 * np.random.default_rng(9).standard_normal(4000)  # last year twice as noisy
    ratio, origins = position_error_ratio(z, (2000, 2001, 2002, 2003))
    assert origins == 2
    # origin 2001 (fitted on one pair) sees errors of the calm process, origin 2002 errors twice as
    # large as its fit's residuals: the pooled 90 % quantile is between, then shrunk with w0 = 3
    assert 1.0 < ratio < np.sqrt((WIDENING_PRIOR_WEIGHT + 2 * 2.0**2) / (WIDENING_PRIOR_WEIGHT + 2))
    assert position_error_ratio(z[:2], (2000, 2001)) == (1.0, 0)


def positions_history(z: np.ndarray, first_year: int) -> History:
    """A SIPAS-like full panel with scores ``70 + 5 z`` (rows of ``z`` are years), no dimensions."""
    names = tuple(f"Unit {i:03d}" for i in range(z.shape[1]))
    rows = [
        {"year": first_year + j, "unit": u, "score": 70 + 5 * v}
        for j in range(z.shape[0])
        for u, v in zip(names, z[j], strict=True)
    ]
    obs = pd.DataFrame(rows).assign(rank=np.nan, source="synthetic")
    summaries = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    return History("sipas", obs, summaries, UnitRegistry(names))


def test_widening_multiplies_every_unit_innovation_by_the_reported_ratio() -> None:
    history = positions_history(ar1_positions(300, 30, 0.6, t_unit(3.0), seed=4), 2000)
    plain = fit_forecast(history, 2030, regime="panel")
    wide = fit_forecast(history, 2030, regime="panel", spec=PanelSpec(widening=True))
    ratio = wide.position_sd / plain.position_sd
    assert np.ptp(ratio) < 1e-12
    truth = stats.t.ppf(0.95, 3) / np.sqrt(3.0) / Q90
    assert ratio[0] == pytest.approx(np.sqrt((3 + 28 * truth**2) / 31), abs=0.04)
    assert f"multiplied by {ratio[0]:.2f}" in wide.assumptions[-1]
    np.testing.assert_array_equal(wide.mean, plain.mean)


# --- dimension-level models summed -----------------------------------------------------------


def test_two_dimension_panel_sums_to_the_right_forecast_variance() -> None:
    corr = np.array([[1.0, 0.7], [0.7, 1.0]])
    phis, loadings = (0.8, 0.3), (1.0, 2.0)
    history, nxt = dimension_history(4000, range(2005, 2013), phis, loadings, corr, seed=1, missing_last=1000)
    years = tuple(range(2005, 2013))
    spread = float(np.nanstd(history.matrix("score", (2012,))[0], ddof=1))
    part = dimension_positions(history, years, 2013, spread)
    np.testing.assert_allclose(part["coef"], phis, atol=0.02)
    # the oracle: next year's realised deviation from its mean, against the prediction
    total = nxt.sum(axis=1)
    deviation = total - total.mean() - spread * (part["design"] @ part["coef"])
    seen, gap2 = slice(0, 3000), slice(3000, 4000)
    for group in (seen, gap2):
        realised = np.var(deviation[group])
        forecast = np.mean((spread * part["position_sd"][group]) ** 2)
        assert forecast == pytest.approx(realised, rel=0.1)
    # ignoring the correlation (0.7) would miss by far more than the tolerance
    sd = np.sqrt(1 - np.square(phis)) * loadings
    assert sd @ corr @ sd > 1.3 * (sd @ sd)


def test_dimension_models_need_dimension_scores() -> None:
    fc = fit_forecast(load_history("papi"), 2021, spec=PanelSpec(dimension_models=True))
    assert fc.coef.shape == (8,) and "8 dimensions" in fc.assumptions[-1]
    history = positions_history(
        ar1_positions(40, 5, 0.6, lambda rng, n: rng.standard_normal(n), seed=1), 2016
    )
    with pytest.raises(InputError, match="dimension"):
        fit_forecast(history, 2021, regime="panel", spec=PanelSpec(dimension_models=True))


def test_dimension_models_at_the_2018_break_add_the_new_dimensions_variance() -> None:
    papi = load_history("papi")
    fc = fit_forecast(papi, 2018, spec=PanelSpec(dimension_models=True))
    assert fc.coef.shape == (6,)
    plain = fit_forecast(papi, 2018)
    assert fc.spread == plain.spread and fc.level == plain.level
    # the 2 new dimensions add S_T^2 - s_last^2 = S_T^2 / 4 to every unit's variance
    assert np.min(fc.position_sd**2) >= 0.25


@pytest.mark.parametrize(
    "spec", [PanelSpec(unit_df=5.0), PanelSpec(widening=True), PanelSpec(dimension_models=True)]
)
def test_round3_candidates_keep_the_properties_with_34_units(spec) -> None:
    corr = np.full((6, 6), 0.4) + 0.6 * np.eye(6)
    history, _ = dimension_history(34, range(2008, 2017), [0.6] * 6, [0.5] * 6, corr, seed=7)
    fc = fit_forecast(history, 2017, spec=spec)
    table = fc.table(500, 3)
    cols = ["score_p05", "score_p10", "score_p25", "score_p50", "score_p75", "score_p90", "score_p95"]
    assert (np.diff(table[cols].to_numpy(), axis=1) >= 0).all()
    assert len(table) == 34 and table["rank_p05"].min() >= 1 and table["rank_p95"].max() <= 34
    pd.testing.assert_frame_equal(table, fc.table(500, 3))
    ranks = rank_draws(fc.simulate(300, 1))
    assert ranks.min() >= 1 and ranks.max() <= 34
    res = backtest(history, [2016], draws=300, rng=1, spec=spec).table
    assert 0.0 <= res["coverage90_persistence"].iloc[0] <= 1.0
