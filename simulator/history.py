"""Past scores and ranks of every unit: the shipped, sourced data and a user's own tables.

Two kinds of record live here. *Observations* are (index, year, unit, score, rank, components…,
source) rows; a blank is unknown and stays unknown. *Summaries* are national statistics
(mean / min / max) for an index and a year. :class:`History` holds both for one index, with the
unit registry that fixes the order of every per-unit array.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from simulator.errors import InputError
from simulator.units import UnitRegistry, vietnam_63

INDEX_IDS = ("par_index", "sipas", "papi")
SCORE_RANGE = {"par_index": (0.0, 100.0), "sipas": (0.0, 100.0), "papi": (6.0, 80.0)}
PAPI_DIMENSIONS = (
    "d1_participation",
    "d2_transparency",
    "d3_accountability",
    "d4_corruption_control",
    "d5_admin_procedures",
    "d6_public_services",
    "d7_environment",
    "d8_egovernance",
)
_SHIPPED = {
    "papi": "papi_provincial_2011_2020.csv",
    "par_index": "par_index_observed_2012_2020.csv",
    "sipas": "sipas_observed_2017_2020.csv",
}
_COLUMN_ALIASES = {
    "unit": ("unit", "province", "tinh", "tỉnh", "don vi", "đơn vị", "tinh/thanh pho"),
    "year": ("year", "nam", "năm"),
    "score": ("score", "total", "diem", "điểm", "chi so", "chỉ số"),
    "rank": ("rank", "xep hang", "xếp hạng", "hang", "hạng"),
}


@dataclass(frozen=True)
class History:
    """Observations and national summaries of one index.

    Parameters
    ----------
    index_id : str
        ``par_index``, ``sipas`` or ``papi``.
    observations : pandas.DataFrame
        Columns ``year, unit, score, rank, source`` and any component columns; NaN is unknown.
    summaries : pandas.DataFrame
        Columns ``year, statistic, value, source`` with statistic in ``mean, min, max``.
    units : UnitRegistry
        The units of the index; fixes the order of :meth:`scores`.
    """

    index_id: str
    observations: pd.DataFrame
    summaries: pd.DataFrame
    units: UnitRegistry

    @property
    def years(self) -> tuple[int, ...]:
        """Years with at least one observation or summary, ascending."""
        ys = set(self.observations["year"]) | set(self.summaries["year"])
        return tuple(sorted(int(y) for y in ys))

    @property
    def component_columns(self) -> tuple[str, ...]:
        fixed = {"year", "unit", "score", "rank", "source"}
        return tuple(c for c in self.observations.columns if c not in fixed)

    def before(self, year: int) -> History:
        """The history a forecast for ``year`` may use: strictly earlier years."""
        return replace(
            self,
            observations=self.observations[self.observations["year"] < year].reset_index(drop=True),
            summaries=self.summaries[self.summaries["year"] < year].reset_index(drop=True),
        )

    def matrix(self, column: str = "score", years: tuple[int, ...] | None = None) -> np.ndarray:
        """A ``(len(years), N)`` array of ``column``; NaN where unknown."""
        years = self.years if years is None else years
        out = np.full((len(years), len(self.units)), np.nan)
        row = {y: i for i, y in enumerate(years)}
        col = {u: j for j, u in enumerate(self.units.names)}
        for rec in self.observations[["year", "unit", column]].itertuples(index=False):
            if rec[0] in row and rec[1] in col:
                out[row[rec[0]], col[rec[1]]] = rec[2]
        return out

    def summary(self, year: int, statistic: str) -> float | None:
        """A national statistic, or ``None`` when unpublished."""
        hit = self.summaries[
            (self.summaries["year"] == year) & (self.summaries["statistic"] == statistic)
        ]
        return float(hit["value"].iloc[0]) if len(hit) else None

    def unit_series(self, unit: str) -> pd.DataFrame:
        """Years, scores and ranks of one unit (canonical or resolvable name)."""
        name = self.units.resolve(unit)
        rows = self.observations[self.observations["unit"] == name]
        return rows.sort_values("year")[["year", "score", "rank"]].reset_index(drop=True)

    def with_table(self, table: pd.DataFrame) -> History:
        """This history with a user's rows added; a user's row replaces a shipped one."""
        keep = self.observations.merge(table[["year", "unit"]], on=["year", "unit"], how="left", indicator=True)
        base = self.observations[(keep["_merge"] == "left_only").to_numpy()]
        merged = pd.concat([base, table], ignore_index=True, sort=False)
        return replace(self, observations=merged.sort_values(["year", "unit"]).reset_index(drop=True))


def _read_shipped(name: str) -> pd.DataFrame:
    text = resources.files("simulator.data").joinpath(name).read_text("utf-8")
    return pd.read_csv(io.StringIO(text))


@lru_cache(maxsize=8)
def load_history(index_id: str) -> History:
    """The shipped, sourced history of ``index_id`` (``simulator/data``, see docs/data.md)."""
    if index_id not in INDEX_IDS:
        raise InputError("index", f"unknown index {index_id!r}; expected one of {', '.join(INDEX_IDS)}")
    obs = _read_shipped(_SHIPPED[index_id]).rename(columns={"province": "unit", "total": "score"})
    registry = vietnam_63()
    obs["unit"] = [registry.resolve(u, f"{_SHIPPED[index_id]} unit") for u in obs["unit"]]
    summ = _read_shipped("national_summary_2017_2020.csv")
    summ = summ[summ["index"] == index_id].drop(columns=["index"]).reset_index(drop=True)
    return History(index_id, obs, summ, registry)


def _find_column(columns: list[str], role: str) -> str | None:
    from simulator.units import fold

    wanted = {fold(a) for a in _COLUMN_ALIASES[role]}
    for col in columns:
        if fold(str(col)) in wanted:
            return col
    return None


def read_results_table(
    source: str | Path | IO[bytes],
    index_id: str,
    *,
    units: UnitRegistry | None = None,
    name: str | None = None,
    components: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read and validate a user's results table (CSV or XLSX).

    The table has one row per unit and year: ``unit, year, score`` and optionally ``rank`` and
    component columns (Vietnamese headers such as ``tỉnh, năm, điểm, xếp hạng`` are accepted).
    This is how a planner brings the ministry's full PAR INDEX or SIPAS table.

    Raises
    ------
    InputError
        Naming the file, row (as numbered in a spreadsheet, header = row 1) and column of the
        first problem: missing columns, unknown units, duplicated unit-years, non-numeric or
        out-of-range scores and ranks.
    """
    units = units or vietnam_63()
    label = name or (str(source) if isinstance(source, str | Path) else "uploaded table")
    if index_id not in SCORE_RANGE:
        raise InputError(label, f"unknown index {index_id!r}")
    try:
        is_xlsx = label.lower().endswith((".xlsx", ".xlsm"))
        raw = pd.read_excel(source, dtype=object) if is_xlsx else pd.read_csv(source, dtype=object)
    except Exception as exc:  # pandas raises many types for unreadable files
        raise InputError(label, f"cannot be read as a {'spreadsheet' if is_xlsx else 'CSV'} table ({exc})") from None
    cols = [str(c) for c in raw.columns]
    raw.columns = cols
    found = {role: _find_column(cols, role) for role in _COLUMN_ALIASES}
    missing = [r for r in ("unit", "year", "score") if found[r] is None]
    if missing:
        raise InputError(label, f"missing column(s) {', '.join(missing)}; found {', '.join(cols) or 'none'}")
    if raw.empty:
        raise InputError(label, "the table has no rows")
    lo, hi = SCORE_RANGE[index_id]
    n = len(units)
    rows = []
    seen: dict[tuple[int, str], int] = {}
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2
        where = f"{label} row {line}"
        unit = units.resolve(str(rec[found["unit"]] or "").strip(), f"{where} column {found['unit']!r}")
        year = _number(rec[found["year"]], f"{where} column {found['year']!r}")
        if year != int(year) or not 1990 <= year <= 2100:
            raise InputError(f"{where} column {found['year']!r}", f"{rec[found['year']]!r} is not a year")
        year = int(year)
        if (year, unit) in seen:
            raise InputError(where, f"{unit} {year} already given in row {seen[(year, unit)]}")
        seen[(year, unit)] = line
        score = _number(rec[found["score"]], f"{where} column {found['score']!r}")
        if not lo <= score <= hi:
            raise InputError(f"{where} column {found['score']!r}", f"score {score:g} outside [{lo:g}, {hi:g}]")
        out = {"year": year, "unit": unit, "score": score, "rank": np.nan, "source": f"user table {label}"}
        if found["rank"] is not None and not _blank(rec[found["rank"]]):
            rank = _number(rec[found["rank"]], f"{where} column {found['rank']!r}")
            if rank != int(rank) or not 1 <= rank <= n:
                raise InputError(f"{where} column {found['rank']!r}", f"rank {rec[found['rank']]!r} is not a whole number in 1..{n}")
            out["rank"] = float(rank)
        for comp in components:
            if comp in cols and not _blank(rec[comp]):
                out[comp] = _number(rec[comp], f"{where} column {comp!r}")
        rows.append(out)
    return pd.DataFrame(rows)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _number(value: object, where: str) -> float:
    if _blank(value):
        raise InputError(where, "is empty")
    text = str(value).strip().replace("%", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # Vietnamese decimal comma: 83,76
    try:
        out = float(text)
    except ValueError:
        raise InputError(where, f"{value!r} is not a number") from None
    if not np.isfinite(out):
        raise InputError(where, f"{value!r} is not a finite number")
    return out
