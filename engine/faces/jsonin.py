"""Strict JSON input for the faces that read JSON (HTTP bodies, JSON Lines batches).

JSON is held to what YAML case files already are held to, and to limits checked before any
expensive work:

* duplicate keys are refused (YAML refuses them too; ``json`` would keep the last silently);
* ``NaN``, ``Infinity`` and numbers too large for a float (``1e999``) are refused: not JSON;
* integers have at most :data:`MAX_INT_DIGITS` digits (Python would accept 4,300 and the engine
  would then fail far away);
* nesting is at most :data:`MAX_DEPTH` levels (a case is five or six);
* strings hold valid Unicode (no lone surrogate, whether escaped as ``\\ud800`` or from bytes
  that were not UTF-8).

Every refusal is a :class:`~engine.errors.CaseError` with the line and column in the text, found
by :func:`positions` — a scanner of the JSON text that also gives the HTTP service the line and
column of any value the engine rejects (instead of re-reading the body as YAML, which is slow).
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Dict, List, Optional, Tuple, Union

from engine.base.documents import Mark
from engine.base.limits import MAX_NESTING
from engine.errors import CaseError, Location

#: Deepest nesting of arrays and objects accepted (the engine's one limit, engine/base/limits.py).
MAX_DEPTH = MAX_NESTING
#: Most digits in an integer (ids up to 18 digits; nothing in a case counts higher).
MAX_INT_DIGITS = 18

Path = Tuple[Union[str, int], ...]

_STRING = r'"(?:[^"\\]|\\.)*"'
_TOKEN = re.compile(r'[ \t\r\n]*(?:(' + _STRING + r')|([{}\[\],:])|(-?[0-9][0-9.eE+-]*|true|false|null))')
_STRINGS = re.compile(_STRING)
# Cheap hints that a text needs the slower, exact checks below (rare in real input).
_SURROGATE_HINT = re.compile(r'[\ud800-\udfff]|\\u[dD][89a-fA-F]')
_HUGE_INTEGER = re.compile(r"-?[0-9]{1000,}")
_LONG_NUMBER = re.compile(r'[0-9]{%d,}|[eE][+-]?[0-9]{3,}' % (MAX_INT_DIGITS + 1))


class _Refused(Exception):
    def __init__(self, message: str, path: Optional[Path] = None, named: bool = True):
        super().__init__(message)
        self.message, self.path, self.named = message, path, named  # named: say the field


def _pairs(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key '{key}'")
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def loads(text: str, source: Optional[str] = None, line: Optional[int] = None) -> Any:
    """Parse ``text`` as strict JSON (see the module docstring); a located :class:`CaseError` if not.

    ``source`` names the text in errors (a file, or ``request``); ``line`` is the line the text
    starts on (a JSON Lines record), so that errors point into the file.
    """
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except _Refused as refused:
        return _fail(text, refused, source, line)
    except json.JSONDecodeError as error:
        raise CaseError(f"invalid JSON: {error.msg}", _where(source, line, error.lineno, error.colno)) from None
    except RecursionError:
        raise CaseError(f"nesting deeper than {MAX_DEPTH} levels", _where(source, line, 1, 1)) from None
    except ValueError:  # an integer beyond Python's own digit limit (4,300)
        found = _HUGE_INTEGER.search(text)
        offset = found.start() if found else 0
        before = text[:offset]
        raise CaseError(f"an integer of more than {MAX_INT_DIGITS} digits",
                        _where(source, line, before.count("\n") + 1, offset - before.rfind("\n"))) from None
    outside = _STRINGS.sub('""', text) if ("[" in text or "{" in text) else text
    if outside.count("[") + outside.count("{") > MAX_DEPTH or _LONG_NUMBER.search(outside) \
            or _SURROGATE_HINT.search(text):
        try:
            _check(data)
        except _Refused as refused:
            _fail(text, refused, source, line)
    return data


def _check(data: Any) -> None:
    """The exact checks: depth, integer size, finite numbers, valid strings (with the path at fault)."""
    stack: List[Tuple[Any, Path]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", path, named=False)
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                _check_text(key, path + (key,))
                stack.append((item, path + (key,)))
        elif kind is list:
            stack.extend((item, path + (index,)) for index, item in enumerate(value))
        elif kind is str:
            _check_text(value, path)
        elif kind is int and len(str(abs(value))) > MAX_INT_DIGITS:
            raise _Refused(f"an integer of more than {MAX_INT_DIGITS} digits", path)
        elif kind is float and value - value != 0:  # inf or nan
            raise _Refused("a number too large for a float (not finite)", path)


def _check_text(text: str, path: Path) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused("a string that is not valid Unicode (a lone surrogate, or bytes that are not UTF-8)",
                       path) from None


def _fail(text: str, refused: _Refused, source: Optional[str], line: Optional[int]) -> Any:
    from engine.base.documents import format_path

    if refused.path is not None:
        path = refused.path
        marks = locate(text, path)
        probe = path
        while probe not in marks:
            probe = probe[:-1]
        mark: Optional[Mark] = marks[probe]
    else:
        scan = Scan(text)
        path, mark = scan.duplicate, scan.duplicate_mark
    location = _where(source, line, mark.line if mark else 1, mark.column if mark else 1)
    raise CaseError(refused.message, Location(location.file, location.line, location.column,
                                              format_path(path) if path and refused.named else None))


def _where(source: Optional[str], line: Optional[int], lineno: int, colno: int) -> Location:
    if line is None:
        return Location(source, lineno, colno)
    return Location(source, line + lineno - 1, colno)


class Scan:
    """The line and column of every value of a JSON text, by path (``("events", 0, "date")``).

    Also notes the first duplicate key. Linear in the text; run only on an error path.
    """

    def __init__(self, text: str) -> None:
        self.positions: Dict[Path, Mark] = {}
        self.duplicate: Optional[Path] = None
        self.duplicate_mark: Optional[Mark] = None
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._scan(text)

    def _mark(self, offset: int, quoted: bool) -> Mark:
        row = bisect.bisect_right(self._starts, offset) - 1
        return Mark(row + 1, offset - self._starts[row] + 1, quoted)

    def mark(self, path: Path) -> Optional[Mark]:
        probe = tuple(path)
        while probe and probe not in self.positions:
            probe = probe[:-1]
        return self.positions.get(probe)

    def _scan(self, text: str) -> None:
        # Frames: [path, keys seen (None for arrays), next index or pending key, expecting a key]
        stack: List[list] = []
        path: Path = ()
        position = 0
        while True:
            match = _TOKEN.match(text, position)
            if match is None:
                return
            position = match.end()
            string, punct, scalar = match.groups()
            start = match.start(1) if string else match.start(2) if punct else match.start(3)
            if punct in ("}", "]"):
                if stack:
                    stack.pop()
                continue
            if punct in (",", ":"):
                continue
            frame = stack[-1] if stack else None
            if frame is not None and frame[1] is not None and frame[3]:  # an object key
                key = json.loads(string) if string else ""
                if key in frame[1] and self.duplicate is None:
                    self.duplicate, self.duplicate_mark = frame[0] + (key,), self._mark(start, True)
                frame[1].add(key)
                frame[2], frame[3] = key, False
                continue
            if frame is None:
                path = ()
            elif frame[1] is None:
                path = frame[0] + (frame[2],)
                frame[2] += 1
            else:
                path = frame[0] + (frame[2],)
                frame[3] = True
            self.positions.setdefault(path, self._mark(start, bool(string)))
            if punct == "{":
                stack.append([path, set(), None, True])
            elif punct == "[":
                stack.append([path, None, 0, False])


def positions(text: str) -> Dict[Path, Mark]:
    """The line and column of every value of the JSON ``text``, by path (see :class:`Scan`)."""
    return Scan(text).positions


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_FIELD_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_DECODER = json.JSONDecoder()


def field_path(field: str) -> Path:
    """``events[2].situation`` → ``("events", 2, "situation")`` (the inverse of ``format_path``)."""
    return tuple(int(index) if index else name for index, name in _FIELD_PART.findall(field or ""))


def locate(text: str, path: Path) -> Dict[Path, Mark]:
    """The line and column of the value at ``path`` in the (valid) JSON ``text``, and of its
    ancestors: only the containers on the way are walked, every other value is skipped by the C
    decoder — fast on a large body, where :func:`positions` reads every token."""
    def mark(offset: int) -> Mark:
        line = text.count("\n", 0, offset) + 1
        return Mark(line, offset - text.rfind("\n", 0, offset), text.startswith('"', offset))

    def skip_space(offset: int) -> int:
        return _WHITESPACE.match(text, offset).end()

    offset = skip_space(0)
    marks: Dict[Path, Mark] = {(): mark(offset)}
    current: Path = ()
    try:
        for part in path:
            opening = text[offset]
            offset = skip_space(offset + 1)
            found, index = False, 0
            while text[offset] not in "}]":
                if opening == "{":
                    key, offset = _DECODER.raw_decode(text, offset)
                    offset = skip_space(skip_space(offset) + 1)  # past the colon
                    found = key == part
                else:
                    found = index == part
                    index += 1
                if found:
                    break
                offset = skip_space(_DECODER.raw_decode(text, offset)[1])
                if text[offset] == ",":
                    offset = skip_space(offset + 1)
            if not found:
                break
            current += (part,)
            marks[current] = mark(offset)
    except (ValueError, IndexError, RecursionError):
        pass  # not where the path leads: the marks found so far
    return marks


__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "loads", "positions", "locate", "field_path", "Scan"]
