"""Streamlit front end: widgets -> one cached library call (state.evaluate) -> render the records.

Run from the repository root: ``python3 -m streamlit run app/streamlit_app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import fields, share, state  # noqa: E402  (the package sets numpy's BLAS threads first)
from app.i18n import tr  # noqa: E402
from app.panels import compare_tab, export_tab, sidebar  # noqa: E402
from app.text import plain  # noqa: E402
from app.views import index_tab, inject_css, overview_tab  # noqa: E402
from simulator.labels import INDEX_SHORT, number  # noqa: E402

TAB_KEYS = (
    "tab_overview",
    "par_index",
    "sipas",
    "papi",
    "tab_field",
    "tab_decisions",
    "tab_compare",
    "tab_export",
)
INDEX_TABS = INDEX_SHORT

st.set_page_config(page_title="PAR INDEX · SIPAS · PAPI", page_icon="📊", layout="wide")
ss = st.session_state

if "plan" not in ss:
    state.init_from_link(share.decode(st.query_params.to_dict()))
state.process_pending()

lang = ss["lang"]
inject_css(ss.get("present", False), ss["plan"], lang)
sidebar(lang)

base = ss["plan"]
scenario = state.current(base)
try:
    ev = state.evaluate(scenario, int(ss["draws"]), int(ss["seed"]))
except Exception as exc:  # an engine that cannot be built for this plan: say why, keep the app
    st.error(plain(tr("bad_file", lang, problem=state.error_text(exc)[1])))
    st.stop()

head, lang_box, present_box = st.columns([0.6, 0.2, 0.2], vertical_alignment="center")
with head:
    st.markdown(f"## {plain(ev.scenario.name)}")
    st.caption(
        tr(
            "subtitle",
            lang,
            province=plain(ev.scenario.province),
            year=ev.scenario.year,
            draws=number(ev.unc.draws, 0, lang),
        )
    )
with lang_box:
    ss["w:lang"] = lang  # the language lives in ss["lang"]; the radio only edits it (as seed and draws)
    st.radio(
        tr("lang", lang),
        ["vi", "en"],
        key="w:lang",
        on_change=fields.cb_lang,
        horizontal=True,
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        label_visibility="collapsed",
    )
with present_box:
    st.toggle(tr("present", lang), key="present")


def show_flashes() -> None:
    """The messages callbacks left (opened, saved, a refused number), once."""
    for kind, text in ss.pop("flash", []):
        {"error": st.error, "success": st.success, "info": st.info, "warning": st.warning}[kind](plain(text))


def page_state() -> tuple:
    """What the page outside the open tab shows: a change inside a tab to any of it reruns the page."""
    return (id(ss["plan"]), ss["lang"], int(ss["draws"]), int(ss["seed"]), bool(ss.get("present", False)))


@st.fragment
def tab_body(key: str) -> None:
    """The open tab's content. A widget in it (a lever, a target, a Decisions field) reruns this
    fragment only, not the page: the sidebar, the header and the tab bar are not drawn again.
    A callback that changed the page itself (another plan, language, draws, seed) reruns the page.
    """
    if ss.get("page_state") != page_state():
        st.rerun(scope="app")
    lang, big = ss["lang"], bool(ss.get("present", False))
    base = ss["plan"]
    ev = state.evaluate(state.current(base), int(ss["draws"]), int(ss["seed"]))
    show_flashes()
    if key == "tab_overview":
        overview_tab(ev, lang, big)
    elif key in INDEX_TABS:
        index_tab(ev, key, lang, big)
    elif key == "tab_field":
        from app import field_tab

        field_tab.render(ev, lang, big)
    elif key == "tab_decisions":
        from app import decisions_tab

        try:
            decisions_tab.render(ev, lang)
        except Exception as exc:  # an analysis failure must not take the app down
            st.error(plain(tr("unexpected", lang, kind=state.error_text(exc)[0], problem=exc)))
    elif key == "tab_compare":
        compare_tab(ev, lang, big)
    else:
        export_tab(ev, lang)
    state.write_link(base)


show_flashes()
ss["page_state"] = page_state()
for key, tab in fields.tabs(TAB_KEYS, lambda k: INDEX_TABS.get(k) or tr(k, lang), "tab").items():
    with tab:
        tab_body(key)
