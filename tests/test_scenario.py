"""Plan files and index definitions: valid files load, every bad input names its key."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from simulator.errors import InputError
from simulator.indices import load_index_spec, shipped_names, shipped_spec, spec_for
from simulator.scenario import Scenario, load_scenario, parse_scenario

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "can_tho_2021.toml"


def _raw(plan: Scenario) -> dict:
    return copy.deepcopy(plan.to_dict())


def test_shipped_plans_load(plan: Scenario, status_quo: Scenario) -> None:
    assert plan.province == "Cần Thơ" and plan.year == 2021
    targets = {k: (p.target_score, p.target_rank) for k, p in plan.indices.items()}
    assert targets == {"par_index": (86.0, 15), "sipas": (88.0, 25), "papi": (45.0, 20)}
    assert all(len(p.groups) == 8 for p in plan.indices.values())
    for p in status_quo.indices.values():
        assert all(g.planned == g.bau for g in p.groups)
    assert status_quo.cost() == 0.0 and plan.cost() > 0


def test_round_trip_through_toml(plan: Scenario) -> None:
    again = parse_scenario(plan.to_toml(), "again")
    assert again.to_dict() == plan.to_dict()


def test_shipped_definitions_sum_to_their_scales() -> None:
    totals = {n: shipped_spec(n).bounds for n in shipped_names()}
    assert totals["par_index_2020"][1] == pytest.approx(100.0)
    assert totals["papi_2018"] == (8.0, 80.0) and totals["papi_2011"] == (6.0, 60.0)
    par = shipped_spec("par_index_2020")
    by_kind = {
        k: sum(s.hi for s in par.subcriteria if s.kind == k) for k in ("appraisal", "survey", "statistic")
    }
    assert by_kind["appraisal"] == pytest.approx(60.5) and by_kind["statistic"] == pytest.approx(6.0)
    assert by_kind["survey"] == pytest.approx(23.5 + 10.0)  # leaders' survey + SIPAS
    assert any("assumption" in a.lower() for a in par.assumptions())
    assert spec_for("papi", 2015).version == "2011" and spec_for("papi", 2021).version == "2018"


@pytest.mark.parametrize(
    ("edit", "where", "problem"),
    [
        (
            lambda r: r["indices"]["papi"]["groups"][0].update(planned=1.5),
            "indices.papi.groups[0].planned",
            "outside [0, 1]",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][0].update(bau=-0.1),
            "indices.papi.groups[0].bau",
            "outside",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][0].update(planned="high"),
            "groups[0].planned",
            "must be a number",
        ),
        (lambda r: r["indices"]["papi"]["groups"][0].update(colour="red"), "groups[0].colour", "unknown key"),
        (lambda r: r["plan"].update(province="Atlantis"), "plan.province", "unknown province"),
        (lambda r: r["plan"].update(year="2021"), "plan.year", "whole number"),
        (lambda r: r["indices"]["papi"].pop("target_score"), "indices.papi.target_score", "is required"),
        (lambda r: r["indices"]["papi"].pop("target_rank"), "indices.papi.target_rank", "is required"),
        (
            lambda r: r["indices"]["papi"].update(target_rank=64),
            "indices.papi.target_rank",
            "outside [1, 63]",
        ),
        (
            lambda r: r["indices"]["papi"].update(target_score=95.0),
            "indices.papi.target_score",
            "outside [8, 80]",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][0]["weights"].update(d9_magic=0.1),
            "weights.d9_magic",
            "unknown sub-criterion",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][0]["weights"].update(d1_participation=1.2),
            "weights.d1_participation",
            "outside [0, 1]",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][1]["weights"].update(d1_participation=0.5),
            "weights.d1_participation",
            "sum to 1.1 > 1",
        ),
        (
            lambda r: r["indices"]["par_index"]["groups"][7]["weights"].update(f8_sipas=0.2),
            "weights.f8_sipas",
            "fed by another index",
        ),
        (lambda r: r["indices"].update(gdp={}), "indices.gdp", "unknown key"),
        (lambda r: r["indices"]["papi"].update(groups=[]), "indices.papi.groups", "at least one"),
        (
            lambda r: r["indices"]["papi"]["groups"][1].update(id="g1_participation"),
            "indices.papi.groups",
            "used twice",
        ),
        (
            lambda r: r["indices"]["papi"].update(definition="papi_2011"),
            "indices.papi.definition",
            "not the plan year 2021",
        ),
        (
            lambda r: r["indices"]["papi"].update(definition="papi_1999"),
            "indices.papi.definition",
            "no shipped definition",
        ),
        (
            lambda r: r["indices"]["papi"].update(definition="par_index_2020"),
            "indices.papi.definition",
            "is of par_index",
        ),
        (
            lambda r: r["indices"]["papi"]["groups"][0].update(reliability=1.0),
            "groups[0].reliability",
            "outside",
        ),
        (lambda r: r.pop("plan"), "plan", "is required"),
    ],
)
def test_bad_plans_name_the_key(plan: Scenario, edit, where: str, problem: str) -> None:
    raw = _raw(plan)
    edit(raw)
    with pytest.raises(InputError) as err:
        parse_scenario(raw, "myplan.toml")
    message = str(err.value)
    assert message.startswith("myplan.toml: ")
    assert where in message and problem in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"[plan\nprovince=", "is not valid TOML"),
        (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
        (b"plan = 3", "plan: must be a table"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as err:
        load_scenario(path)
    assert str(err.value).startswith(str(path))


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        load_scenario(tmp_path / "nope.toml")


def test_province_spellings_resolve(plan: Scenario) -> None:
    raw = _raw(plan)
    raw["plan"]["province"] = "TP. Can Tho"
    assert parse_scenario(raw, "p").province == "Cần Thơ"


def test_user_definition_file_is_validated(tmp_path: Path, plan: Scenario) -> None:
    good = Path(__file__).resolve().parents[1] / "simulator" / "data" / "indices" / "papi_2018.toml"
    text = good.read_text("utf-8")
    mine = tmp_path / "papi_official.toml"
    mine.write_text(text, "utf-8")
    assert load_index_spec(mine).bounds == (8.0, 80.0)
    raw = _raw(plan)
    raw["indices"] = {"papi": raw["indices"]["papi"]}
    raw["indices"]["papi"]["definition"] = "papi_official.toml"
    assert parse_scenario(raw, "p", base=tmp_path).indices["papi"].spec.bounds == (8.0, 80.0)
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('kind = "survey"', 'kind = "vibes"', 1), "utf-8")
    with pytest.raises(InputError, match=r"broken\.toml subcriteria\[0\]\.kind.*'vibes'"):
        load_index_spec(broken)
    over = tmp_path / "over.toml"
    over.write_text(text.replace("max = 10.0", "max = 0.5", 1), "utf-8")
    with pytest.raises(InputError, match=r"subcriteria\[0\]\.max.*must exceed min"):
        load_index_spec(over)


def test_plan_file_on_disk_is_the_shipped_one() -> None:
    assert load_scenario(PLAN).source == str(PLAN)
