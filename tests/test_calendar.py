"""Tests of engine.base.calendar: holiday data, 调休 days, overrides, month ends, and properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.base.calendar import (
    Duration,
    WorkCalendar,
    add_days,
    add_months,
    add_years,
    default_calendar,
)
from engine.errors import CalendarError, YibaoError

cal = default_calendar()


# --- The pinned example: appeal within 10 working days of a notice received 2025-09-28 ---------


def test_national_day_2025_days():
    # Holiday Oct 1-8 (National Day + Mid-Autumn); Sun Sep 28 and Sat Oct 11 are 调休 working days.
    for day in range(1, 9):
        assert not cal.is_workday(date(2025, 10, day))
    assert cal.is_workday(date(2025, 9, 28))  # Sunday
    assert cal.is_workday(date(2025, 10, 11))  # Saturday
    assert not cal.is_workday(date(2025, 10, 12))  # ordinary Sunday


def test_appeal_deadline_inner_mongolia_pinned():
    # Counting starts 9-29: 9-29, 9-30, 10-9, 10-10, 10-11, 10-13, 14, 15, 16, 17 -> 10 days.
    assert cal.add_workdays(date(2025, 9, 28), 10) == date(2025, 10, 17)
    assert Duration(10, "workdays").add_to(date(2025, 9, 28), cal) == date(2025, 10, 17)
    assert cal.workdays_between(date(2025, 9, 28), date(2025, 10, 17)) == 10


def test_count_start_day():
    # 9-28 is a 调休 working day, so counting it moves the deadline back one working day.
    assert cal.add_workdays(date(2025, 9, 28), 10, count_start_day=True) == date(2025, 10, 16)
    assert cal.add_workdays(date(2025, 9, 28), 1, count_start_day=True) == date(2025, 9, 28)
    # A start day that is a holiday does not count either way.
    assert cal.add_workdays(date(2025, 10, 1), 1, count_start_day=True) == date(2025, 10, 9)
    assert cal.add_workdays(date(2025, 10, 1), 1) == date(2025, 10, 9)


def test_add_workdays_needs_positive_n():
    with pytest.raises(ValueError):
        cal.add_workdays(date(2025, 1, 2), 0)


# --- Spring Festival 2025 ------------------------------------------------------------------------


def test_spring_festival_2025():
    for offset in range(8):  # Jan 28 .. Feb 4
        assert not cal.is_workday(date(2025, 1, 28) + timedelta(days=offset))
    assert cal.is_workday(date(2025, 1, 26))  # Sunday, 调休
    assert cal.is_workday(date(2025, 2, 8))  # Saturday, 调休
    assert cal.is_workday(date(2025, 1, 27))
    assert cal.is_workday(date(2025, 2, 5))
    # Received Mon Jan 27: 1st working day is Feb 5, 4th is Sat Feb 8.
    assert cal.add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert cal.add_workdays(date(2025, 1, 27), 4) == date(2025, 2, 8)


# --- Month ends (民法典 第二百零二条) --------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 4, 10), 2, date(2025, 6, 10)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months(start, n, expected):
    assert add_months(start, n) == expected
    assert cal.add_months(start, n) == expected


def test_add_years():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2025, 6, 1), 3) == date(2028, 6, 1)
    assert cal.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_add_days():
    assert add_days(date(2025, 2, 27), 2) == date(2025, 3, 1)
    assert cal.add_days(date(2025, 3, 1), -1) == date(2025, 2, 28)


def test_duration_units():
    d = date(2025, 1, 31)
    assert Duration(1, "months").add_to(d, cal) == date(2025, 2, 28)
    assert Duration(2, "years").add_to(d, cal) == date(2027, 1, 31)  # no holiday data needed
    assert Duration(3, "days").add_to(d, cal) == date(2025, 2, 3)
    assert Duration(1, "workdays").add_to(date(2025, 1, 27)) == date(2025, 2, 5)  # default calendar
    assert str(Duration(10, "workdays")) == "10 workdays"
    with pytest.raises(ValueError):
        Duration(1, "weeks")  # type: ignore[arg-type]


# --- Overrides and missing data -------------------------------------------------------------------


def test_local_holiday_override_turns_workday_off():
    local = WorkCalendar({date(2025, 10, 13): "holiday"})
    assert cal.is_workday(date(2025, 10, 13))
    assert not local.is_workday(date(2025, 10, 13))
    assert local.add_workdays(date(2025, 9, 28), 10) == date(2025, 10, 20)
    assert local.workdays_between(date(2025, 9, 28), date(2025, 10, 17)) == 9


def test_workday_override_turns_weekend_on():
    local = WorkCalendar({date(2025, 10, 12): "workday"})
    assert local.is_workday(date(2025, 10, 12))
    assert local.add_workdays(date(2025, 9, 28), 10) == date(2025, 10, 16)


def test_bad_override_kind():
    with pytest.raises(CalendarError, match="expected 'workday' or 'holiday'"):
        WorkCalendar({date(2025, 1, 1): "rest"})  # type: ignore[dict-item]


def test_2027_without_data_raises():
    with pytest.raises(CalendarError) as info:
        cal.is_workday(date(2027, 3, 1))
    # The error says which year is missing, what each source covers, and where the year goes.
    message = str(info.value)
    assert message.startswith("no holiday data for 2027 (chinese-calendar ")
    assert "2004–2026" in message and "state-council.yaml: 2024–2026" in message
    assert "add 2027 from the 国务院办公厅关于2027年部分节假日安排的通知 to " in message
    assert "docs/officers-guide.md" in message
    assert isinstance(info.value, YibaoError)
    assert not cal.covers(2027)
    assert cal.covers(2026)


def test_add_workdays_running_into_2027_raises():
    # Never a silent Monday-Friday fallback: counting past 2026-12-31 needs 2027 data.
    with pytest.raises(CalendarError, match="2027"):
        cal.add_workdays(date(2026, 12, 28), 10)


def test_override_alone_does_not_cover_2027():
    # One overridden day answers for itself, but the rest of the year is still unknown.
    partial = WorkCalendar({date(2027, 1, 1): "holiday"})
    assert not partial.is_workday(date(2027, 1, 1))
    with pytest.raises(CalendarError, match="no holiday data for 2027"):
        partial.is_workday(date(2027, 1, 4))


def test_complete_year_2027_with_overrides():
    # Illustrative overrides, not the real 2027 schedule.
    overrides = {
        date(2027, 1, 1): "holiday",  # Fri, New Year
        date(2027, 2, 5): "holiday",  # Fri
        date(2027, 2, 6): "workday",  # Sat, 调休
    }
    local = WorkCalendar(overrides, complete_years=[2027])
    assert local.covers(2027)
    assert not local.is_workday(date(2027, 1, 1))
    assert local.is_workday(date(2027, 1, 4))  # Monday, plain week
    assert not local.is_workday(date(2027, 1, 2))  # Saturday, plain week
    assert local.is_workday(date(2027, 2, 6))
    # Received Thu 2026-12-31 (package data): Fri 1-1 off, weekend, Mon 1-4 is the 1st.
    assert local.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert local.add_workdays(date(2027, 2, 4), 1) == date(2027, 2, 6)
    assert local.workdays_between(date(2026, 12, 31), date(2027, 1, 8)) == 5


def test_years_restricts_package_data():
    pinned = WorkCalendar(years=range(2024, 2026))
    assert pinned.is_workday(date(2025, 9, 28))
    assert not pinned.covers(2026)
    with pytest.raises(CalendarError, match="no holiday data for 2026"):
        pinned.is_workday(date(2026, 3, 2))


def test_default_calendar_is_cached():
    assert default_calendar() is default_calendar()


def test_workdays_between_edges():
    d = date(2025, 10, 9)
    assert cal.workdays_between(d, d) == 0
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert cal.workdays_between(date(2025, 10, 17), date(2025, 9, 28)) == -10


# --- Properties ----------------------------------------------------------------------------------

# Starts well inside the package's data so that 60 working days never leave 2004-2026.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30))
counts = st.integers(min_value=1, max_value=60)


@settings(max_examples=200, deadline=None)
@given(starts, counts)
def test_add_workdays_lands_on_a_workday(start, n):
    end = cal.add_workdays(start, n)
    assert end > start
    assert cal.is_workday(end)


@settings(max_examples=200, deadline=None)
@given(starts, counts)
def test_add_workdays_strictly_increasing(start, n):
    assert cal.add_workdays(start, n) < cal.add_workdays(start, n + 1)


@settings(max_examples=200, deadline=None)
@given(starts, counts)
def test_workdays_between_inverts_add_workdays(start, n):
    assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.integers(-240, 240))
def test_add_months_keeps_day_or_clamps_to_month_end(start, n):
    end = add_months(start, n)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    if end.day != start.day:
        assert end.day < start.day
        assert (end + timedelta(days=1)).day == 1  # clamped to the last day of the month
