"""The whitelisted function library of the DSL.

Only the functions listed in :data:`FUNCTIONS` can be called from a rulebook. Each declares its
parameter types (for the type checker) and its Python implementation (for the compiler).
Families of functions that need data from outside the expression (the attribution graph, for
instance) register further entries through :func:`library_with`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

#: The value types of the DSL.
TYPES = ("number", "bool", "string", "date", "duration", "range", "list", "null", "any", "persons", "units")

#: Types that are lists of a kind: accepted wherever a plain ``list`` is (``count(involved)``).
#: ``persons`` are person ids of an organisation, ``units`` unit ids (groups, wards, …).
LIST_TYPES = ("list", "persons", "units")


def accepts(param: str, arg: str) -> bool:
    """Whether a value of type ``arg`` may be passed where ``param`` is expected."""
    return param == "any" or arg in (param, "any") or (param == "list" and arg in LIST_TYPES)


@dataclass(frozen=True)
class Function:
    """A callable of the DSL.

    ``params`` are the parameter types; ``variadic`` means the last type repeats (at least one
    argument). ``returns`` is the result type.
    """

    name: str
    params: tuple[str, ...]
    returns: str
    impl: Callable
    variadic: bool = False
    doc: str = ""
    #: The implementation takes the evaluation environment as its first argument (functions over
    #: data that is not an argument, e.g. the organisation graph of an attribution case).
    context: bool = False


class InclusiveRange:
    """``low..high`` with both ends included: ``10 in 9..11`` is true, and so is ``11``."""

    __slots__ = ("low", "high")

    def __init__(self, low, high) -> None:
        self.low = low
        self.high = high

    def __contains__(self, item) -> bool:
        return item is not None and self.low <= item <= self.high

    def __eq__(self, other) -> bool:
        return isinstance(other, InclusiveRange) and (self.low, self.high) == (other.low, other.high)

    def __hash__(self) -> int:
        return hash((self.low, self.high))

    def __repr__(self) -> str:
        return f"{self.low}..{self.high}"


def _max(*values):
    items = values[0] if len(values) == 1 and isinstance(values[0], (list, tuple)) else values
    return max(items) if items else 0


def _min(*values):
    items = values[0] if len(values) == 1 and isinstance(values[0], (list, tuple)) else values
    return min(items) if items else 0


def _clamp(value, low, high):
    return max(low, min(high, value))


def _days_between(first: _dt.date, second: _dt.date) -> int:
    return (second - first).days


FUNCTIONS: Mapping[str, Function] = {
    f.name: f
    for f in (
        Function("max", ("number",), "number", _max, variadic=True, doc="the largest of its arguments (or of a list)"),
        Function("min", ("number",), "number", _min, variadic=True, doc="the smallest of its arguments (or of a list)"),
        Function("sum", ("list",), "number", lambda items: sum(items), doc="the sum of a list of numbers"),
        Function("count", ("list",), "number", lambda items: len(items), doc="how many items a list has"),
        Function("clamp", ("number", "number", "number"), "number", _clamp, doc="clamp(x, low, high)"),
        Function("abs", ("number",), "number", abs, doc="the absolute value"),
        Function("year_of", ("date",), "number", lambda d: d.year, doc="the calendar year of a date"),
        Function("days_between", ("date", "date"), "number", _days_between, doc="days from the first date to the second"),
        Function("take", ("list", "number"), "list", lambda items, n: list(items)[: max(0, int(n))],
                 doc="the first n items of a list (fewer if it is shorter), e.g. take(previous_year_totals, 2)"),
    )
}


def library_with(extra: Optional[Sequence[Function]] = None) -> Mapping[str, Function]:
    """The base library plus ``extra`` functions (which may not shadow base names)."""
    if not extra:
        return FUNCTIONS
    merged = dict(FUNCTIONS)
    for function in extra:
        if function.name in merged:
            raise ValueError(f"function {function.name!r} is already defined")
        merged[function.name] = function
    return merged
