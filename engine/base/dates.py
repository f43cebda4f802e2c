"""Dates as the engine accepts them: ISO ``YYYY-MM-DD`` text or date objects, nothing looser."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional

from engine.base.limits import MAX_YEAR, MIN_YEAR

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _any_date(value: Any) -> Optional[_dt.date]:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value)
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_date(value: Any) -> Optional[_dt.date]:
    """``YYYY-MM-DD`` text (or a date) in the years the engine accepts (1900–2200) as a date; None for
    anything else (week dates, ``20250928``, ``9999-12-31``)."""
    day = _any_date(value)
    return day if day is not None and MIN_YEAR <= day.year <= MAX_YEAR else None


def date_problem(value: Any) -> str:
    """Why ``value`` is not an accepted date (empty when it is one), in words for an error message."""
    day = _any_date(value)
    if day is None:
        return f"'{value}' is not a date; expected YYYY-MM-DD"
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return f"'{value}' is outside the years {MIN_YEAR}–{MAX_YEAR} the engine counts in"
    return ""


def iso(value: Optional[_dt.date]) -> Optional[str]:
    """A date as ``YYYY-MM-DD`` text (None stays None)."""
    return value.isoformat() if value is not None else None
