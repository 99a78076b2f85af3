"""Business-as-usual (BAU) forecasts of every unit's score for a target year.

A forecast for year ``T`` uses only the history before ``T``. Every regime reduces to one form
(DESIGN §3.2): a *field* with a location (the national level), a spread (the cross-sectional sd)
and each unit's *position* in it, in standard units:

.. math::

    y_{iT} = L_T + c\\,\\lambda\\,\\varepsilon^{c} + S_T\\,e^{\\omega\\eta_S}
             \\bigl(x_i^\\top(\\beta + C\\eta_\\beta) + u_i\\,\\tau_i\\,\\varepsilon_i\\bigr),

clipped to the index's bounds: location ``L_T``, spread ``S_T``, a *common shock* (one per
draw, shared by all units, made Student-t with ``nu`` degrees of freedom by its quantile), *unit
innovations* of sd ``tau_i`` and *parameter shocks* ``eta`` for the persistence coefficients
``beta`` (covariance ``C C'``) and the spread. ``c`` and ``u_i`` are ``common_scale`` and
``unit_scale`` of :meth:`BAUForecast.simulate`; all shocks zero give :attr:`BAUForecast.mean`.

The two regimes differ only in how ``L``, ``S``, ``x`` and ``beta`` are estimated:
``_fit_panel`` (full panel: PAPI) and ``_fit_league`` (partial league tables: PAR INDEX, SIPAS).
The equations and every assumption (each labelled "assumption") are in ``docs/forecast.md``.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from simulator.errors import InputError
from simulator.history import PAPI_DIMENSIONS, SCORE_RANGE, History

REGIMES = ("auto", "panel", "league")
PANEL_COVERAGE = 0.8
PAPI_EIGHT_DIMENSIONS_FROM = 2018
# Assumptions (each explained in docs/forecast.md):
LEVEL_STEP_PRIOR = {"papi": 0.1, "par_index": 1.5, "sipas": 1.5}  # prior sd, yearly level change/dim
LEVEL_PRIOR_DF = 3.0  # weight of that prior, in pseudo-changes
SPREAD_STEP_PRIOR = 0.1  # prior sd of the yearly change of the log cross-sectional sd
NEW_DIMENSION_RANGE = (1.0, 10.0)  # a never-observed dimension's national mean: uniform on its scale
LEVEL_REVERSION = 0.5  # PAPI level: share of the gap to the mean of past (chained) levels closed
BORROWED_PERSISTENCE = (0.6, 0.15)  # phi (estimate, sd) from PAPI 2011-2020 lag-1 correlations
MIN_PERSISTENCE_PAIRS = 10
MIN_MEAN_PAIRS = 30
MIN_IDENTIFYING_SPREAD = 1.0
MAX_PAIR_MEDIAN_Z = 1.0


def dimensions(index_id: str, year: int) -> int:
    """Number of equally scaled dimensions summed into the total (PAPI 6 until 2017, then 8)."""
    if index_id != "papi":
        return 1
    return 8 if year >= PAPI_EIGHT_DIMENSIONS_FROM else 6


def score_bounds(index_id: str, year: int) -> tuple[float, float]:
    """Bounds of a year's total: each PAPI dimension lies in 1..10, PAR and SIPAS in 0..100 %."""
    if index_id == "papi":
        d = dimensions(index_id, year)
        return float(d), 10.0 * d
    return SCORE_RANGE.get(index_id, (-np.inf, np.inf))


@dataclass(frozen=True)
class ForecastShocks:
    """Standard normal inputs, drawn once and reusable (common random numbers).

    ``common`` ``(draws,)`` is shared by all units of a draw, ``unit`` ``(draws, N)`` holds the unit
    innovations, ``params`` ``(draws, k)`` the parameter uncertainty.
    """

    common: np.ndarray
    unit: np.ndarray
    params: np.ndarray

    @property
    def draws(self) -> int:
        return int(self.common.shape[0])


def rank_draws(scores: np.ndarray) -> np.ndarray:
    """Competition ranks of every row: ``1 + #{j : s_j > s_i}`` (ties share the best rank).

    Examples
    --------
    >>> rank_draws(np.array([[1.0, 3.0, 3.0, 2.0]])).tolist()
    [[4, 1, 1, 3]]
    """
    return stats.rankdata(-np.asarray(scores, dtype=float), method="min", axis=-1).astype(int)


T_GRID_STEP = 2.0**-10  # node spacing of the tabulated normal -> Student-t map (a power of 2)
T_GRID_EDGE = 8.0  # tabulated on [-8, 8]; shocks beyond are mapped exactly


def _t_quantile_of_normal(e: np.ndarray, df: float) -> np.ndarray:
    """``F_t^-1(Phi(e))`` computed on the lower tail (``-F_t^-1(Phi(-e))`` for ``e > 0``) for accuracy."""
    e = np.asarray(e, dtype=float)
    return np.copysign(special.stdtrit(df, special.ndtr(-np.abs(e))), e)


@functools.lru_cache(maxsize=64)
def _t_of_normal_table(df: float) -> tuple[np.ndarray, ...]:
    """Cubic Hermite coefficients of ``e -> F_t^-1(Phi(e))`` per interval of the grid.

    Nodes ``e_k = -8 + k h`` (``h = 2^-10``) carry the exact value ``y_k`` and slope
    ``y'_k = phi(e_k) / f_t(y_k)``; on ``[e_k, e_k+1]`` with ``s = (e - e_k)/h``,
    ``y = y_k + s (h y'_k + s (c2_k + s c3_k))`` (interpolation error ~1e-14 relative).
    """
    nodes = np.arange(-T_GRID_EDGE, T_GRID_EDGE + T_GRID_STEP / 2, T_GRID_STEP)
    y = _t_quantile_of_normal(nodes, df)
    m = T_GRID_STEP * stats.norm.pdf(nodes) / stats.t.pdf(y, df)
    dy = np.diff(y)
    c2 = 3.0 * dy - 2.0 * m[:-1] - m[1:]
    c3 = m[:-1] + m[1:] - 2.0 * dy
    return y[:-1], m[:-1], c2, c3


def t_of_normal(e: np.ndarray, df: float) -> np.ndarray:
    """Student-t(``df``) quantile of ``Phi(e)`` for standard normal ``e`` (a new float64 array).

    Notes
    -----
    Tabulated (:func:`_t_of_normal_table`: ~0.05 ms for 4,096 shocks against ~1.4 ms for
    ``scipy.special.stdtrit``); ``e = 0`` maps to exactly 0 and ``|e| >= 8`` is computed exactly.

    Examples
    --------
    >>> float(t_of_normal(np.array([0.0]), 5.0)[0])
    0.0
    """
    y0, m, c2, c3 = _t_of_normal_table(float(df))
    x = np.asarray(e, dtype=float) + T_GRID_EDGE
    x *= 1.0 / T_GRID_STEP
    k = x.astype(np.intp)
    far = (x < 0.0) | (k >= y0.size)
    np.clip(k, 0, y0.size - 1, out=k)
    x -= k
    out = np.take(c3, k)
    out *= x
    out += np.take(c2, k)
    out *= x
    out += np.take(m, k)
    out *= x
    out += np.take(y0, k)
    if far.any():
        out[far] = _t_quantile_of_normal(np.asarray(e, dtype=float)[far], df)
    return out


@dataclass(frozen=True)
class BAUForecast:
    """A fitted BAU forecast of every unit for one year (see the module docstring for the model).

    Attributes beyond the contract: ``level``, ``level_scale``, ``level_df`` (location ``L_T``
    and the scale and degrees of freedom of its Student-t common term), ``spread`` and
    ``spread_logsd`` (``S_T`` and the sd of its log), ``design`` (``(N, p)`` regressors ``x_i``),
    ``coef`` and ``coef_chol`` (``beta`` and ``C``), ``position_sd`` (``tau_i``) and
    ``assumptions`` (the labelled assumptions this fit rests on).
    """

    index_id: str
    year: int
    units: tuple[str, ...]
    regime: str
    mean: np.ndarray
    unit_sd: np.ndarray
    common_sd: float
    last_score: np.ndarray
    bounds: tuple[float, float]
    level: float
    level_scale: float
    level_df: float
    spread: float
    spread_logsd: float
    design: np.ndarray
    coef: np.ndarray
    coef_chol: np.ndarray
    position_sd: np.ndarray
    assumptions: tuple[str, ...] = ()

    @property
    def n_params(self) -> int:
        return int(self.coef.shape[0]) + 1

    def draw_shocks(self, draws: int, rng=None) -> ForecastShocks:
        """Draw ``draws`` sets of standard normal shocks from ``rng`` (Generator, int, seed)."""
        rng = np.random.default_rng(rng)
        common = rng.standard_normal(draws)
        unit = rng.standard_normal((draws, len(self.units)))
        params = rng.standard_normal((draws, self.n_params))
        return ForecastShocks(common, unit, params)

    def simulate(
        self,
        draws: int | None = None,
        rng=None,
        *,
        shocks: ForecastShocks | None = None,
        unit_scale: np.ndarray | float = 1.0,
        common_scale: float = 1.0,
    ) -> np.ndarray:
        """Simulated scores, ``(draws, N)``, deterministic given ``shocks``.

        Notes
        -----
        ``y = clip(L + c*lambda*t_nu(eps_c) + S*exp(omega*eta_S)*(x @ (beta + C eta_beta)
        + u*tau*eps), bounds)`` with ``t_nu(e) = F_t^{-1}(Phi(e))`` (:func:`t_of_normal`). All
        shocks zero gives :attr:`mean` exactly. One ``(draws, N)`` float64 array is allocated and
        updated in place (plus one for ``x @ beta``).
        """
        if shocks is None:
            if draws is None:
                raise InputError("draws", "give draws or pre-drawn shocks")
            shocks = self.draw_shocks(draws, rng)
        elif draws is not None and draws != shocks.draws:
            raise InputError("draws", f"{draws} draws asked but the shocks hold {shocks.draws}")
        p = self.coef.shape[0]
        eta = shocks.params
        coef = self.coef + eta[:, :p] @ self.coef_chol.T  # (draws, p)
        spread = np.exp(self.spread_logsd * eta[:, p])
        spread *= self.spread
        common = t_of_normal(shocks.common, self.level_df)
        common *= self.level_scale
        common *= common_scale
        common += self.level
        # one (draws, N) float64 array, updated in place: x'(beta + C eta) + u tau eps
        scores = np.multiply(np.asarray(unit_scale) * self.position_sd, shocks.unit, dtype=float)
        scores += coef @ self.design.T
        scores *= spread[:, None]
        scores += common[:, None]
        return np.clip(scores, *self.bounds, out=scores)

    def table(self, draws: int = 20000, rng=None) -> pd.DataFrame:
        """Score and rank quantiles of every unit (ranks by :func:`rank_draws`)."""
        sims = self.simulate(draws, rng)
        q = np.quantile(sims, [0.05, 0.5, 0.95], axis=0)
        r = np.quantile(rank_draws(sims), [0.05, 0.5, 0.95], axis=0, method="inverted_cdf").astype(int)
        cols = {"unit": self.units, "score_mean": sims.mean(axis=0)}
        cols |= {f"score_{p}": q[i] for i, p in enumerate(("p05", "p50", "p95"))}
        cols |= {f"rank_{p}": r[i] for i, p in enumerate(("p05", "p50", "p95"))}
        return pd.DataFrame(cols | {"score_point": self.mean, "last_score": self.last_score})


def fit_forecast(history: History, year: int, *, regime: str = "auto") -> BAUForecast:
    """Fit the BAU forecast of every unit for ``year`` from ``history.before(year)``.

    Parameters
    ----------
    history : History
        Observations and national summaries of one index.
    year : int
        Target year; only earlier years are used.
    regime : {"auto", "panel", "league"}
        ``auto`` picks ``panel`` when the last year has scores for at least 80 % of the units.

    Raises
    ------
    InputError
        Unknown regime, no data before ``year``, or too little data for the regime.

    Examples
    --------
    >>> from simulator.history import load_history
    >>> fc = fit_forecast(load_history("papi"), 2020)
    >>> fc.regime, fc.mean.shape
    ('panel', (63,))
    """
    if regime not in REGIMES:
        raise InputError("regime", f"unknown regime {regime!r}; expected one of {', '.join(REGIMES)}")
    past = history.before(year)
    obs = past.observations
    if obs.empty or not (obs["score"].notna() | obs["rank"].notna()).any():
        raise InputError(f"{history.index_id} history", f"no scores or ranks before {year}")
    if regime == "auto":
        coverage = obs.dropna(subset=["score"]).groupby("year")["unit"].nunique()
        last = coverage.index.max() if len(coverage) else None
        full = last is not None and coverage[last] >= PANEL_COVERAGE * len(past.units)
        regime = "panel" if full and (coverage >= PANEL_COVERAGE * len(past.units)).sum() >= 2 else "league"
    fit = _fit_panel(past, year) if regime == "panel" else _fit_league(past, year)
    return _assemble(past, year, regime, fit)


def latest_observed(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last finite value of every column of ``matrix`` (rows = years) and its row (-1 if none)."""
    seen = np.isfinite(matrix)
    if not seen.any():
        return np.full(matrix.shape[1], np.nan), np.full(matrix.shape[1], -1)
    row = np.where(seen.any(axis=0), matrix.shape[0] - 1 - np.argmax(seen[::-1], axis=0), -1)
    return np.where(row >= 0, matrix[np.maximum(row, 0), np.arange(matrix.shape[1])], np.nan), row


def _assemble(past: History, year: int, regime: str, parts: dict) -> BAUForecast:
    """The forecast record; ``parts`` holds the field pieces a regime estimated."""
    bounds = score_bounds(past.index_id, year)
    df = parts["level_df"]
    return BAUForecast(
        index_id=past.index_id,
        year=int(year),
        units=tuple(past.units.names),
        regime=regime,
        mean=np.clip(parts["level"] + parts["spread"] * (parts["design"] @ parts["coef"]), *bounds),
        unit_sd=parts["spread"] * parts["position_sd"],
        common_sd=float(parts["level_scale"] * np.sqrt(df / (df - 2.0))),
        last_score=latest_observed(past.matrix("score"))[0],
        bounds=bounds,
        **parts,
    )


def _parts(*values) -> dict:
    """The field pieces, in the order of the :class:`BAUForecast` fields from ``level`` on."""
    names = ("level", "level_scale", "level_df", "spread", "spread_logsd")
    arrays = ("design", "coef", "coef_chol", "position_sd")
    out = {k: float(v) for k, v in zip(names, values[:5], strict=True)}
    out |= {k: np.asarray(v, dtype=float) for k, v in zip(arrays, values[5:9], strict=True)}
    return out | {"assumptions": tuple(values[9])}


def _prior_notes(index_id: str) -> list[str]:
    return [
        f"assumption: prior sd {LEVEL_STEP_PRIOR.get(index_id, 1.5)} per dimension for the yearly change "
        f"of the national level (weight {LEVEL_PRIOR_DF:g} changes)",
        f"assumption: prior sd {SPREAD_STEP_PRIOR} a year for the change of the log spread",
    ]


def _level_forecast(
    index_id: str,
    last: tuple[int, float, float],
    steps: list[tuple[int, float, float]],
    year: int,
    *,
    drift: bool,
    reversion: float = 0.0,
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
    ``(b - a)^2/12`` each, added to the old dimensions' ``D_last l_T``.
    """
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
    d_target, d_last = dimensions(index_id, year), dimensions(index_id, t_last)
    new, (a, b) = max(d_target - d_last, 0), NEW_DIMENSION_RANGE
    if new:
        return (
            d_last * centre + new * (a + b) / 2,
            float(np.sqrt(d_last**2 * var + new * (b - a) ** 2 / 12)),
            float(df),
        )
    return d_target * centre, float(d_target * np.sqrt(var)), float(df)


def _spread_logsd(index_id: str, from_year: int, year: int, base_var: float, steps: np.ndarray) -> float:
    """sd of ``log S_T``: fit variance + random-walk steps (prior assumption) + break term."""
    n = len(steps)
    s2 = (LEVEL_PRIOR_DF * SPREAD_STEP_PRIOR**2 + float(np.sum(steps**2))) / (LEVEL_PRIOR_DF + n)
    ratio = dimensions(index_id, year) / dimensions(index_id, from_year)
    return float(np.sqrt(base_var + s2 * (year - from_year) + (0.5 * np.log(ratio)) ** 2))


def _fit_panel(past: History, year: int) -> dict:
    """Pooled AR(1) of standardised deviations plus the unit's mean earlier deviation.

    Notes
    -----
    With ``m_t``, ``s_t`` the yearly cross-sectional mean and sd and ``z_it = (y_it - m_t)/s_t``,
    ``z_it = phi z_i,t-1 + gamma zbar_i,<t-1 + e_it``, ``e ~ N(0, sigma^2)``, by pooled OLS
    (statsmodels) over consecutive years; ``gamma`` is dropped while fewer than 30 pairs have an
    earlier mean. A unit last seen ``k`` years ago decays toward the field (assumption):
    ``x_i = phi^(k-1) (z_i, zbar_i)``, ``tau_i^2 = sigma^2 sum_{j<k} phi^(2j)``; a unit never seen
    is drawn from the field, ``x_i = 0``, ``tau_i = 1``. ``S_T = s_last (D_T/D_last)^(1/2)``
    (assumption at a break). The level is :func:`_level_forecast` of ``m_t / D_t`` without drift,
    partly reverting to the mean of its past levels (:data:`LEVEL_REVERSION`, assumption).
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
    level, scale, df = _level_forecast(
        past.index_id, last, steps, year, drift=False, reversion=LEVEL_REVERSION
    )
    spread = s[-1] * np.sqrt(dimensions(past.index_id, year) / dimensions(past.index_id, years[-1]))
    notes = [
        *_prior_notes(past.index_id),
        "assumption: a unit with a gap decays toward the field",
        f"assumption: the level moves {LEVEL_REVERSION:g} of the way to the mean of its past levels "
        "(chosen on the 2013-2020 backtest, so in-sample there)",
    ]
    if dimensions(past.index_id, year) != dimensions(past.index_id, years[-1]):
        notes.append(
            "assumption: the national mean of each of the new dimensions is uniform on its 1-10 scale; "
            "the spread scales with the square root of the number of dimensions"
        )
    logsd = _spread_logsd(past.index_id, years[-1], year, 0.0, np.array(log_steps))
    chol = np.linalg.cholesky(np.asarray(res.cov_params()) + 1e-12 * np.eye(X.shape[1]))
    return _parts(level, scale, df, spread, logsd, design, beta, chol, position_sd, notes)


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


def _blom(rank: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Blom normal score of a rank (1 = best) and the approximate variance of that order statistic.

    Notes
    -----
    ``p = (n + 1 - r - 0.375) / (n + 0.25)``, ``q = Phi^-1(p)``,
    ``var = p (1 - p) / ((n + 2) phi(q)^2)`` (the delta-method variance of a normal order statistic).
    """
    p = (n + 1 - np.asarray(rank, dtype=float) - 0.375) / (n + 0.25)
    q = stats.norm.ppf(p)
    return q, p * (1 - p) / ((n + 2) * stats.norm.pdf(q) ** 2)


def _field_points(past: History, year: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(q, score, variance)`` pairs of one year: ranked scores, mean (q=0), max (rank 1), min (rank N)."""
    obs = past.observations[past.observations["year"] == year].dropna(subset=["score", "rank"])
    q, v = _blom(obs["rank"].to_numpy(), n)
    qs, ys, vs = list(q), list(obs["score"]), list(v)
    ranks = set(obs["rank"].astype(int))
    for stat, rank in (("mean", None), ("max", 1), ("min", n)):
        value = past.summary(year, stat)
        if value is not None and rank not in ranks:
            qr, vr = (0.0, 1.0 / n) if rank is None else (float(x[0]) for x in _blom(np.array([rank]), n))
            qs, ys, vs = [*qs, qr], [*ys, value], [*vs, vr]
    return np.array(qs), np.array(ys, dtype=float), np.array(vs)


def _fit_fields(past: History, n: int) -> dict[int, tuple[float, float, float, float, bool]]:
    """Per year: ``(mu, sigma, var_mu, var_log_sigma, identified)`` of the field ``y = mu + sigma q``.

    Notes
    -----
    Weighted least squares (statsmodels WLS) of scores on normal scores with weights ``1/v``; the
    covariance is ``(X'WX)^-1 max(sigma^2, s^2_resid)`` (never below the order-statistic noise).
    A year whose normal scores span less than 1 borrows ``sigma`` from the nearest identified year.
    """
    points = {y: _field_points(past, y, n) for y in past.years}
    fits: dict[int, tuple[float, float, float, float, bool]] = {}
    for y, (q, v, w) in points.items():
        if len(q) >= 2 and np.ptp(q) >= MIN_IDENTIFYING_SPREAD:
            res = sm.WLS(v, sm.add_constant(q), weights=1.0 / w).fit()
            mu, sig = (float(x) for x in res.params)
            if sig > 0:
                scale = max(sig**2, float(res.scale)) if res.df_resid > 0 else sig**2
                cov = res.normalized_cov_params * scale
                fits[y] = (mu, sig, float(cov[0, 0]), float(cov[1, 1]) / sig**2, True)
    if not fits:
        raise InputError(f"{past.index_id} history", "no year has enough ranked scores to fit the field")
    for y, (q, v, w) in points.items():
        if y not in fits and len(q):
            ref = min(fits, key=lambda t: (abs(t - y), t > y))
            sig = fits[ref][1]
            mu = float(np.sum((v - sig * q) / w) / np.sum(1.0 / w))
            fits[y] = (mu, sig, sig**2 / float(np.sum(1.0 / w)), fits[ref][3], False)
    return dict(sorted(fits.items()))


def _fit_league(past: History, year: int) -> dict:
    """Field location and scale per year from partial league tables; units revert to the field.

    Notes
    -----
    Positions: ``z_it = (y_it - mu_t) / sigma_t`` for a known score, the Blom score ``q(r)`` for a
    rank alone (with its order-statistic variance). ``z_iT = phi^k z_i,t + sqrt(1 - phi^(2k)) e``
    for a unit last seen ``k`` years ago; units never seen are exchangeable draws from the field
    (``x_i = 0``, ``tau_i = 1``). ``phi`` by OLS through the origin on consecutive-year pairs when
    there are at least 10 and they represent the field (median ``|z| < 1``); pairs of units
    published because they top the table are selected on the outcome and overstate ``phi``, so
    then ``phi`` is borrowed from PAPI (assumption). The level is
    :func:`_level_forecast` of ``mu_t / D_t`` with drift; ``S_T`` is the latest identified sigma.
    """
    n, names = len(past.units), {u: i for i, u in enumerate(past.units.names)}
    fits = _fit_fields(past, n)
    pos: dict[tuple[str, int], tuple[float, float]] = {}
    for rec in past.observations.itertuples(index=False):
        if rec.year not in fits or rec.unit not in names:
            continue
        mu, sig, var_mu, _, _ = fits[rec.year]
        if np.isfinite(rec.score):
            pos[(rec.unit, rec.year)] = ((rec.score - mu) / sig, var_mu / sig**2)
        elif np.isfinite(rec.rank):
            q, v = _blom(np.array([rec.rank]), n)
            pos[(rec.unit, rec.year)] = (float(q[0]), float(v[0]))
    pairs = np.array([(z, pos[(u, t + 1)][0]) for (u, t), (z, _) in pos.items() if (u, t + 1) in pos])
    notes = [*_prior_notes(past.index_id), "assumption: a normal field; unknown units exchangeable in it"]
    if len(pairs) >= MIN_PERSISTENCE_PAIRS and np.median(np.abs(pairs[:, 0])) < MAX_PAIR_MEDIAN_Z:
        res = sm.OLS(pairs[:, 1], pairs[:, :1]).fit()
        phi, phi_sd = float(np.clip(res.params[0], 0.0, 0.95)), float(res.bse[0])
    else:
        phi, phi_sd = BORROWED_PERSISTENCE
        notes.append(f"assumption: persistence phi = {phi} (sd {phi_sd}) borrowed from PAPI")
    design, position_sd = np.zeros((n, 1)), np.ones(n)
    for (u, t), (z, v) in sorted(pos.items(), key=lambda kv: kv[0][1]):
        k = year - t
        design[names[u], 0] = phi ** (k - 1) * z
        position_sd[names[u]] = np.sqrt(1 - phi ** (2 * k) + phi ** (2 * k) * v)
    fitted = list(fits)
    dim = {t: dimensions(past.index_id, t) for t in fitted}
    levels = {t: fits[t][0] / dim[t] for t in fitted}
    steps = [
        (b - a, levels[b] - levels[a], fits[a][2] / dim[a] ** 2 + fits[b][2] / dim[b] ** 2)
        for a, b in itertools.pairwise(fitted)
        if dim[a] == dim[b]
    ]
    last = fitted[-1]
    last_level = (last, levels[last], fits[last][2] / dim[last] ** 2)
    level, scale, df = _level_forecast(past.index_id, last_level, steps, year, drift=True)
    t_sig = max(t for t in fitted if fits[t][4])
    spread = fits[t_sig][1] * np.sqrt(dimensions(past.index_id, year) / dimensions(past.index_id, t_sig))
    logsd = _spread_logsd(past.index_id, t_sig, year, fits[t_sig][3], np.array([]))
    return _parts(level, scale, df, spread, logsd, design, [phi], [[phi_sd]], position_sd, notes)
