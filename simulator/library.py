"""The plan library: named plans saved as TOML files, and new plans built from a shipped one.

A library is a folder (``PLAN_LIBRARY_DIR``, default ``./plans``) of plan files, one per saved
plan. A save writes a temporary file in the same folder and then claims the final name
atomically (``os.link``, which refuses an existing name, or ``os.replace`` when overwriting), so a
reader never sees half a plan and two people saving at once both keep their plan: the second
gets the next free name (``phuong-an-a-2``).

The listing (:meth:`PlanLibrary.scan`) opens only regular files no larger than a plan may be,
never follows a link and never blocks on a FIFO; a file that is not a valid plan is skipped and
named with the reason, so one bad file never hides the others.

Plans compare on common random numbers only when they share a *structure*: province, year,
index definitions, task groups and every assumption; only the planned levels, targets, name,
notes and budget may differ (:func:`structure_key`).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.errors import InputError
from simulator.history import History, load_history
from simulator.labels import LANGS, t
from simulator.limits import MAX_PLAN_BYTES
from simulator.merger import field_history
from simulator.scenario import Scenario, parse_scenario
from simulator.schema import read_file
from simulator.units import fold

ENV_DIR = "PLAN_LIBRARY_DIR"
_MAX_STEM = 60


def default_folder() -> Path:
    """``$PLAN_LIBRARY_DIR`` or ``./plans``."""
    return Path(os.environ.get(ENV_DIR) or "plans")


@dataclass(frozen=True)
class SavedPlan:
    """One plan file of the library: ``id`` is the file stem, ``name`` the plan's own name.

    ``modified`` is the time the file was last written, in UTC (shown in the viewer's time zone).
    """

    id: str
    name: str
    province: str
    year: int
    modified: datetime
    path: Path


@dataclass(frozen=True)
class Listing:
    """The library's valid plans (newest first) and the files skipped, as ``(file name, reason)``."""

    entries: tuple[SavedPlan, ...]
    skipped: tuple[tuple[str, str], ...]


class PlanLibrary:
    """Plans saved as ``<folder>/<id>.toml``.

    Examples
    --------
    >>> import tempfile
    >>> from simulator.scenario import load_scenario
    >>> lib = PlanLibrary(tempfile.mkdtemp())
    >>> saved = lib.save(load_scenario("scenarios/can_tho_2021.toml"), "Phương án A")
    >>> saved.id, lib.load(saved.id).name
    ('phuong-an-a', 'Phương án A')
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def save(self, scenario: Scenario, name: str, *, overwrite: bool = False) -> SavedPlan:
        """Write ``scenario`` under ``name``; never overwrites unless ``overwrite``."""
        name = " ".join(str(name).split())
        if not name:
            raise InputError("plan name", "a name is required to save the plan")
        self.folder.mkdir(parents=True, exist_ok=True)
        text = f"# Saved by the simulator on {datetime.now().isoformat(timespec='seconds')}\n"
        text += replace(scenario, name=name).to_toml()
        parse_scenario(text, "plan to save")  # never write a file the listing would skip
        stem = slug(name)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".saving-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            if overwrite:
                target = self.folder / f"{stem}.toml"
                os.replace(tmp, target)
            else:
                target = self._claim(tmp, stem)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return self._entry(target)

    def _claim(self, tmp: str, stem: str) -> Path:
        """Give the finished temporary file the first free name ``stem``, ``stem-2``, …"""
        n = 1
        while True:
            target = self.folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                n += 1

    def entries(self) -> list[SavedPlan]:
        """Saved plans, newest first; files that are not valid plans are skipped (see :meth:`scan`)."""
        return list(self.scan().entries)

    def scan(self) -> Listing:
        """Saved plans, newest first, and every ``*.toml`` file skipped with its reason."""
        found, skipped = [], []
        try:
            paths = sorted(self.folder.glob("*.toml")) if self.folder.is_dir() else []
        except OSError as exc:
            return Listing((), ((str(self.folder), f"cannot be listed ({exc.strerror or exc})"),))
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                found.append(self._entry(path))
            except InputError as err:
                skipped.append((path.name, err.problem))
            except (OSError, ValueError, RecursionError) as exc:
                skipped.append((path.name, f"cannot be read ({type(exc).__name__})"))
        found.sort(key=lambda e: (e.modified, e.id), reverse=True)
        return Listing(tuple(found), tuple(skipped))

    def load(self, plan_id: str) -> Scenario:
        """The saved plan ``plan_id`` (a file stem from :meth:`entries`)."""
        path = self._path(plan_id)
        if not path.exists():
            raise InputError(f"plan library {plan_id}", "no such saved plan")
        return self._read(path)

    def delete(self, plan_id: str) -> None:
        """Remove a saved plan (a missing one is already deleted)."""
        self._path(plan_id).unlink(missing_ok=True)

    def _path(self, plan_id: str) -> Path:
        if not plan_id or plan_id != Path(plan_id).name or plan_id.startswith("."):
            raise InputError("plan library", f"{plan_id!r} is not a saved plan id")
        return self.folder / f"{plan_id}.toml"

    def _read(self, path: Path) -> Scenario:
        if path.is_symlink():
            raise InputError(path.name, "is a link; the library opens only its own files")
        return parse_scenario(read_file(path, path.name, MAX_PLAN_BYTES), path.name, folder=self.folder)

    def _entry(self, path: Path) -> SavedPlan:
        scenario = self._read(path)
        return SavedPlan(
            id=path.stem,
            name=scenario.name,
            province=scenario.province,
            year=scenario.year,
            modified=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
            path=path,
        )


def slug(name: str) -> str:
    """A file stem for ``name``: ASCII, lower case, hyphens (``Phương án A`` -> ``phuong-an-a``)."""
    text = "-".join(fold(name).split())[:_MAX_STEM].strip("-")
    return text or "ke-hoach"


def _structure(scenario: Scenario) -> dict[str, Any]:
    data = scenario.to_dict()
    for key in ("name", "notes", "notes_vi", "notes_en", "budget", "currency"):
        data["plan"].pop(key, None)
    for table in data["indices"].values():
        table.pop("target_score", None)
        table.pop("target_rank", None)
        table.pop("target", None)
        for group in table["groups"]:
            group.pop("planned")
    return data


def structure_key(scenario: Scenario) -> str:
    """Everything of a plan that the engine and its uncertainties depend on, as one string.

    Two plans with the same key differ only in planned levels, targets, name, notes and budget,
    and can be evaluated on one engine's uncertainties (common random numbers).
    """
    return json.dumps(_structure(scenario), sort_keys=True, ensure_ascii=False)


def structure_differences(a: Scenario, b: Scenario, limit: int = 3) -> list[str]:
    """The first ``limit`` places where the structures of ``a`` and ``b`` differ (empty if none)."""
    fa, fb = _flatten(_structure(a)), _flatten(_structure(b))
    out = []
    for key in sorted(set(fa) | set(fb)):
        if fa.get(key) != fb.get(key):
            out.append(f"{key}: {_show(fa.get(key))} ≠ {_show(fb.get(key))}")
            if len(out) >= limit:
                break
    return out


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def last_known(history: History, unit: str, year: int) -> tuple[int, float, int | None] | None:
    """The unit's most recent (year, score, rank) before ``year``, or ``None`` when it has none."""
    rows = history.before(year).unit_series(unit).dropna(subset=["score"])
    if rows.empty:
        return None
    last = rows.iloc[-1]
    rank = None if last["rank"] != last["rank"] else int(last["rank"])
    return int(last["year"]), float(last["score"]), rank


def new_plan(
    base: Scenario,
    province: str,
    year: int,
    *,
    last: dict[str, tuple[float | None, int | None]] | None = None,
    histories: dict[str, History] | None = None,
) -> Scenario:
    """A plan for ``province`` and ``year`` with ``base``'s task groups and assumptions.

    Targets default to the province's last score and rank: ``last[index_id] = (score, rank)``
    when given (kept in the plan as ``last_score``/``last_rank``, the ministry's latest figures),
    else the last known in ``histories`` or the shipped data. Index definitions are chosen for
    ``year``. Without a last score the plan is still built (targets from the base plan), and
    the engine will say what is missing.

    Raises
    ------
    InputError
        When the result is not a valid plan (unknown province, a year no definition covers, …).
    """
    data = base.to_dict()
    data["plan"].update(province=province, year=int(year))
    data["plan"]["name"] = f"{province} {year}"
    for key in ("notes", "notes_vi", "notes_en"):
        data["plan"].pop(key, None)
    for lang in LANGS:
        words = t("copied_from", lang)
        data["plan"][f"notes_{lang}"] = f"{words}: {base.name}. {base.notes_for(lang)}".strip()
    data["plan"].pop("budget", None)
    for index_id, table in data["indices"].items():
        for key in ("definition", "last_score", "last_rank", "last_components"):
            table.pop(key, None)
        given = (last or {}).get(index_id)
        if given is not None and given[0] is not None:
            table["last_score"] = float(given[0])
            if given[1] is not None:
                table["last_rank"] = int(given[1])
            score, rank = float(given[0]), given[1]
        else:
            history = (histories or {}).get(index_id) or load_history(index_id)
            history = field_history(history, int(year))  # the units valid in the plan's year (34 from 2025)
            known = last_known(history, history.units.resolve(province, "plan.province"), int(year))
            if known is None:
                continue
            _, score, rank = known
        table["target_score"] = round(score, 2)
        if rank is not None:
            table["target_rank"] = int(rank)
    return parse_scenario(data, f"new plan {province} {year}")
