"""The State Council schedule file (calendars/state-council.yaml, YIBAO_CALENDAR, `yibao --calendar`):
schema and date errors located, a missing year an honest error, a file year extending the package,
a file year correcting it (the file wins, and says so), and `yibao calendar`.

Every year written in a temporary file here is FICTITIOUS — a test fixture, not a State Council
schedule (2027's has not been published when this is written).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from engine.base.calendar import WorkCalendar, default_calendar
from engine.base.holidays import ENV_VAR, active_schedules, bundled_file, coverage, read_schedule_file, use_calendar_file
from engine.errors import CalendarError, SchemaError, YibaoError
from engine import load_rulebook

ROOT = Path(__file__).resolve().parent.parent

# TEST FIXTURE: a fictitious 2027 (not the State Council's; its notice is not published yet).
FICTITIOUS_2027 = """\
years:
  2027:
    notice: 测试用虚构年份（TEST FIXTURE，并非国务院办公厅通知）
    document: TEST-FIXTURE-2027
    festivals:
      - {festival: 元旦, holidays: "2027-01-01..2027-01-03"}
      - {festival: 虚构节日, holidays: "2027-01-11..2027-01-13", workdays: ["2027-01-09"]}
"""


@pytest.fixture(autouse=True)
def restore_schedules(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    use_calendar_file(None)
    yield
    monkeypatch.delenv(ENV_VAR, raising=False)
    use_calendar_file(None)


def write(tmp_path: Path, text: str, name: str = "schedules.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


# --- The bundled file ------------------------------------------------------------------------------


def test_bundled_file_is_valid_and_agrees_with_the_package():
    # 2024-2026 are copied from the notices; the package holds them too: not one day differs.
    path = bundled_file()
    assert path is not None and path.name == "state-council.yaml"
    years = read_schedule_file(str(path))
    assert sorted(years) == [2024, 2025, 2026]
    schedules = active_schedules()
    assert schedules.origin == "bundled"
    for year in (2024, 2025, 2026):
        source = schedules.sources[year]
        assert source.source == "file" and source.also_in_package and source.corrects == ()
        assert source.notice == f"国务院办公厅关于{year}年部分节假日安排的通知" and source.url.startswith("https://www.gov.cn/")


def test_bundled_file_days_by_hand():
    # 2026 notice: 春节 2-15..2-23 off, 2-14 and 2-28 (Saturdays) worked; 元旦 1-1..1-3 off, 1-4 (Sunday) worked.
    cal = default_calendar()
    assert not cal.is_workday(date(2026, 2, 23)) and cal.is_workday(date(2026, 2, 24))
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))
    assert cal.is_workday(date(2026, 1, 4)) and not cal.is_workday(date(2026, 1, 2))


# --- A missing year --------------------------------------------------------------------------------


def test_missing_year_is_an_honest_error_naming_the_year_and_the_file():
    with pytest.raises(CalendarError) as caught:
        default_calendar().add_workdays(date(2026, 12, 18), 10)  # runs into 2027
    message = caught.value.message
    assert message.startswith("no holiday data for 2027 (")
    assert str(bundled_file()) in message and "国务院办公厅关于2027年部分节假日安排的通知" in message


def test_deadline_into_2027_fails_with_the_file_to_add_it_to():
    # From mid-December 2026 a 10-working-day clock reaches 2027: an error, never a Monday-Friday guess.
    rulebook = load_rulebook("inner-mongolia")
    with pytest.raises(CalendarError, match=r"no holiday data for 2027 .*state-council\.yaml"):
        rulebook.deadline("appeal", "2026-12-18")


# --- A file year extends the package ---------------------------------------------------------------


def test_file_year_extends_the_package(tmp_path):
    use_calendar_file(write(tmp_path, FICTITIOUS_2027))
    cal = default_calendar()
    assert cal.covers(2027)
    # Fictitious 2027: 1-1..1-3 and 1-11..1-13 off, Saturday 1-9 worked; other days Monday-Friday.
    assert not cal.is_workday(date(2027, 1, 1)) and cal.is_workday(date(2027, 1, 4))
    assert cal.is_workday(date(2027, 1, 9)) and not cal.is_workday(date(2027, 1, 10))
    assert not cal.is_workday(date(2027, 1, 12))
    # Counted by hand from Fri 2026-12-18: 12-21..12-25 (5), 12-28..12-31 (9), [1-1..1-3 off], 1-4 (10).
    assert load_rulebook("inner-mongolia").deadline("appeal", "2026-12-18").deadline == date(2027, 1, 4)
    # From Fri 2027-01-01: 1-4..1-8 (5), 1-9 调休 Sat (6), [1-10 Sun, 1-11..1-13 off], 1-14, 1-15 (8), 1-18, 1-19 (10).
    assert cal.add_workdays(date(2027, 1, 1), 10) == date(2027, 1, 19)
    # 2028 is still unknown, and says so.
    with pytest.raises(CalendarError, match="no holiday data for 2028"):
        cal.is_workday(date(2028, 3, 1))
    data = coverage()
    entry = next(item for item in data["years"] if item["year"] == 2027)
    assert entry["source"] == "file" and entry["document"] == "TEST-FIXTURE-2027" and not entry["also_in_package"]
    assert data["first_missing"] == 2028 and data["file_origin"] == "option"


def test_rulebook_years_restriction_applies_to_the_file_too(tmp_path):
    use_calendar_file(write(tmp_path, FICTITIOUS_2027))
    pinned = WorkCalendar(years=[2026])
    with pytest.raises(CalendarError, match="calendar.years"):
        pinned.is_workday(date(2027, 1, 4))


# --- A file year that disagrees with the package: the file wins, and says where --------------------


def test_file_year_corrects_the_package_and_wins(tmp_path):
    # TEST FIXTURE: 2025 as the notice has it, but with 10-9 also off (a fictitious correction).
    text = """\
    years:
      2025:
        notice: 测试用更正（TEST FIXTURE）
        document: TEST-FIXTURE-2025
        festivals:
          - {festival: 元旦, holidays: "2025-01-01"}
          - {festival: 春节, holidays: "2025-01-28..2025-02-04", workdays: ["2025-01-26", "2025-02-08"]}
          - {festival: 清明节, holidays: "2025-04-04..2025-04-06"}
          - {festival: 劳动节, holidays: "2025-05-01..2025-05-05", workdays: ["2025-04-27"]}
          - {festival: 端午节, holidays: "2025-05-31..2025-06-02"}
          - {festival: 国庆节、中秋节, holidays: "2025-10-01..2025-10-09", workdays: ["2025-09-28", "2025-10-11"]}
    """
    use_calendar_file(write(tmp_path, text))
    assert not default_calendar().is_workday(date(2025, 10, 9))
    # Appeal from 2025-09-28 (内蒙古 第二十五条): 9-29, 9-30, [10-1..10-9 off], 10-10, 10-11 调休, 10-13..10-17 (9),
    # 10-20 (10) — one working day later than with the package (10-17).
    assert load_rulebook("inner-mongolia").deadline("appeal", "2025-09-28").deadline == date(2025, 10, 20)
    entry = next(item for item in coverage()["years"] if item["year"] == 2025)
    assert entry["source"] == "file" and entry["also_in_package"] and entry["corrects_package"] == ["2025-10-09"]
    # 2024 and 2026 are not in this file: the package answers for them.
    assert next(item for item in coverage()["years"] if item["year"] == 2026)["source"] == "package"


# --- Errors in the file are located ----------------------------------------------------------------


@pytest.mark.parametrize("body, error, line, needle", [
    ("years:\n  2027:\n    document: X\n    festivals: [{festival: 元旦, holidays: \"2027-01-01\"}]\n",
     SchemaError, 3, "notice"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    festivals: [{festival: 元旦, holidays: \"2027-01-01\"}]\n",
     SchemaError, 3, "url"),
    ("years:\n  27:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n    festivals: []\n",
     SchemaError, 2, "27"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 元旦, holidays: \"2027/01/01\"}\n", SchemaError, 6, "holidays"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 元旦, holiday: \"2027-01-01\"}\n", SchemaError, 6, "holiday"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 春节, holidays: \"2027-02-30\"}\n", CalendarError, 6, "'2027-02-30' is not a date"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 春节, holidays: \"2027-02-10..2027-02-03\"}\n", CalendarError, 6, "end"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - festival: 春节\n        holidays: \"2027-02-06..2027-02-12\"\n        workdays:\n"
     "          - \"2027-02-15\"\n", CalendarError, 9, "星期一"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 元旦, holidays: \"2028-01-01\"}\n", CalendarError, 6, "not in 2027"),
    ("years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
     "    festivals:\n      - {festival: 春节, holidays: \"2027-02-06..2027-02-12\", workdays: [\"2027-02-06\"]}\n",
     CalendarError, 6, "both a holiday and a working day"),
    ("years:\n  2027:\n  2027:\n", SchemaError, 3, "duplicate key"),
])
def test_errors_are_located(tmp_path, body, error, line, needle):
    path = write(tmp_path, body)
    with pytest.raises(error) as caught:
        use_calendar_file(path)
    assert needle in caught.value.one_line()
    assert caught.value.location.file == path and caught.value.location.line == line
    # A bad file is refused as a whole: the schedules in effect are unchanged.
    assert active_schedules().origin == "bundled"


def test_env_var_naming_a_missing_file(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere.yaml"))
    with pytest.raises(CalendarError, match=f"{ENV_VAR} names .*nowhere.yaml, which is not a file"):
        use_calendar_file(None)


# --- The command line ------------------------------------------------------------------------------


def yibao(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={**os.environ, **(env or {})})


def test_cli_calendar_lists_years_and_sources():
    run = yibao("calendar")
    assert run.returncode == 0, run.stderr
    assert "2004–2023  package (chinese-calendar" in run.stdout
    assert "2025  file: 国务院办公厅关于2025年部分节假日安排的通知 https://www.gov.cn/" in run.stdout
    assert "not covered from 2027" in run.stdout
    data = json.loads(yibao("calendar", "--json").stdout)
    assert data["file_origin"] == "bundled" and data["first_missing"] == 2027
    assert [y["year"] for y in data["years"] if y["source"] == "file"] == [2024, 2025, 2026]


def test_cli_env_var_and_option(tmp_path):
    path = write(tmp_path, FICTITIOUS_2027)
    data = json.loads(yibao("calendar", "--json", env={ENV_VAR: path}).stdout)
    assert data["file"] == path and data["file_origin"] == "env" and data["first_missing"] == 2028
    run = yibao("--calendar", path, "deadline", "inner-mongolia", "appeal", "2026-12-18")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "2027-01-04"
    run = yibao("deadline", "inner-mongolia", "appeal", "2026-12-18")
    assert run.returncode == 2 and run.stdout == "" and len(run.stderr.strip().splitlines()) == 1
    assert "no holiday data for 2027 (" in run.stderr


def test_cli_bad_file_is_one_located_line_exit_2(tmp_path):
    path = write(tmp_path, "years:\n  2027:\n    notice: 国务院办公厅关于2027年部分节假日安排的通知\n    document: X\n"
                           "    festivals:\n      - {festival: 元旦, holidays: \"2027-13-01\"}\n")
    run = yibao("--calendar", path, "calendar")
    assert run.returncode == 2 and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:6:" in lines[0] and "not a date" in lines[0]


def test_errors_are_yibao_errors():
    assert issubclass(CalendarError, YibaoError) and issubclass(SchemaError, YibaoError)


# --- Property: with the bundled file, every day of the package's years answers as the package does ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_bundled_schedules_agree_with_the_package_every_day(day):
    import chinese_calendar

    assert default_calendar().is_workday(day) == chinese_calendar.is_workday(day)
