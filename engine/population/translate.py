"""A rulebook condition (a checked DSL AST, engine/dsl/ast.py) as numba source over the kernel's numbers.

The kernel holds every value as a number (:mod:`engine.population.layout`): dates as day numbers, the
words a condition compares (a situation code, a role, a state) as their index in a known list, a
term's causes as a bit mask. :func:`translate` writes an expression over those numbers from the AST the
rulebook's builder already parsed and type-checked — never from the rulebook's text. What it supports:
numbers, dates and durations in days, months and years, true/false, ``and``/``or``/``not``,
comparisons, ``+ - *`` and ``/`` by a non-zero number, ``if … else``, ``in`` a range or a list of
literals, the readings ``param.*`` (constants of the kernel's reading set), and the functions ``max
min sum count take clamp abs year_of days_between``. Anything else — working days (they need the
calendar), text concatenation, a null that is compared as a value, a function of an organisation —
raises :class:`Unsupported` with the reason; the population path then runs the persons who would
need that condition through the scalar engine.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, List, Mapping, Tuple

from engine.dsl import ast

_EPOCH = _dt.date(1970, 1, 1)


class Unsupported(Exception):
    """A condition, or a part of a rulebook, the kernel cannot express."""


@dataclass(frozen=True)
class Binding:
    """How the kernel holds a name: ``kind`` number | bool | date | enum | flags | list, ``code`` the
    numba expression that reads it, ``domain`` the words of an enum (index = code) or of a bit mask,
    ``nullable`` for a date that may be absent (:data:`~engine.population.layout.NULL`)."""

    kind: str
    code: str
    domain: Tuple[str, ...] = ()
    nullable: bool = False


@dataclass(frozen=True)
class _Value:
    """A translated node: its kernel kind, the code, and for literals and constants the value."""

    kind: str                   # number | bool | date | enum | flags | list | string | null | duration | range | items
    code: str = ""
    literal: Any = None
    domain: Tuple[str, ...] = ()
    nullable: bool = False


def day_number(day: _dt.date) -> int:
    """Days since 1970-01-01: the kernel's dates."""
    return (day - _EPOCH).days


def translate(node: ast.Node, bindings: Mapping[str, Binding], readings: Mapping[str, Any], text: str) -> str:
    """Numba source of ``node``; :class:`Unsupported` (naming ``text``) for what the kernel cannot express."""
    try:
        value = _Writer(bindings, readings).write(node)
    except Unsupported as error:
        raise Unsupported(f"'{text}': {error}") from None
    if value.kind == "bool" and value.literal is not None:
        return "True" if value.literal else "False"
    if value.kind not in ("number", "bool", "date"):
        raise Unsupported(f"'{text}' is a {value.kind}, not a number or true/false")
    return value.code


def _constant(value: Any) -> _Value:
    if isinstance(value, bool):
        return _Value("bool", "True" if value else "False", value)
    if isinstance(value, (int, float)):
        return _Value("number", repr(value), value)
    return _Value("string", "", str(value))


class _Writer:
    def __init__(self, bindings: Mapping[str, Binding], readings: Mapping[str, Any]):
        self.bindings = bindings
        self.readings = readings

    # long: one branch per kind of AST node, as in engine/dsl/compiler.py.
    def write(self, node: ast.Node) -> _Value:
        if isinstance(node, (ast.Number, ast.Boolean, ast.String)):
            return _constant(node.value)
        if isinstance(node, ast.Null):
            return _Value("null", "", None)
        if isinstance(node, ast.Date):
            return _Value("date", str(day_number(node.value)), node.value)
        if isinstance(node, ast.Duration):
            if node.unit == "workdays":
                raise Unsupported("working days need the rulebook's calendar")
            return _Value("duration", "", (node.amount, node.unit))
        if isinstance(node, ast.Name):
            return self.name(node.name)
        if isinstance(node, ast.ListLiteral):
            items = [self.write(item) for item in node.items]
            if any(item.kind not in ("number", "string") or item.literal is None for item in items):
                raise Unsupported("a list of anything but literal numbers and words")
            return _Value("items", "", tuple(item.literal for item in items))
        if isinstance(node, ast.Range):
            low, high = self.write(node.low), self.write(node.high)
            if low.kind != high.kind or low.kind not in ("number", "date") or low.nullable or high.nullable:
                raise Unsupported("a range of anything but two numbers or two dates")
            return _Value("range", "", (low.code, high.code))
        if isinstance(node, ast.Negate):
            operand = self.plain(node.operand, "number")
            return _Value("number", f"(-{operand.code})")
        if isinstance(node, ast.Not):
            operand = self.plain(node.operand, "bool")
            if operand.literal is not None:
                return _constant(not operand.literal)
            return _Value("bool", f"(not {operand.code})")
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.Binary):
            return self.binary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node.op, self.write(node.left), self.write(node.right))
        if isinstance(node, ast.Member):
            return self.member(node)
        if isinstance(node, ast.Conditional):
            condition = self.plain(node.condition, "bool")
            then, otherwise = self.write(node.then), self.write(node.otherwise)
            if then.kind != otherwise.kind or then.kind not in ("number", "bool", "date") or then.nullable:
                raise Unsupported("'if … else' over values the kernel cannot hold")
            return _Value(then.kind, f"({then.code} if {condition.code} else {otherwise.code})")
        if isinstance(node, ast.Call):
            return self.call(node)
        raise Unsupported(f"the expression {type(node).__name__}")

    def name(self, name: str) -> _Value:
        if name.startswith("param."):
            key = name[len("param."):]
            if key not in self.readings:
                raise Unsupported(f"the reading {name} is not declared")
            return _constant(self.readings[key])
        binding = self.bindings.get(name)
        if binding is None:
            raise Unsupported(f"the name '{name}' is not held by the kernel")
        return _Value(binding.kind, binding.code, None, binding.domain, binding.nullable)

    def plain(self, node: ast.Node, kind: str) -> _Value:
        """``node`` as a value of ``kind`` that is never absent."""
        value = self.write(node)
        if value.kind != kind or value.nullable:
            raise Unsupported(f"expected a {kind}, got {'an absent ' if value.nullable else 'a '}{value.kind}")
        return value

    def boolean(self, node: ast.BoolOp) -> _Value:
        left, right = self.plain(node.left, "bool"), self.plain(node.right, "bool")
        if left.literal is not None:  # a reading decides: keep the other side or the constant
            if (node.op == "and") == bool(left.literal):
                return right
            return left
        if right.literal is not None and (node.op == "and") == bool(right.literal):
            return left
        return _Value("bool", f"({left.code} {node.op} {right.code})")

    def binary(self, node: ast.Binary) -> _Value:
        left, right = self.write(node.left), self.write(node.right)
        if left.nullable or right.nullable:
            raise Unsupported("arithmetic on a date that may be absent")
        if left.kind == right.kind == "number":
            if node.op == "/" and (right.literal is None or right.literal == 0):
                raise Unsupported("a division by anything but a non-zero number")
            return _Value("number", f"({left.code} {node.op} {right.code})")
        if "duration" in (left.kind, right.kind) and "date" in (left.kind, right.kind):
            day, duration = (left, right) if left.kind == "date" else (right, left)
            amount, unit = duration.literal
            sign = -1 if node.op == "-" else 1
            if unit == "days":
                return _Value("date", f"({day.code} + {sign * amount})")
            months = amount * (12 if unit == "years" else 1) * sign
            return _Value("date", f"add_months({day.code}, {months})")
        if left.kind == right.kind == "date" and node.op == "-":
            return _Value("number", f"({left.code} - {right.code})")
        raise Unsupported(f"'{node.op}' on {left.kind} and {right.kind}")

    # long: the comparisons of the DSL's types, each with its kernel form.
    def compare(self, op: str, left: _Value, right: _Value) -> _Value:
        if "null" in (left.kind, right.kind):
            other = right if left.kind == "null" else left
            if op not in ("==", "!="):
                raise Unsupported("an order comparison with null")
            if other.kind == "null":
                return _constant(op == "==")
            if not other.nullable:
                return _constant(op == "!=")  # the kernel always holds this value
            return _Value("bool", f"({other.code} {'==' if op == '==' else '!='} NULL)")
        if left.nullable or right.nullable:
            raise Unsupported("a comparison with a date that may be absent (the engine refuses it)")
        if left.literal is not None and right.literal is not None and left.kind == right.kind:
            return _constant(_fold(op, left.literal, right.literal))
        if "enum" in (left.kind, right.kind):
            return self.compare_enum(op, left, right)
        if left.kind == right.kind and left.kind in ("number", "date", "bool"):
            if left.kind == "bool" and op not in ("==", "!="):
                raise Unsupported("an order comparison of true/false")
            return _Value("bool", f"({left.code} {op} {right.code})")
        raise Unsupported(f"comparing {left.kind} with {right.kind}")

    def compare_enum(self, op: str, left: _Value, right: _Value) -> _Value:
        if op not in ("==", "!="):
            raise Unsupported("an order comparison of words")
        enum, other = (left, right) if left.kind == "enum" else (right, left)
        if other.kind == "enum":
            if other.domain != enum.domain:
                raise Unsupported("comparing words of two different lists")
            return _Value("bool", f"({enum.code} {op} {other.code})")
        if other.kind != "string":
            raise Unsupported(f"comparing a word with a {other.kind}")
        if other.literal not in enum.domain:
            return _constant(op == "!=")  # a word the value can never be
        return _Value("bool", f"({enum.code} {op} {enum.domain.index(other.literal)})")

    def member(self, node: ast.Member) -> _Value:
        item, container = self.write(node.item), self.write(node.container)
        if item.nullable:
            raise Unsupported("'in' with a date that may be absent")
        if container.kind == "range":
            if item.kind not in ("number", "date"):
                raise Unsupported(f"a {item.kind} in a range")
            low, high = container.literal
            found = _Value("bool", f"({low} <= {item.code} <= {high})")
        elif container.kind == "items":
            found = self.any_of([self.compare("==", item, _constant(value)) for value in container.literal])
        elif container.kind == "flags" and item.kind == "string":
            if item.literal not in container.domain:
                found = _constant(False)
            else:
                bit = container.domain.index(item.literal)
                found = _Value("bool", f"((int({container.code}) >> {bit}) & 1 == 1)")
        elif container.kind == "list" and item.kind == "number":
            found = _Value("bool", f"list_has({container.code}, {item.code})")
        else:
            raise Unsupported(f"a {item.kind} in a {container.kind}")
        if node.negated:
            return _constant(not found.literal) if found.literal is not None else _Value("bool", f"(not {found.code})")
        return found

    @staticmethod
    def any_of(parts: List[_Value]) -> _Value:
        if any(part.literal is True for part in parts):
            return _constant(True)
        codes = [part.code for part in parts if part.literal is None]
        return _Value("bool", "(" + " or ".join(codes) + ")") if codes else _constant(False)

    # long: the function library of engine/dsl/functions.py, one kernel form each.
    def call(self, node: ast.Call) -> _Value:
        args = [self.write(arg) for arg in node.args]
        if any(arg.nullable for arg in args):
            raise Unsupported(f"{node.function}() of a date that may be absent")
        name = node.function
        if name in ("max", "min"):
            if len(args) == 1 and args[0].kind == "list":
                return _Value("number", f"list_{name}({args[0].code})")
            if any(arg.kind != "number" for arg in args):
                raise Unsupported(f"{name}() of anything but numbers")
            if len(args) == 1:
                return args[0]
            code = args[0].code
            for arg in args[1:]:
                code = f"{name}({code}, {arg.code})"
            return _Value("number", code)
        if name in ("sum", "count") and len(args) == 1 and args[0].kind == "list":
            return _Value("number", f"list_sum({args[0].code})" if name == "sum" else f"len({args[0].code})")
        if name == "take" and args[0].kind == "list" and args[1].kind == "number":
            return _Value("list", f"{args[0].code}[:max(0, int({args[1].code}))]")
        if name == "clamp" and all(arg.kind == "number" for arg in args):
            return _Value("number", f"max({args[1].code}, min({args[2].code}, {args[0].code}))")
        if name == "abs" and args[0].kind == "number":
            return _Value("number", f"abs({args[0].code})")
        if name == "year_of" and args[0].kind == "date":
            return _Value("number", f"year_of({args[0].code})")
        if name == "days_between" and args[0].kind == args[1].kind == "date":
            return _Value("number", f"({args[1].code} - {args[0].code})")
        raise Unsupported(f"the function {name}() on {', '.join(arg.kind for arg in args)}")


def _fold(op: str, left: Any, right: Any) -> bool:
    """A comparison of two constants (a reading against a word), decided when the code is written."""
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if isinstance(left, str) or isinstance(right, str):
        raise Unsupported("an order comparison of words")
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
