"""The plan library: atomic saves, concurrent saves lose nothing, delete, Vietnamese names."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from simulator.errors import InputError
from simulator.history import load_history
from simulator.library import (
    PlanLibrary,
    last_known,
    new_plan,
    slug,
    structure_differences,
    structure_key,
)


def test_save_load_roundtrip_with_diacritics(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    saved = lib.save(plan.with_levels({"papi": {"g1_participation": 0.8}}), "Phương án Đổi mới số 1")
    assert saved.id == "phuong-an-doi-moi-so-1"
    back = lib.load(saved.id)
    assert back.name == "Phương án Đổi mới số 1"
    assert back.indices["papi"].groups[0].planned == pytest.approx(0.8)
    assert [e.name for e in lib.entries()] == ["Phương án Đổi mới số 1"]
    assert not list(tmp_path.glob(".saving-*"))  # no temporary file left behind


def test_same_name_twice_keeps_both_unless_overwrite(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    a = lib.save(plan, "Phương án A")
    b = lib.save(plan.with_targets("papi", 46.0, 15), "Phuong an A")
    assert (a.id, b.id) == ("phuong-an-a", "phuong-an-a-2")
    c = lib.save(plan.with_targets("papi", 47.0, 10), "Phương án A", overwrite=True)
    assert c.id == "phuong-an-a"
    assert lib.load("phuong-an-a").indices["papi"].target_score == 47.0
    assert len(lib.entries()) == 2


def test_concurrent_saves_lose_nothing(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    n = 16
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            barrier.wait()
            lib.save(plan.with_targets("papi", 40.0 + i, 20), "Phương án chung")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    entries = lib.entries()
    assert len(entries) == n
    targets = sorted(lib.load(e.id).indices["papi"].target_score for e in entries)
    assert targets == [40.0 + i for i in range(n)]


def test_delete_and_bad_ids(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    saved = lib.save(plan, "Xoá tôi")
    lib.delete(saved.id)
    assert lib.entries() == []
    lib.delete(saved.id)  # already gone: no error
    with pytest.raises(InputError):
        lib.load("../etc/passwd")
    with pytest.raises(InputError, match="no such saved plan"):
        lib.load("khong-co")


def test_invalid_files_are_skipped_and_empty_name_refused(tmp_path, plan):
    (tmp_path / "broken.toml").write_text("[plan\nname=", encoding="utf-8")
    lib = PlanLibrary(tmp_path)
    assert lib.entries() == []
    with pytest.raises(InputError, match="name"):
        lib.save(plan, "   ")


def test_env_folder(tmp_path, monkeypatch, plan):
    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "lib"))
    PlanLibrary().save(plan, "Env")
    assert (tmp_path / "lib" / "env.toml").is_file()


def test_slug():
    assert slug("Kế hoạch Cần Thơ 2021") == "ke-hoach-can-tho-2021"
    assert slug("???") == "ke-hoach"


def test_structure_ignores_levels_and_targets(plan, status_quo):
    assert structure_key(plan) == structure_key(status_quo)
    assert structure_differences(plan, status_quo) == []
    assert structure_key(plan) == structure_key(replace(plan, notes_vi="khác", notes_en="other"))
    other = replace(plan, province="Hà Nội")
    assert structure_differences(plan, other) == ["plan.province: Cần Thơ ≠ Hà Nội"]


def test_new_plan_targets_from_history_or_given(plan):
    known = last_known(load_history("papi"), "Quảng Ninh", 2021)
    assert known is not None and known[0] == 2020
    qn = new_plan(plan, "Quảng Ninh", 2021)
    assert qn.province == "Quảng Ninh" and qn.name == "Quảng Ninh 2021"
    assert qn.notes_for("vi").startswith("Nhóm nhiệm vụ và giả định sao chép từ: ")
    assert "GIẢ ĐỊNH" in qn.notes_for("vi") and "ASSUMPTIONS" in qn.notes_for("en")
    assert qn.indices["papi"].target_score == pytest.approx(round(known[1], 2))
    assert [g.id for g in qn.indices["par_index"].groups] == [g.id for g in plan.indices["par_index"].groups]
    lc = new_plan(plan, "Lào Cai", 2021, last={"sipas": (85.5, 30)})
    assert lc.indices["sipas"].last_score == 85.5
    assert (lc.indices["sipas"].target_score, lc.indices["sipas"].target_rank) == (85.5, 30)
    with pytest.raises(InputError, match="province"):
        new_plan(plan, "Atlantis", 2021)


def test_a_plan_with_control_characters_stays_listed(tmp_path, plan):
    """Reproduces issue 11: a plan saved with "\\r" was invalid TOML and vanished from the list."""
    lib = PlanLibrary(tmp_path)
    odd = replace(plan, notes="dòng 1\rdòng 2\x1b[31m\\", name="x")
    saved = lib.save(odd, "Phương án\rB")
    assert [e.id for e in lib.entries()] == [saved.id]
    assert lib.load(saved.id).notes == odd.notes


def test_scan_names_skipped_files(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    lib.save(plan, "A")
    (tmp_path / "broken.toml").write_text("[plan\n", "utf-8")
    listing = lib.scan()
    assert [e.id for e in listing.entries] == ["a"]
    assert [name for name, _ in listing.skipped] == ["broken.toml"]
    assert "not valid TOML" in listing.skipped[0][1]


def test_library_plan_may_extend_another(tmp_path, plan):
    lib = PlanLibrary(tmp_path)
    lib.save(plan, "Kế hoạch")
    (tmp_path / "bau.toml").write_text(
        'version = 2\nextends = "ke-hoach.toml"\nplan.name = "BAU"\nlevels.all = "bau"\n', "utf-8"
    )
    bau = lib.load("bau")
    assert bau.name == "BAU" and bau.to_dict()["indices"] == plan.at_bau().to_dict()["indices"]
    assert structure_key(bau) == structure_key(plan)
