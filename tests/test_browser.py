"""The app in a real headless Chromium: open it, move a lever with the keyboard, see P change."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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

pytestmark = [
    pytest.mark.browser,
    # on CI (.ci/run installs chromium) a missing browser is a failure, not a skip
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true", reason="needs Debian's chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "PLAN_LIBRARY_DIR": str(tmp_path_factory.mktemp("plans"))}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app/streamlit_app.py",
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


def _metric_value(page, label_part: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label_part).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_slider_moves_probability_and_screenshot(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "overview.png"))
            page.get_by_role("tab", name="PAR INDEX").click()
            page.locator('[data-testid="stMetric"]', has_text="Khả năng đạt cả hai").first.wait_for()
            page.wait_for_timeout(500)
            before = _metric_value(page, "Khả năng đạt cả hai")
            assert "%" in before and "±" in before
            thumb = page.get_by_role("slider").first  # input[type=range] in Streamlit ≥ 1.5x
            thumb.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.wait_for_function(
                """(before) => {
                    const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                        .find(e => e.innerText.includes('Khả năng đạt cả hai'));
                    return m && !m.innerText.includes(before);
                }""",
                arg=before,
                timeout=20_000,
            )
            after = _metric_value(page, "Khả năng đạt cả hai")
            assert after != before
            page.wait_for_function("() => location.search.includes('lv=par_index.g1_direction')")
            page.wait_for_timeout(800)
            query = page.evaluate("() => location.search")  # ten fast key presses: settings stay put
            assert "seed=2021" in query and "draws=20000" in query, query
            page.locator(
                '[data-testid="stCaptionContainer"]', has_text="20.000 lần mô phỏng"
            ).first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "app.png"))
        finally:
            browser.close()


def test_field_view_and_outside_view_screenshots(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_text("Khả năng đạt cả hai").first.wait_for(timeout=60_000)
            page.get_by_role("tab", name="PAPI").click()
            panel = page.get_by_text("Góc nhìn lịch sử").first
            panel.wait_for(timeout=60_000)
            page.get_by_text("Theo lịch sử").first.wait_for(timeout=30_000)
            panel.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "outside_view.png"))
            page.get_by_role("tab", name="Toàn cảnh").click()
            page.get_by_text("Tô vàng: Cần Thơ.").first.wait_for(timeout=60_000)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "field_view.png"), full_page=True)
        finally:
            browser.close()
