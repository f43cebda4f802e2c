"""Writing Python source: indented lines, and constants hoisted to the top of the module.

Values that are not plain literals (dates, ranges, the DSL's functions) become module-level names
written with the runtime's constructors, so the generated module is self-contained text: it can
be shown, cached and compiled again without the rulebook it came from.
"""

from __future__ import annotations

import datetime as _dt
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List

from engine.dsl.functions import FUNCTIONS, InclusiveRange
from engine.evaluate.compiled.coverage import Uncovered

INDENT = "    "


def literal(value: Any) -> str:
    """``value`` as Python source (plain JSON-like data, dates and ranges); :class:`Uncovered` otherwise."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return repr(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise Uncovered(f"the number {value} has no literal")
        return repr(value)
    if kind is tuple:
        return "(" + "".join(literal(item) + ", " for item in value) + ")"
    if kind is list:
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if kind is dict:
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if kind is frozenset:
        return "frozenset({" + ", ".join(literal(item) for item in sorted(value, key=repr)) + "})" if value \
            else "frozenset()"
    if kind is _dt.date:
        return f"DATE({value.year}, {value.month}, {value.day})"
    if kind is InclusiveRange:
        return f"InclusiveRange({literal(value.low)}, {literal(value.high)})"
    raise Uncovered(f"a constant of type {kind.__name__} has no literal")


def function_name(impl: Any) -> str:
    """The DSL name of a library function's implementation (its entry in ``FUNCTIONS``)."""
    for name, function in FUNCTIONS.items():
        if function.impl is impl and not function.context:
            return name
    raise Uncovered(f"the function {getattr(impl, '__name__', impl)!r} is not in the DSL's library")


def fstring(*parts: Any) -> str:
    """An f-string literal from constant text and ``{expression}`` parts given as 1-tuples."""
    text = "".join("{" + part[0] + "}" if isinstance(part, tuple) else str(part).replace("{", "{{").replace("}", "}}")
                   for part in parts)
    return "f" + repr(text)


class Source:
    """The lines of a module being written, and its hoisted constants (name → source)."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.depth = 0
        self.constants: Dict[str, str] = {}
        self._by_source: Dict[str, str] = {}

    def __call__(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(INDENT * self.depth + line if line else "")

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        """``header:`` and the lines written inside the ``with``, one level deeper."""
        self(header + ":")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def constant(self, value: Any, hint: str = "K") -> str:
        """A module-level name for ``value`` (the same value written once)."""
        return self.named(literal(value), hint)

    def named(self, source: str, hint: str = "K") -> str:
        """A module-level name bound to the expression ``source`` (the same source bound once)."""
        name = self._by_source.get(source)
        if name is None:
            name = f"{hint.upper()}{len(self.constants)}"
            self.constants[name] = source
            self._by_source[source] = name
        return name

    def function(self, impl: Any) -> str:
        """A module-level name for a DSL library function."""
        name = function_name(impl)
        return self.named(f"FUNCTIONS[{name!r}].impl", f"F_{name}_")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
