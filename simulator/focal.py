"""What the engine knows of the focal unit before any draw: its last points and its couplings.

The BAU total of each draw is split over the sub-criteria (docs/model.md §6): in the profile of
last year's points where the plan (``last_components``) or the history gives them, otherwise in
proportion to the ranges (an assumption, flagged in every result). A plan that gives some
components but not all is refused: the engine would otherwise drop them without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.errors import InputError
from simulator.history import History
from simulator.indices import IndexSpec
from simulator.scenario import IndexPlan, Scenario


@dataclass(frozen=True)
class Focal:
    """What the engine knows of the focal unit for one index, fixed before any draw."""

    position: int
    base_points: np.ndarray  # (S,) last known points of each sub-criterion, or NaN
    spread_by_maxima: bool
    survey_sd: np.ndarray  # (S,) points sd of sampling noise
    coupled: np.ndarray  # (S,) bool, sub-criteria fed by another index
    coupled_scale: float
    coupled_index: str | None


def bau_points(
    focal: Focal, spec: IndexSpec, bau_total: np.ndarray, coupled_points: np.ndarray | None
) -> np.ndarray:
    """Points of each sub-criterion consistent with the focal's BAU total of each draw.

    A coupled sub-criterion takes its feeding index's BAU score times the scale; the rest ``R`` of
    the total is spread over the other sub-criteria. With known last points ``L_s`` (summing to
    ``L``): ``L_s + (R − L)(hi_s − lo_s)/Σ(hi − lo)``. Otherwise (an assumption, labelled in the
    result): ``lo_s + (hi_s − lo_s)(R − Σlo)/Σ(hi − lo)``, i.e. in proportion to the ranges.
    """
    own = ~focal.coupled if coupled_points is not None else np.ones(len(spec.subcriteria), bool)
    width = np.where(own, spec.hi - spec.lo, 0.0)
    share = width / width.sum()
    rest = bau_total if coupled_points is None else bau_total - coupled_points
    if focal.spread_by_maxima:
        start, start_total = np.where(own, spec.lo, 0.0), float(spec.lo[own].sum())
    else:
        start, start_total = np.where(own, focal.base_points, 0.0), float(focal.base_points[own].sum())
    points = start[None, :] + share[None, :] * (rest[:, None] - start_total)
    if coupled_points is not None:
        points[:, ~own] = coupled_points[:, None]
    return points


def check_last_components(plan: IndexPlan, where: str, own: np.ndarray | None = None) -> np.ndarray:
    """Last year's points per sub-criterion from ``last_components`` (NaN where not given).

    Each value must lie in its own range: a sub-criterion's ``[lo_s, hi_s]``, a component's
    ``[Σ lo_s, Σ hi_s]`` over its sub-criteria; a component's points are split over its
    sub-criteria in proportion to their ranges. A component and one of its sub-criteria may not
    both be given.

    Raises
    ------
    InputError
        Naming ``<where>.last_components.<id>`` and the range it leaves.
    """
    spec = plan.spec
    subs = spec.subcriteria
    base = np.full(len(subs), np.nan)
    for key, value in plan.last_components.items():
        idx = [j for j, s in enumerate(subs) if key in (s.id, s.component)]
        lo = float(sum(subs[j].lo for j in idx))
        hi = float(sum(subs[j].hi for j in idx))
        place = f"{where}.last_components.{key}"
        if not lo <= value <= hi:
            kind = "sub-criterion" if len(idx) == 1 and subs[idx[0]].id == key else "component"
            raise InputError(place, f"{value:g} is outside the {kind}'s range [{lo:g}, {hi:g}]")
        if not np.isnan(base[idx]).all():
            raise InputError(place, "is given twice (as a component and as one of its sub-criteria)")
        w = np.array([subs[j].hi - subs[j].lo for j in idx])
        base[idx] = np.array([subs[j].lo for j in idx]) + (value - lo) * w / w.sum()
    return base


def focal_for(plan: IndexPlan, history: History, pos: int, scenario: Scenario) -> Focal:
    spec = plan.spec
    subs = spec.subcriteria
    where = f"indices.{plan.index_id}"
    coupled_subs = [s for s in subs if s.coupled_index]
    if len(coupled_subs) > 1:
        raise InputError(
            f"{where}.definition",
            "more than one sub-criterion is fed by another index; the engine supports one",
        )
    coupled = np.array([s.coupled_index is not None for s in subs])
    fed = bool(coupled_subs) and coupled_subs[0].coupled_index in scenario.indices
    own = ~coupled if fed else np.ones(len(subs), bool)
    base = check_last_components(plan, where)
    given = bool(plan.last_components)
    if np.isnan(base[own]).any():
        prev = history.before(scenario.year).observations
        prev = prev[(prev["unit"] == history.units.names[pos])]
        if len(prev):
            last = prev.sort_values("year").iloc[-1]
            for j, s in enumerate(subs):
                col = s.history_column
                if np.isnan(base[j]) and col and col in last.index and np.isfinite(last[col]):
                    base[j] = float(last[col])
    missing = [s.id for s, m in zip(subs, np.isnan(base) & own, strict=True) if m]
    if given and missing:
        raise InputError(
            f"{where}.last_components",
            f"gives some points but not those of {', '.join(missing)}: give every component "
            "(or every sub-criterion), or none to spread the total in proportion to the ranges",
        )
    return Focal(
        position=pos,
        base_points=base,
        spread_by_maxima=bool(missing),
        survey_sd=np.array(
            [(s.hi - s.lo) * s.survey_se if s.kind == "survey" and not s.coupled_index else 0.0 for s in subs]
        ),
        coupled=coupled,
        coupled_scale=coupled_subs[0].coupled_scale if coupled_subs else 0.0,
        coupled_index=coupled_subs[0].coupled_index if coupled_subs else None,
    )


__all__ = ["Focal", "bau_points", "check_last_components", "focal_for"]
