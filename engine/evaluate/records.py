"""The typed records an evaluation produces: decisions, repairs, claims, restorations, obligations,
measures, appeals, status periods and trace steps.

Handlers fill these; :mod:`engine.evaluate.write` turns them into the JSON of the public contract
(``schemas/result.schema.json``) in one place. A field whose value is :data:`UNSET` is left out of
the JSON (e.g. ``amended_by`` on a decision no appeal amended); a field whose JSON name is not a
Python name (``from``) says so in its metadata.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from engine.base.numbers import Number, number  # noqa: F401  (records write numbers this way)


class Unset:
    """The marker of a field that is absent from the JSON (not ``null``)."""

    _instance: Optional["Unset"] = None

    def __new__(cls) -> "Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()
#: The JSON name of a field whose Python name differs.
JSON_FROM = {"json": "from"}


@dataclass(slots=True)
class TraceStep:
    """One step of the explanation: what happened, at which event, by which rule of which article."""

    step: str
    event: Optional[int]
    rule: Optional[str]
    article: Optional[str]
    detail: str


@dataclass(slots=True)
class Decision:
    """The decision on one score event: points counted, the year's total, and the measure taken."""

    event: int
    date: _dt.date
    situation: str
    tier: int
    responsibility: Optional[str]
    points: int
    counted_points: int
    single: int
    year_total: Number
    action: str
    measure: Optional[str]
    months: Optional[int] = None
    months_min: Optional[int] = None
    months_max: Optional[int] = None
    ban_years: Optional[int] = None
    ban_years_min: Optional[int] = None
    ban_years_max: Optional[int] = None
    start: Optional[_dt.date] = field(default=None, metadata=JSON_FROM)
    until: Optional[_dt.date] = None
    articles: List[str] = field(default_factory=list)
    rules: List[str] = field(default_factory=list)
    amended_by: Union[int, Unset] = UNSET
    original_points: Union[int, Unset] = UNSET
    points_left: Union[Number, Unset] = UNSET


@dataclass(slots=True)
class ObligationRecord:
    """An obligation met or not, and the consequence of a breach."""

    event: int
    date: _dt.date
    obligation: str
    passed: bool
    action: str
    measure: Optional[str]
    months: Optional[int] = None
    months_min: Optional[int] = None
    months_max: Optional[int] = None
    ban_years: Optional[int] = None
    ban_years_min: Optional[int] = None
    ban_years_max: Optional[int] = None
    start: Optional[_dt.date] = field(default=None, metadata=JSON_FROM)
    until: Optional[_dt.date] = None
    articles: List[str] = field(default_factory=list)
    rules: List[str] = field(default_factory=list)


#: A record that carries a term (suspension or termination) once applied.
TermRecord = Union[Decision, ObligationRecord]


@dataclass(slots=True)
class Shortening:
    """A running term shortened by an accepted repair: its last day before and after."""

    start: _dt.date = field(metadata=JSON_FROM)
    to: _dt.date


@dataclass(slots=True)
class RepairRecord:
    event: int
    date: _dt.date
    way: str
    accepted: bool = False
    points: Number = 0
    reason: Optional[str] = None
    articles: List[str] = field(default_factory=list)
    shortened: Optional[Shortening] = None
    score: Union[Number, Unset] = UNSET
    #: True where the text leaves a shortening to the agency (“可”) and the case says it declined.
    shorten_declined: Union[bool, Unset] = UNSET


@dataclass(slots=True)
class ClaimRecord:
    event: int
    date: _dt.date
    emergency: bool
    settled: bool
    state: str
    article: Optional[str]
    rule: Optional[str]
    reason: str
    #: What decided each term in force on the claim date (absent when none is).
    causes: Union[List[str], Unset] = UNSET


@dataclass(slots=True)
class RestorationRecord:
    event: int
    date: _dt.date
    passed: bool
    accepted: bool
    state_before: str
    reason: Optional[str]
    article: Optional[str]
    applied: Union[_dt.date, Unset] = UNSET
    earliest_application: Union[_dt.date, Unset] = UNSET
    evaluation_due: Union[_dt.date, Unset] = UNSET
    evaluation_late: Union[bool, Unset] = UNSET
    #: The status right after a restoration that was granted (another term may still be in force).
    state_after: Union[str, Unset] = UNSET


@dataclass(slots=True)
class MeasureRecord:
    """A measure against the person's institution and what it did to the person."""

    event: int
    date: _dt.date
    measure: str
    responsible: bool
    action: str = "none"
    until: Optional[_dt.date] = None
    state_before: str = "normal"
    rules: List[str] = field(default_factory=list)
    articles: List[str] = field(default_factory=list)


@dataclass(slots=True)
class Period:
    """One period of the status timeline; ``until`` None means open-ended."""

    state: str
    start: Optional[_dt.date] = field(metadata=JSON_FROM)
    until: Optional[_dt.date]
    phase: str
    awaiting_restoration: Union[bool, Unset] = UNSET
    term_until: Union[_dt.date, Unset] = UNSET
    ban_until: Union[_dt.date, Unset] = UNSET
    reading: Union[str, Unset] = UNSET
    decision: Union[int, Unset] = UNSET
    article: Union[Optional[str], Unset] = UNSET
    restored_by: Union[int, Unset] = UNSET
    #: What decided the term that makes this period (score | obligation | licence | institution).
    cause: Union[str, Unset] = UNSET


@dataclass(slots=True)
class Status:
    """The status on one day."""

    as_of: _dt.date
    state: str
    until: Optional[_dt.date]
    phase: str
    awaiting_restoration: Union[bool, Unset] = UNSET
    cause: Union[str, Unset] = UNSET


@dataclass(slots=True)
class YearEntry:
    """A natural year's points: counted, repaired, net, and for a deduct model what is left."""

    points: Number
    repaired: Number
    net: Number
    left: Union[Number, Unset] = UNSET


@dataclass(slots=True)
class AppealOutcome:
    """The result of an appeal: whether it was applied and what it changed."""

    event: int
    date: _dt.date
    outcome: str
    applied: bool
    points_before: int
    points_after: Optional[int]
    reason: Optional[str]
    verification_late: bool
    situation_after: Union[str, Unset] = UNSET
    responsibility_after: Union[Optional[str], Unset] = UNSET


@dataclass(slots=True)
class AppealRecord:
    """An appeal (异议申诉): its timeliness, the verification due, its result and the decision first made."""

    event: int
    date: _dt.date
    contests: int
    decision_date: _dt.date
    ref: Optional[str]
    notice_received: Optional[_dt.date]
    deadline: Optional[_dt.date]
    article: Optional[str]
    timely: bool
    accepted: bool
    reason: Optional[str]
    verification_due: Optional[_dt.date]
    verification_article: Optional[str]
    result: Optional[AppealOutcome]
    original_decision: Union[Dict[str, Any], Unset] = UNSET
    #: The exception of the text that leaves the verification without a deadline (辽宁 第三十三条).
    verification_exception: Union[Dict[str, Any], Unset] = UNSET


@dataclass(slots=True)
class Interpretation:
    """A reading of ambiguous text that produced the result."""

    id: str
    value: Any
    note: str
    ambiguity: Optional[int]
    articles: List[str]
    #: When several versions of the rulebook judged the case and this reading differs between them:
    #: the first day of the version that holds it.
    version: Union[_dt.date, Unset] = UNSET


@dataclass(slots=True)
class AppealPlan:
    """What the appeals of a case do, decided before the run: one record per appeal (by event
    index), the scores amended or revoked (by score index → result index), and warnings."""

    records: Dict[int, AppealRecord] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    amended: Dict[int, int] = field(default_factory=dict)
    revoked: Dict[int, int] = field(default_factory=dict)
