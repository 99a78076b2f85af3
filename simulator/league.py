"""The league regime: partial league tables (PAR INDEX, SIPAS) fitted on Blom normal scores.

Each year's published scores, ranks and national mean, minimum and maximum fix a normal field
``y = mu_t + sigma_t q`` by weighted least squares on Blom normal scores (:func:`_fit_fields`);
units keep their position in it with a persistence estimated or borrowed from PAPI
(:func:`fit_league`); the location is a random walk with drift
(:func:`simulator.field.level_forecast`). The equations and assumptions are in
``docs/forecast.md`` §3.
"""

from __future__ import annotations

import itertools

import numpy as np
import statsmodels.api as sm
from scipy import stats

from simulator.errors import InputError
from simulator.field import dimensions, field_parts, level_forecast, note, prior_notes, spread_logsd
from simulator.history import History

# Assumption (explained in docs/forecast.md):
BORROWED_PERSISTENCE = (0.6, 0.15)  # phi (estimate, sd) from PAPI 2011-2020 lag-1 correlations
MIN_PERSISTENCE_PAIRS = 10
MIN_IDENTIFYING_SPREAD = 1.0
MAX_PAIR_MEDIAN_Z = 1.0


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


GROUP_A_THRESHOLD = 90.0  # PAR INDEX group A: at or above 90 %


def _field_points(past: History, year: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(q, score, variance)`` pairs of one year: ranked scores, mean (q=0), max (rank 1), min (rank N).

    A published group count ``c`` (``n_ge_90``: ``c`` units at or above 90) adds the point
    (rank ``c + 1/2``, score 90): the threshold lies between the ``c``-th and the next score.
    """
    obs = past.observations
    pairs = obs[(obs["year"] == year) & obs["score"].notna() & obs["rank"].notna()]
    q, v = _blom(pairs["rank"].to_numpy(dtype=float), n)
    qs, ys, vs = list(q), list(pairs["score"]), list(v)
    ranks = set(pairs["rank"].astype(int))
    summ = past.summaries
    rows = zip(summ["year"], summ["statistic"], summ["value"], strict=True)
    published = {str(st): float(val) for y, st, val in rows if y == year}
    for stat, rank in (("mean", None), ("max", 1), ("min", n)):
        value = published.get(stat)
        if value is not None and rank not in ranks:
            qr, vr = (0.0, 1.0 / n) if rank is None else (float(x[0]) for x in _blom(np.array([rank]), n))
            qs, ys, vs = [*qs, qr], [*ys, value], [*vs, vr]
    count = published.get("n_ge_90")
    if count is not None and 0 < count < n:
        qc, vc = (float(x[0]) for x in _blom(np.array([count + 0.5]), n))
        qs, ys, vs = [*qs, qc], [*ys, GROUP_A_THRESHOLD], [*vs, vc]
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


def fit_league(past: History, year: int) -> dict:
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
    :func:`simulator.field.level_forecast` of ``mu_t / D_t`` with drift; ``S_T`` is the latest
    identified sigma.
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
    normal = note(
        "điểm các tỉnh phân bố chuẩn; các đơn vị chưa có số liệu hoán đổi được cho nhau",
        "a normal field; unknown units exchangeable in it",
    )
    notes = [*prior_notes(past.index_id), normal]
    if len(pairs) >= MIN_PERSISTENCE_PAIRS and np.median(np.abs(pairs[:, 0])) < MAX_PAIR_MEDIAN_Z:
        res = sm.OLS(pairs[:, 1], pairs[:, :1]).fit()
        phi, phi_sd = float(np.clip(res.params[0], 0.0, 0.95)), float(res.bse[0])
    else:
        phi, phi_sd = BORROWED_PERSISTENCE
        notes.append(
            note(
                f"mức giữ vị trí xếp hạng từ năm này sang năm sau (hệ số duy trì) = {phi} "
                f"(độ lệch chuẩn {phi_sd}), mượn từ PAPI",
                f"persistence phi = {phi} (sd {phi_sd}) borrowed from PAPI",
            )
        )
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
    level, scale, df = level_forecast(past.index_id, last_level, steps, year, drift=True)
    t_sig = max(t for t in fitted if fits[t][4])
    spread = fits[t_sig][1] * np.sqrt(dimensions(past.index_id, year) / dimensions(past.index_id, t_sig))
    logsd = spread_logsd(past.index_id, t_sig, year, fits[t_sig][3], np.array([]))
    return field_parts(level, scale, df, spread, logsd, design, [phi], [[phi_sd]], position_sd, notes)
