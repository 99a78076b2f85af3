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
