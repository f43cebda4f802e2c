"""What generated evaluators import: the fallback marker and the few helpers they share.

Generated code (engine/evaluate/compiled/module.py) imports only from here, so its source stays
readable (``yibao compile RULEBOOK --show``) and every helper has exactly the interpreter's
behaviour: dates are read by :func:`engine.base.dates.parse_date`, months and years counted by
:mod:`engine.base.calendar`, numbers written by :func:`engine.evaluate.records.number`.
"""

from __future__ import annotations

import datetime as _dt
from operator import itemgetter
from typing import Any, Dict, List, Optional

from engine.base.calendar import add_days, add_months, add_years
from engine.base.dates import parse_date
from engine.dsl.functions import FUNCTIONS, InclusiveRange
from engine.evaluate.records import number

__all__ = ["FALLBACK", "Fallback", "day_of", "enter", "add_days", "add_months", "add_years", "number",
           "FUNCTIONS", "InclusiveRange", "ONE_DAY", "DATE", "DAYS", "EVENT_KEYS", "FIRST", "iso_periods"]

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


def enter(periods: List[Dict[str, Any]], period: Dict[str, Any]) -> None:
    """Begin a status period (engine/evaluate/timeline.py ``Timeline.enter``): the running one ends
    the day before, or is replaced when it began the same day."""
    last = periods[-1]
    start = period["from"]
    if last["from"] is not None and last["from"] >= start:
        periods.pop()
    else:
        last["until"] = start - ONE_DAY
    periods.append(period)


def iso_periods(periods: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The periods with their dates as ``YYYY-MM-DD`` text (they are kept as dates while running)."""
    if len(periods) == 1:  # the first period alone, untouched: no dates
        return periods
    for period in periods:
        for name, value in period.items():
            if type(value) is _dt.date:
                period[name] = value.isoformat()
    return periods
