"""The rulebook's compiled DSL expressions, rewritten for a generated evaluator.

The DSL compiler (engine/dsl/compiler.py) already wrote every checked condition as a Python
expression over ``env["name"]`` (:attr:`CompiledExpression.python`). Here that expression is parsed
with :mod:`ast` (never the rulebook text) and rewritten: each name becomes the local variable the
generated code holds it in, each reading (``param.<id>``) the constant of the reading set, each
constant of the expression a literal or a module-level name, and comparisons of constants are
folded, so that ``param.warning_trigger == 'reached' or …`` costs nothing at run time.
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Callable, Dict, Mapping

from engine.base.calendar import Duration
from engine.dsl.compiler import CompiledExpression
from engine.evaluate.compiled.coverage import Uncovered
from engine.evaluate.compiled.source import Source

_COMPARE: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_SHIFTS = {"months": "add_months", "years": "add_years", "days": "add_days"}


class _Rewrite(ast.NodeTransformer):
    def __init__(self, expression: CompiledExpression, names: Mapping[str, str], readings: Mapping[str, Any],
                 source: Source):
        self.expression = expression
        self.names = names
        self.readings = readings
        self.source = source
        # The namespace the DSL compiler evaluated the expression in: its constants (_k0, …).
        self.namespace = expression.fn.__globals__

    def fail(self, why: str) -> Uncovered:
        return Uncovered(f"'{self.expression.text}': {why}")

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "env" and isinstance(node.slice, ast.Constant):
            name = node.slice.value
            if name.startswith("param."):
                if name[6:] not in self.readings:
                    raise self.fail(f"the reading {name[6:]} is not declared")
                return self.value(self.readings[name[6:]])
            if name not in self.names:
                raise self.fail(f"the name {name} is not available to generated code here")
            return ast.parse(self.names[name], mode="eval").body
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == "_range":
            return ast.Name("InclusiveRange", ast.Load())
        if node.id in self.namespace and node.id.startswith("_k"):
            value = self.namespace[node.id]
            if callable(value) and not isinstance(value, type):
                return ast.Name(self.source.function(value), ast.Load())
            return self.value(value)
        raise self.fail(f"'{node.id}' is not a constant the generator knows")

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "_shift":
            day, duration, sign = node.args
            value = self.namespace.get(duration.id) if isinstance(duration, ast.Name) else None
            if not isinstance(value, Duration) or not isinstance(sign, ast.Constant) or value.unit not in _SHIFTS:
                raise self.fail("only constant durations in days, months or years are generated "
                                "(working days follow the rulebook's calendar)")
            shifted = ast.parse(f"{_SHIFTS[value.unit]}(x, {value.amount * sign.value})", mode="eval").body
            shifted.args[0] = self.visit(day)
            return shifted
        return self.generic_visit(node)

    def value(self, value: Any) -> ast.AST:
        if value is None or type(value) in (bool, int, float, str):
            return ast.Constant(value)
        return ast.Name(self.source.constant(value), ast.Load())


def _fold(node: ast.AST, boolean: bool) -> ast.AST:
    """Comparisons of two constants become their value; in a true/false context, ``and``/``or``/``not``
    over constants are simplified too (the value of such an expression is only ever tested)."""
    for field, value in ast.iter_fields(node):
        inner = boolean and isinstance(node, (ast.BoolOp, ast.UnaryOp)) and (
            not isinstance(node, ast.UnaryOp) or isinstance(node.op, ast.Not))
        if isinstance(value, list):
            setattr(node, field, [_fold(item, inner) if isinstance(item, ast.AST) else item for item in value])
        elif isinstance(value, ast.AST):
            setattr(node, field, _fold(value, inner))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Constant) \
            and isinstance(node.comparators[0], ast.Constant):
        return ast.Constant(_COMPARE[type(node.ops[0])](node.left.value, node.comparators[0].value))
    if not boolean:
        return node
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Constant):
        return ast.Constant(not node.operand.value)
    if isinstance(node, ast.BoolOp):
        decisive = isinstance(node.op, ast.Or)  # a true operand decides an `or`, a false one an `and`
        kept = []
        for item in node.values:
            if isinstance(item, ast.Constant):
                if bool(item.value) == decisive:
                    return ast.Constant(decisive)
                continue
            kept.append(item)
        if not kept:
            return ast.Constant(not decisive)
        return kept[0] if len(kept) == 1 else ast.BoolOp(node.op, kept)
    return node


def python(expression: CompiledExpression, names: Mapping[str, str], readings: Mapping[str, Any], source: Source,
           *, boolean: bool = False) -> str:
    """``expression`` as Python source over the generated code's variables.

    ``names``: DSL name → the Python expression that holds its value where the condition is
    judged; ``readings``: the reading set's values; ``boolean``: the value is only tested (a
    condition), so ``and``/``or`` over constants may be simplified.
    """
    tree = ast.parse(expression.python, mode="eval")
    body = _Rewrite(expression, names, readings, source).visit(tree.body)
    body = _fold(body, boolean)
    return ast.unparse(ast.fix_missing_locations(ast.Expression(body)))


def is_constant(text: str) -> bool:
    """Whether generated expression ``text`` is a literal (a condition folded to True or False)."""
    return text in ("True", "False")
