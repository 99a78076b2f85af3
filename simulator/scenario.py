"""Plan files: a province's yearly plan of task groups for each index (the input boundary).

A plan is TOML (stdlib ``tomllib``, written with ``tomli-w``), validated once here; everything
after trusts its types. Unknown keys, wrong types, out-of-range values, weights that over-commit a
sub-criterion and unknown provinces are :class:`~simulator.errors.InputError` naming the key.

Two file versions load. Version 1 lists groups as ``[[indices.<id>.groups]]`` with levels in
``[0, 1]``. Version 2 (``version = 2``, see :mod:`simulator.planfile`) keys groups by id, gives
levels in percent, lets groups inherit index-level defaults and may ``extends`` another plan of
the same folder with a ``[levels]`` table. A plan names only a shipped index definition or a
definition sent with it (``definitions``): it never opens a path of its own choosing.

Levers are each task group's planned completion ``planned ∈ [0, 1]``; the business-as-usual
completion ``bau`` is what the historical trend would deliver anyway. Reliability, concentration,
weights, effectiveness and costs are the planner's *assumptions* and are labelled as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from simulator import planfile
from simulator.errors import InputError
from simulator.indices import INDEX_IDS, IndexSpec, parse_index_spec, shipped_names, shipped_spec, spec_for
from simulator.limits import MAX_BUDGET, MAX_COST_PER_POINT, MAX_EXTENDS_DEPTH, MAX_GROUPS, PLAN_YEARS
from simulator.schema import check_keys, parse_toml, read_toml, take
from simulator.targets import RANK_KINDS, Target, parse_target
from simulator.text import printable
from simulator.units import UnitRegistry, units_for_year

_PLAN_KEYS = {
    "name",
    "province",
    "year",
    "budget",
    "currency",
    "notes",
    "notes_vi",
    "notes_en",
    "calibration_percentile",
}
CALIBRATED = "calibrated"
CALIBRATION_PERCENTILE = 90.0
CALIBRATION_RANGE = (50.0, 99.5)
_INDEX_KEYS = {
    "definition",
    "target_score",
    "target_rank",
    "effectiveness",
    "calibration_percentile",
    "last_score",
    "last_rank",
    "last_components",
    "groups",
    "target",
}
_EFFECT_KEYS = {"mean", "concentration"}
_DEFAULTS = {  # key: (default, lo, hi) of the assumptions a group may inherit from its index
    "reliability": (0.8, 0.01, 0.99),
    "concentration": (20.0, 0.5, 1e6),
    "weight_concentration": (50.0, 0.5, 1e6),
    "cost_per_point": (0.0, 0.0, MAX_COST_PER_POINT),
    "cost_exponent": (1.0, 1.0, 4.0),
}
_GROUP_KEYS = {"id", "name_vi", "name_en", "planned", "bau", "weights", *_DEFAULTS}
Definitions = Mapping[str, bytes | IndexSpec]


@dataclass(frozen=True)
class TaskGroup:
    """A group of tasks and solutions (nhóm nhiệm vụ, giải pháp): one lever.

    Delivered completion ``X = bau + D·(planned − bau)`` with ``D ~ Beta(mean=reliability,
    concentration)``. ``weights[s]`` is the share of sub-criterion *s*'s headroom that the group
    addresses when fully completed from BAU. Cost of a plan level ``x``:
    ``cost_per_point · (100·max(x − bau, 0)) ** cost_exponent``.
    """

    id: str
    name_vi: str
    name_en: str
    planned: float
    bau: float
    reliability: float = 0.8
    concentration: float = 20.0
    weights: dict[str, float] = field(default_factory=dict)
    weight_concentration: float = 50.0
    cost_per_point: float = 0.0
    cost_exponent: float = 1.0

    def cost(self, level: float | np.ndarray) -> float | np.ndarray:
        """Cost of reaching completion ``level`` from BAU, in the plan's currency."""
        points = 100.0 * np.maximum(np.asarray(level, dtype=float) - self.bau, 0.0)
        return self.cost_per_point * points**self.cost_exponent


@dataclass(frozen=True)
class IndexPlan:
    """Targets, assumptions and task groups of one index in a plan."""

    index_id: str
    spec: IndexSpec
    target_score: float
    target_rank: int
    groups: tuple[TaskGroup, ...]
    effectiveness_mean: float = 0.6
    effectiveness_concentration: float = 10.0
    last_score: float | None = None
    last_rank: int | None = None
    last_components: dict[str, float] = field(default_factory=dict)
    definition: str = ""
    target: Target | None = None
    calibrated: bool = False
    calibration_percentile: float = CALIBRATION_PERCENTILE

    @property
    def planned(self) -> np.ndarray:
        return np.array([g.planned for g in self.groups])

    @property
    def bau(self) -> np.ndarray:
        return np.array([g.bau for g in self.groups])

    def weight_matrix(self) -> np.ndarray:
        """``W`` of shape (groups, sub-criteria)."""
        ids = {s: j for j, s in enumerate(self.spec.subcriterion_ids)}
        w = np.zeros((len(self.groups), len(ids)))
        for i, g in enumerate(self.groups):
            for s, v in g.weights.items():
                w[i, ids[s]] = v
        return w

    def cost(self, levels: np.ndarray | None = None) -> float:
        levels = self.planned if levels is None else levels
        return float(sum(g.cost(x) for g, x in zip(self.groups, levels, strict=True)))


@dataclass(frozen=True)
class Scenario:
    """A whole plan: one province, one year, a plan per index."""

    name: str
    province: str
    year: int
    indices: dict[str, IndexPlan]
    budget: float | None = None
    currency: str = "tỷ đồng"
    notes: str = ""
    source: str = ""
    notes_vi: str = ""
    notes_en: str = ""

    def notes_for(self, lang: str) -> str:
        """The plan's notes in ``lang`` (``notes_vi``/``notes_en``), else its one ``notes`` text."""
        return (self.notes_vi if lang == "vi" else self.notes_en) or self.notes

    def with_levels(self, levels: dict[str, dict[str, float]]) -> Scenario:
        """This plan with some planned completions replaced (``{index: {group: level}}``)."""
        new = dict(self.indices)
        for index_id, by_group in levels.items():
            plan = new[index_id]
            groups = tuple(replace(g, planned=float(by_group.get(g.id, g.planned))) for g in plan.groups)
            new[index_id] = replace(plan, groups=groups)
        return replace(self, indices=new)

    def with_targets(self, index_id: str, score: float, rank: int) -> Scenario:
        new = dict(self.indices)
        new[index_id] = replace(new[index_id], target_score=float(score), target_rank=int(rank), target=None)
        return replace(self, indices=new)

    def at_bau(self) -> Scenario:
        """The status quo: every group at its BAU completion."""
        return self.with_levels({i: {g.id: g.bau for g in p.groups} for i, p in self.indices.items()})

    def cost(self) -> float:
        return sum(p.cost() for p in self.indices.values())

    def to_dict(self, version: int = 1) -> dict[str, Any]:
        """The plan as the nested tables of a plan file (round-trips through :func:`parse_scenario`).

        ``version=1`` (the default, the expanded form other code edits): groups as a list with
        levels in ``[0, 1]``; ``version=2``: the form :meth:`to_toml` writes.
        """
        if version == 2:
            return planfile.v2_tables(self.to_dict())
        plan: dict[str, Any] = {"name": self.name, "province": self.province, "year": self.year}
        if self.budget is not None:
            plan["budget"] = self.budget
        plan["currency"] = self.currency
        for key in ("notes", "notes_vi", "notes_en"):
            if getattr(self, key):
                plan[key] = getattr(self, key)
        out: dict[str, Any] = {"plan": plan, "indices": {}}
        for index_id, p in self.indices.items():
            t: dict[str, Any] = {
                "definition": p.definition or f"{p.spec.id}_{p.spec.version}",
                "target_score": p.target_score,
                "target_rank": p.target_rank,
                "effectiveness": CALIBRATED
                if p.calibrated
                else {
                    "mean": p.effectiveness_mean,
                    "concentration": p.effectiveness_concentration,
                },
            }
            if p.calibrated and p.calibration_percentile != CALIBRATION_PERCENTILE:
                t["calibration_percentile"] = p.calibration_percentile
            if p.target is not None and p.target.kind != "absolute":
                del t["target_rank" if p.target.kind in RANK_KINDS else "target_score"]
                t["target"] = p.target.to_dict()
            if p.last_score is not None:
                t["last_score"] = p.last_score
            if p.last_rank is not None:
                t["last_rank"] = p.last_rank
            if p.last_components:
                t["last_components"] = dict(p.last_components)
            t["groups"] = [
                {
                    "id": g.id,
                    "name_vi": g.name_vi,
                    "name_en": g.name_en,
                    "planned": g.planned,
                    "bau": g.bau,
                    "reliability": g.reliability,
                    "concentration": g.concentration,
                    "weights": dict(g.weights),
                    "weight_concentration": g.weight_concentration,
                    "cost_per_point": g.cost_per_point,
                    "cost_exponent": g.cost_exponent,
                }
                for g in p.groups
            ]
            out["indices"][index_id] = t
        return out

    def to_toml(self) -> str:
        """The plan as a version-2 TOML file (written with ``tomli-w``)."""
        return to_toml_v2(self)


def to_toml_v2(scenario: Scenario) -> str:
    """``scenario`` as version-2 TOML text; parsing it gives back exactly the same plan."""
    return tomli_w.dumps(scenario.to_dict(version=2))


def load_scenario(
    path: str | Path,
    *,
    units: UnitRegistry | None = None,
    definitions: Definitions | None = None,
) -> Scenario:
    """Read and validate a plan file. Errors name the file and the key.

    ``extends`` may name a plan file of the same folder; ``definitions`` are the index definition
    files sent with the plan, by file name.
    """
    label, path = str(path), Path(path)
    sources = _Sources(definitions or {}, path.parent, (path.resolve(),))
    return _with_label(label, lambda: _build(read_toml(path, label), label, units, sources))


def parse_scenario(
    data: bytes | str | dict,
    label: str = "plan",
    *,
    units: UnitRegistry | None = None,
    definitions: Definitions | None = None,
    folder: str | Path | None = None,
) -> Scenario:
    """Validate a plan from TOML text/bytes (an upload) or an already parsed table.

    Parameters
    ----------
    definitions : mapping of str to bytes or IndexSpec, optional
        Index definitions uploaded with the plan, by file name; a plan's ``definition`` names one
        of these or a shipped definition, never a path.
    folder : path, optional
        Where ``extends = "other.toml"`` is looked up (a library folder); without it a plan
        cannot extend another.
    """
    raw = data if isinstance(data, dict) else parse_toml(data, label)
    sources = _Sources(definitions or {}, None if folder is None else Path(folder), ())
    return _with_label(label, lambda: _build(raw, label, units, sources))


@dataclass(frozen=True)
class _Sources:
    """What a plan may refer to: uploaded definitions, and its folder with the extends chain."""

    definitions: Definitions
    folder: Path | None
    chain: tuple[Path, ...]

    def parent(self, name: str, where: str, units: UnitRegistry | None) -> dict[str, Any]:
        """The version-2 tables of the plan ``name`` that a plan extends (validated on its own)."""
        if self.folder is None:
            raise InputError(where, "this plan was not opened from a folder, so it cannot extend another")
        path = planfile.sibling(self.folder, name, where)
        if path.resolve() in self.chain:
            raise InputError(where, f"{name!r} extends itself (a cycle through {len(self.chain)} plans)")
        if len(self.chain) > MAX_EXTENDS_DEPTH:
            raise InputError(where, f"more than {MAX_EXTENDS_DEPTH} plans above this one (the limit)")
        chain = (*self.chain, path.resolve())
        sources = replace(self, chain=chain)
        parent = _with_label(name, lambda: _build(read_toml(path, name), name, units, sources))
        return parent.to_dict(version=2)


def _with_label(label: str, build):  # type: ignore[no-untyped-def]
    try:
        return build()
    except InputError as err:
        if err.where.startswith(printable(label)):
            raise
        raise InputError(f"{label}: {err.where}", err.problem) from None


def _build(raw: dict[str, Any], label: str, units: UnitRegistry | None, sources: _Sources) -> Scenario:
    version = take(raw, "version", "", int, default=1, lo=1, hi=2)
    if version == 2:
        raw = planfile.expand(raw, lambda name, where: sources.parent(name, where, units))
    check_keys(raw, "", {"version", "plan", "indices"})
    plan = take(raw, "plan", "", dict)
    check_keys(plan, "plan", _PLAN_KEYS)
    year = take(plan, "year", "plan", int, lo=PLAN_YEARS[0], hi=PLAN_YEARS[1])
    registry = units or units_for_year(year)
    percentile = take(
        plan,
        "calibration_percentile",
        "plan",
        float,
        default=CALIBRATION_PERCENTILE,
        lo=CALIBRATION_RANGE[0],
        hi=CALIBRATION_RANGE[1],
    )
    province = registry.resolve(take(plan, "province", "plan", str), "plan.province")
    indices_raw = take(raw, "indices", "", dict)
    if not indices_raw:
        raise InputError("indices", "at least one index (par_index, sipas, papi) is required")
    check_keys(indices_raw, "indices", set(INDEX_IDS))
    indices = {}
    for index_id in INDEX_IDS:
        if index_id in indices_raw:
            where = f"indices.{index_id}"
            table = take(indices_raw, index_id, "indices", dict)
            fields = (len(registry), len(units_for_year(year - 1)))
            indices[index_id] = _index_plan(
                index_id, table, where, year, fields, sources, version, percentile
            )
    return Scenario(
        name=take(plan, "name", "plan", str, default=f"{province} {year}"),
        province=province,
        year=year,
        indices=indices,
        budget=take(plan, "budget", "plan", float, default=None, lo=0.0, hi=MAX_BUDGET),
        currency=take(plan, "currency", "plan", str, default="tỷ đồng"),
        notes=take(plan, "notes", "plan", str, default=""),
        source=label,
        notes_vi=take(plan, "notes_vi", "plan", str, default=""),
        notes_en=take(plan, "notes_en", "plan", str, default=""),
    )


def _groups(t: dict[str, Any], where: str, version: int) -> list[tuple[str, dict[str, Any]]]:
    """Each group's table and key path; version 2 groups take their index's defaults."""
    if version == 1:
        return [(f"{where}.groups[{i}]", g) for i, g in enumerate(take(t, "groups", where, list))]
    defaults = {}
    for key, (_, lo, hi) in _DEFAULTS.items():
        if key in t:
            defaults[key] = take(t, key, where, float, lo=lo, hi=hi)
    out = []
    for gid, g in take(t, "groups", where, dict).items():
        at = f"{where}.groups.{gid}"
        if not isinstance(g, dict):
            raise InputError(at, "must be a table")
        if "id" in g:
            raise InputError(f"{at}.id", "a version-2 group is keyed by its id; remove this key")
        planfile.check_id(gid, at)
        table = {"id": gid, **defaults, **g}
        for key in ("planned", "bau"):
            if key in g:
                table[key] = planfile.fraction(take(g, key, at, float, lo=0.0, hi=100.0))
        out.append((at, table))
    return out


def _index_plan(
    index_id: str,
    t: dict[str, Any],
    where: str,
    year: int,
    fields: tuple[int, int],
    sources: _Sources,
    version: int,
    percentile: float = CALIBRATION_PERCENTILE,
) -> IndexPlan:
    n_units, last_n_units = fields
    check_keys(t, where, _INDEX_KEYS | (set(_DEFAULTS) if version == 2 else set()))
    definition = take(t, "definition", where, str, default="")
    spec = _resolve_spec(index_id, definition, f"{where}.definition", year, sources.definitions)
    lo, hi = spec.bounds
    eff, calibrated = _effectiveness(t, where)
    groups_raw = _groups(t, where, version)
    if not groups_raw:
        raise InputError(f"{where}.groups", "at least one task group is required")
    if len(groups_raw) > MAX_GROUPS:
        raise InputError(
            f"{where}.groups", f"{len(groups_raw)} task groups is above the limit of {MAX_GROUPS}"
        )
    groups = tuple(_group(g, at, spec) for at, g in groups_raw)
    ids = [g.id for g in groups]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{where}.groups", f"group id {dup!r} is used twice")
    w = np.array([[g.weights.get(s, 0.0) for s in spec.subcriterion_ids] for g in groups])
    over = np.flatnonzero(w.sum(axis=0) > 1.0 + 1e-9)
    if over.size:
        s = spec.subcriterion_ids[over[0]]
        raise InputError(
            f"{where}.groups[*].weights.{s}",
            f"weights on sub-criterion {s!r} sum to {w[:, over[0]].sum():.3g} > 1 "
            "(groups cannot address more than all of its headroom)",
        )
    last_components = take(t, "last_components", where, dict, default={})
    comp_ids = {c.id for c in spec.components} | set(spec.subcriterion_ids)
    for k in last_components:
        if k not in comp_ids:
            raise InputError(
                f"{where}.last_components.{k}",
                f"is neither a component nor a sub-criterion of {spec.id} {spec.version}",
            )
        take(last_components, k, f"{where}.last_components", float, lo=0.0, hi=hi)
    last_rank = take(t, "last_rank", where, int, default=None, lo=1, hi=n_units)
    target = parse_target(
        t,
        where,
        index_id=index_id,
        n_units=n_units,
        last_rank=last_rank,
        bounds=(lo, hi),
        last_n_units=last_n_units,
    )
    return IndexPlan(
        index_id=index_id,
        spec=spec,
        definition=definition,
        target_score=target.score,
        target_rank=target.rank,
        target=target,
        groups=groups,
        effectiveness_mean=take(eff, "mean", f"{where}.effectiveness", float, default=0.6, lo=0.01, hi=0.99),
        effectiveness_concentration=take(
            eff, "concentration", f"{where}.effectiveness", float, default=10.0, lo=0.5, hi=1e6
        ),
        last_score=take(t, "last_score", where, float, default=None, lo=lo, hi=hi),
        last_rank=last_rank,
        last_components={k: float(v) for k, v in last_components.items()},
        calibrated=calibrated,
        calibration_percentile=take(
            t,
            "calibration_percentile",
            where,
            float,
            default=percentile,
            lo=CALIBRATION_RANGE[0],
            hi=CALIBRATION_RANGE[1],
        ),
    )


def _effectiveness(t: dict[str, Any], where: str) -> tuple[dict[str, Any], bool]:
    """The effectiveness table, and whether it is calibrated (absent, or the string "calibrated")."""
    raw = t.get("effectiveness", CALIBRATED)
    if isinstance(raw, str):
        if raw != CALIBRATED:
            problem = f'must be a table {{mean, concentration}} or the text "{CALIBRATED}"'
            raise InputError(f"{where}.effectiveness", problem)
        return {}, True
    eff = take(t, "effectiveness", where, dict)
    check_keys(eff, f"{where}.effectiveness", _EFFECT_KEYS)
    return eff, False


def _resolve_spec(index_id: str, definition: str, where: str, year: int, sent: Definitions) -> IndexSpec:
    if not definition:
        spec = spec_for(index_id, year)
    elif definition in sent:
        given = sent[definition]
        spec = given if isinstance(given, IndexSpec) else parse_index_spec(given, definition)
    elif definition in shipped_names():
        spec = shipped_spec(definition)
    else:
        sent_names = f" (sent: {', '.join(sorted(sent))})" if sent else ""
        raise InputError(
            where,
            f"no shipped definition {definition!r} (known: {', '.join(shipped_names())}) and no "
            f"definition file of that name was sent with the plan{sent_names}; a plan never opens a path",
        )
    if spec.id != index_id:
        raise InputError(where, f"definition {definition!r} is of {spec.id}, not {index_id}")
    if not spec.years[0] <= year <= spec.years[1]:
        raise InputError(
            where,
            f"{spec.id} {spec.version} covers {spec.years[0]}–{spec.years[1]}, not the plan year {year}",
        )
    return spec


def _group(g: Any, where: str, spec: IndexSpec) -> TaskGroup:
    if not isinstance(g, dict):
        raise InputError(where, "must be a table")
    check_keys(g, where, _GROUP_KEYS)
    weights = take(g, "weights", where, dict)
    for s in weights:
        if s not in spec.subcriterion_ids:
            raise InputError(
                f"{where}.weights.{s}",
                f"unknown sub-criterion of {spec.id} {spec.version} "
                f"(known: {', '.join(spec.subcriterion_ids)})",
            )
        take(weights, s, f"{where}.weights", float, lo=0.0, hi=1.0)
        if spec.subcriteria[spec.subcriterion_ids.index(s)].coupled_index:
            raise InputError(
                f"{where}.weights.{s}",
                "this sub-criterion is fed by another index's score; "
                "put the group in that index's plan instead",
            )
    return TaskGroup(
        id=planfile.check_id(take(g, "id", where, str), f"{where}.id"),
        name_vi=take(g, "name_vi", where, str),
        name_en=take(g, "name_en", where, str, default=take(g, "name_vi", where, str)),
        planned=take(g, "planned", where, float, lo=0.0, hi=1.0),
        bau=take(g, "bau", where, float, lo=0.0, hi=1.0),
        weights={k: float(v) for k, v in weights.items()},
        **{k: take(g, k, where, float, default=d, lo=lo, hi=hi) for k, (d, lo, hi) in _DEFAULTS.items()},
    )
