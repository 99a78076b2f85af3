"""Shipped histories and the loader of a user's own results table."""

import csv
import io
from importlib import resources

import numpy as np
import openpyxl
import pandas as pd
import pytest

from simulator.errors import InputError
from simulator.history import INDEX_IDS, PAPI_DIMENSIONS, load_history, read_results_table
from simulator.units import UnitRegistry

DATA_FILES = (
    "papi_provincial_2011_2020.csv",
    "papi_provincial_2021_2022.csv",
    "par_index_observed_2012_2020.csv",
    "par_index_observed_2021_2022.csv",
    "par_index_components_2012.csv",
    "sipas_observed_2017_2020.csv",
    "sipas_observed_2021_2022.csv",
    "national_summary_2017_2020.csv",
    "national_summary_2021.csv",
    "units_vn63.csv",
)


def _shipped(name: str) -> list[dict[str, str]]:
    text = resources.files("simulator.data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _write_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def _write_xlsx(path, rows: list[list[object]]):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _error(source, index_id="par_index", **kw) -> str:
    with pytest.raises(InputError) as err:
        read_results_table(source, index_id, **kw)
    return str(err.value)


# --- shipped data ---------------------------------------------------------------------------


@pytest.mark.parametrize("index_id", INDEX_IDS)
def test_shipped_history_loads_with_canonical_units(index_id):
    hist = load_history(index_id)
    assert hist.index_id == index_id
    assert len(hist.units) == 63
    assert set(hist.observations["unit"]) <= set(hist.units.names)
    assert {"year", "unit", "score", "rank", "source"} <= set(hist.observations.columns)
    assert not hist.observations.duplicated(["year", "unit"]).any()


def test_papi_has_63_units_a_year_except_2014_and_2021():
    papi = load_history("papi")
    per_year = papi.observations.groupby("year")["unit"].nunique().to_dict()
    assert per_year == {y: {2014: 61, 2021: 60}.get(y, 63) for y in range(2011, 2023)}
    missing_2014 = set(papi.units.names) - set(papi.observations.query("year == 2014")["unit"])
    assert missing_2014 == {"Bắc Giang", "Đồng Tháp"}
    missing_2021 = set(papi.units.names) - set(papi.observations.query("year == 2021")["unit"])
    assert missing_2021 == {"Bắc Giang", "Bắc Ninh", "Quảng Ninh"}


def test_papi_units_without_a_total_are_the_documented_ones():
    obs = load_history("papi").observations
    no_total = obs[obs["score"].isna()]
    assert sorted(zip(no_total["year"], no_total["unit"], strict=True)) == [
        (2018, "Quảng Ninh"),
        (2018, "Đồng Tháp"),
        (2022, "Bắc Giang"),
        (2022, "Bắc Ninh"),
    ]
    assert no_total["rank"].isna().all()
    assert no_total["d2_transparency"].isna().all() and no_total["d4_corruption_control"].isna().all()


def test_papi_totals_are_the_sum_of_dimensions_and_ranks_their_order():
    obs = load_history("papi").observations.dropna(subset=["score"])
    dims = obs[list(PAPI_DIMENSIONS)].sum(axis=1)
    assert np.max(np.abs(dims - obs["score"])) < 6e-4
    for _, year in obs.groupby("year"):
        expected = year["score"].rank(ascending=False, method="min")
        assert (expected == year["rank"]).all()


def test_papi_dimensions_7_and_8_start_in_2018():
    obs = load_history("papi").observations
    assert obs.loc[obs["year"] < 2018, ["d7_environment", "d8_egovernance"]].isna().all().all()
    assert obs.loc[obs["year"] >= 2018, "d7_environment"].notna().all()
    assert obs.loc[obs["year"] >= 2018, "d8_egovernance"].isna().sum() == 1  # Bắc Ninh 2022


def test_papi_matrix_is_years_by_units_with_nan_for_gaps():
    papi = load_history("papi")
    m = papi.matrix()
    assert m.shape == (12, 63)
    assert np.isnan(m).sum() == 9  # 2 absent in 2014, 2 totals unknown in 2018, 3 absent in 2021, 2 in 2022
    row_2018 = m[papi.years.index(2018)]
    assert np.isnan(row_2018[papi.units.index("Quảng Ninh")])


@pytest.mark.parametrize("name", DATA_FILES[:-1])
def test_no_shipped_year_is_2023_or_later(name):
    years = {int(r["year"]) for r in _shipped(name)}
    assert years and max(years) <= 2022


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_shipped_row_has_a_source(name):
    rows = _shipped(name)
    assert rows
    assert all(r["source"].strip() for r in rows)


@pytest.mark.parametrize("index_id", INDEX_IDS)
def test_loaded_history_ends_in_2022_with_sources_everywhere(index_id):
    hist = load_history(index_id)
    assert max(hist.years) == 2022
    assert hist.observations["source"].str.strip().str.len().gt(0).all()
    assert hist.summaries["source"].str.strip().str.len().gt(0).all() if len(hist.summaries) else True


def test_can_tho_2019_values_are_derived_as_documented():
    par = load_history("par_index").unit_series("Can Tho").set_index("year")
    sipas = load_history("sipas").unit_series("TP. Cần Thơ").set_index("year")
    papi = load_history("papi").unit_series("Cần Thơ").set_index("year")
    assert par.loc[2019, "score"] == pytest.approx(83.76 - 2.51)
    assert par.loc[2019, "rank"] == 37 - 8
    assert sipas.loc[2019, "score"] == pytest.approx(84.14 - 3.75)
    assert sipas.loc[2019, "rank"] == 38 + 13
    assert papi.loc[2020, "score"] == pytest.approx(42.88, abs=0.01)
    assert papi.loc[2019, "score"] - papi.loc[2020, "score"] == pytest.approx(2.82, abs=0.01)
    assert papi.loc[2019, "rank"] == 8


def test_par_index_components_2012_add_up_to_the_score():
    comps = pd.DataFrame(_shipped("par_index_components_2012.csv"))
    total = comps.assign(score=comps["score"].astype(float)).groupby("province")["score"].sum()
    par = load_history("par_index").observations.query("year == 2012").set_index("unit")["score"]
    assert len(total) == len(par) == 19
    assert np.allclose(total.sort_index(), par.sort_index(), atol=0.011)


def test_summaries_are_per_index():
    assert load_history("sipas").summary(2020, "mean") == 85.48
    assert load_history("par_index").summary(2019, "max") == 90.09
    assert load_history("par_index").summary(2017, "mean") is None
    assert len(load_history("papi").summaries) == 0


def test_before_keeps_strictly_earlier_years():
    sipas = load_history("sipas")
    early = sipas.before(2019)
    assert early.years == (2017, 2018)
    assert early.observations["year"].max() == 2018
    assert early.summaries["year"].max() == 2018
    assert sipas.before(2011).observations.empty
    assert len(sipas.before(2030).observations) == len(sipas.observations)


def test_load_history_returns_copies_the_caller_may_change():
    first = load_history("par_index")
    first.observations.loc[0, "score"] = -1.0
    assert load_history("par_index").observations.loc[0, "score"] == 87.12


def test_unknown_index_is_refused():
    with pytest.raises(InputError, match=r"^index: unknown index 'cpi'"):
        load_history("cpi")


# --- a user's results table: good input -----------------------------------------------------


def test_reads_csv_with_vietnamese_headers_and_decimal_comma(tmp_path):
    path = _write_csv(
        tmp_path / "par2020.csv",
        'tỉnh,năm,điểm,xếp hạng\nTP. Cần Thơ,2020,"83,76",37\nTP HCM,2020,85.1,20\nHoà Bình,2020,80%,\n',
    )
    table = read_results_table(path, "par_index")
    assert list(table.columns[:5]) == ["year", "unit", "score", "rank", "source"]
    assert table["unit"].tolist() == ["Cần Thơ", "Hồ Chí Minh", "Hòa Bình"]
    assert table["score"].tolist() == [83.76, 85.1, 80.0]
    assert table["rank"].tolist()[:2] == [37.0, 20.0] and np.isnan(table["rank"].iloc[2])
    assert table["year"].tolist() == [2020] * 3
    assert (table["source"] == f"user table {path}").all()


def test_reads_semicolon_csv_with_a_title_and_row_numbers_from_the_file(tmp_path):
    path = _write_csv(
        tmp_path / "sipas.csv",
        "CHỈ SỐ SIPAS NĂM 2020\n\nSTT;Tỉnh, thành phố;Năm;Chỉ số (%);Xếp hạng\n"
        "1;Quảng Ninh;2020;95,76;1\n\n2;Bình Thuận;2020;75,68;63\n",
    )
    table = read_results_table(path, "sipas")
    assert table["unit"].tolist() == ["Quảng Ninh", "Bình Thuận"]
    assert table["score"].tolist() == [95.76, 75.68]
    bad = _write_csv(tmp_path / "bad.csv", path.read_text("utf-8").replace("75,68", "7x"))
    assert _error(bad, "sipas").startswith(f"{bad} row 6 column 'Chỉ số (%)': ")


def test_reads_csv_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("Tỉnh,Năm,Điểm\nCần Thơ,2020,83.76\n", encoding="utf-8-sig")
    assert read_results_table(path, "par_index")["unit"].tolist() == ["Cần Thơ"]


def test_reads_xlsx_written_by_pandas(tmp_path):
    path = tmp_path / "par2020.xlsx"
    frame = pd.DataFrame(
        {
            "Tỉnh/Thành phố": ["Cần Thơ", "Quảng Ninh", "Thừa Thiên Huế"],
            "Năm": [2020, 2020, 2020],
            "Điểm": [83.76, "91,04", 88.5],
            "Xếp hạng": [37, 1, None],
        }
    )
    frame.to_excel(path, index=False)
    table = read_results_table(path, "par_index")
    assert table["unit"].tolist() == ["Cần Thơ", "Quảng Ninh", "Thừa Thiên Huế"]
    assert table["score"].tolist() == [83.76, 91.04, 88.5]
    assert table["rank"].iloc[:2].tolist() == [37.0, 1.0] and np.isnan(table["rank"].iloc[2])


def test_reads_xlsx_from_an_upload_without_a_name(tmp_path):
    path = _write_xlsx(tmp_path / "t.xlsx", [["unit", "year", "score"], ["BR-VT", 2019, 84.0]])
    table = read_results_table(io.BytesIO(path.read_bytes()), "par_index")
    assert table["unit"].tolist() == ["Bà Rịa - Vũng Tàu"]
    assert (table["source"] == "user table uploaded table").all()


def test_xlsx_percent_cells_are_read_as_shown(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Tỉnh", "Năm", "Chỉ số"])
    book.active.append(["Cần Thơ", 2020, 0.8414])
    book.active["C2"].number_format = "0.00%"
    book.save(tmp_path / "pct.xlsx")
    assert read_results_table(tmp_path / "pct.xlsx", "sipas")["score"].tolist() == [84.14]


def test_xlsx_row_numbers_match_the_sheet(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Bảng xếp hạng"
    sheet.append([])
    sheet.append(["Tỉnh", "Năm", "Điểm"])
    sheet.append(["Cần Thơ", 2020, 83.76])
    sheet.append(["Hà Nội", 2020, 101])
    book.save(tmp_path / "t.xlsx")
    assert _error(tmp_path / "t.xlsx").startswith(f"{tmp_path / 't.xlsx'} row 5 column 'Điểm': ")


def test_components_are_read_by_header(tmp_path):
    path = _write_csv(
        tmp_path / "c.csv", 'unit,year,score,Appraisal,survey\nĐà Nẵng,2012,87.12,"53,25",33.87\n'
    )
    table = read_results_table(path, "par_index", components=("appraisal", "survey"))
    assert table[["appraisal", "survey"]].iloc[0].tolist() == [53.25, 33.87]


def test_name_labels_an_uploaded_stream():
    data = io.BytesIO(b"unit,year,score\nAtlantis,2020,80\n")
    assert _error(data, name="bao_cao.csv").startswith("bao_cao.csv row 2 column 'unit': ")


def test_34_unit_registry_bounds_ranks(tmp_path):
    units = UnitRegistry(("Hà Nội", "Huế", "Cần Thơ"))
    good = _write_csv(tmp_path / "g.csv", "unit,year,score,rank\nThành phố Huế,2025,88,3\n")
    assert read_results_table(good, "par_index", units=units)["unit"].tolist() == ["Huế"]
    bad = _write_csv(tmp_path / "b.csv", "unit,year,score,rank\nHuế,2025,88,4\n")
    assert "is not a whole number in 1..3" in _error(bad, units=units)


# --- a user's results table: bad input -------------------------------------------------------


def test_missing_columns_are_named(tmp_path):
    path = _write_csv(tmp_path / "m.csv", "tỉnh,điểm\nCần Thơ,83.76\n")
    message = _error(path)
    assert message.startswith(f"{path}: missing column(s) year")
    assert "tỉnh, điểm" in message


def test_semicolon_file_is_not_mistaken_for_missing_columns(tmp_path):
    path = _write_csv(tmp_path / "s.csv", "Tỉnh;Năm;Điểm\nCần Thơ;2020;83,76\n")
    assert read_results_table(path, "par_index")["score"].tolist() == [83.76]


def test_unknown_unit_names_row_column_and_suggests(tmp_path):
    path = _write_csv(tmp_path / "u.csv", "tỉnh,năm,điểm\nCần Thơ,2020,83.76\nHa Noii,2020,84\n")
    message = _error(path)
    assert message.startswith(f"{path} row 3 column 'tỉnh': unknown province 'Ha Noii'")
    assert "did you mean 'Hà Nội'" in message


def test_blank_unit_is_named_not_read_as_nan(tmp_path):
    path = _write_csv(tmp_path / "b.csv", "unit,year,score\n,2020,83.76\n")
    assert _error(path) == f"{path} row 2 column 'unit': a province name is required"


def test_duplicated_unit_year_names_both_rows(tmp_path):
    path = _write_csv(
        tmp_path / "d.csv", "unit,year,score\nCần Thơ,2020,83.76\nHà Nội,2020,84\nCan Tho,2020,80\n"
    )
    assert _error(path) == f"{path} row 4: Cần Thơ 2020 already given in row 2"


def test_the_same_unit_in_two_years_is_fine(tmp_path):
    path = _write_csv(tmp_path / "y.csv", "unit,year,score\nCần Thơ,2019,81.25\nCần Thơ,2020,83.76\n")
    assert read_results_table(path, "par_index")["year"].tolist() == [2019, 2020]


@pytest.mark.parametrize("value", ["abc", "83.7.6", "n.a.x"])
def test_non_numeric_score(tmp_path, value):
    path = _write_csv(tmp_path / "n.csv", f"unit,year,score\nCần Thơ,2020,{value}\n")
    assert _error(path) == f"{path} row 2 column 'score': {value!r} is not a number"


@pytest.mark.parametrize("value", ["", "-"])
def test_missing_score(tmp_path, value):
    path = _write_csv(tmp_path / "e.csv", f"unit,year,score\nCần Thơ,2020,{value}\n")
    assert _error(path) == f"{path} row 2 column 'score': is empty"


def test_non_numeric_year(tmp_path):
    path = _write_csv(tmp_path / "y.csv", "unit,year,score\nCần Thơ,2020.5,83\n")
    assert _error(path) == f"{path} row 2 column 'year': '2020.5' is not a year"


@pytest.mark.parametrize(
    ("index_id", "year", "value"),
    [
        ("par_index", 2020, "101"),
        ("par_index", 2020, "-1"),
        ("sipas", 2020, "100,5"),
        ("papi", 2020, "90"),
        ("papi", 2015, "61"),
        ("papi", 2020, "5"),
    ],
)
def test_score_out_of_range(tmp_path, index_id, year, value):
    path = _write_csv(tmp_path / "r.csv", f'unit,year,score\nCần Thơ,{year},"{value}"\n')
    message = _error(path, index_id)
    assert message.startswith(f"{path} row 2 column 'score': score ")
    assert "outside" in message


def test_papi_out_of_60_before_2018_and_80_after(tmp_path):
    path = _write_csv(tmp_path / "p.csv", "unit,year,score\nCần Thơ,2017,40\nCần Thơ,2018,70\n")
    assert read_results_table(path, "papi")["score"].tolist() == [40.0, 70.0]


@pytest.mark.parametrize("rank", ["0", "64", "2.5", "-3", "first"])
def test_bad_rank(tmp_path, rank):
    path = _write_csv(tmp_path / "k.csv", f"unit,year,score,rank\nCần Thơ,2020,83.76,{rank}\n")
    assert _error(path).startswith(f"{path} row 2 column 'rank': ")


@pytest.mark.parametrize("text", ["", "\n\n", "unit,year,score\n", "unit,year,score\n,,\n"])
def test_empty_table(tmp_path, text):
    path = _write_csv(tmp_path / "empty.csv", text)
    message = _error(path)
    assert message.startswith(f"{path}: ")
    assert "empty" in message or "no rows" in message


def test_empty_xlsx(tmp_path):
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    assert _error(tmp_path / "empty.xlsx") == f"{tmp_path / 'empty.xlsx'}: the table is empty"


def test_garbage_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    assert _error(path) == f"{path}: is not a readable .xlsx workbook"


def test_zip_that_is_not_a_workbook_is_unreadable(tmp_path):
    import zipfile

    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert _error(path).startswith(f"{path}: is not a readable .xlsx workbook")


def test_garbage_csv_is_unreadable(tmp_path):
    path = tmp_path / "bao_cao.csv"
    path.write_bytes(bytes(range(256)) * 8)
    assert _error(path).startswith(f"{path}: is neither an .xlsx workbook nor UTF-8 text")


def test_old_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "save it as .xlsx" in _error(path)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    assert _error(path).startswith(f"{path}: cannot be read")


def test_unknown_index_in_table(tmp_path):
    path = _write_csv(tmp_path / "x.csv", "unit,year,score\nCần Thơ,2020,83\n")
    assert _error(path, "cpi") == f"{path}: unknown index 'cpi'"


# --- merging a user's table ------------------------------------------------------------------


def test_with_table_replaces_shipped_rows_and_adds_new_ones(tmp_path):
    path = _write_csv(
        tmp_path / "par.csv", "tỉnh,năm,điểm,xếp hạng\nCần Thơ,2020,84.00,30\nLong An,2020,82.5,41\n"
    )
    par = load_history("par_index")
    merged = par.with_table(read_results_table(path, "par_index"))
    assert len(merged.observations) == len(par.observations) + 1
    can_tho = merged.observations.query("year == 2020 and unit == 'Cần Thơ'")
    assert can_tho[["score", "rank"]].values.tolist() == [[84.0, 30.0]]
    assert can_tho["source"].iloc[0] == f"user table {path}"
    assert merged.unit_series("Long An")["score"].tolist() == [82.5]
    assert merged.unit_series("Cần Thơ").query("year <= 2020")["score"].tolist() == [80.87, 81.25, 84.0]
    assert not merged.observations.duplicated(["year", "unit"]).any()
    assert par.observations.query("year == 2020 and unit == 'Cần Thơ'")["score"].tolist() == [83.76]


def test_with_table_may_add_a_year_the_shipped_data_holds_out(tmp_path):
    path = _write_csv(tmp_path / "par2023.csv", "unit,year,score\nCần Thơ,2023,86.12\n")
    merged = load_history("par_index").with_table(read_results_table(path, "par_index"))
    assert merged.years[-1] == 2023
    assert merged.before(2023).years[-1] == 2022


def test_with_table_refuses_units_outside_the_registry(tmp_path):
    path = _write_csv(tmp_path / "h.csv", "unit,year,score\nHuế,2025,88\n")
    table = read_results_table(path, "par_index", units=UnitRegistry(("Huế",)))
    with pytest.raises(InputError, match=r"unit\(s\) not in this history: Huế"):
        load_history("par_index").with_table(table)
