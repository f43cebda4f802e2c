"""Checks on plain data (from JSON, YAML or a Python caller) against the input limits, without recursion.

:func:`value_problem` walks a value iteratively — so a document nested a thousand levels deep is an
answer, not a RecursionError — and reports the first value beyond :mod:`engine.base.limits`.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple, Union

from engine.base.limits import MAX_NESTING, MAX_NODES, number_problem, text_problem

PathPart = Union[str, int]


def value_problem(data: Any) -> Optional[Tuple[Tuple[PathPart, ...], str]]:
    """``(path, why)`` of the first value of ``data`` that breaks a limit: nesting, size, a number
    that is not finite or too large, a string too long; None when all is well. Mappings of any kind
    and dates are accepted (a Python caller's case is made plain afterwards)."""
    stack: List[Tuple[Any, Tuple[PathPart, ...]]] = [(data, ())]
    seen = 0
    while stack:
        value, path = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return path, f"too many values (more than {MAX_NODES:,})"
        kind = type(value)
        if kind is str:
            problem = text_problem(value)
            if problem:
                return path, problem
            continue
        if kind is int or kind is float:
            problem = number_problem(value)
            if problem:
                return path, problem
            continue
        mapping = kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping))
        if mapping or kind is list or kind is tuple:
            if len(path) >= MAX_NESTING:
                return path, f"nested more than {MAX_NESTING} levels deep"
            if mapping:
                stack.extend((item, path + (str(key),)) for key, item in value.items())
            else:
                stack.extend((item, path + (index,)) for index, item in enumerate(value))
    return None
