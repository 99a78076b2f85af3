"""The issue-8 components: yearly persistence effect, scale mixture, discounted means, horizons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.backtest import pinball, quantile_score_normal
from simulator.errors import InputError
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast, rank_draws
from simulator.history import History, load_history
from simulator.panel import MIXTURE_PRIOR, YEAR_EFFECT_PRIOR, _unit_mean
from simulator.pooling import persistence_forecast
from simulator.units import UnitRegistry


def turbulent_panel(
    n: int, years: range, *, phi: float, factor_sd: float, logvar_sd: float, seed: int
) -> tuple[History, float, float]:
    """A panel of standardised positions as the model sees them, and the truths to recover.

    ``z_t = a_t phi z_t-1 + sqrt(v_t) sqrt(1 - (a_t phi)^2) e`` with yearly ``a_t ~ N(1,
    factor_sd^2)``, ``log v_t ~ N(0, logvar_sd^2)``; scores ``70 + 5 z``. Returns the history,
    the sample relative sd of ``a_t`` and the sample sd of the log residual variance of the
    yearly standardised positions (``v (1 - (a phi)^2) / ((a phi)^2 + v (1 - (a phi)^2))``).
    """
    rng = np.random.default_rng(seed)
    names = tuple(f"Unit {i:03d}" for i in range(n))
    z = rng.standard_normal(n)
    rows, factors, logres = [], [], []
    for j, year in enumerate(years):
        a = 1.0 + factor_sd * rng.standard_normal()
        v = np.exp(logvar_sd * rng.standard_normal())
        slope = min(a * phi, 0.97)
        rest = v * (1 - slope**2)
        z = slope * z + np.sqrt(rest) * rng.standard_normal(n)
        if j:
            factors.append(slope / phi)
            logres.append(np.log(rest / (slope**2 + rest)))
        score = 70.0 + 5.0 * z
        rows += [{"year": year, "unit": u, "score": s, "source": "synthetic"} for u, s in zip(names, score, strict=True)]
    obs = pd.DataFrame(rows).assign(rank=np.nan)
    summaries = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    history = History("sipas", obs, summaries, UnitRegistry(names))
    return history, float(np.std(factors, ddof=1) / np.mean(factors)), float(np.std(logres, ddof=1))


def _shrunk(truth: float, dof: int, prior: tuple[float, float]) -> float:
    return float(np.sqrt((prior[1] * prior[0] ** 2 + dof * truth**2) / (prior[1] + dof)))


@pytest.mark.parametrize("factor_sd", [0.3, 0.0])
def test_year_effect_recovers_the_spread_of_yearlypersistence_forecast(factor_sd) -> None:
    years = range(2000, 2016)
    history, truth, _ = turbulent_panel(300, years, phi=0.6, factor_sd=factor_sd, logvar_sd=0.0, seed=5)
    spec = PanelSpec(unit_mean="none", year_effect=True)
    fc = fit_forecast(history, 2016, regime="panel", spec=spec)
    assert fc.coef[0] == pytest.approx(0.6, abs=0.08)
    expected = _shrunk(truth, len(years) - 2, YEAR_EFFECT_PRIOR)
    assert fc.persistence_sd == pytest.approx(expected, rel=0.2, abs=0.03)
    plain = fit_forecast(history, 2016, regime="panel", spec=PanelSpec(unit_mean="none"))
    assert plain.persistence_sd == 0.0 and plain.n_params == fc.n_params


@pytest.mark.parametrize("logvar_sd", [0.6, 0.0])
def test_mixture_recovers_the_spread_of_yearly_innovation_variances(logvar_sd) -> None:
    years = range(2000, 2016)
    history, _, truth = turbulent_panel(300, years, phi=0.8, factor_sd=0.0, logvar_sd=logvar_sd, seed=8)
    fc = fit_forecast(history, 2016, regime="panel", spec=PanelSpec(unit_mean="none", mixture=True))
    expected = _shrunk(truth, len(years) - 2, MIXTURE_PRIOR)
    assert fc.innovation_logsd == pytest.approx(expected, rel=0.2, abs=0.03)


def test_year_effect_grows_with_the_horizon() -> None:
    history, _, _ = turbulent_panel(100, range(2000, 2012), phi=0.6, factor_sd=0.3, logvar_sd=0.0, seed=2)
    spec = PanelSpec(unit_mean="none", year_effect=True)
    sds = [fit_forecast(history, 2011 + k, regime="panel", spec=spec).persistence_sd for k in (1, 2, 3)]
    one = sds[0] ** 2
    expected = [np.sqrt((1 + one) ** k - 1) for k in (1, 2, 3)]
    np.testing.assert_allclose(sds, expected, rtol=1e-12)


def test_a_turbulent_draw_reshuffles_the_field_but_keeps_its_spread() -> None:
    history, _, _ = turbulent_panel(400, range(2000, 2012), phi=0.8, factor_sd=0.2, logvar_sd=0.0, seed=4)
    fc = fit_forecast(history, 2012, regime="panel", spec=PanelSpec(unit_mean="none", year_effect=True))
    p = fc.coef.shape[0]
    draws, n = 200, len(fc.units)
    rng = np.random.default_rng(0)
    base = ForecastShocks(np.zeros(draws), rng.standard_normal((draws, n)), np.zeros((draws, fc.n_params)))
    calm_params, wild_params = base.params.copy(), base.params.copy()
    wild_params[:, p + 1] = -1.0 / fc.persistence_sd  # persistence factor a = 0: a full reshuffle
    calm = fc.simulate(shocks=base)
    wild = fc.simulate(shocks=ForecastShocks(base.common, base.unit, wild_params))
    assert np.corrcoef(calm.mean(axis=0), fc.mean)[0, 1] > 0.9
    assert abs(np.mean([np.corrcoef(row, fc.mean)[0, 1] for row in wild])) < 0.05
    ratio = wild.std(axis=1).mean() / calm.std(axis=1).mean()
    assert ratio == pytest.approx(1.0, abs=0.06)
    zero = ForecastShocks(np.zeros(2), np.zeros((2, n)), np.zeros((2, fc.n_params)))
    np.testing.assert_array_equal(fc.simulate(shocks=zero), np.broadcast_to(fc.mean, (2, n)))
    assert calm_params.shape == (draws, p + 3)


def test_discounted_unit_mean_known_answer() -> None:
    block = np.array([[1.0, np.nan], [2.0, 3.0], [4.0, np.nan]])
    np.testing.assert_allclose(_unit_mean(block, "discounted"), [(0.25 * 1 + 0.5 * 2 + 4) / 1.75, 3.0])
    np.testing.assert_allclose(_unit_mean(block, "equal"), [7 / 3, 3.0])
    with pytest.raises(InputError, match="unit_mean"):
        PanelSpec(unit_mean="median")


def test_pinball_and_normal_quantile_score_known_answers() -> None:
    q = np.array([[1.0], [2.0]])
    # tau 0.25 at q = 1, tau 0.75 at q = 2, y = 3: (0.25 * 2 + 0.75 * 1) / 2
    assert pinball(q, np.array([3.0]), levels=(0.25, 0.75))[0] == pytest.approx(0.625)
    # a normal forecast: its own quantile score is the pinball of its quantiles
    y = np.array([0.3, -2.0])
    sd = 1.7
    from scipy import stats

    qs = stats.norm.ppf([0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95])[:, None] * sd + np.zeros((1, 2))
    np.testing.assert_allclose(quantile_score_normal(np.zeros(2), sd, y), pinball(qs, y))


def test_persistence_at_horizon_k_uses_k_year_changes() -> None:
    history = load_history("papi")
    past = history.before(2013)  # origin 2012, target 2015: k = 3, no 3-year pair yet -> sqrt(3)
    _, sd1 = persistence_forecast(past, 2013)
    _, sd3 = persistence_forecast(past, 2015)
    assert sd3 == pytest.approx(sd1 * np.sqrt(3), rel=1e-12)
    past = history.before(2018)  # origin 2017; 3-year changes 2011->2014 .. 2014->2017
    wide = past.observations.pivot(index="year", columns="unit", values="score")
    changes = np.concatenate([(wide.loc[t + 3] - wide.loc[t]).dropna() for t in range(2011, 2015)])
    _, sd = persistence_forecast(past, 2020)  # k = 3 across the break: per dimension x 8
    assert sd == pytest.approx(changes.std(ddof=1) / 6 * 8, rel=1e-12)


def test_horizons_grow_the_spread_and_keep_common_random_numbers() -> None:
    history = load_history("papi")
    sds = []
    for year in (2023, 2024, 2026):
        fc = fit_forecast(history, year, origin=2022)
        assert fc.origin == 2022 and fc.horizon == year - 2022
        sims = fc.simulate(3000, 9)
        np.testing.assert_array_equal(sims, fc.simulate(3000, 9))
        sds.append(float(np.mean(sims.std(axis=0))))
        ranks = rank_draws(sims)
        assert ranks.min() >= 1 and ranks.max() <= 63
    assert sds[0] < sds[1] < sds[2]
    table = fit_forecast(history, 2030).table(2000, 1)
    cols = ["score_p05", "score_p10", "score_p25", "score_p50", "score_p75", "score_p90", "score_p95"]
    assert (np.diff(table[cols].to_numpy(), axis=1) >= 0).all()


def test_origin_is_validated() -> None:
    history = load_history("papi")
    for origin in (2022, 2030, 2005):
        with pytest.raises(InputError, match="origin"):
            fit_forecast(history, 2022 if origin == 2022 else 2041 if origin == 2030 else 2016, origin=origin)
    fc = fit_forecast(history, 2021, origin=2019)  # a 2-year forecast made in 2019's knowledge
    assert fc.origin == 2019 and np.isfinite(fc.mean).all()


def test_panel_with_34_units_and_every_candidate() -> None:
    history, _, _ = turbulent_panel(34, range(2010, 2020), phi=0.6, factor_sd=0.2, logvar_sd=0.2, seed=1)
    for spec in (PanelSpec("discounted", True, True), PanelSpec("none", False, True), PanelSpec()):
        fc = fit_forecast(history, 2022, regime="panel", spec=spec)
        table = fc.table(500, 3)
        assert len(table) == 34 and table["rank_p95"].max() <= 34 and table["rank_p05"].min() >= 1
        pd.testing.assert_frame_equal(table, fc.table(500, 3))
