"""The disk cache of shipped results: same numbers, shipped data only, keyed on the code version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator import forecast_cache, merger, reference_class
from simulator.engine import Engine
from simulator.history import load_history
from simulator.scenario import load_scenario


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(forecast_cache.CACHE_ENV, str(tmp_path))
    return tmp_path


def _entries(folder, kind=""):
    return sorted(p.name for p in folder.glob("*.pkl") if kind in p.name)


def test_forecast_from_disk_equals_the_fit(cache):
    papi = load_history("papi")
    direct = merger.field_forecast(papi, 2026)
    first = forecast_cache.field_forecast(papi, 2026)
    assert len(_entries(cache, "field_forecast")) == 1
    again = forecast_cache.field_forecast(load_history("papi"), 2026)  # read back from disk
    for fc in (first, again):
        assert fc.units == direct.units
        np.testing.assert_array_equal(fc.mean, direct.mean)
        np.testing.assert_array_equal(fc.unit_sd, direct.unit_sd)
        assert fc.common_sd == direct.common_sd and fc.assumptions == direct.assumptions


def test_history_from_disk_equals_the_combined(cache):
    papi = load_history("papi")
    direct = merger.field_history(papi, 2026)
    forecast_cache.field_history(papi, 2026)
    again = forecast_cache.field_history(papi, 2026)
    assert again.units.names == direct.units.names
    pd.testing.assert_frame_equal(again.observations, direct.observations)
    same = forecast_cache.field_history(papi, 2020)  # no combining: the history itself, uncached
    assert same is papi and len(_entries(cache, "field_history")) == 1


def test_user_data_is_never_written(cache):
    papi = load_history("papi")
    row = pd.DataFrame([{"year": 2022, "unit": "Cần Thơ", "score": 44.0, "rank": np.nan, "source": "user"}])
    mine = papi.with_table(row)
    fc = forecast_cache.field_forecast(mine, 2026)
    assert _entries(cache) == []
    np.testing.assert_array_equal(fc.mean, merger.field_forecast(mine, 2026).mean)
    assert forecast_cache.history_digest(mine) != forecast_cache.history_digest(papi)


def test_engine_numbers_unchanged_by_the_cache(cache, monkeypatch):
    plan = load_scenario("scenarios/can_tho_2026.toml")
    reference_class.shipped_pairs.cache_clear()  # an earlier test may hold it in memory
    cold = Engine.from_scenario(plan)
    warm = Engine.from_scenario(plan)  # every shipped piece now read from disk
    assert _entries(cache, "field_forecast") and _entries(cache, "shipped_pairs")
    monkeypatch.setenv(forecast_cache.CACHE_ENV, "off")
    reference_class.shipped_pairs.cache_clear()
    off = Engine.from_scenario(plan)
    results = [e.run(e.uncertainties(2000, 7), plan) for e in (cold, warm, off)]
    for index_id in plan.indices:
        scores = [r.indices[index_id].score for r in results]
        np.testing.assert_array_equal(scores[0], scores[1])
        np.testing.assert_array_equal(scores[0], scores[2])


def test_other_code_version_is_dropped_and_bad_entry_rewritten(cache, monkeypatch):
    stale = cache / "0000000000000000dead-field_forecast-x.pkl"
    stale.write_bytes(b"old")
    papi = load_history("papi")
    forecast_cache.field_forecast(papi, 2026)
    assert not stale.exists()
    (entry,) = cache.glob("*field_forecast*.pkl")
    entry.write_bytes(b"not a pickle")
    fc = forecast_cache.field_forecast(papi, 2026)
    np.testing.assert_array_equal(fc.mean, merger.field_forecast(papi, 2026).mean)
    assert entry.read_bytes() != b"not a pickle"


def test_code_change_changes_the_key(cache, monkeypatch):
    calls = []
    forecast_cache.cached("probe", "k", lambda: calls.append(1) or 1)
    forecast_cache.cached("probe", "k", lambda: calls.append(1) or 1)
    assert calls == [1]
    monkeypatch.setattr(forecast_cache, "code_version", lambda: "f" * 64)
    forecast_cache.cached("probe", "k", lambda: calls.append(1) or 1)
    assert calls == [1, 1]


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(forecast_cache.CACHE_ENV, "off")
    assert forecast_cache.cache_dir() is None
    forecast_cache.field_forecast(load_history("papi"), 2026)
    assert list(tmp_path.iterdir()) == []
