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
    resp = _response(engine, unc, scenario, response)
    x0 = resp.planned
    names = {(i, g.id): g for i, p in scenario.indices.items() for g in p.groups}
    plan, rows, brackets = {}, {}, {}
    for i in resp.index_ids:
        base, h0 = _figures(resp, x0, i)
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
    resp = _response(engine, unc, scenario, response)
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
            if key[0] not in reads(scenario, i):
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
