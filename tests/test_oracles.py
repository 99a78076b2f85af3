"""Statistical oracles: each source of uncertainty, the compensations, the coupling and headroom.

Every check compares a Monte Carlo estimate with the model's closed form (docs/model.md) within a
few of its own Monte Carlo standard errors, on a fixed seed. ``tests/mutation/run.py`` breaks the
model in the ways the issue lists and checks that these tests notice.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_analysis import one_index, papi_point

from simulator.engine import Engine, Uncertainties
from simulator.scenario import Scenario

DRAWS = 20_000
Z = 4.5  # allowed distance from the closed form, in Monte Carlo standard errors

# one group on one PAPI dimension, loose enough that every lever source has a visible variance
RELIABILITY, CONCENTRATION = 0.7, 4.0
WEIGHT, WEIGHT_CONCENTRATION = 0.3, 2.0
EFFECT, EFFECT_CONCENTRATION = 0.35, 5.0


def beta_moments(mean: float, concentration: float) -> tuple[float, float]:
    """Mean and second moment of ``Beta(μ = mean, κ = concentration)``."""
    var = mean * (1 - mean) / (concentration + 1)
    return mean, var + mean**2


def assert_mean(x: np.ndarray, expected: float, what: str) -> None:
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert abs(x.mean() - expected) < Z * se + 1e-12, (
        f"{what}: {x.mean():.5f} vs {expected:.5f} (se {se:.2g})"
    )


def assert_variance(x: np.ndarray, expected: float, what: str) -> None:
    sq = (x - x.mean()) ** 2
    se = sq.std(ddof=1) / np.sqrt(x.size)
    assert abs(sq.mean() - expected) < Z * se, f"{what}: {sq.mean():.5f} vs {expected:.5f} (se {se:.2g})"


@pytest.fixture(scope="module")
def loose(plan: Scenario) -> tuple[Scenario, Engine, Uncertainties]:
    scen = one_index(
        plan,
        [
            {
                "id": "g",
                "planned": 0.9,
                "bau": 0.3,
                "weights": {"d1_participation": WEIGHT},
                "reliability": RELIABILITY,
                "concentration": CONCENTRATION,
                "weight_concentration": WEIGHT_CONCENTRATION,
            }
        ],
        target_score=40.0,
    )
    raw = scen.to_dict()
    raw["indices"]["papi"]["effectiveness"] = {"mean": EFFECT, "concentration": EFFECT_CONCENTRATION}
    from simulator.scenario import parse_scenario

    scen = parse_scenario(raw, "loose")
    engine = Engine.from_scenario(scen)
    return scen, engine, engine.uncertainties(DRAWS, 17)


@pytest.mark.parametrize(
    ("source", "mean", "concentration"),
    [
        ("delivery", RELIABILITY, CONCENTRATION),
        ("weights", WEIGHT, WEIGHT_CONCENTRATION),
        ("effectiveness", EFFECT, EFFECT_CONCENTRATION),
    ],
)
def test_lever_sources_have_their_beta_moments(
    loose: tuple[Scenario, Engine, Uncertainties], source: str, mean: float, concentration: float
) -> None:
    _, _, unc = loose
    x = np.asarray(getattr(unc.by_index["papi"], source), float)[:, 0]
    m1, m2 = beta_moments(mean, concentration)
    assert_mean(x, m1, f"{source} mean")
    assert_variance(x, m2 - m1**2, f"{source} variance")


def test_survey_normals_are_standard(loose: tuple[Scenario, Engine, Uncertainties]) -> None:
    z = np.asarray(loose[2].by_index["papi"].survey, float).ravel()
    assert_mean(z, 0.0, "survey mean")
    assert_variance(z, 1.0, "survey variance")


def test_lever_gain_has_the_model_moments(loose: tuple[Scenario, Engine, Uncertainties]) -> None:
    """Gain = (hi − lo)(1 − a⁰) e W̃ D (x − x⁰) per draw, its factors independent (push < 1 here)."""
    scen, engine, unc = loose
    gain = engine.run(unc).indices["papi"].score - engine.run(unc, scen.at_bau()).indices["papi"].score
    room = engine.baseline(unc)["papi"].room_up[:, 0]
    change = 0.9 - 0.3
    moments = [beta_moments(RELIABILITY, CONCENTRATION), beta_moments(WEIGHT, WEIGHT_CONCENTRATION)]
    moments.append(beta_moments(EFFECT, EFFECT_CONCENTRATION))
    first = np.prod([m[0] for m in moments]) * change
    second = np.prod([m[1] for m in moments]) * change**2
    assert_mean(gain - room * first, 0.0, "E[gain]")
    assert_mean(gain**2 - room**2 * second, 0.0, "E[gain²]")


def test_survey_noise_has_its_variance_and_replaces_the_innovation(
    engine: Engine, status_quo: Scenario
) -> None:
    """Status quo = compensated BAU + survey noise; Var(status quo) = Var(BAU) (paired, same draws)."""
    unc = engine.uncertainties(DRAWS, 23)
    fc, focal = engine.forecasts["papi"], engine.focal["papi"]
    pos = focal.position
    noise_var = float(np.sum(focal.survey_sd**2))
    assert noise_var > 0
    sq = engine.run(unc, status_quo).indices["papi"].score
    scale = np.ones(len(fc.units))
    scale[pos] = np.sqrt(1 - noise_var / fc.unit_sd[pos] ** 2)
    compensated = fc.simulate(shocks=unc.by_index["papi"].forecast, unit_scale=scale)[:, pos]
    assert_mean(sq - compensated, 0.0, "survey noise mean")
    assert_variance(sq - compensated, noise_var, "survey noise variance")
    bau = fc.simulate(shocks=unc.by_index["papi"].forecast)[:, pos]
    d = (sq - sq.mean()) ** 2 - (bau - bau.mean()) ** 2
    assert_mean(d, 0.0, "Var(status quo) − Var(BAU)")


def test_coupling_keeps_every_peer_variance(engine: Engine) -> None:
    """PAR_p = compensated BAU_p + 0.1 (SIPAS_p − E SIPAS_p): each peer keeps its BAU variance."""
    unc = engine.uncertainties(DRAWS, 29)
    fc = engine.forecasts["par_index"]
    pos = engine.focal["par_index"].position
    coupled = np.delete(engine.baseline(unc)["par_index"].peers, pos, axis=1)
    bau = np.delete(fc.simulate(shocks=unc.by_index["par_index"].forecast), pos, axis=1)
    d = ((coupled - coupled.mean(axis=0)) ** 2 - (bau - bau.mean(axis=0)) ** 2).mean(axis=1)
    # The compensation is analytic (unit_sd, common_sd of the Gaussian part); the parameter and
    # field-spread draws leave a second-order gap of about 0.2 % of the variance. Removing the
    # compensation adds 0.1² Var(SIPAS) ≈ 1 % and is still caught.
    slack = 0.003 * float(bau.var(axis=0).mean())
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert abs(d.mean()) < Z * se + slack, f"Var(coupled PAR) − Var(BAU PAR): {d.mean():.4f} (se {se:.2g})"


def test_sipas_feeds_every_units_par(engine: Engine, plan: Scenario) -> None:
    """Peers: the regression of PAR on SIPAS is the conversion 0.1; focal: a SIPAS plan moves PAR by
    0.1 × its SIPAS gain in every draw."""
    unc = engine.uncertainties(DRAWS, 31)
    base = engine.baseline(unc)
    pos = engine.focal["par_index"].position
    par = np.delete(base["par_index"].peers, pos, axis=1)
    sipas = np.delete(base["sipas"].peers, engine.focal["sipas"].position, axis=1)
    par, sipas = par - par.mean(axis=0), sipas - sipas.mean(axis=0)
    slope = float((par * sipas).sum() / (sipas * sipas).sum())
    assert slope == pytest.approx(0.1, abs=0.02)
    more = plan.with_levels({"sipas": {g.id: 1.0 for g in plan.indices["sipas"].groups}})
    a, b = engine.run(unc, plan), engine.run(unc, more)
    d_sipas = b.indices["sipas"].score - a.indices["sipas"].score
    d_par = b.indices["par_index"].score - a.indices["par_index"].score
    inside = b.indices["par_index"].score < 100.0 - 1e-9
    assert d_sipas.mean() > 0.1
    assert np.allclose(d_par[inside], 0.1 * d_sipas[inside], atol=1e-9)


def test_loss_side_headroom_is_the_attainment(plan: Scenario) -> None:
    """Below BAU a group loses ``(hi − lo) a⁰ e W D (x⁰ − x)``; above, it gains with ``1 − a⁰``."""
    y0, a0 = papi_point(plan)
    scen = one_index(
        plan,
        [
            {"id": "down", "planned": 0.1, "bau": 0.6, "weights": {"d1_participation": 0.8}},
            {"id": "up", "planned": 0.9, "bau": 0.4, "weights": {"d2_transparency": 0.5}},
        ],
        target_score=40.0,
    )
    engine = Engine.from_scenario(scen)
    y = engine.run(engine.point_uncertainties()).indices["papi"].score[0]
    expected = y0 - 9.0 * a0[0] * 0.6 * 0.8 * 0.9 * 0.5 + 9.0 * (1 - a0[1]) * 0.6 * 0.5 * 0.9 * 0.5
    assert y == pytest.approx(expected, abs=1e-9)
    assert abs(a0[0] - 0.5) > 1e-3  # the two headrooms differ, so the test can tell them apart
