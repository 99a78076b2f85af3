"""Past scores and ranks of every unit: the shipped, sourced data and a user's own tables.

Two kinds of record live here. *Observations* are (index, year, unit, score, rank, components…,
source) rows; a blank is unknown and stays unknown. *Summaries* are national statistics
(mean / min / max / count in group A) for an index and a year. :class:`History` holds both for
one index, with the unit registry that fixes the order of every per-unit array.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from simulator.errors import InputError
from simulator.limits import MAX_TABLE_BYTES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, MAX_XLSX_UNPACKED_BYTES
from simulator.schema import read_file
from simulator.units import UnitRegistry, fold, vietnam_63

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
    "papi": ("papi_provincial_2011_2020.csv", "papi_provincial_2021_2022.csv"),
    "par_index": ("par_index_observed_2012_2020.csv", "par_index_observed_2021_2022.csv"),
    "sipas": ("sipas_observed_2017_2020.csv", "sipas_observed_2021_2022.csv"),
}
_SUMMARIES = ("national_summary_2017_2020.csv", "national_summary_2021.csv")
SUMMARY_STATISTICS = ("mean", "min", "max", "n_ge_90")
_COLUMN_ALIASES = {
    "unit": (
        "unit",
        "province",
        "tỉnh",
        "đơn vị",
        "tỉnh/thành phố",
        "tỉnh, thành",
        "địa phương",
        "tên tỉnh",
    ),
    "year": ("year", "năm", "năm đánh giá"),
    "score": (
        "score",
        "total",
        "điểm",
        "điểm số",
        "tổng điểm",
        "chỉ số",
        "kết quả",
        "tỷ lệ hài lòng",
        "par index",
        "sipas",
        "papi",
    ),
    "rank": ("rank", "xếp hạng", "hạng", "thứ hạng", "xếp thứ"),
}
_HEADER_SEARCH_ROWS = 20
_PLACEHOLDERS = frozenset({"", "-", "–", "—", "na", "n/a", "nan", "none"})
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


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
        Columns ``year, statistic, value, source`` with statistic in :data:`SUMMARY_STATISTICS`
        (``n_ge_90``: the number of units at or above 90, PAR INDEX group A).
    units : UnitRegistry
        The units of the index; fixes the order of :meth:`matrix`.
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
        hit = self.summaries[(self.summaries["year"] == year) & (self.summaries["statistic"] == statistic)]
        return float(hit["value"].iloc[0]) if len(hit) else None

    def unit_series(self, unit: str) -> pd.DataFrame:
        """Years, scores and ranks of one unit (canonical or resolvable name)."""
        name = self.units.resolve(unit)
        rows = self.observations[self.observations["unit"] == name]
        return rows.sort_values("year")[["year", "score", "rank"]].reset_index(drop=True)

    def with_table(self, table: pd.DataFrame) -> History:
        """This history with a user's rows added; a user's row replaces a shipped one.

        ``table`` is what :func:`read_results_table` returns (columns ``year, unit, score, rank,
        source`` and any components); its units must be canonical names of :attr:`units`.
        """
        label = str(table["source"].iloc[0]) if "source" in table and len(table) else "user table"
        missing = [c for c in ("year", "unit", "score") if c not in table.columns]
        if missing:
            raise InputError(label, f"missing column(s) {', '.join(missing)}")
        unknown = sorted(set(table["unit"]) - set(self.units.names))
        if unknown:
            raise InputError(label, f"unit(s) not in this history: {', '.join(map(str, unknown))}")
        given = {(int(y), u) for y, u in zip(table["year"], table["unit"], strict=True)}
        obs = self.observations
        keep = [(int(y), u) not in given for y, u in zip(obs["year"], obs["unit"], strict=True)]
        merged = pd.concat([obs[keep], table], ignore_index=True, sort=False)
        merged["year"] = merged["year"].astype(int)
        return replace(self, observations=merged.sort_values(["year", "unit"]).reset_index(drop=True))


TABLE_TOLERANCE = 0.0051  # a user's figure rounded to 2 decimals still agrees with the shipped one


def merge_results_table(history: History, source: str | Path | IO[bytes], year: int) -> History:
    """``history`` with a user's results table for a forecast of ``year`` (the CLI's ``--table``).

    The table is read by :func:`read_results_table` (PAPI dimension columns included, named as in
    the shipped data) and merged by :meth:`History.with_table`, after two checks.

    Raises
    ------
    InputError
        One line naming the year and unit of the first row that gives results for ``year`` itself
        (it would hand over the answer), or that contradicts a shipped figure (score, rank or
        dimension differing by more than rounding to 2 decimals).
    """
    comps = PAPI_DIMENSIONS if history.index_id == "papi" else ()
    table = read_results_table(source, history.index_id, units=history.units, components=comps)
    label = str(source) if isinstance(source, str | Path) else "uploaded table"
    for rec in table.itertuples(index=False):
        if rec.year == year:
            problem = f"{rec.unit} {rec.year}: the table gives results for the forecast year itself"
            raise InputError(label, problem + "; remove those rows or forecast a later year")
    shipped = history.observations.set_index(["year", "unit"])
    for _, row in table.iterrows():
        key = (int(row["year"]), row["unit"])
        if key not in shipped.index:
            continue
        old = shipped.loc[key]
        for col in ("score", "rank", *comps):
            new, was = row.get(col, np.nan), old.get(col, np.nan)
            tol = 0.0 if col == "rank" else TABLE_TOLERANCE
            if np.isfinite(new) and np.isfinite(was) and abs(new - was) > tol:
                problem = f"{key[1]} {key[0]}: {col} {new:g} contradicts the shipped {was:g}"
                raise InputError(label, f"{problem} ({old['source']})")
    return history.with_table(table)


def _read_shipped(name: str) -> pd.DataFrame:
    text = resources.files("simulator.data").joinpath(name).read_text("utf-8")
    return pd.read_csv(io.StringIO(text))


@lru_cache(maxsize=8)
def _load_shipped(index_id: str) -> History:
    registry = vietnam_63()
    parts = []
    for name in _SHIPPED[index_id]:
        part = _read_shipped(name).rename(columns={"province": "unit", "total": "score"})
        part["unit"] = [registry.resolve(u, f"{name} unit") for u in part["unit"]]
        parts.append(part)
    obs = pd.concat(parts, ignore_index=True)
    summ = pd.concat([_read_shipped(name) for name in _SUMMARIES], ignore_index=True)
    summ = summ[summ["index"] == index_id].drop(columns=["index"]).reset_index(drop=True)
    return History(index_id, obs, summ, registry)


def load_history(index_id: str) -> History:
    """The shipped, sourced history of ``index_id`` (``simulator/data``, see docs/data.md).

    Each call returns fresh copies of the tables, so a caller may change them freely.
    """
    if index_id not in INDEX_IDS:
        raise InputError("index", f"unknown index {index_id!r}; expected one of {', '.join(INDEX_IDS)}")
    cached = _load_shipped(index_id)
    return replace(cached, observations=cached.observations.copy(), summaries=cached.summaries.copy())


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

    An XLSX is recognised by its content (first sheet read; cells formatted as % are taken as
    shown, 0.8376 -> 83.76); anything else is read as UTF-8 text separated by commas, semicolons
    or tabs, whichever the first lines use most. Title lines above the header, blank rows and a
    decimal comma (``83,76``) are accepted. Headers match without case or diacritics.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, unit, score, rank, source`` and the requested ``components``; units are
        canonical names, a blank rank is NaN.

    Raises
    ------
    InputError
        Naming the file, row (as numbered in a spreadsheet or text editor) and column of the
        first problem: unreadable or empty file, missing columns, unknown units, duplicated
        unit-years, non-numeric or out-of-range scores and ranks.
    """
    units = vietnam_63() if units is None else units
    label = name or (str(source) if isinstance(source, str | Path) else "uploaded table")
    if index_id not in SCORE_RANGE:
        raise InputError(label, f"unknown index {index_id!r}")
    rows = [(n, c) for n, c in _read_cells(_read_bytes(source, label), label) if not all(map(_blank, c))]
    if not rows:
        raise InputError(label, "the table is empty")
    at, header, found = _find_header(rows)
    missing = [r for r in ("unit", "year", "score") if found[r] is None]
    if missing:
        shown = ", ".join(h for h in header if h) or "nothing"
        problem = f"missing column(s) {', '.join(missing)}; the header row {rows[at][0]} has {shown}"
        raise InputError(label, problem)
    body = rows[at + 1 :]
    if not body:
        raise InputError(label, f"the table has no rows under its header (row {rows[at][0]})")
    comp_at = {c: j for c in components for j, h in enumerate(header) if h and fold(h) == fold(c)}
    col = {role: (j, f"column {header[j]!r}") for role, j in found.items() if j is not None}
    out = []
    seen: dict[tuple[int, str], int] = {}
    for line, given in body:
        where = f"{label} row {line}"
        cells = given + [None] * (len(header) - len(given))
        j, name_u = col["unit"]
        unit = units.resolve("" if _blank(cells[j]) else str(cells[j]).strip(), f"{where} {name_u}")
        j, name_y = col["year"]
        year = _number(cells[j], f"{where} {name_y}")
        if year != int(year) or not 1990 <= year <= 2100:
            raise InputError(f"{where} {name_y}", f"{cells[j]!r} is not a year")
        year = int(year)
        if (year, unit) in seen:
            raise InputError(where, f"{unit} {year} already given in row {seen[(year, unit)]}")
        seen[(year, unit)] = line
        j, name_s = col["score"]
        score = _number(cells[j], f"{where} {name_s}")
        lo, hi = _score_range(index_id, year)
        if not lo <= score <= hi:
            problem = f"score {score:g} outside [{lo:g}, {hi:g}] for {index_id} {year}"
            raise InputError(f"{where} {name_s}", problem)
        rec: dict[str, object] = {"year": year, "unit": unit, "score": score, "rank": np.nan}
        if "rank" in col and not _blank(cells[col["rank"][0]]):
            j, name_r = col["rank"]
            rank = _number(cells[j], f"{where} {name_r}")
            if rank != int(rank) or not 1 <= rank <= len(units):
                problem = f"rank {cells[j]!r} is not a whole number in 1..{len(units)}"
                raise InputError(f"{where} {name_r}", problem)
            rec["rank"] = float(rank)
        rec["source"] = f"user table {label}"
        for comp, j in comp_at.items():
            if not _blank(cells[j]):
                rec[comp] = _number(cells[j], f"{where} column {header[j]!r}")
        out.append(rec)
    return pd.DataFrame(out)


def _score_range(index_id: str, year: int) -> tuple[float, float]:
    """PAPI totals are out of 60 until 2017 and out of 80 from 2018 (6 or 8 dimensions of 1-10)."""
    if index_id == "papi":
        return (6.0, 60.0) if year < 2018 else (8.0, 80.0)
    return SCORE_RANGE[index_id]


def _read_bytes(source: str | Path | IO[bytes], label: str) -> bytes:
    """The file's bytes, refused above :data:`~simulator.limits.MAX_TABLE_BYTES` before parsing."""
    if isinstance(source, str | Path):
        return read_file(source, label, MAX_TABLE_BYTES)
    data = source.read(MAX_TABLE_BYTES + 1)
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(data) > MAX_TABLE_BYTES:
        raise InputError(label, f"is larger than the limit of {MAX_TABLE_BYTES} bytes for a results table")
    return data


def _read_cells(data: bytes, label: str) -> list[tuple[int, list[object]]]:
    """Every row of the first sheet or of the text, with its 1-based row number.

    At most :data:`~simulator.limits.MAX_TABLE_ROWS` rows and
    :data:`~simulator.limits.MAX_TABLE_COLUMNS` columns are read; more is an error naming the limit.
    """
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_cells(data, label)
    if data.startswith(_XLS_MAGIC):
        raise InputError(label, "is an old .xls workbook; save it as .xlsx or as CSV UTF-8")
    if label.lower().endswith((".xlsx", ".xlsm")):
        raise InputError(label, "is not a readable .xlsx workbook")
    return _csv_cells(data, label)


def _too_many(label: str, what: str, limit: int) -> InputError:
    return InputError(label, f"has more than {limit} {what} (the limit for a results table)")


def _xlsx_cells(data: bytes, label: str) -> list[tuple[int, list[object]]]:
    """The first sheet, read in openpyxl's read-only streaming mode after a check of the unpacked size."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(label, "is not a readable .xlsx workbook (a damaged zip archive)") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        problem = f"unpacks to {unpacked} bytes, above the limit of {MAX_XLSX_UNPACKED_BYTES} for a workbook"
        raise InputError(label, problem)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook fails in many ways
        raise InputError(label, f"is not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        if not book.worksheets:
            raise InputError(label, "the workbook has no worksheet")
        sheet = book.worksheets[0]
        rows = []
        cells_seen = sheet.iter_rows(min_row=1, max_row=MAX_TABLE_ROWS + 1, max_col=MAX_TABLE_COLUMNS + 1)
        for number, cells in enumerate(cells_seen, start=1):
            if number > MAX_TABLE_ROWS:
                raise _too_many(label, "rows", MAX_TABLE_ROWS)
            values: list[object] = []
            for c in cells:
                value = c.value
                fmt = str(getattr(c, "number_format", "") or "")
                if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
                    value = round(value * 100, 10)
                values.append(value)
            if len(values) > MAX_TABLE_COLUMNS and not _blank(values[MAX_TABLE_COLUMNS]):
                raise _too_many(label, "columns", MAX_TABLE_COLUMNS)
            rows.append((number, values[:MAX_TABLE_COLUMNS]))
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise InputError(label, f"is not a readable .xlsx workbook ({type(exc).__name__})") from None
    finally:
        book.close()
    return rows


def _csv_cells(data: bytes, label: str) -> list[tuple[int, list[object]]]:
    """Rows of a text table; in a comma-separated file, a row wider than the header is refused
    (an unquoted decimal comma, ``45,76``, would otherwise split one number in two)."""
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        problem = "is neither an .xlsx workbook nor UTF-8 text; save it as .xlsx or as CSV UTF-8"
        raise InputError(label, problem) from None
    if "\x00" in text:
        raise InputError(label, "is not a text table")
    head = text.splitlines()[:_HEADER_SEARCH_ROWS]
    delimiter = max(",;\t", key=lambda d: sum(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    start = 1
    width = None
    try:
        for cells in reader:
            if len(rows) >= MAX_TABLE_ROWS:
                raise _too_many(label, "rows", MAX_TABLE_ROWS)
            if len(cells) > MAX_TABLE_COLUMNS:
                raise _too_many(f"{label} row {start}", "columns", MAX_TABLE_COLUMNS)
            if width is None and len(rows) < _HEADER_SEARCH_ROWS and sum(not _blank(c) for c in cells) >= 3:
                width = len(cells)
            elif width is not None and delimiter == "," and len(cells) > width:
                raise InputError(
                    f"{label} row {start}",
                    f"has {len(cells)} fields where the header has {width}: a decimal comma without "
                    'quotes (45,76) splits a number in two in a comma-separated file; write "45,76" '
                    "in quotes or 45.76, or separate the columns with semicolons",
                )
            rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{label} row {start}", f"is not valid CSV ({exc})") from None
    return rows


def _find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, list[str], dict[str, int | None]]:
    """The header: the first leading row naming unit, year and score, else the one naming most."""
    scored = []
    for at, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        header = ["" if _blank(c) else str(c).strip() for c in cells]
        found = {role: _find_column(header, role) for role in _COLUMN_ALIASES}
        hits = sum(found[r] is not None for r in ("unit", "year", "score"))
        if hits == 3:
            return at, header, found
        scored.append((hits, -at, header, found))
    _, minus_at, header, found = max(scored, key=lambda s: s[:2])
    return -minus_at, header, found


def _find_column(header: list[str], role: str) -> int | None:
    wanted = {fold(a) for a in _COLUMN_ALIASES[role]}
    for j, col in enumerate(header):
        if col and fold(col) in wanted:
            return j
    return None


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return str(value).strip().lower() in _PLACEHOLDERS


def _number(value: object, where: str) -> float:
    if _blank(value):
        raise InputError(where, "is empty")
    if isinstance(value, int | float) and not isinstance(value, bool):
        out = float(value)
    else:
        text = str(value).strip().replace("%", "").strip()
        if "_" in text:
            raise InputError(where, f"{value!r} is not a number")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # Vietnamese decimal comma: 83,76
        try:
            out = float(text)
        except ValueError:
            raise InputError(where, f"{value!r} is not a number") from None
    if not np.isfinite(out):
        raise InputError(where, f"{value!r} is not a finite number")
    return out
