"""The focal unit's scores as an exact function of the levers, on fixed draws (common random numbers).

For fixed draws every uncertain input is frozen, and so are the peers' scores: they do not depend
on the focal unit's levers. One engine pass at BAU gives the BAU attainments ``a⁰``; then

.. math::

    y_d(x) = \\operatorname{clip}\\Bigl(y^{0}_d + \\sum_s (hi_s - lo_s)
             \bigl(\\operatorname{clip}(a^0_{ds} + e_{ds}\\,\textstyle\\sum_g \tilde W_{dgs} D_{dg}
             (x_g - x^0_g)\\,h_{ds},\\,0,\\,1) - a^0_{ds}\bigr)\\Bigr)

is the engine's lever step (DESIGN §3.3–3.4) applied to any ``x``, at the cost of a few matrix
products instead of a full run. Both targets are met in draw *d* iff ``y_d ≥ τ_d`` with
``τ_d = max(t, c_{k,d})``, ``c_{k,d}`` the k-th highest peer score (rank ≤ k iff no more than
k − 1 peers are strictly higher). Above BAU and while no attainment reaches 1 the score is linear,
``y_d(x) = y_d(x⁰) + B_d·(x − x⁰)``, with the slopes of :meth:`Response.slopes`.

The engine's public result keeps only the focal unit, so :meth:`Response.build` reads the field
through ``Engine.index_scores``; tests check that :meth:`Response.score` and the ranks equal
:meth:`Engine.run` at random levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import ORDER, Engine, Uncertainties
from simulator.scenario import Scenario

TOL = 1e-9  # the engine's tolerance on the score target


def group_keys(scenario: Scenario) -> tuple[tuple[str, str], ...]:
    """``(index_id, group_id)`` of every task group, in plan order: the lever vector's order."""
    return tuple((i, g.id) for i, p in scenario.indices.items() for g in p.groups)


def lever_vector(scenario: Scenario) -> np.ndarray:
    """Planned completion of every group, in :func:`group_keys` order."""
    return np.array([g.planned for p in scenario.indices.values() for g in p.groups])


def levels_dict(scenario: Scenario, x: np.ndarray) -> dict[str, dict[str, float]]:
    """``{index: {group: level}}`` of a lever vector (rounded to 1e-6)."""
    out: dict[str, dict[str, float]] = {}
    for (i, g), v in zip(group_keys(scenario), x, strict=True):
        out.setdefault(i, {})[g] = round(float(v), 6)
    return out


def reads(scenario: Scenario, index_id: str) -> set[str]:
    """Indices whose levers move ``index_id`` (PAR reads SIPAS in the same draw)."""
    return {index_id} | ({"sipas"} if index_id == "par_index" and "sipas" in scenario.indices else set())


@dataclass(frozen=True)
class _Part:
    """One index's focal response: the engine's step 3–4 with the field frozen."""

    levers: np.ndarray  # positions of this index's groups in the lever vector
    bau: np.ndarray
    pre: np.ndarray  # (draws,) focal score before clipping with every lever at BAU
    room_up: np.ndarray  # (draws, S) (hi − lo)(1 − a⁰): points a sub-criterion can still gain
    room_down: np.ndarray  # (draws, S) (hi − lo) a⁰: points it can lose (0 where fed by another index)
    delivery: np.ndarray
    weights: np.ndarray
    effectiveness: np.ndarray
    g_idx: np.ndarray
    s_idx: np.ndarray
    pick: np.ndarray  # (K, S) sums the K weight entries into their sub-criteria
    bounds: tuple[float, float]
    others: np.ndarray  # (draws, N − 1) the peers' scores
    target_score: float
    rank_threshold: np.ndarray  # (draws,) k-th highest peer score: rank ≤ k iff focal ≥ it
    feed_from: str | None
    feed_scale: float

    def gain(self, x: np.ndarray) -> np.ndarray:
        """``Σ_s (hi_s − lo_s)(clip(a⁰_s + push_s h_s, 0, 1) − a⁰_s)`` per draw.

        With ``h_s = 1 − a⁰_s`` for ``push ≥ 0`` this is ``(hi_s − lo_s)(1 − a⁰_s) min(push_s, 1)``,
        and ``−(hi_s − lo_s) a⁰_s min(−push_s, 1)`` for losses.
        """
        change = (x[self.levers] - self.bau)[None, :] * self.delivery
        push = self.effectiveness * ((change[:, self.g_idx] * self.weights) @ self.pick)
        if np.all(push >= 0):
            return (self.room_up * np.minimum(push, 1.0)).sum(axis=1)
        return np.where(
            push >= 0, self.room_up * np.minimum(push, 1.0), self.room_down * np.maximum(push, -1.0)
        ).sum(axis=1)

    def slopes(self, n_levers: int) -> np.ndarray:
        """``B⁺_dg = Σ_s (hi_s − lo_s)(1 − a⁰_ds) e_ds W̃_dgs D_dg`` (draws, all levers)."""
        unit = self.room_up * self.effectiveness
        per_entry = unit[:, self.s_idx] * self.weights * self.delivery[:, self.g_idx]
        return per_entry @ _pick(self.levers[self.g_idx], n_levers)


def _pick(cols: np.ndarray, n: int) -> np.ndarray:
    """``(len(cols), n)`` 0/1 matrix summing entries into their columns."""
    out = np.zeros((cols.size, n))
    out[np.arange(cols.size), cols] = 1.0
    return out


@dataclass(frozen=True)
class Response:
    """The focal score of every index as an exact function of the levers, on fixed draws.

    The peers' scores, the BAU attainments ``a⁰`` and every uncertain input are frozen from one
    engine pass at BAU; :meth:`score` then applies the engine's lever step to any ``x``
    (``x`` in :func:`group_keys` order). PAR moves with SIPAS:
    ``y_PAR(x) = ŷ_PAR(x) + c (y_SIPAS(x) − y_SIPAS(x⁰))``, ``c`` the conversion (0.1).
    Above BAU and away from the attainment bounds the score is linear with slopes :meth:`slopes`.
    """

    keys: tuple[tuple[str, str], ...]
    bau: np.ndarray
    planned: np.ndarray
    parts: dict[str, _Part]
    draws: int
    seed: int | None

    @classmethod
    def build(cls, engine: Engine, unc: Uncertainties, scenario: Scenario) -> Response:
        """One engine pass at BAU (cost of one :meth:`Engine.run`)."""
        keys = group_keys(scenario)
        bau_s = scenario.at_bau()
        deviations: dict[str, np.ndarray] = {}
        focal: dict[str, np.ndarray] = {}
        parts: dict[str, _Part] = {}
        for index_id in ORDER:
            if index_id not in scenario.indices:
                continue
            plan, u, f = bau_s.indices[index_id], unc.by_index[index_id], engine.focal[index_id]
            scores, points, base_points = engine.index_scores(index_id, plan, u, deviations, focal)
            deviations[index_id] = scores - engine.forecasts[index_id].mean[None, :]
            focal[index_id] = scores[:, f.position]
            spec = plan.spec
            others = np.delete(scores, f.position, axis=1)
            k = scenario.indices[index_id].target_rank
            ck = (
                -np.partition(-others, k - 1, axis=1)[:, k - 1]
                if k <= others.shape[1]
                else np.full(unc.draws, -np.inf)
            )
            g_idx, s_idx = np.nonzero(plan.weight_matrix())
            feed = f.coupled_index if f.coupled_index in deviations else None
            width = spec.hi - spec.lo
            a0 = np.clip((base_points - spec.lo) / width, 0.0, 1.0)
            free = np.where(f.coupled, 0.0, width)  # the engine zeroes the push on fed sub-criteria
            parts[index_id] = _Part(
                levers=np.array([j for j, key in enumerate(keys) if key[0] == index_id]),
                bau=plan.bau,
                pre=points.sum(axis=1),
                room_up=free * (1.0 - a0),
                room_down=free * a0,
                delivery=np.asarray(u.delivery, float),
                weights=np.asarray(u.weights, float),
                effectiveness=np.asarray(u.effectiveness, float),
                g_idx=g_idx,
                s_idx=s_idx,
                pick=_pick(s_idx, width.size),
                bounds=spec.bounds,
                others=others,
                target_score=scenario.indices[index_id].target_score,
                rank_threshold=ck,
                feed_from=feed,
                feed_scale=f.coupled_scale if feed else 0.0,
            )
        parts = {i: parts[i] for i in scenario.indices}
        return cls(
            keys=keys,
            bau=np.array([g.bau for p in scenario.indices.values() for g in p.groups]),
            planned=lever_vector(scenario),
            parts=parts,
            draws=unc.draws,
            seed=unc.seed,
        )

    @property
    def index_ids(self) -> tuple[str, ...]:
        return tuple(self.parts)

    def score(self, x: np.ndarray, index_id: str) -> np.ndarray:
        """Focal score per draw at levers ``x``."""
        p = self.parts[index_id]
        y = p.pre + p.gain(np.asarray(x, float))
        if p.feed_from:
            src = self.parts[p.feed_from]
            y = y + p.feed_scale * (self.score(x, p.feed_from) - np.clip(src.pre, *src.bounds))
        return np.clip(y, *p.bounds)

    def slopes(self, index_id: str) -> np.ndarray:
        """``∂y/∂x`` per draw above BAU where no bound binds, ``(draws, G)``."""
        p = self.parts[index_id]
        out = p.slopes(len(self.keys))
        if p.feed_from:
            out += p.feed_scale * self.slopes(p.feed_from)
        return out

    def threshold(self, index_id: str) -> np.ndarray:
        """``τ_d``: both targets are met in draw *d* iff ``y_d ≥ τ_d``."""
        p = self.parts[index_id]
        return np.maximum(p.target_score - TOL, p.rank_threshold)

    def hits(self, y: np.ndarray, index_id: str) -> dict[str, np.ndarray]:
        """Which draws of focal scores ``y`` meet the score target, the rank target, both."""
        p = self.parts[index_id]
        s, r = y >= p.target_score - TOL, y >= p.rank_threshold
        return {"score": s, "rank": r, "both": s & r}

    def rank(self, y: np.ndarray, index_id: str) -> np.ndarray:
        """Competition rank of focal scores ``y`` among the frozen peers."""
        return 1 + (self.parts[index_id].others > y[:, None]).sum(axis=1)

    def p_both(self, x: np.ndarray, index_id: str) -> float:
        return float((self.score(x, index_id) >= self.threshold(index_id)).mean())
