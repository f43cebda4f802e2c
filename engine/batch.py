"""Whole-province batches: evaluate a ledger of many persons, on every core or on a Dask cluster.

``yibao batch --rulebook ID LEDGER -o RESULTS`` reads LEDGER as a stream and writes one result
line per good person to RESULTS (JSON Lines, in input order) and one line per bad record to
``RESULTS.errors.jsonl``. Both files are written to temporary files next to RESULTS and renamed
into place only when the whole run has finished, so an interrupted run leaves no half file (and
an older RESULTS stays untouched).

Input formats (chosen by extension: ``.csv`` is CSV, anything else is JSON Lines):

* **JSON Lines** — one case per line, exactly as ``yibao evaluate`` reads it (docs/contract.md).
  Blank lines are skipped.
* **CSV of events** — one row per event, with a header row. Rows of one person must be
  *consecutive* (grouped by ``person_id``; sort the file by ``person_id`` first if it is not, e.g.
  ``(head -1 x.csv; tail -n +2 x.csv | sort -t, -k1,1 -s) > sorted.csv``): the reader keeps only the
  current person in memory, so a person whose rows are scattered is evaluated once per run of
  rows. Columns (see :data:`CSV_COLUMNS`): ``person_id``, ``role``, ``as_of`` (required on the
  person's first row, may repeat), ``kind`` (``score | repair | claim | restoration``; empty for a
  person without events), ``date``, and the event fields of the contract (``situation``, ``tier``,
  ``responsibility``, ``points``, ``adjustment``, ``inspection``, ``behaviour``, ``institution``,
  ``way``, ``score``, ``emergency``, ``passed``). Optional ``param.<name>`` columns choose a
  reading for the person (first row). Empty cells are absent fields.

Memory stays flat in the number of persons: the reader hands bounded chunks of whole persons to
the workers and keeps at most a few chunks in flight. Each worker compiles the rulebook once
(the registry's per-process cache). Results keep the input order, so two runs (or a run on Dask)
compare line by line.
"""

from __future__ import annotations

import collections
import os
import resource
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Deque, Dict, List, Optional, Sequence, Tuple

from engine.api import load_rulebook
from engine.errors import Location, YibaoError
from engine.faces.chunk import ChunkResult, dumps
from engine.faces.interrupt import StopSignals
from engine.faces.ledger import CSV_COLUMNS, read_csv, read_jsonl
from engine.faces.output import AtomicOutput, temp_path
from engine.faces.runners import DaskRunner, LocalRunner, chunks
from engine.faces.status import ParquetWriter, csv_header, csv_lines

#: Exit status of ``yibao batch`` when some records were rejected (0: all good; 2: bad arguments).
EXIT_SOME_REJECTED = 3


@dataclass
class Summary:
    """Totals of a batch run."""

    persons: int = 0                      # records read (good and bad)
    evaluated: int = 0
    errors: int = 0
    actions: collections.Counter = field(default_factory=collections.Counter)   # decisions by action
    states: collections.Counter = field(default_factory=collections.Counter)    # status on as_of
    seconds: float = 0.0
    cpu_main: float = 0.0                 # CPU seconds of this process (reading, writing)
    cpu_workers: float = 0.0              # CPU seconds of the local worker processes (evaluating)
    results: str = ""
    errors_file: str = ""

    def add(self, chunk: ChunkResult) -> None:
        self.persons += chunk.persons
        self.errors += len(chunk.errors)
        self.evaluated += chunk.persons - len(chunk.errors)
        self.actions.update(chunk.actions)
        self.states.update(chunk.states)

    def to_dict(self) -> Dict[str, Any]:
        return {"persons": self.persons, "evaluated": self.evaluated, "errors": self.errors,
                "decisions": dict(sorted(self.actions.items())), "status": dict(sorted(self.states.items())),
                "seconds": round(self.seconds, 3),
                "cpu_seconds": {"main": round(self.cpu_main, 3), "workers": round(self.cpu_workers, 3)},
                "results": self.results, "errors_file": self.errors_file}

    def render(self) -> str:
        rate = self.persons / self.seconds if self.seconds else 0.0
        decisions = ", ".join(f"{k} {v}" for k, v in sorted(self.actions.items())) or "none"
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items())) or "none"
        return (f"persons: {self.persons} ({self.evaluated} evaluated, {self.errors} rejected) "
                f"in {self.seconds:.1f} s ({rate:,.0f}/s)\n"
                f"decisions by action: {decisions}\n"
                f"status on as_of: {states}\n"
                f"results: {self.results}\n"
                f"errors: {self.errors_file}" + (" (none)" if not self.errors else ""))

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_REJECTED if self.errors else 0


def run_batch(ledger: str, results: str, rulebook_id: str, *, workers: Optional[int] = None,
              chunk_size: int = 500, omit: Sequence[str] = ("trace",), dask: Optional[str] = None,
              progress: Optional[bool] = None, fmt: Optional[str] = None,
              status_table: Optional[str] = None) -> Summary:
    """Evaluate every person of ``ledger`` with ``rulebook_id``; write ``results`` and its errors file.

    ``omit`` lists top-level result fields left out of each line (default: the trace). ``dask`` is a
    scheduler address or ``"local"``. ``progress`` (default: when stderr is a terminal) shows a
    bar with rate and ETA. ``status_table`` also writes one status row per person (CSV, or Parquet
    for a ``.parquet`` name; :mod:`engine.faces.status`). Raises :class:`YibaoError` for bad
    arguments (unknown rulebook, missing ledger, an output that may not be written); bad records
    never raise, they go to the errors file. Every output is written beside its target and renamed
    into place at the end (:mod:`engine.faces.output`).
    """
    started = time.perf_counter()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = (own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime)
    load_rulebook(rulebook_id)  # an unknown rulebook is an argument error, before anything is written
    if not os.path.isfile(ledger):
        raise YibaoError(f"no ledger file at '{ledger}'", Location(ledger))
    fmt = fmt or ("csv" if ledger.lower().endswith(".csv") else "jsonl")
    records = read_csv(ledger) if fmt == "csv" else read_jsonl(ledger)
    workers = workers or os.cpu_count() or 1
    outputs = [AtomicOutput(results, inputs=[ledger], what="results file", make_parents=True),
               AtomicOutput(str(results) + ".errors.jsonl", inputs=[ledger], what="errors file", make_parents=True)]
    table = None
    if status_table:
        outputs.append(AtomicOutput(status_table, inputs=[ledger, results], what="status table", make_parents=True))
    target = outputs[0].target
    summary = Summary(results=str(target), errors_file=str(outputs[1].target))
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    runner: Any = None
    spool_dir: Optional[Path] = None
    ok = False
    with StopSignals() as stop:
        try:
            out, bad = outputs[0].open(), outputs[1].open()
            if status_table:
                table = _StatusTable(outputs[2].open(), str(status_table))
            runner = DaskRunner(rulebook_id, dask, workers) if dask else LocalRunner(rulebook_id, workers)
            if show:
                from tqdm import tqdm

                bar = tqdm(total=os.path.getsize(ledger), unit="B", unit_scale=True, file=sys.stderr,
                           desc="batch", dynamic_ncols=True, smoothing=0.1)
            pending: Deque[Tuple[Any, int]] = collections.deque()
            submitted = 0
            if isinstance(runner, LocalRunner) and runner.parallel:  # workers share this file system
                spool_dir = temp_path(target, "spool")
                spool_dir.mkdir(exist_ok=True)

            def drain(limit: int) -> None:
                stop.check()  # a signal that arrived while a worker was forked was swallowed there
                while len(pending) > limit:
                    handle, size = pending.popleft()
                    chunk = runner.result(handle)
                    if chunk.spool is not None:
                        _append_file(out, chunk.spool)
                    else:
                        out.write(chunk.data)
                    for record in chunk.errors:
                        bad.write(dumps(record) + b"\n")
                    if table is not None and chunk.status is not None:
                        table.write(chunk.status)
                    summary.add(chunk)
                    if bar is not None:
                        bar.update(size)
                        # text, not numbers: tqdm would print 50000 as 5e+4
                        bar.set_postfix(persons=f"{summary.persons:,}", errors=f"{summary.errors:,}", refresh=False)

            for chunk in chunks(records, chunk_size):
                size = _chunk_bytes(fmt, chunk) if bar is not None else 0
                spool = str(spool_dir / f"{submitted:09d}.part") if spool_dir is not None else None
                pending.append((runner.submit((rulebook_id, fmt, ledger, chunk, tuple(omit), spool,
                                               table is not None)), size))
                submitted += 1
                drain(runner.in_flight)
            drain(0)
            if table is not None:
                table.close()
            for output in reversed(outputs):  # the results file last: its presence means the run finished
                output.commit()
            ok = True
        except OSError as error:  # the output cannot be written: the only thing that stops a run
            raise YibaoError(f"cannot write the output: {error.strerror or error}",
                             Location(getattr(error, "filename", None) or str(target))) from None
        finally:
            if bar is not None:
                bar.close()
            if runner is not None:
                runner.close(ok)
            if spool_dir is not None:
                shutil.rmtree(spool_dir, ignore_errors=True)
            if not ok:
                for output in outputs:
                    output.discard()
    summary.seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    summary.cpu_main = own.ru_utime + own.ru_stime - cpu_before[0]
    summary.cpu_workers = children.ru_utime + children.ru_stime - cpu_before[1]
    return summary


class _StatusTable:
    """The ``--status-table`` file: CSV with a header, or Parquet for a ``.parquet`` name."""

    def __init__(self, handle, name: str) -> None:
        self.handle = handle
        self.parquet = ParquetWriter(handle) if name.lower().endswith(".parquet") else None
        if self.parquet is None:
            handle.write(csv_header())

    def write(self, rows: List[Dict[str, Any]]) -> None:
        if self.parquet is not None:
            self.parquet.write(rows)
        else:
            self.handle.write(csv_lines(rows))

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


def _append_file(out, path: str) -> None:
    """Append the file at ``path`` to ``out`` (kernel-side copy where the OS has one), then remove it."""
    out.flush()
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        copied = 0
        copy = getattr(os, "copy_file_range", None)
        try:
            while copy is not None and copied < size:
                step = copy(source.fileno(), out.fileno(), size - copied)
                if step == 0:
                    break
                copied += step
        except OSError:
            source.seek(copied)
            copy = None
        if copied < size:
            source.seek(copied)
            shutil.copyfileobj(source, out, 1 << 20)
    os.unlink(path)


def _chunk_bytes(fmt: str, chunk: Sequence[Tuple[int, Any]]) -> int:
    """Roughly how many bytes of the ledger a chunk covers (for the progress bar)."""
    if fmt == "csv":
        return sum(sum(len(cell) + 1 for cell in row) for _, (_, rows, _) in chunk for _, row in rows)
    return sum(len(text.encode("utf-8", "surrogateescape")) for _, text in chunk)


__all__ = ["CSV_COLUMNS", "EXIT_SOME_REJECTED", "Summary", "run_batch"]
