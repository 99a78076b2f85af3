"""The round-4 protocol backtest of docs/forecast.md §0d: pools with persistence, PAPI 2013-2022.

Run ``nice -n 10 python benchmarks/bench_round4.py [--draws N] [--seed S] [--csv FILE]`` (a few
minutes on one core). It prints markdown tables for docs/forecast.md §4d: pooled figures per
horizon with the candidate the rule of §0d picks, the 2019-2022 figures, per-year coverage (with
persistence's own) and QS skill per horizon, the weight each pool put on persistence per target
year and horizon, and the chosen model's per-year table. Then the winner's fit and 20,000-draw
timings, cold (the first call in the process) and warm (median of 5). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
from bench_protocol import HORIZONS, RECENT, SEED, YEARS, choose_round2, markdown, pooled_over, summary

from simulator.backtest import protocol
from simulator.history import load_history
from simulator.panel import PanelSpec

# round 4 (§0d), simplest first; the incumbent leads
ROUND4 = {
    "ar1": PanelSpec(),
    "pool-fixed": PanelSpec(persistence_weight=0.25),
    "pool-ar1-pers": PanelSpec(persistence_weight="rolling"),
    "pool-ar1dims-pers": PanelSpec(dimension_models=True, persistence_weight="rolling"),
}


def timings(spec: PanelSpec, label: str) -> None:
    """Fit of the PAPI 2023 forecast and 20,000 draws: cold (first call), then warm (median of 5)."""
    from simulator.forecast import fit_forecast

    start = time.perf_counter()
    history = load_history("papi")
    loaded = time.perf_counter()
    fc = fit_forecast(history, 2023, spec=spec)
    fitted = time.perf_counter()
    fc.simulate(20000, SEED)
    simulated = time.perf_counter()
    fits, sims = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        fc = fit_forecast(history, 2023, spec=spec)
        t1 = time.perf_counter()
        fc.simulate(20000, SEED)
        sims.append(time.perf_counter() - t1)
        fits.append(t1 - t0)
    row = {
        "spec": label,
        "load_ms": 1000 * (loaded - start),
        "fit_cold_ms": 1000 * (fitted - loaded),
        "simulate_20000_cold_ms": 1000 * (simulated - fitted),
        "fit_warm_ms": 1000 * statistics.median(fits),
        "simulate_20000_warm_ms": 1000 * statistics.median(sims),
        "pool_weight": f"{fc.pool_weight:g}",
    }
    print(markdown(pd.DataFrame([row]), 1), "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--csv", help="also write the full table to this file")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed: the Monte Carlo error")
    parser.add_argument("--timings-only", help="time this candidate only (a key of ROUND4)")
    args = parser.parse_args()
    if args.timings_only:
        timings(ROUND4[args.timings_only], args.timings_only)
        return
    start = time.perf_counter()
    table = protocol(load_history("papi"), YEARS, HORIZONS, ROUND4, draws=args.draws, rng=args.seed)
    took = time.perf_counter() - start
    print(f"<!-- round-4 protocol backtest {took:.0f} s, {args.draws} draws, seed {args.seed} -->\n")
    per_h = pd.concat([summary(table, k).assign(horizon=k) for k in HORIZONS])
    print(markdown(per_h), "\n")
    chosen = choose_round2(summary(table, 1))
    print(f"chosen by the rule of §0d: {chosen}\n")
    print("2019-2022:\n")
    print(markdown(pooled_over(table, RECENT)), "\n")
    if args.csv:
        table.to_csv(args.csv, index=False)
    first = table[table["candidate"] == "ar1"]
    for k in HORIZONS:
        rows = table[table["horizon"] == k]
        for score in ("coverage90", "qs_skill", "pool_weight"):
            wide = rows.pivot(index="year", columns="candidate", values=score)[list(ROUND4)]
            if score == "coverage90":
                pers = first[first["horizon"] == k].set_index("year")["coverage90_persistence"]
                wide["persistence"] = pers.reindex(wide.index)
            if score == "pool_weight":
                wide = wide.drop(index="overall", columns="ar1")
            print(f"{score} per year, horizon {k}:\n")
            print(markdown(wide.reset_index().rename(columns=str)), "\n")
    cols = ["year", "n_units", "coverage90", "qs_skill", "crps_skill", "mae", "mae_persistence"]
    if chosen in ROUND4:
        mine = table[table["candidate"] == chosen]
        for k in HORIZONS:
            print(f"{chosen}, horizon {k}:\n")
            print(markdown(mine[mine["horizon"] == k][[*cols, "rank_interval_width"]]), "\n")
        timings(ROUND4[chosen], chosen)


if __name__ == "__main__":
    main()
