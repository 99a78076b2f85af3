"""Plan files and index definitions: valid files load, every bad input names its key."""

from __future__ import annotations

import copy
import os
from dataclasses import replace
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
        (lambda r: r["indices"]["papi"]["groups"][0].update(id="g 1\n"), "groups[0].id", "a group id is"),
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
    sent = {"papi_official.toml": text.encode()}
    assert parse_scenario(raw, "p", definitions=sent).indices["papi"].spec.bounds == (8.0, 80.0)
    with pytest.raises(InputError, match="no definition file of that name was sent"):
        parse_scenario(raw, "p")
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


@pytest.mark.parametrize("absolute", [True, False])
def test_a_plan_never_opens_a_path(tmp_path: Path, plan: Scenario, absolute: bool, monkeypatch) -> None:
    """Reproduces issue 11: ``definition = "/any/path.toml"`` opened server files and echoed them."""
    secret = tmp_path / "secret.toml"
    secret.write_text('TOPSECRET_KEY = "hunter2"\nid = "par_index"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    raw = _raw(plan)
    raw["indices"]["par_index"]["definition"] = str(secret) if absolute else "secret.toml"
    with pytest.raises(InputError) as err:
        parse_scenario(raw, "upload.toml")
    assert "never opens a path" in str(err.value)
    assert "TOPSECRET" not in str(err.value) and "hunter2" not in str(err.value)
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(plan.to_toml().replace('"par_index_2020"', '"secret.toml"', 1), "utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(plan_file)
    assert "TOPSECRET" not in str(err.value)


def test_an_uploaded_definition_is_validated_without_echoing_values(plan: Scenario) -> None:
    raw = _raw(plan)
    raw["indices"] = {"papi": raw["indices"]["papi"]}
    raw["indices"]["papi"]["definition"] = "mine.toml"
    with pytest.raises(InputError, match=r"mine\.toml.*not valid TOML"):
        parse_scenario(raw, "p", definitions={"mine.toml": b"password: hunter2\n"})


def test_deeply_nested_toml_is_a_named_error() -> None:
    for text in ("a = " + "[" * 5000 + "]" * 5000, "a = " + "{b=" * 50 + "1" + "}" * 50):
        with pytest.raises(InputError, match=r"nested more than \d+ levels deep"):
            parse_scenario(text, "deep.toml")


def test_plan_file_size_and_kind_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="above the limit of 1000000 bytes"):
        parse_scenario(b"# " + b"x" * 1_000_001, "big.toml")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load_scenario(fifo)


def test_huge_costs_and_budgets_are_refused(plan: Scenario) -> None:
    raw = _raw(plan)
    raw["indices"]["papi"]["groups"][0]["cost_per_point"] = 1e308
    with pytest.raises(InputError, match=r"groups\[0\]\.cost_per_point: 1e\+308 is outside \[0, 1e\+09\]"):
        parse_scenario(raw, "p")
    raw = _raw(plan)
    raw["plan"]["budget"] = 1e300
    with pytest.raises(InputError, match=r"plan\.budget: .* is outside \[0, 1e\+12\]"):
        parse_scenario(raw, "p")


# ---- version 2 ---------------------------------------------------------------------------------

V1 = Path(__file__).resolve().parent / "data" / "can_tho_2021_v1.toml"
V1_STATUS_QUO = Path(__file__).resolve().parent / "data" / "can_tho_2021_status_quo_v1.toml"


def test_shipped_plans_are_version_2_and_equal_their_version_1(plan: Scenario, status_quo: Scenario) -> None:
    assert "version = 2" in PLAN.read_text("utf-8")
    sq_text = (PLAN.parent / "can_tho_2021_status_quo.toml").read_text("utf-8")
    assert 'extends = "can_tho_2021.toml"' in sq_text and len(sq_text.splitlines()) < 15
    assert load_scenario(V1).to_dict() == plan.to_dict()
    assert load_scenario(V1_STATUS_QUO).to_dict() == status_quo.to_dict()


def test_version_2_defaults_percent_and_ids(plan: Scenario) -> None:
    text = """
version = 2
[plan]
province = "Cần Thơ"
year = 2021
[indices.papi]
target_score = 45
target_rank = 20
reliability = 0.7
cost_per_point = 0.5
[indices.papi.groups.g1]
name_vi = "Một"
planned = 72.5
bau = 60
weights = { d1_participation = 0.5 }
[indices.papi.groups.g2]
name_vi = "Hai"
planned = 80
bau = 60
reliability = 0.9
weights = { d2_transparency = 0.5 }
"""
    s = parse_scenario(text, "v2.toml")
    g1, g2 = s.indices["papi"].groups
    assert (g1.id, g1.planned, g1.bau, g1.reliability, g1.cost_per_point) == ("g1", 0.725, 0.6, 0.7, 0.5)
    assert (g2.id, g2.planned, g2.reliability, g2.cost_per_point) == ("g2", 0.8, 0.9, 0.5)
    with pytest.raises(InputError, match=r"indices\.papi\.groups\.g1\.planned: 120 is outside \[0, 100\]"):
        parse_scenario(text.replace("72.5", "120"), "v2.toml")
    with pytest.raises(InputError, match=r"indices\.papi\.reliability: 1\.5 is outside"):
        parse_scenario(text.replace("reliability = 0.7", "reliability = 1.5"), "v2.toml")
    with pytest.raises(InputError, match="group id is 1–64 letters"):
        parse_scenario(text.replace("groups.g2]", 'groups."g 2\\n"]'), "v2.toml")


@pytest.mark.parametrize("level", [0.725, 0.1 + 0.2, 1 / 3, 0.955, 0.0, 1.0, 0.123456789012345])
def test_levels_survive_the_percent_round_trip(plan: Scenario, level: float) -> None:
    changed = plan.with_levels({"papi": {plan.indices["papi"].groups[0].id: level}})
    again = parse_scenario(changed.to_toml(), "again")
    assert again.indices["papi"].groups[0].planned == level
    assert again.to_dict() == changed.to_dict()


def test_control_characters_round_trip(plan: Scenario) -> None:
    """Reproduces issue 11: the hand-written TOML writer broke on "\\r"."""
    odd = replace(plan, name='Kế hoạch "A"\r\n\t\x1b[31m', notes="a\rb\\c\u2028")
    again = parse_scenario(odd.to_toml(), "again")
    assert (again.name, again.notes) == (odd.name, odd.notes)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_extends_with_levels(tmp_path: Path, plan: Scenario) -> None:
    _write(tmp_path, "base.toml", plan.to_toml())
    child = _write(
        tmp_path,
        "child.toml",
        'version = 2\nextends = "base.toml"\nplan.name = "BAU"\n[levels]\nall = "bau"\npapi = 80\n'
        "[levels.sipas]\ng1_access = 90\n",
    )
    s = load_scenario(child)
    assert s.name == "BAU" and s.province == plan.province
    assert all(g.planned == g.bau for g in s.indices["par_index"].groups)
    assert all(g.planned == 0.8 for g in s.indices["papi"].groups)
    sipas = {g.id: g.planned for g in s.indices["sipas"].groups}
    assert sipas.pop("g1_access") == 0.9
    assert all(sipas[g.id] == g.bau for g in s.indices["sipas"].groups if g.id in sipas)


@pytest.mark.parametrize(
    ("extends", "problem"),
    [
        ("../base.toml", "bare file name"),
        ("/etc/passwd", "bare file name"),
        ("sub/base.toml", "bare file name"),
        ("missing.toml", "no plan file 'missing.toml'"),
        ("loop.toml", "extends itself"),
        ("link.toml", "leads outside"),
    ],
)
def test_extends_stays_in_its_folder(tmp_path: Path, plan: Scenario, extends: str, problem: str) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    _write(tmp_path, "base.toml", plan.to_toml())
    (folder / "link.toml").symlink_to(tmp_path / "base.toml")
    _write(folder, "loop.toml", 'version = 2\nextends = "child.toml"\n')
    child = _write(folder, "child.toml", f'version = 2\nextends = "{extends}"\n')
    with pytest.raises(InputError, match=problem):
        load_scenario(child)
    with pytest.raises(InputError, match="cannot extend another"):
        parse_scenario(child.read_bytes(), "upload.toml")


def test_levels_errors_name_the_key(tmp_path: Path, plan: Scenario) -> None:
    _write(tmp_path, "base.toml", plan.to_toml())
    for levels, where in [
        ("gdp = 5", "levels.gdp"),
        ("papi = 120", "levels.papi: 120 is outside [0, 100]"),
        ('papi = "max"', "levels.papi: 'max' is not a level"),
        ("[levels.papi]\nnope = 5", "levels.papi.nope: is not a task group"),
    ]:
        body = levels if levels.startswith("[") else f"[levels]\n{levels}"
        child = _write(tmp_path, "c.toml", f'version = 2\nextends = "base.toml"\n{body}\n')
        with pytest.raises(InputError) as err:
            load_scenario(child)
        assert where in str(err.value), str(err.value)


def test_the_documented_example_is_a_valid_plan() -> None:
    import re

    doc = (PLAN.parents[1] / "docs" / "plan_files.md").read_text("utf-8")
    example = re.findall(r"```toml\n(.*?)```", doc, re.S)[0]
    g = parse_scenario(example, "docs/plan_files.md").indices["papi"].groups[0]
    assert (g.id, g.planned, g.bau, g.reliability, g.cost_exponent) == (
        "g1_participation",
        0.95,
        0.75,
        0.8,
        1.3,
    )


def test_plan_notes_in_each_language_survive_a_round_trip(plan: Scenario) -> None:
    assert "GIẢ ĐỊNH" in plan.notes_for("vi") and "ASSUMPTIONS" not in plan.notes_for("vi")
    assert "ASSUMPTIONS" in plan.notes_for("en")
    back = parse_scenario(plan.to_toml(), "t.toml")
    assert (back.notes_for("vi"), back.notes_for("en")) == (plan.notes_for("vi"), plan.notes_for("en"))
    one = replace(plan, notes="một ghi chú", notes_vi="", notes_en="")
    assert one.notes_for("en") == one.notes_for("vi") == "một ghi chú"
