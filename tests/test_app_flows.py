"""Issue 12 flows (AppTest): compare by file identity, share links with a public address, the new-plan form.

Every figure is checked against an oracle: the library run directly on the same draws, or the plan's
own file, so a compare row taken from the wrong file or a link built on the wrong address fails.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from app_support import open_app

from app import share
from app.i18n import tr
from app.text import plain
from simulator.history import load_history
from simulator.labels import number
from simulator.library import PlanLibrary, last_known

st = pytest.importorskip("streamlit")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.delenv("APP_PUBLIC_URL", raising=False)
    return open_app(tmp_path, monkeypatch, 3000, "can_tho_2021")


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
        assert entry.modified.astimezone().strftime("%d/%m/%Y %H:%M:%S") in table.index[1]


@pytest.mark.parametrize(
    "env, address, port, path, seen, base, source",
    [
        ("https://mophong.example.org", "localhost", 8501, "", None, "https://mophong.example.org/", "env"),
        (" https://a.vn/sim/ ", "10.1.2.3", 8501, "x", None, "https://a.vn/sim/", "env"),
        (None, "mophong.example.org", 80, "", None, "http://mophong.example.org/", "config"),
        (None, "https://mophong.vn", 443, "sim", None, "https://mophong.vn/sim/", "config"),
        (None, "10.1.2.3", 8501, "/sim/", "http://localhost:8501/sim", "http://10.1.2.3:8501/sim/", "config"),
        (None, "10.1.2.3:9000", 8501, "", None, "http://10.1.2.3:9000/", "config"),
        (None, "localhost", 8501, "", "http://192.168.1.9:8501/", "http://192.168.1.9:8501/", "browser"),
        (None, "127.0.0.1", 8501, "", "http://127.0.0.1:8501/", "http://127.0.0.1:8501/", "local"),
        (None, "127.0.0.1", 8501, "", "http://127.0.0.1:8501", "http://127.0.0.1:8501/", "local"),
        (None, "localhost", 8501, "", "http://[::1]:8501/", "http://[::1]:8501/", "local"),
        (None, "", 8502, "sim", None, "http://localhost:8502/sim/", "local"),
        ("", "0.0.0.0", 8501, "", "http://localhost:8501/", "http://localhost:8501/", "local"),
    ],
)
def test_public_address_takes_the_env_then_the_config_then_says_none(env, address, port, path, seen, base, source):
    found = share.public_address(env, address, port, path, seen)
    assert (found.base, found.source, found.refused) == (base, source, "")
    assert found.shareable is (source in ("env", "config"))


@pytest.mark.parametrize("env", ["mophong.vn", "ftp://a.vn", "https://", "https://a.vn/?x=1", "javascript:alert(1)"])
def test_a_public_url_that_is_not_a_full_http_address_is_refused(env):
    found = share.public_address(env, "localhost", 8501, "", "http://localhost:8501/")
    assert found.refused == env and found.source == "local"


def _share_code(at) -> str:
    at = _tab(at, "Xuất & chia sẻ")
    assert not at.exception and not at.error
    return at.code[-1].value


def test_share_link_uses_app_public_url_and_reopens_the_view(app, monkeypatch):
    monkeypatch.setenv("APP_PUBLIC_URL", "https://mophong.example.org/kich-ban")
    at = _tab(app, "PAPI")
    at.slider[1].set_value(30).run()
    link = _share_code(at)
    assert link.startswith("https://mophong.example.org/kich-ban/?plan=can_tho_2021&")
    assert not at.warning and plain("mophong.example.org/kich-ban/") in " ".join(c.value for c in at.caption)
    view = share.decode(dict(parse_qsl(urlsplit(link).query)))
    assert view.plan == "can_tho_2021" and view.levels == {"papi": {"g2_transparency": 0.3}}


def test_share_link_uses_the_configured_server_address(app):
    old = {k: st.get_option(k) for k in ("browser.serverAddress", "server.baseUrlPath")}
    try:
        st.config.set_option("browser.serverAddress", "10.20.30.40")
        st.config.set_option("server.baseUrlPath", "mo-phong")
        link = _share_code(app)
    finally:
        for k, v in old.items():
            st.config.set_option(k, v)
    port = st.get_option("browser.serverPort")
    assert link.startswith(f"http://10.20.30.40:{port}/mo-phong/?plan=can_tho_2021&")


@pytest.mark.parametrize("lang, words", [("vi", "Chưa cấu hình địa chỉ công khai"), ("en", "No public address")])
def test_without_a_public_address_the_link_is_not_offered_as_shareable(app, lang, words):
    at = app.radio(key="w:lang").set_value(lang).run()
    at = _tab(at, "Xuất & chia sẻ" if lang == "vi" else "Export & share")
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and at.warning[0].value.startswith(words)
    assert plain("APP_PUBLIC_URL") in at.warning[0].value
    assert at.code[-1].value.startswith("http://localhost:")


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_new_plan_form_shows_and_uses_the_chosen_provinces_last_results(app):
    at = app
    at.number_input(key="new_year").set_value(2021).run()
    at.selectbox(key="new_province").set_value("Hà Nội").run()
    hanoi = last_known(load_history("papi"), "Hà Nội", 2021)
    assert f"PAPI: gần nhất {number(hanoi[1], 2, 'vi')}, hạng {hanoi[2]} ({hanoi[0]})" in _captions(at)
    at.text_input(key="new_last_score_par_index:Hà Nội:2021").input("85,5").run()  # PAR 2020 unpublished
    at.number_input(key="new_last_rank_par_index:Hà Nội:2021").set_value(3).run()
    at.selectbox(key="new_province").set_value("Đà Nẵng").run()
    danang = {i: last_known(load_history(i), "Đà Nẵng", 2021) for i in ("par_index", "papi")}
    captions = _captions(at)
    assert f"PAPI: gần nhất {number(danang['papi'][1], 2, 'vi')}, hạng {danang['papi'][2]} (2020)" in captions
    assert not any(number(hanoi[1], 2, "vi") in c for c in captions)  # nothing of Hà Nội is left
    assert at.text_input(key="new_last_score_par_index:Đà Nẵng:2021").value in ("", None)
    assert at.number_input(key="new_last_rank_par_index:Đà Nẵng:2021").value is None
    at.text_input(key="new_last_score_sipas:Đà Nẵng:2021").input("84").run()  # SIPAS 2020 unpublished
    at.button(key="create_plan").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    plan = at.session_state["plan"]
    assert (plan.province, plan.year) == ("Đà Nẵng", 2021)
    papi, par = plan.indices["papi"], plan.indices["par_index"]
    assert (papi.target_score, papi.target_rank) == (round(danang["papi"][1], 2), danang["papi"][2])
    assert (par.target_score, par.target_rank) == (danang["par_index"][1], danang["par_index"][2])
    assert par.last_score is None  # Hà Nội's typed score went nowhere
    at.selectbox(key="new_province").set_value("Hà Nội").run()  # back again: the form starts afresh
    for what in ("score_par_index", "score_sipas", "rank_par_index"):
        assert at.session_state[f"new_last_{what}:Hà Nội:2021"] in ("", None)
    at.text_input(key="new_last_score_par_index:Hà Nội:2021").input("85,5").run()
    at.number_input(key="new_last_rank_par_index:Hà Nội:2021").set_value(3).run()
    at.text_input(key="new_last_score_sipas:Hà Nội:2021").input("86.25").run()
    at.button(key="create_plan").click().run()
    par = at.session_state["plan"].indices["par_index"]
    assert (par.target_score, par.target_rank, par.last_score) == (85.5, 3, 85.5)
    assert at.session_state["plan"].indices["sipas"].last_score == 86.25


def test_a_bad_plan_is_refused_in_the_chosen_language(app):
    bad = b'[plan]\nprovince = "Atlantis"\nyear = 2021\n'
    app.session_state["pending_plan"] = ("loi.toml", bad)
    at = app.run()
    assert "không có tỉnh/thành phố" in at.error[0].value and "unknown" not in at.error[0].value
    at = at.radio(key="w:lang").set_value("en").run()
    at.session_state["pending_plan"] = ("loi.toml", bad)
    at.run()
    assert "unknown province" in at.error[0].value


@pytest.mark.parametrize("lang, tab", [("vi", "Toàn cảnh"), ("en", "Field view")])
def test_field_view_assumptions_in_one_language(app, lang, tab):
    at = app.radio(key="w:lang").set_value(lang).run()
    at = _tab(at, tab)
    notes = [c.value for c in at.caption if c.value.startswith("⚠")]
    assert notes and not any("giả định:" in n or "assumption:" in n for n in notes)
    if lang == "vi":
        assert not any(re.search(r"\d\\?\.\d", n) for n in notes)  # decimal commas, never a point


@pytest.mark.parametrize("lang, tab, words", [("vi", "PAR INDEX", "Bộ chỉ công bố ít điểm số"), ("en", "PAR INDEX", "too few")])
def test_no_base_rate_says_why_in_the_chosen_language(app, lang, tab, words):
    at = app.radio(key="w:lang").set_value(lang).run()
    at.session_state["view_par_index"] = "outside"
    at = _tab(at, tab)
    why = [c.value for c in at.caption if c.value.startswith(plain(tr("ov_base_none", lang, why="")))]
    assert len(why) == 1 and plain(words) in why[0]


def test_more_than_three_picked_says_so_in_our_words_and_runs_the_first_three(app, tmp_path):
    at = app
    for name in ("A", "B", "C", "D"):
        at = _save(at, name)
    ids = [e.id for e in sorted(PlanLibrary(tmp_path / "plans").entries(), key=lambda e: e.id)]
    at = _tab(at, "So sánh")
    at.multiselect(key="compare_pick").set_value(ids).run()
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == [tr("compare_max", "vi", n=3)]
    table = at.dataframe[0].value
    assert [name.split(" (")[0] for name in table.index[1:]] == ["A", "B", "C"]
