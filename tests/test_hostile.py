"""A hostile-input corpus, generated in ``tmp_path``: every file is refused cleanly or read right.

Each case is fed to the boundary that would receive it (a plan upload, a results-table upload,
the plan library's listing, the command line). "Refused cleanly" means one
:class:`~simulator.errors.InputError` (exit 2 in the CLI) whose message is one line, holds no
control character and echoes no secret; anything else raised is a crash. The counts are printed
(``pytest -s``) and asserted: no crash, no hostile case accepted.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import PLAN

from simulator.__main__ import main
from simulator.errors import InputError
from simulator.history import read_results_table
from simulator.library import PlanLibrary
from simulator.limits import MAX_TABLE_BYTES
from simulator.scenario import parse_scenario

SECRET = "TOPSECRET-7f3a"
TALLY: Counter[str] = Counter()
MINIMAL = 'version = 2\n[plan]\nprovince = "Cần Thơ"\nyear = 2021\n[indices.papi]\ntarget_score = 45\ntarget_rank = 20\n'


def _plan_text() -> str:
    return PLAN.read_text("utf-8")


def _edit(old: str, new: str) -> bytes:
    text = _plan_text()
    assert old in text, old
    return text.replace(old, new, 1).encode()


def _plans(tmp: Path) -> dict[str, bytes]:
    secret = tmp / "secret.toml"
    secret.write_text(f'{SECRET} = "{SECRET}"\n', "utf-8")
    deep_tables = "a = " + "{b=" * 40 + "1" + "}" * 40
    many = "".join(
        f'[indices.papi.groups.g{i}]\nname_vi = "x"\nplanned = 80\nbau = 70\nweights = {{}}\n'
        for i in range(100)
    )
    return {
        "empty": b"",
        "blank": b"  \n\t\n",
        "binary": bytes(range(256)) * 4,
        "utf16": _plan_text().encode("utf-16"),
        "invalid toml": b"[plan\nname = ",
        "deep arrays": b"a = " + b"[" * 20000 + b"]" * 20000,
        "deep tables": deep_tables.encode(),
        "oversized": b"# " + b"x" * 1_100_000,
        "absolute definition": _edit('definition = "par_index_2020"', f'definition = "{secret}"'),
        "relative definition": _edit('definition = "par_index_2020"', 'definition = "secret.toml"'),
        "traversal definition": _edit('definition = "par_index_2020"', 'definition = "../../etc/passwd"'),
        "cost 1e308": _edit("cost_per_point = 0.03", "cost_per_point = 1e308"),
        "budget inf": _edit("budget = 54.0", "budget = inf"),
        "planned nan": _edit("planned = 95", "planned = nan"),
        "year 10^20": _edit("year = 2021", "year = 100000000000000000000"),
        "rank 10^30": _edit("target_rank = 15", "target_rank = 1000000000000000000000000000000"),
        "group id newline": _edit(
            "[indices.par_index.groups.g1_direction]", '[indices.par_index.groups."g1\\n"]'
        ),
        "ansi key": _edit("[plan]", '[plan]\n"\\u001b[2J\\u001b[31mred" = 1'),
        "ansi province": _edit('province = "Cần Thơ"', 'province = "\\u001b[2JCần Thơ"'),
        "extends upload": _edit("version = 2", 'version = 2\nextends = "../../etc/passwd.toml"'),
        "extends no folder": _edit("version = 2", 'version = 2\nextends = "can_tho_2021.toml"'),
        "levels not table": _edit("version = 2", 'version = 2\nlevels = "bau"'),
        "version 3": _edit("version = 2", "version = 3"),
        "version text": _edit("version = 2", 'version = "2"'),
        "groups text": (MINIMAL + 'groups = "all"\n').encode(),
        "100 groups": (MINIMAL + many).encode(),
        "plan array": b"plan = []\n",
    }


def _xlsx(fill: Callable[[openpyxl.worksheet.worksheet.Worksheet], None]) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 30_000_000 + b"/>")
    return buf.getvalue()


def _tables() -> dict[str, bytes]:
    head = "tỉnh,năm,điểm\n"
    return {
        "empty": b"",
        "header only": head.encode(),
        "binary": bytes(range(256)) * 64,
        "old xls": b"\xd0\xcf\x11\xe0" + b"\x00" * 512,
        "zip not xlsx": _bomb()[:200],
        "zip bomb": _bomb(),
        "far cell xlsx": _xlsx(lambda ws: (ws.append(["tỉnh", "năm", "điểm"]), ws.cell(1048576, 16384, "x"))),
        "wide xlsx": _xlsx(lambda ws: ws.append(["tỉnh", "năm", "điểm", *range(200)])),
        "oversized csv": (head + "Cần Thơ,2020,45.1\n" * 400_000).encode()[: MAX_TABLE_BYTES + 10],
        "too many rows": (head + "\n".join(f"Cần Thơ,{1990 + i % 100},45" for i in range(20_001))).encode(),
        "too many columns": ",".join(["tỉnh", "năm", "điểm", *map(str, range(200))]).encode(),
        "decimal comma": (head + "Cần Thơ,2020,45,76\n").encode(),
        "decimal comma blank rank": "tỉnh,năm,điểm,hạng\nCần Thơ,2020,45,76,\n".encode(),
        "nul bytes": (head + "Cần Thơ,2020,45\x00\n").encode(),
        "huge field": (head + "Cần Thơ,2020," + "9" * 200_000 + "\n").encode(),
        "formula unit": (head + '=HYPERLINK("http://x"),2020,45\n').encode(),
        "score 1e309": (head + "Cần Thơ,2020,1e309\n").encode(),
        "score underscore": (head + "Cần Thơ,2020,4_5\n").encode(),
        "latin-1": (head + "Cần Thơ,2020,45\n").encode("utf-8").replace("ầ".encode(), b"\xe0"),
        "ansi unit": (head + "\x1b[2JCần Thơ,2020,45\n").encode(),
    }


def _clean(err: BaseException) -> bool:
    text = str(err)
    return isinstance(err, InputError) and text.isprintable() and SECRET not in text


def _tally(kind: str, call: Callable[[], object]) -> str:
    try:
        call()
    except InputError as err:
        outcome = "refused" if _clean(err) else "refused, bad message"
    except Exception as err:
        outcome = f"crash {type(err).__name__}"
    else:
        outcome = "accepted"
    TALLY[f"{kind}: {outcome}"] += 1
    return outcome


def test_hostile_plans_are_refused(tmp_path: Path) -> None:
    outcomes = {
        n: _tally("plan", lambda d=d: parse_scenario(d, "upload.toml")) for n, d in _plans(tmp_path).items()
    }
    assert all(o == "refused" for o in outcomes.values()), outcomes


def test_hostile_tables_are_refused() -> None:
    outcomes = {
        n: _tally("table", lambda d=d: read_results_table(io.BytesIO(d), "papi", name="t.csv"))
        for n, d in _tables().items()
    }
    assert all(o == "refused" for o in outcomes.values()), outcomes


def test_quoted_decimal_comma_reads_right() -> None:
    table = read_results_table(io.BytesIO('tỉnh,năm,điểm\nCần Thơ,2020,"45,76"\n'.encode()), "papi", name="t")
    assert table["score"].tolist() == [45.76]
    semicolon = read_results_table(
        io.BytesIO("tỉnh;năm;điểm\nCần Thơ;2020;45,76\n".encode()), "papi", name="t"
    )
    assert semicolon["score"].tolist() == [45.76]


def test_library_listing_survives_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good.toml").write_bytes(PLAN.read_bytes())
    os.mkfifo(folder / "pipe.toml")
    (folder / "corrupt.toml").write_bytes(b"[plan\n\x00\xff")
    (folder / "deep.toml").write_bytes(b"a = " + b"[" * 20000 + b"]" * 20000)
    (folder / "huge.toml").write_bytes(b"# " + b"x" * 1_100_000)
    (folder / "link.toml").symlink_to("/etc/passwd")
    (folder / "name\x1b[31m.toml").write_bytes(b"plan = 1\n")
    (folder / "dir.toml").mkdir()
    result: dict[str, object] = {}
    worker = threading.Thread(target=lambda: result.update(listing=PlanLibrary(folder).scan()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the listing blocked (a FIFO opened for reading?)"
    listing = result["listing"]
    assert [e.id for e in listing.entries] == ["good"]
    skipped = dict(listing.skipped)
    assert set(skipped) == {p.name for p in folder.iterdir()} - {"good.toml"}
    assert "not a regular file" in skipped["pipe.toml"] and "is a link" in skipped["link.toml"]
    TALLY["library: listed"] += len(listing.entries)
    TALLY["library: skipped with a reason"] += len(skipped)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(PLAN), "--draws", "10^9"],
        ["run", str(PLAN), "--draws", "1000000000"],
        ["run", str(PLAN), "--seed", str(2**70)],
        ["run", str(PLAN), "--set", "g1_direction=150"],
        ["forecast", "--index", "papi", "--year", "9999"],
        ["backtest", "--index", "papi", "--years", "2013-9999"],
        ["optimize", str(PLAN), "--points", "1000000"],
        ["optimize", str(PLAN), "--budget", "1e308"],
        ["optimize", str(PLAN), "--weights", "papi=nan"],
        ["sensitivity", str(PLAN), "--sobol-draws", "10000000"],
        ["sensitivity", str(PLAN), "--step", "0"],
        ["goalseek", str(PLAN), "--q", "1"],
        ["check", "/dev/zero"],
        ["check", "/"],
        ["check", "\x1b[2Jmissing.toml"],
    ],
)
def test_hostile_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    ok = stop.value.code == 2 and err.count("\n") == 1 and "\x1b" not in err
    TALLY[f"cli: {'refused' if ok else 'bad refusal'}"] += 1
    assert ok, err


def test_zz_report_counts() -> None:
    files = sum(TALLY.values())
    crashes = sum(v for k, v in TALLY.items() if "crash" in k or "bad" in k)
    print(f"\nhostile corpus: {files} inputs, {files - crashes} handled cleanly, {crashes} crashes")
    for key, value in sorted(TALLY.items()):
        print(f"  {key}: {value}")
    assert crashes == 0
