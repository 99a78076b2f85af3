"""The panel regime: a full panel of yearly scores (PAPI), fitted as positions in the field.

Every unit's standardised deviation from the yearly mean follows a pooled AR(1) plus, as
:class:`PanelSpec` says, the unit's (equal-weight or discounted) mean earlier deviation, a
year-level random effect on persistence and a scale mixture of the innovations
(:func:`fit_panel`); the national level is a random walk without drift that partly reverts to its
past (:func:`simulator.field.level_forecast`). The equations and assumptions are in
``docs/forecast.md`` §2.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from simulator.dimension_panel import dimension_positions
from simulator.errors import InputError
from simulator.field import (
    LEVEL_ERROR_PRIOR_WEIGHT,
    dimensions,
    field_parts,
    latest_observed,
    level_error_factor,
    level_forecast,
    note,
    prior_notes,
    spread_logsd,
)
from simulator.history import PAPI_DIMENSIONS, History
from simulator.labels import t

PANEL_COVERAGE = 0.8
# Assumption (explained in docs/forecast.md):
LEVEL_REVERSION = 0.5  # PAPI level: share of the gap to the mean of past (chained) levels closed
MIN_MEAN_PAIRS = 30
UNIT_MEANS = ("equal", "discounted", "none")
MEAN_DISCOUNT = 0.5  # assumption: weight of a unit's earlier position falls by half a year
YEAR_EFFECT_PRIOR = (0.25, 2.0)  # assumption: prior sd of the yearly persistence factor, weight
MIXTURE_PRIOR = (0.2, 2.0)  # assumption: prior sd of the log yearly innovation variance, weight
SCALE_FLOOR = 0.05  # smallest share of the field's variance left to the unit innovations
WIDENING_PRIOR_WEIGHT = 3.0  # assumption: pseudo-origins at ratio 1 for the fitted unit widening
WIDENING_LEVEL = 0.9  # the central interval the conformal widening calibrates


@dataclass(frozen=True)
class PanelSpec:
    """Options of the panel regime (the candidates of the protocol in ``docs/forecast.md`` §0).

    Parameters
    ----------
    unit_mean : {"none", "equal", "discounted"}
        The unit's earlier positions as a regressor: not at all (the default, chosen by the
        protocol), equal weights, or weights falling by :data:`MEAN_DISCOUNT` a year.
    year_effect : bool
        A year-level random effect on persistence, with innovations that keep the field's variance.
    mixture : bool
        A variance factor of the unit innovations common to all units of a draw.
    level_reversion : float
        Share ``kappa`` (0..1) of the gap to the mean of the past levels that the level forecast
        closes (round-2 candidates 0, 0.25, 0.5; ``docs/forecast.md`` §0b).
    level_errors : bool
        Scale the common (level) shock by the ratio of the realised to the forecast sd of the past
        one-year-ahead level errors (:func:`simulator.field.level_error_factor`).
    unit_df : float
        Degrees of freedom (> 2) of Student-t unit innovations scaled to unit variance; 0 (the
        default) keeps them normal (round 3, ``docs/forecast.md`` §0c).
    widening : bool
        Multiply the unit innovations by the conformal-style ratio of past one-year position
        errors (:func:`position_error_ratio`).
    dimension_models : bool
        Forecast each PAPI dimension with its own AR(1) and sum them, keeping the dimensions'
        residual correlation (:func:`simulator.dimension_panel.dimension_positions`).
    persistence_weight : float or "rolling"
        Pool the model with persistence per draw at this weight (0..1; 0, the default, is no
        pool), or at the weight chosen on the fit's own past forecasts (``"rolling"``,
        :func:`simulator.pooling.rolling_weight`; round 4, ``docs/forecast.md`` §0d). The draw's
        innovation-variance shock picks the member, so a pool takes no scale ``mixture``.
    """

    unit_mean: str = "none"
    year_effect: bool = False
    mixture: bool = False
    level_reversion: float = LEVEL_REVERSION
    level_errors: bool = False
    unit_df: float = 0.0
    widening: bool = False
    dimension_models: bool = False
    persistence_weight: float | str = 0.0

    def __post_init__(self) -> None:
        if self.unit_mean not in UNIT_MEANS:
            raise InputError("unit_mean", f"{self.unit_mean!r}; expected one of {', '.join(UNIT_MEANS)}")
        if not 0.0 <= self.level_reversion <= 1.0:
            raise InputError("level_reversion", f"{self.level_reversion!r}; expected a share in 0..1")
        if self.unit_df != 0 and not self.unit_df > 2:
            raise InputError(
                "unit_df", f"{self.unit_df!r}; expected 0 (normal) or degrees of freedom above 2"
            )
        w = self.persistence_weight
        if w != "rolling" and (isinstance(w, str | bool) or not 0.0 <= w <= 1.0):
            raise InputError("persistence_weight", f"{w!r}; expected a weight in 0..1 or 'rolling'")
        if w and self.mixture:
            raise InputError("persistence_weight", "a pool with persistence takes no scale mixture")
        if self.dimension_models and self.unit_mean != "none":
            raise InputError(
                "dimension_models", "dimension-level models take no unit mean (unit_mean='none')"
            )

    @property
    def options(self) -> dict[str, object]:
        """The options set away from their defaults, ``{name: value}`` (empty for ``PanelSpec()``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}

    @property
    def label(self) -> str:
        """Short name used in the backtest tables, e.g. ``mean+re`` or ``ar1-k0+lerr``."""
        base = {"equal": "mean", "discounted": "discounted", "none": "ar1"}[self.unit_mean]
        if self.level_reversion != LEVEL_REVERSION:
            base += f"-k{self.level_reversion:g}"
        return (
            base
            + ("+re" if self.year_effect else "")
            + ("+mix" if self.mixture else "")
            + ("+lerr" if self.level_errors else "")
            + (f"+t{self.unit_df:g}" if self.unit_df else "")
            + ("+wid" if self.widening else "")
            + ("+dims" if self.dimension_models else "")
            + (self._pool_label if self.persistence_weight else "")
        )

    @property
    def _pool_label(self) -> str:
        w = self.persistence_weight
        return "+pers" if w == "rolling" else f"+pers{w:g}"


SHIPPED_SPEC = PanelSpec(persistence_weight=0.25)
"""The forecaster the app and the CLI use: ``ar1`` pooled per draw with persistence at w = 0.25.

Chosen after round 4 (``docs/forecast.md`` §4e), not by §0d's rule: the weight was fixed before the
run, the choice was made after seeing 2013–2022 (all in-sample). **Assumption**: one draw in four
of the whole field follows persistence (giả định: một phần tư số lần mô phỏng của cả trường theo
mô hình giữ nguyên).
"""


def fit_panel(past: History, year: int, spec: PanelSpec | None = None) -> dict:
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
    spec = PanelSpec() if spec is None else spec
    earlier = np.array([_unit_mean(z[:j], spec.unit_mean) for j in range(len(years))])
    rows = [j for j in range(1, len(years)) if years[j] - years[j - 1] == 1]
    if not rows:
        raise InputError(f"{past.index_id} history", f"no two consecutive full years before {year}")
    lag, prior, target = (np.concatenate([a[j - d] for j in rows]) for a, d in ((z, 1), (earlier, 1), (z, 0)))
    ok = np.isfinite(lag) & np.isfinite(target)
    use_mean = spec.unit_mean != "none" and int((ok & np.isfinite(prior)).sum()) >= MIN_MEAN_PAIRS
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
    step_at, log_steps = {}, []
    for j in range(1, len(years)):
        gap, both = (
            years[j] - years[j - 1],
            dims.iloc[[j - 1, j]].dropna(axis=1) if dims is not None else None,
        )
        if d[j] == d[j - 1]:
            log_steps.append(np.log(s[j] / s[j - 1]) / np.sqrt(gap))
        if both is not None and both.shape[1]:  # the change of the dimensions both years share
            step_at[j] = (gap, float(np.mean(both.iloc[1] - both.iloc[0])), 0.0)
        elif d[j] == d[j - 1]:
            step_at[j] = (gap, float(m[j] - m[j - 1]) / d[j], 0.0)
    steps = [step_at[j] for j in sorted(step_at)]
    last = (years[-1], m[-1] / d[-1], 0.0)
    kappa, factor = spec.level_reversion, 1.0
    if spec.level_errors:
        levels = [(years[j], m[j] / d[j]) for j in range(len(years))]
        factor, n_errors = level_error_factor(past.index_id, levels, step_at, drift=False, reversion=kappa)
    level, scale, df = level_forecast(
        past.index_id, last, steps, year, drift=False, reversion=kappa, scale_factor=factor
    )
    spread = s[-1] * np.sqrt(dimensions(past.index_id, year) / dimensions(past.index_id, years[-1]))
    key = "panel.reversion_kept" if kappa == LEVEL_REVERSION else "panel.reversion_candidate"
    why = (t(key, "vi"), t(key, "en"))
    notes = [
        *prior_notes(past.index_id),
        note(
            "đơn vị thiếu số liệu vài năm dần trở về mức chung của các tỉnh",
            "a unit with a gap decays toward the field",
        ),
        note(
            f"mức trung bình toàn quốc dịch {kappa:g} khoảng cách về trung bình các năm trước ({why[0]})",
            f"the level moves {kappa:g} of the way to the mean of its past levels ({why[1]})",
        ),
    ]
    if spec.level_errors:
        notes.append(
            note(
                f"độ lệch chuẩn của cú sốc chung nhân {factor:.2f}, tỉ số giữa sai số dự báo mức trung "
                f"bình thực tế và dự kiến của {n_errors} năm trước (co về 1 với trọng số "
                f"{LEVEL_ERROR_PRIOR_WEIGHT:g})",
                f"the common shock's sd is multiplied by {factor:.2f}, the ratio of the realised to the "
                f"forecast sd of {n_errors} past one-year level errors (shrunk to 1 with weight "
                f"{LEVEL_ERROR_PRIOR_WEIGHT:g})",
            )
        )
    if dimensions(past.index_id, year) != dimensions(past.index_id, years[-1]):
        notes.append(
            note(
                "trung bình toàn quốc của mỗi chiều mới phân bố đều trên thang 1-10; độ phân tán tỉ lệ "
                "với căn bậc hai của số chiều",
                "the national mean of each of the new dimensions is uniform on its 1-10 scale; "
                "the spread scales with the square root of the number of dimensions",
            )
        )
    logsd = spread_logsd(past.index_id, years[-1], year, 0.0, np.array(log_steps))
    chol = np.linalg.cholesky(np.asarray(res.cov_params()) + 1e-12 * np.eye(X.shape[1]))
    parts = field_parts(level, scale, df, spread, logsd, design, beta, chol, position_sd, notes)
    if spec.dimension_models:
        dims_part = dimension_positions(past, years, year, spread)
        if dims_part is None:
            raise InputError(
                f"{past.index_id} history", f"no dimension scores in {years[-1]} for dimension models"
            )
        parts |= dims_part | {"assumptions": parts["assumptions"] + dims_part["assumptions"]}
    if spec.widening:
        ratio, n_origins = position_error_ratio(z, years)
        parts["position_sd"] = parts["position_sd"] * ratio
        parts["assumptions"] += (
            note(
                f"nhiễu riêng của các đơn vị nhân {ratio:.2f}: phân vị 90 % của sai số vị trí một năm ở "
                f"{n_origins} năm gốc trước so với phân phối chuẩn (co về 1 với trọng số "
                f"{WIDENING_PRIOR_WEIGHT:g})",
                f"the unit innovations are multiplied by {ratio:.2f}: the 90 % quantile of the one-year "
                f"position errors from {n_origins} past origins against the normal's (shrunk to 1 with "
                f"weight {WIDENING_PRIOR_WEIGHT:g})",
            ),
        )
    if spec.unit_df:
        parts["assumptions"] += (
            note(
                f"nhiễu riêng của các đơn vị theo phân phối Student-t {spec.unit_df:g} bậc tự do, "
                "cùng phương sai",
                f"the unit innovations are Student-t with {spec.unit_df:g} degrees of freedom, same variance",
            ),
        )
    pair = np.repeat(np.array(rows), n)
    factors, noise, variances, counts = _yearly_fits(X, target, ok, pair, beta, spec.year_effect)
    k = year - years[-1]
    seen = last_j >= 0
    predicted = parts["design"][seen] @ parts["coef"]
    extra = {
        "position_var": float(np.mean(predicted**2)) if seen.any() else 0.0,
        "unit_df": float(spec.unit_df),
    }
    if spec.year_effect:
        excess = np.var(factors, ddof=1) - np.mean(noise) if len(factors) > 1 else 0.0
        sd2 = _shrunk_var(excess, len(factors) - 1, YEAR_EFFECT_PRIOR)
        extra["persistence_sd"] = float(np.sqrt((1.0 + sd2) ** k - 1.0))
        prior = f"{YEAR_EFFECT_PRIOR[0]}, {YEAR_EFFECT_PRIOR[1]:g}"
        parts["assumptions"] += (
            note(
                f"mức duy trì vị trí thay đổi theo năm (độ lệch chuẩn tương đối {np.sqrt(sd2):.2f} mỗi năm, "
                f"tiên nghiệm và trọng số {prior}); một năm biến động xáo trộn cả bảng",
                f"persistence varies by year (relative sd {np.sqrt(sd2):.2f} a year, prior and weight "
                f"{prior}); a turbulent draw reshuffles the field",
            ),
        )
    if spec.mixture:
        logs = np.log(variances)
        excess = np.var(logs, ddof=1) - np.mean(2.0 / counts) if len(logs) > 1 else 0.0
        extra["innovation_logsd"] = float(np.sqrt(_shrunk_var(excess, len(logs) - 1, MIXTURE_PRIOR)))
        parts["assumptions"] += (
            note(
                "nhiễu riêng của các đơn vị trong cùng một lần rút chung một hệ số phương sai log-chuẩn",
                "the unit innovations of a draw share a lognormal variance factor",
            ),
        )
    return parts | extra


def position_error_ratio(z: np.ndarray, years: tuple[int, ...]) -> tuple[float, int]:
    """Conformal-style ratio of past one-year position errors to the normal's, and the origin count.

    Notes
    -----
    From every row ``j`` of ``z`` (positions, rows = ``years``) followed by the next year and with
    a consecutive pair up to it, the AR(1) through the origin is refitted on the pairs up to ``j``
    (``phi_j``, ``sigma_j``) and ``u_i = (z_i,j+1 - phi_j z_ij)/sigma_j`` is kept. The empirical
    quantile of ``|u|`` at conformal rank ``ceil(0.9 (n + 1))`` over ``Phi^-1(0.95)`` is the raw
    ratio ``rho``; with ``m`` origins the factor is ``sqrt((w0 + m rho^2)/(w0 + m))``, ``w0`` =
    :data:`WIDENING_PRIOR_WEIGHT` pseudo-origins at ratio 1 (assumption).
    """
    errors, origins = [], 0
    rows = [j for j in range(1, len(years)) if years[j] - years[j - 1] == 1]
    for j in range(1, len(years) - 1):
        fit_rows = [r for r in rows if r <= j]
        if not fit_rows or years[j + 1] - years[j] != 1:
            continue
        lag, now = (np.concatenate([z[r - d] for r in fit_rows]) for d in (1, 0))
        ok = np.isfinite(lag) & np.isfinite(now)
        if ok.sum() < 3:
            continue
        phi = float(np.clip(lag[ok] @ now[ok] / (lag[ok] @ lag[ok]), 0.0, 0.99))
        sigma = float(np.sqrt(np.sum((now[ok] - phi * lag[ok]) ** 2) / (ok.sum() - 1)))
        u = (z[j + 1] - phi * z[j]) / sigma
        errors.append(np.abs(u[np.isfinite(u)]))
        origins += 1
    if not origins:
        return 1.0, 0
    pooled = np.sort(np.concatenate(errors))
    rank = min(int(np.ceil(WIDENING_LEVEL * (pooled.size + 1))), pooled.size)
    rho = pooled[rank - 1] / stats.norm.ppf(0.5 + WIDENING_LEVEL / 2)
    w0 = WIDENING_PRIOR_WEIGHT
    return float(np.sqrt((w0 + origins * rho**2) / (w0 + origins))), origins


def _yearly_fits(
    X: np.ndarray, target: np.ndarray, ok: np.ndarray, pair: np.ndarray, beta: np.ndarray, refit: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per year pair: persistence factor ``a_t``, its sampling variance, residual variance, count.

    ``a_t`` is the least-squares multiplier of the pooled prediction ``p = X beta`` in that pair
    (``z_t = a_t p + e``); the residual variance is taken after ``a_t`` when ``refit`` is true,
    after the pooled prediction otherwise.
    """
    out = []
    for j in np.unique(pair):
        use = ok & (pair == j)
        p, t = X[use] @ beta, target[use]
        if use.sum() < 3 or not np.any(p):
            continue
        a = float(p @ t / (p @ p))
        resid = t - (a if refit else 1.0) * p
        var = float(np.mean(resid**2))
        out.append((a, var / float(p @ p), var, float(use.sum())))
    return tuple(np.array(col) for col in zip(*out, strict=True)) if out else (np.array([]),) * 4


def _shrunk_var(excess: float, dof: int, prior: tuple[float, float]) -> float:
    """Posterior-mean-style blend of an excess variance (``dof`` degrees of freedom) with a prior."""
    sd0, weight = prior
    return float((weight * sd0**2 + max(dof, 0) * max(excess, 0.0)) / (weight + max(dof, 0)))


def _unit_mean(block: np.ndarray, kind: str) -> np.ndarray:
    """Each unit's mean of the rows of ``block`` (NaN-aware); ``discounted`` weighs the last most."""
    if kind != "discounted" or block.shape[0] == 0:
        return _nanmean(block)
    w = MEAN_DISCOUNT ** np.arange(block.shape[0])[::-1, None] * np.isfinite(block)
    total = w.sum(axis=0)
    return np.where(total > 0, np.nansum(block * w, axis=0) / np.maximum(total, 1e-300), np.nan)


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
