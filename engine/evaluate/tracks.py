"""The status the terms in force make, shown on the timeline.

A person can be under two terms at once (AMBIGUITIES 12; 内蒙古 第二十条, 辽宁 第二十八条, 济宁 三（四）):
their own (points, an obligation, a lost licence) and one that follows a measure against their
institution. Each keeps its cause and its end; on every day the status is the heavier of them
(:func:`engine.evaluate.state.deciding`). Whatever changes a term calls :func:`show`, which begins a
new timeline period when the status, its phase or the cause of the term that decides it changes, and
otherwise only moves the end of the running one (a later term, a shortening).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Tuple

from engine.evaluate.state import PersonState


def status_of(state: PersonState) -> Tuple[str, str, Dict[str, Any]]:
    """(state, phase, period fields) the terms in force make: the deciding term's, with the latest end
    among the terms in the same state and phase."""
    top = state.term
    if top is None:
        return "normal", "normal", {}
    alike = [term for term in state.terms.values() if term.state == top.state and term.phase == top.phase]
    last = max(term.until for term in alike)
    fields: Dict[str, Any] = {"decision": top.decision}
    if top.phase == "term":
        fields.update(until=last, article=top.article)
    elif top.phase == "awaiting_restoration":
        fields.update(awaiting_restoration=True, term_until=last, reading="after_term=awaiting_restoration")
    elif top.phase == "banned":
        fields.update(ban_until=last, article=top.article)
    else:  # ban_over
        fields.update(ban_until=last)
    fields["cause"] = top.cause
    return top.state, top.phase, fields


def show(state: PersonState, day: _dt.date, **normal: Any) -> None:
    """Bring the timeline in line with the terms in force from ``day`` on. ``normal`` annotates a
    new normal period (the reading that ended a term, the restoration that granted it)."""
    kind, phase, fields = status_of(state)
    current = state.timeline.current
    if current.state == kind and current.phase == phase and current.cause == fields.get("cause", current.cause):
        # The same status, for the same cause, goes on: only its end moves.
        if phase == "term":
            current.until = fields["until"]
        elif phase == "awaiting_restoration":
            current.term_until = fields["term_until"]
        elif phase in ("banned", "ban_over"):
            current.ban_until = fields["ban_until"]
        return
    until = fields.pop("until", None)
    if kind == "normal":
        fields.update(normal)
    state.timeline.enter(kind, day, until, phase, **fields)
