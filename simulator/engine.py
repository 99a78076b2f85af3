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
4. Focal score ``= Y_f + Σ_s (hi_s − lo_s)(a_s − a⁰_s) + survey noise + feed``; survey noise
   ``Σ_s (hi_s − lo_s) se_s z_s`` on survey sub-criteria replaces the same variance of the focal's own
   innovation, so the status quo keeps the BAU distribution.
5. An index whose definition has a ``coupled_index`` sub-criterion (PAR's SIPAS points) is fed in
   the same draw: every unit's score gets ``scale · (SIPAS_p − E[SIPAS_p])`` while its own
   innovation and the common shock shrink by the variance that term brings (``scale`` = 0.1 is an
   assumption of the definition); the focal's feed carries its SIPAS plan.
6. Rank = 1 + number of units with a strictly higher score.

Every stochastic input is drawn once into :class:`Uncertainties` from one seed. For a record the
engine freezes everything the levers do not move (steps 1, 4's noise, 5 for the peers) into one
:class:`~simulator.levers.IndexBaseline` per index; steps 2–3 are :func:`~simulator.levers.lever_step`.
Two plans evaluated on one record differ only by their levers (common random numbers).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.errors import InputError
from simulator.focal import Focal, bau_points, focal_for
from simulator.forecast import BAUForecast, ForecastShocks
from simulator.forecast_cache import field_forecast, field_history
from simulator.history import History, load_history
from simulator.indices import IndexSpec
from simulator.levers import (
    IndexBaseline,
    LeverInputs,
    draw_levers,
    evaluation_order,
    focal_score,
    lever_params,
)
from simulator.outcomes import SimulationResult, summarise
from simulator.randomness import DEFAULT_SEED, RandomLike, spawn
from simulator.scenario import IndexPlan, Scenario

STREAMS = ("sipas", "par_index", "papi")  # child stream of each index (fixed: a seed keeps its numbers)
BLOCK = 4096  # draws of a baseline built at once: bounds the temporary memory, leaves results unchanged
STORE = np.float32  # storage type of pre-drawn inputs (halves the memory of a cached record)
CALIBRATION_DRAWS = 4000  # draws the calibration of effectiveness is solved on (fixed: see Engine.calibrated)
CALIBRATION_SEED = 20250701
BASELINES_KEPT = 2  # baselines an engine keeps (the plan, its status quo and analyses share one)
LEVERS_KEPT = 6  # lever inputs an engine keeps: each index's for two sets of lever assumptions


class PlanStructureError(InputError):
    """A plan whose forecasts or focal baseline differ from the engine's: it needs its own engine."""


@dataclass(frozen=True)
class IndexUncertainties:
    """Pre-drawn uncertain inputs of one index (arrays have ``draws`` rows).

    ``delivery`` (draws, G) delivered shares D; ``weights`` (draws, K) perturbed weights W̃ of the K
    non-zero entries of W in row-major order (``np.nonzero``);
    ``effectiveness`` (draws, S) e; ``survey`` (draws, S) standard normals of survey noise;
    ``forecast`` the BAU shocks of every unit. ``levers`` are the plan parameters the three lever
    sources were drawn for (:func:`~simulator.levers.lever_params`) and ``seeds`` their streams
    (``None``: every draw at its centre), so a plan with other parameters gets its own draws.
    """

    forecast: ForecastShocks
    delivery: np.ndarray
    weights: np.ndarray
    effectiveness: np.ndarray
    survey: np.ndarray
    levers: tuple
    seeds: tuple[np.random.SeedSequence, ...] | None


@dataclass(frozen=True)
class Uncertainties:
    """All uncertain inputs of a run; reuse it to compare plans on common random numbers.

    ``seed`` is the root seed (the entropy of the sequence the record was spawned from) and
    ``spawn_key`` the path of that sequence below the root (empty for a plain seed).
    """

    draws: int
    seed: int | tuple[int, ...] | None
    by_index: dict[str, IndexUncertainties]
    spawn_key: tuple[int, ...] = ()


def _keep(kept: list, limit: int, unc: Uncertainties, *entry: object) -> None:
    """Append ``(weak reference to unc, *entry)`` to ``kept``, keeping the last ``limit`` entries;
    an entry leaves the list as soon as its record is gone (the engine never keeps a record alive)."""

    def forget(ref: weakref.ref) -> None:
        kept[:] = [e for e in kept if e[0] is not ref]

    kept.append((weakref.ref(unc, forget), *entry))
    del kept[:-limit]


@dataclass(frozen=True)
class Engine:
    """A plan's structure with its fitted BAU forecasts; evaluates any levels of that plan.

    Parameters
    ----------
    scenario : Scenario
        The plan. :meth:`run` takes any plan of the same structure (same province, year,
        indices, definitions and last results): other levels, targets, groups or assumptions.
    forecasts : dict
        ``{index_id: BAUForecast}`` for the plan's year; built by :meth:`from_scenario`.
    calibration : dict
        ``{index_id: Calibration}`` of the indices whose effectiveness the plan leaves to
        calibration (:mod:`simulator.outside_view`); every plan run on this engine whose index is
        marked ``calibrated`` gets that effectiveness mean (:meth:`effective`).

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
    focal: dict[str, Focal] = field(default_factory=dict)
    _kept: list = field(default_factory=list, compare=False, repr=False)
    _kept_levers: list = field(default_factory=list, compare=False, repr=False)
    calibration: dict = field(default_factory=dict)

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        histories: dict[str, History] | None = None,
        forecasts: dict[str, BAUForecast] | None = None,
    ) -> Engine:
        """Fit (or take) the BAU forecasts the plan needs and check the focal unit's history."""
        evaluation_order(scenario)  # refuses definitions that feed each other in a cycle
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
            focal[index_id] = focal_for(plan, current, pos, scenario)
        engine = cls(scenario, forecasts, focal)
        return engine.calibrated() if any(p.calibrated for p in scenario.indices.values()) else engine

    def calibrated(self) -> Engine:
        """This engine with the calibrated effectiveness of every index the plan marks ``calibrated``.

        Solved once per plan structure on its own fixed draws (``CALIBRATION_DRAWS``,
        ``CALIBRATION_SEED``), so the effectiveness is a property of the plan, not of the seed a
        user picks: "every group at 100 %" gives the mean gain at the plan's calibration percentile
        of the reference class (:func:`simulator.outside_view.calibrate_scenario`).
        """
        from simulator.outside_view import calibrate_scenario

        percentiles = {i: p.calibration_percentile for i, p in self.scenario.indices.items() if p.calibrated}
        unc = self.uncertainties(CALIBRATION_DRAWS, CALIBRATION_SEED)
        plan, cals = calibrate_scenario(self, unc, self.scenario, percentiles)
        return Engine(plan, self.forecasts, self.focal, calibration=cals)

    def effective(self, scenario: Scenario) -> Scenario:
        """``scenario`` with the engine's calibrated effectiveness on its ``calibrated`` indices."""
        cal = {i: c.effectiveness for i, c in self.calibration.items()}
        new = {
            i: replace(p, effectiveness_mean=cal[i])
            for i, p in scenario.indices.items()
            if p.calibrated and i in cal and p.effectiveness_mean != cal[i]
        }
        return replace(scenario, indices={**scenario.indices, **new}) if new else scenario

    @property
    def order(self) -> tuple[str, ...]:
        """The plan's indices, each after the indices its definition says feed it."""
        return evaluation_order(self.scenario)

    def uncertainties(
        self, draws: int, rng: RandomLike = DEFAULT_SEED, scenario: Scenario | None = None
    ) -> Uncertainties:
        """Draw every uncertain input once (one child stream per index and source).

        ``rng`` is a seed, a SeedSequence or a Generator (:mod:`simulator.randomness`); the
        lever sources are drawn for ``scenario``'s parameters (default: the engine's plan).
        """
        if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
            raise InputError("draws", f"{draws!r} must be a whole number ≥ 1")
        scenario = self.effective(scenario or self.scenario)
        self.check_structure(scenario)
        children, root = spawn(rng, len(STREAMS))
        by_index = {}
        for index_id, child in zip(STREAMS, children, strict=True):
            if index_id not in scenario.indices:
                continue
            plan = scenario.indices[index_id]
            f_seq, d_seq, w_seq, e_seq, s_seq = child.spawn(5)
            delivery, weights, effectiveness = draw_levers(plan, (d_seq, w_seq, e_seq), int(draws), STORE)
            shocks = self.forecasts[index_id].draw_shocks(int(draws), np.random.default_rng(f_seq))
            by_index[index_id] = IndexUncertainties(
                forecast=ForecastShocks(shocks.common, shocks.unit.astype(STORE), shocks.params),
                delivery=delivery,
                weights=weights,
                effectiveness=effectiveness,
                survey=np.random.default_rng(s_seq).standard_normal(
                    (draws, len(plan.spec.subcriteria)), dtype=STORE
                ),
                levers=lever_params(plan),
                seeds=(d_seq, w_seq, e_seq),
            )
        return Uncertainties(int(draws), root, by_index, tuple(children[0].spawn_key[:-1]))

    def point_uncertainties(self, scenario: Scenario | None = None) -> Uncertainties:
        """One draw with every uncertain input at its centre (zero shocks, means): the point estimate."""
        scenario = self.effective(scenario or self.scenario)
        self.check_structure(scenario)
        by_index = {}
        for index_id, plan in scenario.indices.items():
            n = len(self.forecasts[index_id].units)
            params = self.forecasts[index_id].draw_shocks(1, 0).params
            zero = ForecastShocks(np.zeros(1), np.zeros((1, n)), np.zeros_like(params))
            delivery, weights, effectiveness = draw_levers(plan, None, 1)
            by_index[index_id] = IndexUncertainties(
                forecast=zero,
                delivery=delivery,
                weights=weights,
                effectiveness=effectiveness,
                survey=np.zeros((1, len(plan.spec.subcriteria))),
                levers=lever_params(plan),
                seeds=None,
            )
        return Uncertainties(1, None, by_index)

    def simulate(self, draws: int = 20_000, rng: RandomLike = DEFAULT_SEED) -> SimulationResult:
        """Draw the uncertainties and run the plan on them."""
        return self.run(self.uncertainties(draws, rng))

    def check_structure(self, scenario: Scenario) -> None:
        """Refuse a plan whose forecasts or focal baseline differ from the engine's plan.

        Raises
        ------
        PlanStructureError
            Naming the first difference (province, year, indices, definition, last results).
        """
        mine = self.scenario
        if scenario is mine:
            return
        pairs = [("plan.province", mine.province, scenario.province), ("plan.year", mine.year, scenario.year)]
        pairs.append(("indices", tuple(mine.indices), tuple(scenario.indices)))
        for i in mine.indices:
            if i not in scenario.indices:
                break
            a, b = mine.indices[i], scenario.indices[i]
            pairs += [
                (f"indices.{i}.definition", f"{a.spec.id} {a.spec.version}", f"{b.spec.id} {b.spec.version}"),
                (f"indices.{i}.definition", a.spec, b.spec),
                (f"indices.{i}.last_score", a.last_score, b.last_score),
                (f"indices.{i}.last_rank", a.last_rank, b.last_rank),
                (f"indices.{i}.last_components", a.last_components, b.last_components),
            ]
        for where, a, b in pairs:
            if a != b:
                shown = (a, b) if not isinstance(a, IndexSpec) else ("one definition", "another")
                raise PlanStructureError(
                    where,
                    f"{shown[1]} differs from the engine's plan ({shown[0]}): its forecasts and "
                    "baseline are another plan's; build an engine for it (Engine.from_scenario)",
                )

    def baseline(self, unc: Uncertainties) -> dict[str, IndexBaseline]:
        """Everything the levers do not move on ``unc``, per index.

        Built once per record and kept for the last :data:`BASELINES_KEPT` records, each only as
        long as its record is alive (the engine holds the record by a weak reference).
        """
        for ref, kept in list(self._kept):
            if ref() is unc:
                return kept
        out: dict[str, IndexBaseline] = {}
        for index_id in self.order:
            out[index_id] = self._index_baseline(index_id, unc, out)
        _keep(self._kept, BASELINES_KEPT, unc, out)
        return out

    def levers(self, unc: Uncertainties, scenario: Scenario | None = None) -> dict[str, LeverInputs]:
        """The lever draws of ``scenario`` on ``unc``: the record's own, or the plan's own draws.

        A plan whose reliabilities, concentrations, weights or effectiveness differ from those the
        record was drawn for gets its own lever draws from the record's streams, exactly those
        ``uncertainties(draws, seed, scenario)`` would give.
        """
        scenario = self.effective(scenario or self.scenario)
        out = {}
        for index_id, plan in scenario.indices.items():
            params = lever_params(plan)
            key = (index_id, params, tuple(plan.bau.tolist()))
            kept = next((v for ref, k, v in list(self._kept_levers) if ref() is unc and k == key), None)
            if kept is None:
                u = unc.by_index[index_id]
                if u.levers == params:
                    arrays = (u.delivery, u.weights, u.effectiveness)
                else:
                    arrays = draw_levers(plan, u.seeds, unc.draws, STORE)
                kept = LeverInputs.build(plan, *arrays)
                # a pure function of the record and the key (the index, its lever parameters and
                # BAU levels, never the planned levels): kept for the next run on this record
                _keep(self._kept_levers, LEVERS_KEPT, unc, key, kept)
            out[index_id] = kept
        return out

    def run(self, unc: Uncertainties, scenario: Scenario | None = None) -> SimulationResult:
        """Evaluate ``scenario`` (default: the engine's plan) on the draws ``unc``.

        The plan must have the engine's structure (:meth:`check_structure`); other levels,
        targets, task groups and lever assumptions are welcome, each with its own lever draws
        (:meth:`levers`).
        """
        scenario = self.effective(scenario or self.scenario)
        self.check_structure(scenario)
        base = self.baseline(unc)
        levers = self.levers(unc, scenario)
        changes = {i: p.planned - p.bau for i, p in scenario.indices.items()}
        results = {}
        for i in scenario.indices:
            b = base[i]
            y = focal_score(base, levers, changes, i)
            points_mean = b.points0_mean + y.gain.mean(axis=0)
            if y.feed is not None:
                points_mean = points_mean + np.where(b.coupled, float(y.feed.mean()), 0.0)
            rank = 1 + (b.peers > y.score[:, None]).sum(axis=1, dtype=np.int32)
            results[i] = summarise(
                scenario.indices[i],
                y.score,
                rank,
                b.peers.shape[1],
                points_mean,
                b.base_mean,
                b.components_assumed,
            )
        return SimulationResult(scenario=scenario.name, seed=unc.seed, draws=unc.draws, indices=results)

    def _index_baseline(
        self,
        index_id: str,
        unc: Uncertainties,
        built: dict[str, IndexBaseline],
    ) -> IndexBaseline:
        """The baseline of one index; ``built`` holds the baselines of the indices feeding it."""
        fc = self.forecasts[index_id]
        focal = self.focal[index_id]
        spec = self.scenario.indices[index_id].spec
        width = spec.hi - spec.lo
        u = unc.by_index[index_id]
        source = focal.coupled_index if focal.coupled_index in built else None
        unit_var = fc.unit_sd**2
        extra_unit = np.zeros_like(unit_var)
        extra_common = 0.0
        if source is not None:
            src = self.forecasts[source]
            k = focal.coupled_scale
            n = min(len(src.unit_sd), len(unit_var))
            extra_unit[:n] = (k * src.unit_sd[:n]) ** 2
            extra_common = (k * src.common_sd) ** 2
        extra_unit[focal.position] += float(np.sum(focal.survey_sd**2))
        unit_scale = np.sqrt(np.clip(1 - extra_unit / np.maximum(unit_var, 1e-12), 0.0, 1.0))
        common_scale = float(np.sqrt(max(0.0, 1 - extra_common / max(fc.common_sd**2, 1e-12))))
        n_draws, n_units, s_count = unc.draws, len(fc.units), len(spec.subcriteria)
        peers = np.empty((n_draws, n_units), dtype=STORE)
        pre = np.empty(n_draws)
        base_pts = np.empty((n_draws, s_count))
        points0_sum = np.zeros(s_count)
        lo, hi = spec.bounds
        for start in range(0, n_draws, BLOCK):
            block = slice(start, min(start + BLOCK, n_draws))
            f = u.forecast
            shocks = ForecastShocks(f.common[block], f.unit[block], f.params[block])
            scores = fc.simulate(shocks=shocks, unit_scale=unit_scale, common_scale=common_scale)
            if not np.isfinite(scores).all():
                bad = fc.units[int(np.flatnonzero(~np.isfinite(scores).all(axis=0))[0])]
                raise InputError(
                    f"indices.{index_id}",
                    f"the business-as-usual forecast of {bad} is not a "
                    "number; the history is too thin to fit: load a fuller results table",
                )
            coupled_points = None
            if source is not None:
                scores += focal.coupled_scale * _deviations(built[source], self.forecasts[source], block)
                coupled_points = focal.coupled_scale * built[source].bau_score[block]
            bau_total = scores[:, focal.position].copy()
            points = bau_points(focal, spec, bau_total, coupled_points)
            noise = u.survey[block] * focal.survey_sd
            base_pts[block] = points
            points0_sum += (points + noise).sum(axis=0)
            pre[block] = bau_total + noise.sum(axis=1)
            np.clip(scores, lo, hi, out=scores)
            scores[:, focal.position] = np.clip(pre[block], lo, hi)
            scores[:, focal.position] = -np.inf
            peers[block] = scores
        a0 = np.clip((base_pts - spec.lo) / width, 0.0, 1.0)
        free = np.where(focal.coupled, 0.0, width)
        baseline = IndexBaseline(
            index_id=index_id,
            position=focal.position,
            peers=peers,
            pre=pre,
            bau_score=np.clip(pre, lo, hi),
            room_up=free * (1.0 - a0),
            room_down=free * a0,
            points0_mean=points0_sum / n_draws,
            base_mean=base_pts.mean(axis=0),
            bounds=(lo, hi),
            coupled=focal.coupled,
            feed_from=source,
            feed_scale=focal.coupled_scale if source else 0.0,
            components_assumed=focal.spread_by_maxima,
        )
        return baseline


def _deviations(base: IndexBaseline, fc: BAUForecast, block: slice) -> np.ndarray:
    """Every unit's BAU score less its forecast mean on ``block`` (the focal at its status quo)."""
    scores = base.peers[block].astype(float)
    scores[:, base.position] = base.bau_score[block]
    return scores - fc.mean[None, :]


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
    rng: RandomLike = DEFAULT_SEED,
    histories: dict[str, History] | None = None,
) -> SimulationResult:
    """Fit the forecasts and run ``scenario`` once: the one-call entry point."""
    return Engine.from_scenario(scenario, histories=histories).simulate(draws, rng)


__all__ = [
    "DEFAULT_SEED",
    "Engine",
    "IndexUncertainties",
    "PlanStructureError",
    "Uncertainties",
    "simulate",
]
