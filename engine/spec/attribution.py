"""A responsibility-attribution table (e.g. 内蒙古 附件) as compiled rules over the organisation.

The rulebook's ``attribution:`` section groups the rows of the table the way the source groups
them (rows that share one 责任认定 cell); each group has rules. A rule has a condition ``when``
and an outcome: ``assign`` (persons and a fixed level), ``choices`` (persons and the levels the
officer may choose among) or ``reject`` (the text does not cover this case: say so and stop).
With ``hit: first`` (the default) the first rule whose condition holds decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

from engine.dsl.compiler import CompiledExpression
from engine.spec.legal import Legal

LEVEL_LABELS = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}


@dataclass(frozen=True)
class Row:
    """A row of the table (序号): its violation type, in the original words."""

    row: int
    id: str
    text: str
    group: str
    responsibility_text: Optional[str] = None
    interpretation: Optional[str] = None


@dataclass(frozen=True)
class Outcome:
    """Who gets which level (``level``), or which levels the officer may choose (``allowed``)."""

    who: CompiledExpression
    level: Optional[str]
    allowed: Tuple[str, ...]
    when: Optional[CompiledExpression]
    reason: Optional[str]


@dataclass(frozen=True)
class AttributionRule:
    id: str
    legal: Legal
    when: Optional[CompiledExpression]
    assign: Tuple[Outcome, ...]
    choices: Tuple[Outcome, ...]
    reject: Optional[str]

    def expressions(self) -> List[CompiledExpression]:
        found = [self.when] if self.when else []
        for outcome in self.assign + self.choices:
            found += [outcome.who] + ([outcome.when] if outcome.when else [])
        return found


@dataclass(frozen=True)
class RowGroup:
    """Rows that share one 责任认定, and the rules that encode it."""

    id: str
    rows: Tuple[int, ...]
    legal: Legal
    hit: str
    rules: Tuple[AttributionRule, ...]

    def names_used(self) -> set:
        return {name for rule in self.rules for expr in rule.expressions() for name in expr.names}


@dataclass(frozen=True)
class Attribution:
    """The compiled ``attribution:`` section of a rulebook."""

    legal: Legal
    title: Optional[str]
    rows: Mapping[int, Row]
    row_ids: Mapping[str, int]
    groups: Mapping[str, RowGroup]

    def row(self, key: Any) -> Optional[Row]:
        """The row with this number (``9``) or id (``fabricated-services``)."""
        if isinstance(key, bool):
            return None
        if isinstance(key, int):
            return self.rows.get(key)
        text = str(key)
        if text.isdigit():
            return self.rows.get(int(text))
        number = self.row_ids.get(text)
        return self.rows.get(number) if number is not None else None
