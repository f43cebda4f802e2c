"""A measure against the person's institution (服务协议中止、解除; 内蒙古 第二十条, 辽宁 第二十八条,
济宁 三（四）): the rulebook's measure rules decide what it does to the person's status.

A term that follows the institution lives on its own track, apart from the person's own term
(AMBIGUITIES 12): it lasts the institution's term (the event's ``until``), the person's repairs never
shorten it, the person's own term runs to its own end, and the status on every day is the heavier
of the two (engine/evaluate/tracks.py).
"""

from __future__ import annotations

from engine.base.calendar import add_years
from engine.cases.events import InstitutionEvent
from engine.errors import CaseError
from engine.evaluate.records import MeasureRecord
from engine.evaluate.state import PersonState
from engine.evaluate.terms import suspend, terminate
from engine.evaluate.tracks import show
from engine.spec.names import MEASURE
from engine.spec.status import MeasureRule

_TRACK = "institution"
_CAUSES = ("institution",)


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
    if rule.action == "suspend":
        _suspend(state, event, record, rule)
    elif rule.action == "terminate":
        until = add_years(event.date, rule.shortest_ban)
        record.until = until
        terminate(state, _TRACK, -1, event.date, until, 0, rule, _CAUSES)
    if state.trace.enabled:
        state.trace.add("institution", event.index, rule.id, rule.legal.article,
                        f"institution measure {event.measure}, person responsible: {event.responsible} → "
                        f"{rule.action}" + (f" until {record.until}" if record.until else ""))


def _suspend(state: PersonState, event: InstitutionEvent, record: MeasureRecord, rule: MeasureRule) -> None:
    """Suspended for the institution's term; a second measure while it runs moves its end to the later
    one (the case gives the institution's last day, so no reading of months is involved)."""
    until = event.until
    if until is None:
        raise CaseError(f"measure '{event.measure}' suspends the person for the institution's term "
                        f"({rule.id}, {rule.legal.article}): give 'until' (the last day of the institution's "
                        "suspension)", event.where)
    record.until = until
    current = state.terms.get(_TRACK)
    if current is not None and current.state == "suspended" and current.running and event.date <= current.until:
        current.until = max(current.until, until)
        show(state, event.date)
        return
    suspend(state, _TRACK, -1, event.date, until, 0, 0, rule, _CAUSES)
