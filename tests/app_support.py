"""What the AppTest tests share: the app opened in a fresh session with its own plan library."""

from __future__ import annotations

from pathlib import Path

import pytest

st_testing = pytest.importorskip("streamlit.testing.v1")

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def open_app(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    draws: int | None,
    plan: str | None = None,
    *,
    params: dict[str, str] | None = None,
    timeout: float = 120,
):
    """The app run once at ``draws`` draws, on the shipped ``plan`` (a query parameter) if given.

    ``draws=None`` leaves the app's own default; ``params`` are further query parameters (a share
    link's), set after ``plan``; ``timeout`` is AppTest's per-run limit in seconds.
    """
    monkeypatch.setenv("PLAN_LIBRARY_DIR", str(tmp_path / "plans"))
    if draws is not None:
        monkeypatch.setenv("APP_DEFAULT_DRAWS", str(draws))
    at = st_testing.AppTest.from_file(APP, default_timeout=timeout)
    if plan is not None:
        at.query_params["plan"] = plan
    at.query_params.update(params or {})
    return at.run()
