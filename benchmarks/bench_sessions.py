"""Ten concurrent app sessions (AppTest, one thread each) and the memory of one session over 50 reruns.

Run: ``python3 benchmarks/bench_sessions.py [--sessions 10] [--moves 8] [--draws 20000] [--seeds 4]``.

- *Concurrent reruns*: each session (its own thread) opens the PAR INDEX tab and moves a lever
  ``--moves`` times; sessions use ``--seeds`` different seeds (a meeting: most people on one plan
  and seed, a few trying others), so the shared draws cache holds that many records. Prints the
  median, 90th percentile and maximum of one rerun (its own time, and with the wait behind the
  others), wall time, and the draws cache: entries, its bound and megabytes.
- *Memory over reruns*: one session, 50 lever moves; resident memory (``/proc/self/status``) and
  ``tracemalloc`` (current, peak) after the first run, after 10 and after 50 reruns, with the
  size of the results cache (``state._run``: every new set of levels adds one result until its bound).

The two cores of the test machine are shared, so concurrent medians include waiting for the CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
from streamlit.runtime.caching.cache_resource_api import _resource_caches
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def _nbytes(obj: object) -> int:
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if hasattr(obj, "__dataclass_fields__"):
        return sum(_nbytes(getattr(obj, f)) for f in obj.__dataclass_fields__)
    if isinstance(obj, dict):
        return sum(_nbytes(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(_nbytes(v) for v in obj)
    return 0


def cache_size(name: str) -> tuple[int, float, float]:
    """(entries, bound, megabytes) of one of the app's shared caches (``state._uncertainties``, ``_run``)."""
    for cache in _resource_caches._function_caches.get(None, {}).values():
        if cache.display_name.endswith(name):
            values = [r.value for r in list(cache._mem_cache.values())]
            return len(values), cache.max_entries, sum(_nbytes(v) for v in values) / 1e6
    return 0, 0, 0.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# AppTest swaps a process-wide Runtime in and out around each run, so two AppTest runs cannot
# overlap: a lock serialises the script runs, as a one-core server would. ``service`` is one
# rerun's own time; ``latency`` adds the wait behind the other sessions (what a user feels when
# everybody moves a lever at once).
_RUN = threading.Lock()


def _run(at: AppTest) -> float:
    with _RUN:
        start = time.perf_counter()
        at.run()
        return time.perf_counter() - start


def session(seed: int, moves: int, times: dict[str, list[float]], errors: list[str]) -> None:
    at = AppTest.from_file(APP, default_timeout=600)
    at.query_params.update({"plan": "can_tho_2021", "seed": str(seed)})
    _run(at)
    at.session_state["tab"] = "PAR INDEX"
    _run(at)
    for i in range(moves):
        at.slider[i % len(at.slider)].set_value(40.0 + 5 * (i % 10) + 0.5)
        start = time.perf_counter()
        times["service"].append(_run(at))
        times["latency"].append(time.perf_counter() - start)
        if at.exception:
            errors.append(str(at.exception[0].value))


def concurrent(n: int, moves: int, seeds: int) -> None:
    times: dict[str, list[float]] = {"service": [], "latency": []}
    errors: list[str] = []
    threads = [
        threading.Thread(target=session, args=(2021 + i % seeds, moves, times, errors)) for i in range(n)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    entries, bound, mb = cache_size("_uncertainties")
    print(f"sessions={n} seeds={seeds} reruns={len(times['service'])} errors={len(errors)} wall_s={wall:.1f}")
    for name, values in times.items():
        p90, top = float(np.quantile(values, 0.9)), max(values)
        print(f"{name}: median_rerun_s={statistics.median(values):.3f} p90_s={p90:.3f} max_s={top:.3f}")
    print(f"draws_cache_entries={entries} draws_cache_bound={bound:g} draws_cache_mb={mb:.1f}")
    for e in errors[:3]:
        print("error:", e)


def memory(reruns: int) -> None:
    tracemalloc.start()
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.session_state["tab"] = "PAR INDEX"
    at.run()
    marks = {0: (rss_mb(), *tracemalloc.get_traced_memory())}
    for i in range(1, reruns + 1):
        at.slider[i % len(at.slider)].set_value(30.0 + (i % 60) + 0.5)
        at.run()
        if i in (10, reruns):
            marks[i] = (rss_mb(), *tracemalloc.get_traced_memory())
            entries, bound, mb = cache_size("_run")
            print(f"after_reruns={i} run_cache_entries={entries} bound={bound:g} run_cache_mb={mb:.1f}")
    for i, (rss, current, peak) in marks.items():
        traced = f"traced_current_mb={current / 1e6:.1f} traced_peak_mb={peak / 1e6:.1f}"
        print(f"after_reruns={i} rss_mb={rss:.0f} {traced}")
    growth = marks[reruns][0] - marks[10][0]
    print(f"rss_growth_10_to_{reruns}_mb={growth:.0f}")
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--reruns", type=int, default=50)
    args = parser.parse_args()
    os.environ["APP_DEFAULT_DRAWS"] = str(args.draws)
    os.environ.setdefault("PLAN_LIBRARY_DIR", tempfile.mkdtemp())
    print(f"draws={args.draws} rss_start_mb={rss_mb():.0f}")
    concurrent(args.sessions, args.moves, args.seeds)
    memory(args.reruns)


if __name__ == "__main__":
    main()
