"""The one label table and the bilingual assumption notes."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from simulator import report
from simulator.field import note
from simulator.labels import LANGS, TEXT, assumption_text, t


def test_every_label_has_both_languages_and_sheet_names_fit_excel() -> None:
    for key, entry in TEXT.items():
        assert set(entry) == set(LANGS) and all(entry.values()), key
    for key in [k for k in TEXT if k.startswith("sheet.")]:
        for lang in LANGS:
            name = t(key, lang)
            assert len(name) <= 31 and not set(name) & set("[]:*?/\\"), name


def test_every_workbook_column_has_a_label_with_its_words() -> None:
    for key, _ in report._COLUMNS.values():
        base, _, what = key.partition("|")
        assert base in TEXT and (not what or f"what.{what}" in TEXT), key
    assert "BAU" not in " ".join(e["vi"] for e in TEXT.values())


@pytest.mark.parametrize(
    ("raw", "vi", "en"),
    [
        (note("độ lệch chuẩn 1.5 điểm", "sd 1.5 points"), "Độ lệch chuẩn 1,5 điểm", "Sd 1.5 points"),
        (
            note("mức BAU giữ nguyên (2013-2020)", "BAU kept (2013-2020)"),
            "Mức hiện trạng giữ nguyên (2013-2020)",
            "BAU kept (2013-2020)",
        ),
        (
            "assumption: equal weights (no table) / giả định: trọng số bằng nhau",
            "Trọng số bằng nhau",
            "Equal weights (no table)",
        ),
        ("a plain sentence.", "a plain sentence.", "a plain sentence."),
    ],
)
def test_assumption_notes_are_cut_to_one_language(raw, vi, en) -> None:
    assert assumption_text(raw, "vi") == vi
    assert assumption_text(raw, "en") == en


def test_weights_name_the_sub_criteria(plan) -> None:
    par = plan.indices["par_index"]
    shown = report.weights_text(par, {"f1_direction_appraisal": 0.7, "f8_sipas": 1.0}, "vi")
    assert shown == "Công tác chỉ đạo, điều hành CCHC (Điểm thẩm định): 0,7; " + (
        "Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH (Chỉ số SIPAS): 1"
    )


def test_timestamps_to_the_second_in_the_viewers_zone() -> None:
    from datetime import UTC, datetime

    from simulator.labels import timestamp

    saved = datetime(2026, 12, 2, 0, 15, 42, tzinfo=UTC)
    assert timestamp(saved, "vi", "Asia/Ho_Chi_Minh") == "02/12/2026 07:15:42"
    assert timestamp(saved, "en", "Asia/Ho_Chi_Minh") == "2026-12-02 07:15:42"
    assert timestamp(saved, "vi", "UTC") == "02/12/2026 00:15:42"
    local = saved.astimezone().strftime("%d/%m/%Y %H:%M:%S")
    unknown_zones = (timestamp(saved, "vi", "No/Such_Zone"), timestamp(saved, "vi", "../x"))
    assert timestamp(saved, "vi") == local and unknown_zones == (local, local)
    naive = datetime(2026, 12, 2, 7, 15, 42)  # shown as it is
    assert timestamp(naive, "vi", "UTC") == "02/12/2026 07:15:42"


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_label_the_library_names_exists_with_the_placeholders_it_fills() -> None:
    """``t("key", lang, **values)`` calls: the key is in TEXT and ``values`` are its placeholders."""
    assert not any({"key", "lang"} & _placeholders(e["vi"]) for e in TEXT.values())  # t's own parameters
    calls = 0
    for path in (Path(report.__file__).parent).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            key = node.args[0]
            if node.func.id not in ("t", "label") or not isinstance(key, ast.Constant):
                continue
            calls += 1
            assert key.value in TEXT, (path.name, node.lineno, key.value)
            given = {k.arg for k in node.keywords}
            if given and None not in given:  # no **values spread
                assert given == _placeholders(TEXT[key.value]["vi"]), (path.name, node.lineno, key.value)
    assert calls > 40
