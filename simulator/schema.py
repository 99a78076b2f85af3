"""Small checks for TOML tables read at the input boundary.

Every check names the key path (``indices.par_index.groups[2].planned``) and the problem, via
:class:`~simulator.errors.InputError`. After the boundary the core trusts its types.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from simulator.errors import InputError

_TYPE_NAMES = {
    str: "text",
    float: "a number",
    int: "a whole number",
    bool: "true/false",
    dict: "a table",
    list: "a list",
}


def read_toml(path: str | Path, label: str | None = None) -> dict[str, Any]:
    """Parse a TOML file; an unreadable, empty or malformed file is one :class:`InputError`."""
    label = label or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(label, f"cannot be read ({exc.strerror or exc})") from None
    return parse_toml(data, label)


def parse_toml(data: bytes | str, label: str) -> dict[str, Any]:
    """Parse TOML text or bytes (an upload); errors name ``label`` and the line."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(label, "is not a UTF-8 text file (a TOML plan is expected)") from None
    if not data.strip():
        raise InputError(label, "is empty (a TOML plan is expected)")
    try:
        return tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(label, f"is not valid TOML ({exc})") from None


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
