"""Persistence and linear pools of a panel model with it (``docs/forecast.md`` §0d).

*Persistence* is the benchmark of every backtest: each unit's last published total plus
``N(0, s_k^2)``, ``s_k`` the sd of the same-definition ``k``-year changes of unit totals
(:func:`persistence_forecast`). A *pool* mixes a panel model (the *primary*) with persistence
at weight ``w``, per draw: in a draw every unit comes from the same member, chosen by the draw's
innovation-variance shock (:meth:`simulator.forecast.BAUForecast.simulate`). The weight is fixed
or chosen *rolling* (:func:`rolling_weight`): the grid value that minimises the pooled quantile
score of the pool's past out-of-sample forecasts inside the fit's own history.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import special

from simulator.errors import InputError
from simulator.field import dimensions, latest_observed, note
from simulator.history import History
from simulator.panel import PanelSpec, fit_panel

QUANTILE_LEVELS = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
# Assumptions (docs/forecast.md §0d, fixed before the round-4 backtest):
WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # persistence never takes the larger share
FALLBACK_WEIGHT = 0.2  # the weight while fewer than MIN_WEIGHT_YEARS past years can score it
MIN_WEIGHT_YEARS = 3
BISECTION_STEPS = 60


def persistence_forecast(past: History, year: int) -> tuple[np.ndarray, float]:
    """Last score (rescaled to the target's dimensions) and the usual spread of ``k``-year changes.

    ``k = year - (last year of past)``; the changes are taken per dimension over same-definition
    pairs of years, then scaled by ``D_T``; when no pair ``k`` years apart exists yet, the 1-year
    sd times ``sqrt(k)`` (a random walk) is used. A unit never scored has a NaN centre.

    Raises
    ------
    InputError
        When the history holds fewer than two year-to-year changes.
    """
    years = past.years
    k = year - years[-1]
    scores = past.matrix("score", years)
    per_dim = scores / np.array([dimensions(past.index_id, y) for y in years])[:, None]
    last = latest_observed(per_dim)[0]

    def changes(gap: int) -> np.ndarray:
        pairs = [
            (i, j)
            for j in range(len(years))
            for i in range(j)
            if years[j] - years[i] == gap
            and dimensions(past.index_id, years[j]) == dimensions(past.index_id, years[i])
        ]
        out = np.concatenate([per_dim[j] - per_dim[i] for i, j in pairs]) if pairs else np.array([])
        return out[np.isfinite(out)]

    found, scale = changes(k), 1.0
    if found.size < 2:
        found, scale = changes(1), np.sqrt(k)
    if found.size < 2:
        raise InputError(f"{past.index_id} history", f"no year-to-year changes before {year} for persistence")
    d = dimensions(past.index_id, year)
    return last * d, float(found.std(ddof=1)) * scale * d


def moments(parts: dict) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of every unit's score under a panel fit's common, spread, parameter and unit shocks.

    Notes
    -----
    With ``m_i = x_i' beta``, ``v_i = x_i' C C' x_i`` and the spread factor ``exp(omega eta)``:
    ``E y_i = L + S exp(omega^2/2) m_i`` and ``var y_i = lambda^2 nu/(nu - 2)
    + S^2 (exp(2 omega^2)(m_i^2 + v_i + tau_i^2) - exp(omega^2) m_i^2)`` (bounds ignored).
    """
    x, beta, chol = parts["design"], parts["coef"], parts["coef_chol"]
    m = x @ beta
    v = np.sum((x @ chol) ** 2, axis=1)
    s, omega2, df = parts["spread"], parts["spread_logsd"] ** 2, parts["level_df"]
    mean = parts["level"] + s * np.exp(omega2 / 2) * m
    var = parts["level_scale"] ** 2 * df / (df - 2.0) + s**2 * (
        np.exp(2 * omega2) * (m**2 + v + parts["position_sd"] ** 2) - np.exp(omega2) * m**2
    )
    return mean, np.sqrt(var)


def mixture_quantiles(
    weight: float, first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray], levels
) -> np.ndarray:
    """Quantiles ``(len(levels), N)`` of ``(1 - w) N(m1, s1^2) + w N(m2, s2^2)`` per unit, by bisection.

    Examples
    --------
    >>> one = np.array([1.0])
    >>> q = mixture_quantiles(0.5, (-one, one), (one, one), [0.5])
    >>> abs(float(q[0, 0])) < 1e-9
    True
    """
    (m1, s1), (m2, s2) = first, second
    tau = np.asarray(levels, dtype=float)[:, None]
    lo = np.minimum(m1 - 10 * s1, m2 - 10 * s2) + 0 * tau
    hi = np.maximum(m1 + 10 * s1, m2 + 10 * s2) + 0 * tau
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        cdf = (1 - weight) * special.ndtr((mid - m1) / s1) + weight * special.ndtr((mid - m2) / s2)
        below = cdf < tau
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def pinball(quantiles: np.ndarray, observed: np.ndarray, levels=QUANTILE_LEVELS) -> np.ndarray:
    """Quantile score per unit: mean over ``levels`` of ``rho_tau(y - q_tau)``.

    ``quantiles`` is ``(len(levels), N)``; ``rho_tau(u) = max(tau u, (tau - 1) u)``.

    Examples
    --------
    >>> float(pinball(np.array([[0.0]]), np.array([2.0]), levels=(0.25,))[0])
    0.5
    """
    tau = np.asarray(levels, dtype=float)[:, None]
    u = observed[None, :] - quantiles
    return np.mean(np.maximum(tau * u, (tau - 1.0) * u), axis=0)


def best_weight(past_forecasts: list[tuple], grid=WEIGHT_GRID) -> float:
    """The grid weight with the lowest pooled quantile score of the mixtures (ties: the smaller).

    ``past_forecasts`` holds ``(primary, persistence, observed)`` per past year, each member a
    ``(mean, sd)`` pair of per-unit arrays and ``observed`` the published scores (NaN skipped).
    """
    totals = np.zeros(len(grid))
    for first, second, observed in past_forecasts:
        ok = np.isfinite(observed) & np.isfinite(first[0]) & np.isfinite(second[0])
        a, b = (first[0][ok], first[1][ok]), (second[0][ok], np.broadcast_to(second[1], ok.shape)[ok])
        for g, w in enumerate(grid):
            totals[g] += float(np.sum(pinball(mixture_quantiles(w, a, b, QUANTILE_LEVELS), observed[ok])))
    return float(grid[int(np.argmin(totals))])


def rolling_weight(past: History, year: int, origin: int, spec: PanelSpec) -> tuple[float, int]:
    """Persistence weight for a ``year`` forecast from ``origin``, and the past years it rests on.

    Notes
    -----
    Every past target year ``t <= origin`` whose origin ``t - k`` (``k = year - origin``) the
    history allows and whose number of dimensions equals its origin's is forecast out of sample:
    the primary (``spec`` without the pool) refitted on the years up to ``t - k`` and taken as
    the moment-matched normal of :func:`moments`, persistence exactly. The weight is
    :func:`best_weight` over those years, or :data:`FALLBACK_WEIGHT` with fewer than
    :data:`MIN_WEIGHT_YEARS` of them (assumptions, ``docs/forecast.md`` §0d).
    """
    k = year - origin
    primary = replace(spec, persistence_weight=0.0)
    found = []
    for t in past.years:
        if t > origin or dimensions(past.index_id, t) != dimensions(past.index_id, t - k):
            continue
        sub = past.before(t - k + 1)
        if not sub.years or sub.years[-1] != t - k:
            continue
        try:
            parts = fit_panel(sub, t, primary)
            centre, sd = persistence_forecast(sub, t)
        except InputError:
            continue
        found.append((moments(parts), (centre, sd), past.matrix("score", (t,))[0]))
    if len(found) < MIN_WEIGHT_YEARS:
        return FALLBACK_WEIGHT, len(found)
    return best_weight(found), len(found)


def pool_parts(past: History, year: int, origin: int, spec: PanelSpec) -> dict:
    """The persistence member and weight of a pooled panel fit, with its labelled assumption."""
    centre, sd = persistence_forecast(past, year)
    if dimensions(past.index_id, year) != dimensions(past.index_id, origin):
        weight, why = (
            0.0,
            note(
                "không trộn với dự báo giữ nguyên: năm dự báo đổi số chiều của chỉ số",
                "no pooling with persistence: the target year changes the index's number of dimensions",
            ),
        )
    elif spec.persistence_weight == "rolling":
        weight, n_years = rolling_weight(past, year, origin, spec)
        how = (
            (f"chọn trên {n_years} năm trước", f"chosen on {n_years} past years")
            if n_years >= MIN_WEIGHT_YEARS
            else (f"mặc định, chỉ có {n_years} năm trước", f"the fallback, only {n_years} past years")
        )
        why = note(
            f"trộn với dự báo giữ nguyên (điểm năm trước cộng biến động thường gặp) với trọng số "
            f"{weight:g}, {how[0]}",
            f"pooled with persistence (last score plus the usual changes) at weight {weight:g}, {how[1]}",
        )
    else:
        weight = float(spec.persistence_weight)
        why = note(
            f"trộn với dự báo giữ nguyên với trọng số cố định {weight:g}",
            f"pooled with persistence at the fixed weight {weight:g}",
        )
    spread = np.full(centre.shape, sd)
    return {"pool_weight": float(weight), "pool_centre": centre, "pool_sd": spread, "note": why}
