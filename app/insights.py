"""Cached library calls of the outside view, the league rank width and the field view.

Keyed, like :mod:`app.state`'s caches, on everything that changes the value (the draws record, the
plan's levels and targets, the index, the year, the uploaded tables' hash, draws, seed, threshold)
and bounded in entries and age.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from app import state
from simulator.engine import Engine, Uncertainties
from simulator.history import History, load_history
from simulator.merger import predecessors_frame
from simulator.outcomes import SimulationResult
from simulator.outside_view import OutsideView, gain_summary, outside_views
from simulator.rank_width import LEAGUE_INDICES, LeagueRankWidth, league_rank_width
from simulator.scenario import Scenario
from simulator.standings import Standings, field_standings


@st.cache_resource(max_entries=64, ttl=state.CACHE_TTL, show_spinner=False)
def _outside(
    draws_key: str,
    targets: tuple[float, int],
    index_id: str,
    _engine: Engine,
    _unc: Uncertainties,
    _scenario: Scenario,
    _result: SimulationResult,
    _bau: SimulationResult,
) -> OutsideView:
    one = replace(_result, indices={index_id: _result.indices[index_id]})
    return outside_views(_engine, _unc, _scenario, one, bau=_bau)[index_id]


@st.cache_resource(max_entries=16, ttl=state.CACHE_TTL, show_spinner=False)
def _rank_width(index_id: str, year: int, tables_key: str, _history: History) -> LeagueRankWidth:
    return league_rank_width(index_id, year, history=_history, rng=year)


@st.cache_resource(max_entries=16, ttl=state.CACHE_TTL, show_spinner=False)
def _standings(index_id: str, year: int, draws: int, seed: int, threshold: float | None) -> Standings:
    return field_standings(index_id, year, draws=draws, rng=seed, threshold=threshold)


@st.cache_resource(max_entries=16, ttl=state.CACHE_TTL, show_spinner=False)
def _predecessors(index_id: str, unit: str, tables_key: str, _history: History) -> pd.DataFrame:
    return predecessors_frame(_history, unit)


def predecessors(ev: state.Evaluation, index_id: str, unit: str) -> pd.DataFrame:
    """A merged unit's predecessors side by side (cached on index, unit and uploaded tables)."""
    return _predecessors(index_id, unit, state.tables_key(), ev.histories[index_id])


def outside(ev: state.Evaluation, index_id: str) -> OutsideView:
    """The outside view of one index (the open tab's), on the same draws as the screen.

    :func:`outside_views` is run on the result of that index alone and cached per draws record
    and targets: its reference class and base rate depend on the plan's structure, year and
    targets, not on the levels. A lever's move only changes the gain, which is recomputed here
    exactly as ``outside_views`` does (:func:`gain_summary` of the plan's and the status quo's
    scores on the same draws, placed by the reference class's ``percentile``); a test checks it
    against ``outside_views`` itself.
    """
    r, b = ev.result.indices[index_id], ev.bau.indices[index_id]
    view = _outside(
        ev.key, (r.target_score, r.target_rank), index_id, ev.engine, ev.unc, ev.scenario, ev.result, ev.bau
    )
    gain, se = gain_summary(r.score, b.score)
    return replace(view, gain_mean=gain, gain_mc_se=se, gain_percentile=view.reference.percentile(gain))


def rank_width(ev: state.Evaluation, index_id: str) -> LeagueRankWidth:
    """How wide the league regime's rank intervals are for the plan's year (cached, ~1 s cold)."""
    return _rank_width(index_id, ev.scenario.year, state.tables_key(), ev.histories[index_id])


def rank_width_for(index_id: str, year: int) -> LeagueRankWidth:
    """:func:`rank_width` on the shipped data (the field view's data), cached."""
    return _rank_width(index_id, year, "", load_history(index_id))


def warm_up(ev: state.Evaluation) -> None:
    """Fill the caches the index tabs read that do not depend on the levers: each index's outside
    view (its reference class and base rate; per draws record and targets) and, for PAR INDEX and
    SIPAS, the rank-width note. Called by the server at start on the default view, so a first
    visit to an index tab computes only what the levels change. A failure here is left for the
    tab to report, as it would without the warm start.
    """
    for index_id in ev.scenario.indices:
        try:
            outside(ev, index_id)
            if index_id in LEAGUE_INDICES:
                rank_width(ev, index_id)
        except Exception:  # the tab computes it again and says why in its own words
            continue


def standings(index_id: str, year: int, draws: int, seed: int, threshold: float | None) -> Standings:
    """Every unit's standing in ``year`` (the shipped data; cached on every argument)."""
    return _standings(index_id, year, draws, seed, threshold)
