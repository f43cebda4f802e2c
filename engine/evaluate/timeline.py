"""The status timeline: consecutive periods (normal, term, awaiting restoration, banned, ban over)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, List, Optional

from engine.evaluate.records import UNSET, Period, Status

_ONE_DAY = _dt.timedelta(days=1)


class Timeline:
    """The periods of one person's status, without gaps: each starts the day after the previous ends."""

    __slots__ = ("periods",)

    def __init__(self) -> None:
        self.periods: List[Period] = [Period("normal", None, None, "normal")]

    @property
    def current(self) -> Period:
        return self.periods[-1]

    @property
    def state(self) -> str:
        return self.periods[-1].state

    def enter(self, state: str, start: _dt.date, until: Optional[_dt.date], phase: str, **extra: Any) -> Period:
        """Begin a period on ``start``; the running one ends the day before (or is replaced when it
        began the same day)."""
        last = self.periods[-1]
        if last.start is not None and last.start >= start:
            self.periods.pop()
        else:
            last.until = start - _ONE_DAY
        period = Period(state, start, until, phase, **extra)
        self.periods.append(period)
        return period

    def status_on(self, day: _dt.date) -> Status:
        """The status on ``day``: the period that covers it, with the last day of its term or ban."""
        current = self.periods[0]
        for period in self.periods:
            if period.start is None or period.start <= day:
                current = period
        until: Optional[_dt.date] = None
        if current.state == "suspended":
            until = current.term_until if current.term_until is not UNSET else current.until
        elif current.state == "terminated":
            until = current.ban_until if current.ban_until is not UNSET else None
        return Status(day, current.state, until, current.phase,
                      True if current.awaiting_restoration is True else UNSET)
