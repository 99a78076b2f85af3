"""Speed of the BAU forecasts, and the tables of docs/forecast.md.

Run ``python benchmarks/bench_forecast.py`` and paste the markdown it prints into
``docs/forecast.md`` (the numbers there come from this script, seed 2021): the horizon-1 backtest
of the chosen forecaster, the league experiment, Cần Thơ's BAU for 2021 (as issued then, from
data to 2020), 2023 and 2026, the league rank widths, and timings: the time to fit each index's
forecast (median of 5) and one ``BAUForecast.simulate`` call on one engine block (4,096 draws,
float32 unit shocks as the engine stores them, median of 200 calls). The protocol comparison of
candidates is ``benchmarks/bench_protocol.py``.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pandas as pd

from simulator.backtest import backtest, league_experiment
from simulator.forecast import ForecastShocks, PanelSpec, fit_forecast
from simulator.history import load_history
from simulator.rank_width import league_rank_width

SEED = 2021
YEARS = range(2013, 2023)


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A pipe table without the optional ``tabulate`` dependency."""
    cells = [[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row] for row in table.to_numpy()]
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    return "\n".join([head, rule, *("| " + " | ".join(r) + " |" for r in cells)])


def main() -> None:
    if "--timings" in sys.argv[1:]:
        timings()
        return
    papi = load_history("papi")
    start = time.perf_counter()
    result = backtest(papi, YEARS, draws=4000, rng=SEED)
    print(f"<!-- backtest {time.perf_counter() - start:.2f} s -->\n")
    print(markdown(result.table.drop(columns=["regime"])), "\n")
    calm = backtest(papi, [y for y in YEARS if y != 2018], draws=4000, rng=SEED).table.iloc[[-1]]
    print(markdown(calm.drop(columns=["regime"]).assign(year="overall excl. 2018")), "\n")
    late = backtest(papi, range(2019, 2023), draws=4000, rng=SEED).table.iloc[[-1]]
    print(markdown(late.drop(columns=["regime"]).assign(year="overall 2019-2022")), "\n")
    league = league_experiment(papi, YEARS, draws=4000, rng=SEED)
    wide = league.set_index("year").T.rename_axis("measure").reset_index()
    print(markdown(wide.rename(columns=str), 2), "\n")
    rows = []
    cols = [f"score_p{q:02d}" for q in (5, 25, 50, 75, 95)] + [f"rank_p{q:02d}" for q in (5, 50, 95)]
    for year, origin in ((2021, 2020), (2022, 2021), (2023, 2022), (2026, 2022)):
        for index_id in ("par_index", "sipas", "papi"):
            fc = fit_forecast(load_history(index_id), year, origin=origin)
            row = fc.table(20000, SEED).set_index("unit").loc["Cần Thơ"]
            rows.append({"year": year, "origin": origin, "index": index_id, **row[cols].to_dict()})
    print(markdown(pd.DataFrame(rows), 2), "\n")
    widths = []
    for index_id in ("par_index", "sipas"):
        for year in (2023, 2026):
            res = league_rank_width(index_id, year, draws=4000, rng=SEED)
            unit = res.per_unit.set_index("unit").loc["Cần Thơ"]
            widths.append(res.to_dict() | {"can_tho_width": float(unit["width"])})
            print(res.message("en"))
            print(res.message("vi"))
    print(markdown(pd.DataFrame(widths), 2), "\n")
    timings()


def timings() -> None:
    """Fit and simulate times of each index (``--timings`` runs only these)."""
    for index_id in ("par_index", "sipas", "papi"):
        print(
            f"{index_id}: fit {fit_ms(index_id):.0f} ms, "
            f"simulate one 4,096-draw block {simulate_block_ms(index_id):.2f} ms"
        )
    lerr = PanelSpec(level_reversion=0.0, level_errors=True)
    print(f"papi {lerr.label}: fit {fit_ms('papi', spec=lerr):.0f} ms")


def fit_ms(index_id: str, repeats: int = 5, spec: PanelSpec | None = None) -> float:
    """Median time to fit the 2023 forecast from the shipped history (loaded once, as the app caches)."""
    history = load_history(index_id)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit_forecast(history, 2023, spec=spec)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def simulate_block_ms(index_id: str, block: int = 4096, repeats: int = 200) -> float:
    """Median time of one ``simulate`` call on a block of pre-drawn shocks, as the engine makes it."""
    fc = fit_forecast(load_history(index_id), 2023)
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
