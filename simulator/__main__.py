"""Command line: ``python -m simulator {check,run,forecast,backtest,field,…} …``.

Exit 0 on success; exit 2 with one line on stderr naming the place and the problem on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from simulator.errors import InputError
from simulator.labels import LANGS, number, percent, prob_with_error, t


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
    fc.add_argument("--origin", type=int, help="last data year to use (default: the last before --year)")
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecasts")
    bt.add_argument("--index", default="papi", choices=("par_index", "sipas", "papi"))
    bt.add_argument("--years", required=True, help="A-B, e.g. 2013-2020")
    bt.add_argument("--horizon", type=_positive, default=1, help="years from the last data year (1-3)")
    bt.add_argument("--draws", type=_positive, default=4000)
    bt.add_argument("--seed", type=_seed, default=0)
    bt.add_argument("--json", action="store_true")
    fld = sub.add_parser("field", help="every unit's rank-band probabilities for a year")
    fld.add_argument("--index", required=True, choices=("par_index", "sipas", "papi"))
    fld.add_argument("--year", required=True, type=int)
    fld.add_argument("--draws", type=_positive, default=20_000)
    fld.add_argument("--seed", type=_seed, default=0)
    fld.add_argument("--score", type=float, help="score whose reaching probability is shown")
    fld.add_argument("--csv", action="store_true")
    _decision_parsers(sub)
    return parser


def _decision_parsers(sub: argparse._SubParsersAction) -> None:
    common = _Parser(add_help=False)
    common.add_argument("scenario")
    common.add_argument("--draws", type=_positive, default=20_000)
    common.add_argument("--seed", type=_seed, default=0)
    common.add_argument("--json", action="store_true")
    common.add_argument("--lang", choices=LANGS, default="vi")
    sens = sub.add_parser("sensitivity", parents=[common], help="tornado and Sobol indices of each index")
    sens.add_argument("--step", type=float, default=0.10, help="completion change of each group (0.10)")
    sens.add_argument("--sobol-draws", type=int, default=4000, help="draws of the Sobol design (0: skip)")
    goal = sub.add_parser("goalseek", parents=[common], help="what it takes to reach P(both) >= q")
    goal.add_argument("--q", type=float, default=0.8)
    opt = sub.add_parser("optimize", parents=[common], help="best completion levels within a budget")
    opt.add_argument("--budget", type=float, help="default: the plan file's budget")
    opt.add_argument("--index", choices=("par_index", "sipas", "papi"), help="maximise this index alone")
    opt.add_argument("--weights", help="index=weight,... e.g. par_index=2,sipas=1,papi=1")
    opt.add_argument("--method", choices=("greedy", "surrogate"), default="greedy")
    opt.add_argument("--points", type=_positive, default=9, help="budgets on the frontier")


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
    from simulator.history import load_history, merge_results_table
    from simulator.merger import field_forecast

    history = load_history(args.index)
    if args.table:
        history = merge_results_table(history, args.table, args.year)
    table = field_forecast(history, args.year, origin=args.origin).table(args.draws, args.seed)
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
    years = range(first, last + 1)
    result = backtest(load_history(args.index), years, draws=args.draws, rng=args.seed, horizon=args.horizon)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


def _decision_setup(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from simulator.engine import Engine
    from simulator.response import Response
    from simulator.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    engine = Engine.from_scenario(scenario)
    unc = engine.uncertainties(args.draws, args.seed)
    return scenario, engine, unc, Response.build(engine, unc, scenario)


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    for r in rows:
        print(
            "  "
            + "  ".join(
                c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


def _pts(x: float, lang: str) -> str:
    return f"{'+' if x > 0 else ''}{number(100 * x, 2, lang)}"


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from simulator.analysis import sobol, tornado

    if not 0 < args.step <= 1:
        raise InputError("--step", f"{args.step} must be in (0, 1]")
    scenario, engine, unc, resp = _decision_setup(args)
    torn = tornado(engine, unc, scenario, step=args.step, response=resp)
    sob = sobol(engine, scenario, draws=args.sobol_draws, rng=args.seed) if args.sobol_draws > 0 else None
    if args.json:
        out = {"scenario": scenario.name, **torn.to_dict()}
        if sob is not None:
            for i, rows in sob.to_dict()["indices"].items():
                out["indices"][i]["sobol"] = rows
            out["sobol_draws"] = sob.draws
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    head = {
        "vi": ("Nhóm nhiệm vụ", "ΔP giảm", "ΔP tăng", "Δhạng tăng"),
        "en": ("Task group", "ΔP down", "ΔP up", "Δrank up"),
    }[lang]
    for i, rows in torn.rows.items():
        plan = torn.plan[i]
        print(
            f"\n{t(i, lang)} — {t('p_both', lang)}: {percent(plan['p_both'], 1, lang)}, "
            f"{t('expected_rank', lang)}: {number(plan['expected_rank'], 1, lang)}"
        )
        table = [head]
        for r in rows:
            name = r["name_vi"] if lang == "vi" else r["name_en"]
            name = name if r["group_index"] == i else f"{r['group_index'].upper()}: {name}"
            table.append(
                (
                    name[:60],
                    _pts(r["delta_p_both_down"], lang),
                    _pts(r["delta_p_both_up"], lang),
                    number(r["delta_expected_rank_up"], 2, lang),
                )
            )
        _table(table)
        b = torn.brackets[i]
        done, bau = percent(b["all_done"]["p_both"], 1, lang), percent(b["bau_only"]["p_both"], 1, lang)
        print(f"  100 %: {done}   BAU: {bau}")
        if sob is not None:
            tot = sob.total[i]["both"]
            print(
                "  Sobol ("
                + ("tổng" if lang == "vi" else "total")
                + "): "
                + ", ".join(
                    f"{s} {number(v, 2, lang)}" for s, v in sorted(tot.items(), key=lambda kv: -kv[1])
                )
            )
    print(f"\n{'ΔP: điểm %' if lang == 'vi' else 'ΔP: percentage points'}. {t('mc_note', lang)}")
    return 0


def cmd_goalseek(args: argparse.Namespace) -> int:
    from simulator.analysis import goal_seek

    if not 0 < args.q < 1:
        raise InputError("--q", f"{args.q} must be strictly between 0 and 1")
    scenario, engine, unc, resp = _decision_setup(args)
    res = goal_seek(engine, unc, scenario, q=args.q, response=resp)
    if args.json:
        print(json.dumps({"scenario": scenario.name, **res.to_dict()}, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    no = "không đạt" if lang == "vi" else "not reachable"
    for i, u in res.uniform.items():
        print(f"\n{t(i, lang)} — {t('p_both', lang)} ≥ {percent(args.q, 0, lang)}")
        if u["reachable"]:
            what = ("tăng đều" if lang == "vi" else "uniform rise") + f" +{number(100 * u['delta'], 1, lang)}"
        else:
            what = f"{no} ({'tối đa' if lang == 'vi' else 'best'} {percent(u['best_p_both'], 1, lang)})"
        print(f"  {what}: P = {prob_with_error(u['p_both'], u['se'], lang)}")
        table = [
            (
                {"vi": "Nhóm (một mình)", "en": "Group (alone)"}[lang],
                t("plan", lang),
                {"vi": "Mức cần", "en": "Needed"}[lang],
            )
        ]
        for r in res.by_group[i]:
            if r["group_index"] != i:
                continue
            need = (
                percent(r["level"], 1, lang)
                if r["reachable"]
                else f"{no} ({percent(r['best_p_both'], 1, lang)})"
            )
            table.append(
                ((r["name_vi"] if lang == "vi" else r["name_en"])[:60], percent(r["planned"], 0, lang), need)
            )
        _table(table)
    return 0


def _parse_weights(text: str | None, index: str | None) -> dict[str, float] | None:
    if index:
        return {index: 1.0}
    if not text:
        return None
    out = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError("--weights", f"{part!r} is not index=number") from None
    return out


def cmd_optimize(args: argparse.Namespace) -> int:
    from simulator.optimize import optimise

    weights = _parse_weights(args.weights, args.index)
    scenario, engine, unc, resp = _decision_setup(args)
    res = optimise(
        engine,
        unc,
        scenario,
        budget=args.budget,
        weights=weights,
        method=args.method,
        frontier_points=args.points,
        response=resp,
    )
    if args.json:
        print(json.dumps({"scenario": scenario.name, **res.to_dict()}, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    cur = scenario.currency
    print(f"{t('plan', lang)}: {scenario.name}")
    print(
        f"{'Ngân sách' if lang == 'vi' else 'Budget'}: {number(res.budget, 2, lang)} {cur}; "
        f"{'chi phí kế hoạch' if lang == 'vi' else 'plan cost'} {number(res.plan_cost, 2, lang)}, "
        f"{'sau tối ưu' if lang == 'vi' else 'optimised'} {number(res.cost, 2, lang)}"
    )
    table = [
        (
            {"vi": "Nhóm nhiệm vụ", "en": "Task group"}[lang],
            t("plan", lang),
            {"vi": "Tối ưu", "en": "Optimised"}[lang],
        )
    ]
    for i, levels in res.allocation.items():
        table.append((f"[{t(i, lang)}]", "", ""))
        for g in scenario.indices[i].groups:
            table.append(
                (
                    (g.name_vi if lang == "vi" else g.name_en)[:60],
                    percent(g.planned, 0, lang),
                    percent(levels[g.id], 0, lang),
                )
            )
    _table(table)
    print()
    for i in res.p_both_plan:
        print(
            f"  {t(i, lang)}: {t('p_both', lang)} {percent(res.p_both_plan[i], 1, lang)} → "
            f"{prob_with_error(res.p_both_optimised[i], res.mc_se[i], lang)}"
        )
    print(
        f"  {'Mục tiêu chung' if lang == 'vi' else 'Objective'}: {percent(res.objective_plan, 1, lang)} → "
        f"{percent(res.objective_optimised, 1, lang)} (± {number(100 * res.se_gain, 1, lang)})"
    )
    print(
        f"  {'Thêm 1' if lang == 'vi' else 'One more'} {cur}: {_pts(res.marginal_value, lang)} "
        f"{'điểm %' if lang == 'vi' else 'points'}"
    )
    print("\n" + ("Đường biên hiệu quả" if lang == "vi" else "Efficient frontier"))
    _table(
        [({"vi": "Ngân sách", "en": "Budget"}[lang], "P")]
        + [(number(f["budget"], 1, lang), percent(f["p_both"], 1, lang)) for f in res.frontier]
    )
    return 0


def cmd_field(args: argparse.Namespace) -> int:
    from simulator.standings import cli_field

    return cli_field(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "run": cmd_run,
    "forecast": cmd_forecast,
    "backtest": cmd_backtest,
    "sensitivity": cmd_sensitivity,
    "goalseek": cmd_goalseek,
    "optimize": cmd_optimize,
    "field": cmd_field,
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
