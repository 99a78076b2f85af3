"""The field view: every unit's chances of each rank band and of reaching a score in a year.

What the ministry sees, and what a planner's rivals face: the business-as-usual forecast of
every unit valid in the year (63 until 2024, the 34 units from 2025; :mod:`simulator.merger`),
drawn jointly (one common shock per draw), ranked in every draw by competition ranking
(``1 + #{units strictly higher}``). For a unit *p* and a band ``top k``: ``P(rank_p ≤ k)``; for
``bottom m``: ``P(rank_p > N − m)``; for a score ``t``: ``P(score_p ≥ t)``, each a Monte Carlo
frequency with standard error ``sqrt(p (1 − p) / draws)``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.errors import InputError
from simulator.forecast import rank_draws
from simulator.history import load_history
from simulator.merger import field_forecast
from simulator.targets import GRADES

TOP = (5, 10, 15, 20)
BOTTOM = (10, 5)
YEARS = (2012, 2030)
DEFAULT_THRESHOLD = {"par_index": GRADES["A"]}  # grade A (PAR ≥ 90 %) [verified]


@dataclass(frozen=True)
class Standings:
    """Rank and score outcomes of every unit of the field of one index year.

    ``rank_pmf[p, r - 1]`` is ``P(rank of unit p = r)``; ``score_q`` holds the 5th, 50th and 95th
    percentiles (rows) of every unit (columns); ``p_score`` is ``P(score ≥ threshold)`` or
    ``None`` without a threshold.
    """

    index_id: str
    year: int
    units: tuple[str, ...]
    draws: int
    seed: int | None
    rank_pmf: np.ndarray
    score_mean: np.ndarray
    score_q: np.ndarray
    threshold: float | None
    p_score: np.ndarray | None
    assumptions: tuple[str, ...] = ()

    @property
    def n_units(self) -> int:
        return len(self.units)

    def bands(self) -> dict[str, np.ndarray]:
        """``{band label: P(unit in band)}``: top 5, top 10, …, bottom 10, bottom 5 (bands ≤ N)."""
        cdf = np.cumsum(self.rank_pmf, axis=1)
        n = self.n_units
        out = {f"top{k}": cdf[:, k - 1] for k in TOP if k < n}
        out |= {f"bottom{m}": 1.0 - cdf[:, n - m - 1] for m in BOTTOM if m < n}
        return out

    def expected_rank(self) -> np.ndarray:
        return self.rank_pmf @ np.arange(1, self.n_units + 1)

    def to_frame(self) -> pd.DataFrame:
        """One row per unit, best expected rank first: scores, expected rank and the bands."""
        cols: dict[str, object] = {"unit": self.units, "score_mean": self.score_mean}
        cols |= {f"score_{p}": self.score_q[i] for i, p in enumerate(("p05", "p50", "p95"))}
        cols["rank_mean"] = self.expected_rank()
        cols |= {f"p_{band}": p for band, p in self.bands().items()}
        if self.p_score is not None:
            cols[f"p_score_ge_{self.threshold:g}"] = self.p_score
        frame = pd.DataFrame(cols)
        return frame.sort_values(["rank_mean", "unit"]).reset_index(drop=True)


def field_standings(
    index_id: str,
    year: int,
    *,
    draws: int = 20_000,
    rng: int | np.random.Generator | np.random.SeedSequence | None = 0,
    threshold: float | None = None,
    populations: dict[str, float] | None = None,
) -> Standings:
    """Simulate the field of ``index_id`` in ``year`` and summarise every unit's standing.

    Parameters
    ----------
    index_id : str
        ``par_index``, ``sipas`` or ``papi``.
    year : int
        Index year, 2012–2030; the field is the units valid then.
    draws : int
        Monte Carlo draws.
    rng : int, Generator or SeedSequence
        The one random source (an int is recorded as the seed).
    threshold : float, optional
        Score whose reaching probability is reported; default grade A (90 %) for PAR INDEX.
    populations : dict, optional
        Population weights of the former provinces for merged units (default equal).

    Examples
    --------
    >>> st = field_standings("papi", 2026, draws=500, rng=1)
    >>> st.n_units, round(float(st.rank_pmf.sum(axis=1).min()), 6)
    (34, 1.0)
    """
    if not YEARS[0] <= year <= YEARS[1]:
        raise InputError("--year", f"{year} is outside {YEARS[0]}–{YEARS[1]}")
    seed = rng if isinstance(rng, int) else None
    gen = np.random.default_rng(rng)
    fc = field_forecast(load_history(index_id), year, populations=populations)
    sims = fc.simulate(draws, gen)
    ranks = rank_draws(sims)
    n = len(fc.units)
    pmf = np.stack([np.bincount(ranks[:, j], minlength=n + 1)[1:] for j in range(n)]) / draws
    threshold = DEFAULT_THRESHOLD.get(index_id) if threshold is None else float(threshold)
    return Standings(
        index_id=index_id,
        year=int(year),
        units=fc.units,
        draws=draws,
        seed=seed,
        rank_pmf=pmf,
        score_mean=sims.mean(axis=0),
        score_q=np.quantile(sims, [0.05, 0.5, 0.95], axis=0),
        threshold=threshold,
        p_score=None if threshold is None else (sims >= threshold - 1e-9).mean(axis=0),
        assumptions=fc.assumptions,
    )


def cli_field(args: argparse.Namespace) -> int:
    """``python -m simulator field --index I --year Y [--csv] [--draws N] [--seed S] [--score T]``."""
    st = field_standings(args.index, args.year, draws=args.draws, rng=args.seed, threshold=args.score)
    frame = st.to_frame()
    if args.csv:
        print(frame.to_csv(index=False, float_format="%.4f"), end="")
        return 0
    print(
        f"{args.index} {args.year}: {st.n_units} units, {st.draws} draws, seed {st.seed} "
        f"(Monte Carlo error of a probability ≤ {0.5 / np.sqrt(st.draws):.3f})"
    )
    print(frame.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    for note in st.assumptions:
        print(f"- {note}")
    return 0


__all__ = ["Standings", "cli_field", "field_standings"]
