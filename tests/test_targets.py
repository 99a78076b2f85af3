"""Targets as planners write them: each relative target on a hand-computed case."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulator.errors import InputError
from simulator.outcomes import summarise
from simulator.scenario import Scenario, parse_scenario
from simulator.targets import Target, parse_target

RANKS = np.array([15, 17, 18, 20, 25])
SCORES = np.array([89.99, 90.0, 91.0, 85.0, 95.0])


def _plan(plan: Scenario, index_id: str, year: int, **changes: object) -> Scenario:
    raw = copy.deepcopy(plan.to_dict())
    raw["plan"]["year"] = year
    raw["indices"] = {index_id: raw["indices"][index_id]}
    table = raw["indices"][index_id]
    for key, value in changes.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return parse_scenario(raw, "p")


def _result(scen: Scenario, index_id: str, n_units: int) -> dict:
    p = scen.indices[index_id]
    s = len(p.spec.subcriteria)
    res = summarise(p, SCORES, RANKS, n_units, np.zeros(s), np.zeros(s), True)
    return {"p_rank": res.p_rank, "p_score": res.p_score, "p_both": res.p_both, **res.to_dict()["targets"]}


def test_up_k_places_on_last_year(plan: Scenario) -> None:
    scen = _plan(
        plan, "par_index", 2021, target_rank=None, last_rank=20, target={"kind": "up_places", "places": 3}
    )
    r = _result(scen, "par_index", 63)
    assert r == {
        "p_rank": 2 / 5,
        "p_score": 4 / 5,  # 89.99, 90, 91, 95 reach 86
        "p_both": 2 / 5,  # ranks 15 and 17 with 89.99 and 90
        "score": 86.0,
        "rank": 17,
        "kind": "up_places",
    }


def test_out_of_the_bottom_group_in_a_field_of_34(plan: Scenario) -> None:
    scen = _plan(plan, "papi", 2026, target_rank=None, target={"kind": "out_of_bottom", "bottom": 10})
    r = _result(scen, "papi", 34)
    assert (r["rank"], r["kind"], r["p_rank"]) == (24, "out_of_bottom", 4 / 5)


def test_grade_a_is_par_at_least_90_percent(plan: Scenario) -> None:
    scen = _plan(plan, "par_index", 2021, target_score=None, target={"kind": "grade", "grade": "A"})
    r = _result(scen, "par_index", 63)
    assert (r["score"], r["rank"], r["kind"]) == (90.0, 15, "grade")
    assert r["p_score"] == 3 / 5  # 90.0, 91.0, 95.0 reach 90; 89.99 does not
    assert r["p_both"] == 0.0  # the one draw ranked within 15 scores 89.99


def test_rank_no_worse_than_last_year(plan: Scenario) -> None:
    scen = _plan(plan, "sipas", 2021, target_rank=None, last_rank=18, target={"kind": "no_worse"})
    r = _result(scen, "sipas", 63)
    assert (r["rank"], r["kind"], r["p_rank"]) == (18, "no_worse", 3 / 5)


def test_absolute_targets_keep_their_kind(plan: Scenario) -> None:
    r = _result(_plan(plan, "papi", 2021), "papi", 63)
    assert (r["score"], r["rank"], r["kind"]) == (45.0, 20, "absolute")


def test_relative_targets_round_trip_through_the_plan_file(plan: Scenario) -> None:
    scen = _plan(
        plan, "par_index", 2021, target_rank=None, last_rank=20, target={"kind": "up_places", "places": 3}
    )
    table = scen.to_dict()["indices"]["par_index"]
    assert table["target"] == {"kind": "up_places", "places": 3} and "target_rank" not in table
    again = parse_scenario(scen.to_toml(), "again")
    assert again.indices["par_index"].target == Target("up_places", 86.0, 17, value=3)
    moved = again.with_targets("par_index", 80.0, 10)
    assert (
        moved.indices["par_index"].target is None and "target_rank" in moved.to_dict()["indices"]["par_index"]
    )


@pytest.mark.parametrize(
    ("changes", "where", "problem"),
    [
        ({"target": {"kind": "up_places", "places": 3}}, "indices.par_index.target_rank", "not both"),
        (
            {"target_rank": None, "target": {"kind": "up_places", "places": 3}},
            "target.kind",
            "give last_rank",
        ),
        (
            {"target_rank": None, "last_rank": 2, "target": {"kind": "up_places", "places": 3}},
            "places",
            "above",
        ),
        ({"target_rank": None, "target": {"kind": "best"}}, "target.kind", "is not one of"),
        ({"target_rank": None, "target": {"kind": "no_worse", "places": 2}}, "target.places", "not used"),
        ({"target_score": None, "target": {"kind": "grade", "grade": "D"}}, "target.grade", "is not one of"),
        ({"target_rank": None, "target": {"kind": "out_of_bottom", "bottom": 63}}, "target.bottom", "63"),
    ],
)
def test_bad_targets_name_the_key(plan: Scenario, changes: dict, where: str, problem: str) -> None:
    with pytest.raises(InputError) as err:
        _plan(plan, "par_index", 2021, **changes)
    assert where in err.value.where and problem in str(err.value)


def test_grades_are_for_par_index_only(plan: Scenario) -> None:
    with pytest.raises(
        InputError, match=r"indices\.papi\.target\.kind: grades A/B/C exist for par_index only"
    ):
        _plan(plan, "papi", 2021, target_score=None, target={"kind": "grade", "grade": "A"})


def test_last_years_rank_of_another_field_cannot_anchor_a_target(plan: Scenario) -> None:
    with pytest.raises(InputError, match="last year ranked 63 units and this year ranks 34"):
        _plan(plan, "papi", 2025, target_rank=None, last_rank=20, target={"kind": "no_worse"})
    scen = _plan(plan, "papi", 2026, target_rank=None, last_rank=20, target={"kind": "no_worse"})
    assert scen.indices["papi"].target_rank == 20


def test_parse_target_known_answers() -> None:
    base = {"target_score": 40.0}
    kw = {"index_id": "papi", "n_units": 34, "bounds": (8.0, 80.0)}
    up = parse_target(base | {"target": {"kind": "up_places", "places": 5}}, "i", last_rank=12, **kw)
    assert (up.score, up.rank, up.describe("en")) == (40.0, 7, "up 5 places (score ≥ 40, rank ≤ 7)")
    out = parse_target(base | {"target": {"kind": "out_of_bottom", "bottom": 5}}, "i", last_rank=None, **kw)
    assert out.rank == 29 and out.describe("vi") == "ra khỏi nhóm 5 cuối (điểm ≥ 40, hạng ≤ 29)"
