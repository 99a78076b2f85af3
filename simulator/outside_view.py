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
from dataclasses import dataclass

import numpy as np

from simulator.reference_class import BaseRate, ReferenceClass

CALIBRATION_PERCENTILE = 90.0
FLAG_PERCENTILE = 95.0
E_MIN, E_MAX = 0.01, 0.95
ASSUMPTION_CALIBRATION = {
    "vi": "Giả định: hoàn thành đầy đủ mọi nhóm nhiệm vụ mang lại mức tăng bằng phân vị thứ {q} của "
    "những gì các tỉnh đã thực sự đạt được vượt xu hướng (một năm nỗ lực tối đa tốt ngang nhóm "
    "{top} % tỉnh-năm tốt nhất).",
    "en": "Assumption: completing every task group in full gives a gain equal to the {q}th percentile "
    "of what provinces actually achieved beyond their trend (a full-effort year is as good as the "
    "best {top} % of province-years).",
}


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
        share = self.share_above
        if lang == "vi":
            pct = f"{share:.1f}".replace(".", ",")
            return f"Kế hoạch giả định mức tăng mà chỉ {pct} % tỉnh-năm từng đạt."
        return f"The plan assumes a gain that only {share:.1f} % of province-years have ever achieved."

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


__all__ = [
    "ASSUMPTION_CALIBRATION",
    "CALIBRATION_PERCENTILE",
    "FLAG_PERCENTILE",
    "Calibration",
    "OutsideView",
    "calibrate",
    "gain_summary",
]
