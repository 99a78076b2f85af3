"""The round-3 protocol backtest of docs/forecast.md §0c: candidates, horizons 1-3, PAPI 2013-2022.

Run ``nice -n 10 python benchmarks/bench_round3.py [--draws N] [--csv FILE]`` (a few minutes on
one core). It prints markdown tables for docs/forecast.md §4c: pooled figures per horizon with the
candidate the rule of §0c picks, the 2019-2022 figures, per-year coverage and QS skill per
horizon (with persistence's own coverage), and the chosen model's per-year table. Then the
timings of the issue: fitting the whole field's forecast for one index/year and simulating 20,000
draws, cold, in one process. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from bench_protocol import HORIZONS, RECENT, SEED, YEARS, choose_round2, markdown, pooled_over, summary

from simulator.backtest import protocol
from simulator.history import load_history
from simulator.panel import PanelSpec

# round 3 (§0c), simplest first; the incumbent leads
ROUND3 = {
    "ar1": PanelSpec(),
    "ar1+t5": PanelSpec(unit_df=5.0),
    "ar1+wid": PanelSpec(widening=True),
    "ar1+dims": PanelSpec(dimension_models=True),
}


def persistence_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Persistence's own coverage per year and horizon (the same for every candidate)."""
    first = table[table["candidate"] == next(iter(ROUND3))]
    return first.pivot(index="year", columns="horizon", values="coverage90_persistence")


def timings() -> None:
    """Cold fit of every index's 2023 forecast and 20,000 draws, in one process (the first call)."""
    from simulator.forecast import fit_forecast

    rows = []
    for index_id in ("papi", "par_index", "sipas"):
        start = time.perf_counter()
        history = load_history(index_id)
        loaded = time.perf_counter()
        fc = fit_forecast(history, 2023)
        fitted = time.perf_counter()
        fc.simulate(20000, SEED)
        simulated = time.perf_counter()
        rows.append(
            {
                "index_id": index_id,
                "load_ms": 1000 * (loaded - start),
                "fit_ms": 1000 * (fitted - loaded),
                "simulate_20000_ms": 1000 * (simulated - fitted),
            }
        )
    print("cold timings (first call in this process, 2023 forecast):\n")
    print(markdown(pd.DataFrame(rows), 0), "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--csv", help="also write the full table to this file")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed: the Monte Carlo error")
    parser.add_argument("--timings-only", action="store_true")
    args = parser.parse_args()
    timings()  # first, so that the fit and the simulation are cold
    if args.timings_only:
        return
    start = time.perf_counter()
    table = protocol(load_history("papi"), YEARS, HORIZONS, ROUND3, draws=args.draws, rng=args.seed)
    took = time.perf_counter() - start
    print(f"<!-- round-3 protocol backtest {took:.0f} s, {args.draws} draws, seed {args.seed} -->\n")
    per_h = pd.concat([summary(table, k).assign(horizon=k) for k in HORIZONS])
    print(markdown(per_h), "\n")
    chosen = choose_round2(summary(table, 1))
    print(f"chosen by the rule of §0c: {chosen}\n")
    print("2019-2022:\n")
    print(markdown(pooled_over(table, RECENT)), "\n")
    if args.csv:
        table.to_csv(args.csv, index=False)
    pers = persistence_rows(table)
    for k in HORIZONS:
        rows = table[table["horizon"] == k]
        for score in ("coverage90", "qs_skill"):
            wide = rows.pivot(index="year", columns="candidate", values=score)[list(ROUND3)]
            if score == "coverage90":
                wide["persistence"] = pers[k].reindex(wide.index)
            print(f"{score} per year, horizon {k}:\n")
            print(markdown(wide.reset_index().rename(columns=str)), "\n")
    cols = ["year", "n_units", "coverage90", "qs_skill", "crps_skill", "mae", "mae_persistence"]
    if chosen in ROUND3:
        mine = table[table["candidate"] == chosen]
        for k in HORIZONS:
            print(f"{chosen}, horizon {k}:\n")
            print(markdown(mine[mine["horizon"] == k][[*cols, "rank_interval_width"]]), "\n")


if __name__ == "__main__":
    main()
