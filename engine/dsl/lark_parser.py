"""The Lark parser of the DSL: expression text in, AST out, or a located :class:`DslSyntaxError`.

The grammar lives in ``grammar.lark``. The rest of the engine uses :mod:`engine.dsl.parser`, which
imports this module (and Lark) only when an expression is parsed.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from importlib import resources
from typing import Optional

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from engine.base.limits import MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH
from engine.errors import DslSyntaxError, Location
from engine.dsl import ast
from engine.dsl.parser import locate

DURATION_UNITS = {
    "workday": "workdays", "workdays": "workdays",
    "day": "days", "days": "days",
    "month": "months", "months": "months",
    "year": "years", "years": "years",
}


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    # LALR: linear time and good error positions; propagate_positions gives tokens' offsets.
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _pos(item) -> int:
    if isinstance(item, Token):
        return item.start_pos or 0
    if isinstance(item, ast.Node):
        return item.pos
    return 0


@v_args(inline=True)
class _ToAst(Transformer):
    """Turns Lark's parse tree into :mod:`engine.dsl.ast` nodes with positions."""

    def number(self, token: Token) -> ast.Number:
        text = str(token)
        value: float | int = float(text) if "." in text else int(text)
        return ast.Number(token.start_pos, value)

    def string(self, token: Token) -> ast.String:
        return ast.String(token.start_pos, str(token)[1:-1])

    def date(self, token: Token) -> ast.Date:
        try:
            value = _dt.date.fromisoformat(str(token))
        except ValueError:
            raise _BadLiteral(token.start_pos, f"'{token}' is not a calendar date (expected YYYY-MM-DD)")
        return ast.Date(token.start_pos, value)

    def duration(self, amount: Token, unit: Token) -> ast.Duration:
        if "." in str(amount):
            raise _BadLiteral(amount.start_pos, f"a duration needs a whole number, got '{amount}'")
        return ast.Duration(amount.start_pos, int(str(amount)), DURATION_UNITS[str(unit)])

    def true(self, token: Token) -> ast.Boolean:
        return ast.Boolean(token.start_pos, True)

    def false(self, token: Token) -> ast.Boolean:
        return ast.Boolean(token.start_pos, False)

    def null(self, token: Token) -> ast.Null:
        return ast.Null(token.start_pos)

    def name(self, token: Token) -> ast.Name:
        return ast.Name(token.start_pos, str(token))

    def call(self, function: Token, *args: ast.Node) -> ast.Call:
        return ast.Call(function.start_pos, str(function), tuple(a for a in args if a is not None))

    def list(self, bracket: Token, *items: ast.Node) -> ast.ListLiteral:
        return ast.ListLiteral(bracket.start_pos, tuple(i for i in items if i is not None))

    def range(self, low: ast.Node, high: ast.Node) -> ast.Range:
        return ast.Range(low.pos, low, high)

    def negate(self, sign: Token, operand: ast.Node) -> ast.Node:
        if str(sign) == "+":
            return operand
        return ast.Negate(sign.start_pos, operand)

    def binary(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Binary:
        return ast.Binary(left.pos, str(op), left, right, op.start_pos)

    def compare(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Compare:
        return ast.Compare(left.pos, str(op), left, right, op.start_pos)

    def and_op(self, left: ast.Node, right: ast.Node) -> ast.BoolOp:
        return ast.BoolOp(left.pos, "and", left, right)

    def or_op(self, left: ast.Node, right: ast.Node) -> ast.BoolOp:
        return ast.BoolOp(left.pos, "or", left, right)

    def not_op(self, operand: ast.Node) -> ast.Not:
        return ast.Not(max(operand.pos - 4, 0), operand)

    def member(self, item: ast.Node, container: ast.Node) -> ast.Member:
        return ast.Member(item.pos, item, container, False)

    def not_member(self, item: ast.Node, container: ast.Node) -> ast.Member:
        return ast.Member(item.pos, item, container, True)

    def conditional(self, then: ast.Node, condition: ast.Node, otherwise: ast.Node) -> ast.Conditional:
        return ast.Conditional(then.pos, then, condition, otherwise)


class _BadLiteral(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def _expected_words(error: UnexpectedInput) -> str:
    expected = getattr(error, "expected", None) or getattr(error, "allowed", None) or set()
    pretty = {
        "NUMBER": "a number", "STRING": "a string", "NAME": "a name", "DATE": "a date",
        "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "COMMA": "','",
        "COMP_OP": "a comparison", "ADD_OP": "'+' or '-'", "MUL_OP": "'*' or '/'",
        "MINUS": "'-'", "NOT": "'not'", "IN": "'in'", "AND": "'and'", "OR": "'or'",
        "IF": "'if'", "ELSE": "'else'", "TRUE": "'true'", "FALSE": "'false'", "NULL": "'null'",
        "DURATION_UNIT": "a unit (workdays, days, months, years)", "__ANON_0": "'..'",
    }
    # Most helpful first: what kind of value could come, then punctuation and keywords.
    order = list(pretty.values())
    words = sorted({pretty.get(str(e), str(e).lower()) for e in expected},
                   key=lambda w: (order.index(w) if w in order else len(order), w))
    if not words:
        return ""
    if len(words) > 6:
        words = words[:6] + ["…"]
    return "; expected " + ", ".join(words)


def parse_expression(text: str, location: Optional[Location] = None) -> ast.Node:
    """Parse ``text`` into an AST.

    ``location`` is where the expression starts in its file (line and column of its first
    character); errors are reported there with a caret under the offending token.
    """
    location = location or Location()
    if not isinstance(text, str) or not text.strip():
        raise DslSyntaxError("empty expression; expected a DSL expression such as 'year_total >= 9'", location)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise DslSyntaxError(f"expression of {len(text):,} characters; at most {MAX_EXPRESSION_LENGTH:,} "
                             "(split it, or name a part as a reading)", location)
    try:
        tree = _lark().parse(text)  # LALR: iterative, whatever the nesting
        deepest = _deepest(tree)
        if deepest is not None:
            raise _syntax_error(text, deepest, f"nested more than {MAX_EXPRESSION_DEPTH} levels deep", location)
        return _ToAst().transform(tree)
    except _BadLiteral as bad:
        raise _syntax_error(text, bad.pos, bad.message, location) from None
    except UnexpectedEOF as error:
        raise _syntax_error(text, len(text), "unexpected end of expression" + _expected_words(error), location) from None
    except UnexpectedCharacters as error:
        message = f"unexpected character '{text[error.pos_in_stream]}'" + _expected_words(error)
        raise _syntax_error(text, error.pos_in_stream, message, location) from None
    except UnexpectedToken as error:
        token = error.token
        if token.type == "$END":
            raise _syntax_error(text, len(text), "unexpected end of expression" + _expected_words(error), location) from None
        message = f"unexpected '{token}'" + _expected_words(error)
        raise _syntax_error(text, token.start_pos or 0, message, location) from None
    except Exception as error:  # lark may wrap transformer errors
        inner = getattr(error, "orig_exc", None)
        if isinstance(inner, _BadLiteral):
            raise _syntax_error(text, inner.pos, inner.message, location) from None
        raise


def _deepest(tree: Tree) -> Optional[int]:
    """The offset where ``tree`` first nests deeper than the limit, or None. Iterative: the AST
    builder, the type checker and the compiler below recurse once per level."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            return getattr(node.meta, "start_pos", 0) if not node.meta.empty else 0
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def _syntax_error(text: str, pos: int, message: str, location: Location) -> DslSyntaxError:
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    snippet = text[line_start: line_end if line_end >= 0 else len(text)]
    return DslSyntaxError(message, locate(text, pos, location), snippet=snippet, caret=pos - line_start)
