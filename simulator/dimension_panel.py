"""Dimension-level positions for the panel regime: each PAPI dimension's AR(1), summed.

A round-3 candidate of ``docs/forecast.md`` §0c (``PanelSpec(dimension_models=True)``). Every
dimension ``d`` observed in the origin year is standardised per year, ``z^d_it = (y^d_it -
m^d_t)/s^d_t``, and gets its own pooled AR(1) ``z^d_it = phi_d z^d_i,t-1 + e^d_it`` by OLS through
the origin on its consecutive full years; the residuals of a unit-year keep their correlation
across dimensions. The total's predicted deviation from the national mean is the sum of the
dimensions' (``sum_d s^d phi_d^k z^d_i``); its innovation, a sum of correlated normal
innovations, is one normal per unit, so the forecast keeps the single unit shock of
:class:`simulator.forecast.BAUForecast` (common random numbers, shocks apart from the dynamics).
"""

from __future__ import annotations

import warnings

import numpy as np

from simulator.field import latest_observed, note
from simulator.history import PAPI_DIMENSIONS, History

MIN_DIMENSION_PAIRS = 30  # below this a dimension borrows the pooled persistence of the others
UNSEEN_GAP = 50  # a dimension never observed for a unit: its stationary variance (gap "infinite")


def dimension_fits(z: np.ndarray, years: tuple[int, ...]) -> tuple[float, float, float, np.ndarray]:
    """Pooled AR(1) through the origin of one dimension's positions ``z`` (rows = ``years``).

    Returns ``phi`` (clipped to 0..0.99), the residual sd ``sigma``, the OLS variance of ``phi``
    and the residuals ``(len(years), N)`` (NaN where a pair is missing; row 0 always NaN). ``phi``
    is NaN when fewer than :data:`MIN_DIMENSION_PAIRS` pairs exist.
    """
    resid = np.full(z.shape, np.nan)
    rows = [j for j in range(1, len(years)) if years[j] - years[j - 1] == 1]
    lag = np.concatenate([z[j - 1] for j in rows]) if rows else np.array([])
    now = np.concatenate([z[j] for j in rows]) if rows else np.array([])
    ok = np.isfinite(lag) & np.isfinite(now)
    if ok.sum() < MIN_DIMENSION_PAIRS:
        return np.nan, np.nan, np.nan, resid
    sxx = float(lag[ok] @ lag[ok])
    phi = float(lag[ok] @ now[ok]) / sxx
    sigma2 = float(np.sum((now[ok] - phi * lag[ok]) ** 2)) / (ok.sum() - 1)
    for j in rows:
        resid[j] = z[j] - phi * z[j - 1]
    return float(np.clip(phi, 0.0, 0.99)), float(np.sqrt(sigma2)), sigma2 / sxx, resid


def _standardise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row standardised values and the rows' sd (NaN rows stay NaN, no warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        m, s = np.nanmean(values, axis=1), np.nanstd(values, axis=1, ddof=1)
    return (values - m[:, None]) / s[:, None], s


def residual_correlation(resid: list[np.ndarray], fitted: np.ndarray) -> np.ndarray:
    """Correlation of the dimensions' residuals over the unit-years where every fitted one has one.

    A dimension without a fit (``fitted`` false) takes the mean off-diagonal correlation of the
    fitted ones (assumption); the matrix is made positive semi-definite by clipping eigenvalues.
    """
    d = len(resid)
    idx = np.flatnonzero(fitted)
    stack = np.column_stack([resid[i].ravel() for i in idx])
    stack = stack[np.isfinite(stack).all(axis=1)]
    cov = stack.T @ stack / max(len(stack), 1)
    sd = np.sqrt(np.diag(cov))
    sub = cov / np.outer(sd, sd)
    off = sub[~np.eye(len(idx), dtype=bool)]
    corr = np.full((d, d), float(off.mean()) if off.size else 0.0)
    corr[np.ix_(idx, idx)] = sub
    np.fill_diagonal(corr, 1.0)
    vals, vecs = np.linalg.eigh(corr)
    corr = (vecs * np.maximum(vals, 1e-9)) @ vecs.T
    scale = np.sqrt(np.diag(corr))
    return corr / np.outer(scale, scale)


def dimension_positions(past: History, years: tuple[int, ...], year: int, spread: float) -> dict | None:
    """Design, coefficients, their Cholesky factor and ``tau`` of the summed dimension forecast.

    Parameters
    ----------
    past : History
        PAPI history up to the origin, with dimension columns.
    years : tuple of int
        The near-full years of the panel (the last is the origin's last full year).
    year : int
        Target year.
    spread : float
        ``S_T``, the total's forecast spread (positions are in its units).

    Returns
    -------
    dict or None
        ``design`` ``(N, D)`` with ``x_id = s^d phi_d^(k_id - 1) z^d_i / S_T``, ``coef`` the
        ``phi_d``, ``coef_chol`` the diagonal of their OLS sd (independent, assumption),
        ``position_sd`` ``tau_i = sqrt(V_i)/S_T`` and ``assumptions``; None when the history holds
        no dimension columns for the last year.

    Notes
    -----
    With ``a_d = s^d`` (the dimension's last sd), ``C = diag(sigma) R diag(sigma)`` and
    ``q_dd' = phi_d phi_d'``, a unit whose dimension ``d`` was last seen ``k_d`` years before the
    target has ``V_i = sum a_d a_d' C_dd' (1 - q^min(k_d, k_d'))/(1 - q)`` (a dimension never seen:
    ``k = UNSEEN_GAP``, its stationary part); dimensions the target has and the origin lacks add
    ``S_T^2 - s_last^2`` (the total's break assumption of §2).
    """
    cols = [c for c in PAPI_DIMENSIONS if c in past.observations.columns]
    last_year = past.observations[past.observations["year"] == years[-1]]
    cols = [c for c in cols if last_year[c].notna().any()]
    if past.index_id != "papi" or len(cols) < 2:
        return None
    fits, zs, sds = [], [], []
    for c in cols:
        z, s = _standardise(past.matrix(c, years))
        fits.append(dimension_fits(z, years))
        zs.append(z)
        sds.append(s)
    phi, sigma, var_phi = (np.array([f[i] for f in fits]) for i in range(3))
    resid = [f[3] for f in fits]
    fitted = np.isfinite(phi)
    if not fitted.any():
        return None
    for arr in (phi, sigma, var_phi):  # a dimension without pairs borrows the others' mean (assumption)
        arr[~fitted] = arr[fitted].mean()
    corr = residual_correlation(resid, fitted)
    cov = np.outer(sigma, sigma) * corr
    q = np.outer(phi, phi)
    a = np.array([s[np.flatnonzero(np.isfinite(s))[-1]] for s in sds])
    n, d = len(past.units), len(cols)
    design, tau2 = np.zeros((n, d)), np.zeros(n)
    gaps = np.empty((n, d))
    for j, z in enumerate(zs):
        value, row = latest_observed(z)
        seen = row >= 0
        gaps[:, j] = np.where(seen, year - np.array(years)[np.maximum(row, 0)], UNSEEN_GAP)
        design[seen, j] = a[j] * phi[j] ** (gaps[seen, j] - 1) * value[seen] / spread
    for i in range(n):
        k = np.minimum.outer(gaps[i], gaps[i])
        tau2[i] = float(np.sum(np.outer(a, a) * cov * (1.0 - q**k) / (1.0 - q)))
    s_last = float(np.nanstd(past.matrix("score", (years[-1],))[0], ddof=1))
    tau2 += max(spread**2 - s_last**2, 0.0)
    mean_corr = float(corr[~np.eye(d, dtype=bool)].mean())
    return {
        "design": design,
        "coef": phi,
        "coef_chol": np.diag(np.sqrt(var_phi)),
        "position_sd": np.sqrt(tau2) / spread,
        "assumptions": (
            note(
                f"mỗi chiều trong {d} chiều có mô hình AR(1) riêng, cộng lại giữ tương quan giữa các chiều "
                f"(tương quan phần dư trung bình {mean_corr:.2f}); chiều chưa đủ số liệu dùng hệ số chung",
                f"each of the {d} dimensions has its own AR(1), summed with the dimensions' residual "
                f"correlation kept (mean {mean_corr:.2f}); a dimension without pairs borrows the others'",
            ),
        ),
    }
