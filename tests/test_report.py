"""Exports: CSV, XLSX and the HTML brief carry the plan's numbers with their Monte Carlo errors."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser_support import chromium

from simulator import report
from simulator.labels import prob_with_error


@pytest.fixture(scope="module")
def runs(engine, plan):
    unc = engine.uncertainties(4000, 7)
    return engine.run(unc, plan), engine.run(unc, plan.at_bau())


def test_csv_has_the_probabilities(plan, runs):
    result, bau = runs
    frame = pd.read_csv(io.BytesIO(report.to_csv(plan, result, bau)), encoding="utf-8-sig")
    assert list(frame["index"]) == ["par_index", "sipas", "papi"]
    papi = frame.set_index("index").loc["papi"]
    r = result.indices["papi"]
    assert papi["p_both"] == pytest.approx(r.p_both)
    assert papi["se_p_both"] == pytest.approx(r.mc_se["both"])
    assert papi["bau_p_both"] == pytest.approx(bau.indices["papi"].p_both)
    assert papi["seed"] == 7 and papi["draws"] == 4000
    assert frame["plan"].iloc[0] == plan.name  # diacritics survive


def test_xlsx_sheets_and_numbers(plan, runs):
    result, bau = runs
    book = pd.read_excel(io.BytesIO(report.to_xlsx(plan, result, bau, lang="en")), sheet_name=None)
    assert list(book) == ["Summary", "Task groups", "Rank distribution", "Components", "Assumptions", "Run"]
    summary = book["Summary"].set_index("Index")
    assert summary.loc["PAR INDEX", "P(score ≥ target) (%)"] == pytest.approx(
        result.indices["par_index"].p_score
    )
    ranks = book["Rank distribution"]
    pmf = ranks[ranks["Index"] == "SIPAS"]["P(this rank), plan (%)"].to_numpy()
    np.testing.assert_allclose(pmf, result.indices["sipas"].rank_pmf())
    assert len(book["Task groups"]) == 24
    assert book["Assumptions"]["Assumption"].str.contains("SIPAS").any()


def test_xlsx_in_vietnamese_has_units_and_number_formats(plan, runs):
    from openpyxl import load_workbook

    result, bau = runs
    book = load_workbook(io.BytesIO(report.to_xlsx(plan, result, bau, lang="vi")))
    names = ["Tóm tắt", "Nhóm nhiệm vụ", "Phân phối hạng", "Lĩnh vực", "Giả định", "Thông tin lần chạy"]
    assert book.sheetnames == names
    summary = book["Tóm tắt"]
    head = {c.value: c.column for c in summary[1]}
    assert "Điểm mục tiêu (% hoặc điểm)" in head and "Xác suất đạt cả hai (%)" in head
    assert all("_" not in str(h) for h in head)  # no code names such as p_both or target_score
    both = summary.cell(2, head["Xác suất đạt cả hai (%)"])
    assert both.number_format == "0.00%" and both.value == pytest.approx(result.indices["par_index"].p_both)
    assert summary.cell(2, head["Sai số mô phỏng, xác suất đạt cả hai (%)"]).number_format == "0.00%"
    assert summary.cell(2, head["Điểm trung bình (% hoặc điểm)"]).number_format == "0.00"
    assert summary.cell(2, head["Chỉ số"]).value == "PAR INDEX"
    assert (
        summary.cell(2, head["Chỉ số"]).data_type == "s"
        and summary.cell(2, head["Chỉ số"]).number_format == "@"
    )
    groups = book["Nhóm nhiệm vụ"]
    ghead = {c.value: c.column for c in groups[1]}
    assert groups.cell(2, ghead["Mức kế hoạch (%)"]).number_format == "0.00%"
    assert 0 <= groups.cell(2, ghead["Mức kế hoạch (%)"]).value <= 1
    notes = [r[1] for r in book["Giả định"].iter_rows(min_row=2, values_only=True)]
    assert notes and not any("f1_direction_appraisal" in n or "assumption:" in n for n in notes)


def test_xlsx_keeps_user_text_as_text(plan, runs):
    from openpyxl import load_workbook

    result, bau = runs
    evil = replace(plan, name='=HYPERLINK("http://x")')
    book = load_workbook(io.BytesIO(report.to_xlsx(evil, result, bau, lang="vi")))
    cell = book["Thông tin lần chạy"].cell(2, 2)
    assert cell.value.startswith("'=") and cell.data_type == "s"


def test_assumption_texts_in_plain_vietnamese(plan, engine):
    notes = report.assumptions(
        plan, "par_index", forecast_notes=engine.forecasts["par_index"].assumptions, lang="vi"
    )
    joined = " ".join(notes)
    assert "Cải cách thủ tục hành chính" in joined  # sub-criteria named by their Vietnamese names
    for english in ("f1_direction_appraisal", "_appraisal", "_survey", "assumption", "persistence", "BAU"):
        assert english not in joined
    english = " ".join(
        report.assumptions(
            plan, "par_index", forecast_notes=engine.forecasts["par_index"].assumptions, lang="en"
        )
    )
    assert "Administrative procedures reform" in english and "giả định" not in english
    assert "f1_direction_appraisal" in " ".join(
        plan.indices["par_index"].spec.assumptions()
    )  # the CLI's old lines


def test_html_brief_is_self_contained_with_numbers(plan, runs):
    result, bau = runs
    page = report.html_brief(plan, result, bau, lang="vi")
    r = result.indices["papi"]
    assert prob_with_error(r.p_both, r.mc_se["both"], "vi") in page
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "Cần Thơ" in page and "4.000" in page  # Vietnamese thousands separator
    assert "Giả định" in page and "SIPAS % × 0,1" in page
    english = report.html_brief(plan, result, bau, lang="en")
    assert prob_with_error(r.p_both, r.mc_se["both"], "en") in english


def test_html_brief_prints_on_a4(plan, runs):
    result, bau = runs
    page = report.html_brief(plan, result, bau, lang="vi")
    assert "@page{size:A4" in page.replace(" ", "") and "@media print" in page
    assert "Điểm thẩm định" in page and "f1_direction_appraisal" not in page and ">BAU<" not in page


def test_paired_delta_is_zero_at_bau_and_tighter_than_each(plan, runs, engine):
    result, bau = runs
    d, se = report.paired_delta(bau.indices["papi"], bau.indices["papi"], "both")
    assert d == 0 and se == 0
    d, se = report.paired_delta(result.indices["papi"], bau.indices["papi"], "score")
    r = result.indices["papi"]
    assert d == pytest.approx(r.p_score - bau.indices["papi"].p_score)
    assert se < r.mc_se["score"]


def test_chart_frames(plan, runs):
    result, bau = runs
    r, b = result.indices["par_index"], bau.indices["par_index"]
    hist = report.score_histogram(r, b, bins=30)
    assert set(hist["series"]) == {"plan", "bau"}
    assert hist.groupby("series")["share"].sum().to_numpy() == pytest.approx([1.0, 1.0])
    ranks = report.rank_frame(r, b)
    assert len(ranks) == r.n_units and ranks["plan"].sum() == pytest.approx(1.0)
    assert ranks["in_target"].sum() == r.target_rank
    comps = report.components_frame(r, plan.indices["par_index"], "vi")
    assert (comps["plan"] <= comps["max"] + 1e-9).all() and comps["assumed"].all()
    past = pd.DataFrame({"year": [2019, 2020], "score": [81.25, 83.76], "rank": [29.0, 37.0]})
    fan = report.fan_frame(past, 2021, r, b)
    band = fan[(fan["series"] == "plan") & (fan["year"] == 2021) & (fan["measure"] == "score")].iloc[0]
    q = r.score_quantiles()
    assert (band["lo"], band["mid"], band["hi"]) == pytest.approx((q["p05"], q["p50"], q["p95"]))


def test_exports_neutralise_formulas(plan, runs):
    """Reproduces issue 11: a name starting with "=" became a live formula in the XLSX."""
    import openpyxl

    result, bau = runs
    papi = plan.indices["papi"]
    groups = (replace(papi.groups[0], name_en="@SUM(A1)"), *papi.groups[1:])
    evil = replace(
        plan,
        name='=HYPERLINK("http://evil.example","x")',
        currency="+1",
        indices={**plan.indices, "papi": replace(papi, groups=groups)},
    )
    csv_text = report.to_csv(evil, result, bau).decode("utf-8-sig")
    assert "\n'=HYPERLINK" in csv_text.replace('"', "") and ",=" not in csv_text
    book = openpyxl.load_workbook(io.BytesIO(report.to_xlsx(evil, result, bau, lang="en")))
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in texts if c.data_type != "s"]
    assert not [c.value for c in texts if c.value[:1] in "=+-@"]
    shown = {c.value for c in texts}
    assert {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)", "'+1"} <= shown
    assert "<h1>=HYPERLINK(&quot;" in report.html_brief(evil, result, bau)


A4_CSS_PX = 718  # 210 mm − 2 × 10 mm margins at 96 px per inch


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_brief_fits_a4_width_when_printed(plan, runs, lang, tmp_path):
    result, bau = runs
    page_file = tmp_path / "brief.html"
    page_file.write_text(report.html_brief(plan, result, bau, lang=lang), "utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": A4_CSS_PX, "height": 1000})
        page.emulate_media(media="print")
        page.goto(page_file.as_uri())
        over = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .map(e => e.tagName + ' ' + e.textContent.slice(0, 30))""",
            A4_CSS_PX,
        )
        width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= A4_CSS_PX and over == [], over[:5]
