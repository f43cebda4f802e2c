"""Repair (修复): the ways that remove points, the refusals, and the shortening of a running term."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from engine.dsl.compiler import CompiledExpression
from engine.spec.legal import Legal


@dataclass(frozen=True)
class InputSpec:
    """An input a repair way takes from the case (``score``, ``points``, ``verified``, …)."""

    name: str
    type: str                       # number | integer | boolean
    minimum: Optional[float]
    maximum: Optional[float]
    required: bool


@dataclass(frozen=True)
class Band:
    """Points earned when ``when`` holds (e.g. an exam score band)."""

    when: CompiledExpression
    points: int


@dataclass(frozen=True)
class RepairWay:
    """One way of repair (修复途径): its inputs, what it earns, and its yearly limits."""

    id: str
    legal: Legal
    inputs: Mapping[str, InputSpec]
    points: Optional[CompiledExpression]
    bands: Tuple[Band, ...]
    fail_reason: Optional[str]
    per_year_count: Optional[int]
    per_year_points: Optional[int]


@dataclass(frozen=True)
class RefuseRule:
    """A repair refused when ``when`` holds (e.g. 一次性记满12分的，不予修复)."""

    id: str
    legal: Legal
    when: CompiledExpression
    reason: str


@dataclass(frozen=True)
class ShortenTerm:
    """An accepted repair shortens a running term by ``months``, not below ``minimum_months``."""

    legal: Legal
    months: int
    minimum_months: int


@dataclass(frozen=True)
class Repair:
    legal: Legal
    ways: Mapping[str, RepairWay]
    refuse: Tuple[RefuseRule, ...]
    shorten: Optional[ShortenTerm]
    per_year_points: Optional[int]
