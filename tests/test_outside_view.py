"""Outside view: the calibration solver, the flag and the JSON record."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.outside_view import E_MAX, OutsideView, calibrate, gain_summary
from simulator.reference_class import BaseRate, ReferenceClass


def test_calibrate_solves_a_clipped_gain() -> None:
    # proportional up to a ceiling: G(e) = min(3e, 2)
    c = calibrate(lambda e: min(3.0 * e, 2.0), 1.2)
    assert c.effectiveness == pytest.approx(0.4, rel=0.01)
    assert c.gain == pytest.approx(1.2, rel=0.01) and not c.capped


def test_calibrate_caps_an_unreachable_target() -> None:
    c = calibrate(lambda e: e, 5.0)
    assert c.effectiveness == E_MAX and c.capped


def test_calibrate_with_a_concave_gain_iterates() -> None:
    c = calibrate(lambda e: 4.0 * (1 - np.exp(-e)), 1.5)
    assert 4.0 * (1 - np.exp(-c.effectiveness)) == pytest.approx(1.5, rel=0.011)
    assert c.iterations > 1


def _view(gain: float) -> OutsideView:
    cls = ReferenceClass("papi", "bau_residual", np.arange(1.0, 101.0), (2019, 2020))
    return OutsideView(gain, 0.01, cls.percentile(gain), cls, BaseRate(None, 3, "only 3 comparable"))


def test_flag_above_the_95th_percentile_in_plain_words() -> None:
    assert not _view(50.0).flagged and _view(50.0).flag_text() == ""
    high = _view(97.5)  # 97 of 100 below: the 97th percentile
    assert high.flagged
    assert high.flag_text("vi") == "Kế hoạch giả định mức tăng mà chỉ 3,0 % tỉnh-năm từng đạt."
    assert "3.0 %" in high.flag_text("en")


def test_contract_keys() -> None:
    d = _view(5.0).to_dict()
    for key in ("gain_mean", "gain_percentile", "reference_n", "reference", "base_rate_p_both"):
        assert key in d
    assert d["base_rate_p_both"] is None and d["why"] == "only 3 comparable"
    assert d["reference_n"] == 100


def test_gain_summary_on_common_random_numbers() -> None:
    rng = np.random.default_rng(0)
    bau = rng.normal(40, 2, 10_000)
    m, se = gain_summary(bau + 1.0, bau)
    assert m == pytest.approx(1.0) and se == pytest.approx(0.0, abs=1e-12)


def _synthetic_class(values: np.ndarray):  # type: ignore[no-untyped-def]
    """A class built from a synthetic two-year history whose one-year changes are ``values``."""
    import pandas as pd

    from simulator.history import History
    from simulator.reference_class import build_class, pairs
    from simulator.units import UnitRegistry

    names = tuple(f"U{i:03d}" for i in range(values.size))
    start = np.linspace(40.0, 44.0, values.size)
    rows = [
        {"year": y, "unit": u, "score": s, "rank": np.nan, "source": "synthetic"}
        for y, scores in ((2019, start), (2020, start + values))
        for u, s in zip(names, scores, strict=True)
    ]
    empty = pd.DataFrame(columns=["year", "statistic", "value", "source"])
    h = History("papi", pd.DataFrame(rows), empty, UnitRegistry(names))
    return build_class(pairs(h), "papi", kind="one_year_change")


def test_calibrated_full_effort_gain_is_the_known_90th_percentile() -> None:
    from simulator.engine import Engine
    from simulator.outside_view import calibrate_scenario, full_effort, index_gain
    from simulator.scenario import load_scenario

    values = np.random.default_rng(3).permutation(np.linspace(-1.0, 1.0, 201))  # q90 = 0.8 exactly
    cls = _synthetic_class(values)
    assert cls.quantile(0.9) == pytest.approx(0.8)
    plan = load_scenario("scenarios/can_tho_2021.toml")
    engine = Engine(plan, Engine.from_scenario(plan).forecasts, Engine.from_scenario(plan).focal)
    unc = engine.uncertainties(4000, 11)
    calibrated, cals = calibrate_scenario(engine, unc, plan, {"papi": 90.0}, classes={"papi": cls})
    assert cals["papi"].target_gain == pytest.approx(0.8) and not cals["papi"].capped
    # on fresh draws: the full-effort gain equals the class's 90th percentile within MC error
    fresh = engine.uncertainties(20000, 12)
    bau = engine.run(fresh, calibrated.at_bau())
    gain = index_gain(engine, fresh, full_effort(calibrated), bau, "papi")
    d = engine.run(fresh, full_effort(calibrated)).indices["papi"].score - bau.indices["papi"].score
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert abs(gain - 0.8) < 4 * se + 0.01 * 0.8  # MC error + the solver's 1 % tolerance


def test_a_hand_set_plan_above_the_95th_percentile_is_flagged() -> None:
    from simulator.engine import Engine
    from simulator.outside_view import outside_views
    from simulator.scenario import load_scenario

    plan = load_scenario("tests/data/can_tho_2021_v1.toml")
    text = open("tests/data/can_tho_2021_v1.toml", encoding="utf-8").read()
    assert plan.indices["papi"].calibrated
    from simulator.scenario import parse_scenario

    head, papi = text.split("[indices.papi]")
    bold = parse_scenario(
        head + "[indices.papi]" + papi.replace('effectiveness = "calibrated"', "effectiveness = { mean = 0.95 }", 1),
        "bold.toml",
    )
    bold = bold.with_levels({"papi": {g.id: 1.0 for g in bold.indices["papi"].groups}})
    engine = Engine.from_scenario(bold)
    unc = engine.uncertainties(4000, 1)
    view = outside_views(engine, unc, bold, engine.run(unc, bold))["papi"]
    assert view.gain_percentile > 95 and view.flagged
    assert view.flag_text("vi").startswith("Kế hoạch giả định mức tăng mà chỉ")
