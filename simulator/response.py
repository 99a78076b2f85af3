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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.levers import IndexBaseline, LeverInputs, focal_score, lever_step, reads
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

    def mean_rank(self, y: np.ndarray, index_id: str) -> float:
        """Expected rank of focal scores ``y``: ``mean(rank(y))``, counted without a per-draw array."""
        above = np.count_nonzero(self.baselines[index_id].peers > y[:, None])
        return float((y.size + above) / y.size)

    def p_both(self, x: np.ndarray, index_id: str) -> float:
        return float((self.score(x, index_id) >= self.threshold(index_id)).mean())

    def bounds(self, index_id: str) -> tuple[float, float]:
        return self.baselines[index_id].bounds

    def at(self, x: np.ndarray) -> Point:
        """The levers ``x`` with each index's sub-criterion gains computed once, to move a few levers."""
        return Point(self, np.asarray(x, float))


@dataclass(frozen=True)
class Point:
    """:meth:`Response.at`: levers ``x`` from which a few levers move (:meth:`along`).

    The sub-criterion gains of each index at ``x`` are computed once (on first use) and shared.
    """

    response: Response
    x: np.ndarray
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def gain(self, index_id: str) -> np.ndarray:
        """``(draws, S)`` points each sub-criterion of ``index_id`` gains at ``x``."""
        if index_id not in self._cache:
            r = self.response
            change = self.x[r._positions(index_id)] - r.levers[index_id].bau
            self._cache[index_id] = lever_step(r.baselines[index_id], r.levers[index_id], change)
        return self._cache[index_id]

    def total(self, index_id: str) -> np.ndarray:
        """``pre + Σ_s gain_s`` at ``x``: the score before the feed and the clip."""
        key = f"total:{index_id}"
        if key not in self._cache:
            self._cache[key] = self.response.baselines[index_id].pre + self.gain(index_id).sum(axis=1)
        return self._cache[key]

    def score(self, index_id: str) -> np.ndarray:
        """Focal score per draw at ``x`` (as :meth:`Response.score`)."""
        key = f"score:{index_id}"
        if key not in self._cache:
            b = self.response.baselines[index_id]
            total = self.total(index_id)
            if b.feed_from is not None:
                src = self.response.baselines[b.feed_from]
                total = total + b.feed_scale * (self.score(b.feed_from) - src.bau_score)
            self._cache[key] = np.clip(total, *b.bounds)
        return self._cache[key]

    def along(self, index_id: str, positions: Sequence[int], rows: np.ndarray | None = None) -> Along:
        """The focal score of ``index_id`` as a function of the levers at ``positions`` only.

        The other levers stay at ``x``. Only the sub-criteria those levers address are evaluated
        again (through the engine's lever step on those columns), so moving one group costs a
        fraction of :meth:`Response.score`; ``rows`` restricts it to some draws. Equal to
        :meth:`Response.score` up to the order of a floating-point sum (≈1e-14 points).
        """
        r = self.response
        positions = np.asarray(positions, int)
        sel = slice(None) if rows is None else np.asarray(rows)
        chain = [index_id]
        while r.baselines[chain[-1]].feed_from is not None:
            chain.append(r.baselines[chain[-1]].feed_from)
        parts = []
        moved: set[str] = set()
        for i in reversed(chain):  # sources first
            b, lev = r.baselines[i], r.levers[i]
            mine = r._positions(i)
            local = np.flatnonzero(np.isin(mine, positions))
            if not local.size and b.feed_from not in moved:  # nothing moves it: a constant
                parts.append((i, self.score(i)[sel], None))
                continue
            moved.add(i)
            cols = np.unique(lev.s_idx[np.isin(lev.g_idx, local)])
            entries = np.flatnonzero(np.isin(lev.s_idx, cols))
            gain = self.gain(i)
            fixed = self.total(i)[sel] - gain[sel][:, cols].sum(axis=1)
            sub_base = replace(b, room_up=b.room_up[sel][:, cols], room_down=b.room_down[sel][:, cols])
            sub_lev = replace(
                lev,
                ew=lev.ew[sel][:, entries],
                g_idx=lev.g_idx[entries],
                s_idx=np.searchsorted(cols, lev.s_idx[entries]),
                pick=lev.pick[entries][:, cols],
            )
            feed = None if b.feed_from is None else r.baselines[b.feed_from].bau_score[sel]
            parts.append((i, fixed, (mine, sub_base, sub_lev, feed)))
        return Along(self.x, positions, tuple(parts), {i: r.baselines[i] for i in chain})


@dataclass(frozen=True)
class Along:
    """:meth:`Point.along`: the focal score for new values of a few levers (``__call__``)."""

    x: np.ndarray
    positions: np.ndarray
    parts: tuple  # (index, fixed total or constant score, moving inputs or None), sources first
    baselines: dict[str, IndexBaseline]

    def __call__(self, values: np.ndarray | float) -> np.ndarray:
        """Focal score per draw (of ``rows``) with ``x[positions] = values``."""
        x = self.x.copy()
        x[self.positions] = values
        y: dict[str, np.ndarray] = {}
        for i, fixed, moving in self.parts:
            if moving is None:
                y[i] = fixed
                continue
            mine, sub_base, sub_lev, feed_bau = moving
            total = fixed + lever_step(sub_base, sub_lev, x[mine] - sub_lev.bau).sum(axis=1)
            b = self.baselines[i]
            if b.feed_from is not None:
                total = total + b.feed_scale * (y[b.feed_from] - feed_bau)
            y[i] = np.clip(total, *b.bounds)
        return y[self.parts[-1][0]]
