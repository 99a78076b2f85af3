"""The focal scores as an exact function of the levers, on fixed draws (common random numbers).

For fixed draws every uncertain input is frozen, and so are the peers' scores: they do not depend
on the focal unit's levers. :meth:`Response.build` takes the engine's frozen baseline of the record
(:meth:`Engine.baseline <simulator.engine.Engine.baseline>`) and the plan's lever draws, and
:meth:`Response.score` evaluates any levers ``x`` through the engine's own lever step
(:func:`~simulator.levers.focal_score`): the same function :meth:`Engine.run` uses, so the two
agree exactly. Both targets are met in draw *d* iff ``y_d ≥ τ_d`` with ``τ_d = max(t, c_{k,d})``,
``c_{k,d}`` the k-th highest peer score (rank ≤ k iff no more than k − 1 peers are strictly
higher). Above BAU and while no attainment reaches 1 the score is linear,
``y_d(x) = y_d(x⁰) + B_d·(x − x⁰)``, with the slopes of :meth:`Response.slopes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.levers import IndexBaseline, LeverInputs, focal_score, reads
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


def _pick(cols: np.ndarray, n: int) -> np.ndarray:
    """``(len(cols), n)`` 0/1 matrix summing entries into their columns."""
    out = np.zeros((cols.size, n))
    out[np.arange(cols.size), cols] = 1.0
    return out


@dataclass(frozen=True)
class Response:
    """The focal score of every index as an exact function of the levers, on fixed draws.

    The engine's baseline of the record freezes the peers' scores, the BAU attainments ``a⁰`` and
    every uncertain input; :meth:`score` applies the engine's lever step to any ``x`` (``x`` in
    :func:`group_keys` order). An index fed by another moves with it:
    ``y_PAR(x) = ŷ_PAR(x) + c (y_SIPAS(x) − y_SIPAS(x⁰))``, ``c`` the conversion (0.1).
    Above BAU and away from the attainment bounds the score is linear with slopes :meth:`slopes`.
    ``unc`` is the record it was built on.
    """

    keys: tuple[tuple[str, str], ...]
    bau: np.ndarray
    planned: np.ndarray
    baselines: dict[str, IndexBaseline]
    levers: dict[str, LeverInputs]
    rank_threshold: dict[str, np.ndarray]  # (draws,) k-th highest peer score: rank ≤ k iff focal ≥ it
    target_score: dict[str, float]
    reads: dict[str, frozenset[str]]
    unc: Uncertainties

    @classmethod
    def build(cls, engine: Engine, unc: Uncertainties, scenario: Scenario) -> Response:
        """The engine's baseline of ``unc`` (one engine pass at most) and ``scenario``'s lever draws."""
        engine.check_structure(scenario)
        base = engine.baseline(unc)
        thresholds = {}
        for index_id, plan in scenario.indices.items():
            peers = base[index_id].peers
            k = plan.target_rank
            thresholds[index_id] = (
                -np.partition(-peers, k - 1, axis=1)[:, k - 1]
                if k < peers.shape[1]
                else np.full(unc.draws, -np.inf)
            )
        return cls(
            keys=group_keys(scenario),
            bau=np.array([g.bau for p in scenario.indices.values() for g in p.groups]),
            planned=lever_vector(scenario),
            baselines={i: base[i] for i in scenario.indices},
            levers=engine.levers(unc, scenario),
            rank_threshold=thresholds,
            target_score={i: p.target_score for i, p in scenario.indices.items()},
            reads={i: frozenset(reads(scenario, i)) for i in scenario.indices},
            unc=unc,
        )

    @property
    def index_ids(self) -> tuple[str, ...]:
        return tuple(self.baselines)

    @property
    def draws(self) -> int:
        return self.unc.draws

    @property
    def seed(self) -> int | tuple[int, ...] | None:
        return self.unc.seed

    def check_draws(self, unc: Uncertainties) -> None:
        """Refuse a record other than the one this response was built on."""
        if unc is not self.unc:
            raise InputError(
                "response", "was built on other draws than the ones given; build it on the same Uncertainties"
            )

    def _changes(self, x: np.ndarray, index_id: str) -> dict[str, np.ndarray]:
        x = np.asarray(x, float)
        return {i: x[self._positions(i)] - self.levers[i].bau for i in self.reads[index_id]}

    def _positions(self, index_id: str) -> np.ndarray:
        return np.array([j for j, key in enumerate(self.keys) if key[0] == index_id])

    def score(self, x: np.ndarray, index_id: str) -> np.ndarray:
        """Focal score per draw at levers ``x``."""
        return focal_score(self.baselines, self.levers, self._changes(x, index_id), index_id).score

    def slopes(self, index_id: str) -> np.ndarray:
        """``∂y/∂x`` per draw above BAU where no bound binds, ``(draws, G)``.

        ``B⁺_dg = Σ_s (hi_s − lo_s)(1 − a⁰_ds) e_ds W̃_dgs D_dg``, plus ``c · B⁺`` of a feeding index.
        """
        b, lev = self.baselines[index_id], self.levers[index_id]
        per_entry = b.room_up[:, lev.s_idx] * lev.ew
        out = per_entry @ _pick(self._positions(index_id)[lev.g_idx], len(self.keys))
        if b.feed_from is not None:
            out += b.feed_scale * self.slopes(b.feed_from)
        return out

    def threshold(self, index_id: str) -> np.ndarray:
        """``τ_d``: both targets are met in draw *d* iff ``y_d ≥ τ_d``."""
        return np.maximum(self.target_score[index_id] - TOL, self.rank_threshold[index_id])

    def hits(self, y: np.ndarray, index_id: str) -> dict[str, np.ndarray]:
        """Which draws of focal scores ``y`` meet the score target, the rank target, both."""
        s, r = y >= self.target_score[index_id] - TOL, y >= self.rank_threshold[index_id]
        return {"score": s, "rank": r, "both": s & r}

    def rank(self, y: np.ndarray, index_id: str) -> np.ndarray:
        """Competition rank of focal scores ``y`` among the frozen peers."""
        return 1 + (self.baselines[index_id].peers > y[:, None]).sum(axis=1)

    def p_both(self, x: np.ndarray, index_id: str) -> float:
        return float((self.score(x, index_id) >= self.threshold(index_id)).mean())

    def bounds(self, index_id: str) -> tuple[float, float]:
        return self.baselines[index_id].bounds
