"""Scoring rules: negative situations in point tiers, and the consequences of a year's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple, Union

from engine.dsl.compiler import CompiledExpression
from engine.spec.legal import Legal
from engine.spec.vocabulary import ACTIONS

#: Points of a tier or situation: one number, one per responsibility level, or None where the
#: rulebook sets only a range and the case gives the points.
Points = Union[int, Mapping[str, int], None]


@dataclass(frozen=True)
class Situation:
    """A negative situation (负面情形) of a tier."""

    code: str
    tier: int
    legal: Legal
    catch_all: bool
    points: Points
    range: Tuple[int, int]


@dataclass(frozen=True)
class Tier:
    """A point tier (记分档次) and its situations."""

    tier: int
    legal: Legal
    points: Points
    range: Tuple[int, int]
    situations: Tuple[Situation, ...]

    @property
    def catch_all(self) -> Optional[Situation]:
        """The tier's "其他应记…的情形", which a score event naming only the tier scores."""
        return next((situation for situation in self.situations if situation.catch_all), None)


@dataclass(frozen=True)
class Consequence:
    """A threshold rule: when ``when`` holds, the decision may take ``action``.

    A suspension has ``months`` or the range ``months_min``..``months_max``; a termination has
    ``ban_years`` or the range ``ban_years_min``..``ban_years_max`` (济宁 五(二) “1－2年内不再与其重新
    签订服务协议”). Score consequences and obligation consequences share this one shape, built by
    one constructor (engine/spec/build/consequences.py).
    """

    id: str
    legal: Legal
    when: CompiledExpression
    action: str
    measure: Optional[str]
    months: Optional[int]
    months_min: Optional[int]
    months_max: Optional[int]
    ban_years: Optional[int]
    ban_years_min: Optional[int] = None
    ban_years_max: Optional[int] = None
    #: Orders consequences: terminate > suspend > warn > none, then by length (derived from the above).
    severity: Tuple[int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", severity_of(self.action, self.months, self.months_min, self.months_max,
                                                         self.ban_years, self.ban_years_min, self.ban_years_max))

    @property
    def shortest_ban(self) -> int:
        """The ban counted when the case does not fix one: ``ban_years``, else the range's shortest end."""
        return self.ban_years if self.ban_years is not None else (self.ban_years_min or 0)


def severity_of(action: str, months: Optional[int], months_min: Optional[int], months_max: Optional[int],
                ban_years: Optional[int], ban_years_min: Optional[int], ban_years_max: Optional[int]) -> Tuple[int, int, int]:
    """Most severe consequence wins (Catala's explicit priority): by action, then by the longest term."""
    rank = ACTIONS.index(action)
    if action == "terminate":
        return (rank, ban_years if ban_years is not None else (ban_years_max or 0), ban_years_min or 0)
    if action == "suspend":
        return (rank, months_max or months or 0, months_min or months or 0)
    return (rank, 0, 0)
