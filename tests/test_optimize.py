"""Budget optimiser and frontier: known answers, budget and bounds, monotone frontier, seeds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_analysis import one_index, papi_point, slope

from simulator.analysis import tornado
from simulator.engine import Engine
from simulator.errors import InputError
from simulator.optimize import frontier, optimise
from simulator.response import Response
from simulator.scenario import Scenario

DRAWS = 1500


@pytest.fixture(scope="module")
def two_groups(plan: Scenario) -> tuple[Scenario, Engine, float]:
    """A costs 0.1 per point, B 0.3; the target needs A at 70 % (40 points = 4.0) and nothing else."""
    y0, a0 = papi_point(plan)
    sa, sb = slope(a0[0], 0.8), slope(a0[1], 0.8)
    assert sa / 0.1 > sb / 0.3  # A buys more score per unit of money
    target = y0 + sa * 0.4
    scen = one_index(
        plan,
        [
            {
                "id": "a",
                "planned": 0.3,
                "bau": 0.3,
                "weights": {"d1_participation": 0.8},
                "cost_per_point": 0.1,
            },
            {
                "id": "b",
                "planned": 0.5,
                "bau": 0.3,
                "weights": {"d2_transparency": 0.8},
                "cost_per_point": 0.3,
            },
        ],
        target_score=target,
    )
    return scen, Engine.from_scenario(scen), target


@pytest.mark.parametrize("method", ["greedy", "surrogate"])
def test_known_allocation(two_groups: tuple[Scenario, Engine, float], method: str) -> None:
    scen, engine, _ = two_groups
    res = optimise(engine, engine.point_uncertainties(), scen, budget=4.0, method=method, frontier_points=3)
    assert res.p_both_optimised["papi"] == 1.0 and res.p_both_plan["papi"] == 0.0
    assert res.allocation["papi"]["a"] == pytest.approx(0.7, abs=1e-6)
    assert res.allocation["papi"]["b"] == pytest.approx(0.3, abs=1e-6)
    assert res.cost <= 4.0 + 1e-9 and res.gain == 1.0


def test_budget_short_of_the_target(two_groups: tuple[Scenario, Engine, float]) -> None:
    scen, engine, _ = two_groups
    res = optimise(engine, engine.point_uncertainties(), scen, budget=3.9, frontier_points=3)
    assert res.p_both_optimised["papi"] == 0.0 and res.cost <= 3.9 + 1e-9
    frontier_rows = {round(r["budget"], 6): r["p_both"] for r in res.frontier}
    assert max(frontier_rows.values()) == 1.0  # a larger budget on the frontier reaches it


def test_budget_bounds_and_plan(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 5)
    res = optimise(engine, unc, plan, frontier_points=4)
    assert res.budget == plan.budget == 54.0
    assert res.cost <= res.budget + 1e-9
    for i, levels in res.allocation.items():
        for g in plan.indices[i].groups:
            assert g.bau - 1e-9 <= levels[g.id] <= 1.0 + 1e-9
    assert res.objective_optimised >= res.objective_plan
    assert res.marginal_value >= 0.0
    assert plan.with_levels(res.allocation).cost() == pytest.approx(res.cost)
    d = res.to_dict()
    assert {"budget", "cost", "allocation", "p_both_plan", "p_both_optimised", "frontier"} <= set(d)


def test_frontier_never_decreases(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(800, 6)
    resp = Response.build(engine, unc, plan)
    rows = frontier(
        resp, plan, {"papi": 1.0, "sipas": 1.0}, np.linspace(plan.indices["par_index"].cost(), 70, 8)
    )
    values = [r["p_both"] for r in rows]
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert all(r["cost"] <= r["budget"] + 1e-9 for r in rows)


def test_single_index_keeps_the_others_as_planned(engine: Engine, plan: Scenario) -> None:
    res = optimise(engine, engine.uncertainties(800, 7), plan, weights={"papi": 1.0}, frontier_points=3)
    assert res.weights == {"papi": 1.0}
    for i in ("par_index", "sipas"):
        assert res.allocation[i] == {g.id: g.planned for g in plan.indices[i].groups}
    assert res.cost <= 54.0 + 1e-9


def test_same_seed_same_answer(engine: Engine, plan: Scenario) -> None:
    a = optimise(engine, engine.uncertainties(600, 8), plan, frontier_points=3).to_dict()
    b = optimise(engine, engine.uncertainties(600, 8), plan, frontier_points=3).to_dict()
    assert a == b


def test_infeasible_target_is_an_answer(engine: Engine, plan: Scenario) -> None:
    hard = plan.with_targets("par_index", 99.0, 1)
    res = optimise(engine, engine.uncertainties(500, 1), hard, weights={"par_index": 1.0}, frontier_points=3)
    assert res.p_both_optimised["par_index"] == 0.0 and res.cost <= res.budget + 1e-9


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"budget": -1.0}, "budget"),
        ({"budget": 1.0, "weights": {"papi": 1.0}}, "budget"),
        ({"weights": {"nope": 1.0}}, "weights.nope"),
        ({"weights": {"papi": 0.0}}, "weights"),
        ({"method": "magic"}, "method"),
    ],
)
def test_bad_input_names_the_place(engine: Engine, plan: Scenario, kwargs: dict, where: str) -> None:
    with pytest.raises(InputError) as err:
        optimise(engine, engine.point_uncertainties(), plan, **kwargs)
    assert err.value.where == where


def test_optimiser_on_the_overview_draws(engine: Engine, plan: Scenario) -> None:
    """Given the overview's record, the optimiser's and tornado's P(plan) are the overview's P(both)."""
    unc = engine.uncertainties(1000, 12)
    overview = engine.run(unc, plan)
    res = optimise(engine, unc, plan, frontier_points=3)
    torn = tornado(engine, unc, plan)
    for i in plan.indices:
        assert res.p_both_plan[i] == overview.indices[i].p_both == torn.plan[i]["p_both"]
    assert (res.seed, res.draws) == (unc.seed, unc.draws) == (12, 1000)
    other = Response.build(engine, engine.uncertainties(1000, 13), plan)
    with pytest.raises(InputError, match="response"):
        optimise(engine, unc, plan, response=other)
