"""Invariants of the Monte Carlo engine (DESIGN §3.7) and a hand-computed case."""

from __future__ import annotations

import gc
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import Engine, PlanStructureError
from simulator.errors import InputError
from simulator.history import History
from simulator.levers import evaluation_order, reads
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
    papi = engine.scenario.indices["papi"]  # the calibrated effectiveness the engine runs with
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


def _with_reliability(plan: Scenario, reliability: float) -> Scenario:
    new = {
        i: replace(p, groups=tuple(replace(g, reliability=reliability) for g in p.groups))
        for i, p in plan.indices.items()
    }
    return replace(plan, indices=new)


def test_run_uses_the_plans_own_lever_draws(engine: Engine, plan: Scenario) -> None:
    """The bug of issue 11: reliability 0.1 gave the same P as 0.8 on the engine's record."""
    unc = engine.uncertainties(3000, 4)
    low, high = _with_reliability(plan, 0.1), _with_reliability(plan, 0.8)
    p_low, p_high = (engine.run(unc, s).indices["papi"] for s in (low, high))
    assert p_low.p_both < p_high.p_both - 0.1
    assert p_low.score.mean() < p_high.score.mean()
    own = engine.run(engine.uncertainties(3000, 4, low), low)
    assert own.to_dict() == engine.run(unc, low).to_dict()  # exactly a fresh record for that plan


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda raw: raw["plan"].update(province="Hà Nội"), "plan.province"),
        (lambda raw: raw["indices"]["papi"].update(last_rank=5), "indices.papi.last_rank"),
        (lambda raw: raw["indices"]["papi"].update(last_score=44.0), "indices.papi.last_score"),
        (lambda raw: raw["indices"].pop("papi"), "indices"),
    ],
)
def test_run_refuses_another_structure(engine: Engine, plan: Scenario, change, where: str) -> None:
    raw = plan.to_dict()
    change(raw)
    other = parse_scenario(raw, "other")
    with pytest.raises(PlanStructureError) as err:
        engine.run(engine.point_uncertainties(), other)
    assert err.value.where == where


def test_component_bau_is_the_status_quos(engine: Engine, plan: Scenario, status_quo: Scenario) -> None:
    """PAR's SIPAS points at BAU do not carry the plan's SIPAS gain; the expected points do."""
    unc = engine.uncertainties(2000, 6)
    a, b = engine.run(unc, plan).indices["par_index"], engine.run(unc, status_quo).indices["par_index"]
    assert np.array_equal(a.component_bau, b.component_bau)
    sipas_only = status_quo.with_levels({"sipas": {g.id: g.planned for g in plan.indices["sipas"].groups}})
    c = engine.run(unc, sipas_only)
    gain = c.indices["sipas"].score.mean() - engine.run(unc, status_quo).indices["sipas"].score.mean()
    delta = c.indices["par_index"].component_expected - b.component_expected
    f8 = b.component_ids.index("f8_impact")
    assert gain > 0.5 and delta[f8] == pytest.approx(0.1 * gain, abs=1e-6)
    assert np.allclose(np.delete(delta, f8), 0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("components", "where", "match"),
    [
        ({"d1_participation": 12.0}, "indices.papi.last_components.d1_participation", r"range \[1, 10\]"),
        ({"d1_participation": 0.5}, "indices.papi.last_components.d1_participation", r"range \[1, 10\]"),
        ({"f1_direction": 9.0}, "indices.par_index.last_components", "f2_legal_appraisal"),
    ],
)
def test_last_components_checked_per_range_and_complete(
    plan: Scenario, components: dict, where: str, match: str
) -> None:
    raw = plan.to_dict()
    index_id = where.split(".")[1]
    raw["indices"][index_id]["last_components"] = components
    with pytest.raises(InputError, match=match) as err:
        Engine.from_scenario(parse_scenario(raw, "p"))
    assert err.value.where == where


def test_seeds_per_spec7(engine: Engine) -> None:
    by_int = engine.simulate(300, 5).to_dict()
    assert engine.simulate(300, np.random.default_rng(5)).to_dict() == by_int
    seq = np.random.SeedSequence(5)
    assert engine.simulate(300, seq).to_dict() == engine.simulate(300, seq).to_dict() == by_int
    gen = np.random.default_rng(5)
    assert engine.simulate(300, gen).to_dict() != engine.simulate(300, gen).to_dict()  # a state moves on
    child = np.random.SeedSequence(5).spawn(3)[2]
    unc = engine.uncertainties(10, child)
    assert (unc.seed, unc.spawn_key) == (5, (2,))
    for bad in (-1, 1.5, "7", True):
        with pytest.raises(InputError, match="seed"):
            engine.uncertainties(10, bad)


def test_evaluation_order_comes_from_the_definitions(plan: Scenario) -> None:
    assert evaluation_order(plan).index("sipas") < evaluation_order(plan).index("par_index")
    assert reads(plan, "par_index") == {"par_index", "sipas"} and reads(plan, "sipas") == {"sipas"}
    sipas = plan.indices["sipas"]
    subs = list(sipas.spec.subcriteria)
    subs[0] = replace(subs[0], coupled_index="par_index", coupled_scale=1.0)
    cyclic = replace(sipas, spec=replace(sipas.spec, subcriteria=tuple(subs)))
    with pytest.raises(InputError, match="cycle"):
        evaluation_order(replace(plan, indices={**plan.indices, "sipas": cyclic}))


def test_baselines_are_kept_only_while_their_records_live(engine: Engine, plan: Scenario) -> None:
    engine = Engine(plan, engine.forecasts, engine.focal)  # its own kept baselines
    unc = engine.uncertainties(200, 3)
    first = engine.run(unc, plan).to_dict()
    assert any(ref() is unc for ref, _ in engine._kept)
    assert engine.run(unc, plan).to_dict() == first  # the kept baseline gives the same answer
    records = [engine.uncertainties(100, s) for s in range(5)]
    for r in records:
        engine.baseline(r)
    assert len(engine._kept) <= 2
    del unc, records, r
    gc.collect()
    assert engine._kept == []


def test_lever_inputs_are_kept_per_record_and_keyed_on_what_they_depend_on(
    engine: Engine, plan: Scenario
) -> None:
    """A lever's move reuses the record's lever inputs; other lever assumptions or BAU levels don't."""
    engine = Engine(plan, engine.forecasts, engine.focal)  # its own kept inputs
    fresh = Engine(plan, engine.forecasts, engine.focal)
    unc = engine.uncertainties(400, 5)
    moved = plan.with_levels({"papi": {g.id: 0.9 for g in plan.indices["papi"].groups}})
    first = engine.levers(unc, plan)
    assert all(engine.levers(unc, moved)[i] is first[i] for i in first)  # levels are not in the key
    low = _with_reliability(plan, 0.2)
    assert engine.levers(unc, low)["papi"] is not first["papi"]
    assert engine.run(unc, low).to_dict() == fresh.run(unc, low).to_dict()
    papi = plan.indices["papi"]
    groups = (replace(papi.groups[0], bau=0.1), *papi.groups[1:])
    other_bau = replace(plan, indices={**plan.indices, "papi": replace(papi, groups=groups)})
    assert engine.levers(unc, other_bau)["papi"].bau[0] == 0.1
    assert engine.run(unc, moved).to_dict() == fresh.run(unc, moved).to_dict()
    assert len(engine._kept_levers) <= 6
    del unc
    gc.collect()
    assert engine._kept_levers == []
