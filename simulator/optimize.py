"""Budget allocation across task groups: where money buys the most probability of the targets.

Problem, on one fixed set of draws (common random numbers):

.. math::

    \\max_{x}\\; J(x) = \\sum_I w_I\\, P_I(x), \\qquad
    P_I(x) = \\frac1n \\sum_d \\mathbf 1\\{y_{Id}(x) \\ge \\tau_{Id}\\},
    \\quad \\text{s.t.}\\; \\sum_g c_g(x_g) \\le B,\\; x^0_g \\le x_g \\le 1,

with ``c_g(x) = k_g (100 (x − x⁰_g))^{e_g}`` (convex, ``e_g ≥ 1``), weights ``w_I ≥ 0`` summing to 1
and ``τ`` the per-draw threshold of :class:`~simulator.analysis.Response` (both targets met iff
``y ≥ τ``). Above BAU the focal score is linear, ``y_d(x) = y_d(x^0) + B_d·(x − x⁰)``, so ``J`` is a
step function of ``x``. Two solvers (docs/decisions.md compares them on the Cần Thơ plan):

* ``"surrogate"`` — SLSQP on the smoothed objective
  ``J_h(x) = Σ_I w_I mean_d Φ((y_Id(x) − τ_Id)/h_I)`` with an annealed bandwidth ``h_I`` (30 % then
  5 % of the sd of the margin), then a polish on the exact ``J``: 1-point moves between
  groups and 1-point additions while the budget allows.
* ``"greedy"`` — from BAU add 1-point steps to the group with the largest exact gain per unit of
  cost until the budget is spent, then the same polish.

Every answer is re-evaluated exactly; the frontier is solved in increasing budget, each start
being the previous answer (feasible at a larger budget), so it never decreases.

Speed: the pivotal draws, their margins and slopes do not depend on the budget, so one problem
serves every budget (:meth:`_Problem.at`) with one cache of exact hits per allocation. The exact
gain of one step of lever ``g`` counts the draws with ``m_d + STEP·B_dg ≥ 0``: a draw with
``m_d + STEP·min_g B_dg ≥ 0`` counts for every lever and one with
``m_d + STEP·max_g B_dg < 0`` for none, so only the few draws in between are compared lever by
lever; the polish counts all pairwise moves ``a → b`` of one iteration in one ``(F, F)`` pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize as sopt
from scipy import special

from simulator.allocation import OptimisationResult, draws_se, hits_at, holdout, objective_draws, reestimate
from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.levers import reads
from simulator.outcomes import mc_se
from simulator.response import Response, levels_dict
from simulator.scenario import Scenario

STEP = 0.01  # grid of the polish and of the greedy solver: one completion point
METHODS = ("greedy", "surrogate")
_SQRT2PI = float(np.sqrt(2 * np.pi))
BANDWIDTHS = (0.3, 0.05)  # smoothing bandwidths, as shares of the sd of each index's margin


@dataclass(frozen=True)
class _Problem:
    """The objective restricted to the free levers, linear above BAU.

    Everything but ``available`` is the same at every budget: :func:`_problem` builds it once per
    response and :meth:`at` gives the problem at one budget.
    """

    free: np.ndarray  # positions of the free levers in the full lever vector
    lo: np.ndarray  # BAU of the free levers
    cost_per_point: np.ndarray
    cost_exponent: np.ndarray
    fixed_cost: float  # cost of the groups left as planned
    available: float  # budget left for the free levers
    index_weights: dict[str, float]  # w_I
    weights: np.ndarray  # (I,) w_I times the share of draws kept
    constant: float  # Σ w_I P(draws hit whatever the free levers do)
    margin: list[np.ndarray]  # y_I − τ_I with free levers at BAU, on the pivotal draws
    slopes: list[np.ndarray]  # (pivotal draws, F)
    step: list[np.ndarray]  # STEP · slopes: the margin one step of each lever adds
    step_min: list[np.ndarray]  # (pivotal draws,) smallest and largest of ``step`` per draw
    step_max: list[np.ndarray]
    hits: Callable[[np.ndarray], dict[str, np.ndarray]]  # per-draw 1{y_I ≥ τ_I} on the exact response
    true: Callable[[np.ndarray], float]  # J on the exact response (attainment and score bounds)

    def at(self, budget: float) -> _Problem:
        """The problem at ``budget``; refused when the groups left as planned already cost more."""
        if self.fixed_cost > budget + 1e-9:
            raise InputError(
                "budget",
                f"{budget:g} is less than the {self.fixed_cost:.3g} the groups left as planned already cost",
            )
        return replace(self, available=budget - self.fixed_cost)

    def cost(self, d: np.ndarray) -> float:
        return float(np.sum(self.cost_per_point * (100.0 * np.maximum(d, 0.0)) ** self.cost_exponent))

    def cost_grad(self, d: np.ndarray) -> np.ndarray:
        e = self.cost_exponent
        return self.cost_per_point * e * 100.0 * (100.0 * np.maximum(d, 0.0)) ** (e - 1.0)

    def margins(self, d: np.ndarray) -> list[np.ndarray]:
        return [m + s @ d for m, s in zip(self.margin, self.slopes, strict=True)]

    def exact(self, d: np.ndarray) -> float:
        return self.constant + float(
            sum(w * np.mean(m >= 0) for w, m in zip(self.weights, self.margins(d), strict=True) if m.size)
        )

    def smooth(self, d: np.ndarray, h: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = 0.0, np.zeros_like(d)
        for w, m, s, hi in zip(self.weights, self.margins(d), self.slopes, h, strict=True):
            if not m.size:
                continue
            z = m / hi
            value += w * float(np.mean(special.ndtr(z)))
            grad += w * (np.exp(-0.5 * z * z) / (_SQRT2PI * hi)) @ s / z.size
        return value, grad

    def feasible(self, d: np.ndarray) -> bool:
        return self.cost(d) <= self.available + 1e-9


def _problem(resp: Response, scenario: Scenario, weights: dict[str, float]) -> _Problem:
    """The budget-free part of the problem (``available`` is infinite: see :meth:`_Problem.at`).

    Exact objective values and hits are cached per allocation, shared by every budget.
    """
    groups = [g for p in scenario.indices.values() for g in p.groups]
    affects = set().union(*(reads(scenario, i) for i in weights))
    free = np.array([j for j, (i, _) in enumerate(resp.keys) if i in affects])
    fixed = np.setdiff1d(np.arange(len(resp.keys)), free)
    x = resp.planned.copy()
    x[free] = resp.bau[free]
    ids = list(weights)
    thresholds = {i: resp.threshold(i) for i in ids}
    at_levers = hits_at(resp, ids)
    values: dict[bytes, float] = {}

    def hits(d: np.ndarray) -> dict[str, np.ndarray]:
        full = x.copy()
        full[free] = resp.bau[free] + d
        return at_levers(full)

    def true(d: np.ndarray) -> float:
        key = np.asarray(d, float).tobytes()
        if key not in values:
            h = hits(d)
            values[key] = float(sum(weights[i] * float(h[i].mean()) for i in ids))
        return values[key]

    constant, scale, margin, slopes = 0.0, [], [], []
    point = resp.at(x)
    for i in ids:  # keep the pivotal draws: missed at BAU, met with every free lever at 100 %
        m0 = point.score(i) - thresholds[i]
        b = resp.slopes(i)[:, free]
        pivotal = (m0 < 0) & (m0 + b @ (1.0 - resp.bau[free]) >= 0)
        constant += weights[i] * float(np.mean(m0 >= 0))
        scale.append(weights[i] * float(np.mean(pivotal)))
        margin.append(m0[pivotal])
        slopes.append(np.ascontiguousarray(b[pivotal]))
    step = [s * STEP for s in slopes]
    return _Problem(
        free=free,
        lo=resp.bau[free],
        cost_per_point=np.array([groups[j].cost_per_point for j in free]),
        cost_exponent=np.array([groups[j].cost_exponent for j in free]),
        fixed_cost=float(sum(groups[j].cost(resp.planned[j]) for j in fixed)),
        available=np.inf,
        index_weights=dict(weights),
        weights=np.array(scale),
        constant=constant,
        margin=margin,
        slopes=slopes,
        step=step,
        step_min=[s.min(axis=1, initial=np.inf) for s in step],
        step_max=[s.max(axis=1, initial=-np.inf) for s in step],
        hits=hits,
        true=true,
    )


def _crossings(m: np.ndarray, step: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``count_nonzero(step >= −m[:, None], axis=0)``: draws at or above their threshold after one
    step of each lever, counted on the few draws where the levers disagree.

    A draw whose smallest step already reaches ``−m`` counts for every lever, one whose largest
    does not counts for none (the same products, so the same comparisons).
    """
    every = lo >= -m
    some = ~every & (hi >= -m)
    return np.count_nonzero(every) + np.count_nonzero(step[some] >= -m[some, None], axis=0)


def _gains(p: _Problem, margins: list[np.ndarray]) -> np.ndarray:
    """Exact objective after one more step of each lever, from ``margins``."""
    return (
        p.constant
        + np.zeros(p.lo.size)
        + sum(
            w / m.size * _crossings(m, s, lo, hi)
            for w, m, s, lo, hi in zip(p.weights, margins, p.step, p.step_min, p.step_max, strict=True)
            if m.size
        )
    )


def _move_crossings(m: np.ndarray, step: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``(F, F)``: row ``a`` is :func:`_crossings` of the margins after one step less of lever ``a``."""
    less = m[:, None] - step  # column a: the margins one step of lever a lower
    every = lo[:, None] >= -less
    rows, cols = np.nonzero(~every & (hi[:, None] >= -less))
    f = step.shape[1]
    hit = step[rows] >= -less[rows, cols][:, None]  # (pairs, F): draw `rows` crosses with a = `cols`, b
    counts = np.bincount((cols[:, None] * f + np.arange(f))[hit], minlength=f * f).reshape(f, f)
    return np.count_nonzero(every, axis=0)[:, None] + counts


def _move_gains(p: _Problem, margins: list[np.ndarray]) -> np.ndarray:
    """``(F, F)``: exact objective after one step less of lever ``a`` (row) and one more of ``b``.

    Row ``a`` equals :func:`_gains` of the margins one step of ``a`` lower, all rows at once.
    """
    return (
        p.constant
        + np.zeros((p.lo.size, p.lo.size))
        + sum(
            w / m.size * _move_crossings(m, s, lo, hi)
            for w, m, s, lo, hi in zip(p.weights, margins, p.step, p.step_min, p.step_max, strict=True)
            if m.size
        )
    )


def _step_cost(p: _Problem, d: np.ndarray) -> np.ndarray:
    """Cost of one more step of each lever (``inf`` at 100 %)."""
    d = np.maximum(d, 0.0)
    up = d + STEP
    add = p.cost_per_point * ((100 * up) ** p.cost_exponent - (100 * d) ** p.cost_exponent)
    return np.where(up <= 1.0 - p.lo + 1e-9, add, np.inf)


def _fill(p: _Problem, d: np.ndarray) -> np.ndarray:
    """Add steps to the lever with the largest exact gain per unit of cost while the budget allows.

    Ties (no draw crosses its threshold with one step) go to the lever with the largest slope per
    cost, averaged over the draws still missing their threshold with weight ``exp(−m²/2σ²)``.
    """
    d = d.copy()
    margins = p.margins(d)
    value = p.exact(d)
    while True:
        add = _step_cost(p, d)
        ok = p.cost(d) + add <= p.available + 1e-9
        if not ok.any():
            return d
        gains = _gains(p, margins) - value
        per_cost = np.maximum(add, 1e-12)
        key = np.where(ok, gains / per_cost, -np.inf)
        tied = ok & (key >= key.max() - 1e-15)
        if np.count_nonzero(tied) == 1:  # no tie to break
            j = int(np.argmax(tied))
        else:
            near = sum(
                w * (s * (np.exp(-0.5 * (m / _sd(m)) ** 2) * (m < 0))[:, None]).mean(axis=0)
                for w, m, s in zip(p.weights, margins, p.slopes, strict=True)
                if m.size
            )
            j = int(np.argmax(np.where(tied, near / per_cost, -np.inf)))
        d[j] += STEP
        margins = [m + STEP * s[:, j] for m, s in zip(margins, p.slopes, strict=True)]
        value += float(gains[j])


def _polish(p: _Problem, d: np.ndarray, max_moves: int = 25) -> np.ndarray:
    """Exact-objective local search on the 1-point grid: fill the budget, then the best pairwise
    move of one step from one lever to another while it gains, filling again after each move."""
    d = np.clip(np.floor(d / STEP + 1e-6) * STEP, 0.0, 1.0 - p.lo)
    while not p.feasible(d):
        j = int(np.argmax(np.where(d > 0, p.cost_grad(d), -np.inf)))
        d[j] = max(0.0, d[j] - STEP)
    d = _fill(p, d)
    for _ in range(max_moves):
        value, cost = p.exact(d), p.cost(d)
        best, move = value + 1e-12, None
        moved = _move_gains(p, p.margins(d))
        for a in np.flatnonzero(d >= STEP - 1e-9):
            less = d.copy()
            less[a] -= STEP
            room = p.available - p.cost(less)
            ok = _step_cost(p, less) <= room + 1e-9
            ok[a] = False
            if not ok.any():
                continue
            gains = np.where(ok, moved[a], -np.inf)
            b = int(np.argmax(gains))
            if gains[b] > best:
                best, move = float(gains[b]), (a, b)
        if move is None or cost < 0:
            return d
        d[move[0]] -= STEP
        d[move[1]] += STEP
        d = _fill(p, d)
    return d


def _sd(m: np.ndarray) -> float:
    """Scale of margins: their sd, or their mean size when they barely vary (few draws)."""
    return max(float(np.std(m)), float(np.mean(np.abs(m))), 1e-9) if m.size else 1.0


def _surrogate(p: _Problem, start: np.ndarray) -> np.ndarray:
    sd = np.array([_sd(m) for m in p.margins(start)])
    d = start.copy()
    bounds = list(zip(np.zeros_like(p.lo), 1.0 - p.lo, strict=True))
    cons = {"type": "ineq", "fun": lambda v: p.available - p.cost(v), "jac": lambda v: -p.cost_grad(v)}
    for share in BANDWIDTHS:
        h = share * sd
        res = sopt.minimize(
            lambda v, h=h: tuple(-a for a in p.smooth(v, h)),
            d,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=[cons],
            options={"maxiter": 100, "ftol": 1e-7},
        )
        cand = np.clip(res.x, 0.0, 1.0 - p.lo)
        d = cand if p.feasible(cand) else _shrink(p, cand)
    return _polish(p, d)


def _shrink(p: _Problem, d: np.ndarray) -> np.ndarray:
    """``t·d`` with the largest ``t ∈ [0, 1]`` within the budget (SLSQP may end a hair over it)."""
    if p.available <= 0:
        return np.zeros_like(d)
    return sopt.brentq(lambda t: p.cost(t * d) - p.available, 0.0, 1.0) * d


def _greedy(p: _Problem, start: np.ndarray) -> np.ndarray:
    return _polish(p, start)


def _solve(p: _Problem, start: np.ndarray, method: str) -> np.ndarray:
    d = _surrogate(p, start) if method == "surrogate" else _greedy(p, start)
    return d if p.true(d) >= p.true(start) else start


def _weights(scenario: Scenario, weights: dict[str, float] | None) -> dict[str, float]:
    weights = dict(weights) if weights else {i: 1.0 for i in scenario.indices}
    for i, w in weights.items():
        if i not in scenario.indices:
            raise InputError(
                f"weights.{i}", f"the plan has no index {i!r} (it has {', '.join(scenario.indices)})"
            )
        if not np.isfinite(w) or w < 0:
            raise InputError(f"weights.{i}", f"{w} must be a number ≥ 0")
    total = sum(weights.values())
    if total <= 0:
        raise InputError("weights", "at least one index needs a positive weight")
    return {i: w / total for i, w in weights.items() if w > 0}


def optimise(
    engine: Engine,
    unc: Uncertainties,
    scenario: Scenario,
    *,
    budget: float | None = None,
    weights: dict[str, float] | None = None,
    method: str = "greedy",
    frontier_points: int = 9,
    response: Response | None = None,
    fresh: bool = True,
    fresh_draws: int | None = None,
) -> OptimisationResult:
    """Completion levels within ``budget`` and ``[BAU, 1]`` that maximise ``Σ w_I P_I(both)``.

    Parameters
    ----------
    budget : float, optional
        Total budget of the plan (default: the plan file's ``budget``, else the plan's cost). Groups
        of indices with no weight stay as planned and their cost comes out of the budget first.
    weights : dict, optional
        ``{index_id: weight}``; default equal weights on every index of the plan (normalised to 1).
        ``{"papi": 1}`` maximises PAPI's ``P(both)`` alone (PAR's weight frees SIPAS's groups too).
    method : {"greedy", "surrogate"}
        The solver (module docstring); ``"greedy"`` is the default (docs/decisions.md).
    frontier_points : int
        Budgets from 0 to the larger of ``1.5 B`` and the plan's cost, plus ``B`` itself.
    fresh : bool
        Re-estimate the plan, the answer, the answer at ``B + 1`` and the frontier on a fresh
        record derived from ``unc``'s seed (:func:`simulator.holdout.holdout`, ``fresh_draws``
        draws, default ``unc.draws``). A record without a seed (the point record) has none.

    Examples
    --------
    >>> from simulator.scenario import load_scenario
    >>> plan = load_scenario("scenarios/can_tho_2021.toml")
    >>> engine = Engine.from_scenario(plan)
    >>> r = optimise(engine, engine.uncertainties(2000, 0), plan, frontier_points=3)
    >>> r.cost <= r.budget + 1e-9 and r.objective_optimised >= r.objective_plan
    True
    """
    if method not in METHODS:
        raise InputError("method", f"{method!r} is not one of {', '.join(METHODS)}")
    if budget is None:
        budget = scenario.budget if scenario.budget is not None else scenario.cost()
    if not np.isfinite(budget) or budget < 0:
        raise InputError("budget", f"{budget} must be a number ≥ 0")
    w = _weights(scenario, weights)
    if response is not None:
        response.check_draws(unc)
    resp = response or Response.build(engine, unc, scenario)
    core = _problem(resp, scenario, w)
    p = core.at(budget)
    plan_d = np.maximum(resp.planned[p.free] - p.lo, 0.0)
    budgets = _frontier_budgets(scenario, budget, p, frontier_points)
    rows, solutions = _frontier(core, budgets, method)
    best = solutions[float(budget)]
    if p.feasible(plan_d):  # the plan itself is a start too: keep whichever answer is better
        alt = _solve(p, plan_d, method)
        best = alt if p.true(alt) > p.true(best) else best
    more = _solve(core.at(budget + 1.0), best, method)

    def levers(d: np.ndarray) -> np.ndarray:
        x = resp.planned.copy()
        x[p.free] = p.lo + d
        return x

    full = levers(best)
    ids = list(w)
    plan_res = engine.run(unc, scenario)
    opt_scenario = scenario.with_levels(levels_dict(scenario, full))
    opt_res = engine.run(unc, opt_scenario)
    hits_plan = sum(w[i] * plan_res.indices[i].hits["both"] for i in ids)
    hits_opt = sum(w[i] * opt_res.indices[i].hits["both"] for i in ids)
    hits_more = objective_draws(p.hits(more), p.index_weights)
    estimate = None
    if fresh and unc.seed is not None:
        estimate = reestimate(
            engine,
            holdout(engine, unc, scenario, fresh_draws),
            scenario,
            w,
            optimised=full,
            more=levers(more),
            frontier=tuple((row["budget"], levers(solutions[row["budget"]])) for row in rows),
        )
    return OptimisationResult(
        budget=float(budget),
        currency=scenario.currency,
        method=method,
        weights=w,
        draws=unc.draws,
        seed=unc.seed,
        allocation=levels_dict(scenario, full),
        cost=opt_scenario.cost(),
        plan_cost=scenario.cost(),
        p_both_plan={i: plan_res.indices[i].p_both for i in ids},
        p_both_optimised={i: opt_res.indices[i].p_both for i in ids},
        objective_plan=float(np.mean(hits_plan)),
        objective_optimised=float(np.mean(hits_opt)),
        se_gain=draws_se(hits_opt - hits_plan),
        mc_se={i: mc_se(opt_res.indices[i].p_both, unc.draws) for i in ids},
        marginal_value=max(0.0, p.true(more) - p.true(best)),
        frontier=tuple(rows),
        se_plan={i: mc_se(plan_res.indices[i].p_both, unc.draws) for i in ids},
        se_marginal=draws_se(hits_more - objective_draws(p.hits(best), p.index_weights)),
        fresh=estimate,
    )


def _frontier_budgets(scenario: Scenario, budget: float, p: _Problem, n: int) -> np.ndarray:
    fixed = budget - p.available
    top = max(1.5 * budget, scenario.cost(), fixed)
    return np.unique(np.concatenate([np.linspace(fixed, top, max(n, 2)), [budget]]))


def frontier(
    resp: Response, scenario: Scenario, weights: dict[str, float], budgets: np.ndarray, method: str = "greedy"
) -> list[dict[str, float]]:
    """Best objective at each budget (ascending), each solve warm-started from the previous answer.

    Notes
    -----
    The previous answer costs at most the previous budget, so it is feasible at the next one; a
    solve is kept only if its exact objective is at least the previous one: ``J*(B)`` is
    non-decreasing in ``B`` by construction.
    """
    core = _problem(resp, scenario, _weights(scenario, weights))
    return _frontier(core, np.asarray(budgets, float), method)[0]


def _frontier(
    core: _Problem, budgets: np.ndarray, method: str
) -> tuple[list[dict[str, float]], dict[float, np.ndarray]]:
    rows: list[dict[str, float]] = []
    solutions: dict[float, np.ndarray] = {}
    prev: np.ndarray | None = None
    prev_value = -np.inf
    for b in np.sort(budgets):
        p = core.at(float(b))
        start = np.zeros_like(p.lo) if prev is None else prev
        d = _solve(p, start, method)
        if p.true(d) < prev_value:
            d = start
        prev, prev_value = d, p.true(d)
        solutions[float(b)] = d
        hits = p.hits(d)
        row = {
            "budget": float(b),
            "p_both": prev_value,
            "se": draws_se(objective_draws(hits, p.index_weights)),
            "cost": float(b - p.available + p.cost(d)),
        }
        row |= {f"p_both_{i}": float(h.mean()) for i, h in hits.items()}
        rows.append(row)
    return rows, solutions
