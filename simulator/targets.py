"""Targets as planners write them: absolute, or relative to last year and to the field.

A plan's index table holds ``target_score`` (score ≥ t) and ``target_rank`` (rank ≤ k). A
``target`` table may replace one of them by what planners write:

=================  ==========================================  ===============================
``kind``           meaning                                     resolves to
=================  ==========================================  ===============================
``up_places``      up ``places`` places on last year           rank ≤ last_rank − places
``out_of_bottom``  out of the bottom ``bottom`` units          rank ≤ N − bottom
``no_worse``       rank no worse than last year                rank ≤ last_rank
``grade``          PAR INDEX grade ``A`` / ``B`` / ``C``       score ≥ 90 / 80 / 70 %
=================  ==========================================  ===============================

``N`` is the number of units in the field of the plan's year (63 until 2024, 34 from 2025) and
``last_rank`` the plan's ``last_rank`` (last year's rank, in last year's field). The PAR INDEX
grades (A ≥ 90 %, B 80–90 %, C 70–80 %) are published by MoHA [verified]. Every relative target
resolves to the same two thresholds, so the probabilities keep their meaning; the JSON
``targets`` record keeps ``score`` and ``rank`` and adds ``kind`` (``absolute`` when no
``target`` table is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.errors import InputError
from simulator.schema import check_keys, take

RANK_KINDS = ("up_places", "out_of_bottom", "no_worse")
KINDS = ("absolute", *RANK_KINDS, "grade")
GRADES = {"A": 90.0, "B": 80.0, "C": 70.0}  # PAR INDEX groups, % [verified]
_KEYS = {"kind", "places", "bottom", "grade"}


@dataclass(frozen=True)
class Target:
    """A plan's target for one index, resolved to ``score`` and ``rank`` thresholds.

    ``value`` is the number the planner wrote (places, bottom group size) or ``None``;
    ``grade`` the grade letter for ``kind = "grade"``.
    """

    kind: str
    score: float
    rank: int
    value: int | None = None
    grade: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``target`` table of a plan file (empty for an absolute target)."""
        if self.kind == "absolute":
            return {}
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "up_places":
            out["places"] = self.value
        elif self.kind == "out_of_bottom":
            out["bottom"] = self.value
        elif self.kind == "grade":
            out["grade"] = self.grade
        return out

    def describe(self, lang: str = "vi") -> str:
        """The target in a planner's words, e.g. ``"tăng 3 bậc (hạng ≤ 20)"``."""
        vi = lang == "vi"
        if self.kind == "up_places":
            head = f"tăng {self.value} bậc" if vi else f"up {self.value} places"
        elif self.kind == "out_of_bottom":
            head = f"ra khỏi nhóm {self.value} cuối" if vi else f"out of the bottom {self.value}"
        elif self.kind == "no_worse":
            head = "không giảm hạng" if vi else "rank no worse than last year"
        elif self.kind == "grade":
            head = f"xếp loại {self.grade}" if vi else f"grade {self.grade}"
        else:
            head = "mục tiêu tuyệt đối" if vi else "absolute target"
        rank = f"hạng ≤ {self.rank}" if vi else f"rank ≤ {self.rank}"
        score = f"điểm ≥ {self.score:g}" if vi else f"score ≥ {self.score:g}"
        return f"{head} ({score}, {rank})"


def parse_target(
    table: dict[str, Any],
    where: str,
    *,
    index_id: str,
    n_units: int,
    last_rank: int | None,
    bounds: tuple[float, float],
    last_n_units: int | None = None,
) -> Target:
    """Read ``target_score``, ``target_rank`` and an optional ``target`` table of a plan index.

    Parameters
    ----------
    table : dict
        The index table of a plan file.
    where : str
        Key path of that table, for messages (``indices.par_index``).
    index_id : str
        The index (grades exist for ``par_index`` only).
    n_units : int
        Number of units ranked in the plan's year.
    last_rank : int or None
        The plan's ``last_rank``; required by ``up_places`` and ``no_worse``.
    bounds : tuple of float
        Lowest and highest score of the index definition.
    last_n_units : int, optional
        Number of units ranked last year (default ``n_units``); a rank of another field (63
        before the 2025 merger, 34 after) cannot anchor ``up_places`` or ``no_worse``.

    Raises
    ------
    InputError
        Naming the key: an unknown kind, a missing or superfluous number, a relative target
        together with the absolute key it replaces, a missing ``last_rank``, or a threshold
        outside ``1..N`` or the score bounds.

    Examples
    --------
    >>> t = {"target_score": 45.0, "target": {"kind": "up_places", "places": 3}}
    >>> parse_target(t, "i", index_id="papi", n_units=34, last_rank=20, bounds=(8.0, 80.0)).rank
    17
    """
    lo, hi = bounds
    raw = take(table, "target", where, dict, default=None)
    if raw is None:
        score = take(table, "target_score", where, float, lo=lo, hi=hi)
        return Target("absolute", score, take(table, "target_rank", where, int, lo=1, hi=n_units))
    at = f"{where}.target"
    check_keys(raw, at, _KEYS)
    kind = take(raw, "kind", at, str)
    if kind not in KINDS[1:]:
        raise InputError(f"{at}.kind", f"{kind!r} is not one of {', '.join(KINDS[1:])}")
    needs = {"up_places": "places", "out_of_bottom": "bottom", "grade": "grade"}.get(kind)
    extra = sorted(set(raw) - {"kind", needs})
    if extra:
        raise InputError(f"{at}.{extra[0]}", f"is not used by kind {kind!r}")
    replaced = "target_score" if kind == "grade" else "target_rank"
    if replaced in table:
        raise InputError(f"{where}.{replaced}", f"give either {replaced} or target kind {kind!r}, not both")
    if kind == "grade":
        return _grade(table, raw, where, at, index_id=index_id, n_units=n_units, bounds=bounds)
    score = take(table, "target_score", where, float, lo=lo, hi=hi)
    if kind == "out_of_bottom":
        m = take(raw, "bottom", at, int, lo=1, hi=n_units - 1)
        return Target(kind, score, n_units - m, value=m)
    if last_rank is None:
        raise InputError(f"{at}.kind", f"{kind!r} needs last year's rank: give last_rank")
    if last_n_units is not None and last_n_units != n_units:
        raise InputError(
            f"{at}.kind",
            f"last year ranked {last_n_units} units and this year ranks {n_units}: a rank of last "
            "year cannot anchor this target; give target_rank",
        )
    if kind == "no_worse":
        return Target(kind, score, last_rank)
    k = take(raw, "places", at, int, lo=1, hi=n_units)
    if last_rank - k < 1:
        raise InputError(f"{at}.places", f"up {k} places from rank {last_rank} is above rank 1")
    return Target(kind, score, last_rank - k, value=k)


def target_kind(target: Target | None, score: float, rank: int) -> str:
    """The kind of ``target`` while its thresholds are still ``score`` and ``rank``, else ``absolute``.

    A plan whose thresholds were changed afterwards (a what-if in the app) has absolute targets.
    """
    if target is not None and target.score == score and target.rank == rank:
        return target.kind
    return "absolute"


def _grade(
    table: dict[str, Any],
    raw: dict[str, Any],
    where: str,
    at: str,
    *,
    index_id: str,
    n_units: int,
    bounds: tuple[float, float],
) -> Target:
    if index_id != "par_index":
        raise InputError(f"{at}.kind", "grades A/B/C exist for par_index only")
    grade = take(raw, "grade", at, str)
    if grade not in GRADES:
        raise InputError(f"{at}.grade", f"{grade!r} is not one of {', '.join(GRADES)}")
    score = GRADES[grade]
    if not bounds[0] <= score <= bounds[1]:
        raise InputError(f"{at}.grade", f"{score:g} is outside the definition's range {bounds}")
    rank = take(table, "target_rank", where, int, lo=1, hi=n_units)
    return Target("grade", score, rank, grade=grade)


__all__ = ["GRADES", "KINDS", "Target", "parse_target", "target_kind"]
