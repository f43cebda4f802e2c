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
import csv
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from engine.cases.ledger import CSV_COLUMNS, MAX_CSV_FIELD, RecordError as _RecordError, case_from_rows  # noqa: F401
from engine.cases.ledger import not_utf8 as _not_utf8
from engine.errors import YibaoError
from engine.faces import jsonin
from engine.faces.interrupt import StopSignals, ignore_stop_signals, stops_held
from engine.faces.output import AtomicOutput, temp_path
from engine.faces.status import ParquetWriter, csv_header, csv_lines, error_row, status_rows

try:  # orjson is 3-5x faster at both ends; the json module gives the same data
    import orjson as _orjson
except ImportError:  # pragma: no cover - optional accelerator
    _orjson = None

_EVENT_INDEX = re.compile(r"^events\[(\d+)\]")

#: Exit status of ``yibao batch`` when some records were rejected (0: all good; 2: bad arguments).
EXIT_SOME_REJECTED = 3


# -- reading ---------------------------------------------------------------------------------------

# The csv module's own limit while reading: above ours, so that a large cell is one person's
# located error (not a csv.Error, which cannot say whose row it was).
_CSV_READ_LIMIT = 64 * 1024 * 1024


def _printable_id(person: Any) -> Any:
    """A person id that can be written as JSON (a lone surrogate, or a byte that was not UTF-8, as an escape)."""
    if isinstance(person, str):
        return person.encode("utf-8", "backslashreplace").decode("utf-8")
    return person if isinstance(person, (int, float, bool, type(None))) else _printable_id(str(person))


def _dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON (bytes: results cross process boundaries and reach the file undecoded)."""
    if _orjson is not None:
        return _orjson.dumps(data)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape")


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
            from engine.errors import did_you_mean

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


def _location(path: str, line: int):
    from engine.errors import Location

    return Location(path, line)


# -- evaluating one chunk (in a worker) ------------------------------------------------------------

@dataclass
class ChunkResult:
    """What a worker sends back for one chunk of persons."""

    data: bytes                                 # result lines (UTF-8), each ending in a newline
    errors: List[Dict[str, Any]]
    persons: int = 0
    actions: Dict[str, int] = field(default_factory=dict)
    states: Dict[str, int] = field(default_factory=dict)
    spool: Optional[str] = None                 # or: the file the worker wrote the result lines to
    status: Optional[List[Dict[str, Any]]] = None   # status rows (--status-table), in input order


def _error_record(source: str, line: int, person: Any, kind: str, message: str, field_: Optional[str],
                  column: Optional[int] = None) -> Dict[str, Any]:
    where = f"{source}:{line}" + (f":{column}" if column else "")
    text = f"{where}: {field_}: {message}" if field_ else f"{where}: {message}"
    return {"line": line, "person": _printable_id(person), "error": kind, "field": field_, "message": message,
            "text": text}


def _read_record(fmt: str, source: str, line: int, payload: Any) -> Tuple[Any, List[int]]:
    """One record of the ledger as a case and the line of each event (CSV); raises on a bad record."""
    if fmt == "csv":
        header, rows, problem = payload
        if problem is not None:
            raise _RecordError(problem[0], problem[1] + "; this person is not evaluated")
        return case_from_rows(header, rows)
    text = payload.rstrip("\r\n")
    problem = _not_utf8(text)
    if problem:
        raise _RecordError(line, problem)
    return jsonin.loads(text, source, line), []


def _csv_person(payload: Any) -> Optional[str]:
    """The person id of a CSV record, known even when the record is bad."""
    header, rows, _ = payload
    if not rows or "person_id" not in header:
        return None
    row = rows[0][1]
    index = header.index("person_id")
    return row[index] if index < len(row) and len(row[index]) <= 256 else None


def process_chunk(rulebook_id: str, fmt: str, source: str, chunk: Sequence[Tuple[int, Any]],
                  omit: Sequence[str] = ("trace",), spool: Optional[str] = None,
                  status: bool = False) -> ChunkResult:
    """Evaluate a chunk of persons; every failure becomes an error record, never an exception.

    With ``spool`` (a file path), the result lines are written there instead of being sent back:
    a local run then moves gigabytes file to file inside the kernel instead of through pipes.
    With ``status``, the chunk also gives each person's status row (``--status-table``).
    """
    from engine.api import load_rulebook

    rulebook = load_rulebook(rulebook_id)  # cached per process: compiled once per worker
    trace = "trace" not in omit
    out: List[bytes] = []
    errors: List[Dict[str, Any]] = []
    rows: Optional[List[Dict[str, Any]]] = [] if status else None
    actions: Dict[str, int] = {}
    states: Dict[str, int] = {}
    for line, payload in chunk:
        person = _csv_person(payload) if fmt == "csv" else None
        event_lines: List[int] = []
        try:
            case, event_lines = _read_record(fmt, source, line, payload)
            if isinstance(case, dict) and isinstance(case.get("person"), dict):
                person = case["person"].get("id")
            if not trace:
                hit = _empty_ledger(rulebook, case, omit)
                if hit is not None:  # a person without events: the cached result with this person's id
                    prefix, suffix, hit_actions, hit_states, hit_rows = hit
                    out.append(prefix + _dumps(str(person)) + suffix)
                    out.append(b"\n")
                    for key, count in hit_actions.items():
                        actions[key] = actions.get(key, 0) + count
                    for key, count in hit_states.items():
                        states[key] = states.get(key, 0) + count
                    if rows is not None:
                        rows.extend({**row, "person": str(person)} for row in hit_rows)
                    continue
            result = rulebook.evaluate(case, trace=trace)
            if rows is not None:
                person_rows = status_rows(result)
            for name in omit:
                result.pop(name, None)
            encoded = _dumps(result)
        except _RecordError as error:
            errors.append(_error_record(source, error.line, person, "CaseError", error.message, error.field))
        except YibaoError as error:
            at, column = error.location.line or line, error.location.column
            if error.location.file != source:  # the engine's location is in the case, not the ledger
                at, column = line, None
            match = _EVENT_INDEX.match(error.location.field or "")
            if match and event_lines and int(match.group(1)) < len(event_lines):
                at = event_lines[int(match.group(1))]  # CSV: the row of the event at fault
            errors.append(_error_record(source, at, person, type(error).__name__, error.message, error.location.field,
                                        column))
        except Exception as error:  # noqa: BLE001 - one broken record must never stop a province's batch
            errors.append(_error_record(source, line, person, "InternalError", f"{type(error).__name__}: {error}", None))
        else:
            # A case without one person (scores attributed over an organisation) gives a result per person.
            for one in result["persons"].values() if isinstance(result.get("persons"), dict) else (result,):
                for decision in one["decisions"]:
                    action = decision["action"]
                    actions[action] = actions.get(action, 0) + 1
                state = one["status"]["state"]
                states[state] = states.get(state, 0) + 1
            out.append(encoded)
            out.append(b"\n")
            if rows is not None:
                rows.extend(person_rows)
            continue
        if rows is not None:
            rows.append(error_row(_printable_id(person), errors[-1]["text"]))
    data = b"".join(out)
    if spool is not None:
        with open(spool, "wb") as handle:
            handle.write(data)
        return ChunkResult(b"", errors, len(chunk), actions, states, spool, rows)
    return ChunkResult(data, errors, len(chunk), actions, states, status=rows)


# Most staff have no event in a year: their results differ only in the person's id. A worker
# evaluates one such ledger per distinct rest-of-case (as_of, role, parameters, …) with a placeholder
# id and reuses the serialized result around the real id. Bounded, so memory stays flat.
_EMPTY_MEMO: Dict[Tuple[Any, ...], Optional[Tuple[bytes, bytes, Dict[str, int], Dict[str, int], list]]] = {}
_EMPTY_MEMO_LIMIT = 256
_PLACEHOLDER = "\u0000yibao-person-id\u0000"


def _empty_ledger(rulebook: Any, case: Any, omit: Sequence[str]):
    """``(prefix, suffix, actions, states)`` for a valid case with no events, else None (evaluate it)."""
    if type(case) is not dict or case.get("events") != [] or type(case.get("person")) is not dict:
        return None
    person = case["person"]
    if type(person.get("id")) not in (str, int):
        return None
    rest = {key: value for key, value in case.items() if key != "person"}
    rest["person"] = {key: value for key, value in person.items() if key != "id"}
    try:
        key = (id(rulebook), tuple(omit), _dumps_sorted(rest))
    except (TypeError, ValueError):
        return None
    if key in _EMPTY_MEMO:
        return _EMPTY_MEMO[key]
    entry = None
    try:
        probe = dict(rest)
        probe["person"] = {**rest["person"], "id": _PLACEHOLDER}
        result = rulebook.evaluate(probe, trace=False)
        parts = None
        if "persons" not in result:
            template_rows = status_rows(result)
            for name in omit:
                result.pop(name, None)
            parts = _dumps(result).split(_dumps(_PLACEHOLDER))
        if parts is not None and len(parts) == 2:
            actions: Dict[str, int] = {}
            for decision in result["decisions"]:
                actions[decision["action"]] = actions.get(decision["action"], 0) + 1
            entry = (parts[0], parts[1], actions, {result["status"]["state"]: 1}, template_rows)
    except YibaoError:
        entry = None  # invalid: evaluate each such case itself, for its own error message
    if len(_EMPTY_MEMO) >= _EMPTY_MEMO_LIMIT:
        _EMPTY_MEMO.clear()
    _EMPTY_MEMO[key] = entry
    return entry


def _dumps_sorted(data: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(data, option=_orjson.OPT_SORT_KEYS)
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogateescape")


def _worker_init(rulebook_id: str) -> None:
    """Pool initializer: signals are the parent's to handle (it stops the pool: no traceback from a
    worker, no worker gone while it holds a queue), and the rulebook is compiled once."""
    ignore_stop_signals()
    from engine.api import load_rulebook
    from engine.rulebook import registry

    load_rulebook(rulebook_id)
    registry.freeze()  # one rulebook set for the whole run, and no folder checks per case


# -- the run -------------------------------------------------------------------------------------

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


def _chunks(records: Iterable[Tuple[int, Any]], size: int) -> Iterator[List[Tuple[int, Any]]]:
    chunk: List[Tuple[int, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _LocalRunner:
    """Chunks on a pool of worker processes (or in this process when workers == 1), in order,
    bounded in flight.

    A :class:`~concurrent.futures.ProcessPoolExecutor`: a worker that dies breaks the pool (every
    pending chunk fails at once) instead of being replaced behind the parent's back, and stopping
    it never waits on a queue lock a dead worker held — both of which made ``multiprocessing.Pool``
    hang on a SIGTERM sent to the whole process group. Workers ignore SIGINT and SIGTERM: the
    parent stops them (it finishes the chunks they hold, then they exit).
    """

    def __init__(self, rulebook_id: str, workers: int):
        self.rulebook_id = rulebook_id
        self.pool = None
        self.workers = workers

    @property
    def parallel(self) -> bool:
        return self.workers > 1

    def _start(self) -> None:
        # The pool starts with the first chunk, not before: a ledger rejected while its header is
        # read never forks workers.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init,
                                        initargs=(self.rulebook_id,))

    @property
    def in_flight(self) -> int:
        return max(2, self.workers * 3)

    def submit(self, args: tuple):
        if not self.parallel:
            return process_chunk(*args)
        if self.pool is None:
            self._start()
        with stops_held():  # workers are forked on demand here: a signal during a fork would be swallowed
            return self.pool.submit(process_chunk, *args)

    def result(self, handle) -> ChunkResult:
        if not self.parallel:
            return handle
        from concurrent.futures.process import BrokenProcessPool

        try:
            return handle.result()
        except BrokenProcessPool:
            raise YibaoError("a worker process died (out of memory, or killed); no output was written") from None

    def close(self, ok: bool) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=not ok)


class _DaskRunner:
    """Chunks (whole persons) as Dask futures on a distributed cluster; results gathered in order."""

    def __init__(self, rulebook_id: str, address: str, workers: int):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise YibaoError("--dask needs the dask extra: pip install 'yibao-rules[dask]'") from None
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="15s")
            except (OSError, TimeoutError, ValueError) as error:
                raise YibaoError(f"cannot reach the Dask scheduler at '{address}': {error}") from None
        self.rulebook_id = rulebook_id
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        # Compile the rulebook once on every worker before the first chunk (and fail early if a worker can't).
        self.client.run(_worker_prepare, rulebook_id, os.getpid())

    @property
    def in_flight(self) -> int:
        return max(2, self.workers * 3)

    def submit(self, args: tuple):
        return self.client.submit(process_chunk, *args, pure=False)

    def result(self, handle) -> ChunkResult:
        return handle.result()

    def close(self, ok: bool) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _worker_prepare(rulebook_id: str, client_pid: int) -> str:
    """On each Dask worker: compile the rulebook once and, in a worker process of its own, freeze
    the registry (as the local pool does; never in the client's own process)."""
    from engine.api import load_rulebook
    from engine.rulebook import registry

    rulebook = load_rulebook(rulebook_id)
    if os.getpid() != client_pid:
        registry.freeze()
    return rulebook.id


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
    from engine.api import load_rulebook
    from engine.errors import Location

    import resource

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
            runner = _DaskRunner(rulebook_id, dask, workers) if dask else _LocalRunner(rulebook_id, workers)
            if show:
                from tqdm import tqdm

                bar = tqdm(total=os.path.getsize(ledger), unit="B", unit_scale=True, file=sys.stderr,
                           desc="batch", dynamic_ncols=True, smoothing=0.1)
            pending: Deque[Tuple[Any, int]] = collections.deque()
            submitted = 0
            if isinstance(runner, _LocalRunner) and runner.parallel:  # workers share this file system
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
                        bad.write(_dumps(record) + b"\n")
                    if table is not None and chunk.status is not None:
                        table.write(chunk.status)
                    summary.add(chunk)
                    if bar is not None:
                        bar.update(size)
                        # text, not numbers: tqdm would print 50000 as 5e+4
                        bar.set_postfix(persons=f"{summary.persons:,}", errors=f"{summary.errors:,}", refresh=False)

            for chunk in _chunks(records, chunk_size):
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
                import shutil

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
            import shutil

            shutil.copyfileobj(source, out, 1 << 20)
    os.unlink(path)


def _chunk_bytes(fmt: str, chunk: Sequence[Tuple[int, Any]]) -> int:
    """Roughly how many bytes of the ledger a chunk covers (for the progress bar)."""
    if fmt == "csv":
        return sum(sum(len(cell) + 1 for cell in row) for _, (_, rows, _) in chunk for _, row in rows)
    return sum(len(text.encode("utf-8", "surrogateescape")) for _, text in chunk)
