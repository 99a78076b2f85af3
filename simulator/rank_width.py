"""How wide the league regime's rank intervals are, and what a ministry's full table would buy.

For PAR INDEX and SIPAS only a few scores and ranks a year are published, so a 90 % rank interval
of a unit the ministry did not publish is nearly as wide as a uniform guess. :func:`league_rank_width`
measures, for one index and year, the width of a uniform guess, the current mean width and the
width to expect with the ministry's full table of the year before the target. The last one is
measured on PAPI, the one index with a full panel: a forecast is made from PAPI cut down to the
PAR INDEX data pattern (:func:`simulator.backtest.league_view`) at the current horizon, another
from the full PAPI panel one year ahead, and the ratio of their mean widths scales the current
width (an assumption: PAR and SIPAS fields reshuffle like PAPI's).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.backtest import league_view, rank_interval
from simulator.errors import InputError
from simulator.forecast import fit_forecast
from simulator.forecast_cache import field_forecast
from simulator.history import History, load_history
from simulator.labels import t

LEAGUE_INDICES = ("par_index", "sipas")


@dataclass(frozen=True)
class LeagueRankWidth:
    """Mean widths (in places) of 90 % rank intervals for one league-regime index and year.

    Attributes
    ----------
    uniform_width : float
        Width of the central 90 % interval of a rank drawn uniformly from 1..N.
    current_width : float
        Mean width of the forecast from the data at hand.
    full_table_width : float
        Mean width expected with the ministry's full table of ``year - 1``: ``current_width``
        times ``papi_full_width / papi_league_width``.
    per_unit : pandas.DataFrame
        ``unit, rank_p05, rank_p95, width, share_of_uniform`` for every unit.
    papi_league_width, papi_full_width : float
        The PAPI measurement behind the ratio (PAPI cut to the PAR pattern / full panel).
    """

    index_id: str
    year: int
    n_units: int
    uniform_width: float
    current_width: float
    full_table_width: float
    per_unit: pd.DataFrame
    papi_league_width: float
    papi_full_width: float
    seed: object

    def message(self, lang: str = "vi") -> str:
        """The planner's sentence, e.g. 'load the ministry's full table to narrow ... X to Y places'."""
        x, y, u = round(self.current_width), round(self.full_table_width), round(self.uniform_width)
        return t("rank_width.message", lang, x=x, y=y, u=u, n=self.n_units)

    def to_dict(self) -> dict:
        keys = ("index_id", "year", "n_units", "uniform_width", "current_width", "full_table_width")
        out = {k: getattr(self, k) for k in keys}
        return out | {"papi_league_width": self.papi_league_width, "papi_full_width": self.papi_full_width}


def uniform_rank_width(n: int) -> float:
    """Width of the central 90 % interval of a rank uniform on 1..n (``ceil(.95n) - ceil(.05n)``).

    Examples
    --------
    >>> uniform_rank_width(63)
    56.0
    """
    return float(np.ceil(0.95 * n - 1e-9) - np.ceil(0.05 * n - 1e-9))


@functools.lru_cache(maxsize=16)
def _papi_widths(horizon: int, draws: int, seed: int) -> dict[str, float]:
    """Mean 90 % rank widths on PAPI: full panel one year ahead, PAR-pattern cut ``horizon`` ahead."""
    papi = load_history("papi")
    origin = max(papi.years)
    view_rng, sim_rng = np.random.default_rng(seed).spawn(2)
    cut = league_view(papi, view_rng)
    widths = {}
    for name, f in (
        ("full", fit_forecast(papi, origin + 1, origin=origin)),
        ("league", fit_forecast(cut, origin + horizon, regime="league", origin=origin)),
    ):
        a, b = rank_interval(f.simulate(draws, np.random.default_rng(sim_rng.bit_generator.seed_seq)))
        widths[name] = float(np.mean(b - a))
    return widths


def league_rank_width(
    index_id: str,
    year: int,
    *,
    history: History | None = None,
    draws: int = 2000,
    rng=0,
) -> LeagueRankWidth:
    """Uniform, current and full-table widths of the 90 % rank intervals of ``index_id`` in ``year``.

    Parameters
    ----------
    index_id : {"par_index", "sipas"}
    year : int
        Target year of the forecast (from the data before it).
    history : History, optional
        The index's history (default: the shipped one); a user's table may have been merged in.
    draws : int
        Monte Carlo draws per forecast (three forecasts).
    rng : Generator, int or SeedSequence
        One child stream per forecast.
    """
    if index_id not in LEAGUE_INDICES:
        raise InputError("index", f"{index_id!r} is not a league-regime index ({', '.join(LEAGUE_INDICES)})")
    history = load_history(index_id) if history is None else history
    gen = np.random.default_rng(rng)
    own, papi_rng = gen.spawn(2)
    fc = field_forecast(history, year)  # the units that rank in that year: 34 from 2025
    lo, hi = rank_interval(fc.simulate(draws, own))
    n, uniform, width = len(fc.units), uniform_rank_width(len(fc.units)), hi - lo
    widths = _papi_widths(fc.horizon, draws, int(papi_rng.integers(2**63)))
    per_unit = pd.DataFrame({"unit": fc.units, "rank_p05": lo, "rank_p95": hi, "width": width})
    per_unit["share_of_uniform"] = width / uniform
    current = float(np.mean(hi - lo))
    return LeagueRankWidth(
        index_id=index_id,
        year=int(year),
        n_units=n,
        uniform_width=uniform,
        current_width=current,
        full_table_width=current * widths["full"] / widths["league"],
        per_unit=per_unit,
        papi_league_width=widths["league"],
        papi_full_width=widths["full"],
        seed=rng if isinstance(rng, int | None) else None,
    )
