"""Monte Carlo engine: task-group completion levels -> sub-criteria -> scores -> ranks.

For each index of a plan, each draw *d* (DESIGN §3, docs/model.md):

1. Every unit's business-as-usual (BAU) score ``Y_p`` comes from its forecast, with a common
   shock shared by all units of the draw.
2. Delivered completion of group *g*: ``X_g = x⁰_g + D_g (x_g − x⁰_g)``, ``D_g ~ Beta(mean =
   reliability_g, concentration κ_g)``.
3. Focal attainment of sub-criterion *s*:
   ``a_s = clip(a⁰_s + e_s Σ_g W̃_gs (X_g − x⁰_g) h_s, 0, 1)`` with ``h_s = 1 − a⁰_s`` for gains and
   ``a⁰_s`` for losses, ``W̃_gs ~ Beta(mean W_gs, weight_concentration_g)`` and
   ``e_s ~ Beta(mean, concentration)`` of the index's effectiveness.
4. Focal score ``= Y_f + Σ_s (hi_s − lo_s)(a_s − a⁰_s) + survey noise + coupling``; survey noise
   ``Σ_s (hi_s − lo_s) se_s z_s`` on survey sub-criteria replaces the same variance of the focal's own
   innovation, so the status quo keeps the BAU distribution.
5. SIPAS feeds PAR's SIPAS sub-criterion in the same draw: every unit's PAR gets
   ``scale · (SIPAS_p − E[SIPAS_p])`` while its own innovation and the common shock shrink by the
   variance that term brings (conversion ``scale`` = 0.1 is an assumption of the definition).
6. Rank = 1 + number of units with a strictly higher score.

Every stochastic input is drawn once into :class:`Uncertainties` from one seed, so two plans
evaluated on the same record differ only by their levers (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.errors import InputError
from simulator.forecast import BAUForecast, ForecastShocks
from simulator.history import History, load_history
from simulator.indices import IndexSpec
from simulator.merger import field_forecast, field_history
from simulator.outcomes import SimulationResult, summarise
from simulator.scenario import IndexPlan, Scenario

ORDER = ("sipas", "par_index", "papi")  # SIPAS before PAR: it feeds PAR's SIPAS sub-criterion
BLOCK = 4096  # draws evaluated at once: bounds memory, leaves results unchanged
STORE = np.float32  # storage type of pre-drawn inputs (halves the memory of a cached record)


def _block(u: IndexUncertainties, block: slice) -> IndexUncertainties:
    f = u.forecast
    return IndexUncertainties(
        forecast=ForecastShocks(f.common[block], f.unit[block], f.params[block]),
        delivery=u.delivery[block],
        weights=u.weights[block],
        effectiveness=u.effectiveness[block],
        survey=u.survey[block],
    )


@dataclass(frozen=True)
class IndexUncertainties:
    """Pre-drawn uncertain inputs of one index (arrays have ``draws`` rows).

    ``delivery`` (draws, G) delivered shares D; ``weights`` (draws, K) perturbed weights W̃ of the K
    non-zero entries of W in row-major order (``np.nonzero``);
    ``effectiveness`` (draws, S) e; ``survey`` (draws, S) standard normals of survey noise;
    ``forecast`` the BAU shocks of every unit.
    """

    forecast: ForecastShocks
    delivery: np.ndarray
    weights: np.ndarray
    effectiveness: np.ndarray
    survey: np.ndarray


@dataclass(frozen=True)
class Uncertainties:
    """All uncertain inputs of a run; reuse it to compare plans on common random numbers."""

    draws: int
    seed: int | None
    by_index: dict[str, IndexUncertainties]


@dataclass(frozen=True)
class _Focal:
    """What the engine knows of the focal unit for one index, fixed before any draw."""

    position: int
    base_points: np.ndarray  # (S,) last known points of each sub-criterion, or NaN
    spread_by_maxima: bool
    survey_sd: np.ndarray  # (S,) points sd of sampling noise
    coupled: np.ndarray  # (S,) bool, sub-criteria fed by another index
    coupled_scale: float
    coupled_index: str | None


@dataclass(frozen=True)
class Engine:
    """A plan's structure with its fitted BAU forecasts; evaluates any levels of that plan.

    Parameters
    ----------
    scenario : Scenario
        The plan. Levels and targets may later be changed with :meth:`run`'s ``scenario``.
    forecasts : dict
        ``{index_id: BAUForecast}`` for the plan's year; built by :meth:`from_scenario`.

    Examples
    --------
    >>> from simulator.scenario import load_scenario
    >>> engine = Engine.from_scenario(load_scenario("scenarios/can_tho_2021.toml"))
    >>> result = engine.simulate(draws=2000, rng=1)
    >>> 0.0 <= result.indices["papi"].p_both <= 1.0
    True
    """

    scenario: Scenario
    forecasts: dict[str, BAUForecast]
    focal: dict[str, _Focal] = field(default_factory=dict)

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        histories: dict[str, History] | None = None,
        forecasts: dict[str, BAUForecast] | None = None,
    ) -> Engine:
        """Fit (or take) the BAU forecasts the plan needs and check the focal unit's history."""
        forecasts = dict(forecasts or {})
        focal = {}
        for index_id, plan in scenario.indices.items():
            history = (histories or {}).get(index_id) or load_history(index_id)
            current = _with_plan_baseline(field_history(history, scenario.year), plan, scenario)
            where = f"indices.{index_id}"
            pos = current.units.index(scenario.province)
            past = current.before(scenario.year).observations
            own = past[(past["unit"] == scenario.province) & past["score"].notna()]
            if own.empty:
                raise InputError(
                    where,
                    f"{scenario.province} has no {index_id} score before {scenario.year} "
                    "in the data: give last_score (and last_rank) in the plan, or load the "
                    "ministry's results table",
                )
            if index_id not in forecasts:
                fitted_on = current if current.units is history.units else history
                forecasts[index_id] = field_forecast(fitted_on, scenario.year)
            focal[index_id] = _focal_for(plan, current, pos, scenario.year)
        return cls(scenario, forecasts, focal)

    def uncertainties(self, draws: int, rng: int | np.random.SeedSequence | None = None) -> Uncertainties:
        """Draw every uncertain input once (one child stream per index and source)."""
        seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
        seed = rng if isinstance(rng, int) else (seq.entropy if isinstance(seq.entropy, int) else None)
        by_index = {}
        for index_id, child in zip(ORDER, seq.spawn(len(ORDER)), strict=True):
            if index_id not in self.scenario.indices:
                continue
            plan = self.scenario.indices[index_id]
            f_rng, d_rng, w_rng, e_rng, s_rng = (np.random.default_rng(c) for c in child.spawn(5))
            rel = np.array([g.reliability for g in plan.groups])
            kap = np.array([g.concentration for g in plan.groups])
            w = plan.weight_matrix()
            g_idx, s_idx = np.nonzero(w)
            wk = np.array([g.weight_concentration for g in plan.groups])[g_idx]
            mean = w[g_idx, s_idx]
            weights = np.where(
                mean < 1.0,
                w_rng.beta(mean * wk, np.maximum((1 - mean) * wk, 1e-9), size=(draws, mean.size)),
                1.0,
            )
            s_count = w.shape[1]
            em, ek = plan.effectiveness_mean, plan.effectiveness_concentration
            shocks = self.forecasts[index_id].draw_shocks(draws, f_rng)
            by_index[index_id] = IndexUncertainties(
                forecast=ForecastShocks(shocks.common, shocks.unit.astype(STORE), shocks.params),
                delivery=d_rng.beta(rel * kap, (1 - rel) * kap, size=(draws, len(rel))).astype(STORE),
                weights=weights.astype(STORE),
                effectiveness=e_rng.beta(em * ek, (1 - em) * ek, size=(draws, s_count)).astype(STORE),
                survey=s_rng.standard_normal((draws, s_count), dtype=STORE),
            )
        return Uncertainties(draws, seed, by_index)

    def point_uncertainties(self) -> Uncertainties:
        """One draw with every uncertain input at its centre (zero shocks, means): the point estimate."""
        by_index = {}
        for index_id, plan in self.scenario.indices.items():
            n = len(self.forecasts[index_id].units)
            shocks = self.forecasts[index_id].draw_shocks(1, 0)
            zero = ForecastShocks(np.zeros(1), np.zeros((1, n)), np.zeros_like(shocks.params))
            s_count = len(plan.spec.subcriteria)
            by_index[index_id] = IndexUncertainties(
                forecast=zero,
                delivery=np.array([[g.reliability for g in plan.groups]]),
                weights=plan.weight_matrix()[np.nonzero(plan.weight_matrix())][None],
                effectiveness=np.full((1, s_count), plan.effectiveness_mean),
                survey=np.zeros((1, s_count)),
            )
        return Uncertainties(1, None, by_index)

    def simulate(self, draws: int = 20_000, rng: int | np.random.SeedSequence | None = 0) -> SimulationResult:
        """Draw the uncertainties and run the plan on them."""
        return self.run(self.uncertainties(draws, rng))

    def run(self, unc: Uncertainties, scenario: Scenario | None = None) -> SimulationResult:
        """Evaluate ``scenario`` (default: the engine's plan; same groups, any levels and targets).

        Draws are processed in blocks of :data:`BLOCK` so that memory stays flat in the number of
        draws; every block uses its own slice of ``unc``, so results do not depend on the block size.
        """
        scenario = scenario or self.scenario
        kept = [i for i in ORDER if i in scenario.indices]
        focal_parts: dict[str, list[np.ndarray]] = {i: [] for i in kept}
        rank_parts: dict[str, list[np.ndarray]] = {i: [] for i in kept}
        point_sums = {i: 0.0 for i in kept}
        base_sums = {i: 0.0 for i in kept}
        for start in range(0, unc.draws, BLOCK):
            block = slice(start, min(start + BLOCK, unc.draws))
            deviations: dict[str, np.ndarray] = {}
            focal_scores: dict[str, np.ndarray] = {}
            for index_id in kept:
                u = _block(unc.by_index[index_id], block)
                plan = scenario.indices[index_id]
                scores, points, base_points = self.index_scores(index_id, plan, u, deviations, focal_scores)
                pos = self.focal[index_id].position
                deviations[index_id] = scores - self.forecasts[index_id].mean[None, :]
                focal = scores[:, pos]
                focal_scores[index_id] = focal
                focal_parts[index_id].append(focal)
                rank_parts[index_id].append(1 + (scores > focal[:, None]).sum(axis=1, dtype=np.int32))
                point_sums[index_id] = point_sums[index_id] + points.sum(axis=0)
                base_sums[index_id] = base_sums[index_id] + base_points.sum(axis=0)
        results = {
            i: summarise(
                scenario.indices[i],
                np.concatenate(focal_parts[i]),
                np.concatenate(rank_parts[i]),
                len(self.forecasts[i].units),
                point_sums[i] / unc.draws,
                base_sums[i] / unc.draws,
                self.focal[i].spread_by_maxima,
            )
            for i in kept
        }
        return SimulationResult(
            scenario=scenario.name,
            seed=unc.seed,
            draws=unc.draws,
            indices={i: results[i] for i in scenario.indices},
        )

    def index_scores(
        self,
        index_id: str,
        plan: IndexPlan,
        u: IndexUncertainties,
        deviations: dict[str, np.ndarray],
        focal_scores: dict[str, np.ndarray],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores of every unit, and the focal unit's sub-criterion points and BAU points, on ``u``.

        Returns ``(scores (draws, N), points (draws, S), base_points (draws, S))``. Indices that feed
        another (SIPAS) must be evaluated first: ``deviations`` and ``focal_scores`` carry their
        draws. Used by :meth:`run` block by block and by analyses that need the peers' scores.

        Raises
        ------
        InputError
            When the forecast yields non-finite scores (e.g. a user table too thin to fit).
        """
        fc = self.forecasts[index_id]
        focal = self.focal[index_id]
        spec = plan.spec
        width = spec.hi - spec.lo
        unit_var = fc.unit_sd**2
        extra_unit = np.zeros_like(unit_var)
        extra_common = 0.0
        feed = None
        if focal.coupled_index is not None and focal.coupled_index in deviations:
            src = self.forecasts[focal.coupled_index]
            k = focal.coupled_scale
            n = min(len(src.unit_sd), len(unit_var))
            extra_unit[:n] = (k * src.unit_sd[:n]) ** 2
            extra_common = (k * src.common_sd) ** 2
            feed = k * deviations[focal.coupled_index]
        extra_unit[focal.position] += float(np.sum(focal.survey_sd**2))
        unit_scale = np.sqrt(np.clip(1 - extra_unit / np.maximum(unit_var, 1e-12), 0.0, 1.0))
        common_scale = float(np.sqrt(max(0.0, 1 - extra_common / max(fc.common_sd**2, 1e-12))))
        scores = fc.simulate(shocks=u.forecast, unit_scale=unit_scale, common_scale=common_scale)
        if not np.isfinite(scores).all():
            bad = fc.units[int(np.flatnonzero(~np.isfinite(scores).all(axis=0))[0])]
            raise InputError(
                f"indices.{index_id}",
                f"the business-as-usual forecast of {bad} is not a "
                "number; the history is too thin to fit: load a fuller results table",
            )
        if feed is not None:
            scores = scores + feed
        bau_total = scores[:, focal.position]
        coupled_points = None
        if feed is not None:
            coupled_points = focal.coupled_scale * focal_scores[focal.coupled_index]
        base_points = _bau_points(focal, spec, bau_total, coupled_points)  # (draws, S)
        a0 = np.clip((base_points - spec.lo) / width, 0.0, 1.0)
        change = (plan.planned - plan.bau)[None, :] * u.delivery  # (draws, G)
        w = plan.weight_matrix()
        g_idx, s_idx = np.nonzero(w)
        pick = np.zeros((g_idx.size, w.shape[1]))
        pick[np.arange(g_idx.size), s_idx] = 1.0
        push = u.effectiveness * ((change[:, g_idx] * u.weights) @ pick)
        push[:, focal.coupled] = 0.0
        head = np.where(push >= 0, 1.0 - a0, a0)
        gain = width * (np.clip(a0 + push * head, 0.0, 1.0) - a0)
        noise = u.survey * focal.survey_sd
        points = base_points + gain + noise
        lo, hi = spec.bounds
        scores = np.clip(scores, lo, hi)
        scores[:, focal.position] = np.clip(bau_total + gain.sum(axis=1) + noise.sum(axis=1), lo, hi)
        return scores, points, base_points


def _bau_points(
    focal: _Focal, spec: IndexSpec, bau_total: np.ndarray, coupled_points: np.ndarray | None
) -> np.ndarray:
    """Points of each sub-criterion consistent with the focal's BAU total of each draw.

    A coupled sub-criterion takes its feeding index's score times the scale; the rest ``R`` of the
    total is spread over the other sub-criteria. With known last points ``L_s`` (summing to ``L``):
    ``L_s + (R − L)(hi_s − lo_s)/Σ(hi − lo)``. Otherwise (an assumption, labelled in the result):
    ``lo_s + (hi_s − lo_s)(R − Σlo)/Σ(hi − lo)``, i.e. in proportion to the ranges.
    """
    own = ~focal.coupled if coupled_points is not None else np.ones(len(spec.subcriteria), bool)
    width = np.where(own, spec.hi - spec.lo, 0.0)
    share = width / width.sum()
    rest = bau_total if coupled_points is None else bau_total - coupled_points
    if focal.spread_by_maxima:
        start, start_total = np.where(own, spec.lo, 0.0), float(spec.lo[own].sum())
    else:
        start, start_total = np.where(own, focal.base_points, 0.0), float(focal.base_points[own].sum())
    points = start[None, :] + share[None, :] * (rest[:, None] - start_total)
    if coupled_points is not None:
        points[:, ~own] = coupled_points[:, None]
    return points


def _focal_for(plan: IndexPlan, history: History, pos: int, year: int) -> _Focal:
    spec = plan.spec
    subs = spec.subcriteria
    base = np.full(len(subs), np.nan)
    for j, s in enumerate(subs):
        if s.id in plan.last_components:
            base[j] = plan.last_components[s.id]
    comp_given = {c: v for c, v in plan.last_components.items() if c in {k.id for k in spec.components}}
    for c, v in comp_given.items():  # a component's points split over its sub-criteria by range
        idx = [j for j, s in enumerate(subs) if s.component == c]
        w = np.array([subs[j].hi - subs[j].lo for j in idx])
        base[idx] = np.array([subs[j].lo for j in idx]) + (v - sum(subs[j].lo for j in idx)) * w / w.sum()
    if np.isnan(base).any():
        prev = history.before(year).observations
        prev = prev[(prev["unit"] == history.units.names[pos])]
        if len(prev):
            last = prev.sort_values("year").iloc[-1]
            for j, s in enumerate(subs):
                col = s.history_column
                if np.isnan(base[j]) and col and col in last.index and np.isfinite(last[col]):
                    base[j] = float(last[col])
    coupled = np.array([s.coupled_index is not None for s in subs])
    spread = bool(np.isnan(base[~coupled]).any())
    coupled_index = next((s.coupled_index for s in subs if s.coupled_index), None)
    return _Focal(
        position=pos,
        base_points=base,
        spread_by_maxima=spread,
        survey_sd=np.array(
            [(s.hi - s.lo) * s.survey_se if s.kind == "survey" and not s.coupled_index else 0.0 for s in subs]
        ),
        coupled=coupled,
        coupled_scale=next((s.coupled_scale for s in subs if s.coupled_index), 0.0),
        coupled_index=coupled_index if coupled_index else None,
    )


def _with_plan_baseline(history: History, plan: IndexPlan, scenario: Scenario) -> History:
    """The history with the plan's own last-year score (if given) as an observation."""
    if plan.last_score is None:
        return history
    import pandas as pd

    row = pd.DataFrame(
        [
            {
                "year": scenario.year - 1,
                "unit": scenario.province,
                "score": plan.last_score,
                "rank": float(plan.last_rank) if plan.last_rank else np.nan,
                "source": f"plan file {scenario.source}",
            }
        ]
    )
    return history.with_table(row)


def simulate(
    scenario: Scenario,
    *,
    draws: int = 20_000,
    rng: int | np.random.SeedSequence | None = 0,
    histories: dict[str, History] | None = None,
) -> SimulationResult:
    """Fit the forecasts and run ``scenario`` once: the one-call entry point."""
    return Engine.from_scenario(scenario, histories=histories).simulate(draws, rng)


__all__ = ["Engine", "IndexUncertainties", "Uncertainties", "simulate"]
