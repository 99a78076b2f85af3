"""The panel regime: a full panel of yearly scores (PAPI), fitted as positions in the field.

Every unit's standardised deviation from the yearly mean follows a pooled AR(1) plus the unit's
mean earlier deviation (:func:`fit_panel`); the national level is a random walk without drift that
partly reverts to its past (:func:`simulator.field.level_forecast`). The equations and assumptions
are in ``docs/forecast.md`` §2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from simulator.errors import InputError
from simulator.field import (
    dimensions,
    field_parts,
    latest_observed,
    level_forecast,
    prior_notes,
    spread_logsd,
)
from simulator.history import PAPI_DIMENSIONS, History

PANEL_COVERAGE = 0.8
# Assumption (explained in docs/forecast.md):
LEVEL_REVERSION = 0.5  # PAPI level: share of the gap to the mean of past (chained) levels closed
MIN_MEAN_PAIRS = 30


def fit_panel(past: History, year: int) -> dict:
    """Pooled AR(1) of standardised deviations plus the unit's mean earlier deviation.

    Notes
    -----
    With ``m_t``, ``s_t`` the yearly cross-sectional mean and sd and ``z_it = (y_it - m_t)/s_t``,
    ``z_it = phi z_i,t-1 + gamma zbar_i,<t-1 + e_it``, ``e ~ N(0, sigma^2)``, by pooled OLS
    (statsmodels) over consecutive years; ``gamma`` is dropped while fewer than 30 pairs have an
    earlier mean. A unit last seen ``k`` years ago decays toward the field (assumption):
    ``x_i = phi^(k-1) (z_i, zbar_i)``, ``tau_i^2 = sigma^2 sum_{j<k} phi^(2j)``; a unit never seen
    is drawn from the field, ``x_i = 0``, ``tau_i = 1``. ``S_T = s_last (D_T/D_last)^(1/2)``
    (assumption at a break). The level is :func:`simulator.field.level_forecast` of ``m_t / D_t``
    without drift, partly reverting to the mean of its past levels (:data:`LEVEL_REVERSION`,
    assumption).
    """
    n = len(past.units)
    counts = past.observations.dropna(subset=["score"]).groupby("year")["unit"].nunique()
    years = tuple(int(y) for y in counts.index if counts[y] >= PANEL_COVERAGE * n)
    if len(years) < 2:
        raise InputError(f"{past.index_id} history", f"panel needs two near-full years before {year}")
    scores = past.matrix("score", years)
    m, s = np.nanmean(scores, axis=1), np.nanstd(scores, axis=1, ddof=1)
    z = (scores - m[:, None]) / s[:, None]
    earlier = np.array([_nanmean(z[:j]) for j in range(len(years))])
    rows = [j for j in range(1, len(years)) if years[j] - years[j - 1] == 1]
    if not rows:
        raise InputError(f"{past.index_id} history", f"no two consecutive full years before {year}")
    lag, prior, target = (np.concatenate([a[j - d] for j in rows]) for a, d in ((z, 1), (earlier, 1), (z, 0)))
    ok = np.isfinite(lag) & np.isfinite(target)
    use_mean = int((ok & np.isfinite(prior)).sum()) >= MIN_MEAN_PAIRS
    X = np.column_stack([lag, prior] if use_mean else [lag])
    ok &= np.isfinite(X).all(axis=1)
    res = sm.OLS(target[ok], X[ok]).fit()
    beta, sigma = np.asarray(res.params), float(np.sqrt(res.scale))
    phi = float(np.clip(beta[0], 0.0, 0.99))
    last_j = latest_observed(z)[1]
    design = np.zeros((n, X.shape[1]))
    position_sd = np.ones(n)
    for i in np.flatnonzero(last_j >= 0):
        j, k = last_j[i], year - years[last_j[i]]
        row = [z[j, i], np.nan_to_num(earlier[j, i])] if use_mean else [z[j, i]]
        design[i] = phi ** (k - 1) * np.array(row)
        position_sd[i] = sigma * np.sqrt(np.sum(phi ** (2 * np.arange(k))))
    dims, d = _dimension_means(past, years), np.array([dimensions(past.index_id, y) for y in years])
    steps, log_steps = [], []
    for j in range(1, len(years)):
        gap, both = (
            years[j] - years[j - 1],
            dims.iloc[[j - 1, j]].dropna(axis=1) if dims is not None else None,
        )
        if d[j] == d[j - 1]:
            log_steps.append(np.log(s[j] / s[j - 1]) / np.sqrt(gap))
        if both is not None and both.shape[1]:  # the change of the dimensions both years share
            steps.append((gap, float(np.mean(both.iloc[1] - both.iloc[0])), 0.0))
        elif d[j] == d[j - 1]:
            steps.append((gap, float(m[j] - m[j - 1]) / d[j], 0.0))
    last = (years[-1], m[-1] / d[-1], 0.0)
    level, scale, df = level_forecast(
        past.index_id, last, steps, year, drift=False, reversion=LEVEL_REVERSION
    )
    spread = s[-1] * np.sqrt(dimensions(past.index_id, year) / dimensions(past.index_id, years[-1]))
    notes = [
        *prior_notes(past.index_id),
        "assumption: a unit with a gap decays toward the field",
        f"assumption: the level moves {LEVEL_REVERSION:g} of the way to the mean of its past levels "
        "(chosen on the 2013-2020 backtest, so in-sample there)",
    ]
    if dimensions(past.index_id, year) != dimensions(past.index_id, years[-1]):
        notes.append(
            "assumption: the national mean of each of the new dimensions is uniform on its 1-10 scale; "
            "the spread scales with the square root of the number of dimensions"
        )
    logsd = spread_logsd(past.index_id, years[-1], year, 0.0, np.array(log_steps))
    chol = np.linalg.cholesky(np.asarray(res.cov_params()) + 1e-12 * np.eye(X.shape[1]))
    return field_parts(level, scale, df, spread, logsd, design, beta, chol, position_sd, notes)


def _nanmean(block: np.ndarray) -> np.ndarray:
    """Column means ignoring NaN; NaN where a column has no value (or the block no rows)."""
    if block.shape[0] == 0:
        return np.full(block.shape[1], np.nan)
    count = np.isfinite(block).sum(axis=0)
    return np.where(count > 0, np.nansum(block, axis=0) / np.maximum(count, 1), np.nan)


def _dimension_means(past: History, years: tuple[int, ...]) -> pd.DataFrame | None:
    """Yearly national mean of each PAPI dimension (rows ``years``), or None without components."""
    cols = [c for c in PAPI_DIMENSIONS if c in past.observations.columns]
    if past.index_id != "papi" or not cols or past.observations[cols].isna().all().all():
        return None
    return past.observations.groupby("year")[cols].mean().reindex(list(years))
