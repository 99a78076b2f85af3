"""A PanelSpec for the league regime (PAR INDEX, SIPAS): refused by name, never silently ignored."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.errors import InputError
from simulator.forecast import PanelSpec, fit_forecast
from simulator.history import load_history
from simulator.panel import SHIPPED_SPEC


@pytest.mark.parametrize(
    ("index_id", "spec", "option"),
    [
        ("par_index", SHIPPED_SPEC, "persistence_weight"),
        ("sipas", PanelSpec(persistence_weight="rolling"), "persistence_weight"),
        ("sipas", PanelSpec(unit_df=5.0), "unit_df"),
        ("par_index", PanelSpec(level_reversion=0.0), "level_reversion"),
    ],
)
def test_a_panel_option_for_a_league_index_is_refused_by_name(
    index_id: str, spec: PanelSpec, option: str
) -> None:
    with pytest.raises(InputError) as err:
        fit_forecast(load_history(index_id), 2021, spec=spec)
    assert err.value.where == f"{index_id} spec.{option}"
    assert index_id in err.value.problem and "league" in err.value.problem
    assert "\n" not in str(err.value)


def test_league_regime_asked_of_a_full_panel_refuses_a_pool_too() -> None:
    with pytest.raises(InputError, match=r"papi spec\.persistence_weight"):
        fit_forecast(load_history("papi"), 2020, regime="league", spec=SHIPPED_SPEC)


def test_the_default_league_forecast_is_unchanged() -> None:
    """No spec and a spec without options give the very same league forecast and draws."""
    for index_id in ("par_index", "sipas"):
        history = load_history(index_id)
        default, plain = fit_forecast(history, 2021), fit_forecast(history, 2021, spec=PanelSpec())
        assert default.regime == plain.regime == "league" and default.pool_weight == 0.0
        assert np.array_equal(default.mean, plain.mean)
        assert np.array_equal(default.simulate(300, 5), plain.simulate(300, 5))


def test_the_panel_regime_still_applies_the_shipped_pool() -> None:
    history = load_history("papi")
    assert fit_forecast(history, 2021).pool_weight == SHIPPED_SPEC.persistence_weight == 0.25
    assert fit_forecast(history, 2021, spec=PanelSpec()).pool_weight == 0.0
    assert PanelSpec().options == {} and SHIPPED_SPEC.options == {"persistence_weight": 0.25}
