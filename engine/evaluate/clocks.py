"""The working-day clocks of a person's case (result ``clocks``): every time limit of the rulebook that
runs from a date the case gives, with its due date and, where the case shows the act, whether it was late.

Which clocks, read from the rulebook's ``deadlines:`` (never a clock it does not write):

- per scoring decision, those whose FROM is one of the decision's dates — ``decision`` (the score
  event's date, its 记分时点; or ``decision_received``, the day a 行政处罚决定书 reached the agency),
  ``notice_issued``, ``notice_received`` — and whose ``applies_to`` includes the decision's action
  (辽宁 第二十六条 notice and delivery, 第二十七条 publication of a suspension or termination only,
  第三十二条 / 内蒙古 第二十五条 / 济宁 六（一） appeal). ``met_by`` names the date that shows the act
  was done (``notice_issued`` for the notice, ``notice_received`` for the delivery): the clock then
  says ``done`` and ``late``. A late act of the agency binds the agency; the decision stands.
- for the status on ``as_of`` when it is a suspension or a termination, those that run from the last
  day of its term or re-registration ban (the ``until`` of ``status``), ``term_end`` (辽宁 第三十一条 “期满前15个工作日”, the first day a
  restoration application may be made).

The clocks of an appeal (its timeliness, the verification) are in ``appeals``; those of a restoration
application in ``restorations``. A clock the calendar cannot count (a year without holiday data) is
reported with ``due`` null and the reason, and a warning: the legal result does not depend on it; so
is one whose FROM date falls outside the rulebook's effective period (a ban ending after a trial
rulebook ceased to apply).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

from engine.cases.events import ScoreEvent
from engine.errors import CalendarError, DeadlineError
from engine.evaluate.deadlines import compute_deadline
from engine.evaluate.records import JSON_FROM, UNSET, Decision, Unset
from engine.evaluate.state import PersonState
from engine.spec.rulebook import RulebookSpec
from engine.spec.time import Deadline

#: The FROM names a scoring decision supplies.
DECISION_DATES = ("decision", "notice_issued", "notice_received")
#: The FROM name of the last day of the term or ban in force.
TERM_END = "term_end"


@dataclass(slots=True)
class Clock:
    """One time limit running in the case: from which date, due when, and whether it was met."""

    event: Optional[int]        # the score event of the decision (for term_end: the decision behind the term)
    kind: str
    label: Optional[str]
    article: str
    from_means: str
    start: _dt.date = field(metadata=JSON_FROM)
    due: Optional[_dt.date]
    bound: str
    actor: Optional[str]
    done: Union[_dt.date, Unset] = UNSET
    late: Union[bool, Unset] = UNSET
    reason: Union[str, Unset] = UNSET


def _dates(event: ScoreEvent) -> Dict[str, _dt.date]:
    dates = {"decision": event.decision_received or event.date}
    if event.notice_issued is not None:
        dates["notice_issued"] = event.notice_issued
    if event.notice_received is not None:
        dates["notice_received"] = event.notice_received
    return dates


def _clock(state: PersonState, rulebook: RulebookSpec, rule: Deadline, event: Optional[int], start: _dt.date,
           from_means: str) -> Clock:
    clock = Clock(event, rule.kind, rule.label, rule.legal.article, from_means, start, None, rule.bound, rule.actor)
    try:
        clock.due = compute_deadline(rulebook, rule.kind, start).deadline
    except (CalendarError, DeadlineError) as error:
        clock.reason = error.message
        state.warnings.append(f"clock {rule.kind} from {start} ({rule.legal.article}) not counted: {error.message}")
    return clock


def _decision_clocks(state: PersonState, decision: Decision, event: ScoreEvent) -> List[Clock]:
    rulebook = event.rulebook or state.rulebook
    dates = _dates(event)
    clocks = []
    for rule in rulebook.deadlines.values():
        if rule.start not in DECISION_DATES or rule.start not in dates:
            continue
        if rule.applies_to and decision.action not in rule.applies_to:
            continue
        means = "decision_received" if rule.start == "decision" and event.decision_received else rule.start
        clock = _clock(state, rulebook, rule, event.index, dates[rule.start], means)
        done = dates.get(rule.met_by) if rule.met_by else None
        if done is not None:
            clock.done = done
            if clock.due is not None:
                clock.late = done > clock.due if rule.bound == "latest" else done < clock.due
        clocks.append(clock)
    return clocks


def case_clocks(state: PersonState) -> List[Clock]:
    """The clocks of the case, in the order of the decisions, then the term in force (see module doc)."""
    scores = {event.index: event for event in state.case.events if isinstance(event, ScoreEvent)}
    clocks: List[Clock] = []
    for decision in state.decisions:
        event = scores.get(decision.event)
        if event is not None:
            clocks.extend(_decision_clocks(state, decision, event))
    status = state.timeline.status_on(state.case.as_of)
    if status.state != "normal" and status.until is not None:
        period = next(p for p in reversed(state.timeline.periods) if p.start is None or p.start <= status.as_of)
        decision = period.decision if isinstance(period.decision, int) and period.decision >= 0 else None
        for rule in state.rulebook.deadlines.values():
            if rule.start == TERM_END:
                clocks.append(_clock(state, state.rulebook, rule, decision, status.until, TERM_END))
    return clocks


__all__ = ["Clock", "DECISION_DATES", "TERM_END", "case_clocks"]
