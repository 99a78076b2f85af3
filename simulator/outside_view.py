"""The outside view of a plan: its promised gain placed among what provinces actually achieved.

A plan's *gain* on an index is the mean, over common random numbers, of the focal score under the
plan minus the focal score at business as usual. Its *percentile* is its place in the index's
reference class (:mod:`simulator.reference_class`). The *base rate* is the share of province-years
from a similar starting rank that reached both targets the next year.

Calibrated defaults. A plan that sets no effectiveness (or ``effectiveness = "calibrated"``) gets
the effectiveness mean ``e`` for which "every group fully done" gives a mean gain equal to the
``q``-th percentile of the reference class (``q = 90`` by default, a plan setting). **Assumption**:
a full-effort year is as good as the best tenth of province-years beyond their trend.

Notes
-----
Before clipping at the sub-criteria bounds the gain is proportional to ``e`` (``a_s = a_s^BAU +
e_s Σ_g W_gs ΔX_g h_s``), so ``e_{k+1} = e_k · G* / G(e_k)`` converges in one or two steps; the
iteration stops when the gain is within ``tol`` of the target, or at ``E_MAX`` with ``capped``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from simulator.forecast import dimensions
from simulator.history import load_history
from simulator.labels import TEXT, number, t
from simulator.reference_class import BaseRate, ReferenceClass, base_rate, reference_class

CALIBRATION_PERCENTILE = 90.0
FLAG_PERCENTILE = 95.0
E_MIN, E_MAX = 0.01, 0.95
ASSUMPTION_CALIBRATION = TEXT["outside.calibration"]  # {"vi": …, "en": …} with {q} and {top}


@dataclass(frozen=True)
class Calibration:
    """The effectiveness mean that makes full effort reach the target gain."""

    effectiveness: float
    target_gain: float
    gain: float
    percentile: float
    iterations: int
    capped: bool


def calibrate(
    gain_at: Callable[[float], float],
    target_gain: float,
    *,
    percentile: float = CALIBRATION_PERCENTILE,
    start: float = 0.5,
    tol: float = 0.01,
    max_iter: int = 6,
) -> Calibration:
    """Solve ``gain_at(e) = target_gain`` for the effectiveness mean ``e`` in ``[E_MIN, E_MAX]``.

    ``gain_at`` returns the mean full-effort gain for an effectiveness mean (monotone increasing,
    proportional before clipping). A target at or below zero gives ``E_MIN``.

    Examples
    --------
    >>> c = calibrate(lambda e: 4.0 * e, 1.0)
    >>> round(c.effectiveness, 6), c.capped
    (0.25, False)
    """
    if target_gain <= 0:
        return Calibration(E_MIN, target_gain, gain_at(E_MIN), percentile, 1, False)
    e, g, k = start, gain_at(start), 1
    while abs(g - target_gain) > tol * max(abs(target_gain), 1e-9) and k < max_iter:
        e_next = float(np.clip(e * target_gain / g if g > 0 else E_MAX, E_MIN, E_MAX))
        if e_next == e:
            break
        e, g, k = e_next, gain_at(e_next), k + 1
    capped = e >= E_MAX and g < target_gain * (1 - tol)
    return Calibration(e, float(target_gain), float(g), percentile, k, capped)


@dataclass(frozen=True)
class OutsideView:
    """A plan's gain on one index, placed in its reference class (the ``outside_view`` JSON).

    ``to_dict`` carries the contract keys ``gain_mean``, ``gain_percentile``, ``reference_n``,
    ``reference``, ``base_rate_p_both`` and, when the base rate is unknown, ``why``.
    """

    gain_mean: float
    gain_mc_se: float
    gain_percentile: float
    reference: ReferenceClass
    base: BaseRate
    calibration: Calibration | None = None

    @property
    def flagged(self) -> bool:
        return self.gain_percentile > FLAG_PERCENTILE

    @property
    def share_above(self) -> float:
        """Percent of province-years that achieved at least this gain."""
        return 100.0 - self.gain_percentile

    def flag_text(self, lang: str = "vi") -> str:
        """Plain words for a gain above the flag percentile ("" when not flagged)."""
        if not self.flagged:
            return ""
        return t("outside.flag", lang, share=number(self.share_above, 1, lang))

    def lines(self, lang: str = "vi") -> list[str]:
        """The outside view in plain words, one line each (CLI and brief)."""
        return _lines(self, lang)

    def to_dict(self) -> dict:
        out = {
            "gain_mean": self.gain_mean,
            "gain_mc_se": self.gain_mc_se,
            "gain_percentile": self.gain_percentile,
            "reference_n": self.reference.n,
            "reference": self.reference.describe("en"),
            "reference_vi": self.reference.describe("vi"),
            "reference_class": self.reference.to_dict(),
            "base_rate_p_both": self.base.p_both,
            "base_rate_n": self.base.n,
            "flagged": self.flagged,
        }
        if self.base.p_both is None:
            out["why"] = self.base.why
        if self.calibration is not None:
            c = self.calibration
            out["calibration"] = {
                "percentile": c.percentile,
                "effectiveness": c.effectiveness,
                "target_gain": c.target_gain,
                "gain": c.gain,
                "capped": c.capped,
            }
        return out


def gain_summary(plan_scores: np.ndarray, bau_scores: np.ndarray) -> tuple[float, float]:
    """Mean gain over BAU on common random numbers, and its Monte Carlo standard error."""
    d = np.asarray(plan_scores, float) - np.asarray(bau_scores, float)
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")


def full_effort(scenario):  # type: ignore[no-untyped-def]
    """``scenario`` with every task group of every index planned at 100 %."""
    return scenario.with_levels({i: {g.id: 1.0 for g in p.groups} for i, p in scenario.indices.items()})


def with_effectiveness(scenario, index_id: str, mean: float):  # type: ignore[no-untyped-def]
    """``scenario`` with one index's effectiveness mean replaced."""
    new = dict(scenario.indices)
    new[index_id] = replace(new[index_id], effectiveness_mean=float(mean))
    return replace(scenario, indices=new)


def index_gain(engine, unc, scenario, bau, index_id: str) -> float:  # type: ignore[no-untyped-def]
    """Mean focal gain of ``scenario`` over the status-quo result ``bau`` on the same draws."""
    return float(np.mean(engine.run(unc, scenario).indices[index_id].score - bau.indices[index_id].score))


def start_share(engine, index_id: str, plan, year: int) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """The focal unit's starting rank and field size: the plan's ``last_rank`` (in the field of
    ``year``); else its last score's rank among the field's last scores (a full panel); else its
    last published rank in the shipped history. ``None`` when none is known."""
    fc = engine.forecasts[index_id]
    if plan.last_rank is not None:
        return int(plan.last_rank), len(fc.units)
    last = np.asarray(fc.last_score, float)
    pos = engine.focal[index_id].position
    known = np.isfinite(last)
    if known[pos] and known.sum() >= 0.8 * last.size:
        return int(1 + np.sum(last[known] > last[pos])), int(known.sum())
    history = load_history(index_id)
    unit = fc.units[pos]
    if unit not in history.units:
        return None
    rows = history.before(year).unit_series(unit).dropna(subset=["rank"])
    if rows.empty:
        return None
    return int(rows["rank"].iloc[-1]), len(history.units)


def _share(start: tuple[int, int] | None) -> float | None:
    return None if start is None else start[0] / start[1]


def calibrate_scenario(engine, unc, scenario, percentiles: dict[str, float], classes=None):  # type: ignore[no-untyped-def]
    """Calibrated effectiveness for the indices named in ``percentiles`` (``{index: q}``).

    Indices are calibrated in the engine's evaluation order (a feeding index first, so that the
    gain of the index it feeds includes the feed at its calibrated value). ``classes`` may give an
    index's reference class (default: :func:`reference_class` from the shipped history). Returns
    the plan with the calibrated means and ``{index: Calibration}``.
    """
    bau = engine.run(unc, scenario.at_bau())
    out: dict[str, Calibration] = {}
    full = full_effort(scenario)
    order = [i for i in getattr(engine, "order", tuple(scenario.indices)) if i in percentiles]
    for index_id in order:
        q = percentiles[index_id]
        cls = (classes or {}).get(index_id)
        if cls is None:
            share = _share(start_share(engine, index_id, scenario.indices[index_id], scenario.year))
            cls = reference_class(index_id, scenario.year, start_rank_share=share)
        target = cls.quantile(q / 100.0)

        def gain_at(e: float, index_id: str = index_id, full=full) -> float:  # type: ignore[no-untyped-def]
            return index_gain(engine, unc, with_effectiveness(full, index_id, e), bau, index_id)

        start = scenario.indices[index_id].effectiveness_mean
        cal = calibrate(gain_at, target, percentile=q, start=float(np.clip(start, E_MIN, E_MAX)))
        out[index_id] = cal
        full = with_effectiveness(full, index_id, cal.effectiveness)
        scenario = with_effectiveness(scenario, index_id, cal.effectiveness)
    return scenario, out


def outside_views(engine, unc, scenario, result, calibrations=None, bau=None) -> dict[str, OutsideView]:  # type: ignore[no-untyped-def]
    """The outside view of every index of ``result`` (``scenario`` run by ``engine`` on ``unc``).

    ``bau`` is the status quo's result on the same draws, when the caller has it already.
    """
    bau = bau if bau is not None else engine.run(unc, scenario.at_bau())
    cals = calibrations if calibrations is not None else getattr(engine, "calibration", {})
    views = {}
    for index_id, res in result.indices.items():
        plan = scenario.indices[index_id]
        gain, se = gain_summary(res.score, bau.indices[index_id].score)
        first = start_share(engine, index_id, plan, scenario.year)
        cls = reference_class(index_id, scenario.year, start_rank_share=_share(first))
        views[index_id] = OutsideView(
            gain_mean=gain,
            gain_mc_se=se,
            gain_percentile=cls.percentile(gain),
            reference=cls,
            base=plan_base_rate(index_id, first, res, scenario.year),
            calibration=cals.get(index_id),
        )
    return views


def plan_base_rate(index_id: str, first: tuple[int, int] | None, res, year: int) -> BaseRate:  # type: ignore[no-untyped-def]
    """The base rate of reaching both of ``res``'s targets from the starting rank ``first``."""
    if first is None:
        return BaseRate(None, 0, t("outside.no_last_rank", "en"), t("outside.no_last_rank", "vi"))
    history = load_history(index_id)
    era = dimensions(index_id, year) if index_id == "papi" else None
    rate = base_rate(
        history,
        start_rank=round(first[0] / first[1] * res.n_units),
        n_units=res.n_units,
        target_score=res.target_score,
        target_rank=res.target_rank,
        era_dimensions=era,
    )
    if rate.p_both is None and index_id != "papi":
        why = t("outside.few_scores", "en", n=rate.n)
        return BaseRate(None, rate.n, why, t("outside.few_scores", "vi", n=rate.n))
    return rate


def _lines(view: OutsideView, lang: str = "vi") -> list[str]:
    lang = "vi" if lang == "vi" else "en"
    sign = "+" if view.gain_mean >= 0 else ""
    gain = f"{sign}{number(view.gain_mean, 2, lang)} ± {number(view.gain_mc_se, 3, lang)}"
    pct = number(view.gain_percentile, 0, lang)
    out = [t("outside.head", lang, gain=gain, pct=pct, ref=view.reference.describe(lang))]
    if view.base.p_both is not None:
        out.append(t("outside.rate", lang, rate=number(100 * view.base.p_both, 1, lang), n=view.base.n))
    else:
        out.append(t("outside.no_rate", lang, why=view.base.why_vi if lang == "vi" else view.base.why))
    if view.calibration is not None:
        c = view.calibration
        q, top = number(c.percentile, 0, lang), number(100 - c.percentile, 0, lang)
        text = t("outside.calibration", lang, q=q, top=top)
        out.append(text + t("outside.effectiveness", lang, e=number(c.effectiveness, 3, lang)))
        if c.capped:
            target, g = number(c.target_gain, 2, lang), number(c.gain, 2, lang)
            out.append(t("outside.capped", lang, target=target, e=number(c.effectiveness, 2, lang), gain=g))
    if view.flagged:
        out.append("⚠ " + view.flag_text(lang))
    return out


__all__ = [
    "ASSUMPTION_CALIBRATION",
    "CALIBRATION_PERCENTILE",
    "FLAG_PERCENTILE",
    "Calibration",
    "OutsideView",
    "calibrate",
    "calibrate_scenario",
    "full_effort",
    "gain_summary",
    "outside_views",
]
