"""Arguments of the command line, checked against :mod:`simulator.limits` as they are parsed.

This module imports nothing heavy: a bad argument is refused in a fraction of a second, before
numpy, pandas, scipy or statsmodels load. Every refusal is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
import sys
from collections.abc import Callable

from simulator import limits
from simulator.labels import LANGS
from simulator.planfile import fraction
from simulator.text import printable

INDEX_IDS = ("par_index", "sipas", "papi")


def _shown(text: str) -> str:
    """An argument quoted in a message: control characters escaped, at most 40 characters."""
    return repr(printable(text[:40] + ("…" if len(text) > 40 else "")))


def _bounded(limit: int, lo: int = 1) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not a whole number") from None
        if value < lo:
            raise argparse.ArgumentTypeError(f"{value} must be at least {lo}")
        if value > limit:
            raise argparse.ArgumentTypeError(f"{value} is above the limit of {limit}")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a whole number") from None
    if not 0 <= value <= limits.MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed is a whole number in 0..{limits.MAX_SEED}")
    return value


def _real(lo: float, hi: float, *, open_lo: bool = False, open_hi: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number") from None
        below = value <= lo if open_lo else value < lo
        above = value >= hi if open_hi else value > hi
        if not math.isfinite(value) or below or above:
            span = f"{'(' if open_lo else '['}{lo:g}, {hi:g}{')' if open_hi else ']'}"
            raise argparse.ArgumentTypeError(f"{_shown(text)} is outside {span}")
        return value

    return parse


def _file(limit: int) -> Callable[[str], str]:
    """A path that names a regular file of at most ``limit`` bytes (checked before any import)."""

    def parse(text: str) -> str:
        where = printable(text)
        try:
            info = os.stat(text)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise argparse.ArgumentTypeError(f"{where}: cannot be read ({reason})") from None
        if not stat.S_ISREG(info.st_mode):
            raise argparse.ArgumentTypeError(f"{where}: is not a regular file")
        if info.st_size > limit:
            raise argparse.ArgumentTypeError(f"{where}: {info.st_size} bytes is above the limit of {limit}")
        return text

    return parse


def _years(text: str) -> str:
    lo, hi = limits.FORECAST_YEARS
    first, _, last = text.partition("-")
    if first.strip().isdigit() and last.strip().isdigit():
        a, b = int(first), int(last)
        if lo <= a <= b <= hi:
            return text
    raise argparse.ArgumentTypeError(f"{_shown(text)} is not a range A-B of years within {lo}-{hi}")


def _level(text: str) -> tuple[str, float]:
    """``GROUP=LEVEL``, ``INDEX.GROUP=LEVEL`` or ``all=LEVEL``; LEVEL in percent (0-100)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not GROUP=LEVEL")
    return key.strip(), fraction(_real(0.0, 100.0)(value))


def _weights(text: str) -> dict[str, float]:
    out = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        if key.strip() not in INDEX_IDS:
            known = ", ".join(INDEX_IDS)
            raise argparse.ArgumentTypeError(f"{_shown(part)}: the index is one of {known}")
        out[key.strip()] = _real(0.0, 1e6)(value)
    return out


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        sys.stderr.write(f"{self.prog}: {printable(message)}\n")
        raise SystemExit(2)


_PLAN = _file(limits.MAX_PLAN_BYTES)
_DRAWS = _bounded(limits.MAX_DRAWS)


def _plan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", type=_PLAN)
    parser.add_argument(
        "--definition",
        action="append",
        type=_PLAN,
        default=[],
        help="an index definition file the plan names by its file name (repeatable)",
    )


def build_parser(description: str = "") -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m simulator", description=description)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="validate a plan file")
    _plan_arguments(check)
    run = sub.add_parser("run", help="simulate a plan")
    _plan_arguments(run)
    run.add_argument("--draws", type=_DRAWS, default=20_000)
    run.add_argument("--seed", type=_seed, default=limits.DEFAULT_SEED)
    run.add_argument("--json", action="store_true")
    run.add_argument("--lang", choices=LANGS, default="vi")
    run.add_argument(
        "--set",
        action="append",
        type=_level,
        default=[],
        metavar="GROUP=LEVEL",
        help="a planned completion in percent: GROUP=80, INDEX.GROUP=80 or all=80 (repeatable)",
    )
    run.add_argument("--csv", metavar="FILE", help="write the results table (as the app exports it)")
    run.add_argument("--xlsx", metavar="FILE", help="write the results workbook")
    run.add_argument("--html", metavar="FILE", help="write the one-page brief")
    fc = sub.add_parser("forecast", help="business-as-usual forecast of every unit")
    fc.add_argument("--index", required=True, choices=INDEX_IDS)
    first, last = limits.FORECAST_YEARS
    fc.add_argument("--year", required=True, type=_bounded(last, first))
    fc.add_argument("--draws", type=_DRAWS, default=20_000)
    fc.add_argument("--seed", type=_seed, default=limits.DEFAULT_SEED)
    fc.add_argument("--csv", action="store_true")
    fc.add_argument(
        "--table",
        type=_file(limits.MAX_TABLE_BYTES),
        help="a results table (CSV/XLSX) to add to the shipped history",
    )
    fc.add_argument(
        "--origin", type=_bounded(last, 2011), help="last data year to use (default: the last before --year)"
    )
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecasts")
    bt.add_argument("--index", default="papi", choices=INDEX_IDS)
    bt.add_argument("--years", required=True, type=_years, help="A-B, e.g. 2013-2020")
    bt.add_argument("--horizon", type=_bounded(3), default=1, help="years from the last data year (1-3)")
    bt.add_argument("--draws", type=_DRAWS, default=4000)
    bt.add_argument("--seed", type=_seed, default=limits.DEFAULT_SEED)
    bt.add_argument("--json", action="store_true")
    fld = sub.add_parser("field", help="every unit's rank-band probabilities for a year")
    fld.add_argument("--index", required=True, choices=INDEX_IDS)
    fld.add_argument("--year", required=True, type=_bounded(last, first))
    fld.add_argument("--draws", type=_DRAWS, default=20_000)
    fld.add_argument("--seed", type=_seed, default=limits.DEFAULT_SEED)
    fld.add_argument("--score", type=_real(0.0, 100.0), help="score whose reaching probability is shown")
    fld.add_argument("--csv", action="store_true")
    _decision_parsers(sub)
    mig = sub.add_parser("migrate", help="rewrite a plan file in the version-2 format")
    _plan_arguments(mig)
    mig.add_argument("new")
    mig.add_argument("--force", action="store_true", help="overwrite NEW if it exists")
    return parser


def _decision_parsers(sub: argparse._SubParsersAction) -> None:
    common = _Parser(add_help=False)
    _plan_arguments(common)
    common.add_argument("--draws", type=_DRAWS, default=20_000)
    common.add_argument("--seed", type=_seed, default=limits.DEFAULT_SEED)
    common.add_argument("--json", action="store_true")
    common.add_argument("--lang", choices=LANGS, default="vi")
    sens = sub.add_parser("sensitivity", parents=[common], help="tornado and Sobol indices of each index")
    sens.add_argument(
        "--step",
        type=_real(0.0, 1.0, open_lo=True),
        default=0.10,
        help="completion change of each group (0.10)",
    )
    sens.add_argument(
        "--sobol-draws",
        type=_bounded(limits.MAX_SOBOL_DRAWS, 0),
        default=4000,
        help="draws of the Sobol design (0: skip)",
    )
    goal = sub.add_parser("goalseek", parents=[common], help="what it takes to reach P(both) >= q")
    goal.add_argument("--q", type=_real(0.0, 1.0, open_lo=True, open_hi=True), default=0.8)
    opt = sub.add_parser("optimize", parents=[common], help="best completion levels within a budget")
    opt.add_argument("--budget", type=_real(0.0, limits.MAX_BUDGET), help="default: the plan file's budget")
    opt.add_argument("--index", choices=INDEX_IDS, help="maximise this index alone")
    opt.add_argument("--weights", type=_weights, help="index=weight,... e.g. par_index=2,sipas=1,papi=1")
    opt.add_argument("--method", choices=("greedy", "surrogate"), default="greedy")
    opt.add_argument(
        "--points",
        type=_bounded(limits.MAX_FRONTIER_POINTS),
        default=9,
        help="budgets on the frontier",
    )
