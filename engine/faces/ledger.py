"""Reading a whole-province ledger for ``yibao batch``: JSON Lines of cases, or a CSV of events grouped
by person (the formats engine/batch.py documents). Records are read lazily and handed on as text or
rows; a record that cannot be read becomes that person's located error (:class:`RecordError`)."""

from __future__ import annotations

import csv
from typing import Any, Iterator, List, Optional, Tuple

# A ledger's rows as a case: one copy for yibao batch and yibao population (engine/cases/ledger.py).
from engine.cases.ledger import CSV_COLUMNS, MAX_CSV_FIELD, RecordError, case_from_rows, not_utf8
from engine.errors import Location, YibaoError, did_you_mean

# The csv module's own limit while reading: above ours, so that a large cell is one person's
# located error (not a csv.Error, which cannot say whose row it was).
_CSV_READ_LIMIT = 64 * 1024 * 1024


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


__all__ = ["CSV_COLUMNS", "MAX_CSV_FIELD", "RecordError", "case_from_rows", "not_utf8", "printable_id",
           "read_csv", "read_jsonl"]
