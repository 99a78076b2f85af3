"""Named limits on what a user may ask for: draws, points, costs, years and uploaded files.

Every number a user types or uploads is checked against one of these before any work starts, and
the refusal states the limit (the command line's arguments in :mod:`simulator.arguments`, plan
files in :mod:`simulator.scenario`, results tables in :mod:`simulator.history`). The limits keep one
request within the memory and time a shared server can give it; they are settings, not facts
about the indices. This module imports nothing heavy, so the command line can check its
arguments before it loads numpy, pandas, scipy or statsmodels.

Measured on the project's 2-core test machine (``python -m simulator run``, three indices):
about 2.8 KB of memory per draw, 290 MB at 20 000 draws and 510 MB at 100 000.
"""

from __future__ import annotations

MAX_DRAWS = 200_000
"""Monte Carlo draws of one run (about 0.8 GB at the limit)."""
MAX_SOBOL_DRAWS = 50_000
"""Draws of a Sobol design (each is evaluated once per source of uncertainty plus two)."""
MAX_FRONTIER_POINTS = 50
"""Budgets on the optimiser's efficient frontier (each is one optimisation)."""
MAX_COST_PER_POINT = 1e9
"""Cost of one completion point of one task group, in the plan's currency."""
MAX_BUDGET = 1e12
"""A plan's budget, in the plan's currency."""
PLAN_YEARS = (2000, 2100)
"""Years a plan may be written for."""
FORECAST_YEARS = (2012, 2030)
"""Years a business-as-usual forecast may be asked for: the first year with an earlier edition
of every index to 2030, ten years past the last shipped data (further is not a forecast)."""
MAX_GROUPS = 60
"""Task groups of one index in a plan (a plan has 8; memory grows with draws × groups)."""
MAX_SEED = 2**63 - 1
"""Largest seed accepted (a 64-bit signed integer, so that every tool stores it exactly)."""

MAX_PLAN_BYTES = 1_000_000
"""Size of a plan file or an uploaded index definition."""
MAX_TOML_DEPTH = 12
"""Nesting of tables and arrays in a plan file, the file itself counted (a version-2 plan needs 6)."""
MAX_EXTENDS_DEPTH = 4
"""Plans in an ``extends`` chain above a plan."""
MAX_TABLE_BYTES = 5_000_000
"""Size of an uploaded results table (CSV or XLSX file as sent)."""
MAX_XLSX_UNPACKED_BYTES = 20_000_000
"""Size of an XLSX workbook's parts once decompressed (a zip bomb stops here)."""
MAX_TABLE_ROWS = 20_000
"""Rows of a results table (63 units over 300 editions)."""
MAX_TABLE_COLUMNS = 100
"""Columns of a results table."""

DEFAULT_SEED = 2021  # the default seed of the CLI and the app (any whole number ≥ 0 is a seed)
