"""One translation table: the app's STRINGS and the library's TEXT, read through ``app.i18n.tr``."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from app.i18n import SAME_AS, STRINGS, entry, tr
from simulator.labels import TEXT

APP = Path(__file__).resolve().parents[1] / "app"
TABLES = {"STRINGS": STRINGS, "TEXT": TEXT}
SAME_IN_BOTH = {"TEXT:unit.%"}  # a unit sign, written alike in both languages
LANGUAGE_NAMES = '{"vi": "Tiếng Việt", "en": "English"}'  # each language by its own name: not a translation
ASCII_VI = {"STRINGS:num_example"}  # a number typed the Vietnamese way has no diacritics


def _entries():
    return [(f"{name}:{key}", value) for name, table in TABLES.items() for key, value in table.items()]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("where, value", _entries())
def test_every_entry_has_vietnamese_and_english(where, value):
    assert set(value) == {"vi", "en"}, where
    assert all(isinstance(v, str) and v.strip() for v in value.values()), where
    assert _fields(value["vi"]) == _fields(value["en"]), where  # the same {placeholders}
    if where not in SAME_IN_BOTH:
        assert value["vi"] != value["en"], where
    if where not in ASCII_VI:  # Vietnamese words carry diacritics; a vi text without any is untranslated
        letters = re.sub(r"\{[^}]*\}|\b(PAR|INDEX|SIPAS|PAPI|CSV|XLSX|TOML|APP_PUBLIC_URL)\b", "", value["vi"])
        assert not re.search(r"[A-Za-z]", letters) or re.search(r"[^\x00-\x7f]", letters), where
    assert not re.search(r"\bBAU\b", value["vi"]), where  # "hiện trạng", not BAU


def test_one_table_no_key_twice_and_no_text_repeated():
    assert not set(STRINGS) & set(TEXT)  # an app key would hide the library's label of that name
    library = {(v["vi"], v["en"]): k for k, v in TEXT.items()}
    repeated = {k: library[(v["vi"], v["en"])] for k, v in STRINGS.items() if (v["vi"], v["en"]) in library}
    assert not repeated  # say it with the library's key (or SAME_AS), not a second copy
    assert all(k not in STRINGS and target in TEXT for k, target in SAME_AS.items())


def test_tr_reads_the_app_then_the_library():
    assert tr("plan_year", "vi") == "Năm kế hoạch" and tr("plan_year", "en") == "Plan year"
    assert tr("province", "vi") == "Tỉnh/thành phố" == TEXT["province"]["vi"]
    assert tr("c_score", "en") == TEXT["score"]["en"] and tr("field_rank", "vi") == "Hạng kỳ vọng"
    assert tr("metric_p_rank", "vi", rank=15) == "Khả năng hạng ≤ 15"
    assert tr("no such key", "vi") == "no such key" and entry("no such key") is None


def test_every_key_the_app_names_is_in_the_table():
    named = set()
    for path in APP.glob("*.py"):
        named |= set(re.findall(r"\btr\(\s*\"([^\"{}]+)\"", path.read_text(encoding="utf-8")))
    assert named and not {k for k in named if entry(k) is None}


def test_no_private_vi_en_table_left_in_the_app():
    for path in APP.glob("*.py"):
        if path.name == "i18n.py":
            continue
        text = path.read_text(encoding="utf-8").replace(LANGUAGE_NAMES, "")
        assert not re.search(r"\{\s*\"vi\"\s*:\s*\"", text), path.name
        assert not re.search(r"\"[^\"]+\" if lang == \"vi\" else \"[^\"]+\"", text), path.name
