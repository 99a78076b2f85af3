"""The app's issue-8/9/10 parts (AppTest): the 2026 plan, outside view, rank width, field view, form.

Each figure on screen is checked against the library called directly on the same draws (the
oracle), so a panel that used other draws, another plan or another year fails.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_support import open_app

from app.text import plain
from simulator.engine import Engine
from simulator.labels import number, percent, prob_with_error
from simulator.outside_view import outside_views
from simulator.rank_width import league_rank_width
from simulator.scenario import load_scenario, parse_scenario
from simulator.standings import field_standings

ROOT = Path(__file__).resolve().parents[1]
PLAN_2026 = ROOT / "scenarios" / "can_tho_2026.toml"
DRAWS, SEED = 4000, 2021


@pytest.fixture
def app(tmp_path, monkeypatch):
    return open_app(tmp_path, monkeypatch, DRAWS, timeout=180)


def _tab(at, label: str, view: str | None = None):
    """Open tab ``label``; on an index tab, the chart view ``view`` (else the one last picked)."""
    at.session_state["tab"] = label
    if view is not None:
        for index_id in ("par_index", "sipas", "papi"):
            at.session_state[f"view_{index_id}"] = view
    return at.run()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _views(scenario):
    engine = Engine.from_scenario(scenario)
    unc = engine.uncertainties(DRAWS, SEED)
    return outside_views(engine, unc, scenario, engine.run(unc, scenario))


def test_opens_on_the_newest_plan_with_2021_one_click_away(app):
    assert not app.exception and not app.error
    assert app.caption[0].value.startswith("Cần Thơ · năm 2026")
    assert "Toàn cảnh" in [t.label for t in app.tabs]
    captions = [c.value for c in app.caption]
    assert "Mục tiêu theo kế hoạch: xếp loại A (điểm ≥ 90, hạng ≤ 17)" in captions
    assert "Mục tiêu theo kế hoạch: ra khỏi nhóm 10 cuối (điểm ≥ 45, hạng ≤ 24)" in captions
    at = app.radio(key="w:lang").set_value("en").run()
    assert "Target as the plan writes it: grade A (score ≥ 90, rank ≤ 17)" in [c.value for c in at.caption]
    at.selectbox(key="shipped_pick").set_value("can_tho_2021")
    at.button(key="open_shipped").click().run()
    assert not at.exception and not at.error
    assert at.caption[0].value.startswith("Cần Thơ · 2021")


def test_outside_view_renders_the_library_view_on_the_same_draws(app):
    views = _views(load_scenario(PLAN_2026))
    at = _tab(app, "PAPI", "outside")
    assert not at.exception and not at.error
    assert any(m.value == "**Góc nhìn lịch sử**" for m in at.markdown)
    v = views["papi"]
    shown = f"+{number(v.gain_mean, 2, 'vi')} ± {number(v.gain_mc_se, 3 if v.gain_mc_se < 0.005 else 2, 'vi')} điểm"
    assert _metric(at, "Mức tăng kế hoạch giả định") == shown
    assert _metric(at, "Theo lịch sử") == percent(v.base.p_both, 1, "vi")
    r = at.session_state["plan"]  # the base plan is the shipped file
    assert r.name == load_scenario(PLAN_2026).name
    captions = [c.value for c in at.caption]
    assert plain(f"Nhóm tham chiếu: {v.reference.describe('vi')}") in captions
    assert f"Cao hơn {number(v.gain_percentile, 0, 'vi')} % trong {v.reference.n} tỉnh-năm" in " ".join(
        captions
    )
    assert _metric(at, "Theo mô hình") == _metric(at, "Khả năng đạt cả hai")
    par = _tab(at, "PAR INDEX")
    p = views["par_index"]
    assert p.base.p_both is None and _metric(par, "Theo lịch sử") == "–"
    texts = [c.value for c in par.caption]
    assert plain(f"Không tính được tỷ lệ cơ sở: {p.base.why_vi}") in texts
    assert p.reference.borrowed_from and any(
        t.startswith("⚠ Giả định\\: mức tiến bộ vượt xu hướng") for t in texts
    )


def test_flag_is_a_warning_with_the_library_text(app):
    head, papi = PLAN_2026.read_text(encoding="utf-8").split("[indices.papi]")
    text = (
        head
        + "[indices.papi]"
        + papi.replace(
            'effectiveness = "calibrated"', "effectiveness = { mean = 0.99, concentration = 8.0 }", 1
        )
    )
    scenario = parse_scenario(text.encode(), "bold.toml")
    scenario = scenario.with_levels({"papi": {g.id: 1.0 for g in scenario.indices["papi"].groups}})
    view = _views(scenario)["papi"]
    assert view.flagged  # the case must exercise the flag
    app.session_state["pending_plan"] = ("bold.toml", text.encode())
    at = app.run()
    at.session_state["levels"]["papi"] = {g.id: 1.0 for g in scenario.indices["papi"].groups}
    at = _tab(at, "PAPI")
    assert not at.exception and not at.error
    # under every view: the flag in one line that points to the outside view
    assert [w.value for w in at.warning] == [plain(view.flag_text("vi")) + " Xem “Góc nhìn lịch sử”."]
    at = _tab(at, "PAPI", "components")
    assert [w.value for w in at.warning] == [plain(view.flag_text("vi")) + " Xem “Góc nhìn lịch sử”."]
    at = _tab(at, "PAPI", "outside")
    assert [w.value for w in at.warning] == [plain(view.flag_text("vi"))]
    at = _tab(at, "Tổng quan")
    assert not at.warning


def test_rank_width_message_where_league_ranks_appear(app):
    at = _tab(app, "SIPAS")
    expected = league_rank_width("sipas", 2026, rng=2026)
    assert plain(expected.message("vi")) in [i.value for i in at.info]
    assert "Khoảng xếp hạng hiện rộng khoảng" in at.info[0].value
    at = _tab(at, "PAPI")
    assert not any("Khoảng xếp hạng" in i.value for i in at.info)  # PAPI is a full panel
    at = at.radio(key="w:lang").set_value("en").run()
    at = _tab(at, "SIPAS")
    assert plain(expected.message("en")) in [i.value for i in at.info]


def test_field_view_table_matches_the_library_and_marks_the_unit(app):
    at = _tab(app, "Toàn cảnh")
    assert not at.exception and not at.error
    frame = at.dataframe[0].value
    s = field_standings("par_index", 2026, draws=DRAWS, rng=SEED, threshold=90.0)
    assert len(frame) == 34
    first = int(np.argmin(s.expected_rank()))
    assert frame.iloc[0]["Đơn vị"] == s.units[first]
    top5 = s.bands()["top5"][first]
    assert frame.iloc[0]["Nhóm 5 đầu"] == prob_with_error(top5, np.sqrt(top5 * (1 - top5) / DRAWS), "vi")
    assert "Điểm ≥ 90,00" in frame.columns
    assert any("Tô vàng: Cần Thơ." in c.value for c in at.caption)
    at.selectbox(key="field_year").set_value(2021).run()
    frame = at.dataframe[0].value
    assert len(frame) == 63 and "Khoảng hạng 90 %" in frame.columns  # 2021: the width's field is the same
    at.selectbox(key="field_index").set_value("papi").run()
    assert not at.exception and not at.error
    assert "Điểm ≥ 45,00" in at.dataframe[0].value.columns  # the plan's PAPI target score


def test_new_plan_form_lists_the_units_of_the_year_and_starts_empty(app):
    at = app
    assert at.number_input(key="new_year").value == 2026
    names = at.selectbox(key="new_province").options
    assert len(names) == 34 and "Huế" in names and "Sóc Trăng" not in names
    at.number_input(key="new_year").set_value(2021).run()
    names = at.selectbox(key="new_province").options
    assert len(names) == 63 and "Sóc Trăng" in names and at.selectbox(key="new_province").value == "Cần Thơ"
    at.number_input(key="new_year").set_value(2030).run()
    at.selectbox(key="new_province").set_value("Huế").run()
    at.text_input(key="new_last_score_papi:Huế:2030").input("45,5").run()
    at.selectbox(key="new_province").set_value("Đà Nẵng").run()
    assert at.text_input(key="new_last_score_papi:Đà Nẵng:2030").value in ("", None)


def test_merged_unit_shows_its_predecessors(app):
    at = _tab(app, "PAR INDEX", "history")
    heads = [m.value for m in at.markdown]
    assert any(h.startswith("**Các tỉnh cũ hợp thành Cần Thơ") for h in heads)
    at.selectbox(key="shipped_pick").set_value("can_tho_2021")
    at.button(key="open_shipped").click().run()
    at = _tab(at, "PAR INDEX")
    assert not any(h.startswith("**Các tỉnh cũ hợp thành") for h in [m.value for m in at.markdown])


def test_outside_view_follows_the_levers_and_targets_stay_as_written(app):
    at = _tab(app, "PAPI", "outside")
    before = _metric(at, "Mức tăng kế hoạch giả định")
    at.slider[0].set_value(100).run()
    assert not at.exception and not at.error
    plan = load_scenario(PLAN_2026)
    levels = {g.id: g.planned for g in plan.indices["papi"].groups}
    levels[plan.indices["papi"].groups[0].id] = 1.0
    v = _views(plan.with_levels({"papi": levels}))["papi"]
    after = _metric(at, "Mức tăng kế hoạch giả định")
    assert after != before
    assert (
        after
        == f"+{number(v.gain_mean, 2, 'vi')} ± {number(v.gain_mc_se, 3 if v.gain_mc_se < 0.005 else 2, 'vi')} điểm"
    )
    kind = "Mục tiêu theo kế hoạch: ra khỏi nhóm 10 cuối (điểm ≥ 45, hạng ≤ 24)"
    assert kind in [c.value for c in at.caption]  # a lever's move keeps the plan's relative target
    at.number_input(key="w:tr:papi").set_value(20).run()
    assert kind not in [c.value for c in at.caption]  # a changed threshold is an absolute target


def test_english_outside_view_and_field_view(app):
    at = app.radio(key="w:lang").set_value("en").run()
    assert "Field view" in [t.label for t in at.tabs]
    at = _tab(at, "PAPI", "outside")
    assert any(m.value == "**Outside view**" for m in at.markdown)
    assert _metric(at, "Base rate").endswith("%") and "." in _metric(at, "Model")
    at = _tab(at, "Field view")
    frame = at.dataframe[0].value
    assert {"Unit", "Top 5", "Bottom 5", "Score ≥ 90.00"} <= set(frame.columns)
    assert all(" ± " in v and "," not in v for v in frame["Top 5"])
