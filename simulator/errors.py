"""The one error type that crosses the input boundary, shown in English or Vietnamese."""

from __future__ import annotations

import re

from simulator.labels import TEXT, t
from simulator.text import printable

# (English problem pattern, key of its Vietnamese template in simulator.labels.TEXT); the first full
# match wins. Named groups are carried over, numbers written the Vietnamese way (decimal comma) and
# type and count words translated by :func:`_vi_value`.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?P<v>\S+) is outside \[(?P<lo>[^,\]]+), (?P<hi>[^\]]+)\]", "error.outside"),
    (r"(?P<v>\S+) is outside (?P<lo>\d+)–(?P<hi>\d+)", "error.outside_range"),
    (r"must be a finite number, not (?P<v>.+)", "error.not_finite"),
    (
        r"must be (?P<type>text|a number|a whole number|true/false|a table|a list), not (?P<v>.+)",
        "error.type",
    ),
    (r"must be a table", "error.not_table"),
    (r"is required", "error.required"),
    (r"must not be empty", "error.empty_value"),
    (r"unknown key \(allowed here: (?P<keys>.+)\)", "error.unknown_key"),
    (r"(?P<n>\d+) bytes is above the limit of (?P<limit>\d+) bytes for a plan file", "error.plan_size"),
    (r"(?P<n>\d+) bytes is above the limit of (?P<limit>\d+) bytes", "error.size"),
    (r"is above the limit of (?P<limit>\d+) bytes", "error.above_limit"),
    (r"is larger than the limit of (?P<limit>\d+) bytes for a results table", "error.table_size"),
    (
        r"has more than (?P<limit>\d+) (?P<what>rows|columns|cells|sheets) \(the limit for a results table\)",
        "error.table_shape",
    ),
    (
        r"unknown province (?P<name>'[^']*'|\"[^\"]*\") \(did you mean (?P<hint>.+)\?\)",
        "error.province_hint",
    ),
    (r"unknown province (?P<name>.+)", "error.province"),
    (r"a province name is required", "error.province_required"),
    (r"(?P<vi>.+ đã hợp nhất vào .+?) / .+ merged into .+: use (?P<name>.+) for this year", "error.merged"),
    (r"cannot be read \((?P<why>.+)\)", "error.unreadable"),
    (r"cannot be written \((?P<why>.+)\)", "error.unwritable"),
    (r"is not a regular file", "error.not_file"),
    (r"is not a UTF-8 text file \(a TOML plan is expected\)", "error.not_utf8"),
    (r"is empty \(a TOML plan is expected\)", "error.empty_plan"),
    (r"is empty", "error.empty"),
    (r"is not valid TOML \((?P<why>.+)\)", "error.toml"),
    (r"exists already \(add --force to overwrite it\)", "error.exists"),
    (r"unknown index (?P<i>'[^']*'); expected one of (?P<ids>.+)", "error.index_expected"),
    (r"unknown index (?P<i>'[^']*')", "error.index"),
    (r"is not an index of the plan \(it has (?P<ids>.+)\)", "error.not_plan_index"),
    (r"is not a task group of this index", "error.not_group"),
    (r"names no task group of the plan \(or all\)", "error.no_group"),
    (r"(?P<v>.+) is not a level: give a percent \(0–100\) or \"bau\"", "error.level"),
    (r"the group has no bau level to take", "error.no_bau"),
    (r"group id (?P<g>.+) is used twice", "error.group_twice"),
    (r"at least one task group is required", "error.no_groups"),
    (r"missing column\(s\) (?P<cols>[^;]+)(?P<rest>;.*)?", "error.missing_columns"),
    (
        r"(?P<p>.+) has no (?P<i>\S+) score before (?P<y>\d+) in the data: give last_score \(and last_rank\) "
        r"in the plan, or load the ministry's results table",
        "error.no_score",
    ),
    (r"(?P<v>.+) is not a year", "error.not_year"),
    (r"(?P<v>.+) is not a finite number", "error.not_finite_number"),
    (r"(?P<v>.+) is not a number", "error.not_number"),
    (r"(?P<v>.+) must be a number ≥ 0", "error.negative"),
    (r"must exceed min \((?P<v>.+)\)", "error.min"),
    (r"is an old \.xls workbook; save it as \.xlsx or as CSV UTF-8", "error.xls"),
    (r"is not a readable \.xlsx workbook(?P<rest>.*)", "error.xlsx"),
    (r"(?P<v>.+) is not one of (?P<options>.+)", "error.not_one_of"),
)
_COMPILED = tuple((re.compile(p), key) for p, key in _PATTERNS)
# the words a captured ``type`` or ``what`` may be, English to Vietnamese
_WORDS_VI = {
    group: {TEXT[k]["en"]: TEXT[k]["vi"] for k in TEXT if k.startswith(prefix)}
    for group, prefix in (("type", "error.type."), ("what", "error.count."))
}
_DECIMAL = re.compile(r"^[-+]?\d+\.\d+$")


def _vi_value(name: str, value: str | None) -> str:
    """A captured piece in Vietnamese: a decimal comma in plain numbers, type and count words."""
    if value is None:
        return ""
    if name in _WORDS_VI:
        return _WORDS_VI[name].get(value, value)
    return value.replace(".", ",") if _DECIMAL.match(value) else value


def vi_problem(problem: str) -> str:
    """The Vietnamese text of an English ``problem`` (itself when no template knows it).

    >>> vi_problem("1.5 is outside [0, 1]")
    '1,5 nằm ngoài khoảng [0; 1]'
    """
    for pattern, key in _COMPILED:
        found = pattern.fullmatch(problem)
        if found:
            return t(key, "vi", **{k: _vi_value(k, v) for k, v in found.groupdict().items()})
    return problem


def vi_where(where: str) -> str:
    """The place in Vietnamese words: key paths stay as they are; ``row``/``column`` are translated."""
    where = re.sub(r"\brow (\d+)", lambda found: t("error.where.row", "vi", n=found[1]), where)
    return re.sub(r"\bcolumn\b", t("error.where.column", "vi"), where)


class InputError(ValueError):
    """Bad input, named by place and problem.

    ``str(err)`` is the single line shown to a user in English: ``"<where>: <problem>"``;
    :meth:`message` gives it in Vietnamese or English.

    Parameters
    ----------
    where : str
        The place: a file, a key path such as ``indices.par_index.groups[2].planned`` or a row
        and column of an uploaded table.
    problem : str
        What is wrong, in plain English words.
    problem_vi : str, optional
        What is wrong in Vietnamese; by default built from ``problem`` by the patterns above and
        their templates in :data:`simulator.labels.TEXT`.

    Both are kept on one line: control characters that a key or a value brings in (a newline, an
    ANSI escape) are escaped (:func:`simulator.text.printable`).
    """

    def __init__(self, where: str, problem: str, problem_vi: str | None = None) -> None:
        where, problem = printable(where), printable(problem)
        self.where = where
        self.problem = problem
        self.problem_vi = printable(problem_vi) if problem_vi else vi_problem(problem)
        super().__init__(f"{where}: {problem}" if where else problem)

    def message(self, lang: str = "vi") -> str:
        """The one line for a user in ``lang`` (``"vi"`` or ``"en"``; English is ``str(err)``).

        >>> InputError("indices.par_index.groups[0].planned", "1.5 is outside [0, 1]").message("vi")
        'indices.par_index.groups[0].planned: 1,5 nằm ngoài khoảng [0; 1]'
        """
        if lang != "vi":
            return str(self)
        where = vi_where(self.where)
        return f"{where}: {self.problem_vi}" if where else self.problem_vi
