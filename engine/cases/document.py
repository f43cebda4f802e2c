"""One reader for every kind of case: where its values are, and the checks every case shares.

A case arrives as plain data (from YAML or JSON, or from Python with dates) with, when it came from
a file, the line and column of every value. :func:`open_case` turns it into a :class:`CaseDocument`
after the checks every case kind shares: a mapping, the kind's JSON Schema, the rulebook it names.
The document then locates every later error (:meth:`CaseDocument.error`) and reads the readings a
case may choose (:func:`chosen_readings`). Person, institution and attribution cases all use it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Type, Union

from engine.base.dates import date_problem, parse_date
from engine.base.documents import Mark, PositionedDocument, format_path
from engine.base.schemas import first_error, surely_valid
from engine.base.values import value_problem
from engine.errors import CaseError, Location, YibaoError, closest
from engine.spec.legal import Parameter

PathPart = Union[str, int]
#: The source name of a case that came from Python or a request, not from a file.
NO_FILE = "<case>"


def to_plain(value: Any) -> Any:
    """Dates from Python callers become ISO text, as in YAML and JSON input; tuples become lists."""
    kind = type(value)  # exact-type fast paths first: JSON data is only these, and ABC checks are slow
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {key if type(key) is str else str(key): to_plain(item) for key, item in value.items()}
    if kind is list:
        return [to_plain(item) for item in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


class CaseDocument:
    """A case's data, its source, and the positions of its values; ``prefix`` places it inside a
    larger document (one staff member's ledger inside an institution case, one finding inside a
    score event)."""

    def __init__(self, data: Any, source: Optional[str], positions: Optional[Dict[Tuple, Mark]],
                 prefix: Tuple[PathPart, ...] = ()):
        self.data = data
        self.source = source or NO_FILE
        self.positions = positions or {}
        self.prefix = prefix
        self.document = PositionedDocument(data, self.source, self.positions)

    def nested(self, *path: PathPart) -> "CaseDocument":
        """The same document, with every location below ``path``."""
        return CaseDocument(self.data, self.source, self.positions, self.prefix + tuple(path))

    def at(self, *path: PathPart) -> Location:
        """Where the value at ``path`` is: line and column when the case came from a file."""
        full = self.prefix + tuple(path)
        if self.positions:
            return self.document.location(full)
        return Location(None if self.source == NO_FILE else self.source, field=format_path(full))

    def error(self, message: str, *path: PathPart, cls: Type[YibaoError] = CaseError) -> YibaoError:
        return cls(message, self.at(*path))

    def unknown(self, message: str, word: Any, candidates: Iterable[Any], *path: PathPart,
                cls: Type[YibaoError] = CaseError) -> YibaoError:
        """An error for a word that is not among ``candidates``: "did you mean" in the message and as a field."""
        options = [str(c) for c in candidates]
        suggestion = closest(str(word), options)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        return cls(message + hint, self.at(*path), suggestion=suggestion, expected=options)

    def date(self, value: Any, *path: PathPart) -> _dt.date:
        """An ISO date (``YYYY-MM-DD``), or a located error."""
        day = parse_date(value)
        if day is None:
            raise self.error(date_problem(value), *path)
        return day


def open_case(case: Any, schema: str, *, source: Optional[str], positions: Optional[Dict[Tuple, Mark]],
              shape: str) -> CaseDocument:
    """Check what every case shares — a mapping that follows ``schemas/<schema>.schema.json`` — and
    return its document. ``shape`` says what the case should look like, for a case that is not a mapping."""
    # A case of plain JSON types that the fast validator accepts needs no copy (the hot path of
    # batches and services); anything else is converted, then checked with located errors.
    if type(case) is dict and surely_valid(schema, case):
        return CaseDocument(case, source, positions)
    problem = value_problem(case)  # before any recursive walk: depth, sizes, numbers (engine/base/limits.py)
    if problem is not None:
        path, why = problem
        raise CaseDocument(case if isinstance(case, dict) else {}, source, positions).error(why, *path)
    data = to_plain(case)
    document = CaseDocument(data, source, positions)
    if not isinstance(data, dict):
        raise document.error(shape)
    located = first_error(document.document, schema)
    if located is not None:
        where = located.location if positions else Location(source, field=located.location.field)
        raise CaseError(located.message, where)
    return document


def check_rulebook_id(document: CaseDocument, rulebook_id: str, done: str = "evaluated") -> None:
    """A case that names its rulebook is judged by that rulebook only."""
    named = document.data.get("rulebook")
    if named and named != rulebook_id:
        raise document.error(f"this case is for rulebook '{named}', but was {done} with '{rulebook_id}'", "rulebook")


def chosen_readings(document: CaseDocument, parameters: Sequence[Mapping[str, Parameter]]) -> Dict[str, Any]:
    """The readings the case chooses (``parameters:``), each checked against the rulebook versions
    that declare it: unknown readings and values no version allows are located errors."""
    chosen: Dict[str, Any] = {}
    known = {name: [version[name] for version in parameters if name in version]
             for version in parameters for name in version}
    for name, value in (document.data.get("parameters") or {}).items():
        declared = known.get(name)
        if not declared:
            listing = ", ".join(known) or "none"
            raise document.unknown(f"unknown parameter '{name}'; this rulebook has {listing}", name, known,
                                   "parameters", name)
        allowed = [a for parameter in declared for a in parameter.allowed]
        if value not in allowed:
            raise document.error(f"'{value}' is not a reading of {name}; expected one of "
                                 f"{', '.join(map(str, dict.fromkeys(allowed)))}", "parameters", name)
        chosen[name] = value
    return chosen


def effective_readings(parameters: Mapping[str, Parameter], chosen: Mapping[str, Any]) -> Dict[str, Any]:
    """One rulebook version's readings: its own values, with the case's choices where it declares them
    and allows the value."""
    values = {name: parameter.value for name, parameter in parameters.items()}
    for name, value in chosen.items():
        if name in parameters and value in parameters[name].allowed:
            values[name] = value
    return values
