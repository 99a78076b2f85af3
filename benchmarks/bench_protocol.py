"""The protocol backtest of docs/forecast.md §0: every candidate, horizons 1-3, PAPI 2013-2022.

Run ``python benchmarks/bench_protocol.py [--draws N]`` (about 5 minutes on one core). It prints
markdown tables for docs/forecast.md §4: the pooled comparison at horizon 1 with the candidate the
choice rule picks, the chosen model's per-year table, and its per-horizon table. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from simulator.backtest import protocol
from simulator.history import load_history
from simulator.panel import PanelSpec

SEED = 2026
YEARS = range(2013, 2023)
HORIZONS = (1, 2, 3)
BASES = {"ar1": "none", "discounted": "discounted", "mean": "equal"}  # simplest first
EXTENSIONS = {"+mix": (False, True), "+re": (True, False), "+re+mix": (True, True)}  # simplest first
TIE = 0.01


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table without the optional ``tabulate`` dependency."""
    cells = [[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row] for row in table.to_numpy()]
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    return "\n".join([head, rule, *("| " + " | ".join(r) + " |" for r in cells)])


def candidates() -> dict[str, PanelSpec]:
    """Every base and every extension of every base (the rule reads the ones it needs)."""
    out = {}
    for name, mean in BASES.items():
        out[name] = PanelSpec(unit_mean=mean)
        for ext, (re, mix) in EXTENSIONS.items():
            out[name + ext] = PanelSpec(unit_mean=mean, year_effect=re, mixture=mix)
    return out


def summary(table: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Pooled figures per candidate at one horizon, with the worst year."""
    rows = []
    for name, grp in table[table["horizon"] == horizon].groupby("candidate", sort=False):
        years, overall = grp[grp["year"] != "overall"], grp[grp["year"] == "overall"].iloc[0]
        rows.append(
            {
                "candidate": name,
                "coverage90": overall["coverage90"],
                "min_year_coverage": years["coverage90"].min(),
                "qs_skill": overall["qs_skill"],
                "min_year_qs_skill": years["qs_skill"].min(),
                "crps_skill": overall["crps_skill"],
                "mae": overall["mae"],
                "mae_persistence": overall["mae_persistence"],
            }
        )
    return pd.DataFrame(rows)


def choose(pooled: pd.DataFrame) -> str:
    """The choice rule of §0: eligible coverage, best skill, simpler within ``TIE`` wins."""
    by = pooled.set_index("candidate")

    def pick(names: list[str]) -> str | None:
        ok = [n for n in names if 0.85 <= by.loc[n, "coverage90"] <= 0.95]
        if not ok:
            return None
        best = max(by.loc[n, "qs_skill"] for n in ok)
        return next(n for n in ok if by.loc[n, "qs_skill"] >= best - TIE)

    base = pick(list(BASES)) or max(BASES, key=lambda n: by.loc[n, "qs_skill"])
    chosen = pick([base, *(base + e for e in EXTENSIONS)])
    if chosen is None or by.loc[chosen, "qs_skill"] <= 0:
        return "persistence"
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--csv", help="also write the full table to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    table = protocol(load_history("papi"), YEARS, HORIZONS, candidates(), draws=args.draws, rng=SEED)
    took = time.perf_counter() - start
    print(f"<!-- protocol backtest {took:.0f} s, {args.draws} draws, seed {SEED} -->\n")
    pooled = summary(table, 1)
    print(markdown(pooled), "\n")
    chosen = choose(pooled)
    print(f"chosen by the rule: {chosen}\n")
    if args.csv:
        table.to_csv(args.csv, index=False)
    if chosen == "persistence":
        return
    cols = ["year", "n_units", "coverage90", "qs_skill", "crps_skill", "mae", "mae_persistence"]
    mine = table[table["candidate"] == chosen]
    for k in HORIZONS:
        print(f"horizon {k}:\n")
        print(markdown(mine[mine["horizon"] == k][[*cols, "rank_interval_width"]]), "\n")
    per_h = pd.concat([summary(table, k).assign(horizon=k) for k in HORIZONS])
    print(markdown(per_h[per_h["candidate"].isin([chosen, "mean"])]), "\n")


if __name__ == "__main__":
    main()
