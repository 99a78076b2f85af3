"""Index definitions for the years ahead: which method covers a year, and clear refusals."""

from __future__ import annotations

import copy

import pytest

from simulator.errors import InputError
from simulator.indices import shipped_names, shipped_spec, spec_for
from simulator.scenario import Scenario, parse_scenario


@pytest.mark.parametrize("index_id", ["par_index", "sipas", "papi"])
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_years_ahead_have_a_definition(index_id: str, year: int) -> None:
    spec = spec_for(index_id, year)
    assert spec.id == index_id and spec.years[0] <= year <= spec.years[1]


def test_par_index_from_2022_to_2030_is_qd_876() -> None:
    for year in (2022, 2024, 2025, 2030):
        spec = spec_for("par_index", year)
        assert spec.version == "2022" and "876/QĐ-BNV" in spec.source
    assert spec_for("par_index", 2021).version == "2020"


def test_sipas_2023_2026_is_qd_1001_and_newer_method_wins_an_overlap() -> None:
    for year in (2023, 2024, 2025, 2026):
        spec = spec_for("sipas", year)
        assert spec.version == "2023" and "1001/QĐ-BNV" in spec.source and spec.years == (2023, 2026)
    assert spec_for("sipas", 2022).version == "2017"
    later = spec_for("sipas", 2027)
    assert later.years == (2027, 2030) and later.source.startswith("ASSUMPTION")
    assert all(s.is_assumption for s in later.subcriteria)


def test_papi_has_eight_dimensions_to_2030() -> None:
    spec = spec_for("papi", 2030)
    assert len(spec.components) == 8 and spec.bounds == (8.0, 80.0)


def test_every_shipped_definition_tags_what_it_knows() -> None:
    for name in shipped_names():
        spec = shipped_spec(name)
        text = f"{spec.source} {spec.notes}"
        assert "[verified]" in text or "[unknown" in text or "ASSUMPTION" in text, name


def test_a_year_no_definition_covers_is_refused_in_one_line() -> None:
    with pytest.raises(InputError) as err:
        spec_for("sipas", 2012)
    msg = str(err.value)
    assert msg.startswith("sipas 2012: no shipped definition covers 2012")
    assert "2023: 2023–2026" in msg and "\n" not in msg


def test_a_definition_valid_for_some_years_refuses_the_others(plan: Scenario) -> None:
    raw = copy.deepcopy(plan.to_dict())
    raw["plan"]["year"] = 2027
    raw["plan"]["province"] = "Cần Thơ"
    raw["indices"] = {"sipas": raw["indices"]["sipas"]}
    raw["indices"]["sipas"]["definition"] = "sipas_2023"
    raw["indices"]["sipas"]["target_rank"] = 10
    with pytest.raises(
        InputError, match=r"indices\.sipas\.definition: sipas 2023 covers 2023–2026, not the plan year 2027"
    ):
        parse_scenario(raw, "p")
    del raw["indices"]["sipas"]["definition"]
    assert parse_scenario(raw, "p").indices["sipas"].spec.version == "2027-assumed"


def test_a_plan_of_2026_takes_the_34_units(plan: Scenario) -> None:
    raw = copy.deepcopy(plan.to_dict())
    raw["plan"]["year"] = 2026
    raw["indices"] = {"papi": raw["indices"]["papi"]}
    raw["indices"]["papi"]["target_rank"] = 34
    raw["plan"]["province"] = "Thành phố Huế"
    assert parse_scenario(raw, "p").province == "Huế"
    raw["indices"]["papi"]["target_rank"] = 35
    with pytest.raises(InputError, match=r"target_rank"):
        parse_scenario(raw, "p")
    raw["indices"]["papi"]["target_rank"] = 10
    raw["plan"]["province"] = "Sóc Trăng"
    with pytest.raises(InputError, match=r"plan\.province: Sóc Trăng đã hợp nhất vào thành phố Cần Thơ"):
        parse_scenario(raw, "p")
    raw["plan"]["year"] = 2024
    assert parse_scenario(raw, "p").province == "Sóc Trăng"
