"""Decision analytics on common random numbers: what each task group is worth and what it takes.

Everything here evaluates many lever settings on one :class:`~simulator.engine.Uncertainties`
record, so differences are the levers' effect, not noise (STYLE §2). The workhorse is
:class:`Response`: for fixed draws the focal score is piecewise linear in the completion levels,

.. math::

    y_{d}(x) = y_{d}(x^0) + \\sum_g B^{+}_{dg}(x_g - x^0_g)^{+} - B^{-}_{dg}(x^0_g - x_g)^{+},

because ``a_s = a⁰_s + e_s Σ_g W̃_gs D_g (x_g − x⁰_g) h_s`` is linear while no attainment reaches 0
or 1 (the engine clips there; see docs/decisions.md). The slopes come from one engine run per
group and direction; the peers' scores do not depend on the focal unit's levers, so the target
"score ≥ t and rank ≤ k" is one threshold per draw,
``τ_d = max(t, c_{k,d})`` with ``c_{k,d}`` the k-th highest score among the other units.

* :func:`tornado` — each group ±10 points (clipped to [0, 1]) and the two brackets.
* :func:`goal_seek` — the smallest uniform rise, and each group's smallest level, reaching
  ``P(both) ≥ q``; bisection is valid because ``P(both)`` is monotone in each lever under CRN.
* :func:`sobol` — first-order and total Sobol indices over the uncertainty sources by pick-freeze.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine import ORDER, Engine, Uncertainties
from simulator.errors import InputError
from simulator.outcomes import mc_se
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


def _reads(scenario: Scenario, index_id: str) -> set[str]:
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
            scores, points, base_points = engine._index_scores(index_id, plan, u, deviations, focal)
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


def _paired_se(a: np.ndarray, b: np.ndarray) -> float:
    """MC standard error of ``mean(a) − mean(b)`` on common draws."""
    d = a.astype(float) - b.astype(float)
    return float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")


@dataclass(frozen=True)
class TornadoResult:
    """Per index: each lever ±``step`` and the two brackets, as changes from the plan.

    ``rows[index_id]`` is a tuple of dicts sorted by the width of the ``P(both)`` bar;
    ``brackets[index_id]`` holds ``all_done`` and ``bau_only``; ``plan[index_id]`` the plan's figures.
    """

    step: float
    draws: int
    seed: int | None
    plan: dict[str, dict[str, float]]
    rows: dict[str, tuple[dict[str, Any], ...]]
    brackets: dict[str, dict[str, dict[str, float]]]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"index": i, **r} for i, rows in self.rows.items() for r in rows])

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "draws": self.draws,
            "seed": self.seed,
            "indices": {
                i: {"plan": self.plan[i], "tornado": list(self.rows[i]), "brackets": self.brackets[i]}
                for i in self.rows
            },
        }


def _figures(resp: Response, x: np.ndarray, i: str) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    y = resp.score(x, i)
    h = resp.hits(y, i)
    fig = {f"p_{k}": float(v.mean()) for k, v in h.items()}
    fig["expected_rank"] = float(resp.rank(y, i).mean())
    fig["se_p_both"] = mc_se(fig["p_both"], resp.draws)
    return fig, h


def tornado(
    engine: Engine,
    unc: Uncertainties,
    scenario: Scenario,
    *,
    step: float = 0.10,
    response: Response | None = None,
) -> TornadoResult:
    """Move each group's completion ``step`` down and up (clipped to [0, 1]) on common draws.

    Notes
    -----
    For index *I* and group *g*: ``ΔP_±(g) = P(x ± step·e_g) − P(x)`` for ``P`` in
    ``P(score ≥ t)``, ``P(rank ≤ k)``, ``P(both)`` and the expected rank, with its paired MC error
    ``sd(1_± − 1_0)/√n``. Rows are sorted by ``|ΔP_both,+| + |ΔP_both,−|`` (then expected rank).
    PAR's rows include SIPAS's groups (SIPAS is a PAR sub-criterion). Brackets: every group at
    100 % (``all_done``) and every group at BAU (``bau_only``).
    """
    if not 0 < step <= 1:
        raise InputError("step", f"{step} must be in (0, 1]")
    resp = response or Response.build(engine, unc, scenario)
    x0 = resp.planned
    names = {(i, g.id): g for i, p in scenario.indices.items() for g in p.groups}
    plan, rows, brackets = {}, {}, {}
    for i in resp.index_ids:
        base, h0 = _figures(resp, x0, i)
        plan[i] = base
        out = []
        for j, key in enumerate(resp.keys):
            if key[0] not in _reads(scenario, i):
                continue
            g = names[key]
            row: dict[str, Any] = {
                "group": key[1],
                "group_index": key[0],
                "name_vi": g.name_vi,
                "name_en": g.name_en,
                "level": float(x0[j]),
            }
            for side, to in (("down", max(0.0, x0[j] - step)), ("up", min(1.0, x0[j] + step))):
                x = x0.copy()
                x[j] = to
                fig, h = _figures(resp, x, i)
                row[f"level_{side}"] = to
                for k in ("p_score", "p_rank", "p_both", "expected_rank"):
                    row[f"delta_{k}_{side}"] = fig[k] - base[k]
                row[f"se_delta_p_both_{side}"] = _paired_se(h["both"], h0["both"])
            out.append(row)
        out.sort(
            key=lambda r: (
                -(abs(r["delta_p_both_up"]) + abs(r["delta_p_both_down"])),
                -(abs(r["delta_expected_rank_up"]) + abs(r["delta_expected_rank_down"])),
            )
        )
        rows[i] = tuple(out)
        brackets[i] = {}
        for name, x in (("all_done", np.ones_like(x0)), ("bau_only", resp.bau)):
            fig, _ = _figures(resp, x, i)
            brackets[i][name] = {
                **fig,
                **{f"delta_{k}": fig[k] - base[k] for k in ("p_score", "p_rank", "p_both", "expected_rank")},
            }
    return TornadoResult(step, resp.draws, resp.seed, plan, rows, brackets)


@dataclass(frozen=True)
class GoalSeekResult:
    """Smallest levers reaching ``P(both) ≥ q`` per index.

    ``uniform[index]``: ``{reachable, delta, p_both, se, best_p_both}`` — the smallest uniform rise
    ``δ`` over the plan (all of the index's groups ``min(x_g + δ, 1)``). ``by_group[index]``: one
    dict per group with the smallest level of that group alone (others at plan).
    """

    q: float
    draws: int
    seed: int | None
    plan_p_both: dict[str, float]
    uniform: dict[str, dict[str, Any]]
    by_group: dict[str, tuple[dict[str, Any], ...]]

    def to_frame(self) -> pd.DataFrame:
        rows = [{"index": i, "group": "*", **v} for i, v in self.uniform.items()]
        rows += [{"index": i, **r} for i, rs in self.by_group.items() for r in rs]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "draws": self.draws,
            "seed": self.seed,
            "indices": {
                i: {
                    "p_both_plan": self.plan_p_both[i],
                    "uniform": self.uniform[i],
                    "by_group": list(self.by_group[i]),
                }
                for i in self.uniform
            },
        }


def _bisect(p, lo: float, hi: float, q: float, tol: float) -> tuple[bool, float, float]:
    """Smallest ``u ∈ [lo, hi]`` with ``p(u) ≥ q`` for non-decreasing ``p`` (to ``tol``)."""
    if p(lo) >= q:
        return True, lo, p(lo)
    best = p(hi)
    if best < q:
        return False, hi, best
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if p(mid) >= q else (mid, hi)
    return True, hi, p(hi)


def goal_seek(
    engine: Engine,
    unc: Uncertainties,
    scenario: Scenario,
    *,
    q: float = 0.8,
    tol: float = 1e-3,
    response: Response | None = None,
) -> GoalSeekResult:
    """What it takes to reach ``P(both) ≥ q``: a uniform rise, or one group alone.

    Notes
    -----
    Under common random numbers ``u ↦ P(both | x(u))`` is non-decreasing for ``x(u) = min(x + u·1, 1)``
    and for ``x(u) = x`` with ``x_g = u``, so bisection to ``tol`` finds the smallest ``u`` with
    ``P ≥ q``. If even ``u`` at its bound (every group 100 %, or the group at 100 %) stays below
    ``q`` the answer is "not reachable by these levers" with that best probability. ``se`` is the
    MC error ``sqrt(p(1−p)/n)`` at the answer.
    """
    if not 0 < q < 1:
        raise InputError("q", f"{q} must be a probability strictly between 0 and 1")
    resp = response or Response.build(engine, unc, scenario)
    x0 = resp.planned
    names = {(i, g.id): g for i, p in scenario.indices.items() for g in p.groups}
    plan_p, uniform, by_group = {}, {}, {}
    for i in resp.index_ids:
        own = np.array([k[0] == i for k in resp.keys])
        plan_p[i] = float(resp.p_both(x0, i))

        def rise(d: float, i: str = i, own: np.ndarray = own) -> float:
            return float(resp.p_both(np.where(own, np.minimum(x0 + d, 1.0), x0), i))

        ok, d, p = _bisect(rise, 0.0, float(1.0 - x0[own].min(initial=1.0)), q, tol)
        uniform[i] = {
            "reachable": ok,
            "delta": d if ok else None,
            "p_both": p,
            "se": mc_se(p, resp.draws),
            "best_p_both": rise(1.0),
        }
        rows = []
        for j, key in enumerate(resp.keys):
            if key[0] not in _reads(scenario, i):
                continue

            def alone(u: float, j: int = j, i: str = i) -> float:
                x = x0.copy()
                x[j] = u
                return float(resp.p_both(x, i))

            ok, u, p = _bisect(alone, float(x0[j]), 1.0, q, tol)
            rows.append(
                {
                    "group": key[1],
                    "group_index": key[0],
                    "name_vi": names[key].name_vi,
                    "name_en": names[key].name_en,
                    "planned": float(x0[j]),
                    "reachable": ok,
                    "level": u if ok else None,
                    "p_both": p,
                    "se": mc_se(p, resp.draws),
                    "best_p_both": alone(1.0),
                }
            )
        by_group[i] = tuple(rows)
    return GoalSeekResult(q, resp.draws, resp.seed, plan_p, uniform, by_group)
