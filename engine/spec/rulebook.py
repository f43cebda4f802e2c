"""The compiled rulebook as one immutable value: every section as typed rule objects."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

from engine.base.calendar import RulebookCalendar
from engine.spec.attribution import Attribution
from engine.spec.legal import Legal, Parameter
from engine.spec.repair import Repair
from engine.spec.scoring import Consequence, Situation, Tier
from engine.spec.status import InstitutionMeasures, InstitutionRule, Obligation, Restoration, SettlementRule
from engine.spec.time import Deadline


@dataclass(frozen=True, repr=False)
class RulebookSpec:
    """A compiled rulebook: immutable, safe to share between threads and processes.

    Field names are part of the embedding contract (documentation pages and services read them).
    """

    id: str
    title: str
    document: str
    jurisdiction: Optional[str]
    issuers: Tuple[str, ...]
    effective_from: _dt.date
    effective_until: Optional[_dt.date]
    effective_legal: Optional[Legal]
    completeness: str
    missing: Tuple[str, ...]
    roles: Tuple[str, ...]
    scope_legal: Optional[Legal]
    parameters: Mapping[str, Parameter]
    responsibility_required: bool
    responsibility_levels: Mapping[str, Legal]
    scoring_model: str
    allowance: Optional[int]
    year_cap: Optional[int]
    year_cap_legal: Optional[Legal]
    aggregation: Optional[Legal]
    same_behaviour: str
    discretion_points: str
    adjustments: Tuple[str, ...]
    tiers: Mapping[int, Tier]
    situations: Mapping[str, Situation]
    consequences: Tuple[Consequence, ...]
    repair: Optional[Repair]
    restoration: Optional[Restoration]
    settlement: Tuple[SettlementRule, ...]
    obligations: Mapping[str, Obligation]
    institution_rules: Tuple[InstitutionRule, ...]
    #: Measures against the institution that change staff status (e.g. 辽宁 第二十八条); None where the text has none.
    institution_measures: Optional[InstitutionMeasures]
    #: The rulebook's calendar (working days + counting convention); every date computation uses it.
    calendar: RulebookCalendar = field(repr=False, compare=False)
    calendar_legal: Optional[Legal] = field(repr=False, compare=False)
    #: Deadlines by GLOSSARY kind (appeal, verification, …), in the order the rulebook writes them.
    deadlines: Mapping[str, Deadline] = field(repr=False, compare=False)
    #: The responsibility-attribution table, or None: attribution is then "not defined for this jurisdiction".
    attribution: Optional[Attribution] = field(repr=False, compare=False)
    #: The file the rulebook was read from.
    source: str = ""
    #: The resolved document (inheritance applied), read-only: documentation pages describe it.
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    #: For every effective rule: section, id, and the file and line it came from (inheritance).
    origins: Tuple[Mapping[str, Any], ...] = field(repr=False, compare=False, default=())
    #: The extends chain, this rulebook first (``("weihai", "shandong", "national")``).
    lineage: Tuple[str, ...] = ()
    #: Every name the consequence conditions read (evaluation fills the costly ones only when read).
    consequence_names: frozenset = frozenset()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, document={self.document!r}, source={self.source!r})"

    def parameter(self, name: str) -> Any:
        """The rulebook's own value of a reading, or None when it does not declare it."""
        return self.parameters[name].value if name in self.parameters else None

    def in_force(self, day: _dt.date) -> bool:
        """Whether ``day`` lies in the rulebook's effective period."""
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)
