"""Shared fixtures: the shipped plans and engines fitted once per test session, and the app server."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from browser_support import streamlit_server

from simulator.engine import Engine
from simulator.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "can_tho_2021.toml"
STATUS_QUO = ROOT / "scenarios" / "can_tho_2021_status_quo.toml"

# the shipped-results disk cache (simulator.forecast_cache) of a test run lives in its own folder,
# shared with the app servers the browser tests start, never in the user's ~/.cache
os.environ.setdefault("SIMULATOR_CACHE_DIR", tempfile.mkdtemp(prefix="par-simulator-cache-"))


@pytest.fixture(scope="session")
def plan() -> Scenario:
    return load_scenario(PLAN)


@pytest.fixture(scope="session")
def status_quo() -> Scenario:
    return load_scenario(STATUS_QUO)


@pytest.fixture(scope="session")
def engine(plan: Scenario) -> Engine:
    return Engine.from_scenario(plan)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app served headless for the real-browser tests (started once, on first use)."""
    with streamlit_server(tmp_path_factory.mktemp("plans")) as url:
        yield url
