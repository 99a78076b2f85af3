"""Rolling-origin evaluation of the BAU forecasts (:mod:`simulator.forecast`).

For each target year ``T`` and horizon ``k`` the forecast is fitted on the years up to ``T - k``
only and scored on the published year-``T`` scores: 90 % interval coverage, CRPS, the quantile
score, MAE, and the width of 90 % rank intervals. The benchmark is *persistence*: the last score
plus ``N(0, s_k^2)``, ``s_k`` the sd of ``k``-year changes of a unit's score up to ``T - k`` (on
the per-dimension scale when the index's number of dimensions changes, so that PAPI's 2018 break
hits both forecasts alike). :func:`protocol` runs the comparison of ``docs/forecast.md`` §0.

:func:`league_experiment` degrades PAPI to the data pattern of the PAR INDEX (a few published
scores and ranks a year plus national mean/min/max) and compares the league-table method's rank
intervals with the full-panel ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from simulator.errors import InputError
from simulator.forecast import fit_forecast, rank_draws
from simulator.history import History
from simulator.panel import PanelSpec
from simulator.pooling import QUANTILE_LEVELS, persistence_forecast, pinball

TOP_PUBLISHED = 5
MID_PUBLISHED = 3


@dataclass(frozen=True)
class PooledSpec:
    """An equal-weight linear pool of panel forecasts (a round-2 candidate, ``docs/forecast.md`` §0b).

    Every member simulates the same shocks (common random numbers); draw ``i`` is taken from
    member ``i mod m``, so the pooled sample is an equal mixture of the members' predictive laws.
    """

    members: tuple[PanelSpec, ...]

    def __post_init__(self) -> None:
        if len(self.members) < 2:
            raise InputError("members", "a pool needs at least two panel specs")

    @property
    def label(self) -> str:
        """``avg(a, b)`` from the members' labels."""
        return "avg(" + ", ".join(m.label for m in self.members) + ")"


def pooled_simulate(history: History, year: int, pool: PooledSpec, draws: int, rng, origin: int) -> tuple:
    """Simulated scores ``(draws, N)`` of a :class:`PooledSpec` and its first member's forecast."""
    fits = [fit_forecast(history, year, regime="panel", origin=origin, spec=m) for m in pool.members]
    if len({fc.n_params for fc in fits}) != 1:
        raise InputError("members", "pooled specs must share their parameter shocks (same n_params)")
    shocks = fits[0].draw_shocks(draws, rng)
    out = fits[0].simulate(shocks=shocks)
    pick = np.arange(draws) % len(fits)
    for j, fc in enumerate(fits[1:], start=1):
        out[pick == j] = fc.simulate(shocks=shocks)[pick == j]
    return out, fits[0]


def quantile_score_normal(mean: np.ndarray, sd: float, observed: np.ndarray) -> np.ndarray:
    """Quantile score of ``N(mean, sd^2)`` at :data:`QUANTILE_LEVELS`."""
    z = stats.norm.ppf(np.asarray(QUANTILE_LEVELS))[:, None]
    return pinball(mean[None, :] + sd * z, observed)


def crps_sample(samples: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Sample CRPS of each column of ``samples`` (draws, N) against ``observed`` (N,).

    Notes
    -----
    ``CRPS = E|X - y| - E|X - X'| / 2``; the second term by the sorted-sample identity
    ``E|X - X'| = 2 / (m (m - 1)) sum_i (2i - m - 1) x_(i)`` (unbiased, O(m log m)).

    Examples
    --------
    >>> float(crps_sample(np.array([[0.0], [0.0]]), np.array([1.0]))[0])
    1.0
    """
    m = samples.shape[0]
    first = np.mean(np.abs(samples - observed), axis=0)
    weights = 2.0 * np.arange(1, m + 1) - m - 1
    spread = 2.0 * (weights @ np.sort(samples, axis=0)) / (m * (m - 1))
    return first - 0.5 * spread


def crps_normal(mean: np.ndarray, sd: float | np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Closed-form CRPS of ``N(mean, sd^2)``: ``sd [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)]``."""
    z = (observed - mean) / sd
    return sd * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


@dataclass(frozen=True)
class BacktestResult:
    """Per-year and overall scores of a rolling-origin backtest.

    ``table`` columns: ``year`` (an int, or ``"overall"``), ``n_units``, ``coverage90``, ``crps``,
    ``crps_persistence``, ``crps_skill`` (``1 - crps / crps_persistence``), ``mae``,
    ``mae_persistence``, ``rank_interval_width``, then ``rank_coverage90``, ``regime``, ``qs``,
    ``qs_persistence``, ``qs_skill``, ``horizon`` and ``coverage90_persistence`` (the benchmark's
    own central 90 % interval, last score ± 1.645 ``s_k``), ``pool_weight`` (the weight on persistence
    of a pooled forecast, 0 otherwise).
    The overall row averages over unit-years.
    """

    table: pd.DataFrame
    index_id: str
    draws: int
    seed: object

    def to_dict(self) -> dict:
        rows = self.table.replace({np.nan: None}).to_dict("records")
        return {"index_id": self.index_id, "draws": self.draws, "seed": self.seed, "rows": rows}


def rank_interval(sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ranks = rank_draws(sims)
    q = np.quantile(ranks, [0.05, 0.95], axis=0, method="inverted_cdf")
    return q[0], q[1]


def _score_year(
    history: History, year: int, draws: int, rng, regime: str, horizon: int = 1, spec=None
) -> dict:
    origin = year - horizon
    if isinstance(spec, PooledSpec):
        sims, fc = pooled_simulate(history, year, spec, draws, rng, origin)
    else:
        fc = fit_forecast(history, year, regime=regime, origin=origin, spec=spec)
    observed = history.matrix("score", (year,))[0]
    last, change_sd = persistence_forecast(history.before(origin + 1), year)
    ok = np.isfinite(observed) & np.isfinite(last)
    if not ok.any():
        raise InputError("years", f"no {history.index_id} scores in {year} to compare with")
    sims = (sims if isinstance(spec, PooledSpec) else fc.simulate(draws, rng))[:, ok]
    y = observed[ok]
    q = np.quantile(sims, QUANTILE_LEVELS, axis=0)
    lo, hi = q[0], q[-1]
    r_lo, r_hi = rank_interval(sims)
    actual_rank = rank_draws(y[None, :])[0]
    return {
        "year": year,
        "n_units": int(ok.sum()),
        "coverage90": float(np.mean((lo <= y) & (y <= hi))),
        "crps": float(np.mean(crps_sample(sims, y))),
        "crps_persistence": float(np.mean(crps_normal(last[ok], change_sd, y))),
        "mae": float(np.mean(np.abs(q[QUANTILE_LEVELS.index(0.5)] - y))),
        "mae_persistence": float(np.mean(np.abs(last[ok] - y))),
        "rank_interval_width": float(np.mean(r_hi - r_lo)),
        "rank_coverage90": float(np.mean((r_lo <= actual_rank) & (actual_rank <= r_hi))),
        "regime": fc.regime,
        "qs": float(np.mean(pinball(q, y))),
        "qs_persistence": float(np.mean(quantile_score_normal(last[ok], change_sd, y))),
        "horizon": horizon,
        "coverage90_persistence": float(np.mean(np.abs(y - last[ok]) <= stats.norm.ppf(0.95) * change_sd)),
        "pool_weight": fc.pool_weight,
    }


_ORDER = [
    "year",
    "n_units",
    "coverage90",
    "crps",
    "crps_persistence",
    "crps_skill",
    "mae",
    "mae_persistence",
    "rank_interval_width",
    "rank_coverage90",
    "regime",
    "qs",
    "qs_persistence",
    "qs_skill",
    "horizon",
    "coverage90_persistence",
    "pool_weight",
]


def _with_overall(rows: list[dict], skill: tuple[str, str] | None) -> pd.DataFrame:
    """Rows plus an ``overall`` row: unit-weighted means of every numeric column."""
    table = pd.DataFrame(rows)
    weights = table["n_units"].to_numpy(dtype=float)
    overall: dict = {"year": "overall", "n_units": int(weights.sum())}
    for col in table.columns:
        if col not in overall and pd.api.types.is_numeric_dtype(table[col]):
            overall[col] = float(np.average(table[col], weights=weights))
        elif col not in overall:
            overall[col] = "/".join(sorted(set(table[col])))
    table = pd.concat([table, pd.DataFrame([overall])], ignore_index=True)
    if skill is not None:
        table["crps_skill"] = 1.0 - table[skill[0]] / table[skill[1]]
        if "qs" in table:
            table["qs_skill"] = 1.0 - table["qs"] / table["qs_persistence"]
    table["year"] = table["year"].astype(object)
    return table


def backtest(
    history: History,
    years: Iterable[int],
    *,
    draws: int = 4000,
    rng=None,
    regime: str = "auto",
    horizon: int = 1,
    spec: PanelSpec | None = None,
) -> BacktestResult:
    """Rolling-origin backtest: forecast each of ``years`` from the data ``horizon`` years before.

    Parameters
    ----------
    history : History
        Full history; the forecast for ``T`` sees ``history.before(T)`` only.
    years : iterable of int
        Target years, each with published scores.
    draws : int
        Monte Carlo draws per year.
    rng : Generator, int or SeedSequence, optional
        Normalised once; one spawned child stream per year.
    regime : {"auto", "panel", "league"}
        Passed to :func:`~simulator.forecast.fit_forecast`.
    horizon : int
        Years from the last data year to the target year (origin ``T - horizon``).
    spec : PanelSpec, optional
        Panel options (default: the chosen forecaster).

    Examples
    --------
    >>> from simulator.history import load_history
    >>> res = backtest(load_history("papi"), [2019], draws=500, rng=1)
    >>> list(res.table["year"])
    [2019, 'overall']
    """
    years = sorted({int(y) for y in years})
    if not years:
        raise InputError("years", "give at least one year")
    seed = (
        rng if isinstance(rng, int | None) else getattr(getattr(rng, "bit_generator", None), "seed_seq", rng)
    )
    gen = np.random.default_rng(rng)
    children = gen.spawn(len(years))
    rows = [
        _score_year(history, y, draws, child, regime, horizon, spec)
        for y, child in zip(years, children, strict=True)
    ]
    table = _with_overall(rows, ("crps", "crps_persistence"))[_ORDER]
    return BacktestResult(table, history.index_id, draws, getattr(seed, "entropy", seed))


def protocol(
    history: History,
    years: Iterable[int],
    horizons: Iterable[int],
    specs: dict[str, PanelSpec | PooledSpec],
    *,
    draws: int = 4000,
    rng=None,
) -> pd.DataFrame:
    """The comparison of ``docs/forecast.md`` §0: every candidate, horizon and target year.

    Each (year, horizon) gets one child stream of ``rng``, the same for every candidate (common
    random numbers). Years whose origin ``T - k`` leaves fewer than two full years are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``candidate, horizon`` and those of :class:`BacktestResult`, an ``overall`` row
        per candidate and horizon.
    """
    years = sorted({int(y) for y in years})
    gen = np.random.default_rng(rng)
    tables = []
    for k in sorted({int(h) for h in horizons}):
        targets = [y for y in years if y - k >= min(history.years) + 1]
        seeds = [child.bit_generator.seed_seq for child in gen.spawn(len(targets))]
        for name, spec in specs.items():
            rows = [
                _score_year(history, y, draws, np.random.default_rng(seed), "panel", k, spec)
                for y, seed in zip(targets, seeds, strict=True)
            ]
            table = _with_overall(rows, ("crps", "crps_persistence"))[_ORDER]
            tables.append(table.assign(candidate=name))
    out = pd.concat(tables, ignore_index=True)
    return out[["candidate", "horizon", *[c for c in _ORDER if c != "horizon"]]]


def league_view(past: History, rng: np.random.Generator) -> History:
    """``past`` cut down to the PAR INDEX data pattern, derived from its own scores.

    Per year: the top 5 scores with ranks, ``MID_PUBLISHED`` random units ranked below 5 with
    score and rank, and the national mean / min / max of all scores; components dropped.
    """
    rows, summaries = [], []
    for year, grp in past.observations.dropna(subset=["score"]).groupby("year"):
        ranks = rank_draws(grp["score"].to_numpy()[None, :])[0]
        top = np.flatnonzero(ranks <= TOP_PUBLISHED)
        rest = np.flatnonzero(ranks > TOP_PUBLISHED)
        mid = rng.choice(rest, size=min(MID_PUBLISHED, rest.size), replace=False)
        keep = grp.iloc[np.concatenate([top, mid])].assign(rank=ranks[np.concatenate([top, mid])])
        rows.append(keep[["year", "unit", "score", "rank", "source"]])
        for stat in ("mean", "min", "max"):
            summaries.append(
                {"year": year, "statistic": stat, "value": float(grp["score"].agg(stat)), "source": "derived"}
            )
    obs = pd.concat(rows, ignore_index=True)
    return replace(past, observations=obs, summaries=pd.DataFrame(summaries))


def league_experiment(history: History, years, *, draws: int = 4000, rng=None) -> pd.DataFrame:
    """Rank intervals of the league-table method on degraded data vs the full-panel method.

    For each target year both forecasts are simulated; the 90 % rank interval of every unit is
    scored against its published rank (among units with a score that year): mean width and
    coverage, for all units and for the units published in the league view the year before.

    Returns
    -------
    pandas.DataFrame
        One row per year and an ``overall`` row (unit-weighted means).
    """
    years = sorted({int(y) for y in years})
    gen = np.random.default_rng(rng)
    rows = []
    for year, child in zip(years, gen.spawn(len(years)), strict=True):
        view_rng, sim_rng = child.spawn(2)
        observed = history.matrix("score", (year,))[0]
        ok = np.isfinite(observed)
        view = league_view(history.before(year), view_rng)
        known = np.isin(np.array(history.units.names), view.observations.query("year == @year - 1")["unit"])
        actual = rank_draws(observed[ok][None, :])[0]
        row: dict = {"year": year, "n_units": int(ok.sum()), "n_known": int((known & ok).sum())}
        for name, fc in (
            ("league", fit_forecast(view, year, regime="league")),
            ("panel", fit_forecast(history, year, regime="panel")),
        ):
            sims = fc.simulate(draws, sim_rng)[:, ok]
            lo, hi = rank_interval(sims)
            hit = (lo <= actual) & (actual <= hi)
            q05, q95 = np.quantile(sims, [0.05, 0.95], axis=0)
            sub = known[ok]
            row |= {
                f"{name}_rank_width": float(np.mean(hi - lo)),
                f"{name}_rank_coverage90": float(np.mean(hit)),
                f"{name}_rank_width_known": float(np.mean((hi - lo)[sub])) if sub.any() else np.nan,
                f"{name}_rank_coverage90_known": float(np.mean(hit[sub])) if sub.any() else np.nan,
                f"{name}_score_coverage90": float(np.mean((q05 <= observed[ok]) & (observed[ok] <= q95))),
                f"{name}_crps": float(np.mean(crps_sample(sims, observed[ok]))),
            }
        rows.append(row)
    return _with_overall(rows, None)
