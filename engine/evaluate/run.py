"""The run: one person's events in date order, each judged by the rulebook version in force on its
date and handed to the handler of its kind; time passes between events (terms end, bans run out),
each day judged by the version in force on it."""

from __future__ import annotations

import datetime as _dt
from typing import Callable, Dict, Optional, Sequence

from engine.cases.events import Case, Event
from engine.evaluate.appeal import handle_appeal, handle_appeal_result
from engine.evaluate.claim import handle_claim
from engine.evaluate.measure import handle_measure
from engine.evaluate.obligation import handle_obligation
from engine.evaluate.records import AppealPlan
from engine.evaluate.repair import handle_repair
from engine.evaluate.restoration import handle_restoration
from engine.evaluate.score import handle_score
from engine.evaluate.state import PersonState
from engine.evaluate.terms import advance
from engine.evaluate.trace import Trace
from engine.spec.rulebook import RulebookSpec

Handler = Callable[[PersonState, Event], None]
_ONE_DAY = _dt.timedelta(days=1)

#: One handler per event kind (GLOSSARY: event kinds).
HANDLERS: Dict[str, Handler] = {
    "score": handle_score,
    "repair": handle_repair,
    "claim": handle_claim,
    "restoration": handle_restoration,
    "obligation": handle_obligation,
    "appeal": handle_appeal,
    "appeal_result": handle_appeal_result,
    "institution_measure": handle_measure,
}


def run(rulebook: RulebookSpec, case: Case, *, trace: bool, plan: Optional[AppealPlan] = None) -> PersonState:
    """Apply ``case``'s events to a fresh state; the state as of ``case.as_of``."""
    state = PersonState(_first_version(rulebook, case), case, Trace(trace))
    if plan is not None:
        state.appeal_plan = plan
    for event in case.events:
        _pass_time(state, event.date, case.versions)
        version = event.rulebook
        if version is not None and version is not state.rulebook:
            _switch(state, version, event.index)
        HANDLERS[event.kind](state, event)
    _pass_time(state, case.as_of, case.versions)
    return state


def _first_version(rulebook: RulebookSpec, case: Case) -> RulebookSpec:
    """The version that judges first: the first event's, else the one in force on ``as_of``."""
    if case.events and case.events[0].rulebook is not None:
        return case.events[0].rulebook
    return next((version for version in case.versions if version.in_force(case.as_of)), rulebook)


def _pass_time(state: PersonState, day: _dt.date, versions: Sequence[RulebookSpec]) -> None:
    """Let time pass to ``day``. A term that ends, or a ban that runs out, on a day under a later
    version is judged by that version's readings: time is passed up to each version's first day,
    then that version takes over."""
    for version in versions:
        start = version.effective_from
        if version is state.rulebook or start <= state.rulebook.effective_from or start > day:
            continue
        advance(state, start - _ONE_DAY)
        _switch(state, version, None)
    advance(state, day)


def _switch(state: PersonState, version: RulebookSpec, event: Optional[int]) -> None:
    if state.trace.enabled:
        state.trace.add("version", event, version.id,
                        version.effective_legal.article if version.effective_legal else None,
                        f"{version.document} in force from {version.effective_from}"
                        f"{' until ' + str(version.effective_until) if version.effective_until else ''} "
                        f"applies from {'this event' if event is not None else version.effective_from} on")
    state.use_version(version)
