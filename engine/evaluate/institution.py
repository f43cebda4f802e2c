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

from engine.base.dates import parse_date
from engine.base.documents import Mark
from engine.cases.institution import InstitutionCase, StaffMember, YearSummary, read_institution_case
from engine.errors import CaseError
from engine.evaluate.person import evaluate_case
from engine.evaluate.records import TraceStep
from engine.evaluate.write import to_json
from engine.spec.names import INSTITUTION
from engine.spec.rulebook import RulebookSpec
from engine.spec.vocabulary import INSTITUTION_ACTIONS


def _overlaps(period: Mapping[str, Any], first: _dt.date, last: _dt.date) -> bool:
    start = parse_date(period["from"]) if period.get("from") else _dt.date.min
    end = parse_date(period["until"]) if period.get("until") else _dt.date.max
    return start <= last and end >= first


def summarise_person(result: Mapping[str, Any], year: int) -> YearSummary:
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
    return YearSummary(state, suspensions, terminations, single_max, violations, "ledger")


def _year_of(rulebook: RulebookSpec, case: InstitutionCase, member: StaffMember,
             versions: Sequence[RulebookSpec]) -> YearSummary:
    """The member's year: as the case states it, or from their own ledger run through the person engine."""
    if member.ledger is None:
        assert member.given is not None
        return member.given
    try:
        source = None if case.document.source == "<case>" else case.document.source
        result = evaluate_case(rulebook, member.ledger, source=source,
                               positions=member.ledger_positions, trace=False, versions=versions)
    except CaseError as error:  # name the staff member in the field path
        field = error.location.field or ""
        raise error.relocated(error.location.with_field(
            f"staff[{member.index}].{field}" if field else f"staff[{member.index}]")) from None
    return summarise_person(result, case.year)


def _facts(case: InstitutionCase, staff: List[Tuple[StaffMember, YearSummary]]) -> Dict[str, Any]:
    """The counts :data:`engine.spec.names.INSTITUTION` declares, over the staff's years."""
    count = case.staff_count
    suspended_times = sum(s.suspensions for _, s in staff)
    terminated_times = sum(s.terminations for _, s in staff)
    principals = [s for m, s in staff if m.role == "pharmacy_principal"]
    affected = sum(1 for _, s in staff if s.suspensions > 0 or s.terminations > 0)
    return {
        "institution_kind": case.kind,
        "year": case.year,
        "staff_count": count,
        "suspended_times": suspended_times,
        "terminated_times": terminated_times,
        "suspended_persons": sum(1 for _, s in staff if s.suspensions > 0),
        "terminated_persons": sum(1 for _, s in staff if s.terminations > 0),
        "affected_persons": affected,
        "principal_suspended": any(s.suspensions > 0 for s in principals),
        "principal_terminated": any(s.terminations > 0 for s in principals),
        "max_single": max((s.single_max for _, s in staff), default=0),
        "max_other_violations": max((s.violations for _, s in staff), default=0),
        "severe_persons": sum(1 for _, s in staff if s.single_max >= 12),
        "share_suspended": suspended_times / count,
        "share_terminated": terminated_times / count,
        "share_affected": affected / count,
    }


def evaluate_institution(rulebook: RulebookSpec, case: Mapping[str, Any], *, source: Optional[str] = None,
                         positions: Optional[Dict[Tuple, Mark]] = None, trace: bool = True,
                         versions: Sequence[RulebookSpec] = ()) -> Dict[str, Any]:
    """Evaluate an institution case (its staff in one year) against ``rulebook``'s institution rules."""
    typed = read_institution_case(rulebook, case, source=source, positions=positions, versions=versions)
    staff = [(member, _year_of(rulebook, typed, member, versions)) for member in typed.staff]
    facts = _facts(typed, staff)
    steps: List[TraceStep] = []
    if trace:
        steps.append(TraceStep("facts", None, None, None,
                               f"{typed.year}: {typed.staff_count} staff; suspended {facts['suspended_times']} times "
                               f"({facts['share_suspended']:.0%}), terminated {facts['terminated_times']} times "
                               f"({facts['share_terminated']:.0%}), {facts['affected_persons']} persons suspended or "
                               f"terminated ({facts['share_affected']:.0%})"))
    base = {f"param.{name}": value for name, value in typed.readings.items()}
    env = INSTITUTION.bind(base, facts)
    measures: List[Dict[str, Any]] = []
    for rule in rulebook.institution_rules:
        if rule.applies_to and typed.kind not in rule.applies_to:
            continue
        if not rule.when(env):
            continue
        measures.append({"rule": rule.id, "action": rule.action, "measure": rule.measure,
                         "discretionary": rule.discretionary, "months_max": rule.months_max,
                         "article": rule.legal.article, "text": rule.legal.text})
        if trace:
            steps.append(TraceStep("institution", None, rule.id, rule.legal.article,
                                   f"condition '{rule.when.text}' holds → {rule.action}"
                                   + (" (可以: at the agency's discretion)" if rule.discretionary else "")))
    action = max((m["action"] for m in measures), key=INSTITUTION_ACTIONS.index, default="none")
    return {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "institution": {"id": typed.institution_id, "kind": typed.kind},
        "as_of": typed.as_of.isoformat(),
        "year": typed.year,
        "facts": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in facts.items()},
        "staff": [{"id": m.id, "role": m.role, "state": s.state, "suspensions": s.suspensions,
                   "terminations": s.terminations, "single_max": s.single_max, "violations": s.violations,
                   "from": s.source} for m, s in staff],
        "measures": measures,
        "action": action,
        "warnings": ([f"rulebook {rulebook.id} is partial"] if rulebook.completeness == "partial" else [])
        + ([] if rulebook.institution_rules else [f"rulebook {rulebook.id} has no institution rules"]),
        "trace": to_json(steps),
    }
