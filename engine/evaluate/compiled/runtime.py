"""What generated evaluators import: the fallback marker and the few helpers they share.

Generated code (engine/evaluate/compiled/module.py) imports only from here, so its source stays
readable (``yibao compile RULEBOOK --show``) and every helper has exactly the interpreter's
behaviour: dates are read by :func:`engine.base.dates.parse_date`, months and years counted by
:mod:`engine.base.calendar`, numbers written by :func:`engine.evaluate.records.number`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from math import isfinite
from operator import itemgetter
from typing import Any, Callable, Dict, List, Optional, Tuple

from engine.base.calendar import add_days, add_months, add_years
from engine.base.dates import parse_date
from engine.base.schemas import fast_check
from engine.dsl.functions import FUNCTIONS, InclusiveRange
from engine.base.numbers import number

__all__ = ["FALLBACK", "Fallback", "day_of", "enter", "add_days", "add_months", "add_years", "number",
           "FUNCTIONS", "InclusiveRange", "ONE_DAY", "DATE", "DAYS", "EVENT_KEYS", "FIRST", "show", "isfinite",
           "valid_case"]

ONE_DAY = _dt.timedelta(days=1)
DATE = _dt.date
#: The sort key of the generated code's event tuples: their date.
FIRST = itemgetter(0)


class Fallback:
    """The answer of a generated evaluator for a case it does not cover, or cannot judge: the
    interpreter (engine/evaluate) then evaluates the case, and raises its own located error for
    invalid input."""

    _instance: Optional["Fallback"] = None

    def __new__(cls) -> "Fallback":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "FALLBACK"


FALLBACK = Fallback()

#: ISO date text → date, for the texts seen so far (a ledger's dates repeat; parse_date decides once).
DAYS: Dict[str, _dt.date] = {}
_MAX_DAYS = 200_000


@functools.lru_cache(maxsize=None)
def _case_check() -> Callable[[Any], bool]:
    return fast_check("case")


def valid_case(case: Any) -> bool:
    """jsonschema-rs's verdict on a case the generated code's own checks could not prove valid (its
    validator is built on first use: a case they prove valid never needs it)."""
    return _case_check()(case)


def day_of(text: Any) -> Optional[_dt.date]:
    """The date of a case's ``YYYY-MM-DD`` text, exactly as :func:`parse_date` reads it; None when it is
    not one (the generated code then falls back, and the interpreter reports the error)."""
    if type(text) is not str:
        return None
    day = DAYS.get(text)
    if day is None and text.isascii():  # the result writes dates as ISO text: only ASCII digits read back alike
        day = parse_date(text)
        if day is not None:
            if len(DAYS) >= _MAX_DAYS:
                DAYS.clear()
            DAYS[text] = day
    return day


#: ``'#event-<index>'``: the inspection and behaviour of an event that names none (engine/cases/person.py).
EVENT_KEYS = tuple(f"#event-{index}" for index in range(256))


#: The optional fields of a status period, in the order the result writes them (records.py ``Period``).
PERIOD_FIELDS = ("awaiting_restoration", "term_until", "ban_until", "reading", "decision", "article", "restored_by",
                 "cause")


def enter(periods: List[Dict[str, Any]], state: str, start: _dt.date, until: Optional[str], phase: str,
          fields: Dict[str, Any]) -> None:
    """Begin a status period (engine/evaluate/timeline.py ``Timeline.enter``): the running one ends
    the day before, or is replaced when it began the same day. Periods hold their dates as the result
    writes them (ISO text, which orders as the dates do)."""
    last = periods[-1]
    text = start.isoformat()
    if last["from"] is not None and last["from"] >= text:
        periods.pop()
    else:
        last["until"] = (start - ONE_DAY).isoformat()
    period = {"state": state, "from": text, "until": until, "phase": phase}
    for name in PERIOD_FIELDS:
        if name in fields:
            period[name] = fields[name]
    periods.append(period)


def show(periods: List[Dict[str, Any]], day: _dt.date, term: Optional[Tuple[Any, ...]],
         normal: Optional[Dict[str, Any]] = None) -> None:
    """engine/evaluate/tracks.py ``show`` for a person under one term at most (the cases generated code
    covers): ``term`` is (state, phase, until, decision, cause, article), or None. The timeline then
    shows what the term makes of the status from ``day`` on: a new period when the status, its phase
    or its cause changes, else the running period's end moves."""
    if term is None:
        kind, phase, fields = "normal", "normal", dict(normal or {})
    else:
        kind, phase, until, decision, cause, article = term
        until = until.isoformat()
        fields = {"decision": decision, "cause": cause}
        if phase == "term":
            fields.update(until=until, article=article)
        elif phase == "awaiting_restoration":
            fields.update(awaiting_restoration=True, term_until=until, reading="after_term=awaiting_restoration")
        elif phase == "banned":
            fields.update(ban_until=until, article=article)
        else:
            fields.update(ban_until=until)
    current = periods[-1]
    if current["state"] == kind and current["phase"] == phase and current.get("cause") == fields.get(
            "cause", current.get("cause")):
        if phase == "term":
            current["until"] = fields["until"]
        elif phase == "awaiting_restoration":
            current["term_until"] = fields["term_until"]
        elif phase in ("banned", "ban_over"):
            current["ban_until"] = fields["ban_until"]
        return
    enter(periods, kind, day, fields.pop("until", None), phase, fields)
