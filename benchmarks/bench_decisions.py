"""Speed of the decision analytics on the Cần Thơ 2021 plan at the CLI's default draws, and of the app's tab.

Targets: tornado ≤ 2 s, optimiser ≤ 15 s and its sub-tab's first open ≤ 2 s; the Decisions tab ≤ 1 s
after its first open at 20,000 draws (issue 12). Also prints the two optimisers side by side
(objective and time) and the figures quoted in docs/decisions.md. Run:
``python benchmarks/bench_decisions.py [draws] [--app-only | --optimiser-only]``.

The app part drives the real Streamlit script headless (``streamlit.testing`` AppTest) at 20,000
draws on the default plan: the first load, an empty rerun (Streamlit's floor in this harness), the
Decisions tab's first open (its first sub-tab, the tornado), a second open, and each other
sub-tab's first and second open (the optimiser includes its re-estimate on fresh draws).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from simulator.analysis import goal_seek, reach, sobol, tornado
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

    for i, rows in torn.rows.items():
        r = rows[0]
        print(
            f"  {i} top row {r['group']}: low {r['p_both_down']:.4f} (Δ {r['delta_p_both_down']:+.4f} ± "
            f"{r['se_delta_p_both_down']:.4f}) high {r['p_both_up']:.4f} (Δ {r['delta_p_both_up']:+.4f} ± "
            f"{r['se_delta_p_both_up']:.4f}) swing {r['swing_p_both']:.4f} ± {r['se_swing_p_both']:.4f}"
        )

    resp = Response.build(engine, unc, plan)
    start = time.perf_counter()
    spans = reach(engine, unc, plan, response=resp)
    print(f"reach_s={time.perf_counter() - start:.2f}")
    start = time.perf_counter()
    goal = goal_seek(engine, unc, plan, response=resp)
    print(f"goal_seek_s={time.perf_counter() - start:.2f} (q = 0.8, every index)")
    for i, u in goal.uniform.items():
        print(
            f"goal seek {i}: reachable={u['reachable']} delta={u['delta']} best={u['best_p_both']:.4f} "
            f"± {u['se_best']:.4f}; plan {spans[i]['p_both_plan']:.4f}"
        )

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
        fr = res.fresh
        print(
            f"  fresh draws ({fr.draws}, spawn key {fr.spawn_key}): objective {fr.objective_plan:.4f} -> "
            f"{fr.objective_optimised:.4f} (gain {fr.gain:+.4f} ± {fr.se_gain:.4f}; on the chosen-on draws "
            f"{res.gain:+.4f}) marginal {fr.marginal_value:+.4f} ± {fr.se_marginal:.4f}; "
            + " ".join(
                f"{i}={fr.p_both_plan[i]:.4f}->{fr.p_both_optimised[i]:.4f}±{fr.se_optimised[i]:.4f}"
                for i in fr.p_both_plan
            )
        )
        print(
            "  fresh frontier: "
            + ", ".join(f"{f['budget']:.1f}:{f['p_both']:.4f}±{f['se']:.4f}" for f in fr.frontier)
        )
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


def optimiser(draws: int = DRAWS) -> None:
    """The optimiser sub-tab's library call, cold: a new engine, record and response, then the
    app's ``optimise`` (default budget, 9 frontier points, the fresh re-estimate), wall and CPU."""
    plan = load_scenario(PLAN)
    engine = Engine.from_scenario(plan)
    unc = engine.uncertainties(draws, SEED)
    resp = Response.build(engine, unc, plan)
    wall, cpu = time.perf_counter(), time.process_time()
    res = optimise(engine, unc, plan, frontier_points=9, response=resp)
    print(
        f"optimiser_first_open_s={time.perf_counter() - wall:.2f} cpu_s={time.process_time() - cpu:.2f} "
        f"draws={draws} objective {res.objective_plan:.4f} -> {res.objective_optimised:.4f}"
    )


def app(draws: int = DRAWS) -> None:
    """The Decisions tab in the real Streamlit script (AppTest), at ``draws`` draws, default plan."""
    os.environ["APP_DEFAULT_DRAWS"] = str(draws)
    os.environ.setdefault("PLAN_LIBRARY_DIR", str(Path("/tmp") / "bench_decisions_plans"))
    from streamlit.testing.v1 import AppTest

    script = Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py"
    at = AppTest.from_file(str(script), default_timeout=900)

    def timed(label: str) -> float:
        start = time.perf_counter()
        at.run()
        took = time.perf_counter() - start
        assert not at.exception, at.exception
        print(f"app {label}: {took:.2f} s")
        return took

    timed("first load")
    floor = min(timed("empty rerun") for _ in range(3))
    at.session_state["tab"] = "Quyết định"
    first = timed("Decisions first open (tornado sub-tab)")
    timed("Decisions again")
    for sub in ("Cần làm bao nhiêu", "Phân bổ ngân sách", "Nguồn bất định"):
        at.session_state["dec_tab"] = sub
        timed(f"sub-tab '{sub}' first open")
        timed(f"sub-tab '{sub}' again")
    print(
        f"app decisions_first_open_s={first:.2f} (target ≤ 1 s) empty_rerun_floor_s={floor:.2f} draws={draws}"
    )


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    n = numbers[0] if numbers else DRAWS
    if "--optimiser-only" in sys.argv:
        optimiser(n)
        sys.exit()
    if "--app-only" not in sys.argv:
        main(n)
    app(n)
