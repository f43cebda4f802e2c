"""Reading a whole-province ledger for ``yibao batch``: JSON Lines of cases, or a CSV of events grouped
by person (the formats engine/batch.py documents). Records are read lazily and handed on as text or
rows; a record that cannot be read becomes that person's located error (:class:`RecordError`)."""

from __future__ import annotations

import csv
import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from engine.errors import Location, YibaoError, did_you_mean

#: CSV columns, in the order the documentation lists them.
CSV_COLUMNS: Tuple[str, ...] = (
    "person_id", "role", "as_of", "kind", "date", "situation", "tier", "responsibility", "points",
    "adjustment", "inspection", "behaviour", "institution", "way", "score", "emergency", "passed",
)
_INTEGER_COLUMNS = frozenset({"tier", "points"})
_NUMBER_COLUMNS = frozenset({"score"})
_BOOLEAN_COLUMNS = frozenset({"emergency", "passed"})
_EVENT_COLUMNS = CSV_COLUMNS[3:]  # kind, date and the event fields
_TRUE = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
_EVENT_INDEX = re.compile(r"^events\[(\d+)\]")

#: The largest CSV cell (bytes of text) a record may have; larger is that person's error.
MAX_CSV_FIELD = 128 * 1024
# The csv module's own limit while reading: above ours, so that a large cell is one person's
# located error (not a csv.Error, which cannot say whose row it was).
_CSV_READ_LIMIT = 64 * 1024 * 1024
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as read with surrogateescape


def not_utf8(text: str) -> Optional[str]:
    """Where ``text`` (read with surrogateescape) had bytes that are not UTF-8, as a message."""
    found = _NOT_UTF8.search(text)
    if found is None:
        return None
    return f"not UTF-8 text (byte 0x{ord(found.group()) - 0xdc00:02x} at column {found.start() + 1})"


def printable_id(person: Any) -> Any:
    """A person id that can be written as JSON (a lone surrogate, or a byte that was not UTF-8, as an escape)."""
    if isinstance(person, str):
        return person.encode("utf-8", "backslashreplace").decode("utf-8")
    return person if isinstance(person, (int, float, bool, type(None))) else printable_id(str(person))


def read_jsonl(path: str) -> Iterator[Tuple[int, Any]]:
    """``(line number, line text)`` of every non-blank line; the parsing happens in the workers."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, line


def read_csv(path: str) -> Iterator[Tuple[int, Any]]:
    """``(first line, (header, [(line, row), …], problem))`` for each run of rows of one person.

    ``problem`` is None, or ``(line, message)`` when a row of the run could not be read at all (a
    cell over the csv module's limit): the person is then rejected, never evaluated without it.
    """
    previous = csv.field_size_limit(_CSV_READ_LIMIT)
    try:
        yield from _read_csv(path)
    finally:
        csv.field_size_limit(previous)


def _read_csv(path: str) -> Iterator[Tuple[int, Any]]:
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise YibaoError(f"the CSV header cannot be read: {error}", _location(path, 1)) from None
        if header is None:
            return
        header = tuple(name.strip() for name in header)
        try:
            key = header.index("person_id")
        except ValueError:
            raise YibaoError(f"the CSV header has no person_id column; expected columns {', '.join(CSV_COLUMNS)}",
                             _location(path, 1)) from None
        unknown = [name for name in header if name not in CSV_COLUMNS and not name.startswith("param.")]
        if unknown:
            raise YibaoError(f"unknown CSV column '{unknown[0]}'; expected {', '.join(CSV_COLUMNS)} or param.<name>"
                             + did_you_mean(unknown[0], CSV_COLUMNS), _location(path, 1))
        current: Optional[str] = None
        rows: List[Tuple[int, List[str]]] = []
        first = 0
        problem: Optional[Tuple[int, str]] = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:  # the reader goes on with the next row
                problem = problem or (reader.line_num, f"a row that cannot be read ({error})")
                if not rows:
                    first = reader.line_num
                continue
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            person = row[key] if key < len(row) else ""
            if rows and person != current:
                yield first, (header, rows, problem)
                rows, problem = [], None
            if not rows:
                current, first = person, line
            rows.append((line, row))
        if rows or problem:
            yield first, (header, rows, problem)


def _location(path: str, line: int) -> Location:
    return Location(path, line)


def _cell(name: str, text: str) -> Any:
    """A CSV cell as the contract's type where it clearly is one; otherwise the text (the engine says why)."""
    if name in _INTEGER_COLUMNS:
        try:
            return int(text)
        except ValueError:
            return text
    if name in _NUMBER_COLUMNS:
        try:
            number = float(text)
            return int(number) if number.is_integer() else number
        except ValueError:
            return text
    if name in _BOOLEAN_COLUMNS:
        return _TRUE.get(text.lower(), text)
    return text


class RecordError(Exception):
    """A record of the ledger that cannot be read as a case: its line, what is wrong, and the field."""

    def __init__(self, line: int, message: str, field: Optional[str] = None):
        super().__init__(message)
        self.line, self.message, self.field = line, message, field


def case_from_rows(header: Sequence[str], rows: Sequence[Tuple[int, Sequence[str]]]) -> Tuple[Dict[str, Any], List[int]]:
    """One person's rows → a case dict (contract form) and the CSV line of each event."""
    person: Dict[str, Any] = {}
    parameters: Dict[str, Any] = {}
    events: List[Dict[str, Any]] = []
    lines: List[int] = []
    for line, row in rows:
        if len(row) > len(header):
            raise RecordError(line, f"{len(row)} cells but the header has {len(header)} columns")
        for index, cell in enumerate(row):
            name = header[index] if index < len(header) else None
            if len(cell) > MAX_CSV_FIELD:
                raise RecordError(line, f"a cell of {len(cell)} characters; at most {MAX_CSV_FIELD}", name)
            problem = not_utf8(cell)
            if problem:
                raise RecordError(line, problem, name)
        cells = {name: row[i].strip() for i, name in enumerate(header) if i < len(row) and row[i].strip() != ""}
        for name in ("role", "as_of"):
            if name in cells:
                if name in person and person[name] != cells[name]:
                    raise RecordError(line, f"{name} '{cells[name]}' differs from '{person[name]}' on an earlier row "
                                             "of this person", name)
                person[name] = cells[name]
        for name, value in cells.items():
            if name.startswith("param.") and name[6:] not in parameters:
                parameters[name[6:]] = _TRUE.get(value.lower(), value) if value.lower() in ("true", "false") else value
        if "kind" in cells:
            events.append({name: _cell(name, cells[name]) for name in _EVENT_COLUMNS if name in cells})
            lines.append(line)
        elif any(name in cells for name in _EVENT_COLUMNS[1:]):
            raise RecordError(line, "event fields without a kind; expected kind score, repair, claim or restoration",
                               "kind")
    first = rows[0][0]
    if "as_of" not in person:
        raise RecordError(first, "missing as_of on the person's rows", "as_of")
    if "role" not in person:
        raise RecordError(first, "missing role on the person's rows", "role")
    case: Dict[str, Any] = {"as_of": person["as_of"], "person": {"id": rows[0][1][header.index("person_id")],
                                                                 "role": person["role"]}, "events": events}
    if parameters:
        case["parameters"] = parameters
    return case, lines


