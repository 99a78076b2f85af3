"""The registry of units (provinces) and the resolution of their many spellings, over time.

A unit has one canonical Vietnamese name (as in the PAPI data files, e.g. "Hồ Chí Minh",
"Thừa Thiên Huế", "Bà Rịa - Vũng Tàu"). Users type names without diacritics, with "TP." or
"Tỉnh" in front, or as abbreviations ("TP HCM", "TT-Huế", "BR-VT"); :meth:`UnitRegistry.resolve`
maps all of those to the canonical name and refuses what it cannot place.

Units have a period of validity (Resolution 202/2025/QH15, ``data/units_2025_crosswalk.csv``):
the 63 former provinces until 30 June 2025, the 34 units from 1 July 2025. The field of an index
year is the set of units valid on 31 December of that year (:func:`units_for_year`): the 2024
editions rank 63 units, those from 2025 rank 34. A former name used for a later year is refused
with one line naming its successor; a unit that was only renamed (Thừa Thiên Huế → Huế) keeps its
old names as aliases.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from simulator.errors import InputError

_PREFIXES = ("thanh pho ", "tp ", "t p ", "tinh ", "province of ", "city of ")
_SUFFIXES = (" city", " province")
_D_BAR = str.maketrans("ĐđÐð", "DdDd")  # legacy encodings write Đ as the look-alike Ð (U+00D0)


def fold(text: str) -> str:
    """Lower-case ``text``, strip diacritics, unify separators.

    >>> fold("TP. Hồ Chí Minh")
    'tp ho chi minh'
    """
    text = text.translate(_D_BAR)
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _key(text: str) -> str:
    folded = fold(text)
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    for suffix in _SUFFIXES:
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)]
    return folded.replace(" ", "")


@dataclass(frozen=True)
class UnitRegistry:
    """Canonical unit names in a fixed order, with their aliases.

    Parameters
    ----------
    names : tuple of str
        Canonical names; their order is the order of every per-unit array in the library.
    aliases : dict
        Extra spellings, mapped to canonical names.
    former : dict
        Spellings of units no longer valid, mapped to the one line that names their successor;
        a spelling that is also a name or alias of a valid unit resolves to that unit.

    Raises
    ------
    InputError
        When two names are the same unit once folded ("Hà Nội", "Ha Noi"), or an alias points to
        a name not in ``names`` or already names another unit.
    """

    names: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict, hash=False)
    former: dict[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for name in self.names:
            key = _key(name)
            if not key:
                raise InputError("units", f"{name!r} is not a usable unit name")
            if key in lookup:
                raise InputError("units", f"{name!r} is the same unit as {lookup[key]!r}")
            lookup[key] = name
        for alias, name in self.aliases.items():
            if name not in self.names:
                raise InputError("units", f"alias {alias!r} points to {name!r}, which is not a unit")
            key = _key(alias)
            if not key:
                raise InputError("units", f"alias {alias!r} of {name!r} is not a usable name")
            if lookup.setdefault(key, name) != name:
                raise InputError("units", f"alias {alias!r} of {name!r} already names {lookup[key]!r}")
        object.__setattr__(self, "_lookup", lookup)
        gone = {_key(k): v for k, v in self.former.items() if _key(k) and _key(k) not in lookup}
        object.__setattr__(self, "_former", gone)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _key(name) in self._lookup  # type: ignore[attr-defined]

    def resolve(self, name: str, where: str = "unit") -> str:
        """Return the canonical name for ``name`` or raise :class:`InputError` naming ``where``."""
        if not isinstance(name, str) or not name.strip():
            raise InputError(where, "a province name is required")
        found = self._lookup.get(_key(name))  # type: ignore[attr-defined]
        if found is None and _key(name) in self._former:  # type: ignore[attr-defined]
            raise InputError(where, self._former[_key(name)])  # type: ignore[attr-defined]
        if found is None:
            hint = self._suggest(name)
            tail = f" (did you mean {hint!r}?)" if hint else ""
            raise InputError(where, f"unknown province {name!r}{tail}")
        return found

    def index(self, name: str) -> int:
        """Position of a canonical (or resolvable) name in :attr:`names`."""
        return self.names.index(self.resolve(name))

    def _suggest(self, name: str) -> str | None:
        import difflib

        keys = list(self._lookup)  # type: ignore[attr-defined]
        close = difflib.get_close_matches(_key(name), keys, n=1, cutoff=0.75)
        return self._lookup[close[0]] if close else None  # type: ignore[attr-defined]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("simulator.data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _spellings_63() -> dict[str, list[str]]:
    """Every spelling of each of the 63 former provinces: name, code, ASCII name, aliases."""
    out: dict[str, list[str]] = {}
    for row in _rows("units_vn63.csv"):
        extra = filter(None, row["aliases"].split(";"))
        out[row["name"]] = [row["name"], row["code"], row["name_ascii"], *extra]
    return out


@lru_cache(maxsize=1)
def vietnam_63() -> UnitRegistry:
    """The 63 provinces and centrally-run cities of 2008–2024 (``data/units_vn63.csv``)."""
    aliases = {s: name for name, spellings in _spellings_63().items() for s in spellings[1:]}
    return UnitRegistry(tuple(_spellings_63()), aliases)


@dataclass(frozen=True)
class Merger:
    """One unit valid from ``effective``, made of whole former provinces (``predecessors``)."""

    name: str
    unit_type: str
    predecessors: tuple[str, ...]
    effective: date
    source: str

    @property
    def merged(self) -> bool:
        """True when the unit joins two or more former provinces."""
        return len(self.predecessors) > 1

    def refusal(self, former: str) -> str:
        """The one line shown when ``former`` is used for a year after the merger (vi / en)."""
        day = f"{self.effective.day:02d}/{self.effective.month}/{self.effective.year}"
        kind_en = "city" if self.unit_type == "thành phố" else "province"
        return (
            f"{former} đã hợp nhất vào {self.unit_type} {self.name} từ {day} / {former} merged into "
            f"{self.name} {kind_en} on {self.effective.isoformat()}: use {self.name!r} for this year"
        )


@lru_cache(maxsize=1)
def crosswalk() -> tuple[Merger, ...]:
    """The 34 units of 1 July 2025 and their predecessors (``data/units_2025_crosswalk.csv``).

    Raises
    ------
    InputError
        When a predecessor is not one of the 63 former provinces, belongs to two units, or one
        of the 63 is missing (the data file is checked once, at load).
    """
    old = vietnam_63()
    groups: dict[str, list[dict[str, str]]] = {}
    for row in _rows("units_2025_crosswalk.csv"):
        groups.setdefault(row["unit_2025"], []).append(row)
    out, seen = [], set()
    for name, rows in groups.items():
        preds = tuple(old.resolve(r["predecessor"], "units_2025_crosswalk.csv predecessor") for r in rows)
        twice = seen.intersection(preds)
        if twice:
            raise InputError("units_2025_crosswalk.csv", f"{sorted(twice)[0]} is in two units")
        seen.update(preds)
        out.append(
            Merger(
                name, rows[0]["unit_type"], preds, date.fromisoformat(rows[0]["effective"]), rows[0]["source"]
            )
        )
    missing = sorted(set(old.names) - seen)
    if missing:
        raise InputError("units_2025_crosswalk.csv", f"former province(s) missing: {', '.join(missing)}")
    return tuple(out)


@lru_cache(maxsize=1)
def vietnam_34() -> UnitRegistry:
    """The 34 provinces and centrally-run cities from 1 July 2025.

    A unit keeps the spellings of the former province of the same name; a unit that only changed
    its name (one predecessor: Thừa Thiên Huế → Huế) keeps all its predecessor's spellings. Every
    other spelling of a former province is refused with the line of :meth:`Merger.refusal`.
    """
    spell = _spellings_63()
    aliases: dict[str, str] = {}
    former: dict[str, str] = {}
    for m in crosswalk():
        for pred in m.predecessors:
            for s in spell[pred]:
                if pred == m.name or not m.merged:
                    aliases[s] = m.name
                else:
                    former[s] = m.refusal(pred)
    aliases = {a: n for a, n in aliases.items() if a != n}
    return UnitRegistry(tuple(m.name for m in crosswalk()), aliases, former)


def field_date(year: int) -> date:
    """The day whose valid units form the field of an index year: 31 December of that year.

    The rule (an assumption, docs/units.md): an edition assesses a calendar year and ranks the
    units that exist at its end, so the 2024 editions rank 63 units and those from 2025 rank 34.
    """
    return date(int(year), 12, 31)


def units_for_year(year: int) -> UnitRegistry:
    """The units valid for an index year (:func:`field_date`): 63 until 2024, 34 from 2025."""
    start = min(m.effective for m in crosswalk())
    return vietnam_34() if field_date(year) >= start else vietnam_63()
