"""The optimiser's answer (:class:`OptimisationResult`) and its re-estimate on fresh draws.

The optimiser picks the allocation that looks best on one set of draws (the overview's). On those
draws its probability is biased upwards: among many allocations, it is the one whose noise
happened to help. Evaluated on a second, independent record, the same allocation gives an
unbiased figure. That record is a child of the first's seed (spawn key
``spawn_key + (HOLDOUT_STREAM,)``), so one seed gives the same numbers every time, and it shares no
stream with the record the choice was made on (every stream of that record lies below spawn keys
``(0,)…(len(STREAMS) − 1,)``).

On the fresh record, every compared allocation uses the same draws (common random numbers), so a
gain is estimated with the paired error ``sd(J_a − J_b)/√n``, where ``J`` is the per-draw weighted
indicator of meeting both targets, ``Σ_I w_I 1{y_I ≥ τ_I}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.outcomes import mc_se
from simulator.response import Response
from simulator.scenario import Scenario

HOLDOUT_STREAM = 0x5EED  # the fresh record's spawn key below the session's: never one of the STREAMS


def holdout_seed(unc: Uncertainties) -> np.random.SeedSequence:
    """The seed of the fresh record: a child of ``unc``'s seed that none of ``unc``'s streams uses.

    Raises
    ------
    InputError
        When ``unc`` has no seed (the point record), so no fresh draws can be derived from it.
    """
    if unc.seed is None:
        raise InputError("seed", "the draws have no seed, so no fresh draws can be derived from it")
    return np.random.SeedSequence(unc.seed, spawn_key=(*unc.spawn_key, HOLDOUT_STREAM))


def holdout(
    engine: Engine, unc: Uncertainties, scenario: Scenario, draws: int | None = None
) -> Uncertainties:
    """A fresh record for ``scenario``, independent of ``unc`` and fixed by ``unc``'s seed."""
    return engine.uncertainties(draws or unc.draws, holdout_seed(unc), scenario)


def draws_se(d: np.ndarray) -> float:
    """MC error of a mean over draws (of per-draw differences on common draws: a paired error)."""
    d = np.asarray(d, float)
    return float(np.std(d, ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")


def hits_at(resp: Response, ids: Iterable[str]) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Per-draw ``1{y_I ≥ τ_I}`` of each index in ``ids`` at full lever vectors ``x``, kept per
    allocation (the optimiser and the frontier often come back to one)."""
    thresholds = {i: resp.threshold(i) for i in ids}
    seen: dict[bytes, dict[str, np.ndarray]] = {}

    def hits(x: np.ndarray) -> dict[str, np.ndarray]:
        key = np.asarray(x, float).tobytes()
        if key not in seen:
            point = resp.at(x)
            seen[key] = {i: point.score(i) >= tau for i, tau in thresholds.items()}
        return seen[key]

    return hits


def objective_draws(hits: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """``Σ_I w_I 1{y_I ≥ τ_I}`` per draw: the objective's draws, from :func:`hits_at`'s hits."""
    return sum(w * hits[i] for i, w in weights.items())


@dataclass(frozen=True)
class FreshEstimate:
    """The plan, the optimised allocation, the one at ``B + 1`` and the frontier on fresh draws.

    ``p_both_*`` per index with ``se_*`` (``sqrt(p(1 − p)/n)``) and ``se_change`` the paired error
    of each index's change (optimised − plan); objectives ``J = Σ w_I P_I`` with
    their errors; ``gain`` (optimised − plan) and ``marginal_value`` (``B + 1`` − ``B``) with
    paired errors on the fresh draws; ``frontier`` rows ``budget``, ``p_both`` (fresh ``J``), ``se``.
    """

    draws: int
    seed: int | tuple[int, ...] | None
    spawn_key: tuple[int, ...]
    p_both_plan: dict[str, float]
    se_plan: dict[str, float]
    p_both_optimised: dict[str, float]
    se_optimised: dict[str, float]
    se_change: dict[str, float]
    objective_plan: float
    se_objective_plan: float
    objective_optimised: float
    se_objective_optimised: float
    gain: float
    se_gain: float
    marginal_value: float
    se_marginal: float
    frontier: tuple[dict[str, float], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "spawn_key": list(self.spawn_key),
            "p_both_plan": self.p_both_plan,
            "se_plan": self.se_plan,
            "p_both_optimised": self.p_both_optimised,
            "se_optimised": self.se_optimised,
            "se_change": self.se_change,
            "objective_plan": self.objective_plan,
            "se_objective_plan": self.se_objective_plan,
            "objective_optimised": self.objective_optimised,
            "se_objective_optimised": self.se_objective_optimised,
            "gain": self.gain,
            "se_gain": self.se_gain,
            "marginal_value": self.marginal_value,
            "se_marginal": self.se_marginal,
            "frontier": list(self.frontier),
        }


def reestimate(
    engine: Engine,
    fresh: Uncertainties,
    scenario: Scenario,
    weights: dict[str, float],
    *,
    optimised: np.ndarray,
    more: np.ndarray,
    frontier: tuple[tuple[float, np.ndarray], ...] = (),
) -> FreshEstimate:
    """Evaluate the plan, ``optimised``, ``more`` (at ``B + 1``) and the ``(budget, levers)`` of the
    frontier on the fresh record ``fresh`` (lever vectors in :func:`~simulator.response.group_keys` order)."""
    resp = Response.build(engine, fresh, scenario)
    n = fresh.draws
    hits = hits_at(resp, weights)

    def objective(h: dict[str, np.ndarray]) -> np.ndarray:
        return objective_draws(h, weights)

    h_plan, h_opt, h_more = hits(resp.planned), hits(optimised), hits(more)
    j_plan, j_opt, j_more = objective(h_plan), objective(h_opt), objective(h_more)
    rows = []
    for budget, x in frontier:
        j = objective(hits(x))
        rows.append({"budget": float(budget), "p_both": float(j.mean()), "se": draws_se(j)})
    p_plan = {i: float(h.mean()) for i, h in h_plan.items()}
    p_opt = {i: float(h.mean()) for i, h in h_opt.items()}
    return FreshEstimate(
        draws=n,
        seed=fresh.seed,
        spawn_key=tuple(fresh.spawn_key),
        p_both_plan=p_plan,
        se_plan={i: mc_se(p, n) for i, p in p_plan.items()},
        p_both_optimised=p_opt,
        se_optimised={i: mc_se(p, n) for i, p in p_opt.items()},
        se_change={i: draws_se(h_opt[i].astype(float) - h_plan[i]) for i in weights},
        objective_plan=float(j_plan.mean()),
        se_objective_plan=draws_se(j_plan),
        objective_optimised=float(j_opt.mean()),
        se_objective_optimised=draws_se(j_opt),
        gain=float(j_opt.mean() - j_plan.mean()),
        se_gain=draws_se(j_opt - j_plan),
        marginal_value=float(j_more.mean() - j_opt.mean()),
        se_marginal=draws_se(j_more - j_opt),
        frontier=tuple(rows),
    )


@dataclass(frozen=True)
class OptimisationResult:
    """The best allocation at a budget, its gain over the plan, the marginal value and the frontier.

    Probabilities of the plan and of the optimised allocation come from :meth:`Engine.run` on the
    same draws; ``mc_se`` is each optimised ``P(both)``'s MC error, ``se_plan`` the plan's, and
    ``se_gain`` the paired error of the objective's gain. ``marginal_value`` is
    ``J*(B + 1) − J*(B)`` per currency unit with its paired error ``se_marginal``. ``frontier``
    rows: ``budget``, ``p_both`` (the objective ``J*``), ``se``, ``cost`` and ``p_both_<index>``.
    All of these are on the draws the allocation was chosen on, so they are optimistic; ``fresh``
    holds the same figures re-estimated on an independent record (:mod:`simulator.holdout`).
    """

    budget: float
    currency: str
    method: str
    weights: dict[str, float]
    draws: int
    seed: int | tuple[int, ...] | None
    allocation: dict[str, dict[str, float]]
    cost: float
    plan_cost: float
    p_both_plan: dict[str, float]
    p_both_optimised: dict[str, float]
    objective_plan: float
    objective_optimised: float
    se_gain: float
    mc_se: dict[str, float]
    marginal_value: float
    frontier: tuple[dict[str, float], ...]
    se_plan: dict[str, float]
    se_marginal: float
    fresh: FreshEstimate | None

    @property
    def gain(self) -> float:
        return self.objective_optimised - self.objective_plan

    def to_frame(self) -> pd.DataFrame:
        """One row per task group: plan and optimised levels."""
        return pd.DataFrame(
            [{"index": i, "group": g, "level": v} for i, lv in self.allocation.items() for g, v in lv.items()]
        )

    def frontier_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.frontier))

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "currency": self.currency,
            "cost": self.cost,
            "plan_cost": self.plan_cost,
            "method": self.method,
            "weights": self.weights,
            "draws": self.draws,
            "seed": self.seed,
            "allocation": self.allocation,
            "p_both_plan": self.p_both_plan,
            "p_both_optimised": self.p_both_optimised,
            "objective_plan": self.objective_plan,
            "objective_optimised": self.objective_optimised,
            "gain": self.gain,
            "se_gain": self.se_gain,
            "mc_se": self.mc_se,
            "marginal_value": self.marginal_value,
            "frontier": list(self.frontier),
            "se_plan": self.se_plan,
            "se_marginal": self.se_marginal,
            "fresh": None if self.fresh is None else self.fresh.to_dict(),
        }
