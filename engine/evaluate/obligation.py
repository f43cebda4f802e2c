"""An obligation event (e.g. 济宁 三(三) the yearly test): met or not; the most severe holding consequence applies."""

from __future__ import annotations

from typing import Optional

from engine.cases.events import ObligationEvent
from engine.evaluate.records import ObligationRecord
from engine.evaluate.state import PersonState
from engine.evaluate.terms import apply_decision
from engine.spec.names import OBLIGATION
from engine.spec.scoring import Consequence


def handle_obligation(state: PersonState, event: ObligationEvent) -> None:
    obligation = event.obligation
    year = state.year(event.date.year)
    env = OBLIGATION.bind(state.base_env, {"passed": event.passed, "date": event.date, "year": event.date.year,
                                           "state_before": state.state_now, "year_total": year.net})
    chosen: Optional[Consequence] = None
    for rule in obligation.consequences:
        if rule.when(env) and (chosen is None or rule.severity > chosen.severity):
            chosen = rule
    articles = [obligation.legal.article]
    if chosen is not None and chosen.legal.article != obligation.legal.article:
        articles.append(chosen.legal.article)
    record = ObligationRecord(event.index, event.date, obligation.id, event.passed,
                              chosen.action if chosen else "none", chosen.measure if chosen else None,
                              articles=articles, rules=[chosen.id] if chosen else [])
    state.obligations.append(record)
    if state.trace.enabled:
        state.trace.add("obligation", event.index, chosen.id if chosen else obligation.id, obligation.legal.article,
                        f"{obligation.id} {'met' if event.passed else 'not met'}"
                        + (f" → {chosen.action}" if chosen else ": no consequence"))
    apply_decision(state, record, event.index, event.date, 0, chosen)
