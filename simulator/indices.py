"""Index definitions: the tree index -> components -> sub-criteria, as data.

A definition is a TOML file (``simulator/data/indices/*.toml`` ship; a user can bring one built
from the official annex). Each sub-criterion *s* has a range ``[lo_s, hi_s]`` (points), a kind
(``appraisal``, ``survey`` or ``statistic``) and a source, which is either a citation or says
"assumption". The index score is the sum of its sub-criteria:

    score = Σ_s (lo_s + (hi_s − lo_s) · a_s),   attainment a_s ∈ [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from simulator.errors import InputError
from simulator.labels import t
from simulator.schema import check_keys, parse_toml, read_toml, take
from simulator.text import printable

KINDS = ("appraisal", "survey", "statistic")
INDEX_IDS = ("par_index", "sipas", "papi")
_TOP_KEYS = {
    "id",
    "version",
    "name_vi",
    "name_en",
    "unit",
    "years",
    "source",
    "notes",
    "notes_vi",
    "notes_en",
    "components",
    "subcriteria",
}
_COMPONENT_KEYS = {"id", "name_vi", "name_en"}
_SUB_KEYS = {
    "id",
    "component",
    "name_vi",
    "name_en",
    "min",
    "max",
    "kind",
    "survey_se",
    "coupled_index",
    "coupled_scale",
    "history_column",
    "source",
    "assumption_vi",
    "assumption_en",
}


@dataclass(frozen=True)
class Component:
    """A field (PAR), element (SIPAS) or dimension (PAPI)."""

    id: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class SubCriterion:
    """The smallest scored part the model knows, with its points range and provenance.

    ``survey_se`` is the sampling standard error of the attainment (survey kind only).
    ``coupled_index`` names an index whose score feeds this sub-criterion, times
    ``coupled_scale`` (PAR's SIPAS component: SIPAS % × 0.1, an assumption).
    ``assumption_vi`` / ``assumption_en`` say in plain words what is assumed (optional).
    """

    id: str
    component: str
    name_vi: str
    name_en: str
    lo: float
    hi: float
    kind: str
    source: str
    survey_se: float = 0.0
    coupled_index: str | None = None
    coupled_scale: float = 0.0
    history_column: str | None = None
    assumption_vi: str = ""
    assumption_en: str = ""

    @property
    def is_assumption(self) -> bool:
        return "assumption" in self.source.lower()

    def assumption_text(self, lang: str) -> str:
        """What is assumed, in ``lang``; a definition without the text gives its source."""
        own = self.assumption_vi if lang == "vi" else self.assumption_en
        return own or t("def.assumed_by_file", lang, source=self.source)


@dataclass(frozen=True)
class IndexSpec:
    """One version of an index's method."""

    id: str
    version: str
    name_vi: str
    name_en: str
    unit: str
    years: tuple[int, int]
    source: str
    notes: str
    components: tuple[Component, ...]
    subcriteria: tuple[SubCriterion, ...]
    notes_vi: str = ""
    notes_en: str = ""

    @property
    def lo(self) -> np.ndarray:
        return np.array([s.lo for s in self.subcriteria])

    @property
    def hi(self) -> np.ndarray:
        return np.array([s.hi for s in self.subcriteria])

    @property
    def bounds(self) -> tuple[float, float]:
        """Lowest and highest possible total score."""
        return float(self.lo.sum()), float(self.hi.sum())

    @property
    def subcriterion_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.subcriteria)

    def component_of(self) -> np.ndarray:
        """Index into :attr:`components` of each sub-criterion."""
        pos = {c.id: i for i, c in enumerate(self.components)}
        return np.array([pos[s.component] for s in self.subcriteria])

    def component_max(self) -> np.ndarray:
        """Maximum points of each component."""
        return np.bincount(self.component_of(), weights=self.hi, minlength=len(self.components))

    def assumptions(self, lang: str | None = None) -> list[str]:
        """What in this definition is an assumption, as sentences.

        ``lang=None`` gives the technical English lines (``"<sub-criterion id>: <source>"``);
        ``"vi"`` or ``"en"`` gives plain sentences that name the sub-criteria by their names, one
        sentence for each assumption shared by several sub-criteria.
        """
        if lang is None:
            out = [self.notes] if self.notes else []
            return out + [f"{s.id}: {s.source}" for s in self.subcriteria if s.is_assumption]
        notes = (self.notes_vi if lang == "vi" else self.notes_en) or self.notes
        out = [notes] if notes else []
        comps = {c.id: (c.name_vi if lang == "vi" else c.name_en) for c in self.components}
        groups: dict[str, list[SubCriterion]] = {}
        for s in self.subcriteria:
            if s.is_assumption:
                groups.setdefault(s.assumption_text(lang), []).append(s)
        applies, within = t("def.applies_to", lang), t("def.within", lang)
        for text, subs in groups.items():
            names = [s.name_vi if lang == "vi" else s.name_en for s in subs]
            if len(subs) > 1 and len(set(names)) == 1:
                where = f" “{names[0]}” {within}: " + "; ".join(comps[s.component] for s in subs)
            else:
                where = ": " + "; ".join(
                    n if n == comps[s.component] else f"{comps[s.component]} – {n}"
                    for s, n in zip(subs, names, strict=True)
                )
            out.append(f"{text}. {applies}{where}.")
        return out


def _parse(data: dict, label: str) -> IndexSpec:
    check_keys(data, "", _TOP_KEYS)
    index_id = take(data, "id", "", str)
    if index_id not in INDEX_IDS:
        raise InputError(f"{label} id", f"unknown index {index_id!r}; expected one of {', '.join(INDEX_IDS)}")
    years = take(data, "years", "", list)
    if len(years) != 2 or not all(isinstance(y, int) for y in years) or years[0] > years[1]:
        raise InputError(f"{label} years", "must be [first, last] whole years, first ≤ last")
    comps_raw = take(data, "components", "", list)
    comps = []
    for i, c in enumerate(comps_raw):
        where = f"components[{i}]"
        if not isinstance(c, dict):
            raise InputError(f"{label} {where}", "must be a table")
        check_keys(c, where, _COMPONENT_KEYS)
        comps.append(
            Component(
                take(c, "id", where, str), take(c, "name_vi", where, str), take(c, "name_en", where, str)
            )
        )
    comp_ids = [c.id for c in comps]
    if len(set(comp_ids)) != len(comp_ids):
        raise InputError(f"{label} components", "component ids must be unique")
    subs = []
    for i, s in enumerate(take(data, "subcriteria", "", list)):
        where = f"subcriteria[{i}]"
        if not isinstance(s, dict):
            raise InputError(f"{label} {where}", "must be a table")
        check_keys(s, where, _SUB_KEYS)
        comp = take(s, "component", where, str)
        if comp not in comp_ids:
            raise InputError(f"{label} {where}.component", f"unknown component {comp!r}")
        lo = take(s, "min", where, float, default=0.0)
        hi = take(s, "max", where, float, lo=0.0)
        if hi <= lo:
            raise InputError(f"{label} {where}.max", f"must exceed min ({lo:g})")
        kind = take(s, "kind", where, str)
        if kind not in KINDS:
            raise InputError(f"{label} {where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        coupled = take(s, "coupled_index", where, str, default=None)
        if coupled is not None and (coupled not in INDEX_IDS or coupled == index_id):
            raise InputError(f"{label} {where}.coupled_index", f"{coupled!r} is not another index")
        subs.append(
            SubCriterion(
                id=take(s, "id", where, str),
                component=comp,
                name_vi=take(s, "name_vi", where, str),
                name_en=take(s, "name_en", where, str),
                lo=lo,
                hi=hi,
                kind=kind,
                source=take(s, "source", where, str),
                survey_se=take(s, "survey_se", where, float, default=0.0, lo=0.0, hi=0.5),
                coupled_index=coupled,
                coupled_scale=take(s, "coupled_scale", where, float, default=1.0 if coupled else 0.0, lo=0.0),
                history_column=take(s, "history_column", where, str, default=None),
                assumption_vi=take(s, "assumption_vi", where, str, default=""),
                assumption_en=take(s, "assumption_en", where, str, default=""),
            )
        )
    ids = [s.id for s in subs]
    if not subs or len(set(ids)) != len(ids):
        raise InputError(f"{label} subcriteria", "must be a non-empty list with unique ids")
    return IndexSpec(
        id=index_id,
        version=take(data, "version", "", str),
        name_vi=take(data, "name_vi", "", str),
        name_en=take(data, "name_en", "", str),
        unit=take(data, "unit", "", str),
        years=(years[0], years[1]),
        source=take(data, "source", "", str),
        notes=take(data, "notes", "", str, default=""),
        components=tuple(comps),
        subcriteria=tuple(subs),
        notes_vi=take(data, "notes_vi", "", str, default=""),
        notes_en=take(data, "notes_en", "", str, default=""),
    )


def load_index_spec(path: str | Path) -> IndexSpec:
    """Load and validate a user's definition file; errors name the file and the key."""
    label = str(path)
    return _labelled(label, lambda: _parse(read_toml(path), label))


def parse_index_spec(data: bytes, label: str) -> IndexSpec:
    """Validate a definition sent with a plan (the bytes of its TOML file), named ``label``."""
    return _labelled(label, lambda: _parse(parse_toml(data, label), label))


def _labelled(label: str, build):  # type: ignore[no-untyped-def]
    try:
        return build()
    except InputError as err:
        raise (
            err if err.where.startswith(printable(label)) else InputError(f"{label} {err.where}", err.problem)
        ) from None


@lru_cache(maxsize=16)
def shipped_spec(name: str) -> IndexSpec:
    """A shipped definition by file stem, e.g. ``par_index_2020``."""
    files = resources.files("simulator.data").joinpath("indices")
    path = files.joinpath(f"{name}.toml")
    if not path.is_file():
        known = sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml"))
        raise InputError("definition", f"no shipped definition {name!r}; known: {', '.join(known)}")
    return _parse(parse_toml(path.read_bytes(), name), name)


def shipped_names() -> list[str]:
    files = resources.files("simulator.data").joinpath("indices")
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml"))


def spec_for(index_id: str, year: int) -> IndexSpec:
    """The shipped definition of ``index_id`` for ``year``.

    Among the shipped definitions whose ``years`` cover ``year``, the one that starts latest: a
    newer method replaces an older one whose stated period overlaps it (SIPAS: QĐ 1001/QĐ-BNV
    from 2023 over QĐ 2640/QĐ-BNV).

    Raises
    ------
    InputError
        One line naming the index, the year and the periods the shipped definitions cover.
    """
    specs = [shipped_spec(n) for n in shipped_names()]
    mine = [s for s in specs if s.id == index_id]
    covering = [s for s in mine if s.years[0] <= year <= s.years[1]]
    if covering:
        return max(covering, key=lambda s: s.years[0])
    mine.sort(key=lambda s: s.years)
    periods = ", ".join(f"{s.version}: {s.years[0]}–{s.years[1]}" for s in mine)
    raise InputError(
        f"{index_id} {year}",
        f"no shipped definition covers {year} (shipped: {periods or 'none'}); the method of that year "
        "is not known: send the official annex as a definition file with the plan "
        '(definition = "file_name.toml")',
    )
