"""The abstract syntax tree of DSL expressions.

Nodes are small frozen dataclasses. Each carries ``pos``, its 0-based offset in the expression
text, so that the type checker and the compiler can point a caret at the offending token.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Node:
    """Base of every expression node; ``pos`` is the offset of the node's first character."""

    pos: int


@dataclass(frozen=True)
class Number(Node):
    value: float | int


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Null(Node):
    pass


@dataclass(frozen=True)
class Date(Node):
    value: _dt.date


@dataclass(frozen=True)
class Duration(Node):
    amount: int
    unit: str  # workdays | days | months | years


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: Tuple[Node, ...]


@dataclass(frozen=True)
class ListLiteral(Node):
    items: Tuple[Node, ...]


@dataclass(frozen=True)
class Range(Node):
    """An inclusive range ``low..high`` (9..11 holds 9, 10 and 11)."""

    low: Node
    high: Node


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Node
    right: Node
    op_pos: int


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node
    op_pos: int


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # and | or
    left: Node
    right: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Member(Node):
    """``item in container`` (``negated`` for ``not in``)."""

    item: Node
    container: Node
    negated: bool


@dataclass(frozen=True)
class Conditional(Node):
    """``then if condition else otherwise``."""

    then: Node
    condition: Node
    otherwise: Node


def walk(node: Node):
    """Yield ``node`` and all nodes below it, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> Tuple[Node, ...]:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, ListLiteral):
        return node.items
    if isinstance(node, Range):
        return (node.low, node.high)
    if isinstance(node, (Negate, Not)):
        return (node.operand,)
    if isinstance(node, (Binary, Compare, BoolOp)):
        return (node.left, node.right)
    if isinstance(node, Member):
        return (node.item, node.container)
    if isinstance(node, Conditional):
        return (node.then, node.condition, node.otherwise)
    return ()


def names_used(node: Node) -> set[str]:
    """Every engine-bound name the expression reads."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


__all__ = [
    "Node", "Number", "String", "Boolean", "Null", "Date", "Duration", "Name", "Call",
    "ListLiteral", "Range", "Negate", "Binary", "Compare", "BoolOp", "Not", "Member",
    "Conditional", "walk", "children", "names_used",
]
