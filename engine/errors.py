"""One hierarchy of errors for yibao-rules, each an immutable value that carries where it happened.

Every error the engine raises on bad input derives from :class:`YibaoError`. An error knows its
:class:`Location` (file, line, column, a field path such as ``events[2].situation``) and renders as
one line ``file:line:col: field: message``, optionally followed by the offending source line and a
caret under the column (for DSL expressions). What was expected and the closest known word ("did
you mean") are fields of their own, so a service can show them without parsing the message.

Errors are values: once made, an error never changes. A caller that knows a better location (a
case nested inside an institution case, a request body) makes a new error with
:meth:`YibaoError.relocated`. A rulebook with several problems raises one :class:`InvalidRulebook`
that holds every located error (:attr:`InvalidRulebook.errors`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Optional, Tuple


@dataclass(frozen=True)
class Location:
    """Where something is: a file, a 1-based line and column, and a field path inside the document."""

    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    field: Optional[str] = None

    def render(self) -> str:
        """``file:line:col: field`` with the parts that are known."""
        head = ""
        if self.file:
            head = self.file
            if self.line is not None:
                head += f":{self.line}"
                if self.column is not None:
                    head += f":{self.column}"
        parts = [p for p in (head, self.field) if p]
        return ": ".join(parts)

    def with_field(self, field: Optional[str]) -> "Location":
        return replace(self, field=field)


def closest(word: str, candidates: Iterable[Any]) -> Optional[str]:
    """The candidate closest to ``word`` when one is close enough to be a likely typo, else None."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_word(cls: type, message: str, word: Any, candidates: Iterable[Any],
                 location: Optional[Location] = None) -> "YibaoError":
    """An error of class ``cls`` for a word that is not among ``candidates``: the message gets the
    "did you mean" hint, and the suggestion and the accepted words become fields of the error."""
    options = [str(c) for c in candidates]
    suggestion = closest(str(word), options)
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    return cls(message + hint, location, suggestion=suggestion, expected=options)


def did_you_mean(word: str, candidates: Iterable[Any]) -> str:
    """`` (did you mean 'x'?)`` when a candidate is close to ``word``, else an empty string."""
    suggestion = closest(word, candidates)
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters (ESC, NUL, …) written as escapes, e.g. ``\\x1b``."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates, shown escaped
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


#: The attributes an error is made of; they never change after construction.
_FIELDS = ("message", "location", "snippet", "caret", "suggestion", "expected")


class YibaoError(Exception):
    """Root of every error raised by yibao-rules on bad input or bad data.

    ``message`` says what is wrong and what was expected; ``location`` says where.
    ``snippet`` (optional) is the offending text, rendered under the message with a caret at
    ``caret`` (0-based offset into the snippet). ``suggestion`` is the closest known word where the
    input looks like a typo; ``expected`` lists the values that would have been accepted.
    """

    def __init__(
        self,
        message: str,
        location: Optional[Location] = None,
        snippet: Optional[str] = None,
        caret: Optional[int] = None,
        *,
        suggestion: Optional[str] = None,
        expected: Iterable[Any] = (),
    ) -> None:
        super().__init__(message)
        values = (message, location or Location(), snippet, caret, suggestion, tuple(str(e) for e in expected))
        for name, value in zip(_FIELDS, values):
            object.__setattr__(self, name, value)

    # The interpreter sets __traceback__, __cause__, __context__ and __notes__ itself; only the
    # error's own fields are frozen.
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FIELDS:
            raise AttributeError(f"{type(self).__name__} is immutable; use relocated() for another location")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in _FIELDS:
            raise AttributeError(f"{type(self).__name__} is immutable")
        super().__delattr__(name)

    def __reduce__(self):  # errors cross process boundaries (batch workers): rebuild from the fields
        return (_rebuild, (type(self), tuple(getattr(self, name) for name in _FIELDS)))

    message: str
    location: Location
    snippet: Optional[str]
    caret: Optional[int]
    suggestion: Optional[str]
    expected: Tuple[str, ...]

    def relocated(self, location: Location) -> "YibaoError":
        """The same error (same class, same message) at another location."""
        return _rebuild(type(self), (self.message, location, self.snippet, self.caret, self.suggestion,
                                     self.expected))

    def detached(self) -> "YibaoError":
        """The same error as a fresh value, without the traceback and the exception it was raised
        during (a parser's internal state, say): safe to keep, compare and send to another process."""
        return self.relocated(self.location)

    def one_line(self) -> str:
        """The error as a single line: ``file:line:col: field: message``. Line breaks in values are
        folded and control characters shown escaped, so input can never split the line or send a
        terminal escape sequence."""
        where = self.location.render()
        text = f"{where}: {self.message}" if where else self.message
        return printable(" ".join(text.splitlines()))

    def __str__(self) -> str:
        text = self.one_line()
        if self.snippet is not None:
            text += f"\n    {printable(self.snippet)}"
            if self.caret is not None:
                text += "\n    " + " " * self.caret + "^"
        return text

    def to_dict(self) -> dict:
        """A JSON-friendly form, for services and batch error files."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "field": self.location.field,
            "text": self.one_line(),
            "suggestion": self.suggestion,
            "expected": list(self.expected),
        }


def _rebuild(cls: type, fields: Tuple[Any, ...]) -> YibaoError:
    message, location, snippet, caret, suggestion, expected = fields
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    for name, value in zip(_FIELDS, (message, location, snippet, caret, suggestion, tuple(expected))):
        object.__setattr__(error, name, value)
    return error


class RulebookError(YibaoError):
    """A rulebook is not valid: schema, structure, references or inheritance."""


class SchemaError(RulebookError):
    """A document does not follow its JSON Schema, or is not readable YAML/JSON."""


class DslError(RulebookError):
    """An expression of the DSL is wrong."""


class DslSyntaxError(DslError):
    """An expression does not parse."""


class DslNameError(DslError):
    """An expression uses a name or function that is not bound in its context."""


class DslTypeError(DslError):
    """An expression combines values of the wrong types (e.g. a date plus a number)."""


class DslEvaluationError(DslError):
    """An expression failed while running (e.g. a date computation without calendar data)."""


class RulebookNotFound(RulebookError):
    """No rulebook has the requested id or path."""


class InvalidRulebook(RulebookError):
    """A rulebook with one or more errors; :attr:`errors` holds every one of them, located.

    It reads as its first error (message and location), so a caller that shows one line shows the
    first problem; ``yibao check`` shows them all.
    """

    errors: Tuple[YibaoError, ...]

    def __init__(self, errors: Iterable[YibaoError]) -> None:
        found = tuple(error.detached() for error in errors)
        if not found:
            raise ValueError("an invalid rulebook has at least one error")
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        super().__init__(first.message + more, first.location, first.snippet, first.caret,
                         suggestion=first.suggestion, expected=first.expected)
        object.__setattr__(self, "errors", found)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "errors":
            raise AttributeError("InvalidRulebook is immutable")
        super().__setattr__(name, value)

    def relocated(self, location: Location) -> "InvalidRulebook":
        return InvalidRulebook((self.errors[0].relocated(location),) + self.errors[1:])

    def __reduce__(self):
        return (InvalidRulebook, (self.errors,))


class CaseError(YibaoError):
    """A case (one person's ledger) is not valid against the contract or the rulebook."""


class CalendarError(YibaoError):
    """A date computation needs calendar data that is not available."""


class OrgError(YibaoError):
    """An organisation structure is not valid (attribution)."""


class NotSupported(YibaoError):
    """This build of the engine cannot do what was asked (e.g. a feature of a later release).

    Services answer it with HTTP 501; it is not bad input.
    """


class DeadlineError(YibaoError):
    """A deadline was asked for that the rulebook does not define, or from a date that is not one."""


class AttributionError(CaseError):
    """Responsibility cannot be attributed: the rulebook has no attribution table, the row is
    unknown, or the table does not cover the case (the engine does not guess)."""
