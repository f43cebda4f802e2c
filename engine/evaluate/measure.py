"""A measure against the person's institution (服务协议中止、解除; 辽宁 第二十八条): the rulebook's
measure rules decide what it does to the person's status."""

from __future__ import annotations

from engine.base.calendar import add_years
from engine.cases.events import InstitutionEvent
from engine.evaluate.records import MeasureRecord
from engine.evaluate.state import PersonState
from engine.evaluate.terms import suspend, terminate
from engine.spec.names import MEASURE
from engine.spec.status import MeasureRule


def handle_measure(state: PersonState, event: InstitutionEvent) -> None:
    spec = state.rulebook.institution_measures
    if spec is None:  # the case reader checked the measure against the version of the event's date
        raise AssertionError("an institution measure under a rulebook version without measures")
    status = state.state_now
    record = MeasureRecord(event.index, event.date, event.measure, event.responsible, state_before=status)
    state.measures.append(record)
    env = MEASURE.bind(state.base_env, {"responsible": event.responsible, "measure": event.measure,
                                        "state": status, "date": event.date})
    for rule in spec.rules:
        if rule.measure == event.measure and rule.when(env):
            _apply(state, event, record, rule)
            return
    article = spec.legal.article or None
    if article:
        record.articles.append(article)
    if state.trace.enabled:
        state.trace.add("institution", event.index, None, article,
                        f"institution measure {event.measure}, person responsible: {event.responsible}: "
                        f"no rule applies; status stays {status}")


def _apply(state: PersonState, event: InstitutionEvent, record: MeasureRecord, rule: MeasureRule) -> None:
    record.rules.append(rule.id)
    record.articles.append(rule.legal.article)
    record.action = rule.action
    trace = state.trace
    if rule.action == "suspend":
        until = event.until
        current = state.term
        if current is not None and current.state == "suspended" and (until is None or current.until > until):
            until = current.until  # the person's own term runs longer: it decides
        record.until = until
        if current is not None and current.state == "suspended" and event.date <= current.until:
            current.until = until
            state.timeline.current.until = until
            if trace.enabled:
                trace.add("status", None, rule.id, rule.legal.article,
                          f"already suspended: suspended until the later end, {until}")
        else:
            suspend(state, -1, event.date, until, 0, current.single if current else 0, rule)
            if state.term is not None:
                state.term.cause = "institution"
    elif rule.action == "terminate":
        until = add_years(event.date, rule.shortest_ban)
        record.until = until
        terminate(state, -1, event.date, until, state.term.single if state.term else 0, rule)
        if state.term is not None and state.term.start == event.date:
            state.term.cause = "institution"
    if trace.enabled:
        trace.add("institution", event.index, rule.id, rule.legal.article,
                  f"institution measure {event.measure}, person responsible: {event.responsible} → {rule.action}")
