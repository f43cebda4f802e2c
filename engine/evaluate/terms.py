"""The sanction state machine: carrying out a suspension or termination, letting time pass, and
shortening a running term.

A decision (of a score, an obligation or a measure against the institution) that suspends starts a
term of N months (民法典 第二百零一、二百零二条: the term's last day is ``until``); one that terminates
starts a re-registration ban of N years. What happens when terms meet, and after a term, is decided
by the rulebook's readings: ``overlapping_suspension``, ``repeated_termination``, ``after_term``
(AMBIGUITIES 1, 4, 18) — never by a default here.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional, Protocol

from engine.base.calendar import add_months, add_years
from engine.errors import CaseError
from engine.cases.events import ScoreEvent
from engine.evaluate.records import TermRecord
from engine.evaluate.state import PersonState, Term
from engine.spec.legal import Legal
from engine.spec.scoring import Consequence

_ONE_DAY = _dt.timedelta(days=1)


class TermRule(Protocol):
    """What the state machine reads of the rule behind a term: its id, its law and its ban."""

    id: str
    legal: Legal
    ban_years: Optional[int]
    ban_years_min: Optional[int]
    ban_years_max: Optional[int]

    @property
    def shortest_ban(self) -> int: ...


def apply_decision(state: PersonState, record: TermRecord, index: int, day: _dt.date, single: int,
                   rule: Optional[Consequence], event: Optional[ScoreEvent] = None) -> None:
    """Carry out a decision's suspension or termination (score and obligation decisions alike)."""
    if rule is None or rule.action in ("none", "warn"):
        return
    if rule.action == "suspend":
        record.months, record.months_min, record.months_max = rule.months, rule.months_min, rule.months_max
        if rule.months is not None:
            months = rule.months
        else:
            # A suspension of months_min..months_max whose length the case does not fix (AMBIGUITIES 17).
            months = rule.months_max if state.readings["suspension_months_default"] == "max" else rule.months_min
        if event is not None and event.months is not None:
            # The agency fixed the length within the rule's range (e.g. 辽宁 第二十四条（三） 1-3 months).
            if not rule.months_min <= event.months <= rule.months_max:
                raise CaseError(f"months {event.months} is outside {rule.months_min}..{rule.months_max} "
                                f"of {rule.id} ({rule.legal.article})", event.where)
            months = event.months
            record.months = months
        until = add_months(day, months)
        record.start, record.until = day, until
        suspend(state, index, day, until, months, single, rule)
    elif rule.action == "terminate":
        record.ban_years = rule.ban_years
        record.ban_years_min = rule.ban_years_min if rule.ban_years is None else rule.ban_years
        record.ban_years_max = rule.ban_years_max if rule.ban_years is None else rule.ban_years
        # A ban given as a range is counted with its shortest end; the agency may set a longer one.
        until = add_years(day, rule.shortest_ban)
        record.start, record.until = day, until
        terminate(state, index, day, until, single, rule)


def suspend(state: PersonState, index: int, day: _dt.date, until: _dt.date, months: int, single: int,
            rule: TermRule) -> None:
    """Suspend from ``day`` to ``until``, or decide what a suspension during a running term does."""
    current = state.term
    trace = state.trace
    if current is not None and current.state == "terminated":
        if trace.enabled:
            trace.add("status", index, rule.id, rule.legal.article,
                      "already terminated: the suspension does not change the status")
        return
    if current is not None and day <= current.until:
        # A new suspension while a term runs (AMBIGUITIES 4).
        overlap = state.readings["overlapping_suspension"]
        if overlap == "extend":
            until = max(current.until, add_months(current.start, months))
            start = current.start
        else:
            until = max(current.until, until)
            start = day
        state.term = Term("suspended", start, until, index, max(single, current.single))
        state.timeline.current.until = until
        if trace.enabled:
            trace.add("status", None, "overlapping_suspension", rule.legal.article,
                      f"a suspension during a running term (reading {overlap}): suspended until {until}")
        return
    state.term = Term("suspended", day, until, index, single)
    state.timeline.enter("suspended", day, until, "term", decision=index, article=rule.legal.article)
    if trace.enabled:
        trace.add("status", None, rule.id, rule.legal.article, f"suspended from {day} until {until}")


def terminate(state: PersonState, index: int, day: _dt.date, until: _dt.date, single: int, rule: TermRule) -> None:
    """Terminate from ``day`` with a re-registration ban to ``until``, or decide what a further
    termination during a ban does (reading ``repeated_termination``)."""
    current = state.term
    trace = state.trace
    if current is not None and current.state == "terminated" and state.timeline.current.phase == "ban_over":
        current = state.term = None  # a new ban starts afresh below
    new_ban = rule.shortest_ban
    if current is not None and current.state == "terminated":
        # later_end: to the later of the two ends; heavier_only: only a heavier ban (more years),
        # counted from its own day — “终止之日起” otherwise counts from the first termination.
        reading = state.readings["repeated_termination"]
        if until > current.until and (reading == "later_end" or new_ban > current.ban_years):
            current.ban_years = new_ban
            current.until = until
            state.timeline.current.until = None
            state.timeline.current.ban_until = until
        current.single = max(current.single, single)
        if trace.enabled:
            trace.add("status", index, rule.id, rule.legal.article,
                      f"already terminated; re-registration ban until {current.until} (reading {reading})")
        return
    state.term = Term("terminated", day, until, index, single, ban_years=new_ban)
    state.timeline.enter("terminated", day, None, "banned", ban_until=until, decision=index,
                         article=rule.legal.article)
    if trace.enabled:
        ban = rule.ban_years if rule.ban_years is not None else f"{rule.ban_years_min}-{rule.ban_years_max}"
        trace.add("status", None, rule.id, rule.legal.article,
                  f"terminated from {day}; no re-registration until {until} ({ban} year ban)")


def advance(state: PersonState, day: _dt.date) -> None:
    """Let time pass to ``day``: a ban that ran out, a suspension term that ended (reading ``after_term``)."""
    _ban_runs_out(state, day)
    term = state.term
    if term is None or term.state != "suspended" or day <= term.until:
        return
    timeline = state.timeline
    if timeline.current.awaiting_restoration is True:
        return
    after = term.until + _ONE_DAY
    reading = state.readings["after_term"]
    trace = state.trace
    if reading == "normal":
        timeline.enter("normal", after, None, "normal", reading="after_term=normal")
        if trace.enabled:
            trace.add("status", None, "after_term", None,
                      f"suspension term ended {term.until}; status normal from {after} (reading after_term=normal)")
        state.term = None
    else:
        timeline.enter("suspended", after, None, "awaiting_restoration", awaiting_restoration=True,
                       term_until=term.until, reading="after_term=awaiting_restoration", decision=term.decision)
        if trace.enabled:
            trace.add("status", None, "after_term", None,
                      f"suspension term ended {term.until}; status stays suspended until a restoration "
                      "evaluation is passed (reading after_term=awaiting_restoration)")


def _ban_runs_out(state: PersonState, day: _dt.date) -> None:
    """A termination whose re-registration ban ended before ``day``: still terminated, may re-register.

    内蒙古 第二十四条 “终止资格恢复的，需重新作出承诺和登记备案”: the end of the ban restores nothing by
    itself; a passed restoration (re-registration) event does.
    """
    term = state.term
    if term is None or term.state != "terminated" or day <= term.until:
        return
    if state.timeline.current.phase != "banned":
        return
    after = term.until + _ONE_DAY
    state.timeline.enter("terminated", after, None, "ban_over", ban_until=term.until, decision=term.decision)
    if state.trace.enabled:
        state.trace.add("status", None, "ban_over", None,
                        f"re-registration ban ended {term.until}; still terminated from {after} until a "
                        "restoration (re-registration) is passed")


def shorten(state: PersonState, term: Term, months: int, minimum_months: int, day: _dt.date) -> Optional[_dt.date]:
    """The running term's new last day after a shortening by ``months`` (not below ``minimum_months``
    from its first day, nor before ``day``), applied to the term and the timeline; None when nothing changes."""
    floor = add_months(term.start, minimum_months)
    new_until = max(add_months(term.until, -months), floor, day)
    if new_until >= term.until:
        return None
    term.until = new_until
    term.shortened = True
    current = state.timeline.current
    if term.state == "terminated":
        current.ban_until = new_until
    else:
        current.until = new_until
    return new_until
