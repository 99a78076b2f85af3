"""The library writes its Vietnamese/English words once, in ``simulator.labels.TEXT``.

A scan of every module's syntax tree finds a vi/en pair written in place: a dict literal with both a
``"vi"`` and an ``"en"`` key (or ``(…, "vi")`` tuple keys); an ``if``/conditional expression on
``lang == "vi"`` (or ``"en"``) that picks between text literals; or an English text beside a
Vietnamese one, as a dict item or a two-item tuple (a translation table). The scan is checked on
the shapes the command line, the outside view, the reference classes and the input errors used
before their words moved.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from simulator import errors
from simulator.errors import InputError, vi_problem, vi_where
from simulator.labels import INDEX_SHORT, TEXT, t

SIMULATOR = Path(__file__).resolve().parents[1] / "simulator"
APP = SIMULATOR.parent / "app"
LANG = {"vi", "en"}
WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more: text, not a format or a code
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
# Modules allowed to keep vi/en pairs written in place: none now (every pair is in labels.TEXT).
LEFT: dict[str, int] = {}


def _texts(node: ast.AST) -> list[str]:
    """The text literals under ``node``; a subscript's key (``r["name_vi"]``) is not text."""
    keys = {id(n.slice) for n in ast.walk(node) if isinstance(n, ast.Subscript)}
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in keys
        and WORD.search(n.value)
    ]


def _names_a_language(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant) and n.value in LANG
        for c in ast.walk(node)
        if isinstance(c, ast.Compare)
        for n in ast.walk(c)
    )


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _translation(a: str | None, b: str | None) -> bool:
    """An English text (not a dotted key such as ``error.merged``) beside a Vietnamese one."""

    def english(x: str | None) -> bool:
        return x is not None and x.isascii() and bool(WORD.search(x)) and "." not in x.replace(r"\.", "")

    def vietnamese(x: str | None) -> bool:
        return x is not None and bool(VIETNAMESE.search(x))

    return (english(a) and vietnamese(b)) or (vietnamese(a) and english(b))


def pairs(source: str) -> list[int]:
    """Line numbers of the vi/en pairs written in place in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        items = []
        if isinstance(node, ast.Dict):
            items = [(_text(k), _text(v)) for k, v in zip(node.keys, node.values, strict=True)]
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            items = [(_text(node.elts[0]), _text(node.elts[1]))]
        if any(_translation(a, b) for a, b in items):
            found.append(node.lineno)
        elif isinstance(node, ast.Dict):
            keys = {
                n.value
                for k in node.keys
                if k is not None
                for n in ast.walk(k)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
            if LANG <= keys and any(_texts(v) for v in node.values):
                found.append(node.lineno)
        elif isinstance(node, ast.If | ast.IfExp) and _names_a_language(node.test):
            branches = [node.body, node.orelse]
            branches = [b if isinstance(b, list) else [b] for b in branches]
            if any(_texts(s) for b in branches for s in b):
                found.append(node.lineno)
    return sorted(found)


# the shapes the library wrote before (lines cut from simulator/__main__.py, outside_view.py and
# reference_class.py), and shapes that are not pairs
CAUGHT = [
    'head = {"vi": ("Nhóm nhiệm vụ", "Δhạng tăng"), "en": ("Task group", "Δrank up")}[lang]',
    'no = "không đạt" if lang == "vi" else "not reachable"',
    'x = {"vi": "Mức cần", "en": "Needed"}[lang]',
    "print(f\"  {'Thêm 1' if lang == 'vi' else 'One more'} {cur}\")",
    'print("\\n" + ("Đường biên hiệu quả" if lang == "vi" else "Efficient frontier"))',
    'A = {"vi": "Giả định: hoàn thành {q}", "en": "Assumption: completing {q}"}',
    '_LINES = {"vi": {"eff": " (hiệu quả hiệu chỉnh = {e})"}, "en": {"eff": " (calibrated effectiveness = {e})"}}',
    'what = {("bau_residual", "vi"): "chênh lệch", ("bau_residual", "en"): "actual minus"}[(k, lang)]',
    'def f(lang):\n    if lang == "vi":\n        return f"Kế hoạch giả định {x} %"\n    return f"The plan assumes {x} %"',
    'def f(lang):\n    if lang == "en":\n        return "Rank ranges are wide"\n    return "Khoảng xếp hạng"',
    '_TYPES_VI = {"text": "văn bản", "a number": "một số"}',
    '_COUNTS_VI = {"rows": "dòng", "columns": "cột"}',
    'T = ((r"must be a table", "phải là một bảng"), (r"is required", "thiếu: mục này là bắt buộc"))',
    'T = ((r"(?P<n>\\d+) bytes is above the limit", "{n} byte, vượt giới hạn"),)',
]
NOT_PAIRS = [
    'name = r["name_vi"] if lang == "vi" else r["name_en"]',
    'fmt = "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"',
    'text = f"{x} %" if lang == "vi" else f"{x}%"',
    'lang = "vi" if lang == "vi" else "en"',
    'word = t("cli.needed", lang)',
    'LANGUAGES = {"vi": 1, "en": 2}',
    'P = ((r"(?P<vi>.+ đã hợp nhất vào .+?) / .+ merged into .+", "error.merged"),)',
    'ALIASES = {"province": ("tỉnh", "đơn vị"), "tỉnh": "tỉnh/thành phố"}',
]


@pytest.mark.parametrize("source", CAUGHT)
def test_the_scan_finds_a_pair_written_in_place(source) -> None:
    assert pairs(source)


@pytest.mark.parametrize("source", NOT_PAIRS)
def test_the_scan_passes_what_is_not_a_pair(source) -> None:
    assert not pairs(source)


def test_no_vi_en_pair_outside_the_table() -> None:
    found = {
        path.name: pairs(path.read_text(encoding="utf-8"))
        for path in sorted(SIMULATOR.glob("*.py"))
        if path.name != "labels.py"
    }
    for name, lines in found.items():
        assert len(lines) <= LEFT.get(name, 0), (
            f"{name}: a vi/en pair at line(s) {lines}; put it in labels.TEXT"
        )


def test_the_index_short_names_are_written_once() -> None:
    assert INDEX_SHORT == {"par_index": "PAR INDEX", "sipas": "SIPAS", "papi": "PAPI"}
    for path in [*SIMULATOR.glob("*.py"), *APP.glob("*.py")]:
        if path.name == "labels.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                items = {
                    (k.value, v.value)
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                }
                assert not items & set(INDEX_SHORT.items()), f"{path.name}:{node.lineno}"
    from app.views import INDEX_NAMES
    from simulator import report

    assert INDEX_NAMES is INDEX_SHORT and report._SHORT is INDEX_SHORT


# a value for each piece an error pattern names, fit for every pattern that names it
PIECES = {
    "v": "1.5",
    "lo": "0",
    "hi": "1",
    "type": "a whole number",
    "keys": "name, year",
    "n": "2000000",
    "limit": "1000000",
    "what": "columns",
    "name": "'Atlantis'",
    "hint": "'An Giang'",
    "vi": "Hà Giang đã hợp nhất vào tỉnh Tuyên Quang từ 01/7/2025",
    "why": "No such file",
    "i": "'pci'",
    "ids": "par_index, sipas",
    "g": "g1",
    "cols": "year, score",
    "rest": "; found: a, b",
    "p": "Cần Thơ",
    "y": "2012",
    "options": "a, b",
}
IN_VIETNAMESE = {"v": "1,5", "type": "một số nguyên", "what": "cột"}  # the rest are carried over as they are


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize(("pattern", "key"), errors._PATTERNS, ids=[k for _, k in errors._PATTERNS])
def test_each_error_pattern_reads_its_english_text_back_to_its_vietnamese(pattern, key) -> None:
    entry = TEXT[key]
    assert _fields(entry["en"]) == set(re.compile(pattern).groupindex)
    english = entry["en"].format(**{f: PIECES[f] for f in _fields(entry["en"])})
    assert re.fullmatch(pattern, english), english
    vietnamese = entry["vi"].format(**{f: IN_VIETNAMESE.get(f, PIECES[f]) for f in _fields(entry["vi"])})
    assert vi_problem(english) == vietnamese  # no earlier pattern takes it
    assert InputError("plan.year", english).message("vi") == f"plan.year: {vietnamese}"


def test_every_error_entry_has_its_pattern_and_every_word_is_read() -> None:
    templates = {k for k in TEXT if k.startswith("error.") and k.count(".") == 1}
    assert templates == {key for _, key in errors._PATTERNS}
    for key in [k for k in TEXT if k.startswith("error.type.")]:
        word = TEXT[key]
        assert vi_problem(f"must be {word['en']}, not 'x'") == f"phải là {word['vi']}, không phải 'x'"
    for key in [k for k in TEXT if k.startswith("error.count.")]:
        word = TEXT[key]
        shape = f"has more than 5 {word['en']} (the limit for a results table)"
        assert vi_problem(shape) == f"có hơn 5 {word['vi']} (giới hạn của một bảng kết quả)"
    assert vi_where("table.csv row 12 column 'score'") == "table.csv dòng 12 cột 'score'"


def test_every_library_key_is_used() -> None:
    literals = set()
    for path in SIMULATOR.glob("*.py"):
        if path.name != "labels.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            literals |= {
                n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    read_by_prefix = (
        "error.type.",
        "error.count.",
        "reference.",
    )  # errors._WORDS_VI; describe's f"reference.{kind}"
    for key in TEXT:
        if key.startswith(("cli.", "outside.", "reference.", "error.")) and not key.startswith(
            read_by_prefix
        ):
            assert key in literals, key
    assert literals >= {"task_group", "budget", "optimised", "reference.transfer"}


def test_t_fills_placeholders_and_falls_back() -> None:
    assert t("outside.rate", "vi", rate="12,5", n=40) == (
        "Tỷ lệ nền: 12,5 % trong 40 tỉnh-năm xuất phát tương tự đạt cả hai mục tiêu"
    )
    assert t("cli.needed", "fr") == "Needed"  # another language: English
    assert t("no such key", "vi", x=1) == "no such key"
    assert (
        t("reference.band", "en") == "; starting from {lo}–{hi} of the field's ranks"
    )  # no values: as written
