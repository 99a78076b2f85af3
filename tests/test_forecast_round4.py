"""The round-4 components (docs/forecast.md §0d): pools of a panel model with persistence."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.backtest import backtest
from simulator.errors import InputError
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast, rank_draws
from simulator.history import History, load_history
from simulator.merger import field_forecast
from simulator.panel import fit_panel
from simulator.pooling import (
    FALLBACK_WEIGHT,
    QUANTILE_LEVELS,
    best_weight,
    mixture_quantiles,
    moments,
    persistence_forecast,
)
from simulator.units import UnitRegistry

ROLLING = PanelSpec(persistence_weight="rolling")


@pytest.fixture(scope="module")
def papi() -> History:
    return load_history("papi")


def synthetic_panel(n: int, years: range, *, step: float, phi: float | None, seed: int) -> History:
    """Scores ``70 + 4 z`` then a random walk (``phi`` None: persistence is right) or an AR(1) of the
    deviations from 70 (``phi``: the panel model is right), innovations of sd ``step``."""
    rng = np.random.default_rng(seed)
    names = tuple(f"Unit {i:03d}" for i in range(n))
    y = 70.0 + 4.0 * rng.standard_normal(n)
    rows = []
    for year in years:
        y = (y if phi is None else 70.0 + phi * (y - 70.0)) + step * rng.standard_normal(n)
        rows += [
            {"year": year, "unit": u, "score": s, "source": "synthetic"}
            for u, s in zip(names, y, strict=True)
        ]
    obs = pd.DataFrame(rows).assign(rank=np.nan)
    summaries = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    return History("sipas", obs, summaries, UnitRegistry(names))


# --- the pool on common random numbers -----------------------------------------------------------


def test_weight_zero_is_the_primary_and_weight_one_is_persistence_exactly(papi) -> None:
    plain = fit_forecast(papi, 2021, spec=PanelSpec())
    one = fit_forecast(papi, 2021, spec=PanelSpec(persistence_weight=1.0))
    shocks = plain.draw_shocks(3000, 7)
    np.testing.assert_array_equal(
        replace(one, pool_weight=0.0).simulate(shocks=shocks), plain.simulate(shocks=shocks)
    )
    centre, sd = persistence_forecast(papi.before(2021), 2021)
    expected = np.clip(centre + sd * shocks.unit, *one.bounds)
    has = np.isfinite(centre)
    assert has.sum() >= 60
    np.testing.assert_allclose(one.simulate(shocks=shocks)[:, has], expected[:, has], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(one.mean, plain.mean)  # the point forecast is the primary's


def test_a_draw_comes_whole_from_one_member_in_the_share_w(papi) -> None:
    plain = fit_forecast(papi, 2021, spec=PanelSpec())
    pooled = fit_forecast(papi, 2021, spec=PanelSpec(persistence_weight=0.25))
    one = replace(pooled, pool_weight=1.0)
    shocks = plain.draw_shocks(20000, 11)
    mix, a, b = (fc.simulate(shocks=shocks) for fc in (pooled, plain, one))
    from_a = (mix == a).all(axis=1)
    from_b = (mix == b).all(axis=1)
    assert (from_a ^ from_b).all()  # every draw is one member's whole field, never a mix
    assert from_b.mean() == pytest.approx(0.25, abs=4 * np.sqrt(0.25 * 0.75 / 20000))
    blocks = [
        pooled.simulate(shocks=ForecastShocks(shocks.common[s], shocks.unit[s], shocks.params[s]))
        for s in (slice(0, 7000), slice(7000, None))
    ]
    np.testing.assert_array_equal(np.vstack(blocks), mix)  # cut into blocks: the same draws


def test_the_pools_quantiles_match_the_mixture_of_its_members(papi) -> None:
    pooled = fit_forecast(papi, 2021, spec=PanelSpec(persistence_weight=0.4))
    sims = pooled.simulate(60000, 5)
    primary = moments(fit_panel(papi.before(2021), 2021, PanelSpec()))
    centre, sd = persistence_forecast(papi.before(2021), 2021)
    levels = (0.05, 0.25, 0.5, 0.75, 0.95)
    theory = mixture_quantiles(0.4, primary, (centre, np.full(centre.shape, sd)), levels)
    sample = np.quantile(sims, levels, axis=0)
    assert np.abs(sample - theory).max() < 0.12  # MC error ~0.03, the primary's normal form ~0.05
    for q_mix, tau in zip(theory, levels, strict=True):
        q1 = stats.norm.ppf(tau, primary[0], primary[1])
        q2 = stats.norm.ppf(tau, centre, sd)
        assert (q_mix >= np.minimum(q1, q2) - 1e-9).all() and (q_mix <= np.maximum(q1, q2) + 1e-9).all()


def test_mixture_quantiles_are_exact_at_the_ends_and_ordered() -> None:
    rng = np.random.default_rng(3)
    m1, m2 = rng.normal(0, 3, 50), rng.normal(0, 3, 50)
    s1, s2 = rng.uniform(0.5, 3, 50), rng.uniform(0.5, 3, 50)
    for w, (m, s) in ((0.0, (m1, s1)), (1.0, (m2, s2))):
        q = mixture_quantiles(w, (m1, s1), (m2, s2), QUANTILE_LEVELS)
        np.testing.assert_allclose(q, stats.norm.ppf(np.array(QUANTILE_LEVELS)[:, None], m, s), atol=1e-9)
    q = mixture_quantiles(0.3, (m1, s1), (m2, s2), QUANTILE_LEVELS)
    assert (np.diff(q, axis=0) > 0).all()


# --- the rolling weight ---------------------------------------------------------------------------


@pytest.mark.parametrize(("truth", "expected"), [(0.0, 0.0), (0.3, 0.3), (1.0, 0.5)])
def test_best_weight_recovers_the_mixing_weight_of_the_data(truth, expected) -> None:
    """Observations drawn from ``(1 - w) N(0, 1) + w N(1.5, 2^2)``: the QS-optimal grid weight is ``w``
    (the quantile score is proper), capped at the grid's 0.5."""
    rng = np.random.default_rng(17)
    n = 40000
    pick = rng.random(n) < truth
    y = np.where(pick, 1.5 + 2.0 * rng.standard_normal(n), rng.standard_normal(n))
    half = n // 2
    first, second = (np.zeros(half), np.ones(half)), (np.full(half, 1.5), 2.0)
    years = [(first, second, y[:half]), (first, second, y[half:])]  # two "past years"
    assert best_weight(years) == expected


@pytest.mark.parametrize(("phi", "expected"), [(None, 0.5), (0.3, 0.0)])
def test_rolling_weight_picks_the_model_that_is_right(phi, expected) -> None:
    """A random-walk panel (persistence right) gets the largest weight, an AR(1) panel none."""
    history = synthetic_panel(400, range(2010, 2020), step=2.0 if phi is None else 3.0, phi=phi, seed=1)
    fc = fit_forecast(history, 2020, spec=ROLLING)
    assert fc.pool_weight == expected
    assert "chosen on 8 past years" in fc.assumptions[-1]


def test_rolling_weight_falls_back_with_few_years_and_is_zero_at_a_break(papi) -> None:
    early = fit_forecast(papi, 2014, spec=ROLLING)
    assert early.pool_weight == FALLBACK_WEIGHT
    assert "the fallback, only 1 past years" in early.assumptions[-1]
    brk = fit_forecast(papi, 2018, spec=ROLLING)
    assert brk.pool_weight == 0.0
    assert "number of dimensions" in brk.assumptions[-1]
    shocks = brk.draw_shocks(500, 1)
    np.testing.assert_array_equal(
        brk.simulate(shocks=shocks), fit_forecast(papi, 2018, spec=PanelSpec()).simulate(shocks=shocks)
    )


def test_persistence_weight_is_validated_and_labelled() -> None:
    for bad in (-0.1, 1.5, "half", True):
        with pytest.raises(InputError, match="persistence_weight"):
            PanelSpec(persistence_weight=bad)
    with pytest.raises(InputError, match="mixture"):
        PanelSpec(persistence_weight=0.2, mixture=True)
    assert PanelSpec(persistence_weight=0.25).label == "ar1+pers0.25"
    assert PanelSpec(dimension_models=True, persistence_weight="rolling").label == "ar1+dims+pers"


# --- properties -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [PanelSpec(persistence_weight=0.25), ROLLING])
def test_pool_properties_ordered_reproducible_and_34_units(papi, spec) -> None:
    fc = fit_forecast(papi, 2023, spec=spec)
    table = fc.table(3000, 9)
    q = table[["score_p05", "score_p10", "score_p25", "score_p50", "score_p75", "score_p90", "score_p95"]]
    assert (np.diff(q.to_numpy(), axis=1) >= 0).all()
    np.testing.assert_array_equal(fc.simulate(2000, 4), fc.simulate(2000, 4))
    merged = field_forecast(papi, 2026, spec=spec)
    assert len(merged.units) == 34 and merged.pool_centre.shape == (34,) and merged.pool_sd.shape == (34,)
    sims = merged.simulate(2000, 4)
    assert np.isfinite(sims).all()
    ranks = rank_draws(sims)
    assert ranks.min() == 1 and ranks.max() <= 34


def test_backtest_reports_the_weight_and_scores_the_pool(papi) -> None:
    res = backtest(papi, [2016, 2017], draws=1000, rng=3, spec=PanelSpec(persistence_weight=0.25))
    assert res.table["pool_weight"].tolist()[:2] == [0.25, 0.25]
    plain = backtest(papi, [2016, 2017], draws=1000, rng=3, spec=PanelSpec())
    assert (plain.table["pool_weight"] == 0).all()
    assert (res.table["qs_persistence"] == plain.table["qs_persistence"]).all()


def test_the_shipped_forecaster_is_the_fixed_pool(papi) -> None:
    # docs/forecast.md §4e: the app and the CLI forecast PAPI with ar1 pooled at w = 0.25
    fc = fit_forecast(papi, 2021)
    assert fc.pool_weight == 0.25
    assert any("persistence" in a for a in fc.assumptions)
    shocks = fc.draw_shocks(4000, 5)
    pooled = fc.simulate(shocks=shocks)
    primary = fit_forecast(papi, 2021, spec=PanelSpec()).simulate(shocks=shocks)
    same = np.all(pooled == primary, axis=1)
    assert 0.70 < same.mean() < 0.80
