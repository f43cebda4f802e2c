"""One compact status row per person: what a settlement system loads into its database.

``yibao batch --status-table out.csv|out.parquet`` writes these rows for a whole ledger, and
``POST /v1/status`` answers them for many persons at once. A row is::

    {person, as_of, state, from, until, rule, article, rulebook, rulebook_sha256, error}

``state`` is the status on ``as_of`` (``normal | suspended | terminated``); ``from`` is the first day
of that state (a suspension whose term is over and that awaits a restoration counts from the start
of its term; null: since always); ``until`` is the last day of a running suspension term (null when
it awaits a restoration), the last day of the re-registration ban of a termination, or the day
before a later change for ``normal`` (null: open); ``rule`` and ``article`` name the decision
behind a suspension or termination (null for ``normal``); ``rulebook`` and ``rulebook_sha256`` are the result's provenance. A record that could not
be evaluated has ``error`` (the located one-line message) and nulls elsewhere.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, Iterable, List, Mapping

from engine.evaluate.status_row import status_fields

#: The columns of a status row, in order.
COLUMNS = ("person", "as_of", "state", "from", "until", "rule", "article", "rulebook", "rulebook_sha256", "error")


def status_rows(result: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The status row of each person of an evaluation result (one, or one per person of a finding)."""
    persons = result.get("persons")
    if isinstance(persons, Mapping):
        return [_row(one, result) for one in persons.values()]
    return [_row(result, result)]


def error_row(person: Any, text: str) -> Dict[str, Any]:
    """The row of a record that could not be evaluated."""
    row = dict.fromkeys(COLUMNS)
    row["person"] = None if person is None else str(person)
    row["error"] = text
    return row


def _row(one: Mapping[str, Any], whole: Mapping[str, Any]) -> Dict[str, Any]:
    status = one["status"]
    provenance = one.get("provenance") or whole.get("provenance") or {}
    return {"person": str(one["person"]["id"]), "as_of": status["as_of"], **status_fields(one),
            "rulebook": provenance.get("rulebook_id", one.get("rulebook")),
            "rulebook_sha256": provenance.get("rulebook_sha256"), "error": None}


def csv_header() -> bytes:
    """The CSV header line (UTF-8)."""
    return _csv_line(COLUMNS)


def csv_lines(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Status rows as CSV lines (UTF-8; empty cells for nulls)."""
    return b"".join(_csv_line(["" if row.get(name) is None else row[name] for name in COLUMNS]) for row in rows)


def _csv_line(cells: Iterable[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue().encode("utf-8", "backslashreplace")


class ParquetWriter:
    """Status rows into a Parquet file, a row group per batch of rows (needs ``pyarrow``)."""

    def __init__(self, handle) -> None:
        try:  # optional extra: pip install 'yibao-rules[parquet]'
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            from engine.errors import YibaoError

            raise YibaoError("a Parquet status table needs pyarrow: pip install 'yibao-rules[parquet]' "
                             "(or write .csv)") from None
        self._pa = pa
        self._schema = pa.schema([(name, pa.string()) for name in COLUMNS])
        self._writer = pq.ParquetWriter(handle, self._schema)

    def write(self, rows: List[Mapping[str, Any]]) -> None:
        if rows:
            columns = {name: [row.get(name) for row in rows] for name in COLUMNS}
            self._writer.write_table(self._pa.table(columns, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


__all__ = ["COLUMNS", "status_rows", "error_row", "csv_header", "csv_lines", "ParquetWriter"]
