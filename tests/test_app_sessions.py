"""Sessions of one server share its caches, never their results; the Decisions tab shows the library's figures.

Two AppTest sessions run in one process, so they share ``st.cache_data`` / ``st.cache_resource``
exactly as two browser sessions of one server do.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from app_support import open_app

from simulator.engine import Engine
from simulator.history import load_history, read_results_table
from simulator.labels import percent
from simulator.scenario import load_scenario

st = pytest.importorskip("streamlit")

ROOT = Path(__file__).resolve().parents[1]
DRAWS, SEED = 4000, 2021
# Cần Thơ's 2020 PAR INDEX as a (made-up, test-only) uploaded table: it moves PAR P(both) from ~20 % to ~74 %
TABLE = "tỉnh,năm,điểm,xếp hạng\nCần Thơ,2020,92.5,2\n".encode()


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()

    def session():
        return open_app(tmp_path, monkeypatch, DRAWS, "can_tho_2021")  # tests written on the 2021 plan

    return session


def _open(at, label: str):
    at.session_state["tab"] = label
    return at.run()


def _overview_p_both(at, index_name: str) -> str:
    """The P(both) the overview shows for one index (the stacked big metric of that column)."""
    at = _open(at, "Tổng quan")
    pos = ["PAR INDEX", "SIPAS", "PAPI"].index(index_name)
    return at.metric[pos].value


def _decisions_p_both(at) -> dict[str, str]:
    """``{index heading: 'P(both) as shown'}`` from the Decisions tab's tornado headings."""
    out = {}
    for m in at.markdown:
        found = re.match(r"\*\*(.+)\*\* — P\(đạt cả hai\): (.+?)\s±\s", m.value)
        if found:
            out[found.group(1)] = found.group(2).replace("\u00a0", " ")
    return out


def test_an_upload_in_one_session_does_not_show_in_another(fresh):
    a, b = fresh(), fresh()
    a.session_state["pending_table"] = ("par_index", "par_2020.csv", TABLE)
    a.run()
    assert not a.exception and not a.error
    a = _open(a, "Quyết định")
    b = _open(b, "Quyết định")
    assert not a.exception and not b.exception and not b.error
    par = "Chỉ số CCHC (PAR INDEX)"
    seen_a, seen_b = _decisions_p_both(a)[par], _decisions_p_both(b)[par]
    assert seen_a != seen_b  # the upload changes PAR's answer: the sessions must disagree
    own_a = _overview_p_both(a, "PAR INDEX").split(" ±")[0]
    own_b = _overview_p_both(b, "PAR INDEX").split(" ±")[0]
    assert (seen_a, seen_b) == (own_a, own_b)  # each session's Decisions tab agrees with its overview


def test_uploaded_table_reaches_the_decisions_tab(fresh):
    at = fresh()
    at.session_state["pending_table"] = ("par_index", "par_2020.csv", TABLE)
    at = _open(at.run(), "Quyết định")
    plan = load_scenario(ROOT / "scenarios" / "can_tho_2021.toml")
    table = read_results_table(io.BytesIO(TABLE), "par_index", name="par_2020.csv")
    engine = Engine.from_scenario(plan, histories={"par_index": load_history("par_index").with_table(table)})
    p = engine.run(engine.uncertainties(DRAWS, SEED), plan).indices["par_index"].p_both
    assert _decisions_p_both(at)["Chỉ số CCHC (PAR INDEX)"] == percent(p, 1, "vi")
