"""Numbers typed the Vietnamese way or the English way, read without guessing (no Streamlit import).

A browser's number field reads "83,76" as 8376. The app's score and budget fields are text fields
read by :func:`parse_number`: one decimal separator, a comma or a dot, is accepted ("83,76" and
"83.76" are both 83.76); thousands separators are not, so "8.376,5" or "1,234.5" is refused as
ambiguous instead of being read one way or the other. An empty field is not a number: the caller
keeps the value it had.
"""

from __future__ import annotations

import re

from app.i18n import tr

_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)")
_MAX_CHARS = 40


class NumberError(ValueError):
    """A typed value that is not a number in range; ``message(lang)`` says which field and why."""

    def __init__(self, field: str, text: str, problem: str, lo: float | None = None, hi: float | None = None):
        super().__init__(f"{field}: {text!r} ({problem})")
        self.field, self.text, self.problem = field, text, problem  # "ambiguous", "not_number", "range"
        self.lo, self.hi = lo, hi

    def message(self, lang: str, digits: int = 2) -> str:
        from simulator.labels import number

        shown = self.text if len(self.text) <= _MAX_CHARS else self.text[: _MAX_CHARS - 1] + "…"
        bounds = {}
        if self.lo is not None and self.hi is not None:
            bounds = {"lo": number(self.lo, digits, lang), "hi": number(self.hi, digits, lang)}
        return tr(f"num_{self.problem}", lang, field=self.field, text=shown, **bounds)


def typed(x: float, lang: str) -> str:
    """``x`` as a user would type it back: no thousands separator, no trailing zeros (``86``, ``86,5``).

    >>> typed(86.0, "vi"), typed(86.5, "vi"), typed(54.25, "en")
    ('86', '86,5', '54.25')
    """
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def parse_number(text: str, field: str, lo: float, hi: float) -> float | None:
    """The number typed in ``text`` (None if empty), within ``[lo, hi]``; else :class:`NumberError`.

    >>> parse_number("83,76", "điểm", 0, 100), parse_number(" 83.76 ", "điểm", 0, 100)
    (83.76, 83.76)
    >>> parse_number("", "điểm", 0, 100) is None
    True
    """
    raw = "".join(str(text).split()).replace("\u00a0", "")
    if not raw:
        return None
    if ("," in raw and "." in raw) or raw.count(",") + raw.count(".") > 1:
        raise NumberError(field, str(text), "ambiguous")
    if len(raw) > _MAX_CHARS or not _NUMBER.fullmatch(raw):
        raise NumberError(field, str(text), "not_number")
    value = float(raw.replace(",", "."))
    if not lo <= value <= hi:
        raise NumberError(field, str(text), "range", lo, hi)
    return value
