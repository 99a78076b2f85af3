"""The unit registry: 63 canonical provinces, their many spellings, and clear refusals."""

import csv
from importlib import resources

import pytest

from simulator.errors import InputError
from simulator.units import UnitRegistry, crosswalk, fold, units_for_year, vietnam_34, vietnam_63

# The 34 provinces and centrally-run cities after the 2025 merger, as a registry built by hand.
UNITS_34 = (
    "Hà Nội",
    "Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Tuyên Quang",
    "Cao Bằng",
    "Lai Châu",
    "Lào Cai",
    "Thái Nguyên",
    "Điện Biên",
    "Lạng Sơn",
    "Sơn La",
    "Phú Thọ",
    "Bắc Ninh",
    "Quảng Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Đồng Nai",
    "Tây Ninh",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
)


def _csv_rows() -> list[dict[str, str]]:
    text = resources.files("simulator.data").joinpath("units_vn63.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_vietnam_63_has_63_unique_canonical_names():
    reg = vietnam_63()
    assert len(reg) == 63
    assert len(set(reg.names)) == 63
    assert len({fold(n) for n in reg.names}) == 63


def test_canonical_names_match_the_shipped_papi_file():
    text = resources.files("simulator.data").joinpath("papi_provincial_2011_2020.csv").read_text("utf-8")
    papi_2020 = [r["province"] for r in csv.DictReader(text.splitlines()) if r["year"] == "2020"]
    assert sorted(papi_2020) == sorted(vietnam_63().names)


def test_every_canonical_name_resolves_to_itself():
    reg = vietnam_63()
    for name in reg.names:
        assert reg.resolve(name) == name
        assert name in reg


def test_every_csv_alias_code_and_ascii_name_resolves_to_its_own_row():
    reg = vietnam_63()
    for row in _csv_rows():
        spellings = [row["code"], row["name_ascii"], *filter(None, row["aliases"].split(";"))]
        for spelling in spellings:
            assert reg.resolve(spelling) == row["name"], spelling


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Can Tho", "Cần Thơ"),
        ("Ha Noi", "Hà Nội"),
        ("Hanoi", "Hà Nội"),
        ("  hà nội ", "Hà Nội"),
        ("HÀ NỘI", "Hà Nội"),
        ("Thủ đô Hà Nội", "Hà Nội"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP HCM", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Ho Chi Minh City", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Thành phố Cần Thơ", "Cần Thơ"),
        ("Can Tho City", "Cần Thơ"),
        ("Tỉnh Đắk Lắk", "Đắk Lắk"),
        ("Dak Lak", "Đắk Lắk"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("Daklak", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Đắk Nông", "Đắk Nông"),
        ("TT-Huế", "Thừa Thiên Huế"),
        ("TT Huế", "Thừa Thiên Huế"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Thua Thien Hue Province", "Thừa Thiên Huế"),
        ("Ba Ria-Vung Tau", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("BR-VT", "Bà Rịa - Vũng Tàu"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Hoà Bình", "Hòa Bình"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Bắc Cạn", "Bắc Kạn"),
        ("Kontum", "Kon Tum"),
        ("Ðà Nẵng", "Đà Nẵng"),  # Ð is U+00D0, the look-alike that legacy encodings produce
        ("Danang", "Đà Nẵng"),
        ("Haiphong", "Hải Phòng"),
    ],
)
def test_resolves_usual_variants(spelling, canonical):
    reg = vietnam_63()
    assert reg.resolve(spelling) == canonical
    assert spelling in reg


def test_decomposed_unicode_resolves_like_composed():
    import unicodedata

    reg = vietnam_63()
    assert reg.resolve(unicodedata.normalize("NFD", "Thừa Thiên Huế")) == "Thừa Thiên Huế"


def test_index_follows_the_order_of_names():
    reg = vietnam_63()
    assert reg.names[reg.index("TP HCM")] == "Hồ Chí Minh"
    assert reg.index("Hà Giang") == 0


def test_unknown_name_names_the_place_and_the_bad_name_and_suggests():
    with pytest.raises(InputError) as err:
        vietnam_63().resolve("Can Thoo", "plan.toml units[2]")
    message = str(err.value)
    assert message.startswith("plan.toml units[2]: ")
    assert "'Can Thoo'" in message
    assert "did you mean 'Cần Thơ'" in message
    assert err.value.where == "plan.toml units[2]"


def test_unknown_name_far_from_any_unit_has_no_suggestion():
    with pytest.raises(InputError, match=r"^unit: unknown province 'Atlantis'$"):
        vietnam_63().resolve("Atlantis")


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_blank_name_is_refused(blank):
    with pytest.raises(InputError, match="a province name is required"):
        vietnam_63().resolve(blank, "table row 3")


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        vietnam_63().resolve("Nowhere")


def test_non_string_is_not_contained():
    assert 12 not in vietnam_63()
    assert None not in vietnam_63()


def test_registry_is_hashable_and_compares_by_value():
    assert hash(vietnam_63()) == hash(UnitRegistry(vietnam_63().names, dict(vietnam_63().aliases)))
    assert UnitRegistry(("Hà Nội",)) == UnitRegistry(("Hà Nội",))


def test_34_unit_registry_from_names_only():
    reg = UnitRegistry(tuple(UNITS_34))
    assert len(reg) == 34
    assert reg.resolve("TP. Hồ Chí Minh") == "Hồ Chí Minh"
    assert reg.resolve("Thành phố Huế") == "Huế"
    assert reg.resolve("tinh dak lak") == "Đắk Lắk"
    assert reg.index("An Giang") == 33
    with pytest.raises(InputError, match="'Bình Dương'"):
        reg.resolve("Bình Dương")


def test_34_unit_registry_takes_aliases():
    reg = UnitRegistry(UNITS_34, {"TP HCM": "Hồ Chí Minh", "TT-Huế": "Huế"})
    assert reg.resolve("TP HCM") == "Hồ Chí Minh"
    assert reg.resolve("TT-Huế") == "Huế"


def test_registry_refuses_the_same_unit_twice():
    with pytest.raises(InputError, match="'Ha Noi' is the same unit as 'Hà Nội'"):
        UnitRegistry(("Hà Nội", "Ha Noi"))


def test_registry_refuses_an_alias_of_a_missing_unit():
    with pytest.raises(InputError, match="'Hà Tây', which is not a unit"):
        UnitRegistry(("Hà Nội",), {"Ha Tay": "Hà Tây"})


def test_registry_refuses_an_alias_that_names_another_unit():
    with pytest.raises(InputError, match="already names 'Hà Nam'"):
        UnitRegistry(("Hà Nội", "Hà Nam"), {"Ha Nam": "Hà Nội"})


def test_fold():
    assert fold("TP. Hồ Chí Minh") == "tp ho chi minh"
    assert fold("Bà Rịa – Vũng Tàu") == "ba ria vung tau"
    assert fold("Đắk Lắk") == fold("Ðắk Lắk") == "dak lak"
    assert fold("Hoà Bình") == fold("Hòa Bình")


# The 2025 merger: the shipped registry of 34 units and the crosswalk from the 63.


def test_crosswalk_maps_the_63_onto_the_34_losing_none_and_none_twice():
    merged = crosswalk()
    assert len(merged) == 34
    assert sorted(m.name for m in merged) == sorted(UNITS_34)
    preds = [p for m in merged for p in m.predecessors]
    assert len(preds) == 63
    assert sorted(preds) == sorted(vietnam_63().names)
    assert sum(not m.merged for m in merged) == 11  # 11 unchanged, 52 merged into 23
    assert sum(len(m.predecessors) for m in merged if m.merged) == 52


def test_new_can_tho_is_the_former_can_tho_soc_trang_and_hau_giang():
    can_tho = next(m for m in crosswalk() if m.name == "Cần Thơ")
    assert set(can_tho.predecessors) == {"Cần Thơ", "Sóc Trăng", "Hậu Giang"}
    assert can_tho.unit_type == "thành phố"
    assert "202/2025/QH15" in can_tho.source


def test_shipped_34_registry_names_and_the_field_of_a_year():
    assert sorted(vietnam_34().names) == sorted(UNITS_34)
    assert len(units_for_year(2024)) == 63
    assert len(units_for_year(2025)) == 34
    assert len(units_for_year(2030)) == 34
    assert units_for_year(2012) is vietnam_63()


@pytest.mark.parametrize(
    ("spelling", "successor"),
    [
        ("Sóc Trăng", "thành phố Cần Thơ"),
        ("hau giang", "thành phố Cần Thơ"),
        ("Bình Dương", "Hồ Chí Minh"),
        ("BR-VT", "Hồ Chí Minh"),
        ("Hà Giang", "tỉnh Tuyên Quang"),
        ("Quảng Nam", "Đà Nẵng"),
    ],
)
def test_former_name_after_the_merger_is_refused_naming_its_successor(spelling, successor):
    with pytest.raises(InputError) as err:
        vietnam_34().resolve(spelling, "plan.province")
    msg = str(err.value)
    assert msg.startswith("plan.province: ")
    assert "đã hợp nhất vào" in msg and "merged into" in msg and successor in msg
    assert "\n" not in msg


def test_refusal_line_reads_as_planners_write_it():
    with pytest.raises(InputError, match="Sóc Trăng đã hợp nhất vào thành phố Cần Thơ từ 01/7/2025"):
        vietnam_34().resolve("Sóc Trăng")


def test_hue_is_found_by_its_new_and_old_names():
    reg = vietnam_34()
    for spelling in ("Thành phố Huế", "TP. Huế", "Huế", "Thừa Thiên Huế", "TT-Huế", "thua_thien_hue"):
        assert reg.resolve(spelling) == "Huế", spelling


def test_every_alias_of_today_keeps_working_for_2024_and_is_placed_for_2025():
    old, new = units_for_year(2024), units_for_year(2025)
    successor = {p: m for m in crosswalk() for p in m.predecessors}
    for row in _csv_rows():
        m = successor[row["name"]]
        for spelling in [
            row["name"],
            row["code"],
            row["name_ascii"],
            *filter(None, row["aliases"].split(";")),
        ]:
            assert old.resolve(spelling) == row["name"], spelling
            if row["name"] == m.name or not m.merged:
                assert new.resolve(spelling) == m.name, spelling
            else:
                with pytest.raises(InputError, match=f"merged into {m.name} "):
                    new.resolve(spelling)
