"""Deadlines: the time limits a document sets, computed on the rulebook's own calendar.

A rulebook's ``deadlines:`` section gives, per GLOSSARY kind (``appeal``, ``verification``,
``restoration``, ``restoration_request``, ``notice``, ``delivery``, ``record_update``,
``publication``), the article, its original sentence, what the FROM date is, and a DSL date
expression over ``from`` (``from + 10 workdays``; ``from - 15 workdays`` for a limit counted
backwards from a date). The expression was compiled with the rulebook's ``shift``, so working days
follow the State Council schedules plus the rulebook's overrides, and the start-day convention is the
one the rulebook's ``calendar.count_from`` writes once.

民法典 第二百零三条 ("期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日") applies to a
``latest`` deadline whose computed last day is not a working day (only possible for periods in days,
months or years: N working days always end on a working day) when ``calendar.period_end`` is
``next_workday`` (the default). It does not apply to an ``earliest`` bound (a first day to act is
not a period running out) nor to sanction terms (a suspension is a status, not a time limit to act).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from engine.base.dates import date_problem, parse_date
from engine.errors import CalendarError, DeadlineError, Location, did_you_mean
from engine.spec.rulebook import RulebookSpec
from engine.spec.time import Deadline
from engine.spec.vocabulary import DEADLINE_KINDS

#: The deadline kinds of the shared vocabulary (GLOSSARY.md), in its order.
KINDS = DEADLINE_KINDS


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline: the date, the rule it comes from, and how it was counted."""

    rulebook: str
    kind: str
    start: _dt.date
    deadline: _dt.date
    computed: _dt.date          # before 民法典 第二百零三条 moved it off a holiday (same when not moved)
    rule: Deadline
    notes: Tuple[str, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        """The JSON of ``yibao deadline --json``."""
        rule = self.rule
        return {
            "deadline": self.deadline.isoformat(),
            "kind": self.kind,
            "article": rule.legal.article,
            "from": self.start.isoformat(),
            "from_means": rule.start,
            "text": rule.legal.text,
            "label": rule.label,
            "rulebook": self.rulebook,
            "bound": rule.bound,
            "expression": rule.expression.text,
            "computed": self.computed.isoformat(),
            "interpretation": rule.legal.interpretation,
            "notes": list(self.notes),
        }


def _as_date(value: Any) -> _dt.date:
    day = parse_date(value)
    if day is None:
        raise DeadlineError(date_problem(value), Location(field="from"))
    return day


def unknown_kind(rulebook: RulebookSpec, kind: str) -> DeadlineError:
    """The error for a kind the rulebook does not define, listing the kinds it does."""
    defined = list(rulebook.deadlines)
    listing = ", ".join(defined) if defined else "none"
    if kind in KINDS:
        message = f"{rulebook.id} defines no '{kind}' deadline; it defines: {listing}"
    else:
        message = (f"unknown deadline kind '{kind}'; {rulebook.id} defines: {listing}"
                   + did_you_mean(kind, defined or KINDS))
    return DeadlineError(message, Location(field="kind"))


def compute_deadline(rulebook: RulebookSpec, kind: str, start: Any) -> DeadlineResult:
    """The deadline of ``kind`` counted from ``start`` on ``rulebook``'s calendar (see module doc)."""
    rule = rulebook.deadlines.get(kind)
    if rule is None:
        raise unknown_kind(rulebook, kind)
    day = _as_date(start)
    # A time limit of this document starts from an act under it: not before it took effect.
    if day < rulebook.effective_from:
        raise DeadlineError(f"{day} is before {rulebook.id} took effect on {rulebook.effective_from}",
                            Location(field="from"))
    if rulebook.effective_until is not None and day > rulebook.effective_until:
        raise DeadlineError(f"{day} is after {rulebook.id} ceased to apply on {rulebook.effective_until}",
                            Location(field="from"))
    try:
        computed = rule.expression({"from": day})
    except CalendarError as error:
        # Point at the rulebook: that is where the missing year's overrides go.
        raise CalendarError(f"{error.message} (calendar.overrides and calendar.complete_years in "
                            f"{rulebook.id}); deadline {kind} from {day}", rule.location) from None
    notes: List[str] = []
    calendar = rulebook.calendar
    final = computed
    if rule.bound == "latest" and calendar.period_end == "next_workday":
        try:
            if not calendar.is_workday(computed):
                final = calendar.next_workday(computed)
                notes.append(f"{computed} is not a working day: the period runs to {final} "
                             "(民法典 第二百零三条, calendar.period_end=next_workday)")
        except CalendarError as error:
            raise CalendarError(error.message, rule.location) from None
    counting = ("counting starts the day after " + day.isoformat() if calendar.count_from == "next_day"
                else "the start day counts when it is a working day")
    notes.insert(0, f"{rule.expression.text} with from = {day} ({rule.start}); {counting} "
                    f"(calendar.count_from={calendar.count_from})")
    return DeadlineResult(rulebook.id, kind, day, final, computed, rule, tuple(notes))
