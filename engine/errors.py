"""One hierarchy of errors for yibao-rules, each carrying where it happened.

Every error the engine raises on bad input derives from :class:`YibaoError`. An error knows its
:class:`Location` (file, line, column, a field path such as ``events[2].situation``) and renders as
one line ``file:line:col: field: message``, optionally followed by the offending source line and a
caret under the column (for DSL expressions).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Iterable, Optional


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


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a candidate is close to ``word``, else an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class YibaoError(Exception):
    """Root of every error raised by yibao-rules on bad input or bad data.

    ``message`` says what is wrong and what was expected; ``location`` says where.
    ``snippet`` (optional) is the offending text, rendered under the message with a caret at
    ``caret`` (0-based offset into the snippet).
    """

    def __init__(
        self,
        message: str,
        location: Optional[Location] = None,
        snippet: Optional[str] = None,
        caret: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.snippet = snippet
        self.caret = caret

    def one_line(self) -> str:
        """The error as a single line: ``file:line:col: field: message``."""
        where = self.location.render()
        return f"{where}: {self.message}" if where else self.message

    def __str__(self) -> str:
        text = self.one_line()
        if self.snippet is not None:
            text += f"\n    {self.snippet}"
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
        }


class RulebookError(YibaoError):
    """A rulebook is not valid: schema, structure, references or inheritance."""


class SchemaError(RulebookError):
    """A document does not follow its JSON Schema."""


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


class CaseError(YibaoError):
    """A case (one person's ledger) is not valid against the contract or the rulebook."""


class CalendarError(YibaoError):
    """A date computation needs calendar data that is not available."""


class OrgError(YibaoError):
    """An organisation structure is not valid (attribution)."""


class DeadlineError(YibaoError):
    """A deadline was asked for that the rulebook does not define, or from a date that is not one."""


class AttributionError(CaseError):
    """Responsibility cannot be attributed: the rulebook has no attribution table, the row is
    unknown, or the table does not cover the case (the engine does not guess)."""
