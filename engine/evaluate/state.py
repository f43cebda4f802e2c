"""The typed state of one person's evaluation, passed to one handler per event kind.

It holds the year tallies, the running term with its cause, the status timeline, the records made
so far and the trace — and, for the event being handled, the rulebook version in force and its
readings (:class:`Readings`), which change when an event falls under another version.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from engine.cases.document import effective_readings
from engine.cases.events import Case
from engine.errors import NotSupported
from engine.evaluate.records import (AppealPlan, AppealRecord, ClaimRecord, Decision, MeasureRecord, ObligationRecord,
                                     RepairRecord, RestorationRecord)
from engine.evaluate.timeline import Timeline
from engine.evaluate.trace import Trace
from engine.spec.rulebook import RulebookSpec


@dataclass(slots=True)
class YearTally:
    """A natural year's points (第十七条: counted after aggregation and the year cap) and repairs."""

    points: int = 0
    repaired: float = 0
    max_single: int = 0
    way_count: Dict[str, int] = field(default_factory=dict)
    way_points: Dict[str, float] = field(default_factory=dict)

    @property
    def net(self) -> float:
        return self.points - self.repaired


@dataclass(slots=True)
class Term:
    """A running suspension or termination, and what decided it."""

    state: str               # suspended | terminated
    start: _dt.date
    until: _dt.date          # last day of the suspension term, or of the re-registration ban
    decision: int            # index of the decision behind it (-1: a measure against the institution)
    single: int              # the 单次记分 of that decision
    shortened: bool = False
    cause: str = "score"     # score | institution
    ban_years: float = 0     # the ban of the termination in force


class Readings:
    """The readings of one rulebook version for this case: the version's values, the case's choices
    applied. Only readings the rulebook declares exist; asking for another is an error, never a default."""

    __slots__ = ("rulebook", "values")

    def __init__(self, rulebook: RulebookSpec, chosen: Mapping[str, Any]):
        self.rulebook = rulebook
        self.values: Dict[str, Any] = effective_readings(rulebook.parameters, chosen)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            # `yibao check` refuses a rulebook that lacks a reading its rules need (engine/spec/readings.py).
            raise NotSupported(f"rulebook {self.rulebook.id} declares no reading '{name}', which this case "
                               "needs; the engine does not assume one") from None


class PersonState:
    """Everything one person's evaluation knows so far."""

    def __init__(self, rulebook: RulebookSpec, case: Case, trace: Trace):
        self.case = case
        self.trace = trace
        self.years: Dict[int, YearTally] = {}
        self.behaviour_max: Dict[Tuple[int, str, str], int] = {}
        self.inspection_total: Dict[Tuple[int, str], int] = {}
        self.term: Optional[Term] = None
        self.timeline = Timeline()
        self.decisions: List[Decision] = []
        self.repairs: List[RepairRecord] = []
        self.claims: List[ClaimRecord] = []
        self.restorations: List[RestorationRecord] = []
        self.obligations: List[ObligationRecord] = []
        self.measures: List[MeasureRecord] = []
        self.appeals: List[AppealRecord] = []
        self.warnings: List[str] = []
        self.appeal_plan = AppealPlan()
        self.rulebook = rulebook
        self.readings = Readings(rulebook, case.chosen)
        self.base_env: Dict[str, Any] = self._base_env()

    def _base_env(self) -> Dict[str, Any]:
        env: Dict[str, Any] = {f"param.{name}": value for name, value in self.readings.values.items()}
        env["role"] = self.case.role
        return env

    def use_version(self, rulebook: RulebookSpec) -> None:
        """From this event on, the rulebook version in force on its date decides, with its readings."""
        self.rulebook = rulebook
        self.readings = Readings(rulebook, self.case.chosen)
        self.base_env = self._base_env()

    def year(self, number: int) -> YearTally:
        year = self.years.get(number)
        if year is None:
            year = self.years[number] = YearTally()
        return year

    @property
    def state_now(self) -> str:
        return self.timeline.state
