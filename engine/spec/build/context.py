"""What every section builder shares: the document, the collected errors, and how to compile a condition."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Dict, List, Mapping, Optional

from engine.base.dates import date_problem, parse_date
from engine.base.documents import PositionedDocument
from engine.base.frozen import freeze
from engine.dsl.compiler import CompiledExpression, compile_expression
from engine.dsl.functions import FUNCTIONS, Function
from engine.errors import DslError, Location, RulebookError, YibaoError
from engine.spec.legal import Legal
from engine.spec.names import Context

#: Moves a date by a duration on the rulebook's calendar (see engine/base/calendar.py).
Shift = Callable[..., _dt.date]


class BuildContext:
    """One rulebook being built: its document, every located error found so far, and the typing
    environment of its readings (``param.<id>``)."""

    def __init__(self, document: PositionedDocument):
        self.document = document
        self.data: Mapping[str, Any] = freeze(document.data)
        self.errors: List[YibaoError] = []
        self.parameter_types: Dict[str, str] = {}
        self.shift: Optional[Shift] = None

    def where(self, *path: Any) -> Location:
        return self.document.location(path)

    def fail(self, message: str, *path: Any) -> None:
        """Record a located error; building goes on, so that ``yibao check`` reports every one."""
        self.errors.append(RulebookError(message, self.where(*path)))

    def add(self, error: YibaoError) -> None:
        self.errors.append(error)

    def legal(self, node: Mapping[str, Any], fallback: Optional[Mapping[str, Any]] = None) -> Legal:
        """The article, original sentence and interpretation written on ``node`` (or its section)."""
        fallback = fallback or {}
        return Legal(
            article=str(node.get("article") or fallback.get("article") or ""),
            text=str(node.get("text") or fallback.get("text") or ""),
            interpretation=node.get("interpretation"),
            source=node.get("source"),
        )

    def expression(self, text: Any, context: Context, expect: Optional[str], *path: Any,
                   functions: Mapping[str, Function] = FUNCTIONS) -> Optional[CompiledExpression]:
        """Compile the condition at ``path`` against ``context``'s names; None (and an error) when it is wrong."""
        try:
            return compile_expression(str(text), context.scope(self.parameter_types), functions=functions,
                                      location=self.document.expression_location(path), expect=expect,
                                      shift=self.shift)
        except DslError as error:
            self.errors.append(error)
            return None

    def date(self, value: Any, *path: Any) -> Optional[_dt.date]:
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.fail(date_problem(value), *path)
        return day

    def months(self, text: Any, *path: Any) -> int:
        """``"1 month"`` / ``"2 months"`` → 2; anything else is a located error (0)."""
        words = str(text).split()
        if len(words) == 2 and words[0].isdigit() and words[1] in ("month", "months"):
            return int(words[0])
        self.fail(f"'{text}' is not a number of months; expected e.g. '1 month' or '2 months'", *path)
        return 0
