"""Plan files: a province's yearly plan of task groups for each index (the input boundary).

A plan is TOML (stdlib ``tomllib``), validated once here; everything after trusts its types.
Unknown keys, wrong types, out-of-range values, weights that over-commit a sub-criterion and
unknown provinces are :class:`~simulator.errors.InputError` naming the key.

Levers are each task group's planned completion ``planned ∈ [0, 1]``; the business-as-usual
completion ``bau`` is what the historical trend would deliver anyway. Reliability, concentration,
weights, effectiveness and costs are the planner's *assumptions* and are labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from simulator.errors import InputError
from simulator.indices import INDEX_IDS, IndexSpec, load_index_spec, shipped_spec, spec_for
from simulator.schema import check_keys, parse_toml, read_toml, take
from simulator.targets import RANK_KINDS, Target, parse_target
from simulator.units import UnitRegistry, units_for_year

_PLAN_KEYS = {"name", "province", "year", "budget", "currency", "notes"}
_INDEX_KEYS = {
    "definition",
    "target_score",
    "target_rank",
    "effectiveness",
    "last_score",
    "last_rank",
    "last_components",
    "groups",
    "target",
}
_EFFECT_KEYS = {"mean", "concentration"}
_GROUP_KEYS = {
    "id",
    "name_vi",
    "name_en",
    "planned",
    "bau",
    "reliability",
    "concentration",
    "weights",
    "weight_concentration",
    "cost_per_point",
    "cost_exponent",
}


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

    def to_dict(self) -> dict[str, Any]:
        """The plan as the nested tables of its TOML file (round-trips through :func:`parse_scenario`)."""
        plan: dict[str, Any] = {"name": self.name, "province": self.province, "year": self.year}
        if self.budget is not None:
            plan["budget"] = self.budget
        plan["currency"] = self.currency
        if self.notes:
            plan["notes"] = self.notes
        out: dict[str, Any] = {"plan": plan, "indices": {}}
        for index_id, p in self.indices.items():
            t: dict[str, Any] = {
                "definition": p.definition or f"{p.spec.id}_{p.spec.version}",
                "target_score": p.target_score,
                "target_rank": p.target_rank,
                "effectiveness": {
                    "mean": p.effectiveness_mean,
                    "concentration": p.effectiveness_concentration,
                },
            }
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
        return dump_toml(self.to_dict())


def load_scenario(path: str | Path, *, units: UnitRegistry | None = None) -> Scenario:
    """Read and validate a plan file. Errors name the file and the key."""
    label = str(path)
    return _with_label(label, lambda: _build(read_toml(path, label), label, units, Path(path).parent))


def parse_scenario(
    data: bytes | str | dict,
    label: str = "plan",
    *,
    units: UnitRegistry | None = None,
    base: Path | None = None,
) -> Scenario:
    """Validate a plan from TOML text/bytes (an upload) or an already parsed table."""
    raw = data if isinstance(data, dict) else parse_toml(data, label)
    return _with_label(label, lambda: _build(raw, label, units, base))


def _with_label(label: str, build):  # type: ignore[no-untyped-def]
    try:
        return build()
    except InputError as err:
        if err.where.startswith(label):
            raise
        raise InputError(f"{label}: {err.where}", err.problem) from None


def _build(raw: dict[str, Any], label: str, units: UnitRegistry | None, base: Path | None) -> Scenario:
    check_keys(raw, "", {"plan", "indices"})
    plan = take(raw, "plan", "", dict)
    check_keys(plan, "plan", _PLAN_KEYS)
    year = take(plan, "year", "plan", int, lo=2000, hi=2100)
    units = units or units_for_year(year)
    province = units.resolve(take(plan, "province", "plan", str), "plan.province")
    indices_raw = take(raw, "indices", "", dict)
    if not indices_raw:
        raise InputError("indices", "at least one index (par_index, sipas, papi) is required")
    check_keys(indices_raw, "indices", set(INDEX_IDS))
    indices = {}
    for index_id in INDEX_IDS:
        if index_id in indices_raw:
            where = f"indices.{index_id}"
            table = take(indices_raw, index_id, "indices", dict)
            fields = (len(units), len(units_for_year(year - 1)))
            indices[index_id] = _index_plan(index_id, table, where, year, fields, base)
    return Scenario(
        name=take(plan, "name", "plan", str, default=f"{province} {year}"),
        province=province,
        year=year,
        indices=indices,
        budget=take(plan, "budget", "plan", float, default=None, lo=0.0),
        currency=take(plan, "currency", "plan", str, default="tỷ đồng"),
        notes=take(plan, "notes", "plan", str, default=""),
        source=label,
    )


def _index_plan(
    index_id: str, t: dict[str, Any], where: str, year: int, fields: tuple[int, int], base: Path | None
) -> IndexPlan:
    n_units, last_n_units = fields
    check_keys(t, where, _INDEX_KEYS)
    definition = take(t, "definition", where, str, default="")
    spec = _resolve_spec(index_id, definition, f"{where}.definition", year, base)
    lo, hi = spec.bounds
    eff = take(t, "effectiveness", where, dict, default={})
    check_keys(eff, f"{where}.effectiveness", _EFFECT_KEYS)
    groups_raw = take(t, "groups", where, list)
    if not groups_raw:
        raise InputError(f"{where}.groups", "at least one task group is required")
    groups = tuple(_group(g, f"{where}.groups[{i}]", spec) for i, g in enumerate(groups_raw))
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
    )


def _resolve_spec(index_id: str, definition: str, where: str, year: int, base: Path | None) -> IndexSpec:
    if not definition:
        spec = spec_for(index_id, year)
    elif definition.endswith(".toml"):
        path = Path(definition)
        spec = load_index_spec(path if path.is_absolute() or base is None else base / path)
    else:
        try:
            spec = shipped_spec(definition)
        except InputError as err:
            raise InputError(where, err.problem) from None
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
        id=take(g, "id", where, str),
        name_vi=take(g, "name_vi", where, str),
        name_en=take(g, "name_en", where, str, default=take(g, "name_vi", where, str)),
        planned=take(g, "planned", where, float, lo=0.0, hi=1.0),
        bau=take(g, "bau", where, float, lo=0.0, hi=1.0),
        reliability=take(g, "reliability", where, float, default=0.8, lo=0.01, hi=0.99),
        concentration=take(g, "concentration", where, float, default=20.0, lo=0.5, hi=1e6),
        weights={k: float(v) for k, v in weights.items()},
        weight_concentration=take(g, "weight_concentration", where, float, default=50.0, lo=0.5, hi=1e6),
        cost_per_point=take(g, "cost_per_point", where, float, default=0.0, lo=0.0),
        cost_exponent=take(g, "cost_exponent", where, float, default=1.0, lo=1.0, hi=4.0),
    )


def dump_toml(data: dict[str, Any]) -> str:
    """Write nested tables, arrays of tables and inline tables of scalars as TOML."""
    lines: list[str] = []
    _dump_table(data, [], lines)
    return "\n".join(lines).strip() + "\n"


def _dump_table(table: dict[str, Any], path: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict | list) or (path and _inline(v))}
    for k, v in scalars.items():
        lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in table.items():
        if k in scalars:
            continue
        sub = [*path, _key(k)]
        if isinstance(v, dict):
            lines += ["", f"[{'.'.join(sub)}]"]
            _dump_table(v, sub, lines)
        else:
            for item in v:
                lines += ["", f"[[{'.'.join(sub)}]]"]
                _dump_table(item, sub, lines)


def _inline(v: Any) -> bool:
    if isinstance(v, dict):
        return all(not isinstance(x, dict | list) for x in v.values())
    return all(not isinstance(x, dict) for x in v)


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else _value(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    return "[" + ", ".join(_value(x) for x in v) + "]"
