"""Decision analytics on common random numbers: what each task group is worth and what it takes.

Everything here evaluates many lever settings on one :class:`~simulator.engine.Uncertainties`
record, so differences are the levers' effect, not noise (STYLE §2). The workhorse is
:class:`~simulator.response.Response`: the engine's lever step with the peers and every uncertain
input frozen from one pass at BAU, exact at any levels, and the per-draw threshold ``τ_d`` such
that both targets are met iff the focal score ``y_d ≥ τ_d``.

* :func:`tornado` — each group ±10 points (clipped to [0, 1]) and the two brackets.
* :func:`goal_seek` — the smallest uniform rise, and each group's smallest level, reaching
  ``P(both) ≥ q``; bisection is valid because ``P(both)`` is monotone in each lever under CRN.
* :func:`sobol` — first-order and total Sobol indices over the uncertainty sources by pick-freeze.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.levers import reads
from simulator.outcomes import mc_se
from simulator.randomness import DEFAULT_SEED, RandomLike, spawn
from simulator.response import Response
from simulator.scenario import Scenario


def _paired_se(a: np.ndarray, b: np.ndarray) -> float:
    """MC standard error of ``mean(a) − mean(b)`` on common draws: ``sd(a − b)/√n``.

    For indicators (booleans) ``d = a − b ∈ {−1, 0, 1}``, so the variance comes from two counts:
    ``(n₊ + n₋ − n·mean²)/(n − 1)`` with ``mean = (n₊ − n₋)/n``.
    """
    n = a.size
    if n < 2:
        return float("nan")
    if a.dtype == bool and b.dtype == bool:
        up, down = np.count_nonzero(a & ~b), np.count_nonzero(b & ~a)
        mean = (up - down) / n
        return float(np.sqrt(max(up + down - n * mean * mean, 0.0) / (n - 1) / n))
    d = a.astype(float) - b.astype(float)
    return float(d.std(ddof=1) / np.sqrt(n))


@dataclass(frozen=True)
class TornadoResult:
    """Per index: each lever ±``step`` and the two brackets, as changes from the plan.

    ``rows[index_id]`` is a tuple of dicts sorted by the width of the ``P(both)`` bar;
    ``brackets[index_id]`` holds ``all_done`` and ``bau_only``; ``plan[index_id]`` the plan's figures.
    """

    step: float
    draws: int
    seed: int | tuple[int, ...] | None
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


def _response(engine: Engine, unc: Uncertainties, scenario: Scenario, response: Response | None) -> Response:
    """``response`` if it was built on ``unc``, else a new one (the caller's draws, always)."""
    if response is None:
        return Response.build(engine, unc, scenario)
    response.check_draws(unc)
    return response


def _figures(resp: Response, y: np.ndarray, i: str) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    h = resp.hits(y, i)
    fig = {f"p_{k}": float(v.mean()) for k, v in h.items()}
    fig["expected_rank"] = resp.mean_rank(y, i)
    fig["se_p_both"] = mc_se(fig["p_both"], resp.draws)
    return fig, h


MEASURES = ("p_score", "p_rank", "p_both", "expected_rank")


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
    ``P(score ≥ t)``, ``P(rank ≤ k)``, ``P(both)`` and the expected rank. Each row also has the
    low and high ``P(both)`` themselves (``p_both_down``, ``p_both_up``) and the swing
    ``p_both_up − p_both_down``. Their Monte Carlo errors are those of differences on common
    random numbers: ``se_delta_p_both_± = sd(1_± − 1_0)/√n`` and
    ``se_swing_p_both = sd(1_+ − 1_−)/√n`` (``1`` the per-draw indicator of meeting both targets),
    much smaller than the error of either side alone, ``sqrt(p(1 − p)/n)``. Rows are sorted by
    ``|ΔP_both,+| + |ΔP_both,−|`` (then expected rank). PAR's rows include SIPAS's groups (SIPAS
    is a PAR sub-criterion). Brackets: every group at 100 % (``all_done``) and every group at BAU
    (``bau_only``), each with the paired error of its change ``se_delta_p_both``.
    """
    if not 0 < step <= 1:
        raise InputError("step", f"{step} must be in (0, 1]")
    resp = _response(engine, unc, scenario, response)
    x0 = resp.planned
    point = resp.at(x0)
    names = {(i, g.id): g for i, p in scenario.indices.items() for g in p.groups}
    plan, rows, brackets = {}, {}, {}
    for i in resp.index_ids:
        base, h0 = _figures(resp, point.score(i), i)
        plan[i] = base
        out = []
        for j, key in enumerate(resp.keys):
            if key[0] not in reads(scenario, i):
                continue
            g = names[key]
            row: dict[str, Any] = {
                "group": key[1],
                "group_index": key[0],
                "name_vi": g.name_vi,
                "name_en": g.name_en,
                "level": float(x0[j]),
            }
            move = point.along(i, [j])
            hits = {}
            for side, to in (("down", max(0.0, x0[j] - step)), ("up", min(1.0, x0[j] + step))):
                fig, h = _figures(resp, move(to), i)
                hits[side] = h["both"]
                row[f"level_{side}"] = to
                row[f"p_both_{side}"] = fig["p_both"]
                for k in MEASURES:
                    row[f"delta_{k}_{side}"] = fig[k] - base[k]
                row[f"se_delta_p_both_{side}"] = _paired_se(h["both"], h0["both"])
            row["swing_p_both"] = row["p_both_up"] - row["p_both_down"]
            row["se_swing_p_both"] = _paired_se(hits["up"], hits["down"])
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
            fig, h = _figures(resp, resp.score(x, i), i)
            brackets[i][name] = {
                **fig,
                **{f"delta_{k}": fig[k] - base[k] for k in MEASURES},
                "se_delta_p_both": _paired_se(h["both"], h0["both"]),
            }
    return TornadoResult(step, resp.draws, resp.seed, plan, rows, brackets)


@dataclass(frozen=True)
class GoalSeekResult:
    """Smallest levers reaching ``P(both) ≥ q`` per index.

    ``uniform[index]``: ``{reachable, delta, p_both, se, best_p_both, se_best}`` — the smallest
    uniform rise ``δ`` over the plan (all of the index's groups ``min(x_g + δ, 1)``), ``P(both)``
    there and the best the rise reaches (every group of the index at 100 %). ``by_group[index]``:
    one dict per group with the smallest level of that group alone (others at plan), ``P(both)``
    there and its best (that group at 100 %). ``se`` are Monte Carlo errors ``sqrt(p(1 − p)/n)``.
    """

    q: float | dict[str, float]
    draws: int
    seed: int | tuple[int, ...] | None
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
                    "se_plan": mc_se(self.plan_p_both[i], self.draws),
                    "uniform": self.uniform[i],
                    "by_group": list(self.by_group[i]),
                }
                for i in self.uniform
            },
        }


def _bisect(
    score, threshold: np.ndarray, lo: float, hi: float, q: float, tol: float
) -> tuple[bool, float, float, float]:
    """Smallest ``u ∈ [lo, hi]`` with ``P(score(u) ≥ threshold) ≥ q``, ``P`` non-decreasing in ``u``.

    ``score(u, rows)`` gives the focal scores of some draws. Returns (reachable, u, P(u), P(hi)).
    Only the draws that change between ``lo`` and ``hi`` are evaluated inside the interval (a
    draw met at ``lo`` stays met, one missed at ``hi`` stays missed): exact, and cheaper.
    """
    n = threshold.size
    at_lo, at_hi = score(lo, None) >= threshold, score(hi, None) >= threshold
    p_lo, p_hi = float(at_lo.mean()), float(at_hi.mean())
    if p_lo >= q:
        return True, lo, p_lo, p_hi
    if p_hi < q:
        return False, hi, p_hi, p_hi
    pivotal = np.flatnonzero(at_hi & ~at_lo)
    tau, sure = threshold[pivotal], int(at_lo.sum())
    p = score.rows(pivotal)
    p_mid = p_hi
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        got = (sure + int(np.count_nonzero(p(mid) >= tau))) / n
        if got >= q:
            hi, p_mid = mid, got
        else:
            lo = mid
    return True, hi, p_mid, p_hi


@dataclass(frozen=True)
class _Path:
    """A one-parameter path of levers ``x(u)`` for :func:`_bisect`: ``path(u, rows)`` scores."""

    point: Any
    index_id: str
    positions: np.ndarray
    values: Any  # u -> values of x at ``positions``

    def __call__(self, u: float, rows: np.ndarray | None) -> np.ndarray:
        return self.point.along(self.index_id, self.positions, rows)(self.values(u))

    def rows(self, rows: np.ndarray):
        move = self.point.along(self.index_id, self.positions, rows)
        return lambda u: move(self.values(u))


def reach(
    engine: Engine, unc: Uncertainties, scenario: Scenario, *, response: Response | None = None
) -> dict[str, dict[str, float]]:
    """Per index, ``P(both)`` of the plan and the best its own groups reach (all at 100 %), with errors.

    ``{index: {"p_both_plan", "se_plan", "best_p_both", "se_best"}}``: the range a wanted
    probability of :func:`goal_seek` can be reached in by a uniform rise.
    """
    resp = _response(engine, unc, scenario, response)
    out = {}
    for i in resp.index_ids:
        own = np.array([k[0] == i for k in resp.keys])
        plan, best = resp.p_both(resp.planned, i), resp.p_both(np.where(own, 1.0, resp.planned), i)
        out[i] = {
            "p_both_plan": plan,
            "se_plan": mc_se(plan, resp.draws),
            "best_p_both": best,
            "se_best": mc_se(best, resp.draws),
        }
    return out


def goal_seek(
    engine: Engine,
    unc: Uncertainties,
    scenario: Scenario,
    *,
    q: float | dict[str, float] = 0.8,
    tol: float = 1e-3,
    response: Response | None = None,
) -> GoalSeekResult:
    """What it takes to reach ``P(both) ≥ q``: a uniform rise, or one group alone.

    ``q`` is one wanted probability for every index, or ``{index: q}`` for those indices only
    (``q`` of the result is then that dict).

    Notes
    -----
    Under common random numbers ``u ↦ P(both | x(u))`` is non-decreasing for ``x(u) = min(x + u·1, 1)``
    and for ``x(u) = x`` with ``x_g = u``, so bisection to ``tol`` finds the smallest ``u`` with
    ``P ≥ q``. If even ``u`` at its bound (every group 100 %, or the group at 100 %) stays below
    ``q`` the answer is "not reachable by these levers" with that best probability. ``se`` is the
    MC error ``sqrt(p(1−p)/n)`` at the answer, ``se_best`` that of the best.
    """
    resp = _response(engine, unc, scenario, response)
    wanted = dict(q) if isinstance(q, dict) else {i: q for i in resp.index_ids}
    for i, qi in wanted.items():
        if i not in resp.index_ids:
            raise InputError(f"q.{i}", f"the plan has no index {i!r} (it has {', '.join(resp.index_ids)})")
        if not 0 < qi < 1:
            raise InputError("q", f"{qi} must be a probability strictly between 0 and 1")
    x0 = resp.planned
    point = resp.at(x0)
    names = {(i, g.id): g for i, p in scenario.indices.items() for g in p.groups}
    plan_p, uniform, by_group = {}, {}, {}
    for i in (i for i in resp.index_ids if i in wanted):
        qi, tau = wanted[i], resp.threshold(i)
        own = np.flatnonzero([k[0] == i for k in resp.keys])
        plan_p[i] = float((point.score(i) >= tau).mean())
        rise = _Path(point, i, own, lambda d, own=own: np.minimum(x0[own] + d, 1.0))
        ok, d, p, best = _bisect(rise, tau, 0.0, float(1.0 - x0[own].min(initial=1.0)), qi, tol)
        uniform[i] = {
            "reachable": ok,
            "delta": d if ok else None,
            "p_both": p,
            "se": mc_se(p, resp.draws),
            "best_p_both": best,
            "se_best": mc_se(best, resp.draws),
        }
        rows = []
        for j, key in enumerate(resp.keys):
            if key[0] not in reads(scenario, i):
                continue
            alone = _Path(point, i, np.array([j]), lambda u: u)
            ok, u, p, best = _bisect(alone, tau, float(x0[j]), 1.0, qi, tol)
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
                    "best_p_both": best,
                    "se_best": mc_se(best, resp.draws),
                }
            )
        by_group[i] = tuple(rows)
    q_out = wanted if isinstance(q, dict) else q
    return GoalSeekResult(q_out, resp.draws, resp.seed, plan_p, uniform, by_group)


SOURCES = ("delivery", "weights", "effectiveness", "survey", "national", "units")


def _mix(a: Uncertainties, b: Uncertainties, source: str) -> Uncertainties:
    """``a`` with one source taken from ``b`` in every index (the pick-freeze design)."""
    by_index = {}
    for i, ua in a.by_index.items():
        ub = b.by_index[i]
        if source == "national":
            f = replace(ua.forecast, common=ub.forecast.common, params=ub.forecast.params)
            by_index[i] = replace(ua, forecast=f)
        elif source == "units":
            by_index[i] = replace(ua, forecast=replace(ua.forecast, unit=ub.forecast.unit))
        else:
            by_index[i] = replace(ua, **{source: getattr(ub, source)})
    return replace(a, by_index=by_index)


@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol indices of each index's outcomes over the uncertainty sources.

    ``first[index][output][source]`` and ``total[...]`` with bootstrap percentile intervals
    ``first_ci``/``total_ci`` (``(lo, hi)``); outputs ``both`` (the indicator of meeting both
    targets, whose mean is ``P(both)``) and ``score``.
    """

    draws: int
    seed: int | tuple[int, ...] | None
    sources: tuple[str, ...]
    first: dict[str, dict[str, dict[str, float]]]
    total: dict[str, dict[str, dict[str, float]]]
    first_ci: dict[str, dict[str, dict[str, tuple[float, float]]]]
    total_ci: dict[str, dict[str, dict[str, tuple[float, float]]]]

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for i, outs in self.first.items():
            for out, by in outs.items():
                for s, v in by.items():
                    rows.append(
                        {
                            "index": i,
                            "output": out,
                            "source": s,
                            "first": v,
                            "first_lo": self.first_ci[i][out][s][0],
                            "first_hi": self.first_ci[i][out][s][1],
                            "total": self.total[i][out][s],
                            "total_lo": self.total_ci[i][out][s][0],
                            "total_hi": self.total_ci[i][out][s][1],
                        }
                    )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "sources": list(self.sources),
            "indices": {
                i: [r for r in self.to_frame().to_dict("records") if r["index"] == i] for i in self.first
            },
        }


def _indices(fa: np.ndarray, fb: np.ndarray, fab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli (2010) first-order and Jansen total estimators on centred outputs (last axis: draws)."""
    mu = np.mean(np.concatenate([fa, fb], axis=-1), axis=-1, keepdims=True)
    fa, fb, fab = fa - mu, fb - mu, fab - mu
    var = np.var(np.concatenate([fa, fb], axis=-1), axis=-1)
    var = np.where(var > 0, var, np.nan)
    first = np.mean(fb * (fab - fa), axis=-1) / var
    total = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / var
    return first, total


def sobol(
    engine: Engine,
    scenario: Scenario,
    *,
    draws: int = 4000,
    rng: RandomLike = DEFAULT_SEED,
    n_boot: int = 200,
) -> SobolResult:
    """What drives the uncertainty: Sobol indices over the sources by pick-freeze.

    Notes
    -----
    Two independent records ``A`` and ``B``; ``AB_k`` is ``A`` with source *k* from ``B``
    (sources: delivered shares, mapping weights, effectiveness, survey noise, the national shock
    and forecast parameters, every unit's own innovation — the peers' movement). With
    ``V = Var(f)``: ``S_k = mean(f_B (f_{AB_k} − f_A)) / V`` (Saltelli 2010) and
    ``S_Tk = mean((f_A − f_{AB_k})²) / (2V)`` (Jansen 1999). Intervals: percentile bootstrap over
    draws (``n_boot`` resamples). Cost: ``2 + 6`` engine runs of ``draws``.
    """
    if draws < 10:
        raise InputError("draws", f"{draws} is too few for Sobol indices (at least 10)")
    (a_seq, b_seq, boot_seq), root = spawn(rng, 3)
    a, b = engine.uncertainties(draws, a_seq, scenario), engine.uncertainties(draws, b_seq, scenario)
    runs = {"A": engine.run(a, scenario), "B": engine.run(b, scenario)}
    runs |= {s: engine.run(_mix(a, b, s), scenario) for s in SOURCES}
    boot = np.random.default_rng(boot_seq).integers(0, draws, size=(n_boot, draws))
    first: dict = {}
    total: dict = {}
    first_ci: dict = {}
    total_ci: dict = {}
    for i in scenario.indices:
        for name in ("both", "score"):

            def out(key: str, i: str = i, name: str = name) -> np.ndarray:
                r = runs[key].indices[i]
                return (r.hits["both"] if name == "both" else r.score).astype(float)

            fa, fb = out("A"), out("B")
            for s in SOURCES:
                fab = out(s)
                f1, ft = _indices(fa, fb, fab)
                b1, bt = _indices(fa[boot], fb[boot], fab[boot])
                first.setdefault(i, {}).setdefault(name, {})[s] = float(f1)
                total.setdefault(i, {}).setdefault(name, {})[s] = float(ft)
                first_ci.setdefault(i, {}).setdefault(name, {})[s] = tuple(
                    map(float, np.nanquantile(b1, [0.025, 0.975]))
                )
                total_ci.setdefault(i, {}).setdefault(name, {})[s] = tuple(
                    map(float, np.nanquantile(bt, [0.025, 0.975]))
                )
    return SobolResult(draws, root, SOURCES, first, total, first_ci, total_ci)
