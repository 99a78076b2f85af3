"""Median time of an app rerun after a lever moves (AppTest, 20,000 draws, PAR INDEX tab open).

Run: ``python3 benchmarks/bench_app.py [--draws N] [--moves K]``. The last line is
``median_rerun_s=<seconds>``. The engine and its draws are cached, so a rerun is one
``engine.run`` plus drawing the tab; the first (uncached) run is reported separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--moves", type=int, default=12)
    args = parser.parse_args()
    os.environ["APP_DEFAULT_DRAWS"] = str(args.draws)
    os.environ.setdefault("PLAN_LIBRARY_DIR", tempfile.mkdtemp())
    at = AppTest.from_file(APP, default_timeout=120)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    at.session_state["tab"] = "PAR INDEX"
    at.run()
    times = []
    for i in range(args.moves):
        slider = at.slider[i % len(at.slider)]
        slider.set_value(40 + 5 * (i % 10))
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    print(f"draws={args.draws} first_run_s={first:.3f} reruns={len(times)}")
    print(f"min_rerun_s={min(times):.3f} max_rerun_s={max(times):.3f}")
    print(f"median_rerun_s={statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
