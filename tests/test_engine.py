"""Invariants of the Monte Carlo engine (DESIGN §3.7) and a hand-computed case."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import Engine
from simulator.errors import InputError
from simulator.history import History
from simulator.scenario import Scenario, parse_scenario
from simulator.units import UnitRegistry

DRAWS = 4000


def test_status_quo_reproduces_bau_forecast(engine: Engine, status_quo: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 11)
    result = engine.run(unc, status_quo)
    for index_id, r in result.indices.items():
        fc = engine.forecasts[index_id]
        pos = engine.focal[index_id].position
        bau = np.clip(fc.simulate(shocks=unc.by_index[index_id].forecast)[:, pos], *fc.bounds)
        se = bau.std() / np.sqrt(DRAWS)
        # same mean within MC error, same spread within a few per cent (survey noise and the SIPAS
        # feed replace equal variance of the unit's own innovation)
        assert abs(r.score.mean() - bau.mean()) < 4 * se * np.sqrt(2), index_id
        assert r.score.std() == pytest.approx(bau.std(), rel=0.06), index_id


def test_status_quo_is_exactly_bau_without_noise(engine: Engine, status_quo: Scenario) -> None:
    point = engine.run(engine.point_uncertainties(), status_quo)
    for index_id, r in point.indices.items():
        pos = engine.focal[index_id].position
        assert r.score[0] == pytest.approx(engine.forecasts[index_id].mean[pos], abs=1e-9)


def test_plan_beats_status_quo_on_common_draws(engine: Engine, plan: Scenario, status_quo: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 3)
    better, base = engine.run(unc, plan), engine.run(unc, status_quo)
    for index_id in plan.indices:
        assert np.all(better.indices[index_id].score >= base.indices[index_id].score - 1e-9)
        assert better.indices[index_id].p_both >= base.indices[index_id].p_both


def test_bounds_ranks_and_probabilities(engine: Engine) -> None:
    result = engine.simulate(DRAWS, 5)
    for index_id, r in result.indices.items():
        lo, hi = engine.scenario.indices[index_id].spec.bounds
        assert r.score.min() >= lo and r.score.max() <= hi
        assert r.rank.min() >= 1 and r.rank.max() <= r.n_units
        assert r.rank_pmf().sum() == pytest.approx(1.0)
        assert 0 <= r.p_both <= min(r.p_score, r.p_rank) <= 1
        assert r.mc_se["both"] == pytest.approx(np.sqrt(r.p_both * (1 - r.p_both) / DRAWS))


def test_same_seed_same_json(engine: Engine) -> None:
    a = json.dumps(engine.simulate(2000, 42).to_dict())
    b = json.dumps(engine.simulate(2000, 42).to_dict())
    c = json.dumps(engine.simulate(2000, 43).to_dict())
    assert a == b and a != c
    assert json.loads(a)["seed"] == 42


def test_seed_zero_is_a_seed(engine: Engine) -> None:
    assert engine.simulate(500, 0).to_dict() == engine.simulate(500, 0).to_dict()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_raising_a_completion_never_hurts(engine: Engine, plan: Scenario, data: st.DataObject) -> None:
    index_id = data.draw(st.sampled_from(sorted(plan.indices)))
    groups = plan.indices[index_id].groups
    levels = {g.id: data.draw(st.floats(0, 1)) for g in groups}
    g = data.draw(st.sampled_from([g.id for g in groups]))
    step = data.draw(st.floats(0.01, 1.0))
    low = plan.with_levels({index_id: levels})
    high = plan.with_levels({index_id: {**levels, g: min(1.0, levels[g] + step)}})
    unc = engine.uncertainties(1500, 9)
    a, b = engine.run(unc, low), engine.run(unc, high)
    for k in plan.indices:  # PAR moves with SIPAS too
        ra, rb = a.indices[k], b.indices[k]
        assert np.all(rb.score >= ra.score - 1e-9)
        assert rb.score.mean() >= ra.score.mean() - 1e-12
        assert rb.p_score >= ra.p_score and rb.p_rank >= ra.p_rank and rb.p_both >= ra.p_both
        assert rb.expected_rank <= ra.expected_rank + 1e-12


def test_hand_computed_deterministic_case(engine: Engine, plan: Scenario) -> None:
    """Zero shocks, mean delivery/weights/effectiveness: the PAPI score is computable by hand."""
    point = engine.run(engine.point_uncertainties())
    papi = plan.indices["papi"]
    fc = engine.forecasts["papi"]
    focal = engine.focal["papi"]
    y = fc.mean[focal.position]
    base = focal.base_points + (y - focal.base_points.sum()) / 8.0  # every dimension spans 9 points
    expected = y
    for g in papi.groups:
        ((dim, w),) = g.weights.items()
        j = papi.spec.subcriterion_ids.index(dim)
        a0 = (base[j] - 1.0) / 9.0
        push = papi.effectiveness_mean * w * g.reliability * (g.planned - g.bau)
        expected += 9.0 * push * (1 - a0)
    assert point.indices["papi"].score[0] == pytest.approx(expected, abs=1e-9)
    assert point.indices["papi"].rank[0] == 1 + int(np.sum(np.delete(fc.mean, focal.position) > expected))


def _history(units: UnitRegistry, rng: np.random.Generator) -> History:
    rows, level = [], rng.normal(0, 2, len(units))
    for year in range(2011, 2021):
        level = 0.7 * level + rng.normal(0, 1.2, len(units))
        for unit, dev in zip(units.names, level, strict=True):
            rows.append(
                {
                    "year": year,
                    "unit": unit,
                    "score": 36 + 0.3 * (year - 2011) + dev,
                    "rank": np.nan,
                    "source": "synthetic",
                }
            )
    obs = pd.DataFrame(rows)
    obs["rank"] = obs.groupby("year")["score"].rank(ascending=False, method="min")
    empty = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    return History("papi", obs, empty, units)


def test_34_units(plan: Scenario) -> None:
    units = UnitRegistry((*tuple(f"Tỉnh {i}" for i in range(1, 34)), "Cần Thơ"))
    history = _history(units, np.random.default_rng(0))
    raw = plan.to_dict()
    raw["indices"] = {"papi": raw["indices"]["papi"]}
    raw["indices"]["papi"]["target_rank"] = 10
    scen = parse_scenario(raw, "plan34", units=units)
    engine = Engine.from_scenario(scen, histories={"papi": history})
    r = engine.simulate(2000, 1).indices["papi"]
    assert r.n_units == 34 and r.rank.max() <= 34 and len(r.rank_pmf()) == 34
    assert r.components_assumed  # no dimension history in the synthetic panel: spread by maxima


def test_focal_without_history_names_the_key(plan: Scenario) -> None:
    raw = plan.to_dict()
    raw["plan"]["province"] = "Hà Giang"
    raw["indices"] = {"par_index": raw["indices"]["par_index"]}
    with pytest.raises(InputError, match=r"indices\.par_index.*Hà Giang has no par_index score"):
        Engine.from_scenario(parse_scenario(raw, "p"))
    raw["indices"]["par_index"]["last_score"] = 80.5
    raw["indices"]["par_index"]["last_rank"] = 50
    r = Engine.from_scenario(parse_scenario(raw, "p")).simulate(1000, 0).indices["par_index"]
    assert 60 < r.score_quantiles()["p50"] < 100


def test_run_on_other_levels_keeps_structure(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(500, 1)
    more = plan.with_levels({"papi": {g.id: 1.0 for g in plan.indices["papi"].groups}})
    assert engine.run(unc, more).indices["papi"].score.mean() > engine.run(unc).indices["papi"].score.mean()
    assert replace(plan, name="x").name == "x"
