"""Small checks for TOML tables read at the input boundary.

Every check names the key path (``indices.par_index.groups[2].planned``) and the problem, via
:class:`~simulator.errors.InputError`. After the boundary the core trusts its types.
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from simulator.errors import InputError
from simulator.limits import MAX_PLAN_BYTES, MAX_TOML_DEPTH

_TYPE_NAMES = {
    str: "text",
    float: "a number",
    int: "a whole number",
    bool: "true/false",
    dict: "a table",
    list: "a list",
}


def read_toml(path: str | Path, label: str | None = None, *, limit: int = MAX_PLAN_BYTES) -> dict[str, Any]:
    """Parse a TOML file; an unreadable, oversized, empty or malformed file is one :class:`InputError`.

    Only a regular file is opened (a FIFO or a device would block or never end).
    """
    return parse_toml(read_file(path, label or str(path), limit), label or str(path))


def read_file(path: str | Path, label: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:
        raise InputError(label, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(label, "is not a regular file")
        if info.st_size > limit:
            raise InputError(label, f"{info.st_size} bytes is above the limit of {limit} bytes")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise InputError(label, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(label, f"is above the limit of {limit} bytes")
    return data


def parse_toml(data: bytes | str, label: str, *, limit: int = MAX_PLAN_BYTES) -> dict[str, Any]:
    """Parse TOML text or bytes (an upload); errors name ``label`` and the line.

    Refused with a named error: more than ``limit`` bytes, text that is not UTF-8, and tables or
    arrays nested deeper than :data:`~simulator.limits.MAX_TOML_DEPTH`.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > limit:
        raise InputError(label, f"{size} bytes is above the limit of {limit} bytes for a plan file")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(label, "is not a UTF-8 text file (a TOML plan is expected)") from None
    if not data.strip():
        raise InputError(label, "is empty (a TOML plan is expected)")
    too_deep = f"tables or lists are nested more than {MAX_TOML_DEPTH} levels deep (the limit)"
    try:
        parsed = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(label, f"is not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError(label, too_deep) from None
    if _depth(parsed) > MAX_TOML_DEPTH:
        raise InputError(label, too_deep)
    return parsed


def _depth(value: Any) -> int:
    """Nesting depth of tables and lists, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            if level > MAX_TOML_DEPTH:
                break
            stack.extend((v, level) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_keys(table: dict[str, Any], where: str, allowed: set[str] | tuple[str, ...]) -> None:
    """Refuse keys outside ``allowed``."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise InputError(
            f"{where}.{unknown[0]}" if where else unknown[0],
            f"unknown key (allowed here: {', '.join(sorted(allowed))})",
        )


def take(
    table: dict[str, Any],
    key: str,
    where: str,
    kind: type,
    *,
    default: Any = ...,
    lo: float | None = None,
    hi: float | None = None,
) -> Any:
    """Read ``table[key]`` as ``kind``, within ``[lo, hi]`` for numbers.

    A missing key is an error unless ``default`` is given. ``int`` values are accepted where a
    number (``float``) is asked for; booleans never are.
    """
    path = f"{where}.{key}" if where else key
    if key not in table:
        if default is ...:
            raise InputError(path, "is required")
        return default
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise InputError(path, f"must be {_TYPE_NAMES.get(kind, kind.__name__)}, not {value!r}")
    if kind in (float, int):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(path, f"must be a finite number, not {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise InputError(path, f"{value:g} is outside [{_fmt(lo)}, {_fmt(hi)}]")
    if kind is str and not value.strip():
        raise InputError(path, "must not be empty")
    return value


def _fmt(bound: float | None) -> str:
    return "…" if bound is None else f"{bound:g}"
