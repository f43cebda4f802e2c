"""Dates as the engine accepts them: ISO ``YYYY-MM-DD`` text or date objects, nothing looser."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> Optional[_dt.date]:
    """``YYYY-MM-DD`` text (or a date) as a date; None for anything else (week dates, ``20250928``)."""
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


def iso(value: Optional[_dt.date]) -> Optional[str]:
    """A date as ``YYYY-MM-DD`` text (None stays None)."""
    return value.isoformat() if value is not None else None
