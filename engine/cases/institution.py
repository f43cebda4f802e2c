"""Read an institution case: one institution's staff in one natural year.

Each member either states their year (``state``, and optionally ``suspensions``, ``terminations``,
``single_max``, ``violations``) or gives their own ledger (``events``), which evaluation turns into the
same summary. The readings the case chooses are checked here like a person case's.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.base.documents import Mark
from engine.cases.document import CaseDocument, check_rulebook_id, chosen_readings, effective_readings, open_case
from engine.spec.rulebook import RulebookSpec

SHAPE = "an institution case must be a mapping with rulebook, as_of, institution and staff"
SUMMARY_FIELDS = ("state", "suspensions", "terminations", "single_max", "violations")


@dataclass(frozen=True)
class YearSummary:
    """One staff member's natural year: sanctions begun or running in it, and its scores."""

    state: str
    suspensions: int
    terminations: int
    single_max: float
    violations: int
    source: str                  # given | ledger


@dataclass(frozen=True)
class StaffMember:
    index: int
    id: str
    role: str
    #: The member's own ledger as a person case (evaluated by the person engine), or None.
    ledger: Optional[Dict[str, Any]]
    #: Positions of the ledger's values, relative to the member (for located errors).
    ledger_positions: Dict[Tuple, Mark]
    #: The member's year as the case states it, or None when the ledger gives it.
    given: Optional[YearSummary]


@dataclass(frozen=True)
class InstitutionCase:
    document: CaseDocument
    institution_id: str
    kind: str
    as_of: _dt.date
    year: int
    staff_count: int
    staff: Tuple[StaffMember, ...]
    readings: Dict[str, Any]
    chosen: Dict[str, Any]


def _member(document: CaseDocument, rulebook: RulebookSpec, index: int, member: Mapping[str, Any],
            as_of: str, chosen: Mapping[str, Any]) -> StaffMember:
    path = ("staff", index)
    person_id = str(member["id"])
    role = member["role"]
    if role not in rulebook.roles:
        raise document.unknown(f"role '{role}' is not in the scope of {rulebook.id}; expected one of "
                               f"{', '.join(rulebook.roles)}", role, rulebook.roles, *path, "role")
    given = [k for k in SUMMARY_FIELDS if k in member]
    if "events" in member:
        if given:
            raise document.error(f"give either the ledger (events) or the year's summary, not both "
                                 f"(found {', '.join(given)})", *path, given[0])
        positions = {key[2:]: mark for key, mark in document.positions.items() if len(key) >= 2 and key[:2] == path}
        ledger = {"rulebook": rulebook.id, "as_of": as_of, "person": {"id": person_id, "role": role},
                  "parameters": dict(chosen), "events": member["events"]}
        return StaffMember(index, person_id, role, ledger, positions, None)
    state = member.get("state", "normal")
    summary = YearSummary(state, int(member.get("suspensions", 1 if state == "suspended" else 0)),
                          int(member.get("terminations", 1 if state == "terminated" else 0)),
                          member.get("single_max", 0), int(member.get("violations", 0)), "given")
    if state == "suspended" and summary.suspensions < 1:
        raise document.error("a member whose state is suspended was suspended at least once", *path, "suspensions")
    if state == "terminated" and summary.terminations < 1:
        raise document.error("a member whose state is terminated was terminated at least once", *path, "terminations")
    return StaffMember(index, person_id, role, None, {}, summary)


def read_institution_case(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
                          positions: Optional[Dict[Tuple, Mark]] = None,
                          versions: Sequence[RulebookSpec] = ()) -> InstitutionCase:
    """Validate an institution case against ``schemas/institution-case.schema.json`` and ``rulebook``."""
    document = open_case(case, "institution-case", source=source, positions=positions, shape=SHAPE)
    data = document.data
    check_rulebook_id(document, rulebook.id)
    as_of = document.date(data["as_of"], "as_of")
    chosen = chosen_readings(document, [v.parameters for v in versions] or [rulebook.parameters])
    institution = data["institution"]
    staff: List[StaffMember] = []
    seen: Dict[str, int] = {}
    for index, member in enumerate(data["staff"]):
        person_id = str(member["id"])
        if person_id in seen:
            raise document.error(f"staff id '{person_id}' is listed twice (first at staff[{seen[person_id]}])",
                                 "staff", index, "id")
        seen[person_id] = index
        staff.append(_member(document, rulebook, index, member, data["as_of"], chosen))
    staff_count = int(institution.get("staff_count", len(staff)))
    if staff_count < len(staff):
        raise document.error(f"staff_count {staff_count} is below the {len(staff)} staff listed",
                             "institution", "staff_count")
    if staff_count == 0:
        raise document.error("an institution with no staff has nothing to evaluate", "staff")
    return InstitutionCase(document, str(institution["id"]), institution["kind"], as_of,
                           int(data.get("year") or as_of.year), staff_count, tuple(staff),
                           effective_readings(rulebook.parameters, chosen), chosen)
