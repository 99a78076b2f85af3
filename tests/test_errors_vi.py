"""Validation errors in Vietnamese: templates that keep the place and write numbers the Vietnamese way."""

from __future__ import annotations

import pytest

from simulator.errors import InputError, vi_problem
from simulator.schema import check_keys, take


def test_out_of_range_names_the_place_in_vietnamese() -> None:
    with pytest.raises(InputError) as caught:
        take({"planned": 1.5}, "planned", "indices.par_index.groups[0]", float, lo=0.0, hi=1.0)
    err = caught.value
    assert err.message("vi") == "indices.par_index.groups[0].planned: 1,5 nằm ngoài khoảng [0; 1]"
    assert err.message("en") == str(err) == "indices.par_index.groups[0].planned: 1.5 is outside [0, 1]"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: take({}, "year", "plan", int), "plan.year: thiếu: mục này là bắt buộc"),
        (
            lambda: take({"year": "x"}, "year", "plan", int),
            "plan.year: phải là một số nguyên, không phải 'x'",
        ),
        (lambda: take({"name": " "}, "name", "plan", str), "plan.name: không được để trống"),
        (
            lambda: check_keys({"evil": 1}, "plan", ("name", "year")),
            "plan.evil: khóa không được dùng ở đây (các khóa hợp lệ: name, year)",
        ),
    ],
)
def test_schema_problems_have_vietnamese_templates(call, expected) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.message("vi") == expected


def test_units_and_sizes() -> None:
    from simulator.units import units_for_year as units_for

    with pytest.raises(InputError) as caught:
        units_for(2026).resolve("Atlantis", "plan.province")
    assert caught.value.message("vi").startswith("plan.province: không có tỉnh/thành phố 'Atlantis'")
    with pytest.raises(InputError) as caught:
        units_for(2026).resolve("Hà Giang", "plan.province")
    vi = caught.value.message("vi")
    assert "đã hợp nhất vào" in vi and "merged" not in vi
    assert vi_problem("2000000 bytes is above the limit of 1000000 bytes for a plan file") == (
        "2000000 byte, vượt giới hạn 1000000 byte của một tệp kế hoạch"
    )
    assert vi_problem("has more than 5000 rows (the limit for a results table)") == (
        "có hơn 5000 dòng (giới hạn của một bảng kết quả)"
    )


def test_unknown_problem_stays_english_and_explicit_vietnamese_wins() -> None:
    assert vi_problem("something new went wrong") == "something new went wrong"
    err = InputError("budget", "is too big", problem_vi="quá lớn")
    assert err.message("vi") == "budget: quá lớn" and str(err) == "budget: is too big"
    assert (
        InputError("table.csv row 3 column 'score'", "is empty").message("vi")
        == "table.csv dòng 3 cột 'score': trống"
    )


def test_cli_prints_vietnamese_then_english_and_english_alone(tmp_path, capsys) -> None:
    from simulator.__main__ import main

    plan = tmp_path / "plan.toml"
    plan.write_bytes(b"[plan]\nname = 1\n")
    assert main(["run", str(plan), "--draws", "100", "--lang", "vi"]) == 2
    vi = capsys.readouterr().err
    assert vi.startswith("lỗi: ") and vi.count("\n") == 1 and "| error: " in vi
    assert main(["run", str(plan), "--draws", "100", "--lang", "en"]) == 2
    en = capsys.readouterr().err
    assert en.startswith("error: ") and "lỗi" not in en


def test_a_province_without_a_score_is_told_in_vietnamese(plan) -> None:
    from dataclasses import replace

    from simulator.engine import Engine

    sipas = replace(plan.indices["sipas"], last_score=None, last_rank=None)
    bare = replace(plan, year=2012, indices={"sipas": sipas})  # SIPAS starts in 2017
    with pytest.raises(InputError) as caught:
        Engine.from_scenario(bare)
    assert caught.value.message("vi").startswith("indices.sipas: Cần Thơ chưa có điểm sipas trước năm 2012")
