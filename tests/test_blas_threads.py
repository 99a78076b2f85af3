"""The app's server runs numpy with one OpenBLAS thread unless told otherwise.

OpenBLAS reads ``OPENBLAS_NUM_THREADS`` once, when numpy is first imported, so the default must be
set before that: these tests run the entry points in a fresh interpreter without the variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import sys
import streamlit  # the server has imported it before our file runs: numpy must not come with it
assert "numpy" not in sys.modules, "streamlit imported numpy before the app could set its BLAS threads"
import runpy
runpy.run_path({path!r}, run_name="probe")
import os, numpy
print(os.environ.get("OPENBLAS_NUM_THREADS"))
"""


def _probe(entry: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    code = PROBE.format(path=str(ROOT / entry))
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_server_defaults_to_one_blas_thread():
    assert _probe("app/server.py") == "1"


def test_an_explicit_setting_wins():
    assert _probe("app/server.py", OPENBLAS_NUM_THREADS="2") == "2"
