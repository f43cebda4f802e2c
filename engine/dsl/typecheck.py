"""Static types of DSL expressions, checked once when a rulebook loads.

Every name an expression reads must be bound in its context (the engine declares, per place in
a rulebook, which names exist and their types); every operator must get operands it can take.
Errors point at the offending token.
"""

from __future__ import annotations

from typing import Dict, Mapping

from engine.errors import DslNameError, DslTypeError, Location, did_you_mean
from engine.dsl import ast
from engine.dsl.functions import LIST_TYPES, Function, accepts
from engine.dsl.parser import locate

TypeMap = Dict[int, str]


class TypeChecker:
    """Infers the type of each node of one expression in a typing environment."""

    def __init__(self, text: str, location: Location, names: Mapping[str, str], functions: Mapping[str, Function]):
        self.text = text
        self.location = location
        self.names = names
        self.functions = functions
        self.types: TypeMap = {}

    def error(self, cls, pos: int, message: str):
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        snippet = self.text[line_start: line_end if line_end >= 0 else len(self.text)]
        return cls(message, locate(self.text, pos, self.location), snippet=snippet, caret=pos - line_start)

    def check(self, node: ast.Node) -> str:
        kind = self._infer(node)
        self.types[id(node)] = kind
        return kind

    # long: one branch per kind of AST node; the type rules of the language read best side by side.
    def _infer(self, node: ast.Node) -> str:
        if isinstance(node, ast.Number):
            return "number"
        if isinstance(node, ast.String):
            return "string"
        if isinstance(node, ast.Boolean):
            return "bool"
        if isinstance(node, ast.Null):
            return "null"
        if isinstance(node, ast.Date):
            return "date"
        if isinstance(node, ast.Duration):
            return "duration"
        if isinstance(node, ast.Name):
            if node.name not in self.names:
                raise self.error(
                    DslNameError, node.pos,
                    f"unknown name '{node.name}'; names bound here: {', '.join(sorted(self.names))}"
                    + did_you_mean(node.name, self.names),
                )
            return self.names[node.name]
        if isinstance(node, ast.ListLiteral):
            for item in node.items:
                self.check(item)
            return "list"
        if isinstance(node, ast.Range):
            low, high = self.check(node.low), self.check(node.high)
            if "any" not in (low, high) and (low != high or low not in ("number", "date")):
                raise self.error(DslTypeError, node.pos, f"a range needs two numbers or two dates, got {low}..{high}")
            return "range"
        if isinstance(node, ast.Negate):
            self._expect(node.operand, ("number",), "'-' needs a number")
            return "number"
        if isinstance(node, ast.Not):
            self._expect(node.operand, ("bool",), "'not' needs a true/false condition")
            return "bool"
        if isinstance(node, ast.BoolOp):
            self._expect(node.left, ("bool",), f"'{node.op}' needs true/false conditions on both sides")
            self._expect(node.right, ("bool",), f"'{node.op}' needs true/false conditions on both sides")
            return "bool"
        if isinstance(node, ast.Binary):
            return self._binary(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Member):
            item = self.check(node.item)
            container = self.check(node.container)
            if container not in LIST_TYPES + ("range", "any"):
                raise self.error(DslTypeError, node.container.pos, f"'in' needs a list or a range on its right, got {container}")
            if container == "range" and item not in ("number", "date", "any"):
                raise self.error(DslTypeError, node.item.pos, f"only a number or a date can be in a range, got {item}")
            return "bool"
        if isinstance(node, ast.Conditional):
            self._expect(node.condition, ("bool",), "the condition after 'if' must be true/false")
            then, otherwise = self.check(node.then), self.check(node.otherwise)
            if then == otherwise or "any" in (then, otherwise):
                return then if then != "any" else otherwise
            if "null" in (then, otherwise):
                return then if otherwise == "null" else otherwise
            raise self.error(DslTypeError, node.otherwise.pos, f"both branches of 'if … else' must have one type, got {then} and {otherwise}")
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self.error(DslTypeError, node.pos, f"unsupported expression {type(node).__name__}")

    def _expect(self, node: ast.Node, allowed: tuple[str, ...], message: str) -> str:
        kind = self.check(node)
        if kind not in allowed and kind != "any":
            raise self.error(DslTypeError, node.pos, f"{message}, got {kind}")
        return kind

    def _binary(self, node: ast.Binary) -> str:
        left, right = self.check(node.left), self.check(node.right)
        op = node.op
        if "any" in (left, right):
            return "any"
        if op in ("*", "/"):
            if left == right == "number":
                return "number"
        elif op == "+":
            if left == right == "number":
                return "number"
            if {left, right} == {"date", "duration"}:
                return "date"
            if left == right == "string":
                return "string"
        elif op == "-":
            if left == right == "number":
                return "number"
            if left == "date" and right == "duration":
                return "date"
            if left == right == "date":
                return "number"
        hint = ""
        if "date" in (left, right) and "number" in (left, right):
            hint = "; to move a date, add a duration such as '2 months' or '10 workdays'"
        raise self.error(DslTypeError, node.op_pos, f"cannot apply '{op}' to {left} and {right}{hint}")

    def _compare(self, node: ast.Compare) -> str:
        left, right = self.check(node.left), self.check(node.right)
        if "any" in (left, right):
            return "bool"
        if node.op in ("==", "!="):
            if left == right or "null" in (left, right):
                return "bool"
        elif left == right and left in ("number", "date", "string"):
            return "bool"
        raise self.error(DslTypeError, node.op_pos, f"cannot compare {left} with {right} using '{node.op}'")

    def _call(self, node: ast.Call) -> str:
        function = self.functions.get(node.function)
        if function is None:
            raise self.error(
                DslNameError, node.pos,
                f"unknown function '{node.function}'; available: {', '.join(sorted(self.functions))}"
                + did_you_mean(node.function, self.functions),
            )
        args = [self.check(a) for a in node.args]
        params = list(function.params)
        if function.variadic:
            if len(args) == 1 and args[0] in LIST_TYPES + ("any",):
                return function.returns
            if not args:
                raise self.error(DslTypeError, node.pos, f"{function.name}() needs at least one argument")
            params = params[:-1] + [params[-1]] * (len(args) - len(params) + 1)
        if len(args) != len(params):
            raise self.error(
                DslTypeError, node.pos,
                f"{function.name}() takes {len(params)} argument(s) ({', '.join(params)}), got {len(args)}",
            )
        for arg_node, arg, param in zip(node.args, args, params):
            if not accepts(param, arg):
                raise self.error(DslTypeError, arg_node.pos, f"{function.name}() expects {param} here, got {arg}")
        return function.returns


def check_types(text: str, node: ast.Node, names: Mapping[str, str], functions: Mapping[str, Function],
                location: Location) -> tuple[str, TypeMap]:
    """Type of the whole expression and of every node, or a located DSL error."""
    checker = TypeChecker(text, location, names, functions)
    kind = checker.check(node)
    return kind, checker.types
