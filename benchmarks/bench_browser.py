"""Speed in the room: the app in a real headless Chromium against fresh ``streamlit run`` servers.

Run from the repository root: ``python3 benchmarks/bench_browser.py [--draws 20000] [--moves 15]``.
It prints, at the given draws (the app's default 20,000):

* ``cold_first_load_s``: a fresh ``app/streamlit_app.py`` server process (started and healthy,
  nothing run yet), time from ``page.goto`` to the three headline P(both) of the overview
  visible; once with an empty
  disk cache (``…_empty_cache_s``: the first start after an install or a code change) and once
  with the disk cache of shipped results in place (every later start);
* ``cold_first_load_warm_start_s``: the same from a fresh ``app/server.py`` process (the warm
  start: the server computes the default view before it answers; its start time is printed);
* ``slider_text_s``: slider release (a keyboard step commits like a mouse release) → the
  headline figures' text changed, median and p90 over ``--moves`` moves to levels not seen
  before (no cached result is reused);
* ``slider_done_s``: slider release → the rerun finished (``stApp``'s
  ``data-test-script-state`` back to ``notRunning``) and the next frame painted: every figure of
  the tab, charts included, is up to date;
* ``floor_s``: the same on ``benchmarks/floor_app.py`` (one slider and its value, nothing else)
  served the same way: Streamlit's empty-rerun floor in this browser on this machine, and the
  ratio of the app's median to it;
* ``cold_first_load_floor_s``: the first load of that one-slider page from its fresh server;
* ``decisions_first_s`` / ``decisions_second_s``: the Decisions tab's first open after the
  overview, and its second open after going back to the overview (to the run's end).

Times are wall clock on whatever else the machine runs: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 900}
HEADLINES = '[class*="st-key-big_"] [data-testid="stMetricValue"]'

# Resolves, after the next key press or click, with the ms from that event to (a) the text of
# ``selector`` changing (null when no selector, or when the run ended without changing it) and
# (b) the rerun's end: the script state back to notRunning after having left it; then one painted
# frame. Event-driven (MutationObservers, no polling): a polling loop that reads
# ``innerText`` every few ms forces the page's layout while it renders and slows what it measures,
# more on a big page than on the one-slider floor. ``textContent`` needs no layout.
WATCH = """([selector, timeout]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const text = () => (selector
    ? [...document.querySelectorAll(selector)].map(e => e.textContent).join('|') : '');
  const idle = () => app.getAttribute('data-test-script-state') === 'notRunning';
  const before = text();
  let t0 = null, tText = null, ran = false, finished = false;
  const mark = () => { if (t0 === null) t0 = performance.now(); };
  document.addEventListener('keydown', mark, {capture: true, once: true});
  document.addEventListener('pointerdown', mark, {capture: true, once: true});
  window.__watch = new Promise(resolve => {
    const observers = [];
    const end = (result) => {
      if (finished) return;
      finished = true;
      observers.forEach((o) => o.disconnect());
      resolve(result);
    };
    const check = () => {
      if (t0 === null || finished) return;
      const now = performance.now();
      if (tText === null && selector && text() !== before) tText = now - t0;
      if (idle() && (ran || tText !== null)) {  // the run is over: a text not changed by now will not
        finished = true;
        observers.forEach((o) => o.disconnect());
        requestAnimationFrame(() => resolve({text: tText, done: performance.now() - t0}));
      }
    };
    // every change of the script state, even one that goes and comes back within one task
    const state = new MutationObserver((records) => {
      if (t0 === null) return;
      for (const r of records) {
        if (r.oldValue !== 'notRunning' || !idle()) ran = true;
      }
      check();
    });
    const only = ['data-test-script-state'];
    state.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: only});
    const content = new MutationObserver(check);
    content.observe(app, {subtree: true, childList: true, characterData: true});
    observers.push(state, content);
    const state_ = () => app.getAttribute('data-test-script-state');
    setTimeout(() => end({text: tText, done: null, key: t0 !== null, ran, state: state_()}), timeout);
  });
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A fresh ``streamlit run`` process of ``script``; ``started_s`` is its start to healthy."""

    def __init__(self, script: str, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true"]
        command += ["--server.port", str(self.port), "--browser.gatherUsageStats", "false"]
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    problem = self.proc.stderr.read().decode()[-2000:]
                    raise RuntimeError(f"{script} did not start: {problem}") from None
                time.sleep(0.1)
        self.started_s = time.perf_counter() - start

    def cpu(self) -> float:
        """CPU seconds the server process has used so far (user + system, every thread)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _idle(page, timeout: float = 120_000) -> None:
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=timeout,
    )


def cold_load(browser, url: str, selector: str = HEADLINES, count: int = 3) -> float:
    """``page.goto`` to ``count`` figures of ``selector`` visible (the three headline P(both)), in seconds."""
    page = browser.new_page(viewport=VIEWPORT)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{selector}')]
                 .filter(e => e.offsetParent !== null && /\\d/.test(e.innerText)).length >= {count}""",
        timeout=180_000,
    )
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def _watched(page, selector: str | None, action) -> dict:  # type: ignore[no-untyped-def]
    """Run ``action`` (a key press or a click) and time the rerun it starts (see ``WATCH``)."""
    page.evaluate(WATCH, [selector, 20_000])
    action()
    timing = page.evaluate("() => window.__watch")
    _idle(page)
    return timing


def _move(page, selector: str, thumb, key: str) -> dict:
    thumb.focus()
    return _watched(page, selector, lambda: page.keyboard.press(key))


def _step(levels: list[float], j: int, seen: set) -> tuple[str, float]:
    """The key that moves slider ``j`` to a combination of levels not seen yet, and its new level."""
    for key, step in (("PageUp", 10.0), ("PageDown", -10.0), ("ArrowRight", 0.5), ("ArrowLeft", -0.5)):
        new = min(100.0, max(0.0, levels[j] + step))
        if new != levels[j] and tuple(new if k == j else v for k, v in enumerate(levels)) not in seen:
            return key, new
    raise RuntimeError("no unseen level within one step")


def slider_moves(page, server: Server, moves: int, selector: str) -> list[dict]:
    """``moves`` keyboard steps over the first sliders, each to a combination of levels not seen yet.

    Each record holds the browser's ``text`` and ``done`` ms and the server's ``cpu`` seconds.
    """
    thumbs = page.get_by_role("slider")
    n = min(4, thumbs.count())
    levels = [float(thumbs.nth(i).input_value()) for i in range(n)]
    seen = {tuple(levels)}
    out = []
    for i in range(moves):
        j = i % n
        key, new = _step(levels, j, seen)
        levels[j] = new
        seen.add(tuple(levels))
        before = server.cpu()
        timing = _move(page, selector, thumbs.nth(j), key)
        out.append({**timing, "cpu": server.cpu() - before})
    return out


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(ordered), p90


# What only a given tab shows: its text appearing tells that the tab's run has drawn it (React may
# batch a short run's "running" and "notRunning" into one render, so the state alone can miss it).
TAB_SHOWS = {
    "Quyết định": '[data-testid="stTabs"] [data-testid="stTabs"] [role="tab"]',  # its sub-tabs
    "Tổng quan": HEADLINES,
    "PAR INDEX": '[data-testid="stSlider"] [data-testid="stWidgetLabel"]',
}


def _open_tab(page, server: Server, name: str) -> tuple[float, float]:
    """Click a tab; seconds from the click to the end of the run that draws it, and the server's CPU."""
    before = server.cpu()
    timing = _watched(page, TAB_SHOWS[name], lambda: page.get_by_role("tab", name=name).click())
    if timing["done"] is None:
        raise RuntimeError(f"the {name} tab did not finish its run")
    return timing["done"] / 1000, server.cpu() - before


def _timed_load(browser, server: Server, *where) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    before = server.cpu()
    return cold_load(browser, server.url, *where), server.cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--moves", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as plans, tempfile.TemporaryDirectory() as cache:
        env = {"APP_DEFAULT_DRAWS": str(args.draws), "PLAN_LIBRARY_DIR": plans, "PYTHONPATH": str(ROOT)}
        env["SIMULATOR_CACHE_DIR"] = cache  # empty: the first start
        figures = measure(env, args)
    report(*figures)


def measure(env: dict[str, str], args: argparse.Namespace) -> tuple:
    """Start the servers one after the other and measure; returns the arguments of :func:`report`."""
    from playwright.sync_api import sync_playwright

    print(f"draws={args.draws} moves={args.moves} load_average={os.getloadavg()[0]:.2f}")
    metric = '[data-testid="stMetricValue"]'
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            server = Server("app/streamlit_app.py", env)
            try:
                first = _timed_load(browser, server)
            finally:
                server.stop()
            server = Server("app/streamlit_app.py", env)  # a fresh process, the disk cache now filled
            try:
                cold = _timed_load(browser, server)
            finally:
                server.stop()
            plain_start = server.started_s
            server = Server("app/server.py", env)  # the warm start: the default view computed at start
            try:
                warm = _timed_load(browser, server)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(server.url)
                page.locator(HEADLINES).first.wait_for(timeout=120_000)
                _idle(page)
                decisions = [_open_tab(page, server, "Quyết định")]
                _open_tab(page, server, "Tổng quan")
                decisions.append(_open_tab(page, server, "Quyết định"))
                _open_tab(page, server, "PAR INDEX")
                page.locator('[data-testid="stSlider"]').first.wait_for()
                moves = slider_moves(page, server, args.moves, metric)
                page.close()
            finally:
                server.stop()
            floor_server = Server("benchmarks/floor_app.py", env)
            try:
                floor_cold = _timed_load(browser, floor_server, metric, 1)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(floor_server.url)
                page.get_by_role("slider").first.wait_for(timeout=60_000)
                _idle(page)
                floor = slider_moves(page, floor_server, args.moves, metric)
                page.close()
            finally:
                floor_server.stop()
        finally:
            browser.close()
    return first, cold, warm, floor_cold, moves, floor, decisions, (plain_start, server.started_s)


def report(first, cold, warm, floor_cold, moves, floor, decisions, started) -> None:  # type: ignore[no-untyped-def]
    """Print the figures (seconds; ``cpu`` is the server process's CPU time over the same span)."""
    missed = sum(m["done"] is None for m in moves + floor)
    for name, group in (("app", moves), ("floor", floor)):
        for i, m in enumerate(group):
            if m["done"] is None:
                print(f"not finished: {name} move {i}: {m}")
    unchanged = sum(m["done"] is not None and m["text"] is None for m in moves + floor)
    text = _stats([m["text"] / 1000 for m in moves if m["text"] is not None])
    done = _stats([m["done"] / 1000 for m in moves if m["done"] is not None])
    cpu = _stats([m["cpu"] for m in moves])
    floor_done = _stats([m["done"] / 1000 for m in floor if m["done"] is not None])
    floor_cpu = _stats([m["cpu"] for m in floor])
    print(f"server_start_s streamlit_app.py={started[0]:.2f} server.py={started[1]:.2f} (to healthy)")
    print(f"cold_first_load_empty_cache_s={first[0]:.2f} cpu={first[1]:.2f} (streamlit_app.py)")
    print(f"cold_first_load_s={cold[0]:.2f} cpu={cold[1]:.2f} (streamlit_app.py, disk cache in place)")
    print(f"cold_first_load_warm_start_s={warm[0]:.2f} cpu={warm[1]:.2f} (server.py, disk cache in place)")
    print(f"cold_first_load_floor_s={floor_cold[0]:.2f} cpu={floor_cold[1]:.2f} (the one-slider page)")
    print(f"slider_text_s median={text[0]:.3f} p90={text[1]:.3f} (headline figures' text changed)")
    print(f"slider_done_s median={done[0]:.3f} p90={done[1]:.3f} (rerun finished, every figure drawn)")
    print(f"slider_cpu_s median={cpu[0]:.3f} p90={cpu[1]:.3f} (server CPU per move)")
    print(f"floor_s median={floor_done[0]:.3f} p90={floor_done[1]:.3f} cpu_median={floor_cpu[0]:.3f}")
    print(f"ratio_to_floor text={text[0] / floor_done[0]:.1f} done={done[0] / floor_done[0]:.1f}")
    (d1, c1), (d2, c2) = decisions
    print(f"decisions_first_s={d1:.2f} cpu={c1:.2f} decisions_second_s={d2:.2f} cpu={c2:.2f}")
    print(
        f"moves_not_finished={missed} moves_with_the_same_headline={unchanged} (not in the text figures) "
        f"load_average_end={os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
