"""Callbacks of the fields whose value lives in session state under its own key.

A field (``w:<name>``) only edits the value; the value itself (``lang``, ``seed``, ``draws``, the
targets, the budget, goal seek's wanted probability) stays in ``st.session_state`` under a key no
widget owns, so a rerun that loses a widget's state (an interrupted rerun) cannot reset it to the
field's default. Typed numbers are read by :func:`app.numbers.parse_number` (83,76 or 83.76).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from app.i18n import tr
from app.numbers import NumberError, parse_number
from app.state import flash


def cb_lang() -> None:
    _cb_choice("lang")


def cb_setting(name: str) -> None:
    """Seed and draws live under their own keys; the fields (``w:seed``, ``w:draws``) only edit them."""
    st.session_state[name] = int(st.session_state[f"w:{name}"])


def typed_value(text: str, field: str, lo: float, hi: float, old: float | None) -> float | None:
    """A typed number read the Vietnamese or English way; empty or refused gives ``old`` back.

    A refused value (ambiguous, not a number, out of range) is said in an error box, and the field
    shows ``old`` again on the next run.
    """
    lang = st.session_state.get("lang", "vi")
    try:
        value = parse_number(text or "", field, lo, hi)
    except NumberError as exc:
        flash("error", exc.message(lang) + " " + tr("num_kept", lang))
        return old
    return old if value is None else value


def cb_target(index_id: str) -> None:
    ss = st.session_state
    old, _ = ss["targets"][index_id]
    lo, hi = ss["plan"].indices[index_id].spec.bounds
    score = typed_value(ss[f"w:ts:{index_id}"], tr("target_score", ss.get("lang", "vi")), lo, hi, old)
    ss["targets"][index_id] = (score, int(ss[f"w:tr:{index_id}"]))


def cb_budget(plan: str, hi: float) -> None:
    ss = st.session_state
    lang = ss.get("lang", "vi")
    old = ss.setdefault("budgets", {}).get(plan)
    ss["budgets"][plan] = typed_value(ss["w:budget"], tr("budget", lang), 0.0, hi, old)


def cb_field_score(index_id: str) -> None:
    """The field view's score to reach (0–100); an empty field shows no score column."""
    ss = st.session_state
    key, text = f"field_score:{index_id}", ss[f"w:field_score:{index_id}"]
    if not (text or "").strip():
        ss[key] = None
        return
    ss[key] = typed_value(text, tr("field_threshold", ss.get("lang", "vi")), 0.0, 100.0, ss.get(key))


def tabs(keys: Sequence[str], label: Callable[[str], str], key: str) -> dict[str, object]:
    """``st.tabs`` (lazy: only the open one runs) that keeps its open tab across a change of language.

    Streamlit identifies tabs by their labels, so new labels (another language) make a new widget
    that opens on its first tab. The open tab is remembered by its key (``<key>:open``), and the
    widget's ``default`` is pinned to it each time the language changes; within one language the
    default stays the same, so the widget (and the tab the user picks) stays the same.
    Returns the open tab's container by its key (one entry).
    """
    ss = st.session_state
    remembered = ss.get(f"{key}:open")
    pinned = _pinned(key, ss.get("lang", "vi"), remembered if remembered in keys else keys[0])
    boxes = st.tabs([label(k) for k in keys], key=key, default=label(pinned), on_change="rerun")
    open_tabs = {k: box for k, box in zip(keys, boxes, strict=True) if box.open is not False}
    if len(open_tabs) == 1:
        ss[f"{key}:open"] = next(iter(open_tabs))
    return open_tabs


def lazy_expander(label: str, key: str) -> object:
    """``st.expander`` whose content the caller draws only while it is open (``box.open``).

    Closed, it costs one element on a rerun instead of its whole content (the assumptions under
    each index tab: a list and a table, re-rendered by the browser on every lever move before).
    Streamlit identifies the expander by its label and ``expanded``, so a new label (another
    language, another count) would make a new, closed one: as in :func:`tabs`, ``expanded`` is
    pinned to the remembered state (``<key>:open``) each time the label changes.
    """
    ss = st.session_state
    pinned = _pinned(key, label, bool(ss.get(f"{key}:open", False)))
    box = st.expander(label, expanded=pinned, key=key, on_change="rerun")
    ss[f"{key}:open"] = bool(box.open)
    return box


def choice(key: str, options: Sequence[str], label: str, format_func: Callable[[str], str]) -> str:
    """One of ``options`` picked with a segmented control; the pick outlives the control.

    The pick lives under ``key`` (the control, ``w:<key>``, only edits it, as the language radio
    does), so it survives a run in which the control is not drawn (another tab open: Streamlit then
    forgets the control's own state) and a change of language (the control is identified by its
    key, not by its labels). A pick can't be cleared: one option is always shown.
    """
    ss = st.session_state
    picked = ss.get(key) if ss.get(key) in options else options[0]
    ss[key] = ss[f"w:{key}"] = picked
    st.segmented_control(
        label,
        list(options),
        key=f"w:{key}",
        format_func=format_func,
        required=True,
        on_change=_cb_choice,
        args=(key,),
        label_visibility="collapsed",
    )
    return picked


def _cb_choice(key: str) -> None:
    """The value ``key`` takes what its field ``w:<key>`` was set to (the language, a view)."""
    st.session_state[key] = st.session_state[f"w:{key}"]


def _pinned(key: str, identity: object, remembered: object) -> object:
    """The default a stateful container ``key`` is drawn with: ``remembered`` (its last state), taken
    afresh only when ``identity`` (what Streamlit identifies it by: the language of the tabs' labels,
    the expander's label) changes, so within one identity the widget stays the same widget."""
    ss = st.session_state
    pin = ss.get(f"{key}:pin")
    if pin is None or pin[0] != identity:
        pin = (identity, remembered)
        ss[f"{key}:pin"] = pin
    return pin[1]
