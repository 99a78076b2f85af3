"""What the real-browser tests share: Debian's Chromium, its flags, and a Streamlit server to drive.

The ``server`` fixture in ``conftest.py`` starts :func:`streamlit_server` once per test session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# on CI (.ci/run installs chromium) a missing browser is a failure, not a skip
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true", reason="needs Debian's chromium"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(plan_dir: Path) -> Iterator[str]:
    """Run the app headless on a free port with its plan library in ``plan_dir``; yield its URL."""
    port = _free_port()
    env = {**os.environ, "PLAN_LIBRARY_DIR": str(plan_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app/server.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}"
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, with :data:`ARGS`; closed on the way out (skips without Playwright)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pick_view(page, label: str) -> None:
    """Pick the index tab's chart view ``label`` (its segmented control) and wait for its rerun."""
    group = page.locator('[data-testid="stButtonGroup"]')
    group.locator("button", has_text=label).first.click()
    group.locator('button[role="radio"][aria-checked="true"]', has_text=label).first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the rerun starts
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=60_000,
    )
