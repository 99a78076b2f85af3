"""Command line: ``python -m simulator {check,run,forecast,backtest} …``.

Exit 0 on success; exit 2 with one line on stderr naming the place and the problem on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from simulator.errors import InputError
from simulator.labels import LANGS, number, prob_with_error, t


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a seed is a whole number ≥ 0")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m simulator", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="validate a plan file")
    check.add_argument("scenario")
    run = sub.add_parser("run", help="simulate a plan")
    run.add_argument("scenario")
    run.add_argument("--draws", type=_positive, default=20_000)
    run.add_argument("--seed", type=_seed, default=0)
    run.add_argument("--json", action="store_true")
    run.add_argument("--lang", choices=LANGS, default="vi")
    fc = sub.add_parser("forecast", help="business-as-usual forecast of every unit")
    fc.add_argument("--index", required=True, choices=("par_index", "sipas", "papi"))
    fc.add_argument("--year", required=True, type=int)
    fc.add_argument("--draws", type=_positive, default=20_000)
    fc.add_argument("--seed", type=_seed, default=0)
    fc.add_argument("--csv", action="store_true")
    fc.add_argument("--table", help="a results table (CSV/XLSX) to add to the shipped history")
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecasts")
    bt.add_argument("--index", default="papi", choices=("par_index", "sipas", "papi"))
    bt.add_argument("--years", required=True, help="A-B, e.g. 2013-2020")
    bt.add_argument("--draws", type=_positive, default=4000)
    bt.add_argument("--seed", type=_seed, default=0)
    bt.add_argument("--json", action="store_true")
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from simulator.scenario import load_scenario

    s = load_scenario(args.scenario)
    groups = sum(len(p.groups) for p in s.indices.values())
    print(f"OK: {args.scenario}: {s.province} {s.year}, {len(s.indices)} indices, {groups} task groups")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from simulator.engine import simulate
    from simulator.scenario import load_scenario

    result = simulate(load_scenario(args.scenario), draws=args.draws, rng=args.seed)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    print(
        f"{t('plan', lang)}: {result.scenario}  ({t('draws', lang)} {result.draws}, {t('seed', lang)} "
        f"{result.seed})"
    )
    for index_id, r in result.indices.items():
        q, rq, se = r.score_quantiles(), r.rank_quantiles(), r.mc_se
        print(
            f"\n{t(index_id, lang)} — {t('target', lang)}: ≥ {number(r.target_score, 2, lang)}, "
            f"{t('top', lang)} {r.target_rank}/{r.n_units}"
        )
        rows = [
            (
                t("score_interval", lang),
                f"{number(q['mean'], 2, lang)}  ({number(q['p05'], 2, lang)} – {number(q['p95'], 2, lang)})",
            ),
            (t("rank_interval", lang), f"{rq['p50']}  ({rq['p05']} – {rq['p95']})"),
            (t("p_score", lang), prob_with_error(r.p_score, se["score"], lang)),
            (t("p_rank", lang), prob_with_error(r.p_rank, se["rank"], lang)),
            (t("p_both", lang), prob_with_error(r.p_both, se["both"], lang)),
        ]
        width = max(len(a) for a, _ in rows)
        for a, b in rows:
            print(f"  {a:<{width}}  {b}")
    print(f"\n{t('mc_note', lang)}")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from simulator.forecast import fit_forecast
    from simulator.history import load_history, read_results_table

    history = load_history(args.index)
    if args.table:
        history = history.with_table(read_results_table(args.table, args.index))
    table = fit_forecast(history, args.year).table(args.draws, args.seed)
    if args.csv:
        print(table.to_csv(index=False, float_format="%.4f"), end="")
    else:
        print(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    from simulator.backtest import backtest
    from simulator.history import load_history

    try:
        first, last = (int(x) for x in args.years.split("-"))
    except ValueError:
        raise InputError("--years", f"{args.years!r} is not a range like 2013-2020") from None
    if first > last:
        raise InputError("--years", f"{args.years!r}: the first year is after the last")
    result = backtest(load_history(args.index), range(first, last + 1), draws=args.draws, rng=args.seed)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "run": cmd_run,
    "forecast": cmd_forecast,
    "backtest": cmd_backtest,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
