"""Speed and memory of a full engine run on the Cần Thơ 2021 plan (3 indices, 63 units).

Prints, for 2,000 / 20,000 / 100,000 draws, the median time of a full run (draw every uncertain
input + evaluate the plan; forecasts fitted once beforehand, as the app caches them), the median
time to draw only the random numbers that run needs (the floor), a run on a record the engine has
not seen (its baseline + the lever step), a re-run on a record it has (the lever step on the kept
baseline: what moving a slider costs), and peak traced memory. The last line is
``time_20k_s=<s> ratio_to_rng_floor=<r> rerun_20k_s=<s> peak_mb_100k=<mb>``. Not a timed test:
machines here are shared and noisy.

    python3 benchmarks/bench_engine.py
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

from simulator.engine import Engine
from simulator.scenario import load_scenario

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "can_tho_2021.toml"


def _median_time(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_mb(fn) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    start = time.perf_counter()
    engine = Engine.from_scenario(load_scenario(PLAN))
    print(f"fit forecasts (once, cached by the app): {time.perf_counter() - start:.3f} s")
    engine.simulate(2000, 0)  # warm-up
    figures = {}
    for draws, repeats in ((2_000, 15), (20_000, 9), (100_000, 3)):
        full = _median_time(lambda d=draws: engine.simulate(d, 1), repeats)
        floor = _median_time(lambda d=draws: engine.uncertainties(d, 1), repeats)
        unc = engine.uncertainties(draws, 1)
        fresh = _median_time(lambda u=unc: engine.run(replace(u)), repeats)
        engine.run(unc)
        rerun = _median_time(lambda u=unc: engine.run(u), repeats)
        figures[draws] = (full, floor, rerun)
        print(
            f"draws={draws:>7}: full run {full:.3f} s, rng floor {floor:.3f} s, ratio {full / floor:.2f}, "
            f"run on new draws {fresh:.3f} s, re-run on kept draws {rerun:.3f} s"
        )
    peak = _peak_mb(lambda: engine.simulate(100_000, 1))
    print(f"peak traced memory of a 100,000-draw run: {peak:.0f} MB")
    full, floor, rerun = figures[20_000]
    print(
        f"time_20k_s={full:.3f} ratio_to_rng_floor={full / floor:.2f} rerun_20k_s={rerun:.3f} "
        f"peak_mb_100k={peak:.0f}"
    )


if __name__ == "__main__":
    main()
