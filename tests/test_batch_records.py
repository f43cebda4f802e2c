"""A batch never dies on a record: every per-record failure, decoding included, is an error line
with its line number (and a status row), and the run goes on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from engine.batch import run_batch
from engine.faces.ledger import MAX_CSV_FIELD
from engine.faces.status import COLUMNS

GOOD = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "G", "role": "nurse"}, "events": []}


def _good(person: str) -> bytes:
    return json.dumps({**GOOD, "person": {"id": person, "role": "nurse"}}).encode() + b"\n"


HOSTILE_LINES = [
    (b'{"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "A\xff", "role": "nurse"}, "events": []}\n',
     "not UTF-8"),
    (b'{"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "\\ud800", "role": "nurse"}, "events": []}\n',
     "not valid Unicode"),
    (b'{"rulebook": "inner-mongolia", "as_of": "2025-12-31", "as_of": "2025-11-30", "person": {"id": "B", "role": "nurse"}, "events": []}\n',
     "duplicate key 'as_of'"),
    (b'{"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": ' + b"9" * 5000 + b', "role": "nurse"}, "events": []}\n',
     "more than 18 digits"),
    (b"[" * 3000 + b"]" * 3000 + b"\n", "nesting deeper"),
    (b'{"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "C", "role": "nurse"}, "events": [{"kind": "score", "date": "2025-05-01", "tier": 1e999}]}\n',
     "not finite"),
    (b"{not json\n", "invalid JSON"),
]


def test_every_hostile_jsonl_record_is_an_error_line_and_the_rest_is_evaluated(tmp_path):
    ledger = tmp_path / "l.jsonl"
    body = _good("first") + b"".join(line for line, _ in HOSTILE_LINES) + _good("last")
    ledger.write_bytes(body)
    summary = run_batch(str(ledger), str(tmp_path / "r.jsonl"), "inner-mongolia", workers=2, chunk_size=3,
                        status_table=str(tmp_path / "s.csv"))
    assert summary.evaluated == 2 and summary.errors == len(HOSTILE_LINES) and summary.exit_code == 3
    errors = [json.loads(line) for line in (tmp_path / "r.jsonl.errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == list(range(2, 2 + len(HOSTILE_LINES)))
    for error, (_, words) in zip(errors, HOSTILE_LINES):
        assert words in error["message"] and error["text"].startswith(f"{ledger}:{error['line']}")
    results = [json.loads(line)["person"]["id"] for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert results == ["first", "last"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 2 + len(HOSTILE_LINES)
    assert [r["state"] for r in rows if not r["error"]] == ["normal", "normal"]


def test_csv_records_with_bad_bytes_or_huge_cells_are_that_persons_error(tmp_path):
    ledger = tmp_path / "e.csv"
    ledger.write_bytes(b"person_id,role,as_of,kind,date,situation,responsibility\n"
                       b"A,physician,2025-12-31,score,2025-04-10,18.3.1,primary\n"
                       b"B\xff,nurse,2025-12-31,,,,\n"
                       b"C,nurse,2025-12-31,,,," + b"x" * (MAX_CSV_FIELD + 1) + b"\n"
                       b"D,nurse,2025-12-31,,,,\n")
    summary = run_batch(str(ledger), str(tmp_path / "r.jsonl"), "inner-mongolia", workers=1)
    assert (summary.evaluated, summary.errors) == (2, 2)
    errors = [json.loads(line) for line in (tmp_path / "r.jsonl.errors.jsonl").read_text().splitlines()]
    assert [(e["line"], e["person"]) for e in errors] == [(3, "B\\udcff"), (4, "C")]
    assert "not UTF-8" in errors[0]["message"] and f"at most {MAX_CSV_FIELD}" in errors[1]["message"]


def test_the_progress_bar_counts_in_plain_numbers(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    ledger.write_bytes(b"".join(_good(f"P{i}") for i in range(60)))
    run_batch(str(ledger), str(tmp_path / "r.jsonl"), "inner-mongolia", workers=1, chunk_size=7, progress=True)
    bar = capsys.readouterr().err
    assert "persons=60" in bar and "e+" not in bar


def test_only_an_output_that_cannot_be_written_stops_a_run(tmp_path):
    from engine.errors import YibaoError

    ledger = tmp_path / "l.jsonl"
    ledger.write_bytes(_good("P"))
    with pytest.raises(YibaoError, match="not a regular file"):
        run_batch(str(ledger), "/dev/full", "inner-mongolia", workers=1)
