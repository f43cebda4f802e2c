"""Working days and calendar periods for deadlines (e.g. "收到通知后10个工作日内").

Working days come from the State Council holiday schedules (holidays *and* 调休 make-up working days
on weekends): the ``chinese-calendar`` package, extended or corrected by the project's schedule file
(:mod:`engine.base.holidays`), plus local overrides a rulebook writes in YAML. A date in a year for
which there is no data raises :class:`CalendarError` saying which year is missing and where to add
it: a silent Monday-Friday fallback would give wrong deadlines around holidays without anyone noticing.

Periods in months and years follow 民法典 第二百零二条: the period ends on the corresponding day of
the month N months later, or on the last day of that month when it has no corresponding day.
"""

from __future__ import annotations

# The stdlib module under another name: this module is itself called ``calendar``.
import calendar as _stdlib_calendar
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Literal, Mapping, Optional, get_args

from engine.base.frozen import FrozenDict
from engine.base.lazy import lazy_module
from engine.errors import CalendarError

# The State Council schedules are read only to count working days, not to add months or years.
holidays = lazy_module("engine.base.holidays")

DayKind = Literal["workday", "holiday"]
Unit = Literal["workdays", "days", "months", "years"]


def _as_date(d: date) -> date:
    # ``datetime`` is a subclass of ``date`` and would never compare equal to an override key.
    return d.date() if isinstance(d, datetime) else d


class WorkCalendar:
    """Which days are working days, and date arithmetic on them.

    ``overrides`` maps a date to ``'workday'`` or ``'holiday'`` (local adjustments, e.g. a regional
    holiday); they win over the State Council schedules. ``complete_years`` are years whose overrides
    are declared complete: outside the overrides, Monday-Friday are working days — a rulebook's own
    way to supply a year (the project's schedule file is the usual one, shared by every rulebook).
    ``years``, when given, restricts the years in which the State Council schedules are trusted (e.g.
    to pin a rulebook to the schedules it was checked against); by default every year they cover.
    """

    def __init__(
        self,
        overrides: Optional[Mapping[date, DayKind]] = None,
        *,
        complete_years: Iterable[int] = (),
        years: Optional[Iterable[int]] = None,
    ) -> None:
        found: dict[date, bool] = {}
        for day, kind in (overrides or {}).items():
            if kind not in get_args(DayKind):
                raise CalendarError(
                    f"calendar override for {day}: expected 'workday' or 'holiday', got {kind!r}"
                )
            found[_as_date(day)] = kind == "workday"
        # A calendar is shared by every evaluation of its rulebook: once made, it never changes.
        object.__setattr__(self, "_overrides", FrozenDict(found))
        object.__setattr__(self, "_complete_years", frozenset(complete_years))
        object.__setattr__(self, "_years", None if years is None else frozenset(years))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a WorkCalendar is immutable")

    def _state_council(self, d: date) -> Optional[bool]:
        """The State Council schedules' answer, or None when they (or ``years``) have no data for ``d``."""
        if self._years is not None and d.year not in self._years:
            return None
        return holidays.active_schedules().lookup(d)

    def covers(self, year: int) -> bool:
        """Whether every day of ``year`` can be answered without raising."""
        if year in self._complete_years:
            return True
        return (self._years is None or year in self._years) and year in holidays.active_schedules().years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day: override, then the State Council schedules, then a complete year.

        Raises :class:`CalendarError` when the year has no data and ``d`` is not overridden; the
        message names the year and the file to add it to.
        """
        d = _as_date(d)
        if d in self._overrides:
            return self._overrides[d]
        answer = self._state_council(d)
        if answer is not None:
            return answer
        if d.year in self._complete_years:
            # The overrides list every holiday and 调休 day of this year; the rest is the plain week.
            return d.weekday() < 5
        if self._years is not None and d.year not in self._years:
            raise CalendarError(f"no holiday data for {d.year}: the rulebook's calendar.years "
                                f"({', '.join(map(str, sorted(self._years)))}) leaves it out")
        raise CalendarError(holidays.active_schedules().missing(d.year))

    def add_workdays(self, start: date, n: int, *, count_start_day: bool = False) -> date:
        """The n-th working day counting from the day after ``start`` (n >= 1).

        "收到…后N个工作日内": the day of receipt does not count, counting starts the next day.
        With ``count_start_day`` the start day itself counts when it is a working day.
        """
        if n < 1:
            raise ValueError(f"add_workdays needs n >= 1, got {n}")
        d = _as_date(start) if count_start_day else _as_date(start) + timedelta(days=1)
        while True:
            # Terminates: every covered year has working days, an uncovered one raises.
            if self.is_workday(d):
                n -= 1
                if n == 0:
                    return d
            d += timedelta(days=1)

    def workdays_between(self, a: date, b: date) -> int:
        """The number of working days in (a, b]; negative when b is before a."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    # Plain calendar arithmetic, also as methods so that callers only need a calendar object.
    def add_days(self, start: date, n: int) -> date:
        """``start`` plus ``n`` calendar days."""
        return add_days(start, n)

    def add_months(self, start: date, n: int) -> date:
        """The corresponding day ``n`` months later, clamped to the month end (第二百零二条)."""
        return add_months(start, n)

    def add_years(self, start: date, n: int) -> date:
        """The corresponding day ``n`` years later, clamped to the month end (第二百零二条)."""
        return add_years(start, n)


def add_days(start: date, n: int) -> date:
    """``start`` plus ``n`` calendar days."""
    return _as_date(start) + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """The corresponding day of the month ``n`` months later (民法典 第二百零二条).

    Without a corresponding day the last day of that month is used: 2025-01-31 + 1 month is
    2025-02-28, 2024-01-31 + 1 month is 2024-02-29.
    """
    start = _as_date(start)
    index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    day = start.day
    if day > 28:  # only days 29-31 can lack a corresponding day (monthrange is slow on a hot path)
        day = min(day, _stdlib_calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(start: date, n: int) -> date:
    """The corresponding day ``n`` years later; 2024-02-29 + 1 year is 2025-02-28."""
    return add_months(start, 12 * n)


@dataclass(frozen=True)
class Duration:
    """A period as a rulebook writes it, e.g. ``Duration(10, 'workdays')``."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in get_args(Unit):
            raise ValueError(f"unknown duration unit {self.unit!r}; expected one of {get_args(Unit)}")

    def add_to(self, d: date, calendar: Optional[WorkCalendar] = None) -> date:
        """The date ``self`` after ``d``; working days use ``calendar`` (default: the package's)."""
        if self.unit == "workdays":
            return (calendar or default_calendar()).add_workdays(d, self.amount)
        if self.unit == "days":
            return add_days(d, self.amount)
        if self.unit == "months":
            return add_months(d, self.amount)
        return add_years(d, self.amount)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


@functools.lru_cache(maxsize=None)
def default_calendar() -> WorkCalendar:
    """The calendar of the package alone, without overrides (one shared instance)."""
    return WorkCalendar()


# --- Counting backwards, and one shift function per rulebook ------------------------------------

CountFrom = Literal["next_day", "same_day"]
PeriodEnd = Literal["next_workday", "as_computed"]


def subtract_workdays(calendar: WorkCalendar, start: date, n: int, *, count_start_day: bool = False) -> date:
    """The n-th working day counting backwards from the day before ``start`` (n >= 1).

    "期满前15个工作日": the mirror of :meth:`WorkCalendar.add_workdays`; with ``count_start_day``
    the start day itself counts when it is a working day.
    """
    if n < 1:
        raise ValueError(f"subtract_workdays needs n >= 1, got {n}")
    d = _as_date(start) if count_start_day else _as_date(start) - timedelta(days=1)
    while True:
        if calendar.is_workday(d):
            n -= 1
            if n == 0:
                return d
        d -= timedelta(days=1)


def next_workday(calendar: WorkCalendar, d: date) -> date:
    """``d`` itself when it is a working day, else the first working day after it."""
    d = _as_date(d)
    while not calendar.is_workday(d):
        d += timedelta(days=1)
    return d


@dataclass(frozen=True)
class RulebookCalendar:
    """A rulebook's calendar: its working days and its counting convention, written once.

    ``count_from``: ``next_day`` — "收到…后N个工作日内" counts from the day after the start day
    (民法典 第二百零一条: 开始的当日不计入); ``same_day`` — the start day counts when it is a
    working day. ``period_end``: ``next_workday`` — a deadline in days, months or years whose last
    day is a holiday runs to the next working day (民法典 第二百零三条); ``as_computed`` — it does not.
    """

    calendar: WorkCalendar
    count_from: CountFrom = "next_day"
    period_end: PeriodEnd = "next_workday"

    def shift(self, day: date, duration: Duration, sign: int = 1) -> date:
        """``day`` moved by ``duration`` forwards (sign 1) or backwards (sign -1).

        This is the ``shift`` the DSL compiler binds for every date computation of the rulebook,
        so ``from + 10 workdays`` and ``until - 15 workdays`` use the rulebook's working days.
        """
        same_day = self.count_from == "same_day"
        if duration.unit == "workdays":
            if duration.amount == 0:
                return _as_date(day)
            forwards = (sign > 0) == (duration.amount > 0)
            amount = abs(duration.amount)
            if forwards:
                return self.calendar.add_workdays(day, amount, count_start_day=same_day)
            return subtract_workdays(self.calendar, day, amount, count_start_day=same_day)
        amount = duration.amount if sign > 0 else -duration.amount
        return Duration(amount, duration.unit).add_to(day, self.calendar)

    def is_workday(self, d: date) -> bool:
        return self.calendar.is_workday(d)

    def next_workday(self, d: date) -> date:
        return next_workday(self.calendar, d)


def package_years() -> tuple[int, ...]:
    """The years the State Council schedules in effect cover (the package and the schedule file)."""
    return tuple(sorted(holidays.active_schedules().years))
