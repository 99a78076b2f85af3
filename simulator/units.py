"""The registry of units (provinces) and the resolution of their many spellings.

A unit has one canonical Vietnamese name (as in the PAPI data files, e.g. "Hồ Chí Minh",
"Thừa Thiên Huế", "Bà Rịa - Vũng Tàu"). Users type names without diacritics, with "TP." or
"Tỉnh" in front, or as abbreviations ("TP HCM", "TT-Huế", "BR-VT"); :meth:`UnitRegistry.resolve`
maps all of those to the canonical name and refuses what it cannot place.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
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

    Raises
    ------
    InputError
        When two names are the same unit once folded ("Hà Nội", "Ha Noi"), or an alias points to
        a name not in ``names`` or already names another unit.
    """

    names: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict, hash=False)

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

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _key(name) in self._lookup  # type: ignore[attr-defined]

    def resolve(self, name: str, where: str = "unit") -> str:
        """Return the canonical name for ``name`` or raise :class:`InputError` naming ``where``."""
        if not isinstance(name, str) or not name.strip():
            raise InputError(where, "a province name is required")
        found = self._lookup.get(_key(name))  # type: ignore[attr-defined]
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


@lru_cache(maxsize=1)
def vietnam_63() -> UnitRegistry:
    """The 63 provinces and centrally-run cities of 2008–2024 (``data/units_vn63.csv``)."""
    text = resources.files("simulator.data").joinpath("units_vn63.csv").read_text("utf-8")
    names: list[str] = []
    aliases: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        names.append(row["name"])
        aliases[row["code"]] = row["name"]
        for alias in filter(None, row["aliases"].split(";")):
            aliases[alias] = row["name"]
    return UnitRegistry(tuple(names), aliases)
