"""The sidebar (plans, library, results tables, advanced settings), the compare and export tabs."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from app import charts, chrome, fields, insights, share, state
from app.i18n import tr
from app.text import plain
from app.views import INDEX_NAMES, assumptions_of, level_text
from simulator import report
from simulator.errors import InputError
from simulator.labels import number, prob_with_error, timestamp
from simulator.library import SavedPlan, last_known, structure_differences
from simulator.limits import MAX_PLAN_BYTES, MAX_TABLE_BYTES
from simulator.standings import YEARS
from simulator.units import units_for_year

MAX_COMPARED = 3  # saved plans run beside the current one


def sidebar(lang: str) -> None:
    ss = st.session_state
    with st.sidebar:
        chrome.page_language(lang)  # first: its CSS must reach the page before the uploader it words
        st.markdown(f"### {tr('plan', lang)}")
        ss.setdefault("shipped_pick", state.DEFAULT_PLAN)
        st.selectbox(
            tr("open_shipped", lang),
            list(state.SHIPPED),
            key="shipped_pick",
            format_func=lambda k: tr(f"shipped.{k}", lang),
            placeholder=tr("choose", lang),
        )
        if ss.get("shipped_pick") in state.SHIPPED:
            st.caption(tr(f"shipped_full.{ss['shipped_pick']}", lang))
        st.button(tr("open", lang), key="open_shipped", on_click=state.cb_open_shipped, width="stretch")
        plan_file = tr("upload_plan", lang)
        chrome.uploader(plan_file, ["toml"], "up_plan", state.cb_upload_plan, MAX_PLAN_BYTES, lang)
        with st.expander(tr("new_plan", lang)):
            _new_plan_form(lang)
        _library(lang)
        with st.expander(tr("tables", lang)):
            st.caption(tr("tables_help", lang))
            st.selectbox(
                tr("table_index", lang),
                ["par_index", "sipas", "papi"],
                key="table_index",
                format_func=lambda i: INDEX_NAMES[i],
                placeholder=tr("choose", lang),
            )
            chrome.uploader(
                tr("upload_table", lang),
                ["csv", "xlsx", "txt"],
                "up_table",
                state.cb_upload_table,
                MAX_TABLE_BYTES,
                lang,
            )
            for index_id, table in ss.get("tables", {}).items():
                st.caption(tr("table_in_use", lang, index=INDEX_NAMES[index_id], rows=len(table)))
            if ss.get("tables"):
                st.button(tr("remove_tables", lang), on_click=state.clear_tables)
        with st.expander(tr("advanced", lang)):
            for name, lo, hi, step in (
                ("draws", state.DRAWS_MIN, state.DRAWS_MAX, 1000),
                ("seed", 0, state.SEED_MAX, 1),
            ):
                ss[f"w:{name}"] = int(ss[name])  # the setting, never the field's default (see cb_setting)
                st.number_input(
                    tr(f"{name}_field", lang),
                    min_value=lo,
                    max_value=hi,
                    step=step,
                    key=f"w:{name}",
                    on_change=fields.cb_setting,
                    args=(name,),
                )
            st.caption(tr("advanced_help", lang))


def _new_plan_form(lang: str) -> None:
    """Province and year; the units listed are those valid in the chosen year (63 to 2024, 34 after).

    The last-score and last-rank fields are keyed on the province and year, so each choice starts
    empty: no score or rank typed for another province is carried over.
    """
    ss = st.session_state
    st.caption(tr("new_plan_help", lang))
    ss.setdefault("new_year", ss["plan"].year)
    year = int(ss["new_year"])
    st.number_input(tr("plan_year", lang), min_value=YEARS[0], max_value=YEARS[1], step=1, key="new_year")
    units = units_for_year(year)
    names = list(units.names)
    if ss.get("new_province") not in names:
        try:
            ss["new_province"] = units.resolve(ss.get("new_province") or ss["plan"].province)
        except InputError:
            ss["new_province"] = names[0]
    st.selectbox(tr("province", lang), names, key="new_province", placeholder=tr("choose", lang))
    st.caption(tr("units_in_year", lang, year=year, n=len(names)))
    province = ss["new_province"]
    last_n = len(units_for_year(year - 1)) if year > YEARS[0] else len(names)
    histories = state.histories()
    for index_id in ("par_index", "sipas", "papi"):
        try:
            known = last_known(histories[index_id], province, year)
        except InputError:  # a unit the shipped history does not know yet (a merged one): ask
            known = None
        if known is not None:
            last_year, score, rank = known
            st.caption(
                tr(
                    "last_known",
                    lang,
                    index=INDEX_NAMES[index_id],
                    score=number(score, 2, lang),
                    rank="–" if rank is None else rank,
                    year=last_year,
                )
            )
        else:
            st.caption(tr("last_unknown", lang, index=INDEX_NAMES[index_id]))
        if known is None or known[0] < year - 1:
            c1, c2 = st.columns(2)
            c1.text_input(
                tr("last_score", lang),
                key=state.last_key("score", index_id, province, year),
                placeholder=tr("num_example", lang),
            )
            c2.number_input(
                tr("last_rank", lang),
                min_value=1,
                max_value=last_n,
                value=None,
                step=1,
                key=state.last_key("rank", index_id, province, year),
            )
    st.button(
        tr("create", lang), key="create_plan", on_click=state.cb_create, type="primary", width="stretch"
    )


def _library(lang: str) -> None:
    ss = st.session_state
    lib = state.library()
    st.markdown(f"### {tr('library', lang)}")
    ss.setdefault("save_name", "")
    st.text_input(tr("save_as", lang), key="save_name", placeholder=ss["plan"].name)
    st.button(tr("save", lang), key="save_plan", on_click=state.cb_save, type="primary", width="stretch")
    entries = lib.entries()
    if not entries:
        st.caption(tr("library_empty", lang))
    for entry in entries:
        c1, c2, c3 = st.columns([0.6, 0.2, 0.2], vertical_alignment="center")
        c1.markdown(
            f"**{plain(entry.name)}**  \n{plain(entry.province)} {entry.year} · "
            f"{timestamp(entry.modified, lang, st.context.timezone)}"
        )
        c2.button(
            "↗", key=f"open_{entry.id}", help=tr("open", lang), on_click=state.cb_open_saved, args=(entry.id,)
        )
        c3.button(
            "✕",
            key=f"del_{entry.id}",
            help=tr("delete", lang),
            on_click=state.cb_delete_saved,
            args=(entry.id, entry.name),
        )
    st.caption(plain(tr("library_dir", lang, path=str(lib.folder.resolve()))))


def entry_labels(entries: list[SavedPlan], lang: str) -> dict[str, str]:
    """Each saved plan's label by its file id: name, province, year and the time saved, to the second.

    Labels are unique: two plans saved under one name in the same second also show their file.
    A widget that lists plans must show unique labels, since Streamlit maps a chosen label back
    to its option (two equal labels would always give the same plan).
    """
    labels = {
        e.id: tr(
            "saved_entry",
            lang,
            name=e.name,
            province=e.province,
            year=e.year,
            time=timestamp(e.modified, lang, st.context.timezone),
        )
        for e in entries
    }
    seen = list(labels.values())
    return {i: label if seen.count(label) == 1 else f"{label} · {i}.toml" for i, label in labels.items()}


def compare_tab(ev: state.Evaluation, lang: str, big: bool) -> None:
    st.caption(tr("compare_intro", lang))
    lib = state.library()
    entries = {e.id: e for e in lib.entries()}
    if not entries:
        st.info(tr("compare_need", lang))
        return
    labels = entry_labels(list(entries.values()), lang)
    picked = st.multiselect(
        tr("compare_pick", lang),
        list(entries),
        key="compare_pick",
        format_func=labels.__getitem__,
        placeholder=tr("choose", lang),
    )
    if len(picked) > MAX_COMPARED:  # our words, not Streamlit's English max_selections notice
        st.info(tr("compare_max", lang, n=MAX_COMPARED))
        picked = picked[:MAX_COMPARED]
    current = tr("current_plan", lang)
    plans = {current: ev.scenario}
    runs = {current: ev.result}
    for plan_id in picked:
        if plan_id not in entries:
            continue
        try:
            other = lib.load(plan_id)
        except InputError as exc:
            st.error(plain(tr("bad_file", lang, problem=exc.message(lang))))
            continue
        diffs = structure_differences(state.absolute_targets(ev.scenario), state.absolute_targets(other))
        if diffs:
            st.warning(plain(tr("structure_differs", lang, name=other.name, diff="; ".join(diffs))))
            continue
        plans[labels[plan_id]] = other
        runs[labels[plan_id]] = state.run_other(ev, other)
    frame = report.compare_frame(runs, plans)
    table = {}
    for name in plans:
        row = {}
        for index_id in ev.result.indices:
            rec = frame[(frame["plan"] == name) & (frame["index"] == index_id)].iloc[0]
            target = f"≥ {number(rec.target_score, 2, lang)}; ≤ {rec.target_rank}"
            row[INDEX_NAMES[index_id]] = f"{prob_with_error(rec.p_both, rec.se_p_both, lang)}  ({target})"
        row[tr("col_cost", lang)] = f"{number(plans[name].cost(), 1, lang)} {plans[name].currency}"
        table[name] = row
    st.caption(tr("compare_cells", lang))
    st.dataframe(pd.DataFrame(table).T, width="stretch")
    bars = pd.DataFrame(
        {
            "index": frame["index"].map(INDEX_NAMES),
            "series": frame["plan"],
            "p": frame["p_both"],
            "se": frame["se_p_both"],
        }
    )
    st.markdown(f"**{tr('p_both_chart', lang)}**")
    charts.show(charts.probability_bars(bars, lang, big))
    levels = {
        name: report.levels_frame(p, lang).set_index(["index", "name"])["planned"]
        for name, p in plans.items()
    }
    shown = pd.DataFrame(levels).map(lambda x: level_text(x, lang))
    shown.index = [f"{INDEX_NAMES[i]} · {n}" for i, n in shown.index]
    with st.expander(tr("levers", lang)):
        st.dataframe(shown, width="stretch")


def export_tab(ev: state.Evaluation, lang: str) -> None:
    st.markdown(f"#### {tr('export', lang)}")
    st.caption(tr("export_help", lang))
    s, res, bau = ev.scenario, ev.result, ev.bau
    stem = f"{s.province}_{s.year}".replace(" ", "_")
    notes = {i: assumptions_of(ev, i, lang) for i in res.indices}
    c = st.columns(4)
    c[0].download_button(
        tr("dl_toml", lang),
        data=s.to_toml,
        file_name=f"plan_{stem}.toml",
        mime="application/toml",
        on_click="ignore",
        width="stretch",
    )
    c[1].download_button(
        tr("dl_csv", lang),
        data=lambda: report.to_csv(s, res, bau),
        file_name=f"results_{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        width="stretch",
    )
    c[2].download_button(
        tr("dl_xlsx", lang),
        data=lambda: report.to_xlsx(s, res, bau, notes=notes, lang=lang),
        file_name=f"results_{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        width="stretch",
    )
    c[3].download_button(
        tr("dl_html", lang),
        data=lambda: report.html_brief(
            s, res, bau, notes=notes, lang=lang, views={i: insights.outside(ev, i) for i in res.indices}
        ),
        file_name=f"brief_{stem}.html",
        mime="text/html",
        on_click="ignore",
        width="stretch",
        type="primary",
    )
    st.markdown(f"#### {tr('share', lang)}")
    if st.session_state["origin"]["kind"] == "upload":
        st.info(tr("share_upload", lang))
        return
    address = public_address()
    if address.refused:
        st.warning(plain(tr("share_refused", lang, value=address.refused)))
    link = address.link(state.link_params(st.session_state["plan"]))
    if address.source == "local":
        st.warning(plain(tr("share_local", lang, base=address.base)))
        st.caption(tr("share_local_link", lang))
        st.code(link, language=None)
        return
    st.caption(tr("share_help", lang))
    if address.shareable:
        source = share.ENV_PUBLIC_URL if address.source == "env" else "browser.serverAddress"
        st.caption(plain(tr("share_public", lang, base=address.base, source=source)))
    else:
        st.info(plain(tr("share_browser", lang, base=address.base)))
    st.code(link, language=None)


def public_address() -> share.PublicAddress:
    """Where shared links point: ``APP_PUBLIC_URL``, else Streamlit's configured server address."""
    return share.public_address(
        os.environ.get(share.ENV_PUBLIC_URL),
        str(st.get_option("browser.serverAddress") or ""),
        int(st.get_option("browser.serverPort")),
        str(st.get_option("server.baseUrlPath") or ""),
        st.context.url,
    )
