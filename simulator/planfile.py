"""Plan files, version 2: the form people write, and its expansion into a whole plan.

A version-2 plan (``version = 2``) differs from version 1 in four ways, all for the people who
write them:

- **index-level defaults**: ``reliability``, ``concentration``, ``weight_concentration``,
  ``cost_per_point`` and ``cost_exponent`` set once in ``[indices.<id>]`` hold for every group
  that does not set its own (effectiveness is index-level in both versions);
- **groups keyed by id**: ``[indices.<id>.groups.<group_id>]``;
- **levels in percent**: ``planned = 95`` and ``bau = 75`` mean 95 % and 75 % completion;
- **extends**: ``extends = "other_plan.toml"`` starts from another plan file of the same folder
  (a bare file name: no path, no ``..``, no cycle) and overrides what it names; a ``[levels]``
  table then sets planned levels: ``all = "bau"``, ``papi = 80``, or per group
  ``[levels.papi] g1_participation = 90``.

Tables merge key by key over the extended plan's; a value replaces the extended plan's value
(so a weight is dropped by setting it to 0). Example: the status quo of a plan in four lines::

    version = 2
    extends = "can_tho_2021.toml"
    plan.name = "Hiện trạng (BAU) 2021"
    levels.all = "bau"

Levels convert between percent and fractions through their shortest decimal text, so
``fraction(percent(x)) == x`` for every level written with up to 15 significant digits.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from simulator.errors import InputError
from simulator.schema import take

DEFAULT_KEYS = ("reliability", "concentration", "weight_concentration", "cost_per_point", "cost_exponent")
_ID = re.compile(r"[A-Za-z0-9_\-]{1,64}", re.ASCII)
_FILE = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,99}\.toml")
_HUNDRED = Decimal(100)


def fraction(pct: float) -> float:
    """A level in percent as a fraction of 1 (``72.5 -> 0.725``), exact to its decimal text."""
    return float(Decimal(repr(float(pct))) / _HUNDRED)


def percent(level: float) -> float | int:
    """A level as a fraction of 1 in percent (``0.725 -> 72.5``, ``0.95 -> 95``); inverse of
    :func:`fraction`."""
    value = float(Decimal(repr(float(level))) * _HUNDRED)
    return int(value) if value.is_integer() else value


def check_id(gid: str, where: str) -> str:
    """``gid`` if it is a group id: 1–64 ASCII letters, digits, ``_`` or ``-``."""
    if not _ID.fullmatch(gid):
        raise InputError(where, "a group id is 1–64 letters, digits, '_' or '-' (no spaces or symbols)")
    return gid


def sibling(folder: Path, name: str, where: str) -> Path:
    """The plan file ``name`` in ``folder``: a bare ``*.toml`` file name, a regular file inside it."""
    if not _FILE.fullmatch(name) or ".." in name:
        raise InputError(
            where,
            "names a plan file of the same folder by its bare file name (letters, digits, '_', '-', "
            "'.', ending in .toml); paths are not followed",
        )
    path = folder / name
    try:
        inside = path.resolve(strict=True).parent == folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(where, f"no plan file {name!r} in the same folder") from None
    if not inside:
        raise InputError(where, f"{name!r} leads outside the plan's folder (a link); it is not followed")
    return path


def expand(raw: dict[str, Any], parent: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The version-2 tables of a plan with its ``extends`` merged in and its ``[levels]`` applied.

    ``parent(name, where)`` returns the version-2 tables of the extended plan, already validated.
    """
    raw = dict(raw)
    name = raw.pop("extends", None)
    levels = raw.pop("levels", None)
    if name is not None:
        name = take({"extends": name}, "extends", "", str)
        raw = _merge(parent(name, "extends"), raw)
    if levels is not None:
        _apply_levels(raw, levels)
    return raw


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _apply_levels(raw: dict[str, Any], levels: Any) -> None:
    if not isinstance(levels, dict):
        raise InputError("levels", 'must be a table (all = "bau", papi = 80, [levels.papi] …)')
    indices = raw.get("indices")
    if not isinstance(indices, dict):
        raise InputError("levels", "there are no indices to set levels of")
    order = sorted(levels, key=lambda k: k != "all")
    for key in order:
        value = levels[key]
        if key != "all" and key not in indices:
            raise InputError(f"levels.{key}", f"is not an index of the plan (it has {', '.join(indices)})")
        targets = list(indices) if key == "all" else [key]
        for index_id in targets:
            groups = indices[index_id].get("groups") if isinstance(indices[index_id], dict) else None
            if not isinstance(groups, dict):
                raise InputError(f"indices.{index_id}.groups", "must be a table of groups keyed by id")
            if isinstance(value, dict):
                for gid, level in value.items():
                    if gid not in groups:
                        raise InputError(f"levels.{key}.{gid}", "is not a task group of this index")
                    _set(groups[gid], level, f"levels.{key}.{gid}")
            else:
                for group in groups.values():
                    _set(group, value, f"levels.{key}")


def _set(group: Any, level: Any, where: str) -> None:
    if not isinstance(group, dict):
        return
    if not isinstance(level, str):
        parent, _, key = where.rpartition(".")
        group["planned"] = take({key: level}, key, parent, float, lo=0.0, hi=100.0)
    elif level != "bau":
        raise InputError(where, f'{level!r} is not a level: give a percent (0–100) or "bau"')
    elif "bau" not in group:
        raise InputError(where, "the group has no bau level to take")
    else:
        group["planned"] = group["bau"]


def v2_tables(v1: dict[str, Any]) -> dict[str, Any]:
    """Version-2 tables from the expanded version-1 tables of a valid plan (see ``Scenario.to_dict``).

    Each assumption shared by most groups of an index becomes the index's default; a group keeps
    its own value only where it differs.
    """
    out: dict[str, Any] = {"version": 2, "plan": dict(v1["plan"]), "indices": {}}
    for index_id, t in v1["indices"].items():
        table = {k: copy.deepcopy(v) for k, v in t.items() if k != "groups"}
        groups = t["groups"]
        defaults = {k: Counter(g[k] for g in groups).most_common(1)[0][0] for k in DEFAULT_KEYS}
        table.update(defaults)
        table["groups"] = {
            g["id"]: {
                "name_vi": g["name_vi"],
                "name_en": g["name_en"],
                "planned": percent(g["planned"]),
                "bau": percent(g["bau"]),
                **{k: g[k] for k in DEFAULT_KEYS if g[k] != defaults[k]},
                "weights": dict(g["weights"]),
            }
            for g in groups
        }
        out["indices"][index_id] = table
    return out
