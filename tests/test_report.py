"""Exports: CSV, XLSX and the HTML brief carry the plan's numbers with their Monte Carlo errors."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

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
    book = pd.read_excel(io.BytesIO(report.to_xlsx(plan, result, bau)), sheet_name=None)
    assert {"summary", "task_groups", "rank_pmf", "components", "assumptions", "run"} <= set(book)
    assert book["summary"].set_index("index").loc["par_index", "p_score"] == pytest.approx(
        result.indices["par_index"].p_score
    )
    pmf = book["rank_pmf"][book["rank_pmf"]["index"] == "sipas"]["plan"].to_numpy()
    np.testing.assert_allclose(pmf, result.indices["sipas"].rank_pmf())
    assert len(book["task_groups"]) == 24
    assert book["assumptions"]["assumption"].str.contains("SIPAS").any()


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
