"""Attribution of one finding: the rulebook's annex rules (engine/spec/attribution.py) run over the
organisation graph.

A person who is given several levels by one finding keeps the highest (one behaviour, one level:
the same reasoning as 第十七条's "按最高分值记分"); the trace says so. Where the text leaves a
choice, the result lists the allowed levels and the case may supply ``decided: {person: level}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from engine.base.documents import Mark
from engine.cases.attribution import no_table, read_attribution_case
from engine.cases.document import CaseDocument
from engine.dsl.compiler import CompiledExpression
from engine.errors import AttributionError, OrgError
from engine.org.functions import ORG_KEY
from engine.org.graph import Org
from engine.spec.attribution import Attribution, AttributionRule, Row, RowGroup
from engine.spec.rulebook import RulebookSpec
from engine.spec.vocabulary import LEVELS

LEVEL_LABELS = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}


def article_of(attribution: Attribution, row: Row) -> str:
    """``附件 序号9``: where an assignment's rule is."""
    return f"{attribution.legal.article} 序号{row.row}".strip()


@dataclass
class _Findings:
    """What the rules of one group found: fixed levels and open choices, by person."""

    article: str
    trace: List[Dict[str, Any]]
    event: Optional[int]
    fixed: Dict[str, Tuple[str, str, str]] = field(default_factory=dict)     # person → (level, rule, reason)
    open_choices: Dict[str, Tuple[Tuple[str, ...], str, str]] = field(default_factory=dict)
    fired: List[AttributionRule] = field(default_factory=list)

    def note(self, rule: Optional[str], detail: str) -> None:
        self.trace.append({"step": "attribution", "event": self.event, "rule": rule, "article": self.article,
                           "detail": detail})

    def assign(self, person: str, level: str, rule: AttributionRule, reason: str) -> None:
        previous = self.fixed.get(person)
        if previous is None or LEVELS.index(level) > LEVELS.index(previous[0]):
            if previous is not None:
                self.note(rule.id, f"{person}: {previous[0]} and {level} → keeps the higher, {level}")
            self.fixed[person] = (level, rule.id, reason)
        elif previous[0] != level:
            self.note(rule.id, f"{person}: {previous[0]} and {level} → keeps the higher, {previous[0]}")


def _row(rulebook: RulebookSpec, attribution: Attribution, finding: Mapping[str, Any], where: CaseDocument) -> Row:
    row = attribution.row(finding.get("violation"))
    if row is None:
        known = [str(n) for n in attribution.rows] + list(attribution.row_ids)
        raise where.unknown(f"unknown violation '{finding.get('violation')}': {rulebook.id}'s "
                            f"{attribution.legal.article} has rows {min(attribution.rows)}-{max(attribution.rows)} "
                            f"({', '.join(attribution.row_ids)})", finding.get("violation"), known, "violation",
                            cls=AttributionError)
    return row


def _involved(finding: Mapping[str, Any], org: Org, where: CaseDocument) -> List[str]:
    involved: List[str] = []
    for index, person in enumerate(finding.get("involved") or ()):
        person = str(person)
        if not org.has_person(person):
            raise where.unknown(f"unknown person '{person}': not in the organisation of {org.institution}", person,
                                org.persons(), "involved", index)
        if person in involved:
            raise where.error(f"'{person}' is listed twice in involved", "involved", index)
        involved.append(person)
    if not involved:
        raise where.error("involved names nobody; list who committed the behaviour", "involved")
    return involved


def _run_rules(group: RowGroup, env: Dict[str, Any], org: Org, found: _Findings, involved: List[str],
               where: CaseDocument) -> None:
    """Every rule of the group whose condition holds (the first only, with ``hit: first``)."""
    def run(expr: CompiledExpression, rule: AttributionRule) -> Any:
        if "legal_representative" in expr.names and org.legal_representative is None:
            raise OrgError(f"the organisation names no legal_representative (单位法人代表), which rule '{rule.id}' "
                           f"({found.article}) needs", org.location)
        try:
            return expr(env)
        except OrgError as error:
            if f"rule '{rule.id}'" in error.message:
                raise
            raise OrgError(f"{error.message} (rule '{rule.id}', {found.article})", error.location) from None

    for rule in group.rules:
        if rule.when is not None and not run(rule.when, rule):
            continue
        found.fired.append(rule)
        found.note(rule.id, f"condition '{rule.when.text if rule.when else 'true'}' holds: {rule.legal.text}")
        if rule.reject is not None:
            raise AttributionError(f"{found.article}: {rule.reject} (involved: {', '.join(involved)})",
                                   where.at("involved"))
        for outcome in rule.assign:
            if outcome.when is not None and not run(outcome.when, rule):
                continue
            for person in run(outcome.who, rule):
                found.assign(person, outcome.level, rule, outcome.reason or rule.legal.text)
                found.note(rule.id, f"{person}: {outcome.level} ({LEVEL_LABELS[outcome.level]}) — '{outcome.who.text}'")
        for outcome in rule.choices:
            if outcome.when is not None and not run(outcome.when, rule):
                continue
            for person in run(outcome.who, rule):
                found.open_choices[person] = (outcome.allowed, rule.id, outcome.reason or rule.legal.text)
                found.note(rule.id, f"{person}: an officer's choice among {', '.join(outcome.allowed)} — "
                                    f"'{outcome.who.text}'")
        if group.hit == "first":
            break


def _decided(finding: Mapping[str, Any], org: Org, found: _Findings, where: CaseDocument) -> List[Dict[str, Any]]:
    """The open choices, with the officer's decisions (``decided``) checked and applied."""
    decided = finding.get("decided") or {}
    for person, level in decided.items():
        person = str(person)
        if person not in found.open_choices:
            if not org.has_person(person):
                raise where.unknown(f"unknown person '{person}' in decided: not in the organisation of "
                                    f"{org.institution}", person, org.persons(), "decided", person)
            why = (f"the annex fixes {person}'s level ({found.fixed[person][0]})" if person in found.fixed
                   else f"{person} bears no responsibility for this finding")
            raise where.error(f"'{person}' has no open choice to decide: {why}", "decided", person)
        allowed = found.open_choices[person][0]
        if level not in allowed:
            raise where.unknown(f"'{level}' is not allowed for {person} by {found.article}; the officer may choose "
                                f"{' or '.join(allowed)}", level, allowed, "decided", person)
    choices = []
    for person, (allowed, rule, reason) in found.open_choices.items():
        level = decided.get(person)
        choices.append({"person": person, "allowed": list(allowed), "decided": level, "article": found.article,
                        "rule": rule, "reason": reason})
    return choices


def attribute_finding(rulebook: RulebookSpec, finding: Mapping[str, Any], org: Org, readings: Mapping[str, Any],
                      where: CaseDocument, trace: List[Dict[str, Any]], *, event: Optional[int] = None) -> Dict[str, Any]:
    """Attribute one finding (``violation``, ``ordered``, ``involved``, ``decided``) on ``org``.

    Returns ``{violation, row, group, assignments, choices, interpretations, …}``; appends to ``trace``.
    ``where`` locates the finding's fields in its case.
    """
    attribution = rulebook.attribution
    if attribution is None:
        raise no_table(rulebook, where, "violation")
    row = _row(rulebook, attribution, finding, where)
    group = attribution.groups[row.group]
    found = _Findings(article_of(attribution, row), trace, event)
    involved = _involved(finding, org, where)
    used = group.names_used()
    ordered = finding.get("ordered")
    if "ordered" in used and ordered is None:
        raise where.error(f"violation {row.row} needs 'ordered': true when the fees were charged per an order "
                          f"(根据医嘱收取), false when against or without one (违反医嘱或无医嘱)", "ordered")
    warnings: List[str] = []
    if ordered is not None and "ordered" not in used:
        warnings.append(f"'ordered' does not matter for violation {row.row} and was ignored")
    env: Dict[str, Any] = {f"param.{k}": v for k, v in readings.items()}
    env.update({"involved": tuple(involved), "violation": row.row, "ordered": bool(ordered),
                "legal_representative": (org.legal_representative,) if org.legal_representative else (),
                "institution_kind": org.kind, ORG_KEY: org})
    found.note(None, f"violation {row.row} ({row.text[:30]}…) → group '{group.id}'; involved: {', '.join(involved)}"
                     + (f"; ordered: {str(bool(ordered)).lower()}" if "ordered" in used else ""))
    _run_rules(group, env, org, found, involved, where)
    if not found.fired:
        raise AttributionError(f"{found.article}: no rule of {rulebook.id} covers this case (involved: "
                               f"{', '.join(involved)}); the text does not say who is responsible — attribute by hand",
                               where.at("involved"))
    for person in list(found.open_choices):
        if person in found.fixed:
            found.note(found.open_choices[person][1], f"{person} has a fixed level ({found.fixed[person][0]}); "
                                                      "no choice left")
            del found.open_choices[person]
    choices = _decided(finding, org, found, where)
    assignments = [{"person": p, "responsibility": level, "article": found.article, "rule": rule, "reason": reason,
                    "decided": False} for p, (level, rule, reason) in found.fixed.items()]
    for choice in choices:
        if choice["decided"] is not None:
            assignments.append({"person": choice["person"], "responsibility": choice["decided"],
                                "article": found.article, "rule": choice["rule"],
                                "reason": f"decided by the officer among {', '.join(choice['allowed'])}: "
                                          f"{choice['reason']}", "decided": True})
            found.note(choice["rule"], f"{choice['person']}: decided {choice['decided']} "
                                       f"(allowed {', '.join(choice['allowed'])})")
    return _result(rulebook, attribution, row, group, found, involved, assignments, choices, readings, warnings)


def _result(rulebook: RulebookSpec, attribution: Attribution, row: Row, group: RowGroup, found: _Findings,
            involved: List[str], assignments: List[Dict[str, Any]], choices: List[Dict[str, Any]],
            readings: Mapping[str, Any], warnings: List[str]) -> Dict[str, Any]:
    params_used = sorted(name[len("param."):] for name in group.names_used() if name.startswith("param."))
    interpretations = [{"id": name, "value": readings[name], "note": rulebook.parameters[name].interpretation,
                        "ambiguity": rulebook.parameters[name].ambiguity,
                        "articles": list(rulebook.parameters[name].articles)}
                       for name in params_used if name in rulebook.parameters]
    notes = [text for text in (attribution.legal.interpretation, group.legal.interpretation, row.interpretation) if text]
    notes += [rule.legal.interpretation for rule in found.fired if rule.legal.interpretation]
    return {"violation": row.row, "violation_id": row.id, "violation_text": row.text, "group": group.id,
            "article": found.article, "involved": involved, "assignments": assignments, "choices": choices,
            "interpretations": interpretations, "notes": notes, "warnings": warnings}


def attribute_case(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
                   positions: Optional[Dict[Tuple, Mark]] = None) -> Dict[str, Any]:
    """The result of ``yibao attribute``: who bears which responsibility for one finding."""
    typed = read_attribution_case(rulebook, case, source=source, positions=positions)
    trace: List[Dict[str, Any]] = []
    found = attribute_finding(rulebook, typed.document.data, typed.org, typed.readings, typed.document, trace)
    return {"rulebook": rulebook.id, "document": rulebook.document, "institution": typed.org.institution,
            **found, "trace": trace}


__all__ = ["attribute_case", "attribute_finding", "article_of", "LEVEL_LABELS"]
