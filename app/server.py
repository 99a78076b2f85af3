"""The app's server with a warm start: ``python3 -m streamlit run app/server.py``.

``streamlit run app/streamlit_app.py`` imports the library and fits the default plan only when the
first visitor opens the page, who then waits for it. Run through this file (a Streamlit ``st.App``,
same page, same settings), the server does that work once at start, before it answers: it imports
the app and the library and fills the caches of the default view (:func:`app.state.warm_up`), so
the first visitor's page is drawn from them. Everything a visitor changes is computed as before.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

importlib.import_module("app")  # the package sets numpy's BLAS threads before anything loads numpy


def _streamlit_once_per_process() -> None:
    """Streamlit's own first-use work, done here instead of in the first visitor's run.

    The first element a process ever draws makes Streamlit check whether it runs in a REPL with
    ``inspect.stack()`` (~0.16 s, 73 % of the first page's script time), and the page icon loads
    and compiles its emoji table (~15 ms). Both are private helpers: if they are not there, the
    first visitor pays as before.
    """
    from streamlit import delta_generator, string_util

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if callable(check):
        check()  # under the server, it prints nothing
    is_emoji = getattr(string_util, "is_emoji", None)
    if callable(is_emoji):
        is_emoji("📊")


def _warm_up() -> None:
    from app import decisions_tab, field_tab, insights, panels, state, views  # noqa: F401

    _streamlit_once_per_process()
    insights.warm_up(state.warm_up())


@asynccontextmanager
async def warm_start(_app):  # type: ignore[no-untyped-def]
    await asyncio.to_thread(_warm_up)
    yield


app = st.App(str(Path(__file__).with_name("streamlit_app.py")), lifespan=warm_start)
