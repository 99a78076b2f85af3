"""The field every BAU regime shares: the national level, the spread and the pieces of a fit.

A regime (:mod:`simulator.panel`, :mod:`simulator.league`) estimates the location ``L_T``, the
spread ``S_T`` and each unit's position; this module holds what both use: the number of
dimensions of a year, the random walk of the national level with its conjugate prior and the
definition-break prior (:func:`level_forecast`), the random walk of the log spread
(:func:`spread_logsd`), and :func:`field_parts`, the record of the pieces a regime hands to
:func:`simulator.forecast.fit_forecast`. Every assumption is explained in ``docs/forecast.md``.
"""

from __future__ import annotations

import numpy as np

PAPI_EIGHT_DIMENSIONS_FROM = 2018
# Assumptions (each explained in docs/forecast.md):
LEVEL_STEP_PRIOR = {"papi": 0.1, "par_index": 1.5, "sipas": 1.5}  # prior sd, yearly level change/dim
LEVEL_PRIOR_DF = 3.0  # weight of that prior, in pseudo-changes
SPREAD_STEP_PRIOR = 0.1  # prior sd of the yearly change of the log cross-sectional sd
NEW_DIMENSION_RANGE = (1.0, 10.0)  # a never-observed dimension's national mean: uniform on its scale
LEVEL_ERROR_PRIOR_WEIGHT = 3.0  # pseudo-errors at ratio 1 when the level scale is fitted from errors


def dimensions(index_id: str, year: int) -> int:
    """Number of equally scaled dimensions summed into the total (PAPI 6 until 2017, then 8)."""
    if index_id != "papi":
        return 1
    return 8 if year >= PAPI_EIGHT_DIMENSIONS_FROM else 6


def latest_observed(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last finite value of every column of ``matrix`` (rows = years) and its row (-1 if none)."""
    seen = np.isfinite(matrix)
    if not seen.any():
        return np.full(matrix.shape[1], np.nan), np.full(matrix.shape[1], -1)
    row = np.where(seen.any(axis=0), matrix.shape[0] - 1 - np.argmax(seen[::-1], axis=0), -1)
    return np.where(row >= 0, matrix[np.maximum(row, 0), np.arange(matrix.shape[1])], np.nan), row


def field_parts(*values) -> dict:
    """The field pieces, in the order of the ``BAUForecast`` fields from ``level`` on."""
    names = ("level", "level_scale", "level_df", "spread", "spread_logsd")
    arrays = ("design", "coef", "coef_chol", "position_sd")
    out = {k: float(v) for k, v in zip(names, values[:5], strict=True)}
    out |= {k: np.asarray(v, dtype=float) for k, v in zip(arrays, values[5:9], strict=True)}
    return out | {"assumptions": tuple(values[9])}


def note(vi: str, en: str) -> str:
    """An assumption labelled in Vietnamese and English: ``giả định: … (assumption: …)``."""
    return f"giả định: {vi} (assumption: {en})"


def prior_notes(index_id: str) -> list[str]:
    """The labelled prior assumptions on the level and the spread that every regime rests on."""
    sd = LEVEL_STEP_PRIOR.get(index_id, 1.5)
    return [
        note(
            f"độ lệch chuẩn tiên nghiệm {sd} điểm mỗi chiều cho thay đổi hằng năm của mức trung bình "
            f"toàn quốc (trọng số {LEVEL_PRIOR_DF:g} lần thay đổi)",
            f"prior sd {sd} per dimension for the yearly change of the national level "
            f"(weight {LEVEL_PRIOR_DF:g} changes)",
        ),
        note(
            f"độ lệch chuẩn tiên nghiệm {SPREAD_STEP_PRIOR} mỗi năm cho thay đổi của độ phân tán "
            "giữa các tỉnh (thang log)",
            f"prior sd {SPREAD_STEP_PRIOR} a year for the change of the log spread",
        ),
    ]


def level_forecast(
    index_id: str,
    last: tuple[int, float, float],
    steps: list[tuple[int, float, float]],
    year: int,
    *,
    drift: bool,
    reversion: float = 0.0,
    scale_factor: float = 1.0,
) -> tuple[float, float, float]:
    """Location ``L_T``, scale and degrees of freedom of the national level (random walk).

    Notes
    -----
    On the per-dimension scale ``l_t = L_t / D_t`` the level follows a random walk (with drift
    ``delta`` if ``drift``): a change over a gap of ``g`` years measured with variance ``m`` is
    ``c ~ N(delta g, s^2 (g + m/s0^2))``; weights ``w = 1/(g + m/s0^2)``. With a conjugate prior
    (assumption) ``s^2 ~ Scaled-Inv-chi2(nu0, s0^2)`` and ``n`` changes,
    ``l_T ~ t_nu(l_last + delta h, s^2 (h + h^2/sum(w g^2)) + var(l_last))``, ``h = T - t_last``,
    ``nu = nu0 + n - [drift]``. With ``reversion`` ``k`` the centre moves ``k`` of the way to the
    mean of the past levels chained by the changes (``l_last - sum of later changes``). At a
    definition break (assumption) each of the ``D_T - D_last`` new dimensions has a national mean
    uniform on the dimension's scale (:data:`NEW_DIMENSION_RANGE`): mean ``(a + b)/2`` and variance
    ``(b - a)^2/12`` each, added to the old dimensions' ``D_last l_T``. ``scale_factor`` multiplies
    the sd of ``l_T`` (a calibration from past level errors, :func:`level_error_factor`).
    """
    centre, var, df = level_walk(index_id, last, steps, year, drift=drift, reversion=reversion)
    var *= scale_factor**2
    d_target, d_last = dimensions(index_id, year), dimensions(index_id, last[0])
    new, (a, b) = max(d_target - d_last, 0), NEW_DIMENSION_RANGE
    if new:
        return (
            d_last * centre + new * (a + b) / 2,
            float(np.sqrt(d_last**2 * var + new * (b - a) ** 2 / 12)),
            float(df),
        )
    return d_target * centre, float(d_target * np.sqrt(var)), float(df)


def level_walk(
    index_id: str,
    last: tuple[int, float, float],
    steps: list[tuple[int, float, float]],
    year: int,
    *,
    drift: bool,
    reversion: float = 0.0,
) -> tuple[float, float, float]:
    """Centre, variance and degrees of freedom of the per-dimension level ``l_T`` (no break term)."""
    t_last, l_last, var_last = last
    s0 = LEVEL_STEP_PRIOR.get(index_id, 1.5)
    g, c, m = (np.array([st[i] for st in steps], dtype=float) for i in range(3))
    w = 1.0 / (g + m / s0**2)
    use_drift = drift and len(steps) > 0
    delta = float(np.sum(w * g * c) / np.sum(w * g * g)) if use_drift else 0.0
    df = LEVEL_PRIOR_DF + len(steps) - int(use_drift)
    s2 = (LEVEL_PRIOR_DF * s0**2 + float(np.sum(w * (c - delta * g) ** 2))) / df
    h = year - t_last
    var = s2 * (h + (h * h / np.sum(w * g * g) if use_drift else 0.0)) + var_last
    chained = l_last - np.concatenate([[0.0], np.cumsum(c[::-1])])
    centre = l_last + delta * h + reversion * (float(np.mean(chained)) - l_last)
    return float(centre), float(var), float(df)


def level_error_factor(
    index_id: str,
    levels: list[tuple[int, float]],
    steps: dict[int, tuple[int, float, float]],
    *,
    drift: bool,
    reversion: float,
) -> tuple[float, int]:
    """Ratio of the realised to the forecast sd of past one-year-ahead level errors, and their count.

    Notes
    -----
    ``levels[j] = (t_j, l_j)``; ``steps[j]`` is the change from ``j - 1`` to ``j``. From every
    origin ``j`` followed by a one-year step, the level forecast made with the steps up to ``j``
    (:func:`level_walk`) has centre ``c_j`` and sd ``s_j`` (Student-t, ``nu_j`` degrees of freedom);
    the standardised error is ``u_j = (l_j + step_(j+1) - c_j)/s_j``. The factor is
    ``sqrt((w0 + sum u_j^2)/(w0 + n))`` with ``w0`` = :data:`LEVEL_ERROR_PRIOR_WEIGHT` pseudo-errors
    at 1 (assumption: shrinks toward the random walk's own scale).
    """
    u = []
    for j in range(len(levels) - 1):
        nxt = steps.get(j + 1)
        if nxt is None or nxt[0] != 1:
            continue
        past = [steps[i] for i in sorted(steps) if i <= j]
        centre, var, df = level_walk(
            index_id,
            (levels[j][0], levels[j][1], 0.0),
            past,
            levels[j][0] + 1,
            drift=drift,
            reversion=reversion,
        )
        sd = np.sqrt(var * df / (df - 2.0))
        u.append((levels[j][1] + nxt[1] - centre) / sd)
    w0 = LEVEL_ERROR_PRIOR_WEIGHT
    return float(np.sqrt((w0 + float(np.sum(np.square(u)))) / (w0 + len(u)))), len(u)


def spread_logsd(index_id: str, from_year: int, year: int, base_var: float, steps: np.ndarray) -> float:
    """sd of ``log S_T``: fit variance + random-walk steps (prior assumption) + break term."""
    n = len(steps)
    s2 = (LEVEL_PRIOR_DF * SPREAD_STEP_PRIOR**2 + float(np.sum(steps**2))) / (LEVEL_PRIOR_DF + n)
    ratio = dimensions(index_id, year) / dimensions(index_id, from_year)
    return float(np.sqrt(base_var + s2 * (year - from_year) + (0.5 * np.log(ratio)) ** 2))
