"""A restoration (资格恢复): the application's clocks, the rulebook's condition, and the status restored."""

from __future__ import annotations

from typing import Optional

from engine.cases.events import RestorationEvent
from engine.evaluate.deadlines import compute_deadline
from engine.evaluate.records import RestorationRecord
from engine.evaluate.state import PersonState, Term
from engine.spec.names import RESTORATION


def handle_restoration(state: PersonState, event: RestorationEvent) -> None:
    restoration = state.rulebook.restoration
    term = state.term
    status = state.state_now
    trace = state.trace
    record = RestorationRecord(event.index, event.date, event.passed, False, status, None,
                               restoration.legal.article if restoration else None)
    state.restorations.append(record)
    if _refused_as_too_early(state, event, record, term):
        return
    if term is None or status == "normal":
        record.reason = "status is normal: nothing to restore"
        trace.add("restoration", event.index, None, record.article, record.reason)
        return
    env = RESTORATION.bind(state.base_env, {
        "state": status, "date": event.date, "until": term.until, "from": term.start, "passed": event.passed,
        "year_net": state.year(event.date.year).net, "sanction_single": term.single, "sanction_cause": term.cause})
    if restoration is not None and restoration.allowed_when is not None and not restoration.allowed_when(env):
        record.reason = f"{restoration.refuse_reason} ({status} until {term.until})"
        trace.add("restoration", event.index, "restoration", record.article, record.reason)
        return
    if not event.passed:
        record.reason = "the restoration evaluation was not passed; status unchanged"
        trace.add("restoration", event.index, "restoration", record.article, record.reason)
        return
    record.accepted = True
    state.term = None
    state.timeline.enter("normal", event.date, None, "normal", restored_by=event.index, article=record.article)
    if trace.enabled:
        trace.add("restoration", event.index, "restoration", record.article,
                  f"restored: {status} → normal from {event.date}")


def _refused_as_too_early(state: PersonState, event: RestorationEvent, record: RestorationRecord,
                          term: Optional[Term]) -> bool:
    """The clocks around a restoration application; True when the application is refused as too early.

    ``restoration_request`` (e.g. 辽宁 第三十一条 “可于期满前15个工作日提出”, bound earliest, from the
    term's last day): an application before that day is refused. ``restoration`` (内蒙古 第二十四条
    “收到申请后，10个工作日内进行评估”): the evaluation is due by then; a late one binds the agency,
    not the person, so it is only noted.
    """
    if event.applied is None:
        return False
    rulebook = state.rulebook
    trace = state.trace
    record.applied = event.applied
    request = rulebook.deadlines.get("restoration_request")
    if request is not None and term is not None:
        earliest = compute_deadline(rulebook, "restoration_request", term.until).deadline
        record.earliest_application = earliest
        if request.bound == "earliest" and event.applied < earliest:
            record.reason = (f"application received {event.applied}, before the earliest day {earliest} "
                             f"({request.expression.text} from the term's last day {term.until}; "
                             f"{request.legal.article})")
            trace.add("restoration", event.index, "restoration_request", request.legal.article, record.reason)
            return True
    rule = rulebook.deadlines.get("restoration")
    if rule is not None:
        due = compute_deadline(rulebook, "restoration", event.applied).deadline
        record.evaluation_due = due
        late = event.date > due
        record.evaluation_late = late
        if trace.enabled:
            trace.add("restoration", event.index, "restoration", rule.legal.article,
                      f"application received {event.applied}: evaluation due by {due} ({rule.expression.text}, "
                      f"{rule.legal.article})" + (f"; concluded {event.date}, late — the result still stands"
                                                  if late else ""))
    return False
