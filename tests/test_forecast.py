"""BAU forecasts: a known-answer AR(1) panel, properties, both regimes on the shipped data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.errors import InputError
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast, rank_draws, t_of_normal
from simulator.history import History, load_history
from simulator.units import UnitRegistry


def synthetic_panel(
    n: int,
    years: range,
    *,
    phi: float,
    common_sd: float,
    spread: float = 5.0,
    level: float = 70.0,
    index_id: str = "par_index",
    seed: int = 0,
) -> History:
    """A full panel ``y_it = level + c_t + spread * z_it``, ``z`` a stationary AR(1), ``c`` a walk."""
    rng = np.random.default_rng(seed)
    names = tuple(f"Unit {i:02d}" for i in range(n))
    z = rng.standard_normal(n)
    c = 0.0
    rows = []
    for year in years:
        z = phi * z + np.sqrt(1 - phi**2) * rng.standard_normal(n)
        c += common_sd * rng.standard_normal()
        score = level + c + spread * z
        rank = rank_draws(score[None, :])[0]
        rows += [
            {"year": year, "unit": u, "score": s, "rank": float(r), "source": "synthetic"}
            for u, s, r in zip(names, score, rank, strict=True)
        ]
    summaries = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    return History(index_id, pd.DataFrame(rows), summaries, UnitRegistry(names))


def test_recovers_known_ar1_persistence() -> None:
    phi, common_sd = 0.6, 1.5
    history = synthetic_panel(63, range(2000, 2021), phi=phi, common_sd=common_sd, seed=3)
    fc = fit_forecast(history, 2021)
    assert fc.regime == "panel" and fc.coef.shape == (1,)  # the chosen forecaster: AR(1) only
    assert fc.coef[0] == pytest.approx(phi, abs=0.08)
    assert np.median(fc.position_sd) == pytest.approx(np.sqrt(1 - phi**2), rel=0.1)
    with_mean = fit_forecast(history, 2021, spec=PanelSpec(unit_mean="equal"))
    assert with_mean.coef[1] == pytest.approx(0.0, abs=0.1)  # a pure AR(1): no unit-mean effect
    assert fc.level_scale == pytest.approx(common_sd, rel=0.4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.sampled_from([34, 63]),
    phi=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**16),
)
def test_properties_quantiles_ranks_seed(n: int, phi: float, seed: int) -> None:
    history = synthetic_panel(n, range(2010, 2016), phi=phi, common_sd=0.5, seed=seed)
    fc = fit_forecast(history, 2016)
    assert len(fc.units) == n and fc.mean.shape == (n,)
    table = fc.table(400, seed)
    assert list(table.columns[:8]) == [
        "unit", "score_mean", "score_p05", "score_p50", "score_p95", "rank_p05", "rank_p50", "rank_p95",
    ]  # fmt: skip
    assert (table["score_p05"] <= table["score_p50"]).all()
    assert (table["score_p50"] <= table["score_p95"]).all()
    assert (table["rank_p05"] <= table["rank_p50"]).all() and (table["rank_p50"] <= table["rank_p95"]).all()
    ranks = rank_draws(fc.simulate(200, seed))
    assert ranks.min() >= 1 and ranks.max() <= n
    pd.testing.assert_frame_equal(table, fc.table(400, seed))


def test_zero_shocks_give_the_point_forecast() -> None:
    for index_id in ("papi", "par_index", "sipas"):
        fc = fit_forecast(load_history(index_id), 2021)
        zero = ForecastShocks(np.zeros(2), np.zeros((2, len(fc.units))), np.zeros((2, fc.n_params)))
        sims = fc.simulate(shocks=zero, unit_scale=0.3, common_scale=2.0)
        np.testing.assert_array_equal(sims, np.broadcast_to(fc.mean, sims.shape))


def test_shocks_are_reusable_and_scales_act_on_their_terms() -> None:
    fc = fit_forecast(load_history("papi"), 2020)
    shocks = fc.draw_shocks(500, 7)
    np.testing.assert_array_equal(fc.simulate(shocks=shocks), fc.simulate(500, 7))
    narrow = fc.simulate(shocks=shocks, unit_scale=0.0, common_scale=0.0)
    wide = fc.simulate(shocks=shocks)
    assert narrow.std(axis=0).max() < wide.std(axis=0).min()
    with pytest.raises(InputError, match="draws"):
        fc.simulate(10, shocks=shocks)
    with pytest.raises(InputError, match="draws"):
        fc.simulate()


@pytest.mark.parametrize("df", [3.0, 5.0, 7.0, 12.0, 40.0])
def test_tabulated_t_of_normal_matches_scipy(df: float) -> None:
    rng = np.random.default_rng(int(df))
    e = np.concatenate([rng.standard_normal(20000), rng.uniform(-9.0, 9.0, 2000), [0.0, -8.0, 8.0]])
    exact = stats.t.ppf(stats.norm.cdf(-np.abs(e)), df) * -np.sign(e)
    np.testing.assert_allclose(t_of_normal(e, df), exact, rtol=1e-11, atol=1e-11)
    assert t_of_normal(np.zeros(3), df).tolist() == [0.0, 0.0, 0.0]
    assert np.all(np.diff(t_of_normal(np.sort(e), df)) >= 0)


def test_simulate_is_the_documented_equation() -> None:
    # the panel model's own equation; the shipped pool mixes it per draw (test_forecast_round4)
    fc = fit_forecast(load_history("papi"), 2019, spec=PanelSpec())
    shocks = fc.draw_shocks(300, 11)
    shocks = ForecastShocks(shocks.common, shocks.unit.astype(np.float32), shocks.params)
    u, c = np.linspace(0.2, 1.0, len(fc.units)), 0.7
    p = fc.coef.shape[0]
    beta = fc.coef + shocks.params[:, :p] @ fc.coef_chol.T
    spread = fc.spread * np.exp(fc.spread_logsd * shocks.params[:, p])
    common = fc.level_scale * stats.t.ppf(stats.norm.cdf(shocks.common), fc.level_df)
    position = beta @ fc.design.T + u * fc.position_sd * shocks.unit
    expected = np.clip(fc.level + c * common[:, None] + spread[:, None] * position, *fc.bounds)
    sims = fc.simulate(shocks=shocks, unit_scale=u, common_scale=c)
    assert sims.dtype == np.float64
    np.testing.assert_allclose(sims, expected, rtol=1e-12, atol=1e-9)


def test_bounds_are_respected() -> None:
    history = synthetic_panel(40, range(2010, 2018), phi=0.5, common_sd=2.0, level=97.0, seed=1)
    fc = fit_forecast(history, 2018)
    sims = fc.simulate(2000, 5)
    assert fc.bounds == (0.0, 100.0)
    assert sims.max() <= 100.0 and (sims == 100.0).any()


def test_rank_draws_is_competition_ranking() -> None:
    rng = np.random.default_rng(2)
    scores = rng.integers(0, 5, size=(50, 9)).astype(float)  # many ties
    expected = 1 + (scores[:, None, :] > scores[:, :, None]).sum(axis=2)
    np.testing.assert_array_equal(rank_draws(scores), expected)


def test_papi_break_is_explicit() -> None:
    history = load_history("papi")
    before = fit_forecast(history, 2017)
    after = fit_forecast(history, 2018)
    assert before.bounds == (6.0, 60.0) and after.bounds == (8.0, 80.0)
    assert after.mean.mean() == pytest.approx(before.mean.mean() * 8 / 6, rel=0.05)
    assert after.common_sd > 1.5 * before.common_sd
    assert any("new dimensions" in a for a in after.assumptions)


@pytest.mark.parametrize("index_id", ["par_index", "sipas"])
def test_league_regime_on_shipped_data(index_id: str) -> None:
    fc = fit_forecast(load_history(index_id), 2021)
    assert fc.regime == "league" and len(fc.units) == 63
    table = fc.table(4000, 1)
    values = table[["score_p05", "score_p50", "score_p95", "rank_p05", "rank_p50", "rank_p95"]].to_numpy()
    assert np.isfinite(values).all()
    assert (np.diff(values[:, :3], axis=1) >= 0).all() and (np.diff(values[:, 3:], axis=1) >= 0).all()
    assert all("assumption" in a for a in fc.assumptions)


def test_can_tho_2021_is_plausible() -> None:
    rows = {
        index_id: fit_forecast(load_history(index_id), 2021)
        .table(20000, 2021)
        .set_index("unit")
        .loc["Cần Thơ"]
        for index_id in ("par_index", "sipas", "papi")
    }
    par = rows["par_index"]
    assert 80.0 <= par["score_p50"] <= 88.0
    assert (
        2.0 <= par["score_p50"] - par["score_p05"] <= 9.0
        and 2.0 <= par["score_p95"] - par["score_p50"] <= 9.0
    )
    assert par["rank_p95"] - par["rank_p05"] >= 30
    assert 80.0 <= rows["sipas"]["score_p50"] <= 90.0
    assert 38.0 <= rows["papi"]["score_p50"] <= 48.0


def test_league_regime_on_a_full_panel_agrees_roughly_with_the_panel() -> None:
    history = load_history("papi")
    panel, league = fit_forecast(history, 2020), fit_forecast(history, 2020, regime="league")
    assert league.regime == "league"
    assert abs(panel.mean.mean() - league.mean.mean()) < 1.0
    assert np.corrcoef(panel.mean, league.mean)[0, 1] > 0.8


def test_input_errors() -> None:
    history = load_history("papi")
    with pytest.raises(InputError, match="no scores or ranks up to 2010"):
        fit_forecast(history, 2011)
    with pytest.raises(InputError, match="regime"):
        fit_forecast(history, 2020, regime="magic")
    with pytest.raises(InputError, match="panel"):
        fit_forecast(load_history("par_index"), 2021, regime="panel")


def test_league_regime_with_34_units() -> None:
    full = synthetic_panel(34, range(2015, 2021), phi=0.6, common_sd=1.0, seed=4)
    obs = full.observations
    top = obs[obs["rank"] <= 4].copy()
    stats = obs.groupby("year")["score"].agg(["mean", "min", "max"]).stack().reset_index()
    summaries = stats.set_axis(["year", "statistic", "value"], axis=1).assign(source="synthetic")
    league = History("par_index", top.reset_index(drop=True), summaries, full.units)
    fc = fit_forecast(league, 2021)
    assert fc.regime == "league" and fc.mean.shape == (34,)
    table = fc.table(2000, 0)
    assert table["rank_p95"].max() <= 34 and table["rank_p05"].min() >= 1
    assert (table["score_p05"] < table["score_p95"]).all()
    known = table[table["unit"].isin(top.query("year == 2020")["unit"])]
    assert known["score_p50"].min() > table["score_p50"].median()
