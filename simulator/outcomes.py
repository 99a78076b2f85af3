"""Outcomes of a simulation: small immutable records with their Monte Carlo errors.

Probabilities are plain Monte Carlo frequencies over ``n`` draws; their standard error is
``sqrt(p (1 − p) / n)``. Ranks are competition ranks (1 + number of units strictly higher).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.scenario import IndexPlan
from simulator.targets import target_kind

QUANTILES = (0.05, 0.5, 0.95)


def mc_se(p: float, n: int) -> float:
    """Monte Carlo standard error of a frequency ``p`` over ``n`` independent draws."""
    return float(np.sqrt(max(p * (1 - p), 0.0) / n)) if n else float("nan")


@dataclass(frozen=True)
class IndexResult:
    """The focal unit's outcomes on one index.

    ``score`` and ``rank`` hold every draw (for charts and for comparisons on common random
    numbers); the rest are summaries of them.
    """

    index_id: str
    n_units: int
    target_score: float
    target_rank: int
    score: np.ndarray
    rank: np.ndarray
    component_ids: tuple[str, ...]
    component_expected: np.ndarray
    component_bau: np.ndarray
    component_max: np.ndarray
    components_assumed: bool
    hits: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    target_kind: str = "absolute"

    @property
    def draws(self) -> int:
        return int(self.score.size)

    @property
    def p_score(self) -> float:
        return float(self.hits["score"].mean())

    @property
    def p_rank(self) -> float:
        return float(self.hits["rank"].mean())

    @property
    def p_both(self) -> float:
        return float(self.hits["both"].mean())

    @property
    def mc_se(self) -> dict[str, float]:
        return {k: mc_se(getattr(self, f"p_{k}"), self.draws) for k in ("score", "rank", "both")}

    @property
    def expected_rank(self) -> float:
        return float(self.rank.mean())

    def rank_pmf(self) -> np.ndarray:
        """P(rank = r) for r = 1..N."""
        return np.bincount(self.rank, minlength=self.n_units + 1)[1:] / self.draws

    def score_quantiles(self) -> dict[str, float]:
        q = np.quantile(self.score, QUANTILES)
        return {"mean": float(self.score.mean()), "p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}

    def rank_quantiles(self) -> dict[str, float]:
        q = np.quantile(self.rank, QUANTILES, method="inverted_cdf")
        return {"p05": int(q[0]), "p50": int(q[1]), "p95": int(q[2])}

    def to_dict(self) -> dict[str, Any]:
        """The ``run --json`` record of one index (contract keys first)."""
        se = self.mc_se
        return {
            "score": self.score_quantiles(),
            "rank": {**self.rank_quantiles(), "pmf": [round(float(p), 6) for p in self.rank_pmf()]},
            "targets": {"score": self.target_score, "rank": self.target_rank, "kind": self.target_kind},
            "p_score": self.p_score,
            "p_rank": self.p_rank,
            "p_both": self.p_both,
            "mc_se": {"p_score": se["score"], "p_rank": se["rank"], "p_both": se["both"]},
            "expected_rank": self.expected_rank,
            "n_units": self.n_units,
            "components": [
                {"id": c, "expected": float(e), "bau": float(b), "max": float(m)}
                for c, e, b, m in zip(
                    self.component_ids,
                    self.component_expected,
                    self.component_bau,
                    self.component_max,
                    strict=True,
                )
            ],
            "components_assumed_from_total": self.components_assumed,
        }

    def components_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "component": self.component_ids,
                "expected": self.component_expected,
                "bau": self.component_bau,
                "max": self.component_max,
            }
        )


@dataclass(frozen=True)
class SimulationResult:
    """Outcomes of one plan on one set of draws; ``seed`` reproduces them."""

    scenario: str
    seed: int | None
    draws: int
    indices: dict[str, IndexResult]

    def to_dict(self) -> dict[str, Any]:
        """The ``run --json`` document (DESIGN §4 contract)."""
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "draws": self.draws,
            "indices": {k: v.to_dict() for k, v in self.indices.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per index: the headline figures, for CSV/XLSX export."""
        rows = []
        for k, v in self.indices.items():
            se = v.mc_se
            rows.append(
                {
                    "index": k,
                    "target_score": v.target_score,
                    "target_rank": v.target_rank,
                    **{f"score_{a}": b for a, b in v.score_quantiles().items()},
                    **{f"rank_{a}": b for a, b in v.rank_quantiles().items()},
                    "expected_rank": v.expected_rank,
                    "p_score": v.p_score,
                    "se_p_score": se["score"],
                    "p_rank": v.p_rank,
                    "se_p_rank": se["rank"],
                    "p_both": v.p_both,
                    "se_p_both": se["both"],
                    "draws": self.draws,
                    "seed": self.seed,
                }
            )
        return pd.DataFrame(rows)


def summarise(
    plan: IndexPlan,
    focal: np.ndarray,
    rank: np.ndarray,
    n_units: int,
    points_mean: np.ndarray,
    base_mean: np.ndarray,
    components_assumed: bool,
) -> IndexResult:
    """The focal unit's outcomes from its score and rank in every draw and mean sub-criterion points."""
    spec = plan.spec
    comp = spec.component_of()
    n_comp = len(spec.components)
    hit_score = focal >= plan.target_score - 1e-9
    hit_rank = rank <= plan.target_rank
    return IndexResult(
        index_id=plan.index_id,
        n_units=n_units,
        target_score=plan.target_score,
        target_rank=plan.target_rank,
        score=focal,
        rank=rank.astype(np.int32),
        component_ids=tuple(c.id for c in spec.components),
        component_expected=np.bincount(comp, weights=points_mean, minlength=n_comp),
        component_bau=np.bincount(comp, weights=base_mean, minlength=n_comp),
        component_max=spec.component_max(),
        components_assumed=components_assumed,
        hits={"score": hit_score, "rank": hit_rank, "both": hit_score & hit_rank},
        target_kind=target_kind(plan.target, plan.target_score, plan.target_rank),
    )
