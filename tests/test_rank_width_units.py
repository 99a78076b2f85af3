"""The rank-width note counts the units that rank in the plan's year: 63 before 2025, 34 after.

Reproduction: for 2026 the note read "about 58 of 63 places wide" (the forecast was fitted on the
63 former provinces), while only 34 units rank in 2026.
"""

from __future__ import annotations

import pytest

from simulator.rank_width import league_rank_width
from simulator.units import units_for_year


@pytest.mark.parametrize(("year", "n"), [(2022, 63), (2026, 34)])
def test_rank_width_counts_the_units_of_its_year(year, n):
    w = league_rank_width("sipas", year, draws=500, rng=year)
    assert w.n_units == n
    assert len(w.per_unit) == n
    assert w.uniform_width < n and w.current_width <= n - 1
    assert f"of {n} places" in w.message("en") and f"trên {n} bậc" in w.message("vi")
    if year >= 2025:
        assert set(w.per_unit["unit"]) == set(units_for_year(year).names)
