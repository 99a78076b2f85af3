"""The one error type that crosses the input boundary, shown in English or Vietnamese."""

from __future__ import annotations

import re

from simulator.text import printable

_TYPES_VI = {
    "text": "văn bản",
    "a number": "một số",
    "a whole number": "một số nguyên",
    "true/false": "true/false (đúng/sai)",
    "a table": "một bảng",
    "a list": "một danh sách",
}
_COUNTS_VI = {"rows": "dòng", "columns": "cột", "cells": "ô", "sheets": "trang tính", "bytes": "byte"}

# (English problem pattern, Vietnamese template); the first full match wins. Named groups are
# carried over, numbers written the Vietnamese way (decimal comma) by :func:`_vi_value`.
_TEMPLATES: tuple[tuple[str, str], ...] = (
    (r"(?P<v>\S+) is outside \[(?P<lo>[^,\]]+), (?P<hi>[^\]]+)\]", "{v} nằm ngoài khoảng [{lo}; {hi}]"),
    (r"(?P<v>\S+) is outside (?P<lo>\d+)–(?P<hi>\d+)", "{v} nằm ngoài khoảng {lo}–{hi}"),
    (r"must be a finite number, not (?P<v>.+)", "phải là một số hữu hạn, không phải {v}"),
    (
        r"must be (?P<type>text|a number|a whole number|true/false|a table|a list), not (?P<v>.+)",
        "phải là {type}, không phải {v}",
    ),
    (r"must be a table", "phải là một bảng"),
    (r"is required", "thiếu: mục này là bắt buộc"),
    (r"must not be empty", "không được để trống"),
    (r"unknown key \(allowed here: (?P<keys>.+)\)", "khóa không được dùng ở đây (các khóa hợp lệ: {keys})"),
    (
        r"(?P<n>\d+) bytes is above the limit of (?P<limit>\d+) bytes for a plan file",
        "{n} byte, vượt giới hạn {limit} byte của một tệp kế hoạch",
    ),
    (r"(?P<n>\d+) bytes is above the limit of (?P<limit>\d+) bytes", "{n} byte, vượt giới hạn {limit} byte"),
    (r"is above the limit of (?P<limit>\d+) bytes", "vượt giới hạn {limit} byte"),
    (
        r"is larger than the limit of (?P<limit>\d+) bytes for a results table",
        "lớn hơn giới hạn {limit} byte của một bảng kết quả",
    ),
    (
        r"has more than (?P<limit>\d+) (?P<what>rows|columns|cells|sheets) \(the limit for a results table\)",
        "có hơn {limit} {what} (giới hạn của một bảng kết quả)",
    ),
    (
        r"unknown province (?P<name>'[^']*'|\"[^\"]*\") \(did you mean (?P<hint>.+)\?\)",
        "không có tỉnh/thành phố {name} (có phải {hint}?)",
    ),
    (r"unknown province (?P<name>.+)", "không có tỉnh/thành phố {name}"),
    (r"a province name is required", "cần nhập tên tỉnh/thành phố"),
    (
        r"(?P<vi>.+ đã hợp nhất vào .+?) / .+ merged into .+: use (?P<name>.+) for this year",
        "{vi}: dùng {name} cho năm này",
    ),
    (r"cannot be read \((?P<why>.+)\)", "không đọc được ({why})"),
    (r"cannot be written \((?P<why>.+)\)", "không ghi được ({why})"),
    (r"is not a regular file", "không phải là một tệp thông thường"),
    (
        r"is not a UTF-8 text file \(a TOML plan is expected\)",
        "không phải tệp văn bản UTF-8 (cần một tệp kế hoạch TOML)",
    ),
    (r"is empty \(a TOML plan is expected\)", "trống (cần một tệp kế hoạch TOML)"),
    (r"is empty", "trống"),
    (r"is not valid TOML \((?P<why>.+)\)", "không phải TOML hợp lệ ({why})"),
    (r"exists already \(add --force to overwrite it\)", "đã có (thêm --force để ghi đè)"),
    (
        r"unknown index (?P<i>'[^']*'); expected one of (?P<ids>.+)",
        "không có chỉ số {i}; chọn một trong: {ids}",
    ),
    (r"unknown index (?P<i>'[^']*')", "không có chỉ số {i}"),
    (
        r"is not an index of the plan \(it has (?P<ids>.+)\)",
        "không phải chỉ số của kế hoạch (kế hoạch có: {ids})",
    ),
    (r"is not a task group of this index", "không phải nhóm nhiệm vụ của chỉ số này"),
    (
        r"names no task group of the plan \(or all\)",
        "không ứng với nhóm nhiệm vụ nào của kế hoạch (hoặc all)",
    ),
    (
        r"(?P<v>.+) is not a level: give a percent \(0–100\) or \"bau\"",
        '{v} không phải là mức: nhập phần trăm (0–100) hoặc "bau" (hiện trạng)',
    ),
    (r"the group has no bau level to take", "nhóm không có mức hiện trạng (bau) để lấy"),
    (r"group id (?P<g>.+) is used twice", "mã nhóm {g} được dùng hai lần"),
    (r"at least one task group is required", "cần ít nhất một nhóm nhiệm vụ"),
    (r"missing column\(s\) (?P<cols>[^;]+)(?P<rest>;.*)?", "thiếu cột {cols}{rest}"),
    (
        r"(?P<p>.+) has no (?P<i>\S+) score before (?P<y>\d+) in the data: give last_score \(and last_rank\) "
        r"in the plan, or load the ministry's results table",
        "{p} chưa có điểm {i} trước năm {y} trong dữ liệu: hãy nhập điểm gần nhất (last_score, và "
        "hạng last_rank) trong kế hoạch, hoặc tải bảng kết quả của Bộ",
    ),
    (r"(?P<v>.+) is not a year", "{v} không phải là một năm"),
    (r"(?P<v>.+) is not a finite number", "{v} không phải là số hữu hạn"),
    (r"(?P<v>.+) is not a number", "{v} không phải là số"),
    (r"(?P<v>.+) must be a number ≥ 0", "{v}: phải là một số ≥ 0"),
    (r"must exceed min \((?P<v>.+)\)", "phải lớn hơn min ({v})"),
    (
        r"is an old \.xls workbook; save it as \.xlsx or as CSV UTF-8",
        "là bảng tính .xls cũ; hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
    ),
    (r"is not a readable \.xlsx workbook(?P<rest>.*)", "không phải bảng tính .xlsx đọc được{rest}"),
    (r"(?P<v>.+) is not one of (?P<options>.+)", "{v} không thuộc các giá trị: {options}"),
)
_COMPILED = tuple((re.compile(p), vi) for p, vi in _TEMPLATES)
_DECIMAL = re.compile(r"^[-+]?\d+\.\d+$")


def _vi_value(name: str, value: str | None) -> str:
    """A captured piece in Vietnamese: a decimal comma in plain numbers, type and count words."""
    if value is None:
        return ""
    if name == "type":
        return _TYPES_VI.get(value, value)
    if name == "what":
        return _COUNTS_VI.get(value, value)
    return value.replace(".", ",") if _DECIMAL.match(value) else value


def vi_problem(problem: str) -> str:
    """The Vietnamese text of an English ``problem`` (itself when no template knows it).

    >>> vi_problem("1.5 is outside [0, 1]")
    '1,5 nằm ngoài khoảng [0; 1]'
    """
    for pattern, template in _COMPILED:
        found = pattern.fullmatch(problem)
        if found:
            return template.format(**{k: _vi_value(k, v) for k, v in found.groupdict().items()})
    return problem


def vi_where(where: str) -> str:
    """The place in Vietnamese words: key paths stay as they are; ``row``/``column`` are translated."""
    where = re.sub(r"\brow (\d+)", r"dòng \1", where)
    return re.sub(r"\bcolumn\b", "cột", where)


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
        What is wrong in Vietnamese; by default built from ``problem`` by the templates above.

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
