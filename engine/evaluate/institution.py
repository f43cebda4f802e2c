"""Institution-level evaluation: thresholds over the staff of one institution in one natural year.

Some documents act on the institution when enough of its staff are sanctioned: 海南 第二十五条
(more than 50% of a hospital's staff suspended → its agreement may be suspended; a pharmacy's
principal suspended → the pharmacy's agreement may be suspended), 济宁 五(三) (30% of the staff
suspended or dissolved → the institution's agreement may be suspended or dissolved) and 六(三)
(a staff member with a one-time 12 or 3+ other violations → the institution goes on the
key-monitoring list). The rulebook states them as ``institution_rules`` whose conditions read the
counts of :data:`engine.spec.names.INSTITUTION`.

An institution case lists the staff. Each member either states their year (``state``, and
optionally ``suspensions``, ``terminations``, ``single_max``, ``violations``) or gives their own
ledger (``events``), which is evaluated with the person engine and summarised for the year.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.errors import CaseError, Location, did_you_mean
from engine.evaluate.pipeline import evaluate_case
from engine.spec.rulebook import RulebookSpec
from engine.spec.vocabulary import INSTITUTION_ACTIONS
from engine.base.schemas import _located, _validator
from engine.base.documents import Mark, PositionedDocument, format_path
from engine.evaluate.ledger import _plain

_STATE_RANK = {"normal": 0, "suspended": 1, "terminated": 2}


def _overlaps(period: Mapping[str, Any], first: _dt.date, last: _dt.date) -> bool:
    start = _dt.date.fromisoformat(period["from"]) if period.get("from") else _dt.date.min
    end = period.get("until")
    end_day = _dt.date.fromisoformat(end) if end else _dt.date.max
    return start <= last and end_day >= first


def summarise_person(result: Mapping[str, Any], year: int) -> Dict[str, Any]:
    """A person's year from their evaluated ledger: sanctions begun or running in ``year``, scores.

    A suspension counts once per term that overlaps the year (a term carried over from the year
    before counts: the person's status was 暂停 in the year); the period that merely waits for a
    restoration evaluation after a term is part of the same suspension.
    """
    first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    suspensions = terminations = 0
    for period in result.get("timeline", []):
        if period["state"] == "normal" or not _overlaps(period, first, last):
            continue
        if period["state"] == "suspended" and not period.get("awaiting_restoration"):
            suspensions += 1
        elif period["state"] == "terminated":
            terminations += 1
    decisions = [d for d in result.get("decisions", []) if d["date"].startswith(f"{year}-")]
    single_max = max((d["single"] for d in decisions), default=0)
    violations = sum(1 for d in decisions if d["counted_points"] > 0 and d["points"] < 12)
    state = "terminated" if terminations else "suspended" if suspensions else "normal"
    return {"state": state, "suspensions": suspensions, "terminations": terminations,
            "single_max": single_max, "violations": violations}


class _Reader:
    def __init__(self, document: PositionedDocument):
        self.document = document

    def error(self, message: str, *path: Any) -> CaseError:
        if self.document.positions:
            return CaseError(message, self.document.location(path))
        source = self.document.source if self.document.source != "<case>" else None
        return CaseError(message, Location(source, field=format_path(path)))


def evaluate_institution(rulebook: RulebookSpec, case: Mapping[str, Any], *, source: Optional[str] = None,
                         positions: Optional[Dict[Tuple, Mark]] = None, trace: bool = True,
                         versions: Sequence[RulebookSpec] = ()) -> Dict[str, Any]:
    """Evaluate an institution case (its staff in one year) against ``rulebook``'s institution rules."""
    data = _plain(case)
    document = PositionedDocument(data, source or "<case>", positions or {})
    reader = _Reader(document)
    if not isinstance(data, dict):
        raise reader.error("an institution case must be a mapping with rulebook, as_of, institution and staff")
    for error in _validator("institution-case").iter_errors(data):
        located = _located(document, error)
        raise CaseError(located.message, located.location if positions else Location(
            source, field=located.location.field))
    if data.get("rulebook") and data["rulebook"] != rulebook.id:
        raise reader.error(f"this case is for rulebook '{data['rulebook']}', but was evaluated with '{rulebook.id}'",
                           "rulebook")
    try:
        as_of = _dt.date.fromisoformat(data["as_of"])
    except ValueError:
        raise reader.error(f"'{data['as_of']}' is not a date; expected YYYY-MM-DD", "as_of") from None
    year = int(data.get("year") or as_of.year)
    institution = data["institution"]
    kind = institution["kind"]
    notes: List[Dict[str, Any]] = []

    def note(step: str, rule: Optional[str], article: Optional[str], detail: str) -> None:
        if trace:
            notes.append({"step": step, "event": None, "rule": rule, "article": article, "detail": detail})

    staff: List[Dict[str, Any]] = []
    seen: Dict[str, int] = {}
    for index, member in enumerate(data["staff"]):
        path = ("staff", index)
        person_id = str(member["id"])
        if person_id in seen:
            raise reader.error(f"staff id '{person_id}' is listed twice (first at staff[{seen[person_id]}])", *path, "id")
        seen[person_id] = index
        role = member["role"]
        if role not in rulebook.roles:
            raise reader.error(f"role '{role}' is not in the scope of {rulebook.id}; expected one of "
                               f"{', '.join(rulebook.roles)}" + did_you_mean(role, rulebook.roles), *path, "role")
        given = [k for k in ("state", "suspensions", "terminations", "single_max", "violations") if k in member]
        if "events" in member:
            if given:
                raise reader.error(f"give either the ledger (events) or the year's summary, not both "
                                   f"(found {', '.join(given)})", *path, given[0])
            sub_positions = {key[2:]: mark for key, mark in (positions or {}).items()
                             if len(key) >= 2 and key[:2] == path}
            person_case = {"rulebook": rulebook.id, "as_of": data["as_of"],
                           "person": {"id": person_id, "role": role},
                           "parameters": data.get("parameters") or {}, "events": member["events"]}
            try:
                result = evaluate_case(rulebook, person_case, source=source, positions=sub_positions, trace=False,
                                       versions=versions)
            except CaseError as error:  # name the staff member in the field path
                field = error.location.field or ""
                raise error.relocated(error.location.with_field(
                    f"staff[{index}].{field}" if field else f"staff[{index}]")) from None
            facts = summarise_person(result, year)
            facts["from"] = "ledger"
        else:
            state = member.get("state", "normal")
            facts = {
                "state": state,
                "suspensions": int(member.get("suspensions", 1 if state == "suspended" else 0)),
                "terminations": int(member.get("terminations", 1 if state == "terminated" else 0)),
                "single_max": member.get("single_max", 0),
                "violations": int(member.get("violations", 0)),
                "from": "given",
            }
            if state == "suspended" and facts["suspensions"] < 1:
                raise reader.error("a member whose state is suspended was suspended at least once", *path, "suspensions")
            if state == "terminated" and facts["terminations"] < 1:
                raise reader.error("a member whose state is terminated was terminated at least once", *path, "terminations")
        staff.append({"id": person_id, "role": role, **facts})

    staff_count = int(institution.get("staff_count", len(staff)))
    if staff_count < len(staff):
        raise reader.error(f"staff_count {staff_count} is below the {len(staff)} staff listed",
                           "institution", "staff_count")
    if staff_count == 0:
        raise reader.error("an institution with no staff has nothing to evaluate", "staff")

    suspended_times = sum(m["suspensions"] for m in staff)
    terminated_times = sum(m["terminations"] for m in staff)
    principals = [m for m in staff if m["role"] == "pharmacy_principal"]
    facts: Dict[str, Any] = {
        "institution_kind": kind,
        "year": year,
        "staff_count": staff_count,
        "suspended_times": suspended_times,
        "terminated_times": terminated_times,
        "suspended_persons": sum(1 for m in staff if m["suspensions"] > 0),
        "terminated_persons": sum(1 for m in staff if m["terminations"] > 0),
        "affected_persons": sum(1 for m in staff if m["suspensions"] > 0 or m["terminations"] > 0),
        "principal_suspended": any(m["suspensions"] > 0 for m in principals),
        "principal_terminated": any(m["terminations"] > 0 for m in principals),
        "max_single": max((m["single_max"] for m in staff), default=0),
        "max_other_violations": max((m["violations"] for m in staff), default=0),
        "severe_persons": sum(1 for m in staff if m["single_max"] >= 12),
    }
    facts["share_suspended"] = suspended_times / staff_count
    facts["share_terminated"] = terminated_times / staff_count
    facts["share_affected"] = facts["affected_persons"] / staff_count
    note("facts", None, None, f"{year}: {staff_count} staff; suspended {suspended_times} times "
         f"({facts['share_suspended']:.0%}), terminated {terminated_times} times ({facts['share_terminated']:.0%}), "
         f"{facts['affected_persons']} persons suspended or terminated ({facts['share_affected']:.0%})")

    env = {f"param.{k}": p.value for k, p in rulebook.parameters.items()}
    env.update({f"param.{k}": v for k, v in (data.get("parameters") or {}).items()})
    env.update(facts)
    measures: List[Dict[str, Any]] = []
    for rule in rulebook.institution_rules:
        if rule.applies_to and kind not in rule.applies_to:
            continue
        if not rule.when(env):
            continue
        measures.append({"rule": rule.id, "action": rule.action, "measure": rule.measure,
                         "discretionary": rule.discretionary, "months_max": rule.months_max,
                         "article": rule.legal.article, "text": rule.legal.text})
        note("institution", rule.id, rule.legal.article,
             f"condition '{rule.when.text}' holds → {rule.action}" + (" (可以: at the agency's discretion)"
                                                                       if rule.discretionary else ""))
    action = max((m["action"] for m in measures), key=INSTITUTION_ACTIONS.index, default="none")
    return {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "institution": {"id": str(institution["id"]), "kind": kind},
        "as_of": data["as_of"],
        "year": year,
        "facts": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in facts.items()},
        "staff": staff,
        "measures": measures,
        "action": action,
        "warnings": ([f"rulebook {rulebook.id} is partial"] if rulebook.completeness == "partial" else [])
        + ([] if rulebook.institution_rules else [f"rulebook {rulebook.id} has no institution rules"]),
        "trace": notes,
    }
