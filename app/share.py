"""A plan on screen as URL query parameters, and back (no Streamlit import; tested directly).

``plan`` names the base plan (a shipped stem, ``lib:<saved id>``, ``new`` with ``prov``/``year``/
``last``, or ``upload``); ``lv`` holds the levels that differ from it in percent
(``par_index.g1_direction:80,…``); ``tg`` the targets that differ (``papi:46.5:15,…``); then
``draws``, ``seed`` and ``lang``. Anything malformed in a link is ignored, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.scenario import Scenario


@dataclass(frozen=True)
class SharedView:
    """What a link asks for."""

    plan: str = ""
    province: str = ""
    year: int | None = None
    last: dict[str, tuple[float | None, int | None]] = field(default_factory=dict)
    levels: dict[str, dict[str, int]] = field(default_factory=dict)
    targets: dict[str, tuple[float, int]] = field(default_factory=dict)
    draws: int | None = None
    seed: int | None = None
    lang: str | None = None


def encode(
    base: Scenario,
    levels: dict[str, dict[str, int]],
    targets: dict[str, tuple[float, int]],
    *,
    plan: str,
    draws: int,
    seed: int,
    lang: str,
    new: tuple[str, int, dict[str, tuple[float | None, int | None]]] | None = None,
) -> dict[str, str]:
    """Query parameters for the current view; ``levels`` in whole percent."""
    out = {"plan": plan}
    if new is not None:
        province, year, last = new
        out["prov"], out["year"] = province, str(year)
        given = [f"{i}:{_num(s)}:{'' if r is None else r}" for i, (s, r) in last.items() if s is not None]
        if given:
            out["last"] = ",".join(given)
    changed = [
        f"{i}.{g.id}:{levels[i][g.id]}"
        for i, p in base.indices.items()
        for g in p.groups
        if i in levels and g.id in levels[i] and levels[i][g.id] != round(100 * g.planned)
    ]
    if changed:
        out["lv"] = ",".join(changed)
    moved = [
        f"{i}:{_num(s)}:{r}"
        for i, (s, r) in targets.items()
        if i in base.indices and (s, r) != (base.indices[i].target_score, base.indices[i].target_rank)
    ]
    if moved:
        out["tg"] = ",".join(moved)
    out.update(draws=str(draws), seed=str(seed), lang=lang)
    return out


def decode(params: dict[str, str]) -> SharedView:
    """Read a link's parameters; malformed parts are dropped."""
    levels: dict[str, dict[str, int]] = {}
    for item in _items(params.get("lv")):
        key, _, value = item.rpartition(":")
        index_id, _, group = key.partition(".")
        level = _int(value)
        if index_id and group and level is not None and 0 <= level <= 100:
            levels.setdefault(index_id, {})[group] = level
    targets: dict[str, tuple[float, int]] = {}
    for item in _items(params.get("tg")):
        parts = item.split(":")
        if len(parts) == 3 and _float(parts[1]) is not None and _int(parts[2]) is not None:
            targets[parts[0]] = (_float(parts[1]), _int(parts[2]))  # type: ignore[assignment]
    last: dict[str, tuple[float | None, int | None]] = {}
    for item in _items(params.get("last")):
        parts = item.split(":")
        if len(parts) == 3 and _float(parts[1]) is not None:
            last[parts[0]] = (_float(parts[1]), _int(parts[2]))
    lang = params.get("lang")
    return SharedView(
        plan=params.get("plan", ""),
        province=params.get("prov", ""),
        year=_int(params.get("year")),
        last=last,
        levels=levels,
        targets=targets,
        draws=_int(params.get("draws")),
        seed=_int(params.get("seed")),
        lang=lang if lang in ("vi", "en") else None,
    )


def _items(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _num(x: float) -> str:
    return f"{x:g}"


def _int(value: str | None) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        x = float(str(value))
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None
