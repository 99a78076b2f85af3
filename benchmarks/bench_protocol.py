"""The protocol backtests of docs/forecast.md §0 and §0b: candidates, horizons 1-3, PAPI 2013-2022.

Run ``python benchmarks/bench_protocol.py [--round 1|2] [--draws N]`` (round 1 about 4 minutes,
round 2 about 3 minutes on one core). It prints markdown tables for docs/forecast.md: the pooled
comparison with the candidate the choice rule picks, per-year tables per horizon, and (round 2)
the 2019-2022 figures and the goal check. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from simulator.backtest import PooledSpec, protocol
from simulator.history import load_history
from simulator.panel import PanelSpec

SEED = 2026
YEARS = range(2013, 2023)
HORIZONS = (1, 2, 3)
BASES = {"ar1": "none", "discounted": "discounted", "mean": "equal"}  # simplest first
EXTENSIONS = {"+mix": (False, True), "+re": (True, False), "+re+mix": (True, True)}  # simplest first
TIE = 0.01
# round 2 (§0b), simplest first; the incumbent (round 1's choice) leads
ROUND2 = {
    "ar1": PanelSpec(),
    "ar1-k0": PanelSpec(level_reversion=0.0),
    "ar1-k0.25": PanelSpec(level_reversion=0.25),
    "ar1+lerr": PanelSpec(level_errors=True),
    "ar1-k0+lerr": PanelSpec(level_reversion=0.0, level_errors=True),
    "ar1-k0.25+lerr": PanelSpec(level_reversion=0.25, level_errors=True),
}
RECENT = range(2019, 2023)


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table without the optional ``tabulate`` dependency."""
    cells = [
        [f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
        for row in table.itertuples(index=False)
    ]
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


def pooled_over(table: pd.DataFrame, years) -> pd.DataFrame:
    """Unit-weighted coverage and QS skill per candidate and horizon over a subset of years."""
    rows = table[table["year"].isin(list(years))]
    out = []
    for (name, k), grp in rows.groupby(["candidate", "horizon"], sort=False):
        n = grp["n_units"].to_numpy(dtype=float)
        out.append(
            {
                "candidate": name,
                "horizon": int(k),
                "n": int(n.sum()),
                "coverage90": float((grp["coverage90"] * n).sum() / n.sum()),
                "qs_skill": float(1 - (grp["qs"] * n).sum() / (grp["qs_persistence"] * n).sum()),
                "crps_skill": float(1 - (grp["crps"] * n).sum() / (grp["crps_persistence"] * n).sum()),
            }
        )
    return pd.DataFrame(out)


def choose_round2(pooled: pd.DataFrame) -> str:
    """The rule of §0b: eligible coverage, the goal's per-year floors, best skill, simpler within TIE."""
    by = pooled.set_index("candidate")
    ok = [n for n in by.index if 0.85 <= by.loc[n, "coverage90"] <= 0.95]
    if not ok:
        return "persistence"
    floors = [
        n for n in ok if by.loc[n, "min_year_coverage"] >= 0.80 and by.loc[n, "min_year_qs_skill"] >= -0.02
    ]
    ok = floors or ok
    best = max(by.loc[n, "qs_skill"] for n in ok)
    chosen = next(n for n in by.index if n in ok and by.loc[n, "qs_skill"] >= best - TIE)
    return chosen if by.loc[chosen, "qs_skill"] > 0 else "persistence"


def round2(draws: int, csv: str | None) -> None:
    """Round 2 (§0b): six single candidates, then the pool of the two best, the choice, the tables."""
    history = load_history("papi")
    start = time.perf_counter()
    table = protocol(history, YEARS, HORIZONS, ROUND2, draws=draws, rng=SEED)
    pooled = summary(table, 1)
    top = pooled.sort_values("qs_skill", ascending=False, kind="stable")["candidate"].iloc[:2].tolist()
    pool = {"avg": PooledSpec(tuple(ROUND2[n] for n in top))}
    table = pd.concat(
        [table, protocol(history, YEARS, HORIZONS, pool, draws=draws, rng=SEED)], ignore_index=True
    )
    took = time.perf_counter() - start
    print(
        f"<!-- round-2 protocol backtest {took:.0f} s, {draws} draws, seed {SEED}; "
        f"avg = {' + '.join(top)} -->\n"
    )
    per_h = pd.concat([summary(table, k).assign(horizon=k) for k in HORIZONS])
    print(markdown(per_h), "\n")
    chosen = choose_round2(summary(table, 1))
    print(f"chosen by the rule of §0b: {chosen}\n")
    print("2019-2022:\n")
    print(markdown(pooled_over(table, RECENT)), "\n")
    if csv:
        table.to_csv(csv, index=False)
    for k in HORIZONS:
        for score in ("coverage90", "qs_skill"):
            rows = table[table["horizon"] == k]
            wide = rows.pivot(index="year", columns="candidate", values=score)[
                list(dict.fromkeys(rows["candidate"]))
            ]
            print(f"{score} per year, horizon {k}:\n")
            print(markdown(wide.reset_index().rename(columns=str)), "\n")
    cols = ["year", "n_units", "coverage90", "qs_skill", "crps_skill", "mae", "mae_persistence"]
    for name in dict.fromkeys([chosen, "ar1"]):
        mine = table[table["candidate"] == name]
        for k in HORIZONS:
            print(f"{name}, horizon {k}:\n")
            print(markdown(mine[mine["horizon"] == k][[*cols, "rank_interval_width"]]), "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--round", type=int, choices=(1, 2), default=2)
    parser.add_argument("--draws", type=int, default=4000)
    parser.add_argument("--csv", help="also write the full table to this file")
    args = parser.parse_args()
    if args.round == 2:
        round2(args.draws, args.csv)
        return
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
