"""What the AppTest tests share: the app opened in a fresh session with its own plan library."""

from __future__ import annotations

from pathlib import Path

import pytest

st_testing = pytest.importorskip("streamlit.testing.v1")

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def open_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, draws: int, plan: str | None = None):
    """The app run once at ``draws`` draws, on the shipped ``plan`` (a query parameter) if given."""
    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    monkeypatch.setenv("APP_DEFAULT_DRAWS", str(draws))
    at = st_testing.AppTest.from_file(APP, default_timeout=120)
    if plan is not None:
        at.query_params["plan"] = plan
    return at.run()
