"""Compile a type-checked AST into a Python callable, once.

The compiler writes a small Python expression from the validated AST (never from the rulebook
text) and compiles it into ``lambda env: …``. Names read ``env["name"]``; literals that are not
plain numbers or strings (dates, durations, ranges) are bound as constants; functions come from
the whitelisted library only. The generated source is kept for debugging and documentation.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional

from engine.base.calendar import Duration, default_calendar
from engine.errors import DslEvaluationError, DslTypeError, Location, YibaoError
from engine.dsl import ast
from engine.dsl.functions import FUNCTIONS, Function, InclusiveRange
from engine.dsl.parser import parse_expression
from engine.dsl.typecheck import TypeMap, check_types


def _default_shift(day: _dt.date, duration: Duration, sign: int = 1) -> _dt.date:
    """Move ``day`` by ``duration`` (backwards when ``sign`` is -1) on the default calendar.

    Rulebooks with their own calendar overrides pass their own ``shift`` to :func:`compile_node`.
    """
    if sign < 0:
        if duration.unit == "workdays":
            raise ValueError("counting working days backwards is not supported")
        duration = Duration(-duration.amount, duration.unit)
    return duration.add_to(day, default_calendar())


@dataclass(frozen=True)
class CompiledExpression:
    """An expression ready to run: ``expr(env)`` returns its value.

    ``fn`` is the raw compiled callable (use it in hot loops); ``__call__`` adds the location to
    any runtime failure.
    """

    text: str
    node: ast.Node
    type: str
    fn: Callable[[Mapping[str, Any]], Any]
    location: Location
    python: str
    names: frozenset = field(default_factory=frozenset)

    def __call__(self, env: Mapping[str, Any]) -> Any:
        try:
            return self.fn(env)
        except YibaoError:
            raise
        except Exception as error:  # a runtime failure of a checked expression: report where
            raise DslEvaluationError(f"evaluating '{self.text}' failed: {error}", self.location) from None


class _CodeWriter:
    def __init__(self, types: TypeMap, functions: Mapping[str, Function]):
        self.types = types
        self.functions = functions
        self.constants: Dict[str, Any] = {}

    def constant(self, value: Any) -> str:
        key = f"_k{len(self.constants)}"
        self.constants[key] = value
        return key

    def type_of(self, node: ast.Node) -> str:
        return self.types.get(id(node), "any")

    def write(self, node: ast.Node) -> str:
        if isinstance(node, ast.Number):
            return repr(node.value)
        if isinstance(node, ast.String):
            return repr(node.value)
        if isinstance(node, ast.Boolean):
            return "True" if node.value else "False"
        if isinstance(node, ast.Null):
            return "None"
        if isinstance(node, ast.Date):
            return self.constant(node.value)
        if isinstance(node, ast.Duration):
            return self.constant(Duration(node.amount, node.unit))
        if isinstance(node, ast.Name):
            return f"env[{node.name!r}]"
        if isinstance(node, ast.ListLiteral):
            return "(" + "".join(self.write(i) + ", " for i in node.items) + ")"
        if isinstance(node, ast.Range):
            if isinstance(node.low, (ast.Number, ast.Date)) and isinstance(node.high, (ast.Number, ast.Date)):
                low = node.low.value
                high = node.high.value
                return self.constant(InclusiveRange(low, high))
            return f"_range({self.write(node.low)}, {self.write(node.high)})"
        if isinstance(node, ast.Negate):
            return f"(-{self.write(node.operand)})"
        if isinstance(node, ast.Not):
            return f"(not {self.write(node.operand)})"
        if isinstance(node, ast.BoolOp):
            return f"({self.write(node.left)} {node.op} {self.write(node.right)})"
        if isinstance(node, ast.Binary):
            left, right = self.write(node.left), self.write(node.right)
            lt, rt = self.type_of(node.left), self.type_of(node.right)
            if "duration" in (lt, rt):
                if lt == "duration":  # duration + date
                    return f"_shift({right}, {left}, 1)"
                return f"_shift({left}, {right}, {1 if node.op == '+' else -1})"
            if lt == rt == "date" and node.op == "-":
                return f"({left} - {right}).days"
            return f"({left} {node.op} {right})"
        if isinstance(node, ast.Compare):
            left, right = self.write(node.left), self.write(node.right)
            if isinstance(node.right, ast.Null) or isinstance(node.left, ast.Null):
                op = "is" if node.op == "==" else "is not"
                return f"({left} {op} {right})"
            return f"({left} {node.op} {right})"
        if isinstance(node, ast.Member):
            op = "not in" if node.negated else "in"
            return f"({self.write(node.item)} {op} {self.write(node.container)})"
        if isinstance(node, ast.Conditional):
            return f"({self.write(node.then)} if {self.write(node.condition)} else {self.write(node.otherwise)})"
        if isinstance(node, ast.Call):
            function = self.functions[node.function]
            key = self.constant(function.impl)
            args = [self.write(a) for a in node.args]
            if function.context:  # the function reads data of the evaluation (see Function.context)
                args.insert(0, "env")
            return f"{key}(" + ", ".join(args) + ")"
        raise TypeError(f"cannot compile {type(node).__name__}")


def compile_node(text: str, node: ast.Node, names: Mapping[str, str], *,
                 functions: Mapping[str, Function] = FUNCTIONS,
                 location: Optional[Location] = None,
                 expect: Optional[str] = None,
                 shift: Optional[Callable] = None) -> CompiledExpression:
    """Type-check ``node`` against ``names`` and compile it into a :class:`CompiledExpression`."""
    location = location or Location()
    kind, types = check_types(text, node, names, functions, location)
    if expect and kind not in (expect, "any"):
        raise DslTypeError(f"expected a {_describe(expect)} expression here, got {kind}", location,
                           snippet=text, caret=0)
    writer = _CodeWriter(types, functions)
    python = writer.write(node)
    namespace: Dict[str, Any] = {"__builtins__": {}, "_range": InclusiveRange, "_shift": shift or _default_shift}
    namespace.update(writer.constants)
    code = compile(f"lambda env: {python}", f"<{location.render() or 'expression'}>", "eval")
    fn = eval(code, namespace)  # noqa: S307 — code generated from the checked AST, not rulebook text
    return CompiledExpression(text, node, kind, fn, location, python, frozenset(ast.names_used(node)))


def compile_expression(text: str, names: Mapping[str, str], **options) -> CompiledExpression:
    """Parse, type-check and compile expression ``text`` (see :func:`compile_node`)."""
    location = options.get("location")
    node = parse_expression(str(text), location)
    return compile_node(str(text), node, names, **options)


def _describe(kind: str) -> str:
    return {"bool": "true/false", "number": "number", "date": "date", "string": "text"}.get(kind, kind)
