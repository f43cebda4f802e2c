"""Rules about the status itself: restoration, settlement of claims, obligations, and the measures
against a person's institution that carry over to the person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from engine.dsl.compiler import CompiledExpression
from engine.spec.legal import Legal
from engine.spec.scoring import Consequence


@dataclass(frozen=True)
class Restoration:
    """资格恢复: when a restoration may be granted (``allowed_when``) and why it is refused otherwise."""

    legal: Legal
    allowed_when: Optional[CompiledExpression]
    refuse_reason: str


@dataclass(frozen=True)
class SettlementRule:
    """Whether a claim is settled (``settled``) in the situation ``when`` describes."""

    id: str
    legal: Legal
    when: CompiledExpression
    settled: CompiledExpression


@dataclass(frozen=True)
class Obligation:
    """A duty whose breach has a consequence (济宁 三(三): the yearly test; failing it dissolves the agreement)."""

    id: str
    legal: Legal
    consequences: Tuple[Consequence, ...]


@dataclass(frozen=True)
class MeasureRule:
    """How a measure against the person's institution (协议中止、解除) changes the person's status."""

    id: str
    legal: Legal
    measure: str
    when: CompiledExpression
    action: str
    term: str
    ban_years: Optional[int]
    #: A measure's ban is one number; the range fields keep the shape of a consequence's.
    ban_years_min: Optional[int] = None
    ban_years_max: Optional[int] = None

    @property
    def shortest_ban(self) -> int:
        return self.ban_years or 0


@dataclass(frozen=True)
class InstitutionMeasures:
    """The measures against an institution a case may name, and the rules that carry them to its staff."""

    legal: Legal
    measures: Mapping[str, str]
    rules: Tuple[MeasureRule, ...]


@dataclass(frozen=True)
class InstitutionRule:
    """An institution-level threshold over its staff's statuses (海南 第二十五条, 济宁 五(三)、六(三))."""

    id: str
    legal: Legal
    when: CompiledExpression
    action: str
    measure: Optional[str]
    discretionary: bool       # “可以”: the agency may, not must
    months_max: Optional[int]
    applies_to: Tuple[str, ...]  # institution kinds (medical, pharmacy); empty = all
