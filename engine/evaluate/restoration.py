"""A restoration (资格恢复): the application's clocks, the rulebook's condition for each term in force,
and the status restored."""

from __future__ import annotations

from typing import Any, Dict, Optional

from engine.cases.events import RestorationEvent
from engine.evaluate.deadlines import compute_deadline
from engine.evaluate.records import RestorationRecord
from engine.evaluate.state import PersonState, Term
from engine.evaluate.tracks import show
from engine.spec.names import RESTORATION


def handle_restoration(state: PersonState, event: RestorationEvent) -> None:
    """Judge the application against each term in force on its own (the person's own, the one that
    follows the institution): a passed evaluation lifts every term it may lift; another term may keep
    the person suspended or terminated (AMBIGUITIES 12)."""
    restoration = state.rulebook.restoration
    if restoration is None:  # the case reader checked the version of the event's date
        raise AssertionError("a restoration event under a rulebook version without restoration")
    status = state.state_now
    trace = state.trace
    record = RestorationRecord(event.index, event.date, event.passed, False, status, None, restoration.legal.article)
    state.restorations.append(record)
    if _refused_as_too_early(state, event, record, state.term):
        return
    if not state.terms:
        record.reason = "status is normal: nothing to restore"
        trace.add("restoration", event.index, None, record.article, record.reason)
        return
    lifted = [track for track, term in state.terms.items()
              if restoration.allowed_when is None or restoration.allowed_when(_env(state, event, term))]
    if not lifted:
        term = state.term
        record.reason = f"{restoration.refuse_reason} ({status} until {term.until})"
        trace.add("restoration", event.index, "restoration", record.article, record.reason)
        return
    if not event.passed:
        record.reason = "the restoration evaluation was not passed; status unchanged"
        trace.add("restoration", event.index, "restoration", record.article, record.reason)
        return
    record.accepted = True
    for track in lifted:
        del state.terms[track]
    show(state, event.date, restored_by=event.index, article=record.article)
    record.state_after = state.state_now
    remaining = state.term
    if remaining is not None:
        record.reason = (f"the {'own' if 'own' in lifted else 'institution'} term is lifted; still "
                         f"{remaining.state} until {remaining.until} by the term of cause {remaining.cause}, "
                         f"which this restoration may not lift yet ({restoration.refuse_reason})")
    if trace.enabled:
        trace.add("restoration", event.index, "restoration", record.article,
                  f"restored: {status} → {record.state_after} from {event.date}"
                  + (f"; {record.reason}" if record.reason else ""))


def _env(state: PersonState, event: RestorationEvent, term: Term) -> Dict[str, Any]:
    """The names of ``restoration.allowed_when`` for one term in force."""
    decided_in = state.years.get(term.year)
    first_day = term.first_day or term.start
    return RESTORATION.bind(state.base_env, {
        "state": term.state, "date": event.date, "until": term.until, "from": term.start,
        "first_day": first_day, "passed": event.passed,
        "term_repairs": sum(1 for repair in state.repairs if repair.accepted and repair.date >= first_day),
        "year_net": state.year(event.date.year).net, "sanction_single": term.single, "sanction_cause": term.cause,
        "sanction_year_net": decided_in.net if decided_in is not None else 0})


def _allowed(state: PersonState, event: RestorationEvent, term: Term) -> bool:
    """The rulebook's restoration condition (``restoration.allowed_when``) for this evaluation."""
    return bool(state.rulebook.restoration.allowed_when(_env(state, event, term)))


def _shortening(state: PersonState, event: RestorationEvent, term: Term) -> bool:
    """Whether the evaluation restores before the term's end under the rulebook's condition: a
    缩减期限申请 (辽宁 第三十一条), which the text does not tie to “期满前15个工作日”."""
    restoration = state.rulebook.restoration
    return (event.date <= term.until and restoration is not None and restoration.allowed_when is not None
            and _allowed(state, event, term))


def _refused_as_too_early(state: PersonState, event: RestorationEvent, record: RestorationRecord,
                          term: Optional[Term]) -> bool:
    """The clocks around a restoration application; True when the application is refused as too early.

    ``restoration_request`` (e.g. 辽宁 第三十一条 “可于期满前15个工作日提出”, bound earliest, from the
    term's last day): an application before that day is refused, unless the evaluation restores before
    the term's end under the rulebook's own condition — an application to shorten the term
    (“经修复后记分低于9分的…可提出缩减期限申请”), for which the text sets no such day. ``restoration`` (内蒙古 第二十四条
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
            early = (f"application received {event.applied}, before the earliest day {earliest} "
                     f"({request.expression.text} from the term's last day {term.until}; {request.legal.article})")
            if not _shortening(state, event, term):
                record.reason = early
                trace.add("restoration", event.index, "restoration_request", request.legal.article, record.reason)
                return True
            trace.add("restoration", event.index, "restoration_request", request.legal.article,
                      f"{early}: judged as an application to shorten the term (缩减期限申请), which the rule admits")
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
