"""The run: one person's events in date order, each judged by the rulebook version in force on its
date and handed to the handler of its kind; time passes between events (terms end, bans run out)."""

from __future__ import annotations

from typing import Callable, Dict, Optional

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
    state = PersonState(rulebook, case, Trace(trace))
    if plan is not None:
        state.appeal_plan = plan
    for event in case.events:
        version = event.rulebook
        if version is not None and version is not state.rulebook:
            if state.trace.enabled:
                state.trace.add("version", event.index, version.id,
                                version.effective_legal.article if version.effective_legal else None,
                                f"{version.document} in force from {version.effective_from}"
                                f"{' until ' + str(version.effective_until) if version.effective_until else ''} "
                                f"applies from this event on")
            state.use_version(version)
        advance(state, event.date)
        HANDLERS[event.kind](state, event)
    advance(state, case.as_of)
    return state
