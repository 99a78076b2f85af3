"""A disk cache of what the shipped data always give: field histories, BAU forecasts, reference pairs.

Fitting the forecasts of a 2026 plan (the 63 former provinces combined into the 34 new units)
and the reference class of the outside view takes seconds of pandas and statsmodels work that
gives the same result every time for the same data and code. A fresh process (a restarted app
server, a CLI run) reads it from disk instead.

What is cached
    Only results computed from the **shipped** data (``simulator/data``): a history is cached
    when its content equals :func:`simulator.history.load_history`'s, so a user's uploaded
    table, a plan's own last score or any other user data is never written to disk (those
    results are computed as before).
Key
    Every entry is keyed on everything that changes its result: the code version
    (:func:`code_version`: every source file of :mod:`simulator`, every data file, the versions
    of Python, numpy, pandas, scipy and statsmodels), the kind of result, and its arguments (the
    history's content hash, the year). Entries of another code version are deleted when a new
    one is written, so the cache stays bounded.
Where
    ``$SIMULATOR_CACHE_DIR`` if set (``off`` disables the cache), else
    ``$XDG_CACHE_HOME/par-simulator`` (``~/.cache/par-simulator``). A cache that cannot be read
    or written is skipped: the result is computed instead. Entries are Python pickles, read only
    from this per-user directory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import pandas as pd

from simulator import merger
from simulator.forecast import BAUForecast
from simulator.history import History, load_history

T = TypeVar("T")
CACHE_ENV = "SIMULATOR_CACHE_DIR"
PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels")


def cache_dir() -> Path | None:
    """The cache directory, or None when ``$SIMULATOR_CACHE_DIR`` is ``off``."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "par-simulator"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of every source and data file of :mod:`simulator` and the numeric libraries' versions."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(platform.python_version().encode())
    for name in _LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()


def _frame_digest(frame: pd.DataFrame) -> bytes:
    head = repr((list(frame.columns), [str(t) for t in frame.dtypes])).encode()
    return head + pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()


def history_digest(history: History) -> str:
    """The content hash of a history: index, units, observations and summaries."""
    digest = hashlib.sha256(history.index_id.encode())
    digest.update("\x1f".join(history.units.names).encode())
    digest.update(_frame_digest(history.observations))
    digest.update(_frame_digest(history.summaries))
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _shipped_digest(index_id: str) -> str:
    return history_digest(load_history(index_id))


def cached(kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, read from the disk cache when this code version already stored it.

    ``key`` must name every argument of ``compute`` (the code version is added here). The caller
    makes sure the result depends on shipped data only.
    """
    folder = cache_dir()
    if folder is None:
        return compute()
    version = code_version()[:20]
    name = hashlib.sha256(f"{kind}|{key}".encode()).hexdigest()[:32]
    path = folder / f"{version}-{kind}-{name}.pkl"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass  # missing or unreadable: computed and (re)written below
    value = compute()
    _store(folder, path, version, value)
    return value


def _store(folder: Path, path: Path, version: str, value: object) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        for old in folder.glob("*.pkl"):
            if not old.name.startswith(version):
                old.unlink(missing_ok=True)
    except OSError:
        return  # a read-only or full disk: the result was computed, nothing is kept


def of_shipped(kind: str, history: History, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` from the disk cache when ``history`` holds exactly the shipped data, else computed.

    ``key`` names every argument of ``compute`` other than the history (whose content hash is added).
    """
    digest = history_digest(history)
    if digest != _shipped_digest(history.index_id):
        return compute()
    return cached(kind, f"{digest}|{key}", compute)


def field_history(history: History, year: int) -> History:
    """:func:`simulator.merger.field_history` (default weights), from disk for the shipped data.

    A history that needs no combining is returned as it is (the same object, as the merger does).
    """
    year = int(year)
    if not merger.needs_combining(history.units, year):
        return history
    return of_shipped("field_history", history, str(year), lambda: merger.field_history(history, year))


def field_forecast(history: History, year: int) -> BAUForecast:
    """:func:`simulator.merger.field_forecast` (default options), from disk for the shipped data."""
    year = int(year)
    return of_shipped("field_forecast", history, str(year), lambda: merger.field_forecast(history, year))
