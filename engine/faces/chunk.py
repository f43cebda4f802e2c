"""Evaluating one chunk of a batch's persons, in a worker process (local or on Dask): every failure
becomes an error record, never an exception; results leave as UTF-8 JSON lines."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from engine.api import load_rulebook
from engine.errors import YibaoError
from engine.faces import jsonin
from engine.faces.interrupt import ignore_stop_signals
from engine.faces.ledger import RecordError, case_from_rows, not_utf8, printable_id
from engine.faces.status import error_row, status_rows
from engine.rulebook import registry

try:  # orjson is 3-5x faster at both ends; the json module gives the same data
    import orjson as _orjson
except ImportError:  # pragma: no cover - optional accelerator
    _orjson = None

_EVENT_INDEX = re.compile(r"^events\[(\d+)\]")


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON (bytes: results cross process boundaries and reach the file undecoded)."""
    if _orjson is not None:
        return _orjson.dumps(data)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape")


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
    return {"line": line, "person": printable_id(person), "error": kind, "field": field_, "message": message,
            "text": text}


def _read_record(fmt: str, source: str, line: int, payload: Any) -> Tuple[Any, List[int]]:
    """One record of the ledger as a case and the line of each event (CSV); raises on a bad record."""
    if fmt == "csv":
        header, rows, problem = payload
        if problem is not None:
            raise RecordError(problem[0], problem[1] + "; this person is not evaluated")
        return case_from_rows(header, rows)
    text = payload.rstrip("\r\n")
    problem = not_utf8(text)
    if problem:
        raise RecordError(line, problem)
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
                    out.append(prefix + dumps(str(person)) + suffix)
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
            encoded = dumps(result)
        except RecordError as error:
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
            rows.append(error_row(printable_id(person), errors[-1]["text"]))
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
        key = (id(rulebook), tuple(omit), dumps_sorted(rest))
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
            parts = dumps(result).split(dumps(_PLACEHOLDER))
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


def dumps_sorted(data: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(data, option=_orjson.OPT_SORT_KEYS)
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogateescape")


def worker_init(rulebook_id: str) -> None:
    """Pool initializer: signals are the parent's to handle (it stops the pool: no traceback from a
    worker, no worker gone while it holds a queue), and the rulebook is compiled once."""
    ignore_stop_signals()
    load_rulebook(rulebook_id)
    registry.freeze()  # one rulebook set for the whole run, and no folder checks per case


def worker_prepare(rulebook_id: str, client_pid: int) -> str:
    """On each Dask worker: compile the rulebook once and, in a worker process of its own, freeze
    the registry (as the local pool does; never in the client's own process)."""
    rulebook = load_rulebook(rulebook_id)
    if os.getpid() != client_pid:
        registry.freeze()
    return rulebook.id
