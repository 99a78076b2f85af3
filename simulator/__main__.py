"""Command line: ``python -m simulator {check,run,forecast,backtest,field,…,migrate} …``.

Exit 0 on success; exit 2 with one line on stderr naming the place and the problem on bad input.
Every argument is checked against :mod:`simulator.limits` before numpy, pandas, scipy or
statsmodels is imported, so a bad argument is refused at once; user text (plan and group names,
keys quoted in errors) is printed with control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from simulator.arguments import build_parser
from simulator.errors import InputError
from simulator.labels import number, percent, prob_with_error, t
from simulator.text import printable


def _definitions(paths: list[str]) -> dict[str, bytes]:
    out = {}
    for path in paths:
        try:
            out[os.path.basename(path)] = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    return out


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from simulator.scenario import load_scenario

    return load_scenario(args.scenario, definitions=_definitions(args.definition))


def cmd_check(args: argparse.Namespace) -> int:
    s = _load(args)
    groups = sum(len(p.groups) for p in s.indices.values())
    summary = f"{s.province} {s.year}, {len(s.indices)} indices, {groups} task groups"
    print(printable(f"OK: {args.scenario}: {summary}"))
    return 0


def _with_sets(scenario, sets: list[tuple[str, float]]):  # type: ignore[no-untyped-def]
    levels: dict[str, dict[str, float]] = {i: {} for i in scenario.indices}
    for key, level in sets:
        index, _, group = key.rpartition(".")
        hits = [
            (i, g.id)
            for i, p in scenario.indices.items()
            for g in p.groups
            if index in ("", i) and group in ("all", g.id)
        ]
        if not hits:
            raise InputError(f"--set {printable(key)}", "names no task group of the plan (or all)")
        for i, g in hits:
            levels[i][g] = level
    return scenario.with_levels(levels)


def cmd_run(args: argparse.Namespace) -> int:
    from simulator.engine import Engine
    from simulator.outside_view import outside_views

    scenario = _with_sets(_load(args), args.set)
    engine = Engine.from_scenario(scenario)
    unc = engine.uncertainties(args.draws, args.seed)
    result = engine.run(unc, scenario)
    bau = engine.run(unc, scenario.at_bau())
    views = outside_views(engine, unc, scenario, result, bau=bau)
    if args.csv or args.xlsx or args.html:
        _export(args, scenario, engine, result, bau, views)
    if args.json:
        out = result.to_dict()
        for index_id, view in views.items():
            out["indices"][index_id]["outside_view"] = view.to_dict()
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    print(
        f"{t('plan', lang)}: {printable(result.scenario)}  ({t('draws', lang)} {result.draws}, "
        f"{t('seed', lang)} {result.seed})"
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
        for line in views[index_id].lines(lang):
            print(f"  {line}")
    print(f"\n{t('mc_note', lang)}")
    return 0


def _export(args: argparse.Namespace, scenario, engine, result, bau, views) -> None:  # type: ignore[no-untyped-def]
    """Write the app's CSV / XLSX / HTML files: the plan and its status quo on the same draws."""
    from simulator import report

    forecast_notes = {i: engine.forecasts[i].assumptions for i in scenario.indices}
    notes = report.run_notes(scenario, result, forecast_notes, args.lang)
    files = {
        args.csv: lambda: report.to_csv(scenario, result, bau),
        args.xlsx: lambda: report.to_xlsx(scenario, result, bau, notes=notes, lang=args.lang),
        args.html: lambda: report.html_brief(
            scenario, result, bau, notes=notes, lang=args.lang, views=views
        ).encode(),
    }
    for path, make in files.items():
        if path:
            try:
                Path(path).write_bytes(make())
            except OSError as exc:
                raise InputError(path, f"cannot be written ({exc.strerror or exc})") from None


def cmd_migrate(args: argparse.Namespace) -> int:
    from simulator.scenario import to_toml_v2

    if os.path.exists(args.new) and not args.force:
        raise InputError(args.new, "exists already (add --force to overwrite it)")
    text = to_toml_v2(_load(args))
    try:
        Path(args.new).write_text(text, "utf-8")
    except OSError as exc:
        raise InputError(args.new, f"cannot be written ({exc.strerror or exc})") from None
    print(printable(f"OK: {args.scenario} -> {args.new} (version 2)"))
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

    scenario = _load(args)
    engine = Engine.from_scenario(scenario)
    unc = engine.uncertainties(args.draws, args.seed)
    return scenario, engine, unc, Response.build(engine, unc, scenario)


def _table(rows: list[tuple[str, ...]]) -> None:
    rows = [tuple(printable(c) for c in r) for r in rows]
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
    head = tuple(
        t(k, lang) for k in ("task_group", "cli.down_se", "cli.up_se", "cli.swing_se", "cli.rank_up")
    )
    for i, rows in torn.rows.items():
        plan = torn.plan[i]
        p_plan = prob_with_error(plan["p_both"], plan["se_p_both"], lang)
        print(
            f"\n{t(i, lang)} — {t('p_both', lang)}: {p_plan}, "
            f"{t('expected_rank', lang)}: {number(plan['expected_rank'], 1, lang)}"
        )
        table = [head]
        for r in rows:
            name = r["name_vi"] if lang == "vi" else r["name_en"]
            name = name if r["group_index"] == i else f"{r['group_index'].upper()}: {name}"
            table.append(
                (
                    name[:60],
                    _pts_se(r["delta_p_both_down"], r["se_delta_p_both_down"], lang),
                    _pts_se(r["delta_p_both_up"], r["se_delta_p_both_up"], lang),
                    _pts_se(r["swing_p_both"], r["se_swing_p_both"], lang),
                    number(r["delta_expected_rank_up"], 2, lang),
                )
            )
        _table(table)
        b = torn.brackets[i]
        done = prob_with_error(b["all_done"]["p_both"], b["all_done"]["se_p_both"], lang)
        bau = prob_with_error(b["bau_only"]["p_both"], b["bau_only"]["se_p_both"], lang)
        print(f"  100 %: {done}   {t('cli.status_quo', lang)}: {bau}")
        if sob is not None:
            tot, ci = sob.total[i]["both"], sob.total_ci[i]["both"]
            values = ", ".join(
                f"{s} {number(v, 2, lang)} [{number(ci[s][0], 2, lang)}; {number(ci[s][1], 2, lang)}]"
                for s, v in sorted(tot.items(), key=lambda kv: -kv[1])
            )
            print(f"  {t('cli.sobol', lang, values=values)}")
    print(f"\n{t('cli.delta_p', lang)}. {t('mc_note', lang)}")
    return 0


def _pts_se(x: float, se: float, lang: str) -> str:
    return f"{_pts(x, lang)} ± {number(100 * se, 2, lang)}"


def cmd_goalseek(args: argparse.Namespace) -> int:
    from simulator.analysis import goal_seek

    scenario, engine, unc, resp = _decision_setup(args)
    res = goal_seek(engine, unc, scenario, q=args.q, response=resp)
    if args.json:
        print(json.dumps({"scenario": scenario.name, **res.to_dict()}, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    no = t("cli.not_reachable", lang)
    for i, u in res.uniform.items():
        print(f"\n{t(i, lang)} — {t('p_both', lang)} ≥ {percent(args.q, 0, lang)}")
        best = prob_with_error(u["best_p_both"], u["se_best"], lang)
        print(f"  {t('cli.best', lang)}: P = {best}")
        if u["reachable"]:
            what = f"{t('cli.uniform_rise', lang)} +{number(100 * u['delta'], 1, lang)}"
        else:
            what = no
        print(f"  {what}: P = {prob_with_error(u['p_both'], u['se'], lang)}")
        table = [(t("cli.group_alone", lang), t("plan", lang), t("cli.needed", lang))]
        for r in res.by_group[i]:
            if r["group_index"] != i:
                continue
            need = (
                f"{percent(r['level'], 1, lang)}: P = {prob_with_error(r['p_both'], r['se'], lang)}"
                if r["reachable"]
                else f"{no} ({prob_with_error(r['best_p_both'], r['se_best'], lang)})"
            )
            table.append(
                ((r["name_vi"] if lang == "vi" else r["name_en"])[:60], percent(r["planned"], 0, lang), need)
            )
        _table(table)
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from simulator.optimize import optimise

    weights = {args.index: 1.0} if args.index else args.weights
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
    print(f"{t('plan', lang)}: {printable(scenario.name)}")
    budget, plan_cost, cost = (number(x, 2, lang) for x in (res.budget, res.plan_cost, res.cost))
    print(t("cli.budget_line", lang, budget=budget, currency=cur, plan_cost=plan_cost, cost=cost))
    table = [(t("task_group", lang), t("plan", lang), t("optimised", lang))]
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
    fresh = res.fresh
    if fresh is None:
        print(f"\n{t('cli.on_chosen_draws', lang)}")
        for i in res.p_both_plan:
            before = prob_with_error(res.p_both_plan[i], res.se_plan[i], lang)
            after = prob_with_error(res.p_both_optimised[i], res.mc_se[i], lang)
            print(f"  {t(i, lang)}: {t('p_both', lang)} {before} → {after}")
        return 0
    print(f"\n{t('cli.fresh_draws', lang, draws=number(fresh.draws, 0, lang), seed=fresh.seed)}")
    for i in fresh.p_both_plan:
        before = prob_with_error(fresh.p_both_plan[i], fresh.se_plan[i], lang)
        after = prob_with_error(fresh.p_both_optimised[i], fresh.se_optimised[i], lang)
        change = _pts_se(fresh.p_both_optimised[i] - fresh.p_both_plan[i], fresh.se_change[i], lang)
        print(f"  {t(i, lang)}: {t('p_both', lang)} {before} → {after} ({change})")
    objective = t(
        "cli.objective",
        lang,
        plan=prob_with_error(fresh.objective_plan, fresh.se_objective_plan, lang),
        optimised=prob_with_error(fresh.objective_optimised, fresh.se_objective_optimised, lang),
        gain=_pts_se(fresh.gain, fresh.se_gain, lang),
        chosen=percent(res.objective_optimised, 1, lang),
    )
    print(f"  {objective}")
    more = _pts_se(fresh.marginal_value, fresh.se_marginal, lang)
    print(f"  {t('cli.one_more', lang, currency=cur, gain=more)}")
    print(f"\n{t('cli.frontier', lang)}")
    _table(
        [(t("budget", lang), "P")]
        + [
            (number(f["budget"], 1, lang), prob_with_error(f["p_both"], f["se"], lang))
            for f in fresh.frontier
        ]
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
    "migrate": cmd_migrate,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser(__doc__.splitlines()[0]).parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        vi = getattr(args, "lang", "vi") == "vi" and err.message("vi") != str(err)
        line = f"{t('cli.error', 'vi')}: {err.message('vi')} | " if vi else ""
        line += f"{t('cli.error', 'en')}: {err}"
        sys.stderr.write(f"{printable(line)}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
