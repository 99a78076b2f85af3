"""The lever step: task-group completions -> points of each sub-criterion, on a frozen baseline.

For one draws record everything the focal unit's levers do not move is frozen once per index in
an :class:`IndexBaseline` (the peers' scores, the focal's BAU total and survey noise, its BAU
attainments ``a⁰`` and headroom). The levers then act through one function, :func:`lever_step`,
and the feeds between indices through :func:`focal_score`. :meth:`Engine.run
<simulator.engine.Engine.run>`, the CRN :class:`~simulator.response.Response`, tornado, goal
seek, optimiser and Sobol all evaluate levers through these two functions.

For draw *d*, group *g* and sub-criterion *s* (DESIGN §3.3–3.5, docs/model.md §4–7):

.. math::

    P_{ds} = e_{ds} \\sum_g \\tilde W_{dgs} D_{dg} (x_g - x^0_g), \\qquad
    \\Delta_{ds} = (hi_s - lo_s)
    \\bigl(\\operatorname{clip}(a^0_{ds} + P_{ds} h_{ds}, 0, 1) - a^0_{ds}\\bigr)

with ``h = 1 − a⁰`` for gains and ``a⁰`` for losses, i.e. ``Δ = (hi − lo)(1 − a⁰) min(P, 1)`` or
``(hi − lo) a⁰ max(P, −1)``. The focal score is ``clip(pre_d + Σ_s Δ_ds + feed_d)`` with
``feed_d = k (y_src,d(x) − y_src,d(x⁰))`` for an index fed by another (PAR's SIPAS points).

Which index feeds which comes from the definitions (``coupled_index`` of a sub-criterion), see
:func:`evaluation_order`.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass

import numpy as np

from simulator.errors import InputError
from simulator.scenario import IndexPlan, Scenario


def feeders(scenario: Scenario, index_id: str) -> set[str]:
    """Indices of the plan whose score feeds a sub-criterion of ``index_id`` (its definition)."""
    spec = scenario.indices[index_id].spec
    return {s.coupled_index for s in spec.subcriteria if s.coupled_index in scenario.indices}


def evaluation_order(scenario: Scenario) -> tuple[str, ...]:
    """The plan's indices, each after every index that feeds it (a topological order).

    Raises
    ------
    InputError
        When the definitions feed each other in a cycle.
    """
    graph = graphlib.TopologicalSorter({i: sorted(feeders(scenario, i)) for i in scenario.indices})
    try:
        return tuple(graph.static_order())
    except graphlib.CycleError as err:
        raise InputError(
            "indices", f"the definitions feed each other in a cycle: {' -> '.join(err.args[1])}"
        ) from None


def reads(scenario: Scenario, index_id: str) -> set[str]:
    """Indices whose levers move ``index_id``: itself and, transitively, every index feeding it."""
    out, todo = {index_id}, [index_id]
    while todo:
        for src in feeders(scenario, todo.pop()) - out:
            out.add(src)
            todo.append(src)
    return out


def lever_params(plan: IndexPlan) -> tuple:
    """What the lever draws of ``plan`` depend on: reliabilities, concentrations, weights, effectiveness."""
    w = plan.weight_matrix()
    g_idx, s_idx = np.nonzero(w)
    return (
        tuple(g.reliability for g in plan.groups),
        tuple(g.concentration for g in plan.groups),
        tuple(zip(g_idx.tolist(), s_idx.tolist(), w[g_idx, s_idx].tolist(), strict=True)),
        tuple(plan.groups[g].weight_concentration for g in g_idx),
        plan.effectiveness_mean,
        plan.effectiveness_concentration,
        w.shape[1],
    )


def draw_levers(
    plan: IndexPlan, seeds: tuple[np.random.SeedSequence, ...] | None, draws: int, store: type = np.float32
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Delivered shares ``D``, perturbed weights ``W̃`` and effectiveness ``e`` of ``plan``.

    ``seeds`` are the streams of the three sources; ``None`` gives every draw at its centre (the
    means: reliability, ``W``, effectiveness mean). ``D ~ Beta(μ = reliability, κ)``,
    ``W̃ ~ Beta(μ = W, κ_w)`` for each non-zero entry of ``W`` in row-major order (1 where ``W = 1``),
    ``e ~ Beta(μ = effectiveness.mean, κ_e)`` per sub-criterion.
    """
    rel = np.array([g.reliability for g in plan.groups])
    kap = np.array([g.concentration for g in plan.groups])
    w = plan.weight_matrix()
    g_idx, s_idx = np.nonzero(w)
    mean = w[g_idx, s_idx]
    em, ek = plan.effectiveness_mean, plan.effectiveness_concentration
    s_count = w.shape[1]
    if seeds is None:
        return (
            np.tile(rel, (draws, 1)),
            np.tile(mean, (draws, 1)),
            np.full((draws, s_count), em),
        )
    d_rng, w_rng, e_rng = (np.random.default_rng(s) for s in seeds)
    wk = np.array([g.weight_concentration for g in plan.groups])[g_idx]
    weights = np.where(
        mean < 1.0,
        w_rng.beta(mean * wk, np.maximum((1 - mean) * wk, 1e-9), size=(draws, mean.size)),
        1.0,
    )
    return (
        d_rng.beta(rel * kap, (1 - rel) * kap, size=(draws, len(rel))).astype(store),
        weights.astype(store),
        e_rng.beta(em * ek, (1 - em) * ek, size=(draws, s_count)).astype(store),
    )


@dataclass(frozen=True)
class LeverInputs:
    """The lever draws of one index for one plan, premultiplied: ``ew_dk = D_dg W̃_dk e_ds``.

    ``k`` runs over the non-zero entries ``(g_idx[k], s_idx[k])`` of ``W``; ``pick`` (K, S) sums
    entries into their sub-criteria.
    """

    params: tuple
    ew: np.ndarray
    g_idx: np.ndarray
    s_idx: np.ndarray
    pick: np.ndarray
    bau: np.ndarray

    @classmethod
    def build(
        cls, plan: IndexPlan, delivery: np.ndarray, weights: np.ndarray, effectiveness: np.ndarray
    ) -> LeverInputs:
        g_idx, s_idx = np.nonzero(plan.weight_matrix())
        ew = np.asarray(delivery, float)[:, g_idx] * weights * effectiveness[:, s_idx]
        pick = np.zeros((g_idx.size, len(plan.spec.subcriteria)))
        pick[np.arange(g_idx.size), s_idx] = 1.0
        return cls(lever_params(plan), ew, g_idx, s_idx, pick, plan.bau)


@dataclass(frozen=True)
class IndexBaseline:
    """What the focal unit's levers do not move, for one index on one draws record.

    ``peers`` (draws, N) every unit's score (stored as float32) with the focal's column at
    ``−inf`` (so that ``1 + #(peers > y)`` is the focal's rank); ``pre`` (draws,) the focal's
    total before clipping with every lever at BAU (survey noise included); ``bau_score`` its clipped value;
    ``room_up``/``room_down`` (draws, S) the points a sub-criterion can gain, ``(hi − lo)(1 − a⁰)``,
    or lose, ``(hi − lo) a⁰`` (zero where another index feeds it); ``points0_mean`` and
    ``base_mean`` the mean BAU points of each sub-criterion with and without survey noise.
    """

    index_id: str
    position: int
    peers: np.ndarray
    pre: np.ndarray
    bau_score: np.ndarray
    room_up: np.ndarray
    room_down: np.ndarray
    points0_mean: np.ndarray
    base_mean: np.ndarray
    bounds: tuple[float, float]
    coupled: np.ndarray
    feed_from: str | None
    feed_scale: float
    components_assumed: bool

    @property
    def draws(self) -> int:
        return int(self.pre.size)


def lever_step(base: IndexBaseline, levers: LeverInputs, change: np.ndarray) -> np.ndarray:
    """Points each sub-criterion gains, ``(draws, S)``, for completion changes ``x − x⁰`` (G,).

    The one lever step of the model (module docstring). Since ``ew ≥ 0``, a plan with no group
    below its BAU pushes every sub-criterion up, and only the gain branch is evaluated.
    """
    push = levers.ew @ (change[levers.g_idx, None] * levers.pick)  # each row of pick has one 1
    if np.all(change >= 0):
        return base.room_up * np.minimum(push, 1.0)
    return np.where(push >= 0, base.room_up * np.minimum(push, 1.0), base.room_down * np.maximum(push, -1.0))


@dataclass(frozen=True)
class FocalDraws:
    """The focal unit's score per draw, its sub-criterion gains and the feed from another index."""

    score: np.ndarray
    gain: np.ndarray
    feed: np.ndarray | None


def focal_score(
    baselines: dict[str, IndexBaseline],
    levers: dict[str, LeverInputs],
    changes: dict[str, np.ndarray],
    index_id: str,
) -> FocalDraws:
    """The focal unit's score on ``index_id`` for completion changes ``changes[index] = x − x⁰``.

    ``y = clip(pre + Σ_s Δ_s + k (y_src(x) − y_src(x⁰)), bounds)``; the source's score is itself
    evaluated by this function, so a feed works through any chain of definitions.
    """
    b = baselines[index_id]
    gain = lever_step(b, levers[index_id], changes[index_id])
    total = b.pre + gain.sum(axis=1)
    feed = None
    if b.feed_from is not None:
        src = focal_score(baselines, levers, changes, b.feed_from).score
        feed = b.feed_scale * (src - baselines[b.feed_from].bau_score)
        total = total + feed
    return FocalDraws(np.clip(total, *b.bounds), gain, feed)


__all__ = [
    "FocalDraws",
    "IndexBaseline",
    "LeverInputs",
    "draw_levers",
    "evaluation_order",
    "feeders",
    "focal_score",
    "lever_params",
    "lever_step",
    "reads",
]
