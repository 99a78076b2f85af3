"""Reference classes: what provinces have actually achieved, the outside view of every plan.

Every province writes a plan every year, so the history already holds what plans deliver. Two
classes per index, both from consecutive years of the same unit:

* ``bau_residual``: actual score minus the BAU median, each year forecast *out of sample* by the
  rolling origin (the forecast for ``T`` is fitted on years before ``T`` only), less that year's
  median residual. The gain beyond the trend *relative to the field's common miss* (a national
  shift moves every province and is no plan's doing): the yardstick for a plan's gain over BAU.
* ``one_year_change``: the plain change of a unit's score from one year to the next.

Pairs across a change in the index's number of dimensions (PAPI 2017 → 2018) are dropped: a
60-point and an 80-point total do not compare. Each record also carries the unit's starting
position (last rank, as a share of the field, and its distance from the field mean in field sds),
so a class can be conditioned on where the province starts.

PAR INDEX and SIPAS publish only a few scores a year: they have almost no consecutive pairs of the
same unit. Their class is PAPI's *standardised* class (residual / field sd of its year), rescaled by
the index's own field sd (**assumption**: a province's excess movement, in field sds, is alike across
the three indices), and labelled as such.

Notes
-----
Percentile of a gain ``g`` in a class ``v_1..v_n`` (mid-rank):
``100 · (#{v < g} + #{v = g}/2) / n``. The quantile is numpy's linear one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from simulator import forecast_cache
from simulator.errors import InputError
from simulator.forecast import dimensions, fit_forecast
from simulator.history import History, load_history
from simulator.labels import TEXT, number, t

MIN_CLASS = 60
RESIDUAL_DRAWS = 2000
RESIDUAL_SEED = 20240601
START_BAND = 0.15
_PAIR_COLUMNS = (
    "year",
    "unit",
    "start_score",
    "score",
    "change",
    "residual",
    "field_sd",
    "start_rank_share",
    "start_z",
)
ASSUMPTION_TRANSFER = TEXT["reference.transfer"]  # {"vi": …, "en": …}


@dataclass(frozen=True)
class ReferenceClass:
    """Gains (points of the target index) that province-years have achieved.

    Attributes
    ----------
    index_id : str
        The index the gains are expressed in.
    kind : str
        ``bau_residual`` or ``one_year_change``.
    values : numpy.ndarray
        The gains, sorted ascending, in points of ``index_id``.
    years : tuple of int
        Target years of the pairs used.
    borrowed_from : str or None
        ``"papi"`` when the class is PAPI's standardised one rescaled to ``index_id``.
    scale : float
        Points per field sd used for the rescaling (1.0 when not borrowed).
    band : tuple of float, optional
        The band of starting rank shares the class was narrowed to (``None`` when it was not).
    """

    index_id: str
    kind: str
    values: np.ndarray
    years: tuple[int, ...]
    borrowed_from: str | None = None
    scale: float = 1.0
    band: tuple[float, float] | None = None

    @property
    def n(self) -> int:
        return int(self.values.size)

    def percentile(self, gain: float) -> float:
        """The mid-rank percentile (0–100) of ``gain`` in the class."""
        below = np.searchsorted(self.values, gain, side="left")
        upto = np.searchsorted(self.values, gain, side="right")
        return float(100.0 * (below + 0.5 * (upto - below)) / self.n)

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (``0 <= q <= 1``) of the gains."""
        return float(np.quantile(self.values, q))

    def describe(self, lang: str = "vi") -> str:
        """One plain sentence: what the class is and how many province-years it holds."""
        yrs = f"{self.years[0]}–{self.years[-1]}" if self.years else "—"
        what = t(f"reference.{self.kind}", lang)
        if self.borrowed_from:
            text = t(
                "reference.borrowed", lang, n=self.n, years=yrs, what=what, scale=number(self.scale, 2, lang)
            )
        else:
            text = t("reference.own", lang, n=self.n, years=yrs, what=what)
        if self.band:
            text += t("reference.band", lang, lo=f"{self.band[0]:.0%}", hi=f"{self.band[1]:.0%}")
        return text

    def to_dict(self) -> dict:
        return {
            "index_id": self.index_id,
            "kind": self.kind,
            "n": self.n,
            "years": list(self.years),
            "borrowed_from": self.borrowed_from,
            "scale": self.scale,
            "start_rank_share_band": list(self.band) if self.band else None,
            "p10": self.quantile(0.1),
            "p50": self.quantile(0.5),
            "p90": self.quantile(0.9),
        }


def pairs(history: History, *, residual_years: tuple[int, ...] = ()) -> pd.DataFrame:
    """Consecutive-year records of every unit: change, out-of-sample residual, start position.

    Columns ``year, unit, start_score, score, change, residual, field_sd, start_rank_share,
    start_z``. ``residual`` is NaN outside ``residual_years``. A pair is kept only when both years
    have a score and the same number of dimensions.
    """
    years = history.years
    scores = history.matrix("score", years)
    ranks = history.matrix("rank", years)
    rows = []
    for i in range(1, len(years)):
        y0, y1 = years[i - 1], years[i]
        if y1 != y0 + 1 or dimensions(history.index_id, y0) != dimensions(history.index_id, y1):
            continue
        s0, s1, r0 = scores[i - 1], scores[i], ranks[i - 1]
        ok = np.isfinite(s0) & np.isfinite(s1)
        if not ok.any() or np.isfinite(s0).sum() < 2 or np.isfinite(s1).sum() < 2:
            continue
        n0 = np.isfinite(s0).sum()
        sd0 = float(np.nanstd(s0, ddof=1))
        sd1 = float(np.nanstd(s1, ddof=1))
        med = _bau_medians(history, y1) if y1 in residual_years else None
        shift = float(np.median(s1[ok] - med[ok])) if med is not None else 0.0
        for j in np.flatnonzero(ok):
            rows.append(
                {
                    "year": y1,
                    "unit": history.units.names[j],
                    "start_score": s0[j],
                    "score": s1[j],
                    "change": s1[j] - s0[j],
                    "residual": s1[j] - med[j] - shift if med is not None else np.nan,
                    "field_sd": sd1,
                    "start_rank_share": (r0[j] if np.isfinite(r0[j]) else np.nan) / n0,
                    "start_z": (s0[j] - np.nanmean(s0)) / sd0,
                }
            )
    return pd.DataFrame(rows, columns=list(_PAIR_COLUMNS))


def _bau_medians(history: History, year: int) -> np.ndarray:
    """The BAU median of every unit for ``year``, fitted on earlier years only."""
    fc = fit_forecast(history.before(year), year)
    sims = fc.simulate(RESIDUAL_DRAWS, np.random.default_rng(RESIDUAL_SEED))
    return np.median(sims, axis=0)


@lru_cache(maxsize=4)
def shipped_pairs(index_id: str) -> pd.DataFrame:
    """:func:`pairs` of the shipped history, residuals for every year a panel forecast exists.

    Read from the disk cache of shipped results (:mod:`simulator.forecast_cache`) when there.
    """
    return forecast_cache.cached("shipped_pairs", index_id, lambda: _shipped_pairs(index_id))


def _shipped_pairs(index_id: str) -> pd.DataFrame:
    history = load_history(index_id)
    years = history.years
    residual_years = tuple(y for y in years[2:] if _panel_year(history, y))
    return pairs(history, residual_years=residual_years)


def _panel_year(history: History, year: int) -> bool:
    try:
        return fit_forecast(history.before(year), year).regime == "panel"
    except InputError:
        return False


def build_class(
    table: pd.DataFrame,
    index_id: str,
    *,
    kind: str = "bau_residual",
    era_dimensions: int | None = None,
    start_rank_share: float | None = None,
    target_scale: float | None = None,
    source_index: str | None = None,
) -> ReferenceClass:
    """A reference class from a :func:`pairs` table.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`pairs`.
    index_id : str
        The index whose points the gains are expressed in.
    kind : {"bau_residual", "one_year_change"}
    era_dimensions : int, optional
        Keep only target years with this many dimensions (points compare within an era).
    start_rank_share : float, optional
        Condition on a starting rank within ``± START_BAND`` of this share of the field (e.g.
        rank 29 of 63 → 0.46); dropped when fewer than ``MIN_CLASS`` pairs remain.
    target_scale : float, optional
        When given, the class is standardised (value / field sd of its year) and rescaled by this
        field sd of ``index_id``: a borrowed class, labelled ``borrowed_from = source_index``.
    """
    column = {"bau_residual": "residual", "one_year_change": "change"}.get(kind)
    if column is None:
        raise InputError("kind", f"unknown reference class {kind!r}")
    rows = table.dropna(subset=[column])
    if era_dimensions is not None and target_scale is None and len(rows):
        src = source_index or index_id
        rows = rows[[dimensions(src, int(y)) == era_dimensions for y in rows["year"]]]
    band = None
    if start_rank_share is not None and len(rows):
        lo, hi = start_rank_share - START_BAND, start_rank_share + START_BAND
        near = rows[(rows["start_rank_share"] >= lo) & (rows["start_rank_share"] <= hi)]
        if len(near) >= MIN_CLASS:
            rows = near
            band = (max(lo, 0.0), min(hi, 1.0))
    if rows.empty:
        where = f"{index_id} reference class"
        raise InputError(where, "no consecutive pairs of the same unit in the history")
    values = rows[column].to_numpy(float)
    scale = 1.0
    if target_scale is not None:
        values = values / rows["field_sd"].to_numpy(float) * target_scale
        scale = float(target_scale)
    return ReferenceClass(
        index_id=index_id,
        kind=kind,
        values=np.sort(values),
        years=tuple(sorted({int(y) for y in rows["year"]})),
        borrowed_from=source_index if target_scale is not None else None,
        scale=scale,
        band=band,
    )


def field_sd(history: History, year: int, draws: int = 2000) -> float:
    """The field's cross-sectional sd of scores in ``year`` under the BAU forecast (mean over draws).

    Read from the disk cache of shipped results (:mod:`simulator.forecast_cache`) for the shipped data.
    """
    key = f"{int(year)}|{int(draws)}"
    return forecast_cache.of_shipped("field_sd", history, key, lambda: _field_sd(history, year, draws))


def _field_sd(history: History, year: int, draws: int) -> float:
    fc = fit_forecast(history, year)
    sims = fc.simulate(draws, np.random.default_rng(RESIDUAL_SEED))
    return float(np.mean(np.std(sims, axis=1, ddof=1)))


def reference_class(
    index_id: str,
    year: int,
    *,
    kind: str = "bau_residual",
    start_rank_share: float | None = None,
    history: History | None = None,
) -> ReferenceClass:
    """The outside view of ``index_id`` for a plan of ``year``.

    PAPI uses its own class in points, from the era of ``year``'s number of dimensions (when it
    holds at least ``MIN_CLASS`` pairs; otherwise the standardised class over all eras). PAR INDEX and
    SIPAS borrow PAPI's standardised class (see the module docstring).
    """
    own = history if history is not None else load_history(index_id)
    table = (
        shipped_pairs("papi")
        if history is None or history.index_id != "papi"
        else pairs(history, residual_years=tuple(y for y in history.years[2:] if _panel_year(history, y)))
    )
    if index_id == "papi":
        d = dimensions("papi", year)
        cls = build_class(table, "papi", kind=kind, era_dimensions=d, start_rank_share=start_rank_share)
        if cls.n >= MIN_CLASS:
            return cls
        scale = field_sd(own, year)
        return build_class(
            table,
            "papi",
            kind=kind,
            start_rank_share=start_rank_share,
            target_scale=scale,
            source_index="papi",
        )
    scale = field_sd(own, year)
    return build_class(
        table, index_id, kind=kind, start_rank_share=start_rank_share, target_scale=scale, source_index="papi"
    )


@dataclass(frozen=True)
class BaseRate:
    """Share of comparable province-years that reached both targets the next year."""

    p_both: float | None
    n: int
    why: str = ""
    why_vi: str = ""

    def to_dict(self) -> dict:
        return {"p_both": self.p_both, "n": self.n, "why": self.why}


def base_rate(
    history: History,
    *,
    start_rank: int,
    n_units: int,
    target_score: float,
    target_rank: int,
    era_dimensions: int | None = None,
    min_pairs: int = 30,
) -> BaseRate:
    """Share of province-years starting near ``start_rank`` that reached both targets next year.

    Ranks compare as shares of the field (``rank / N``), so a plan over 34 units uses the 63-unit
    history; scores compare only within an era of the same number of dimensions. With fewer than
    ``min_pairs`` comparable pairs the rate is ``None`` with a reason.
    """
    table = pairs(history)
    years = history.years
    ranks = history.matrix("rank", years)
    counts = {y: int(np.isfinite(history.matrix("score", (y,))).sum()) for y in years}
    if era_dimensions is not None and len(table):
        table = table[[dimensions(history.index_id, int(y)) == era_dimensions for y in table["year"]]]
    share = start_rank / n_units
    near = table[(table["start_rank_share"] - share).abs() <= START_BAND] if len(table) else table
    if len(near) < min_pairs:
        why = t("reference.too_few", "en", n=len(near), need=min_pairs)
        return BaseRate(None, len(near), why, t("reference.too_few", "vi", n=len(near), need=min_pairs))
    row_of = {y: i for i, y in enumerate(years)}
    col_of = {u: j for j, u in enumerate(history.units.names)}
    keys = zip(near["year"], near["unit"], strict=True)
    rank1 = np.array([ranks[row_of[int(y)], col_of[u]] for y, u in keys])
    n1 = np.array([counts[int(y)] for y in near["year"]])
    hit = (near["score"].to_numpy(float) >= target_score) & (rank1 / n1 <= target_rank / n_units)
    return BaseRate(float(hit.mean()), len(near))


__all__ = [
    "ASSUMPTION_TRANSFER",
    "BaseRate",
    "ReferenceClass",
    "base_rate",
    "build_class",
    "field_sd",
    "pairs",
    "reference_class",
    "shipped_pairs",
]
