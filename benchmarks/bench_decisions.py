"""Speed of the decision analytics on the Cần Thơ 2021 plan at the CLI's default draws.

Targets: tornado ≤ 2 s, optimiser ≤ 15 s. Also prints the two optimisers side by side (objective
and time) and the figures quoted in docs/decisions.md. Run: ``python benchmarks/bench_decisions.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from simulator.analysis import goal_seek, sobol, tornado
from simulator.engine import Engine
from simulator.optimize import optimise
from simulator.response import Response
from simulator.scenario import load_scenario

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "can_tho_2021.toml"
DRAWS = 20_000
SEED = 0


def main(draws: int = DRAWS) -> None:
    plan = load_scenario(PLAN)
    engine = Engine.from_scenario(plan)
    unc = engine.uncertainties(draws, SEED)
    engine.run(unc)  # warm-up

    start = time.perf_counter()
    torn = tornado(engine, unc, plan)
    tornado_s = time.perf_counter() - start
    print(f"draws={draws} seed={SEED}")
    for i, rows in torn.rows.items():
        top = ", ".join(
            f"{r['group']} ({100 * r['delta_p_both_down']:+.2f}/{100 * r['delta_p_both_up']:+.2f})"
            for r in rows[:3]
        )
        b = torn.brackets[i]
        print(
            f"tornado {i}: plan P(both)={torn.plan[i]['p_both']:.4f} all_done={b['all_done']['p_both']:.4f} "
            f"bau_only={b['bau_only']['p_both']:.4f}; top: {top}"
        )

    resp = Response.build(engine, unc, plan)
    start = time.perf_counter()
    goal = goal_seek(engine, unc, plan, response=resp)
    print(f"goal_seek_s={time.perf_counter() - start:.2f}")
    for i, u in goal.uniform.items():
        print(f"goal seek {i}: reachable={u['reachable']} delta={u['delta']} best={u['best_p_both']:.4f}")

    timings = {}
    for method in ("greedy", "surrogate"):
        start = time.perf_counter()
        res = optimise(engine, unc, plan, method=method)
        timings[method] = time.perf_counter() - start
        per_index = " ".join(
            f"{i}={res.p_both_plan[i]:.4f}->{res.p_both_optimised[i]:.4f}" for i in res.p_both_plan
        )
        print(
            f"optimise {method}: {timings[method]:.2f} s objective {res.objective_plan:.4f} -> "
            f"{res.objective_optimised:.4f} (se gain {res.se_gain:.4f}) cost {res.cost:.2f}/{res.budget:.2f} "
            f"marginal {res.marginal_value:.4f}/unit; {per_index}"
        )
        print("  frontier: " + ", ".join(f"{f['budget']:.1f}:{f['p_both']:.4f}" for f in res.frontier))
        if method == "greedy":
            print(
                "  allocation: "
                + "; ".join(
                    f"{i}: " + " ".join(f"{g}={v:.2f}" for g, v in lv.items())
                    for i, lv in res.allocation.items()
                )
            )
    for i in plan.indices:
        res = optimise(engine, unc, plan, weights={i: 1.0}, frontier_points=3)
        print(
            f"optimise {i} alone: {res.p_both_plan[i]:.4f} -> {res.p_both_optimised[i]:.4f} "
            f"(budget {res.budget:.2f}, cost {res.cost:.2f})"
        )

    start = time.perf_counter()
    sob = sobol(engine, plan, draws=4000, rng=SEED)
    print(f"sobol_s={time.perf_counter() - start:.2f} (4000 draws, 8 runs)")
    frame = sob.to_frame()
    for (i, out), part in frame.groupby(["index", "output"]):
        print(
            f"sobol {i} {out}: "
            + ", ".join(
                f"{r.source} S1={r.first:.3f} ST={r.total:.3f}"
                for r in part.sort_values("total", ascending=False).itertuples()
            )
        )
    print(f"tornado_s={tornado_s:.2f} optimise_s={timings['greedy']:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DRAWS)
