"""Speed of the BAU forecasts, and the tables of docs/forecast.md.

Run ``python benchmarks/bench_forecast.py`` and paste the markdown it prints into
``docs/forecast.md`` (the numbers there come from this script, seed 2021). The last lines time
``BAUForecast.simulate`` on one engine block (4,096 draws, float32 unit shocks as the engine
stores them): median of 200 calls per index.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from simulator.backtest import backtest, league_experiment
from simulator.forecast import ForecastShocks, fit_forecast
from simulator.history import load_history

SEED = 2021
YEARS = range(2013, 2021)


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table without the optional ``tabulate`` dependency."""
    cells = [[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row] for row in table.to_numpy()]
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    return "\n".join([head, rule, *("| " + " | ".join(r) + " |" for r in cells)])


def main() -> None:
    papi = load_history("papi")
    start = time.perf_counter()
    result = backtest(papi, YEARS, draws=4000, rng=SEED)
    print(f"<!-- backtest {time.perf_counter() - start:.2f} s -->\n")
    print(markdown(result.table.drop(columns=["regime"])), "\n")
    calm = backtest(papi, [y for y in YEARS if y != 2018], draws=4000, rng=SEED).table.iloc[[-1]]
    print(markdown(calm.drop(columns=["regime"]).assign(year="overall excl. 2018")), "\n")
    league = league_experiment(papi, YEARS, draws=4000, rng=SEED)
    wide = league.set_index("year").T.rename_axis("measure").reset_index()
    print(markdown(wide.rename(columns=str), 2), "\n")
    rows = []
    for index_id in ("par_index", "sipas", "papi"):
        start = time.perf_counter()
        fc = fit_forecast(load_history(index_id), 2021)
        table = fc.table(20000, SEED)
        took = time.perf_counter() - start
        row = table.set_index("unit").loc["Cần Thơ"]
        cols = ["score_mean", "score_p05", "score_p50", "score_p95", "rank_p05", "rank_p50", "rank_p95"]
        rows.append({"index": index_id, "regime": fc.regime, **row[cols].to_dict(), "seconds": took})
    print(markdown(pd.DataFrame(rows), 2))
    for index_id in ("par_index", "sipas", "papi"):
        print(f"simulate, one 4,096-draw block, {index_id}: {simulate_block_ms(index_id):.2f} ms")


def simulate_block_ms(index_id: str, block: int = 4096, repeats: int = 200) -> float:
    """Median time of one ``simulate`` call on a block of pre-drawn shocks, as the engine makes it."""
    fc = fit_forecast(load_history(index_id), 2021)
    drawn = fc.draw_shocks(block, SEED)
    shocks = ForecastShocks(drawn.common, drawn.unit.astype(np.float32), drawn.params)
    unit_scale = np.full(len(fc.units), 0.9)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fc.simulate(shocks=shocks, unit_scale=unit_scale, common_scale=0.95)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


if __name__ == "__main__":
    main()
