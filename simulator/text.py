"""User text made safe where it is shown: terminals and log lines, spreadsheets.

Plan, group and file names come from people and uploads. Printed, a control character or an ANSI
escape in a name could rewrite the terminal (:func:`printable`); exported, a name starting with
``=`` would become a live formula in a spreadsheet (:func:`cell_text`). Nothing here imports
numpy or pandas, so the command line can use it before the heavy stack loads.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_ESCAPE = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` safe for a terminal or a log line: control and format characters escaped.

    A name holding a newline, an ANSI escape (``ESC[31m``) or a bidirectional override prints
    as ``\\n``, ``\\x1b[31m`` or ``\\u202e``; letters, diacritics and spaces are kept.

    Examples
    --------
    >>> printable("Cần Thơ\\x1b[2J\\n")
    'Cần Thơ\\\\x1b[2J\\\\n'
    """
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(_ESCAPE.get(ch) or ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> Any:
    """``value`` for a spreadsheet cell: text that a spreadsheet would run as a formula is quoted.

    Examples
    --------
    >>> cell_text("=1+1"), cell_text("Cần Thơ"), cell_text(-1.5)
    ("'=1+1", 'Cần Thơ', -1.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`cell_text` applied to every text cell and header."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype.kind not in "biufcmM":  # text or mixed columns, whatever pandas calls them
            out[col] = out[col].map(cell_text)
    out.columns = [cell_text(c) for c in out.columns]
    return out
