"""Tornado, goal seek, Sobol and the CRN response: known answers and invariants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.analysis import SOURCES, _indices, _mix, _paired_se, goal_seek, reach, sobol, tornado
from simulator.engine import Engine
from simulator.errors import InputError
from simulator.response import Response, levels_dict, lever_vector
from simulator.scenario import Scenario, parse_scenario

DRAWS = 1500


def one_index(
    plan: Scenario, groups: list[dict[str, Any]], *, target_score: float, target_rank: int = 63
) -> Scenario:
    """A PAPI-only plan with near-deterministic delivery, weights and effectiveness."""
    raw = plan.to_dict()
    papi = raw["indices"]["papi"]
    papi["groups"] = [
        {
            "name_vi": g["id"],
            "reliability": 0.9,
            "concentration": 1e6,
            "weight_concentration": 1e6,
            "cost_exponent": 1.0,
            **g,
        }
        for g in groups
    ]
    papi["effectiveness"] = {"mean": 0.6, "concentration": 1e6}
    papi["target_score"] = target_score
    papi["target_rank"] = target_rank
    raw["indices"] = {"papi": papi}
    return parse_scenario(raw, "known")


def papi_point(plan: Scenario) -> tuple[float, np.ndarray]:
    """The PAPI point forecast of the focal unit and its BAU attainment per dimension (by hand)."""
    engine = Engine.from_scenario(plan)
    focal = engine.focal["papi"]
    y0 = float(engine.forecasts["papi"].mean[focal.position])
    base = focal.base_points + (y0 - focal.base_points.sum()) / 8.0  # every dimension spans 9 points
    return y0, (base - 1.0) / 9.0


def slope(a0: float, weight: float) -> float:
    """Points per unit completion: 9 · e · W · reliability · (1 − a⁰)."""
    return 9.0 * 0.6 * weight * 0.9 * (1.0 - a0)


@pytest.fixture(scope="module")
def known(plan: Scenario) -> tuple[Scenario, Engine, float]:
    y0, a0 = papi_point(plan)
    x_star = 0.7
    target = y0 + slope(a0[0], 0.8) * (x_star - 0.3)
    scen = one_index(
        plan,
        [
            {
                "id": "g",
                "planned": 0.5,
                "bau": 0.3,
                "weights": {"d1_participation": 0.8},
                "cost_per_point": 0.1,
            }
        ],
        target_score=target,
    )
    return scen, Engine.from_scenario(scen), x_star


def test_goal_seek_known_answer(known: tuple[Scenario, Engine, float]) -> None:
    scen, engine, x_star = known
    res = goal_seek(engine, engine.point_uncertainties(), scen, q=0.5, tol=1e-5)
    u = res.uniform["papi"]
    assert u["reachable"] and u["delta"] == pytest.approx(x_star - 0.5, abs=2e-5)
    (row,) = res.by_group["papi"]
    assert row["reachable"] and row["level"] == pytest.approx(x_star, abs=2e-5)
    assert row["p_both"] == 1.0 and res.plan_p_both["papi"] == 0.0


def test_goal_seek_unreachable_is_a_plain_answer(engine: Engine, plan: Scenario) -> None:
    hard = plan.with_targets("par_index", 99.0, 1)
    res = goal_seek(engine, engine.uncertainties(500, 2), hard, q=0.8)
    assert res.uniform["par_index"]["reachable"] is False
    assert res.uniform["par_index"]["delta"] is None
    assert 0.0 <= res.uniform["par_index"]["best_p_both"] < 0.8
    assert all(not r["reachable"] and r["level"] is None for r in res.by_group["par_index"])
    assert set(res.to_frame()["index"]) == set(plan.indices)


def test_goal_seek_already_reached(engine: Engine, plan: Scenario) -> None:
    res = goal_seek(engine, engine.uncertainties(500, 2), plan.with_targets("papi", 30.0, 63), q=0.8)
    assert res.uniform["papi"]["delta"] == 0.0


def test_goal_seek_rejects_bad_q(engine: Engine, plan: Scenario) -> None:
    with pytest.raises(InputError, match="q"):
        goal_seek(engine, engine.point_uncertainties(), plan, q=1.2)


def test_response_equals_engine(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 4)
    resp = Response.build(engine, unc, plan)
    rng = np.random.default_rng(0)
    for x in (lever_vector(plan), resp.bau, np.ones(len(resp.keys)), rng.uniform(0, 1, len(resp.keys))):
        result = engine.run(unc, plan.with_levels(levels_dict(plan, x)))
        for i, r in result.indices.items():
            y = resp.score(x, i)
            assert np.allclose(y, r.score, atol=1e-4), i
            assert np.array_equal(resp.rank(y, i), r.rank), i
            assert resp.p_both(x, i) == pytest.approx(r.p_both, abs=2 / DRAWS), i


def test_slopes_are_the_linear_part(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 4)
    resp = Response.build(engine, unc, plan)
    x = np.clip(resp.bau + 0.1, 0, 1)
    for i in plan.indices:
        linear = resp.score(resp.bau, i) + resp.slopes(i) @ (x - resp.bau)
        assert np.allclose(np.clip(linear, *resp.bounds(i)), resp.score(x, i), atol=1e-4)


def test_tornado_signs_order_and_brackets(engine: Engine, plan: Scenario) -> None:
    res = tornado(engine, engine.uncertainties(DRAWS, 1), plan)
    for i, rows in res.rows.items():
        assert {r["group"] for r in rows if r["group_index"] == i} == {g.id for g in plan.indices[i].groups}
        widths = [abs(r["delta_p_both_up"]) + abs(r["delta_p_both_down"]) for r in rows]
        assert widths == sorted(widths, reverse=True)
        for r in rows:
            assert r["delta_p_both_up"] >= 0 >= r["delta_p_both_down"]
            assert r["delta_expected_rank_up"] <= 1e-12 <= r["delta_expected_rank_down"] + 2e-12
            assert 0 <= r["level_down"] <= r["level"] <= r["level_up"] <= 1
        b = res.brackets[i]
        assert b["all_done"]["p_both"] >= res.plan[i]["p_both"] >= b["bau_only"]["p_both"]
    assert {r["group_index"] for r in res.rows["par_index"]} == {"par_index", "sipas"}
    frame = res.to_frame()
    assert {"index", "group", "delta_p_both_up", "delta_p_both_down"} <= set(frame.columns)
    assert res.to_dict()["indices"]["papi"]["tornado"][0]["group"]


def test_tornado_same_seed_same_answer(engine: Engine, plan: Scenario) -> None:
    a = tornado(engine, engine.uncertainties(500, 9), plan).to_dict()
    b = tornado(engine, engine.uncertainties(500, 9), plan).to_dict()
    assert a == b


def test_sobol_bounds_and_intervals(engine: Engine, plan: Scenario) -> None:
    res = sobol(engine, plan, draws=600, rng=3, n_boot=50)
    frame = res.to_frame()
    assert set(frame["source"]) == set(res.sources)
    assert (frame["total"] >= -1e-12).all() and (frame["total"] <= 1.5).all()
    assert (frame["total_lo"] <= frame["total"] + 1e-12).all() and (
        frame["total"] <= frame["total_hi"] + 1e-12
    ).all()
    score = frame[(frame["output"] == "score")].groupby("index")["total"].sum()
    assert (score > 0.5).all()  # the sources explain the score's variance
    lever_sources = frame[(frame["output"] == "score") & frame["source"].isin(["delivery", "weights"])]
    assert (lever_sources["total"] < 0.1).all()  # the peers and the national shock dominate
    assert (
        sobol(engine, plan, draws=200, rng=3, n_boot=10).to_dict()
        == sobol(engine, plan, draws=200, rng=3, n_boot=10).to_dict()
    )


def _pick_freeze(f, sample, n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices of ``f`` by the library's estimators on a pick-freeze design."""
    rng = np.random.default_rng(seed)
    a, b = sample(rng, (n, k)), sample(rng, (n, k))
    fa, fb = f(a), f(b)
    firsts, totals = [], []
    for j in range(k):
        ab = a.copy()
        ab[:, j] = b[:, j]
        first, total = _indices(fa, fb, f(ab))
        firsts.append(float(first))
        totals.append(float(total))
    return np.array(firsts), np.array(totals)


def test_sobol_estimators_on_a_linear_model() -> None:
    """``Y = Σ c_k X_k``, ``X_k ~ N(0, 1)``: ``S_k = S_Tk = c_k² / Σ c²``."""
    c = np.array([1.0, 2.0, 3.0])
    first, total = _pick_freeze(lambda x: x @ c, lambda r, s: r.standard_normal(s), 40_000, 3, 1)
    assert first == pytest.approx(c**2 / 14, abs=0.02)
    assert total == pytest.approx(c**2 / 14, abs=0.02)


def test_sobol_estimators_on_ishigami() -> None:
    """Ishigami (a = 7, b = 0.1): S = (0.3139, 0.4424, 0), S_T = (0.5576, 0.4424, 0.2437)."""

    def ishigami(x: np.ndarray) -> np.ndarray:
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    first, total = _pick_freeze(ishigami, lambda r, s: r.uniform(-np.pi, np.pi, s), 100_000, 3, 2)
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.03)


def test_sobol_sources_cover_every_uncertain_input(engine: Engine) -> None:
    """Swapping every source of ``A`` for ``B``'s, one after the other, gives ``B`` exactly."""
    a, b = engine.uncertainties(50, 1), engine.uncertainties(50, 2)
    mixed = a
    for source in SOURCES:
        mixed = _mix(mixed, b, source)
    for i, ub in b.by_index.items():
        um = mixed.by_index[i]
        for name in ("delivery", "weights", "effectiveness", "survey"):
            assert np.array_equal(getattr(um, name), getattr(ub, name)), (i, name)
        for name in ("common", "unit", "params"):
            assert np.array_equal(getattr(um.forecast, name), getattr(ub.forecast, name)), (i, name)


def test_sobol_records_the_root_seed(engine: Engine, plan: Scenario) -> None:
    child = np.random.SeedSequence(12).spawn(3)[2]
    assert sobol(engine, plan, draws=50, rng=child, n_boot=5).seed == 12


def test_swing_error_is_the_spread_of_the_swing_across_seeds(engine: Engine, plan: Scenario) -> None:
    """The reported CRN error of a swing (and of a change) matches its spread over 30 independent records.

    The error of each side alone, ``sqrt(p(1 − p)/n)``, is far larger: a tornado that reported it
    (or the unpaired error of the difference) would fail the first check.
    """
    draws, group = 800, ("papi", "g8_egovernance")
    swings, se_swing, ups, se_up, unpaired = [], [], [], [], []
    for seed in range(30):
        res = tornado(engine, engine.uncertainties(draws, 1000 + seed), plan)
        row = next(r for r in res.rows["papi"] if (r["group_index"], r["group"]) == group)
        swings.append(row["swing_p_both"])
        se_swing.append(row["se_swing_p_both"])
        ups.append(row["delta_p_both_up"])
        se_up.append(row["se_delta_p_both_up"])
        p_up, p_down = row["p_both_up"], row["p_both_down"]
        unpaired.append(np.sqrt((p_up * (1 - p_up) + p_down * (1 - p_down)) / draws))
    sd_swing, sd_up = float(np.std(swings, ddof=1)), float(np.std(ups, ddof=1))
    # the sd of 30 values is within ±35 % of the true sd with probability > 0.99
    assert 0.65 < float(np.mean(se_swing)) / sd_swing < 1.35
    assert 0.65 < float(np.mean(se_up)) / sd_up < 1.35
    assert float(np.mean(unpaired)) > 2.5 * sd_swing


def test_paired_error_of_indicators_from_counts() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.uniform(size=5000) < 0.3, rng.uniform(size=5000) < 0.35
    d = a.astype(float) - b.astype(float)
    assert _paired_se(a, b) == pytest.approx(d.std(ddof=1) / np.sqrt(d.size), rel=1e-12)
    assert _paired_se(a, a) == 0.0


def test_moving_a_few_levers_equals_the_full_score(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 6)
    resp = Response.build(engine, unc, plan)
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, len(resp.keys))
    point = resp.at(x)
    sipas = [j for j, k in enumerate(resp.keys) if k[0] == "sipas"]
    rows = np.flatnonzero(rng.uniform(size=DRAWS) < 0.4)
    for i in resp.index_ids:
        assert np.array_equal(point.score(i), resp.score(x, i))
        assert resp.mean_rank(point.score(i), i) == resp.rank(point.score(i), i).mean()
        for positions in ([0], sipas[:2], [len(resp.keys) - 1], list(range(len(resp.keys)))):
            values = rng.uniform(0, 1, len(positions))
            moved = x.copy()
            moved[positions] = values
            full = resp.score(moved, i)
            assert np.allclose(point.along(i, positions)(values), full, rtol=0, atol=1e-9)
            assert np.allclose(point.along(i, positions, rows)(values), full[rows], rtol=0, atol=1e-9)


def test_goal_seek_equals_a_plain_bisection(engine: Engine, plan: Scenario) -> None:
    """Bisecting only the draws that change gives the same levels as bisecting P(both) itself."""
    unc = engine.uncertainties(DRAWS, 8)
    resp = Response.build(engine, unc, plan)
    q = {"papi": 0.45, "sipas": 0.3}
    res = goal_seek(engine, unc, plan, q=q, response=resp, tol=1e-3)
    assert set(res.uniform) == {"papi", "sipas"} and res.q == q
    x0 = resp.planned
    for i, qi in q.items():
        own = np.array([k[0] == i for k in resp.keys])

        def p(u: float, i: str = i, own: np.ndarray = own) -> float:
            return resp.p_both(np.where(own, np.minimum(x0 + u, 1.0), x0), i)

        lo, hi = 0.0, float(1.0 - x0[own].min())
        if p(lo) >= qi:
            expected = 0.0
        elif p(hi) < qi:
            expected = None
        else:
            while hi - lo > 1e-3:
                mid = 0.5 * (lo + hi)
                lo, hi = (lo, mid) if p(mid) >= qi else (mid, hi)
            expected = hi
        assert res.uniform[i]["delta"] == expected
        if expected is not None:
            assert res.uniform[i]["p_both"] == p(expected)
        assert res.uniform[i]["best_p_both"] == p(1.0)
        for r in res.by_group[i]:
            j = resp.keys.index((r["group_index"], r["group"]))
            x = x0.copy()
            x[j] = 1.0
            assert r["best_p_both"] == resp.p_both(x, i)
            if r["reachable"]:
                x[j] = r["level"]
                assert r["p_both"] == resp.p_both(x, i) >= qi


def test_reach_is_the_plan_and_every_own_group_at_full(engine: Engine, plan: Scenario) -> None:
    unc = engine.uncertainties(DRAWS, 5)
    spans = reach(engine, unc, plan)
    for i, p in plan.indices.items():
        full = engine.run(unc, plan.with_levels({i: {g.id: 1.0 for g in p.groups}})).indices[i].p_both
        assert spans[i]["best_p_both"] == pytest.approx(full, abs=1.5 / DRAWS)
        assert spans[i]["p_both_plan"] == engine.run(unc, plan).indices[i].p_both
        assert spans[i]["se_best"] == pytest.approx(np.sqrt(full * (1 - full) / DRAWS), rel=0.05)
