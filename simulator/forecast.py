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
:func:`simulator.panel.fit_panel` (full panel: PAPI) and :func:`simulator.league.fit_league`
(partial league tables: PAR INDEX, SIPAS); the national level and spread they share are in
:mod:`simulator.field`.
The equations and every assumption (each labelled "giả định … (assumption: …)", see
:func:`simulator.field.note`) are in ``docs/forecast.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from simulator.errors import InputError
from simulator.field import dimensions, latest_observed, note
from simulator.history import SCORE_RANGE, History
from simulator.league import fit_league
from simulator.panel import PANEL_COVERAGE, SCALE_FLOOR, SHIPPED_SPEC, PanelSpec, fit_panel
from simulator.pooling import pool_parts

REGIMES = ("auto", "panel", "league")
MAX_HORIZON = 10  # years from the last data year to the target year


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
    innovations, ``params`` ``(draws, k)`` the draw-level factors: the persistence coefficients,
    the spread, the year-level persistence factor and the innovation variance factor.
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
    ``coef`` and ``coef_chol`` (``beta`` and ``C``), ``position_sd`` (``tau_i``),
    ``assumptions`` (the labelled assumptions this fit rests on), ``origin`` (the last data
    year used), ``persistence_sd`` (relative sd ``rho`` of the draw's persistence factor),
    ``position_var`` (``V``, mean square of the predicted positions) and ``innovation_logsd``
    (``kappa``, sd of the log variance factor of the unit innovations) and ``unit_df`` (degrees
    of freedom of Student-t unit innovations of unit variance; 0 = normal), and for a pool with
    persistence (``docs/forecast.md`` §0d) ``pool_weight`` (``w``), ``pool_centre`` (each unit's
    last score on the target's scale, NaN if never scored) and ``pool_sd`` (each unit's ``s_k``).
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
    origin: int = 0
    persistence_sd: float = 0.0
    position_var: float = 0.0
    innovation_logsd: float = 0.0
    unit_df: float = 0.0
    pool_weight: float = 0.0
    pool_centre: np.ndarray | None = None
    pool_sd: np.ndarray | None = None

    @property
    def n_params(self) -> int:
        """Columns of ``ForecastShocks.params``: ``beta``, the spread, persistence, variance factor."""
        return int(self.coef.shape[0]) + 3

    @property
    def horizon(self) -> int:
        """Years from the last data year to the target year."""
        return self.year - self.origin

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
        ``y = clip(L + c*lambda*t_nu(eps_c) + S*exp(omega*eta_S)*(a x @ (beta + C eta_beta)
        + g u*tau*eps), bounds)`` with ``t_nu(e) = F_t^{-1}(Phi(e))`` (:func:`t_of_normal`), the
        persistence factor ``a = max(1 + rho eta_a, 0)``, and the innovation factor
        ``g = sqrt(max(1 - a^2 V, f) / max(1 - V, f)) * exp((kappa eta_v - kappa^2/2) / 2)``
        (``f`` = :data:`~simulator.panel.SCALE_FLOOR`): when persistence falls the innovations
        grow so that the field keeps its variance. With :attr:`unit_df` the unit shocks become
        ``t_df(eps) sqrt((df - 2)/df)`` (Student-t of unit variance, same quantile map). All shocks
        zero gives :attr:`mean` exactly.
        With a pool (:attr:`pool_weight` ``w > 0``) the draws with ``Phi(eta_v) < w`` (the
        innovation-variance shock, unused then) are persistence for every unit with a last score:
        ``clip(centre + u_p s_k eps)``, ``u_p`` removing from ``s_k^2`` the variance ``unit_scale``
        removes from ``unit_sd^2`` (:meth:`_persistence_draws`).
        One ``(draws, N)`` float64 array is allocated and updated in place (plus one for
        ``x @ beta``).
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
        if self.unit_df:
            scores = t_of_normal(shocks.unit, self.unit_df)
            scores *= np.asarray(unit_scale) * self.position_sd * np.sqrt((self.unit_df - 2.0) / self.unit_df)
        else:
            scores = np.multiply(np.asarray(unit_scale) * self.position_sd, shocks.unit, dtype=float)
        gain = self._innovation_factor(eta[:, p + 1], eta[:, p + 2])
        if gain is not None:
            scores *= gain[:, None]
        position = coef @ self.design.T
        if self.persistence_sd > 0:
            position *= np.maximum(1.0 + self.persistence_sd * eta[:, p + 1], 0.0)[:, None]
        scores += position
        scores *= spread[:, None]
        scores += common[:, None]
        np.clip(scores, *self.bounds, out=scores)
        if self.pool_weight > 0:
            self._persistence_draws(scores, shocks, unit_scale)
        return scores

    def _persistence_draws(self, scores: np.ndarray, shocks: ForecastShocks, unit_scale) -> None:
        """Overwrite, in place, the draws of the pool that come from persistence."""
        pick = np.flatnonzero(special.ndtr(shocks.params[:, self.coef.shape[0] + 2]) < self.pool_weight)
        has = np.flatnonzero(np.isfinite(self.pool_centre))
        if not pick.size or not has.size:
            return
        removed = (1.0 - np.broadcast_to(np.asarray(unit_scale, dtype=float), self.unit_sd.shape) ** 2) * (
            self.unit_sd**2
        )
        sd = np.sqrt(np.clip(self.pool_sd**2 - removed, 0.0, None))[has]
        draws = shocks.unit[np.ix_(pick, has)] * sd
        draws += self.pool_centre[has]
        scores[np.ix_(pick, has)] = np.clip(draws, *self.bounds)

    def _innovation_factor(self, eta_a: np.ndarray, eta_v: np.ndarray) -> np.ndarray | None:
        """The draw's factor ``g`` of the unit innovations, or None when it is 1 in every draw."""
        gain = None
        if self.persistence_sd > 0:
            a = np.maximum(1.0 + self.persistence_sd * eta_a, 0.0)
            left = np.maximum(1.0 - a * a * self.position_var, SCALE_FLOOR)
            gain = np.sqrt(left / max(1.0 - self.position_var, SCALE_FLOOR))
        if self.innovation_logsd > 0:
            k = self.innovation_logsd
            mix = np.exp(0.5 * (k * eta_v - 0.5 * k * k))
            gain = mix if gain is None else gain * mix
        return gain

    def table(self, draws: int = 20000, rng=None) -> pd.DataFrame:
        """Score and rank quantiles of every unit (ranks by :func:`rank_draws`).

        Columns ``unit, score_mean, score_p05, score_p50, score_p95, rank_p05, rank_p50,
        rank_p95`` (the CLI contract), then ``score_p10, score_p25, score_p75, score_p90``,
        ``score_point`` and ``last_score``.
        """
        sims = self.simulate(draws, rng)
        levels = ("p05", "p50", "p95", "p10", "p25", "p75", "p90")
        q = np.quantile(sims, [int(v[1:]) / 100 for v in levels], axis=0)
        r = np.quantile(rank_draws(sims), [0.05, 0.5, 0.95], axis=0, method="inverted_cdf").astype(int)
        cols = {"unit": self.units, "score_mean": sims.mean(axis=0)}
        cols |= {f"score_{p}": q[i] for i, p in enumerate(levels[:3])}
        cols |= {f"rank_{p}": r[i] for i, p in enumerate(("p05", "p50", "p95"))}
        cols |= {f"score_{p}": q[i + 3] for i, p in enumerate(levels[3:])}
        return pd.DataFrame(cols | {"score_point": self.mean, "last_score": self.last_score})


def fit_forecast(
    history: History,
    year: int,
    *,
    regime: str = "auto",
    origin: int | None = None,
    spec: PanelSpec | None = None,
) -> BAUForecast:
    """Fit the BAU forecast of every unit for ``year`` from the history up to ``origin``.

    Parameters
    ----------
    history : History
        Observations and national summaries of one index.
    year : int
        Target year.
    regime : {"auto", "panel", "league"}
        ``auto`` picks ``panel`` when the last year has scores for at least 80 % of the units.
    origin : int, optional
        The last data year used (horizon ``year - origin``, 1 to :data:`MAX_HORIZON`); by
        default the last year before ``year`` in the history.
    spec : PanelSpec, optional
        Options of the panel regime; by default :data:`simulator.panel.SHIPPED_SPEC`
        (``docs/forecast.md`` §4e). The league regime (PAR INDEX, SIPAS) takes no panel option:
        by default it has none, and a spec that sets one (a pool included) is refused.

    Raises
    ------
    InputError
        Unknown regime, bad origin, no data up to the origin, too little data for the regime, or
        a panel option (``spec``) for the league regime (named ``<index> spec.<option>``).

    Examples
    --------
    >>> from simulator.history import load_history
    >>> fc = fit_forecast(load_history("papi"), 2020)
    >>> fc.regime, fc.mean.shape
    ('panel', (63,))
    """
    if regime not in REGIMES:
        raise InputError("regime", f"unknown regime {regime!r}; expected one of {', '.join(REGIMES)}")
    year = int(year)
    if origin is None:
        earlier = [y for y in history.years if y < year]
        origin = earlier[-1] if earlier else year - 1
    if not isinstance(origin, int | np.integer) or not 1 <= year - origin <= MAX_HORIZON:
        problem = f"{origin!r} for a {year} forecast; give a year 1 to {MAX_HORIZON} years before it"
        raise InputError("origin", problem)
    past = history.before(int(origin) + 1)
    obs = past.observations
    if obs.empty or not (obs["score"].notna() | obs["rank"].notna()).any():
        raise InputError(f"{history.index_id} history", f"no scores or ranks up to {origin}")
    if regime == "auto":
        coverage = obs.dropna(subset=["score"]).groupby("year")["unit"].nunique()
        last = coverage.index.max() if len(coverage) else None
        full = last is not None and coverage[last] >= PANEL_COVERAGE * len(past.units)
        regime = "panel" if full and (coverage >= PANEL_COVERAGE * len(past.units)).sum() >= 2 else "league"
    if regime == "league" and spec is not None and spec.options:
        name, value = next(iter(spec.options.items()))
        raise InputError(
            f"{history.index_id} spec.{name}",
            f"{value!r} is a panel option, and the {history.index_id} forecast fits a partial league "
            "table, which takes none; leave the spec out",
        )
    spec = SHIPPED_SPEC if spec is None else spec
    fit = fit_panel(past, year, spec) if regime == "panel" else fit_league(past, year)
    if regime == "panel" and spec.persistence_weight:
        pool = pool_parts(past, year, int(origin), spec)
        fit["assumptions"] += (pool.pop("note"),)
        fit |= pool
    if year - origin > 1:
        k = year - origin
        fit["assumptions"] += (
            note(
                f"dự báo {k} năm từ số liệu đến {origin}: vị trí mỗi đơn vị suy giảm theo phi^{k} về "
                "mức chung, độ bất định của mức và độ phân tán tăng theo số năm",
                f"a {k}-year forecast from data to {origin}: positions decay as phi^{k} toward the "
                "field; the level's and the spread's uncertainty grow with the years",
            ),
        )
    return _assemble(past, year, regime, fit | {"origin": int(origin)})


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


__all__ = [
    "BAUForecast",
    "ForecastShocks",
    "PanelSpec",
    "dimensions",
    "fit_forecast",
    "latest_observed",
    "rank_draws",
    "score_bounds",
    "t_of_normal",
]
