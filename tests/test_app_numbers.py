"""Numbers typed the Vietnamese way: "83,76" and "83.76" accepted, "8.376,5" refused, empty keeps the value."""

from __future__ import annotations

import pytest
from app_support import open_app

from app.numbers import NumberError, parse_number, typed


@pytest.mark.parametrize(
    "text, value",
    [("83,76", 83.76), ("83.76", 83.76), (" 86 ", 86.0), (",5", 0.5), ("0", 0.0), ("", None), ("  ", None)],
)
def test_parse_accepts_one_decimal_comma_or_dot(text, value):
    assert parse_number(text, "f", 0, 100) == value


@pytest.mark.parametrize(
    "text, problem",
    [
        ("8.376,5", "ambiguous"),
        ("1,234.5", "ambiguous"),
        ("1.234.567", "ambiguous"),
        ("83,7,6", "ambiguous"),
        ("1e3", "not_number"),
        ("abc", "not_number"),
        ("nan", "not_number"),
        ("٨٣", "not_number"),
        ("100,5", "range"),
        ("-1", "range"),
    ],
)
def test_parse_refuses_with_a_named_problem(text, problem):
    with pytest.raises(NumberError) as info:
        parse_number(text, "Điểm mục tiêu", 0, 100)
    assert info.value.problem == problem
    assert info.value.message("vi").startswith("Điểm mục tiêu: ")
    assert "Điểm mục tiêu" in info.value.message("en")


def test_typed_round_trips():
    for x in (86.0, 86.5, 83.76, 0.0, 54.25):
        assert parse_number(typed(x, "vi"), "f", 0, 100) == x == parse_number(typed(x, "en"), "f", 0, 100)


@pytest.fixture
def par_tab(tmp_path, monkeypatch):
    at = open_app(tmp_path, monkeypatch, 3000, "can_tho_2021")  # these tests were written on the 2021 plan
    at.session_state["tab"] = "PAR INDEX"
    return at.run()


def test_target_typed_with_a_comma_or_a_dot(par_tab):
    at = par_tab
    field = at.text_input(key="w:ts:par_index")
    assert field.value == "86"
    field.input("87,5").run()
    assert at.session_state["targets"]["par_index"][0] == 87.5 and not at.error
    assert at.text_input(key="w:ts:par_index").value == "87,5"
    at.text_input(key="w:ts:par_index").input("87.25").run()
    assert at.session_state["targets"]["par_index"][0] == 87.25


def test_ambiguous_or_out_of_range_target_is_refused_aloud_and_the_value_kept(par_tab):
    at = par_tab
    at.text_input(key="w:ts:par_index").input("8.376,5").run()
    assert "không rõ nghĩa" in at.error[0].value
    assert at.session_state["targets"]["par_index"][0] == 86.0
    assert at.text_input(key="w:ts:par_index").value == "86"
    at.text_input(key="w:ts:par_index").input("865").run()
    assert "ngoài khoảng" in at.error[0].value and at.session_state["targets"]["par_index"][0] == 86.0


def test_a_cleared_target_restores_its_value(par_tab):
    at = par_tab
    at.text_input(key="w:ts:par_index").input("").run()
    assert not at.error
    assert at.session_state["targets"]["par_index"][0] == 86.0
    assert at.text_input(key="w:ts:par_index").value == "86"


def test_budget_typed_the_vietnamese_way_is_bounded_and_restored(par_tab):
    at = par_tab
    at.session_state["tab"] = "Quyết định"
    at.session_state["dec_tab"] = "Phân bổ ngân sách"
    at.run()
    field = at.text_input(key="w:budget")
    assert field.value == "54"
    field.input("54,5").run()
    assert at.text_input(key="w:budget").value == "54,5" and not at.error
    at.text_input(key="w:budget").input("1000000").run()
    assert "ngoài khoảng" in at.error[0].value
    assert at.text_input(key="w:budget").value == "54,5"
    at.text_input(key="w:budget").input("").run()
    assert at.text_input(key="w:budget").value == "54,5"
