"""The State Council holiday schedules (国务院办公厅关于…年部分节假日安排的通知) the working days come from.

Two sources, one answer per day:

- the ``chinese-calendar`` package, which ships the schedules it knows (2004–2026 in 1.11);
- ONE project data file, ``calendars/state-council.yaml`` (schema ``schemas/calendar.schema.json``),
  that adds the years the package does not know yet and corrects it where it is wrong. Each year of
  the file names the 国务院办公厅 notice that published it.

**The file wins.** A year the file holds is taken from the file as a whole: the package's days of that
year are dropped, the file's holidays and 调休 working days are used, and every other day of the year
is a working day Monday–Friday. The operator who wrote a year from the notice in hand is the later and
more deliberate source; ``yibao calendar`` lists the days on which the file corrects the package, so a
disagreement is visible, never silent. A year neither source holds has no answer: the calendar raises
(see :mod:`engine.base.calendar`), never guesses Monday–Friday.

Which file: the one given by :func:`use_calendar_file` (the CLI's ``--calendar``), else the one the
``YIBAO_CALENDAR`` environment variable names, else the bundled ``calendars/state-council.yaml``.
The schedules are read once per process and shared by every rulebook's calendar.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

from engine.base.documents import PositionedDocument, load_yaml_file
from engine.base.resources import bundled_dir
from engine.base.schemas import validate
from engine.errors import CalendarError, Location

#: The environment variable that names an operator's schedule file (instead of the bundled one).
ENV_VAR = "YIBAO_CALENDAR"
#: The bundled file, relative to the project root (or to the installed ``engine`` package).
BUNDLED_NAME = Path("calendars") / "state-council.yaml"
#: Where to say a missing year goes (the section of the officer's guide).
HOW_TO_ADD = "docs/officers-guide.md, “A new year's holidays”"

_HERE = Path(__file__).resolve().parent
_WEEKDAYS = "一二三四五六日"


def bundled_file() -> Optional[Path]:
    """The schedule file shipped with the engine, or None when this installation has none."""
    try:
        candidate = bundled_dir("calendars") / BUNDLED_NAME.name
    except FileNotFoundError:
        return None
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class YearSource:
    """Where one year's schedule comes from: the package, or the file and the notice it copies."""

    year: int
    source: str                                   # package | file
    notice: Optional[str] = None                  # the 国务院办公厅 notice's title (file years)
    url: Optional[str] = None
    document: Optional[str] = None                # its number, e.g. 国办发明电〔2024〕12号, where given
    #: File years the package also has: the days on which the file says otherwise (the file wins).
    corrects: Tuple[_dt.date, ...] = ()
    also_in_package: bool = False


@dataclass(frozen=True)
class Schedules:
    """The State Council schedules in effect: an answer for every day of every covered year."""

    days: Mapping[_dt.date, bool]                 # holidays (False) and 调休 working days (True)
    years: FrozenSet[int]                         # years whose every day is known
    sources: Mapping[int, YearSource]
    file: Optional[str] = None                    # the data file read, if any
    origin: str = "none"                          # how it was chosen: option | env | bundled | none
    package_version: str = ""
    package_years: Tuple[int, int] = (0, 0)       # first and last year of the package
    file_years: Tuple[int, ...] = field(default=())

    def lookup(self, day: _dt.date) -> Optional[bool]:
        """Whether ``day`` is a working day, or None when no source covers it."""
        answer = self.days.get(day)
        if answer is not None:
            return answer
        if day.year in self.years:
            return day.weekday() < 5
        return None

    def missing(self, year: int) -> str:
        """The sentence of the error for a year without data: which sources cover what, where to add it."""
        first, last = self.package_years
        have = f"chinese-calendar {self.package_version}: {first}–{last}"
        if self.file is not None:
            have += f"; {self.file}: {years_text(self.file_years) or 'no year'}"
            where = self.file
        else:
            where = f"a schedule file ({BUNDLED_NAME}, or the file {ENV_VAR} names)"
        return (f"no holiday data for {year} ({have}): add {year} from the 国务院办公厅关于{year}年部分节假日安排的通知 "
                f"to {where}, see {HOW_TO_ADD}")


def years_text(years: Any) -> str:
    """``[2024, 2025, 2026, 2028]`` → ``2024–2026, 2028``."""
    runs: List[List[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# --- The package ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _package() -> Tuple[Dict[_dt.date, bool], FrozenSet[int], str]:
    # chinese-calendar answers for every day of the years from its first to its last holiday
    # (its own check); its tables list holidays and 调休 working days, the rest is Monday-Friday.
    import importlib.metadata  # here, not with the module: only the package's schedules need it (~12 ms)

    from chinese_calendar import constants

    days: Dict[_dt.date, bool] = {day: False for day in constants.holidays}
    days.update({day: True for day in constants.workdays})
    holiday_years = [day.year for day in constants.holidays]
    years = frozenset(range(min(holiday_years), max(holiday_years) + 1))
    return days, years, importlib.metadata.version("chinese-calendar")


# --- The file -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileYear:
    """One year of the schedule file: its days (holiday False, 调休 working day True) and its notice."""

    days: Dict[_dt.date, bool]
    source: YearSource


def _day(document: PositionedDocument, text: str, path: Tuple[Any, ...]) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise CalendarError(f"'{text}' is not a date", document.location(path)) from None


def _in_year(document: PositionedDocument, day: _dt.date, year: int, path: Tuple[Any, ...]) -> None:
    # A notice for year Y sets days of Y, and sometimes the last days of Y-1 (2012: 2011-12-31 上班).
    if day.year == year or (day.year == year - 1 and day.month == 12):
        return
    raise CalendarError(f"{day} is not in {year} (nor in December {year - 1}); list it under its own year",
                        document.location(path))


def _read_year(document: PositionedDocument, year: int, body: Mapping[str, Any]) -> FileYear:
    days: Dict[_dt.date, bool] = {}
    for index, item in enumerate(body["festivals"]):
        path = ("years", str(year), "festivals", index)
        first_text, _, last_text = str(item["holidays"]).partition("..")
        first = _day(document, first_text, path + ("holidays",))
        last = _day(document, last_text, path + ("holidays",)) if last_text else first
        if last < first:
            raise CalendarError(f"the holidays end ({last}) before they begin ({first})",
                                document.location(path + ("holidays",)))
        for day in (first, last):
            _in_year(document, day, year, path + ("holidays",))
        day = first
        while day <= last:
            days[day] = False
            day += _dt.timedelta(days=1)
        for position, text in enumerate(item.get("workdays") or ()):
            where = path + ("workdays", position)
            work = _day(document, text, where)
            _in_year(document, work, year, where)
            if work.weekday() < 5:
                raise CalendarError(f"{work} is a 星期{_WEEKDAYS[work.weekday()]}: a 调休 working day (上班) is a "
                                    "Saturday or Sunday; a weekday is a working day anyway", document.location(where))
            if days.get(work) is False:
                raise CalendarError(f"{work} is both a holiday and a working day of {year}", document.location(where))
            days[work] = True
    source = YearSource(year, "file", body.get("notice"), body.get("url"), body.get("document"))
    return FileYear(days, source)


def read_schedule_file(path: str) -> Dict[int, FileYear]:
    """Read and check a schedule file: schema first, then the dates (each error located)."""
    document = load_yaml_file(path)
    validate(document, "calendar")
    return {int(year): _read_year(document, int(year), body) for year, body in document.data["years"].items()}


# --- The schedules in effect -----------------------------------------------------------------------


def _merge(file_years: Mapping[int, FileYear], file: Optional[str], origin: str) -> Schedules:
    package_days, package_years, version = _package()
    days = {day: kind for day, kind in package_days.items() if day.year not in file_years}
    for year in sorted(file_years):
        days.update(file_years[year].days)
    years = package_years | frozenset(file_years)
    sources: Dict[int, YearSource] = {year: YearSource(year, "package") for year in package_years}
    for year, entry in file_years.items():
        corrects: Tuple[_dt.date, ...] = ()
        if year in package_years:
            corrects = tuple(day for day in _every_day(year) if _package_answer(day) != days.get(day, day.weekday() < 5))
        sources[year] = YearSource(year, "file", entry.source.notice, entry.source.url, entry.source.document,
                                   corrects, year in package_years)
    return Schedules(days, years, sources, file, origin, version, (min(package_years), max(package_years)),
                     tuple(sorted(file_years)))


def _every_day(year: int) -> List[_dt.date]:
    first = _dt.date(year, 1, 1)
    return [first + _dt.timedelta(days=n) for n in range((_dt.date(year + 1, 1, 1) - first).days)]


def _package_answer(day: _dt.date) -> Optional[bool]:
    package_days, package_years, _ = _package()
    answer = package_days.get(day)
    if answer is None and day.year in package_years:
        return day.weekday() < 5
    return answer


_lock = threading.Lock()
_chosen: Optional[str] = None        # set by use_calendar_file (the CLI option)
_active: Optional[Schedules] = None


def _locate() -> Tuple[Optional[str], str]:
    if _chosen is not None:
        return _chosen, "option"
    named = os.environ.get(ENV_VAR)
    if named:
        return named, "env"
    bundled = bundled_file()
    return (str(bundled), "bundled") if bundled is not None else (None, "none")


def schedule_file() -> Optional[str]:
    """The schedule file in effect (``--calendar``, else ``YIBAO_CALENDAR``, else the bundled one), not read."""
    return _locate()[0]


def _load() -> Schedules:
    path, origin = _locate()
    if path is None:
        return _merge({}, None, origin)
    if not Path(path).is_file():
        how = f"{ENV_VAR} names" if origin == "env" else "--calendar names"
        raise CalendarError(f"{how} {path}, which is not a file", Location(path))
    return _merge(read_schedule_file(path), path, origin)


def active_schedules() -> Schedules:
    """The schedules in effect in this process (read on first use, then shared)."""
    global _active
    schedules = _active
    if schedules is None:
        with _lock:
            if _active is None:
                _active = _load()
            schedules = _active
    return schedules


def use_calendar_file(path: Optional[str]) -> Schedules:
    """Use the schedule file ``path`` in this process from now on (None: back to ``YIBAO_CALENDAR``
    or the bundled file); it is read and checked at once, so a bad file fails here, located."""
    global _chosen, _active
    with _lock:
        previous = _chosen, _active
        _chosen, _active = path, None
    try:
        return active_schedules()
    except Exception:
        with _lock:
            _chosen, _active = previous
        raise


def coverage() -> Dict[str, Any]:
    """The years covered and where each comes from: the data of ``yibao calendar --json``."""
    schedules = active_schedules()
    first, last = schedules.package_years
    years = []
    for year in sorted(schedules.years):
        source = schedules.sources[year]
        entry: Dict[str, Any] = {"year": year, "source": source.source}
        if source.source == "file":
            entry.update({"notice": source.notice, "url": source.url, "document": source.document,
                          "also_in_package": source.also_in_package,
                          "corrects_package": [day.isoformat() for day in source.corrects]})
        years.append(entry)
    return {"file": schedules.file, "file_origin": schedules.origin,
            "package": {"name": "chinese-calendar", "version": schedules.package_version, "first": first, "last": last},
            "years": years, "first_missing": first_missing(schedules), "env_var": ENV_VAR}


def first_missing(schedules: Schedules) -> int:
    """The first year after the earliest covered one that no source covers."""
    year = min(schedules.years)
    while year in schedules.years:
        year += 1
    return year


__all__ = ["ENV_VAR", "FileYear", "Schedules", "YearSource", "active_schedules", "bundled_file", "coverage",
           "first_missing", "read_schedule_file", "schedule_file", "use_calendar_file", "years_text"]
