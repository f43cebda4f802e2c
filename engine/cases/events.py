"""The typed events of one person's case, as the case reader makes them and evaluation reads them.

Each event keeps its index in the case as the user wrote it (so decisions and errors name it) and
the rulebook version in force on its date (``rulebook``; None when the rulebook has one version).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from engine.errors import Location
from engine.spec.repair import RepairWay
from engine.spec.rulebook import RulebookSpec
from engine.spec.scoring import Situation
from engine.spec.status import Obligation


@dataclass(slots=True)
class ScoreEvent:
    index: int
    date: _dt.date
    situation: Situation
    responsibility: Optional[str]
    points: int
    adjustment: Optional[str]
    inspection: str
    behaviour: str
    institution: Optional[str]
    kind: str = "score"
    ref: Optional[str] = None                      # the decision's reference, for appeals
    notice_received: Optional[_dt.date] = None     # the day its 处理通知书 was received
    amended_by: Optional[int] = None               # the appeal_result that amended it
    original_points: Optional[int] = None          # its points before the amendment
    months: Optional[int] = None           # the suspension length the case fixes (within the rule's range)
    where: Optional[Location] = None       # where the event is written, for errors found while evaluating
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class RepairEvent:
    index: int
    date: _dt.date
    way: RepairWay
    score: float
    points_claimed: float
    kind: str = "repair"
    inputs: Optional[Dict[str, Any]] = None  # every input the way declares, defaults filled in
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class ObligationEvent:
    """An obligation met or not (e.g. 济宁 三(三) the yearly test): ``passed`` false may have a consequence."""

    index: int
    date: _dt.date
    obligation: Obligation
    passed: bool
    kind: str = "obligation"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class ClaimEvent:
    index: int
    date: _dt.date
    emergency: bool
    kind: str = "claim"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class RestorationEvent:
    index: int
    date: _dt.date
    passed: bool
    kind: str = "restoration"
    applied: Optional[_dt.date] = None    # the day the agency received the application, when known
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class AppealEvent:
    """An appeal (异议申诉) against the decision of score event ``contests`` (its index in the file)."""

    index: int
    date: _dt.date
    contests: int
    notice_received: Optional[_dt.date]
    kind: str = "appeal"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class AppealResultEvent:
    """The result of appeal ``appeal``: upheld, amended (``amended`` is the new score) or revoked."""

    index: int
    date: _dt.date
    appeal: int
    outcome: str
    amended: Optional[ScoreEvent]
    kind: str = "appeal_result"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class InstitutionEvent:
    """A measure against the person's institution (服务协议中止/暂停、解除) and whether the person is responsible."""

    index: int
    date: _dt.date
    measure: str
    responsible: bool
    until: Optional[_dt.date]
    institution: Optional[str]
    kind: str = "institution_measure"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


Event = Union[ScoreEvent, RepairEvent, ClaimEvent, RestorationEvent, ObligationEvent, AppealEvent,
              AppealResultEvent, InstitutionEvent]


@dataclass
class Case:
    """A validated case: the person, the date of the report, the readings it chooses, sorted events.

    ``parameters`` are the readings of the rulebook the case was read with (its own values, the
    case's choices applied); ``chosen`` are the case's choices alone, applied to each version in turn.
    """

    rulebook_id: Optional[str]
    person_id: str
    role: str
    as_of: _dt.date
    parameters: Dict[str, Any]
    events: List[Event]
    chosen: Dict[str, Any] = field(default_factory=dict)
