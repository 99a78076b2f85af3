"""Mutation harness: break the model in the ways issue 11 lists and check that the tests notice.

Each mutation replaces one exact snippet of one source file in its own temporary copy of the
repository (``simulator/``, ``tests/``, ``scenarios/``, ``pyproject.toml``), runs a focused subset
of the tests there, and counts as *killed* when that subset fails. The same tests must pass on the unmutated
copy (run alongside). Prints one line per mutation and the kill rate.

A mutation is killed only by a failing test (pytest status 1), named on its line; a crash or a
collection error is a harness error. Exit status: 0 when every mutation is killed, 1 when one
survives, 2 when the harness cannot run (a snippet is no longer in the source, so the mutation must
follow the code; the unmutated tests fail; or pytest did not run the tests).

    python3 tests/mutation/run.py            # every mutation, two at a time
    python3 tests/mutation/run.py --jobs 1   # one at a time (about 2.5 CPU-minutes in all)
    python3 tests/mutation/run.py --list
    python3 tests/mutation/run.py --only coupling_removed loss_headroom_changed
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("simulator", "tests", "scenarios", "pyproject.toml")

ORACLES = "tests/test_oracles.py::test_"
ORACLE_LEVERS = (
    f"{ORACLES}lever_sources_have_their_beta_moments",
    f"{ORACLES}lever_gain_has_the_model_moments",
)
SURVEY = (f"{ORACLES}survey_noise_has_its_variance_and_replaces_the_innovation",)
SOBOL = tuple(
    f"tests/test_analysis.py::test_sobol_{name}"
    for name in (
        "estimators_on_a_linear_model",
        "estimators_on_ishigami",
        "sources_cover_every_uncertain_input",
    )
)


@dataclass(frozen=True)
class Mutation:
    """Replace ``old`` by ``new`` in ``path``; ``tests`` are the node ids of the focused subset."""

    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "sobol_first_order",
        "Sobol first-order estimator: f_A (f_AB − f_B) instead of f_B (f_AB − f_A)",
        "simulator/analysis.py",
        "first = np.mean(fb * (fab - fa), axis=-1) / var",
        "first = np.mean(fa * (fab - fb), axis=-1) / var",
        SOBOL,
    ),
    Mutation(
        "sobol_missing_source",
        "Sobol sources without the survey noise",
        "simulator/analysis.py",
        'SOURCES = ("delivery", "weights", "effectiveness", "survey", "national", "units")',
        'SOURCES = ("delivery", "weights", "effectiveness", "national", "units")',
        SOBOL,
    ),
    Mutation(
        "delivery_beta_swapped",
        "delivered share D ~ Beta with the mean 1 − reliability",
        "simulator/levers.py",
        "d_rng.beta(rel * kap, (1 - rel) * kap, size=(draws, len(rel)))",
        "d_rng.beta((1 - rel) * kap, rel * kap, size=(draws, len(rel)))",
        ORACLE_LEVERS,
    ),
    Mutation(
        "weight_beta_swapped",
        "perturbed weight W̃ ~ Beta with the mean 1 − W",
        "simulator/levers.py",
        "w_rng.beta(mean * wk, np.maximum((1 - mean) * wk, 1e-9), size=(draws, mean.size))",
        "w_rng.beta(np.maximum((1 - mean) * wk, 1e-9), mean * wk, size=(draws, mean.size))",
        ORACLE_LEVERS,
    ),
    Mutation(
        "weights_not_perturbed",
        "W̃ = W in every draw",
        "simulator/levers.py",
        "        1.0,\n    )\n    return (",
        "        1.0,\n    )\n    weights = np.tile(mean, (draws, 1))\n    return (",
        ORACLE_LEVERS,
    ),
    Mutation(
        "effectiveness_beta_swapped",
        "effectiveness e ~ Beta with the mean 1 − mean",
        "simulator/levers.py",
        "e_rng.beta(em * ek, (1 - em) * ek, size=(draws, s_count))",
        "e_rng.beta((1 - em) * ek, em * ek, size=(draws, s_count))",
        ORACLE_LEVERS,
    ),
    Mutation(
        "survey_compensation_removed",
        "survey noise added without shrinking the focal's own innovation",
        "simulator/engine.py",
        "extra_unit[focal.position] += float(np.sum(focal.survey_sd**2))",
        "extra_unit[focal.position] += 0.0",
        SURVEY,
    ),
    Mutation(
        "survey_noise_dropped",
        "no survey noise (the compensation kept)",
        "simulator/engine.py",
        "noise = u.survey[block] * focal.survey_sd",
        "noise = u.survey[block] * 0.0",
        SURVEY,
    ),
    Mutation(
        "coupling_compensation_removed",
        "SIPAS feed added to PAR without shrinking PAR's own terms",
        "simulator/engine.py",
        "extra_unit[:n] = (k * src.unit_sd[:n]) ** 2\n            extra_common = (k * src.common_sd) ** 2",
        "extra_unit[:n] = 0.0\n            extra_common = 0.0",
        (f"{ORACLES}coupling_keeps_every_peer_variance",),
    ),
    Mutation(
        "coupling_removed",
        "SIPAS does not feed PAR",
        "simulator/engine.py",
        "source = focal.coupled_index if focal.coupled_index in built else None",
        "source = None",
        (f"{ORACLES}sipas_feeds_every_units_par",),
    ),
    Mutation(
        "loss_headroom_changed",
        "losses bounded by 1 − a⁰ instead of a⁰",
        "simulator/levers.py",
        "base.room_down * np.maximum(push, -1.0)",
        "base.room_up * np.maximum(push, -1.0)",
        (f"{ORACLES}loss_side_headroom_is_the_attainment",),
    ),
    Mutation(
        "gain_headroom_changed",
        "gains bounded by a⁰ instead of 1 − a⁰",
        "simulator/engine.py",
        "room_up=free * (1.0 - a0),",
        "room_up=free * a0,",
        ("tests/test_engine.py::test_hand_computed_deterministic_case",),
    ),
    Mutation(
        "status_quo_moves",
        "levers act on the planned level instead of its change from BAU",
        "simulator/engine.py",
        "changes = {i: p.planned - p.bau for i, p in scenario.indices.items()}",
        "changes = {i: p.planned for i, p in scenario.indices.items()}",
        (
            "tests/test_engine.py::test_status_quo_is_exactly_bau_without_noise",
            "tests/test_engine.py::test_status_quo_reproduces_bau_forecast",
        ),
    ),
)


def _pytest(where: Path, args: tuple[str, ...] | list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(where), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(cmd, cwd=where, env=env, capture_output=True, text=True, check=False)


def _first_failure(output: str) -> str:
    """The first failing test of pytest's short summary (``FAILED path::name - …``)."""
    for line in output.splitlines():
        if line.startswith("FAILED "):
            return line.split()[1].split("::")[-1]
    return ""


def _copy(dest: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache", "mutation")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=skip)
        else:
            shutil.copy2(src, dest / name)


def _mutated(where: Path, m: Mutation) -> subprocess.CompletedProcess:
    """Run ``m``'s tests on its own copy of the repository in ``where`` (the source is patched there)."""
    _copy(where)
    path = where / m.path
    path.write_text(path.read_text(encoding="utf-8").replace(m.old, m.new), encoding="utf-8")
    return _pytest(where, m.tests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--jobs", type=int, default=2, help="mutations run at once (default 2)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:32s} {m.what}")
        return 0
    unknown = set(args.only or ()) - {m.name for m in MUTATIONS}
    if unknown:
        print(f"unknown mutation(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        clean_copy = Path(tmp) / "clean"
        _copy(clean_copy)
        for m in chosen:
            if (clean_copy / m.path).read_text(encoding="utf-8").count(m.old) != 1:
                print(
                    f"{m.name}: the snippet is not (exactly once) in {m.path}; update the mutation",
                    file=sys.stderr,
                )
                return 2
        every = sorted({node for m in chosen for node in m.tests})
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            clean_run = pool.submit(_pytest, clean_copy, every)
            runs = pool.map(lambda m: (m, _mutated(Path(tmp) / m.name, m)), chosen)
            clean = clean_run.result()
            if clean.returncode != 0:
                print(f"the unmutated tests fail:\n{clean.stdout[-2000:]}", file=sys.stderr)
                pool.shutdown(wait=False, cancel_futures=True)
                return 2
            killed = 0
            for m, run in runs:
                if run.returncode not in (0, 1):  # not a test failure: collection error, crash
                    print(
                        f"{m.name}: pytest ended with status {run.returncode}:\n{run.stdout[-2000:]}",
                        file=sys.stderr,
                    )
                    pool.shutdown(wait=False, cancel_futures=True)
                    return 2
                dead = run.returncode == 1
                killed += dead
                by = _first_failure(run.stdout) if dead else ""
                print(
                    f"{'killed  ' if dead else 'SURVIVED'} {m.name:30s} {m.what}{f'  [{by}]' if by else ''}",
                    flush=True,
                )
    rate = killed / len(chosen) if chosen else 1.0
    print(f"kill rate: {killed}/{len(chosen)} = {100 * rate:.0f} % in {time.perf_counter() - start:.0f} s")
    return 0 if killed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
