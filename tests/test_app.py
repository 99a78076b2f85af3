"""The Streamlit app, driven headless with streamlit.testing (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import APP, open_app

from app import share
from app.text import plain
from simulator.library import PlanLibrary
from simulator.scenario import load_scenario

PLAN_NAME = "Kế hoạch cải thiện PAR INDEX, SIPAS, PAPI năm 2021 — TP. Cần Thơ"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, 4000, "can_tho_2021", timeout=60)  # tests written on the 2021 plan


def _metric(at, start: str):
    return next(m for m in at.metric if m.label.startswith(start))


def _open_tab(at, label: str):
    at.session_state["tab"] = label
    return at.run()


def test_loads_on_the_can_tho_plan(app):
    assert not app.exception
    assert not app.error
    assert any(plain(PLAN_NAME) in m.value for m in app.markdown)
    values = [m.value for m in app.metric]
    assert len(values) == 3 and all("%" in v and "±" in v for v in values)
    assert [t.label for t in app.tabs][:6] == [
        "Tổng quan",
        "PAR INDEX",
        "SIPAS",
        "PAPI",
        "Toàn cảnh",
        "Quyết định",
    ]


def test_slider_change_updates_p_both(app):
    at = _open_tab(app, "PAR INDEX")
    before = _metric(at, "Khả năng đạt cả hai").value
    assert len(at.slider) == 8 and at.slider[0].value == 95
    at.slider[0].set_value(40).run()
    assert not at.exception
    after = _metric(at, "Khả năng đạt cả hai").value
    assert after != before
    assert at.query_params["lv"] == "par_index.g1_direction:40"
    at.button(key="reset_par_index").click().run()  # back to the plan: the same draws give the same figure
    assert _metric(at, "Khả năng đạt cả hai").value == before


def test_save_and_compare_two_plans(app, tmp_path):
    at = app
    at.text_input(key="save_name").input("Phương án A").run()
    at.button(key="save_plan").click().run()
    at = _open_tab(at, "PAPI")
    at.slider[0].set_value(100).run()
    at.text_input(key="save_name").input("Phương án B").run()
    at.button(key="save_plan").click().run()
    assert not at.exception
    saved = PlanLibrary(tmp_path / "plans").entries()
    assert sorted(e.name for e in saved) == ["Phương án A", "Phương án B"]
    at = _open_tab(at, "So sánh")
    at.multiselect(key="compare_pick").set_value([e.id for e in saved]).run()
    assert not at.exception
    assert not at.warning
    table = at.dataframe[0].value
    assert len(table) == 3  # the current plan and the two saved ones
    labels = {
        e.name: f"{e.name} (Cần Thơ 2021) · lưu {e.modified.astimezone():%d/%m/%Y %H:%M:%S}" for e in saved
    }
    assert set(table.index[1:]) == set(labels.values())
    same = table.loc[labels["Phương án B"]].iloc[2] == table.iloc[0].iloc[2]
    assert same  # same levels, same draws: same figure


def test_language_switch_to_english(app):
    at = app
    at.radio(key="w:lang").set_value("en").run()
    assert not at.exception
    assert at.tabs[0].label == "Overview"
    assert _metric(at, "P(both targets)").value.count(".") >= 1
    assert at.query_params["lang"] == "en"


def test_bad_upload_shows_error_and_keeps_the_plan(app):
    at = app
    at.session_state["pending_plan"] = ("ke_hoach_loi.toml", b'[plan]\nprovince = "Atlantis"\nyear = 2021\n')
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert plain("ke_hoach_loi.toml") in at.error[0].value and plain("plan.province") in at.error[0].value
    assert any(plain(PLAN_NAME) in m.value for m in at.markdown)
    at.session_state["pending_table"] = ("par_index", "bang.csv", "tỉnh;năm\nCần Thơ;2020\n".encode())
    at.run()
    assert not at.exception
    assert plain("bang.csv") in at.error[0].value and "score" in at.error[0].value
    assert any(plain(PLAN_NAME) in m.value for m in at.markdown)


def test_results_table_merges_into_history(app):
    at = app
    table = "tỉnh,năm,điểm,xếp hạng\nCần Thơ,2016,79.5,30\nHà Nội,2016,85.1,5\n".encode()
    at.session_state["pending_table"] = ("par_index", "par_2016.csv", table)
    at.run()
    assert not at.exception and not at.error
    assert any("2" in s.value for s in at.success)
    assert len(at.session_state["tables"]["par_index"]) == 2


def test_link_reopens_levels_targets_and_settings(tmp_path, monkeypatch):
    link = {"lv": "papi.g2_transparency:30", "tg": "papi:44:25", "draws": "3000", "seed": "5"}
    at = open_app(tmp_path, monkeypatch, None, "can_tho_2021", params=link, timeout=60)
    assert not at.exception
    at = _open_tab(at, "PAPI")
    assert at.slider[1].value == 30
    assert at.text_input(key="w:ts:papi").value == "44" and at.number_input(key="w:tr:papi").value == 25
    assert at.session_state["draws"] == 3000 and at.session_state["seed"] == 5


def test_share_encode_decode_roundtrip():
    base = load_scenario(Path(APP).parents[1] / "scenarios" / "can_tho_2021.toml")
    levels = {i: {g.id: g.planned for g in p.groups} for i, p in base.indices.items()}
    levels["sipas"]["g3_simplify"] = 0.555
    targets = {i: (p.target_score, p.target_rank) for i, p in base.indices.items()}
    targets["par_index"] = (87.5, 10)
    params = share.encode(base, levels, targets, plan="can_tho_2021", draws=20000, seed=1, lang="en")
    assert params["lv"] == "sipas.g3_simplify:55.5" and params["tg"] == "par_index:87.5:10"
    view = share.decode(params)
    assert view.levels == {"sipas": {"g3_simplify": 0.555}} and view.targets == {"par_index": (87.5, 10)}
    assert (view.draws, view.seed, view.lang) == (20000, 1, "en")
    junk = share.decode({"lv": "x:abc,papi.g1:500,:", "tg": "a:b", "lang": "fr", "draws": "many"})
    assert junk.levels == {} and junk.targets == {} and junk.lang is None and junk.draws is None
