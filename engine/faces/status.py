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
from typing import Any, Dict, Iterable, List, Mapping, Optional

#: The columns of a status row, in order.
COLUMNS = ("person", "as_of", "state", "from", "until", "rule", "article", "rulebook", "rulebook_sha256", "error")

_ACTION_STATE = {"suspend": "suspended", "terminate": "terminated"}


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
    timeline = list(one.get("timeline") or [])
    at = _covering(timeline, status["as_of"])
    period = timeline[at] if at is not None else None
    first = at
    while first and timeline[first - 1].get("state") == status["state"]:
        first -= 1  # a term then awaiting restoration: one suspension since the term began
    start = timeline[first] if first is not None else None
    cause = (_cause(one, period) or _cause(one, start)) if status["state"] != "normal" else None
    until = status.get("until") if status["state"] == "terminated" else (period or {}).get("until")
    provenance = one.get("provenance") or whole.get("provenance") or {}
    return {"person": str(one["person"]["id"]), "as_of": status["as_of"], "state": status["state"],
            "from": start.get("from") if start else None, "until": until,
            "rule": (cause.get("rules") or [None])[0] if cause else None,
            "article": ((period or {}).get("article") or (start or {}).get("article") or _last_article(cause))
            if status["state"] != "normal" else None,
            "rulebook": provenance.get("rulebook_id", one.get("rulebook")),
            "rulebook_sha256": provenance.get("rulebook_sha256"), "error": None}


def _covering(timeline: List[Mapping[str, Any]], day: str) -> Optional[int]:
    """The index of the timeline period covering ``day`` (ISO dates compare as text)."""
    for index, period in enumerate(timeline):
        if (period.get("from") is None or period["from"] <= day) and (period.get("until") is None or day <= period["until"]):
            return index
    return None


def _cause(one: Mapping[str, Any], period: Optional[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """The decision (score, obligation or institution measure) behind a suspended or terminated period."""
    if not period:
        return None
    state = period.get("state")
    wanted = [action for action, name in _ACTION_STATE.items() if name == state]
    decisions = one.get("decisions") or []
    index = period.get("decision")
    if isinstance(index, int) and 0 <= index < len(decisions) and decisions[index].get("action") in wanted:
        return decisions[index]
    records = list(decisions) + list(one.get("obligations") or []) + list(one.get("institution_measures") or [])
    if isinstance(index, int):  # obligations name their event
        for record in one.get("obligations") or []:
            if record.get("event") == index and record.get("action") in wanted:
                return record
    same_day = [r for r in records if r.get("action") in wanted and r.get("from") == period.get("from")]
    if same_day:
        return same_day[-1]
    earlier = [r for r in records if r.get("action") in wanted and (r.get("from") or "") <= (period.get("from") or "")]
    return earlier[-1] if earlier else None


def _last_article(record: Optional[Mapping[str, Any]]) -> Optional[str]:
    articles = (record or {}).get("articles") or []
    return articles[-1] if articles else None


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
