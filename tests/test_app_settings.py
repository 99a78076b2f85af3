"""Settings stay put: seed and draws survive lost widget state; links out of range warn; hostile links decode."""

from __future__ import annotations

import pytest
from app_support import open_app
from streamlit.proto.WidgetStates_pb2 import WidgetStates

from app import share
from app.text import plain


@pytest.fixture
def new_session(tmp_path, monkeypatch):
    def make(params: dict[str, str] | None = None):
        return open_app(
            tmp_path, monkeypatch, 4000, "can_tho_2021", params=params
        )  # written on the 2021 plan

    return make


def _setting(at, label: str):
    return next(n for n in at.number_input if n.label == label)


def _rerun_losing(at, labels: tuple[str, ...], radios: tuple[str, ...] = ()):
    """Rerun as after an interrupted rerun: the named widgets' state is gone, server and browser side."""
    lost = [_setting(at, label) for label in labels] + [at.radio(key=k) for k in radios]
    states = at._tree.get_widget_states()
    kept = WidgetStates(widgets=[w for w in states.widgets if w.id not in {n.id for n in lost}])
    for widget in lost:
        del at.session_state[widget.key]
    return at._run(kept)


def test_seed_and_draws_survive_a_rerun_that_lost_their_widget_state(new_session):
    """An interrupted rerun can drop the state of widgets it did not reach; the next run rebuilds them.

    Streamlit then re-creates a number field at its minimum: draws 1000, seed 0, without a word (what
    users saw under load). The settings must come back as they were.
    """
    at = new_session({"plan": "can_tho_2021", "draws": "3000", "seed": "77"})
    assert (at.session_state["draws"], at.session_state["seed"]) == (3000, 77)
    at = _rerun_losing(at, ("Số lần mô phỏng", "Hạt giống ngẫu nhiên"))
    assert not at.exception
    assert (at.session_state["draws"], at.session_state["seed"]) == (3000, 77)
    assert _setting(at, "Số lần mô phỏng").value == 3000 and _setting(at, "Hạt giống ngẫu nhiên").value == 77
    assert any("3.000 lần mô phỏng" in c.value for c in at.caption)
    assert at.query_params["seed"] == "77" and at.query_params["draws"] == "3000"


def test_the_language_survives_a_rerun_that_lost_its_widget_state(new_session):
    at = new_session({"plan": "can_tho_2021", "lang": "en", "seed": "9"})
    at = _rerun_losing(at, ("Random seed",), radios=("w:lang",))
    assert not at.exception
    assert at.session_state["lang"] == "en" and at.tabs[0].label == "Overview"
    assert at.session_state["seed"] == 9


def test_changing_a_setting_keeps_it(new_session):
    at = new_session()
    _setting(at, "Hạt giống ngẫu nhiên").set_value(5).run()
    _setting(at, "Số lần mô phỏng").set_value(6000).run()
    assert (at.session_state["draws"], at.session_state["seed"]) == (6000, 5)
    at.run()
    assert (at.session_state["draws"], at.session_state["seed"]) == (6000, 5)
    assert any("6.000 lần mô phỏng" in c.value for c in at.caption)


@pytest.mark.parametrize("lang, words", [("vi", "ngoài khoảng"), ("en", "outside")])
def test_a_link_out_of_range_warns_instead_of_silently_resetting(new_session, lang, words):
    at = new_session({"plan": "can_tho_2021", "seed": str(2**70), "draws": str(10**9), "lang": lang})
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert words in text
    assert str(2**70) in text and str(10**9) in text
    assert at.session_state["seed"] == 2021 and at.session_state["draws"] == 4000


def test_a_link_target_off_the_scale_is_moved_aloud(new_session):
    at = new_session({"plan": "can_tho_2021", "tg": "papi:500:0"})
    warned = " ".join(w.value for w in at.warning)
    assert plain("mục tiêu Chỉ số PAPI điểm 500,00, hạng 0") in warned and "papi" not in warned
    assert at.session_state["targets"]["papi"] == (80.0, 1)


def test_an_unreadable_link_value_warns(new_session):
    at = new_session({"plan": "can_tho_2021", "seed": "1e9", "draws": "many"})
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "seed" in text and "draws" in text
    assert at.session_state["seed"] == 2021


def test_a_hostile_plan_id_in_a_link_is_refused_as_plain_text(new_session):
    at = new_session({"plan": "lib:![x](http://127.0.0.1:9/p.png)", "prov": "**x**"})
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "![x](" not in shown and "\\!\\[x\\]\\(" in shown


HOSTILE = [
    {},
    {"lv": "!!!==", "tg": "%%%", "last": "=cmd|' /C calc'!A0", "seed": "-1", "draws": "0"},
    {"lv": ",".join(f"par_index.g{i}:50" for i in range(100_000))},
    {"lv": "par_index.g1:" + "9" * 5000, "seed": "9" * 5000, "year": "9" * 10_000},
    {"lv": "par_index.g1:nan,par_index.g2:inf,par_index.g3:-5,par_index.g4:1_0,par_index.g5:١٢"},
    {"tg": "papi:nan:3,papi:1e999:4,sipas:80:9.5,par_index:80:-3", "lang": "<script>"},
    {"plan": "<img src=x onerror=alert(1)>", "prov": "![a](http://x/y.png)", "lang": ["vi", "en"]},
    {"seed": ["1", "2"], "draws": None, "lv": 42, "tg": b"papi:1:2"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_share_decode_survives_hostile_links(params):
    view = share.decode(params)  # type: ignore[arg-type]
    assert isinstance(view, share.SharedView)
    assert view.lang in (None, "vi", "en")
    assert all(0 <= v <= 100 for by in view.levels.values() for v in by.values())
    assert sum(len(by) for by in view.levels.values()) <= share.MAX_ITEMS
    for score, rank in view.targets.values():
        assert score == score and abs(score) < float("inf") and isinstance(rank, int)
    for value in (view.seed, view.draws, view.year):
        assert value is None or isinstance(value, int)
    assert len(view.plan) <= share.MAX_PARAM and len(view.province) <= share.MAX_PARAM


def test_share_decode_reports_what_it_ignored():
    view = share.decode({"seed": "1e9", "draws": "20000", "lv": "x" * (share.MAX_PARAM + 1)})
    assert view.seed is None and view.draws == 20000 and view.levels == {}
    assert {name for name, _ in view.ignored} == {"seed", "lv"}
    assert all(len(raw) <= 60 for _, raw in view.ignored)
    assert share.decode({"seed": str(2**70)}).seed == 2**70  # in-range checks are the app's: it warns
