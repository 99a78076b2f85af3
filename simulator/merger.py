"""The history and the forecast of the field of any year, across the 2025 merger.

From 2025 an index ranks the 34 units of Resolution 202/2025/QH15; the data hold the 63 former
provinces. A new unit's past is its predecessors' past, combined (all assumptions, labelled; the
Vietnamese and English text is in ``docs/units.md``):

* **Weights.** ``w_i`` of predecessor *i* in its new unit: proportional to the population of the
  former provinces when a table is given (:func:`combination`'s ``populations``), otherwise equal
  (``1/k`` for *k* predecessors). No sourced population table of the 63 provinces was found for
  this release, so the shipped default is equal weights.
* **History** (:func:`field_history`). The score (and each component) of a new unit in a past year
  is ``Σ w_i y_i`` over the predecessors whose value is known that year, with the weights
  renormalised over them; unknown when none is known. A rank among 63 is not a rank among 34: a
  combined rank is the competition rank among the 34 combined scores, only in a year where all
  34 are known, and unknown otherwise. National statistics of the 63 are not statistics of the
  34, so the combined history carries none.
* **Forecast** (:func:`field_forecast`). The BAU model of the 63 is fitted on the data (any
  number of years, so 2023–2024 results are a data-only addition) and combined linearly: in
  ``y_i = L + c + S (x_i'β + τ_i ε_i)`` the new unit has ``x = Σ w_i x_i`` and
  ``τ² = Σ w_i² τ_i²`` (independent innovations), which is exactly the weighted mean of the
  predecessors' draws (before clipping to the bounds).
* **Merger term.** A new survey frame and a new administration make a merged unit harder to
  predict than the mean of its parts. For the first :data:`MERGER_EDITIONS` editions after the
  merger the position variance of a merged unit gets the extra term
  ``m² = Σ w_i τ_i² − Σ w_i² τ_i²``: the variance that averaging removed is given back, so a
  merged unit is as unpredictable as one of its predecessors (assumption; size in points
  ``S·m``, reported by :func:`merger_terms`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from simulator.errors import InputError
from simulator.forecast import BAUForecast, fit_forecast
from simulator.history import History
from simulator.units import Merger, UnitRegistry, crosswalk, units_for_year, vietnam_63

MERGER_EDITIONS = 2  # assumption: the term applies to the editions of 2025 and 2026
NOTE_WEIGHTS_EQUAL = (
    "assumption: a merged unit's history is the equal-weight mean of its predecessors' "
    "(no sourced population table) / giả định: lịch sử của đơn vị hợp nhất là trung bình "
    "cộng (trọng số bằng nhau) của các tỉnh cũ"
)
NOTE_WEIGHTS_POPULATION = (
    "assumption: a merged unit's history is the population-weighted mean of its predecessors' / "
    "giả định: lịch sử của đơn vị hợp nhất là trung bình có trọng số dân số của các tỉnh cũ"
)
NOTE_TERM = (
    "assumption: merged units carry an extra merger term in the editions {first}–{last} that "
    "restores the variance averaging removed / giả định: đơn vị hợp nhất có thêm thành phần bất "
    "định sáp nhập trong các kỳ {first}–{last}"
)


def needs_combining(units: UnitRegistry, year: int) -> bool:
    """True when ``units`` are the 63 former provinces and the field of ``year`` is the 34.

    Any other history (a user's, on its own units) is taken as the field itself.
    """
    return set(units.names) == set(vietnam_63().names) and len(units_for_year(year)) != len(units)


def combination(
    old: UnitRegistry, populations: dict[str, float] | None = None
) -> tuple[tuple[Merger, ...], np.ndarray]:
    """The new units and the ``(34, N_old)`` matrix ``A`` of weights of their predecessors.

    Parameters
    ----------
    old : UnitRegistry
        The registry of the 63 former provinces (fixes the columns).
    populations : dict, optional
        Population of each former province (any year, any unit of count); weights are
        proportional within a new unit. Default: equal weights (assumption).

    Raises
    ------
    InputError
        A population missing, not a positive number, or given for an unknown province.

    Examples
    --------
    >>> from simulator.units import vietnam_63
    >>> units, a = combination(vietnam_63())
    >>> a.shape, float(a.sum(axis=1).min())
    ((34, 63), 1.0)
    """
    merged = crosswalk()
    if populations is not None:
        unknown = sorted(set(populations) - set(old.names))
        if unknown:
            raise InputError("populations", f"not a former province: {unknown[0]!r}")
    a = np.zeros((len(merged), len(old)))
    for i, m in enumerate(merged):
        cols = [old.index(p) for p in m.predecessors]
        if populations is None:
            w = np.ones(len(cols))
        else:
            w = np.array([_population(populations, p) for p in m.predecessors])
        a[i, cols] = w / w.sum()
    return merged, a


def _population(populations: dict[str, float], name: str) -> float:
    value = populations.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value) or value <= 0:
        raise InputError(f"populations.{name}", "a positive population is required")
    return float(value)


def _combine(values: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``Σ w_i v_i`` per row of ``a`` over the finite ``v_i``, weights renormalised; NaN if none."""
    known = np.isfinite(values)
    weight = a @ known.astype(float)
    total = a @ np.where(known, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / weight, np.nan)


def field_history(history: History, year: int, *, populations: dict[str, float] | None = None) -> History:
    """The history of the field valid in ``year``: as given before 2025, combined from 2025.

    The rules are in the module docstring. A history that needs no combining
    (:func:`needs_combining`) is returned unchanged.

    Examples
    --------
    >>> from simulator.history import load_history
    >>> papi = load_history("papi")
    >>> len(field_history(papi, 2024).units), len(field_history(papi, 2026).units)
    (63, 34)
    """
    if not needs_combining(history.units, year):
        return history
    field = units_for_year(year)
    merged, a = combination(history.units, populations)
    obs = history.observations
    columns = ["score", *history.component_columns]
    rows = []
    for y in sorted(set(int(v) for v in obs["year"])):
        values = {c: _combine(history.matrix(c, (y,))[0], a) for c in columns}
        complete = bool(np.isfinite(values["score"]).all())
        ranks = _competition_ranks(values["score"]) if complete else np.full(len(merged), np.nan)
        known = np.isfinite(history.matrix("score", (y,))[0])
        for i, m in enumerate(merged):
            if not np.isfinite(values["score"][i]) and not any(np.isfinite(values[c][i]) for c in columns):
                continue
            have = [p for p in m.predecessors if known[history.units.index(p)]]
            rows.append(
                {"year": y, "unit": m.name, **{c: values[c][i] for c in columns}, "rank": ranks[i]}
                | {"source": _provenance(m, have, populations is not None)}
            )
    frame = pd.DataFrame(rows, columns=["year", "unit", "score", "rank", "source", *columns[1:]])
    summaries = history.summaries.iloc[0:0].copy()
    return History(history.index_id, frame, summaries, field)


def _competition_ranks(scores: np.ndarray) -> np.ndarray:
    return np.array([1.0 + np.sum(scores > s) for s in scores])


def _provenance(m: Merger, have: list[str], weighted: bool) -> str:
    if not m.merged:
        return f"{m.predecessors[0]} (same unit, {m.source.split(';')[0]})"
    how = "population weights" if weighted else "equal weights"
    return (
        f"combined from {', '.join(have) or 'components only'} ({len(have)} of {len(m.predecessors)} "
        f"predecessors known, {how} renormalised over them: assumption)"
    )


def predecessors_frame(
    history: History, unit: str, *, populations: dict[str, float] | None = None
) -> pd.DataFrame:
    """A new unit's predecessors side by side, as planners show them, with the combined series.

    One row per year of ``history`` (the 63 former provinces); columns ``year``, one score and
    one rank column per predecessor (``"<name> score"``, ``"<name> rank"``, rank among the 63)
    and ``combined`` (the new unit's score by the rule of :func:`field_history`).
    """
    new = units_for_year(max(m.effective.year for m in crosswalk()))
    name = new.resolve(unit, "unit")
    merger = next(m for m in crosswalk() if m.name == name)
    years = tuple(sorted(set(int(y) for y in history.observations["year"])))
    out = pd.DataFrame({"year": years})
    for p in merger.predecessors:
        j = history.units.index(p)
        out[f"{p} score"] = history.matrix("score", years)[:, j]
        out[f"{p} rank"] = history.matrix("rank", years)[:, j]
    combined = field_history(history, max(m.effective.year for m in crosswalk()), populations=populations)
    series = combined.unit_series(name).set_index("year")["score"]
    out["combined"] = [float(series.get(y, np.nan)) for y in years]
    return out


def merger_terms(
    fc: BAUForecast, a: np.ndarray, merged: tuple[Merger, ...], year: int, *, merged_in: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Combined position variance ``Σ w_i² τ_i²`` and the merger term ``m²`` of every new unit.

    ``m² = Σ w_i τ_i² − Σ w_i² τ_i²`` for a merged unit in the first :data:`MERGER_EDITIONS`
    editions from the merger's year (``merged_in``, default the effective year of the
    crosswalk), 0 otherwise (assumption, module docstring). Multiply ``sqrt(m²)`` by the
    forecast's ``spread`` for the size in points.
    """
    tau2 = fc.position_sd**2
    combined = (a**2) @ tau2
    term = np.clip(a @ tau2 - combined, 0.0, None)
    start = [m.effective.year if merged_in is None else merged_in for m in merged]
    active = np.array(
        [m.merged and 0 <= year - t < MERGER_EDITIONS for m, t in zip(merged, start, strict=True)]
    )
    return combined, np.where(active, term, 0.0)


def field_forecast(
    history: History,
    year: int,
    *,
    populations: dict[str, float] | None = None,
    merger_term: bool = True,
    **fit_options: object,
) -> BAUForecast:
    """The BAU forecast of the units valid in ``year`` from the 63 former provinces' history.

    ``fit_options`` go to :func:`simulator.forecast.fit_forecast` unchanged (``regime``, and the
    forecast origin once the forecaster takes one).

    Before 2025 (or for a history that needs no combining) this is
    :func:`simulator.forecast.fit_forecast`. From 2025 the forecast of the 63
    is combined into the 34 new units (module docstring) and, with ``merger_term``, a merged unit
    carries the merger term in its first editions. The result is a :class:`BAUForecast` whose
    ``simulate`` draws the 34 units with the same shocks layout (common random numbers).

    Examples
    --------
    >>> from simulator.history import load_history
    >>> fc = field_forecast(load_history("papi"), 2026)
    >>> len(fc.units), fc.units.index("Cần Thơ") >= 0
    (34, True)
    """
    fc = fit_forecast(history, year, **fit_options)  # type: ignore[arg-type]
    if not needs_combining(history.units, year):
        return fc
    merged, a = combination(history.units, populations)
    combined, term = merger_terms(fc, a, merged, year)
    position_sd = np.sqrt(combined + (term if merger_term else 0.0))
    design = a @ fc.design
    mean = np.clip(fc.level + fc.spread * (design @ fc.coef), *fc.bounds)
    notes = [NOTE_WEIGHTS_POPULATION if populations else NOTE_WEIGHTS_EQUAL]
    if merger_term and term.any():
        last = min(m.effective.year for m in merged) + MERGER_EDITIONS - 1
        notes.append(NOTE_TERM.format(first=min(m.effective.year for m in merged), last=last))
    return replace(
        fc,
        units=tuple(m.name for m in merged),
        mean=mean,
        unit_sd=fc.spread * position_sd,
        last_score=_combine(fc.last_score, a),
        design=design,
        position_sd=position_sd,
        assumptions=(*fc.assumptions, *notes),
        **_pooled(fc, a, term if merger_term else 0.0),
    )


def _pooled(fc: BAUForecast, a: np.ndarray, term: np.ndarray) -> dict:
    """A pool's persistence member for the new units: combined last scores, ``sqrt(Σ w_i² s_k² + S² m²)``."""
    if fc.pool_centre is None:
        return {}
    sd = np.sqrt((a**2) @ fc.pool_sd**2 + fc.spread**2 * term)
    return {"pool_centre": _combine(fc.pool_centre, a), "pool_sd": sd}


@dataclass(frozen=True)
class PseudoMergerBacktest:
    """Coverage of 90 % intervals of past "mergers" (the 2025 groups applied to earlier years).

    ``n`` merged unit-years whose predecessors were all observed; ``coverage`` and ``width``
    (mean width, points) of the combined forecast without the merger term, ``*_term`` with it.
    """

    index_id: str
    years: tuple[int, ...]
    n: int
    coverage: float
    width: float
    coverage_term: float
    width_term: float
    term_points: float

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def pseudo_merger_backtest(
    history: History, years: tuple[int, ...], *, draws: int = 4000, rng=0
) -> PseudoMergerBacktest:
    """Simulate past mergers of neighbouring provinces and score the combined forecasts.

    Notes
    -----
    For each year ``T`` the 63-unit forecast is fitted on the years before ``T`` and combined with
    the weights of :func:`combination`; the "actual" score of a pseudo-merged unit is the same
    weighted mean of its predecessors' actual scores. The merger term is applied as if the
    merger had happened in ``T`` (``merged_in = T``), with shock ``S · m · z``, ``z ~ N(0, 1)``.
    No past merger changed a survey frame or an administration, so this checks that the
    combination is calibrated and what the term costs in width; it cannot measure the size of
    a real merger effect.
    """
    gen = np.random.default_rng(rng)
    merged, a = combination(history.units)
    rows = np.array([m.merged for m in merged])
    hits, hits_t, widths, widths_t, terms = [], [], [], [], []
    for year in years:
        fc = fit_forecast(history, year)
        actual = history.matrix("score", (year,))[0]
        member = (a > 0).astype(float)
        known = member @ np.isfinite(actual) == member.sum(axis=1)
        use = rows & known
        truth = a[use] @ np.nan_to_num(actual)
        sims = fc.simulate(draws, gen) @ a[use].T
        _, term = merger_terms(fc, a, merged, year, merged_in=year)
        extra = fc.spread * np.sqrt(term[use])
        with_term = sims + gen.standard_normal(sims.shape) * extra
        for out, hit, width in ((sims, hits, widths), (with_term, hits_t, widths_t)):
            lo, hi = np.quantile(out, [0.05, 0.95], axis=0)
            hit.extend((truth >= lo) & (truth <= hi))
            width.extend(hi - lo)
        terms.extend(extra)
    return PseudoMergerBacktest(
        index_id=history.index_id,
        years=tuple(years),
        n=len(hits),
        coverage=float(np.mean(hits)),
        width=float(np.mean(widths)),
        coverage_term=float(np.mean(hits_t)),
        width_term=float(np.mean(widths_t)),
        term_points=float(np.mean(terms)),
    )


__all__ = [
    "MERGER_EDITIONS",
    "PseudoMergerBacktest",
    "combination",
    "field_forecast",
    "field_history",
    "merger_terms",
    "needs_combining",
    "predecessors_frame",
    "pseudo_merger_backtest",
]
