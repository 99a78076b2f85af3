"""Session state and caches: which plan is open, the levers' values, and the cached library calls.

The engine (BAU forecasts) and its uncertainties (the common random numbers) are cached per plan
*structure*, so moving a lever only runs ``engine.run``; the status-quo run is cached too.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from app import share
from app.i18n import tr
from app.numbers import NumberError, parse_number
from simulator.engine import Engine, Uncertainties
from simulator.errors import InputError
from simulator.history import History, load_history, read_results_table
from simulator.labels import number
from simulator.library import PlanLibrary, new_plan, slug, structure_key
from simulator.limits import DEFAULT_SEED
from simulator.outcomes import SimulationResult
from simulator.scenario import Scenario, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {
    "can_tho_2026": ROOT / "scenarios" / "can_tho_2026.toml",
    "can_tho_2021": ROOT / "scenarios" / "can_tho_2021.toml",
    "can_tho_2021_status_quo": ROOT / "scenarios" / "can_tho_2021_status_quo.toml",
}
DEFAULT_PLAN = "can_tho_2026"  # the newest shipped plan; the 2021 plans are one click away
TEMPLATE_PLAN = "can_tho_2021"  # task groups copied into a new plan

DRAWS_MIN, DRAWS_MAX = 1000, 200_000  # the draws field's range; a link outside it is refused aloud
SEED_MAX = 2**53 - 1  # the largest integer a browser's number field holds exactly
LAST_SCORE_RANGE = (0.0, 100.0)  # a province's last published score, any index


def default_draws() -> int:
    try:
        return min(max(DRAWS_MIN, int(os.environ.get("APP_DEFAULT_DRAWS", "20000"))), DRAWS_MAX)
    except ValueError:
        return 20_000


@dataclass(frozen=True)
class Evaluation:
    """What one screen shows: the plan, its engine and draws, its result and the status quo's."""

    scenario: Scenario
    engine: Engine
    unc: Uncertainties
    result: SimulationResult
    bau: SimulationResult
    histories: dict[str, History]
    key: str  # the draws record: structure, uploaded tables, draws and seed (see ``draws_key``)


# ---- cached library calls -------------------------------------------------------------------
#
# The caches are shared by every session of the server, so each is keyed on everything that
# changes its value: the plan's structure and index definitions (``structure_digest``), the
# session's uploaded tables (``tables_key``, a content hash), the number of draws and the seed,
# and the levels and targets (``plan_key``). Their sizes are bounded (benchmarks/bench_sessions.py
# measures them under 10 concurrent sessions); per-session state stays in ``st.session_state``.

DRAWS_CACHE = 16  # draws records kept (each ~27 MB at 20,000 draws): a meeting's sessions and plans
CACHE_TTL = 2 * 3600  # seconds an unused entry may stay


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, str(default))))
    except ValueError:
        return default


@st.cache_resource(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def _histories(tables_key: str, _tables: dict[str, pd.DataFrame]) -> dict[str, History]:
    out = {}
    for index_id in ("par_index", "sipas", "papi"):
        history = load_history(index_id)
        if index_id in _tables:
            history = history.with_table(_tables[index_id])
        out[index_id] = history
    return out


@st.cache_resource(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def _engine(structure: str, tables_key: str, _scenario: Scenario, _histories: dict[str, History]) -> Engine:
    return Engine.from_scenario(_scenario, histories=_histories)


@st.cache_resource(max_entries=_env_int("APP_DRAWS_CACHE", DRAWS_CACHE), ttl=CACHE_TTL, show_spinner=False)
def _uncertainties(structure: str, tables_key: str, draws: int, seed: int, _engine: Engine) -> Uncertainties:
    return _engine.uncertainties(draws, seed)


@st.cache_resource(max_entries=128, ttl=CACHE_TTL, show_spinner=False)
def _run(
    draws_key: str, plan_key: str, _engine: Engine, _unc: Uncertainties, _scenario: Scenario
) -> SimulationResult:
    return _engine.run(_unc, _scenario)


def absolute_targets(scenario: Scenario) -> Scenario:
    """``scenario`` with each relative target written as its thresholds (same structure and levels).

    ``simulator.library.structure_key`` reads ``target_score`` and ``target_rank`` from the plan
    file's table, where a relative target replaces one of them; this keeps it working.
    """
    for index_id, p in scenario.indices.items():
        scenario = scenario.with_targets(index_id, p.target_score, p.target_rank)
    return scenario


def structure_digest(scenario: Scenario) -> str:
    """The plan's structure (:func:`structure_key`) and its index definitions, hashed."""
    specs = "".join(repr(p.spec) for p in scenario.indices.values())
    key = structure_key(absolute_targets(scenario))
    return hashlib.sha256((key + "\x1f" + specs).encode()).hexdigest()


def draws_key(structure: str, tables_key: str, draws: int, seed: int) -> str:
    """Everything the draws record (engine + uncertainties) of a session depends on."""
    return hashlib.sha256(f"{structure}|{tables_key}|{draws}|{seed}".encode()).hexdigest()


def plan_key(scenario: Scenario) -> str:
    """Levels and targets, exactly: what distinguishes plans of one structure."""
    return json.dumps(
        [
            (i, p.target_score, p.target_rank, p.target and p.target.kind, [g.planned for g in p.groups])
            for i, p in scenario.indices.items()
        ]
    )


def _session_tables() -> tuple[dict[str, pd.DataFrame], str]:
    return st.session_state.get("tables", {}), st.session_state.get("tables_key", "")


def tables_key() -> str:
    """The content hash of this session's uploaded results tables ("" without any)."""
    return _session_tables()[1]


def histories() -> dict[str, History]:
    """The histories with this session's uploaded tables merged in (cached on their content)."""
    tables, key = _session_tables()
    return _histories(key, tables)


def engine_for(scenario: Scenario) -> Engine:
    """The cached engine of ``scenario``'s structure with the session's uploaded tables."""
    tables, key = _session_tables()
    return _engine(structure_digest(scenario), key, scenario, _histories(key, tables))


def evaluate(scenario: Scenario, draws: int, seed: int) -> Evaluation:
    """Run ``scenario`` and its status quo on the cached common random numbers."""
    tables, key = _session_tables()
    return _evaluate(scenario, draws, seed, tables, key)


def _evaluate(
    scenario: Scenario, draws: int, seed: int, tables: dict[str, pd.DataFrame], key: str
) -> Evaluation:
    histories = _histories(key, tables)
    structure = structure_digest(scenario)
    engine = _engine(structure, key, scenario, histories)
    unc = _uncertainties(structure, key, draws, seed, engine)
    record = draws_key(structure, key, draws, seed)
    result = _run(record, plan_key(scenario), engine, unc, scenario)
    bau_plan = scenario.at_bau()
    bau = _run(record, plan_key(bau_plan), engine, unc, bau_plan)
    return Evaluation(scenario, engine, unc, result, bau, histories, record)


def warm_up() -> Evaluation:
    """Fill the caches of the default view (the default plan, draws and seed, no uploaded table).

    Called once by the server at start (``app/server.py``), outside any session: the first
    visitor's page then reads the engine, the draws and both runs from the caches.
    """
    return _evaluate(open_shipped(DEFAULT_PLAN), default_draws(), DEFAULT_SEED, {}, "")


def run_other(ev: Evaluation, other: Scenario) -> SimulationResult:
    """Another plan of the same structure on the same draws (cached)."""
    return _run(ev.key, plan_key(other), ev.engine, ev.unc, other)


# ---- the open plan and its levers -----------------------------------------------------------


def library() -> PlanLibrary:
    return PlanLibrary()


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault("flash", []).append((kind, text))


def set_plan(scenario: Scenario, origin: dict) -> None:
    """Make ``scenario`` the open plan; its levels and targets become the levers' values."""
    engine_for(scenario)  # fails here (InputError) rather than after the switch
    st.session_state["plan"] = scenario
    st.session_state["origin"] = origin
    st.session_state["levels"] = {i: {g.id: g.planned for g in p.groups} for i, p in scenario.indices.items()}
    st.session_state["targets"] = {i: (p.target_score, p.target_rank) for i, p in scenario.indices.items()}


def current(base: Scenario) -> Scenario:
    """The open plan with the levers' levels (fractions, exactly as shown) and targets."""
    scenario = base.with_levels(st.session_state["levels"])
    for index_id, (score, rank) in st.session_state["targets"].items():
        plan = scenario.indices[index_id]
        if (plan.target_score, plan.target_rank) != (score, rank):  # a plan's relative target is kept
            scenario = scenario.with_targets(index_id, score, rank)
    return scenario


def open_shipped(stem: str) -> Scenario:
    return load_scenario(SHIPPED[stem])


def open_new(province: str, year: int, last: dict[str, tuple[float | None, int | None]]) -> Scenario:
    return new_plan(open_shipped(TEMPLATE_PLAN), province, year, last=last, histories=histories())


def parse_upload(name: str, data: bytes) -> Scenario:
    return parse_scenario(data, name)


def add_table(index_id: str, name: str, data: bytes) -> int:
    """Merge a results table into the session's history of ``index_id``; returns its rows."""
    import io

    table = read_results_table(io.BytesIO(data), index_id, name=name)
    load_history(index_id).with_table(table)  # refuses units outside the registry before we keep it
    tables = dict(st.session_state.get("tables", {}))
    if index_id in tables:
        old = tables[index_id]
        keys = set(zip(table["year"], table["unit"], strict=True))
        keep = [(y, u) not in keys for y, u in zip(old["year"], old["unit"], strict=True)]
        table = pd.concat([old[keep], table], ignore_index=True)
    tables[index_id] = table
    st.session_state["tables"] = tables
    st.session_state["tables_key"] = hashlib.sha256(
        "".join(f"{i}{t.to_csv()}" for i, t in sorted(tables.items())).encode()
    ).hexdigest()
    return len(table)


def clear_tables() -> None:
    st.session_state["tables"] = {}
    st.session_state["tables_key"] = ""


def error_text(exc: Exception) -> tuple[str, str]:
    """An exception as the (kind, message) an error box shows, in the session's language; never a traceback.

    An :class:`InputError` speaks the language (its Vietnamese template names the same place).
    """
    if isinstance(exc, InputError):
        return "input", exc.message(st.session_state.get("lang", "vi"))
    return type(exc).__name__, str(exc)


# ---- opening plans: from a link, from uploads, from the sidebar's buttons --------------------


def _try_open(make, origin: dict, *, announce: bool = True) -> bool:
    """Open the plan ``make()`` builds; on failure say why and keep the plan on screen."""
    lang = st.session_state.get("lang", "vi")
    try:
        scenario = make()
        set_plan(scenario, origin)
    except Exception as exc:  # InputError names the place; anything else is shown, not raised
        kind, text = error_text(exc)
        message = (
            tr("bad_file", lang, problem=text)
            if kind == "input"
            else tr("unexpected", lang, kind=kind, problem=text)
        )
        if "plan" in st.session_state:
            message += " " + tr("plan_kept", lang)
        flash("error", message)
        return False
    if announce:
        flash("success", tr("opened", lang, name=scenario.name))
    return True


def init_from_link(view) -> None:  # type: ignore[no-untyped-def]
    """First run of a session: the plan, levers and settings a link asks for, else the defaults."""
    ss = st.session_state
    lang = ss["lang"] = view.lang or "vi"
    ss["draws"] = _setting_from_link("draws", view.draws, DRAWS_MIN, DRAWS_MAX, default_draws(), lang)
    ss["seed"] = _setting_from_link("seed", view.seed, 0, SEED_MAX, DEFAULT_SEED, lang)
    for name, raw in view.ignored:
        flash("warning", tr("link_unreadable", lang, name=name, value=raw))
    ss.setdefault("tables", {})
    ss.setdefault("tables_key", "")
    opened = False
    if view.plan in SHIPPED:
        opened = _try_open(
            lambda: open_shipped(view.plan), {"kind": "shipped", "id": view.plan}, announce=False
        )
    elif view.plan.startswith("lib:"):
        plan_id = view.plan[4:]
        opened = _try_open(
            lambda: library().load(plan_id), {"kind": "library", "id": plan_id}, announce=False
        )
    elif view.plan == "new" and view.province and view.year:
        origin = {"kind": "new", "province": view.province, "year": view.year, "last": view.last}
        opened = _try_open(lambda: open_new(view.province, view.year, view.last), origin, announce=False)
    if not opened:
        set_plan(open_shipped(DEFAULT_PLAN), {"kind": "shipped", "id": DEFAULT_PLAN})
        return
    plan = ss["plan"]
    for index_id, by_group in view.levels.items():
        for group, level in by_group.items():
            if index_id in ss["levels"] and group in ss["levels"][index_id]:
                ss["levels"][index_id][group] = level
    for index_id, (score, rank) in view.targets.items():
        if index_id in plan.indices:
            lo, hi = plan.indices[index_id].spec.bounds
            n = len(engine_for(plan).forecasts[index_id].units)
            kept = (min(max(score, lo), hi), min(max(rank, 1), n))
            if kept != (score, rank):
                name = tr(index_id, lang)
                shown = number(score, 2, lang)
                flash("warning", tr("link_target", lang, index=name, score=shown, rank=rank, n=n))
            ss["targets"][index_id] = kept


def _setting_from_link(name: str, value: int | None, lo: int, hi: int, default: int, lang: str) -> int:
    """A link's seed or draws if within ``[lo, hi]``; else the default, with a visible warning."""
    if value is None:
        return default
    if lo <= value <= hi:
        return value
    flash(
        "warning",
        tr(
            "link_range",
            lang,
            name=tr(f"{name}_field", lang),
            value=value,
            lo=number(lo, 0, lang),
            hi=number(hi, 0, lang),
            used=number(default, 0, lang),
        ),
    )
    return default


def process_pending() -> None:
    """Uploads arrive through callbacks as (name, bytes); they are opened here, once."""
    ss = st.session_state
    lang = ss.get("lang", "vi")
    pending = ss.pop("pending_plan", None)
    if pending is not None:
        name, data = pending
        _try_open(lambda: parse_upload(name, data), {"kind": "upload", "name": name})
    pending = ss.pop("pending_table", None)
    if pending is not None:
        index_id, name, data = pending
        before = (ss.get("tables", {}), ss.get("tables_key", ""))
        try:
            rows = add_table(index_id, name, data)
            engine_for(current(ss["plan"]))
        except Exception as exc:
            ss["tables"], ss["tables_key"] = before
            text = error_text(exc)[1]
            flash("error", tr("bad_file", lang, problem=text) + " " + tr("plan_kept", lang))
        else:
            flash("success", tr("table_loaded", lang, rows=rows, index=tr(index_id, lang)))


def link_params(base: Scenario) -> dict[str, str]:
    """The query parameters of the view on screen."""
    ss = st.session_state
    origin = ss["origin"]
    new = None
    if origin["kind"] == "shipped":
        name = origin["id"]
    elif origin["kind"] == "library":
        name = f"lib:{origin['id']}"
    elif origin["kind"] == "new":
        name, new = "new", (origin["province"], origin["year"], origin.get("last") or {})
    else:
        name = "upload"
    return share.encode(
        base,
        ss["levels"],
        ss["targets"],
        plan=name,
        draws=int(ss["draws"]),
        seed=int(ss["seed"]),
        lang=ss["lang"],
        new=new,
    )


def write_link(base: Scenario) -> None:
    """Keep the address bar in step with the screen (a link reopens the same view)."""
    params = link_params(base)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


# ---- widget callbacks (they run before the script, so the levers take the new values) -------


def cb_upload_plan() -> None:
    f = st.session_state.get("up_plan")
    if f is not None:
        st.session_state["pending_plan"] = (f.name, f.getvalue())


def cb_upload_table() -> None:
    f = st.session_state.get("up_table")
    if f is not None:
        st.session_state["pending_table"] = (st.session_state["table_index"], f.name, f.getvalue())


def cb_open_shipped() -> None:
    stem = st.session_state["shipped_pick"]
    _try_open(lambda: open_shipped(stem), {"kind": "shipped", "id": stem})


def last_key(what: str, index_id: str, province: str, year: int) -> str:
    """The widget key of a new plan's last score or rank: one per province and year (no stale value)."""
    return f"new_last_{what}_{index_id}:{province}:{year}"


def cb_create() -> None:
    ss = st.session_state
    province, year = ss["new_province"], int(ss["new_year"])
    last: dict[str, tuple[float | None, int | None]] = {}
    for index_id in ("par_index", "sipas", "papi"):
        lo, hi = LAST_SCORE_RANGE
        field = f"{tr('last_score', ss.get('lang', 'vi'))} ({index_id})"
        try:
            score = parse_number(ss.get(last_key("score", index_id, province, year)) or "", field, lo, hi)
        except NumberError as exc:
            flash("error", exc.message(ss.get("lang", "vi")))
            return
        rank = ss.get(last_key("rank", index_id, province, year))
        if score is not None:
            last[index_id] = (float(score), None if rank is None else int(rank))
    origin = {"kind": "new", "province": province, "year": year, "last": last}
    _try_open(lambda: open_new(province, year, last), origin)


def cb_save() -> None:
    ss = st.session_state
    lang = ss.get("lang", "vi")
    name = (ss.get("save_name") or "").strip() or current(ss["plan"]).name
    try:
        saved = library().save(current(ss["plan"]), name)
    except Exception as exc:
        flash("error", tr("bad_file", lang, problem=error_text(exc)[1]))
        return
    key = "saved" if saved.id == slug(name) else "saved_renamed"
    flash("success", tr(key, lang, name=saved.name, file=saved.path.name))
    ss["origin"] = {"kind": "library", "id": saved.id}


def cb_open_saved(plan_id: str) -> None:
    _try_open(lambda: library().load(plan_id), {"kind": "library", "id": plan_id})


def cb_delete_saved(plan_id: str, name: str) -> None:
    library().delete(plan_id)
    flash("info", tr("deleted", st.session_state.get("lang", "vi"), name=name))
    if st.session_state["origin"] == {"kind": "library", "id": plan_id}:
        st.session_state["origin"] = {"kind": "upload", "name": name}


def lever_key(index_id: str, group: str) -> str:
    """The session-state key of a lever's slider (its widget key)."""
    return f"w:lv:{index_id}:{group}"


def cb_lever(index_id: str, group: str) -> None:
    st.session_state["levels"][index_id][group] = share.fraction(st.session_state[lever_key(index_id, group)])


def cb_all_bau(index_id: str) -> None:
    plan = st.session_state["plan"].indices[index_id]
    st.session_state["levels"][index_id] = {g.id: g.bau for g in plan.groups}


def cb_reset(index_id: str) -> None:
    plan = st.session_state["plan"].indices[index_id]
    st.session_state["levels"][index_id] = {g.id: g.planned for g in plan.groups}
    st.session_state["targets"][index_id] = (plan.target_score, plan.target_rank)
