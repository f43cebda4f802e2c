"""Reading a population's ledger: Parquet or CSV, one row per event, grouped by person (the CSV of
``yibao batch``, engine/cases/ledger.py), as Arrow tables of whole persons.

The ledger is read as a stream of record batches and cut into chunks of about ``rows`` rows that end
where a person ends, so memory stays flat in the number of persons. Columns: those of the CSV ledger
(:data:`~engine.cases.ledger.CSV_COLUMNS`) and ``param.<name>``; a Parquet column may be typed
(integers, dates, true/false) and means what its text means in the CSV. A header that is not a ledger's
is one located error.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import pyarrow as pa
import pyarrow.compute as pc

from engine.cases.ledger import CSV_COLUMNS, EVENT_COLUMNS
from engine.errors import Location, YibaoError, did_you_mean
from engine.population.cells import text_of

#: Rows per chunk (whole persons: a chunk ends where a person ends).
CHUNK_ROWS = 1 << 20
FORMATS = ("parquet", "csv")


class LedgerError(YibaoError):
    """A ledger that cannot be read as one (its file, its header, a row)."""


def ledger_format(path: str, fmt: Optional[str] = None) -> str:
    """``parquet`` or ``csv``: given, or by the file's extension."""
    if fmt is not None:
        return fmt
    lower = path.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith(".csv"):
        return "csv"
    raise LedgerError("a ledger is a Parquet file (.parquet) or a CSV file (.csv); give --format for another name",
                      Location(path))


def check_columns(names: Sequence[str], path: str, line: int = 1) -> None:
    """A ledger's columns: person_id, the CSV ledger's columns and ``param.<name>``, each once."""
    if "person_id" not in names:
        raise LedgerError(f"the ledger has no person_id column; expected columns {', '.join(CSV_COLUMNS)}",
                          Location(path, line))
    for name in names:
        if name not in CSV_COLUMNS and not name.startswith("param."):
            raise LedgerError(f"unknown ledger column '{name}'; expected {', '.join(CSV_COLUMNS)} or param.<name>"
                              + did_you_mean(name, CSV_COLUMNS), Location(path, line, field=name))
    seen = set()
    for name in names:
        if name in seen:
            raise LedgerError(f"the column '{name}' appears twice", Location(path, line, field=name))
        seen.add(name)


def _batches(path: str, fmt: str, rows: int) -> Tuple[Iterator[pa.RecordBatch], int]:
    """The ledger's record batches and the line of its first row (CSV: after the header)."""
    if not os.path.isfile(path):
        raise LedgerError(f"no ledger file at '{path}'", Location(path))
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            names = pq.ParquetFile(path).schema_arrow
            check_columns(names.names, path)
            # Text columns with few values come as dictionaries, as Parquet stores them: no decoding,
            # and the encoder reads each distinct value once (the person ids are read as text).
            words = [field.name for field in names if field.name != "person_id"
                     and (pa.types.is_string(field.type) or pa.types.is_large_string(field.type))]
            source = pq.ParquetFile(path, read_dictionary=words)
            return source.iter_batches(batch_size=min(rows, 1 << 16)), 1
        import pyarrow.csv as pv

        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(io.StringIO(handle.readline())), [])
        names = [name.strip() for name in header]
        check_columns(names, path)
        reader = pv.open_csv(path, read_options=pv.ReadOptions(column_names=names, skip_rows=1,
                                                                block_size=8 << 20),
                             convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                               strings_can_be_null=False),
                             parse_options=pv.ParseOptions(newlines_in_values=False))
        return iter(reader), 2
    except (pa.ArrowException, OSError, UnicodeDecodeError) as error:
        raise LedgerError(f"the ledger cannot be read: {error}", Location(path)) from None


def read_chunks(path: str, fmt: Optional[str] = None, rows: int = CHUNK_ROWS) -> Iterator[Tuple[pa.Table, int]]:
    """``(table, line of its first row)`` for consecutive chunks of whole persons of the ledger at ``path``."""
    fmt = ledger_format(path, fmt)
    batches, line = _batches(path, fmt, rows)
    pending: List[pa.RecordBatch] = []
    size = 0
    try:
        for batch in batches:
            pending.append(batch)
            size += batch.num_rows
            if size < rows:
                continue
            table = pa.Table.from_batches(pending)
            cut = _last_person_start(table)
            if cut == 0:
                continue  # one person so far: keep reading
            yield table.slice(0, cut), line
            line += cut
            rest = table.slice(cut)
            pending, size = rest.to_batches(), rest.num_rows
    except (pa.ArrowException, UnicodeDecodeError) as error:
        raise LedgerError(f"the ledger cannot be read after line {line}: {error}", Location(path, line)) from None
    if size:
        yield pa.Table.from_batches(pending), line


def _last_person_start(table: pa.Table) -> int:
    """The row where the table's last person begins."""
    ids = table.column("person_id").combine_chunks()
    if not pa.types.is_string(ids.type):
        ids = pc.cast(ids, pa.string())
    ids = ids.fill_null("")
    last = ids[len(ids) - 1]
    differs = pc.not_equal(ids, last).to_numpy(zero_copy_only=False)
    found = differs.nonzero()[0]
    return int(found[-1]) + 1 if len(found) else 0


def table_from_cases(cases: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Cases (the case contract) as ledger rows, all text like a CSV ledger: one row per event, a row
    without a kind for a person without events. Raises ValueError for a case a ledger cannot hold (an
    event field that is not a ledger column, an organisation)."""
    rows: List[Dict[str, str]] = []
    params: List[str] = []
    for case in cases:
        extra = set(case) - {"rulebook", "as_of", "person", "events", "parameters"}
        if extra or set(case.get("person") or {}) - {"id", "role"}:
            raise ValueError(f"a ledger has no column for {sorted(extra) or 'the person fields'}")
        person = {"person_id": text_of(case["person"]["id"]), "role": text_of(case["person"]["role"]),
                  "as_of": text_of(case["as_of"])}
        for name, value in (case.get("parameters") or {}).items():
            person[f"param.{name}"] = text_of(value)
            params.append(f"param.{name}")
        events = case.get("events") or [{}]
        for event in events:
            unknown = set(event) - set(EVENT_COLUMNS)
            if unknown:
                raise ValueError(f"a ledger has no column for {sorted(unknown)}")
            rows.append({**person, **{name: text_of(value) for name, value in event.items()}})
    names = list(CSV_COLUMNS) + sorted(set(params))
    return pa.table({name: pa.array([row.get(name, "") for row in rows], pa.string()) for name in names})


__all__ = ["CHUNK_ROWS", "FORMATS", "LedgerError", "check_columns", "ledger_format", "read_chunks",
           "table_from_cases"]
