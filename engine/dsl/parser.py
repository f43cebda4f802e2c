"""Parser facade: expression text in, AST out, or a located :class:`DslSyntaxError`.

The grammar lives in ``grammar.lark``; :mod:`engine.dsl.lark_parser` parses it with Lark. That
module — and Lark — are imported only when an expression is parsed: a rulebook's generated code
from the compiled-rulebook cache parses none.
"""

from __future__ import annotations

from typing import Optional

from engine.base.lazy import lazy_module
from engine.dsl import ast
from engine.errors import Location

_lark_parser = lazy_module("engine.dsl.lark_parser")


def parse_expression(text: str, location: Optional[Location] = None) -> ast.Node:
    """Parse ``text`` into an AST.

    ``location`` is where the expression starts in its file (line and column of its first
    character); errors are reported there with a caret under the offending token.
    """
    return _lark_parser.parse_expression(text, location)


def locate(text: str, pos: int, location: Location) -> Location:
    """The file location of offset ``pos`` in an expression that starts at ``location``."""
    before = text[:pos]
    newlines = before.count("\n")
    if location.line is None:
        return location
    if newlines:
        return Location(location.file, location.line + newlines, pos - before.rfind("\n"), location.field)
    column = (location.column or 1) + pos
    return Location(location.file, location.line, column, location.field)
