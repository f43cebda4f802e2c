"""Attribution of one finding: the rulebook's annex rules (engine/spec/attribution.py) run over the
organisation graph.

A person who is given several levels by one finding keeps the highest (one behaviour, one level:
the same reasoning as 第十七条's "按最高分值记分"); the trace says so. Where the text leaves a
choice, the result lists the allowed levels and the case may supply ``decided: {person: level}``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from engine.dsl.compiler import CompiledExpression, compile_expression
from engine.errors import AttributionError, CaseError, DslError, Location, OrgError, YibaoError, did_you_mean
from engine.spec.attribution import Attribution, AttributionRule, Row
from engine.spec.vocabulary import LEVELS
from engine.base.documents import Mark, PositionedDocument, format_path
from engine.org.functions import ATTRIBUTION_FUNCTIONS, ATTRIBUTION_NAMES, ORG_KEY
from engine.org.graph import Org, org_from_case

LEVEL_LABELS = {"general": "一般责任", "important": "重要责任", "primary": "主要责任"}


# -- attributing one finding ---------------------------------------------------------------------

class _Where:
    """Locations inside the case (or inside a score event's ``attribution`` block)."""

    def __init__(self, document: PositionedDocument, prefix: Tuple):
        self.document = document
        self.prefix = tuple(prefix)

    def __call__(self, *path) -> Location:
        full = self.prefix + tuple(path)
        if self.document.positions:
            return self.document.location(full)
        source = self.document.source if self.document.source != "<case>" else None
        return Location(source, field=format_path(full))


def article_of(attribution: Attribution, row: Row) -> str:
    """``附件 序号9``: where an assignment's rule is."""
    return f"{attribution.legal.article} 序号{row.row}".strip()


def attribute_finding(rulebook, finding: Mapping[str, Any], org: Org, parameters: Mapping[str, Any],
                      where: _Where, trace: List[Dict[str, Any]], *, event: Optional[int] = None) -> Dict[str, Any]:
    """Attribute one finding (``violation``, ``ordered``, ``involved``, ``decided``) on ``org``.

    Returns ``{violation, row, group, assignments, choices, interpretations}``; appends to ``trace``.
    """
    attribution: Optional[Attribution] = rulebook.attribution
    if attribution is None:
        raise AttributionError(f"responsibility attribution is not defined for this jurisdiction: rulebook "
                               f"'{rulebook.id}' has no attribution section, and the engine does not guess one",
                               where("violation"))
    row = attribution.row(finding.get("violation"))
    if row is None:
        known = [str(n) for n in attribution.rows] + list(attribution.row_ids)
        raise AttributionError(
            f"unknown violation '{finding.get('violation')}': {rulebook.id}'s {attribution.legal.article} has rows "
            f"{min(attribution.rows)}-{max(attribution.rows)} ({', '.join(attribution.row_ids)})"
            + did_you_mean(str(finding.get("violation")), known), where("violation"))
    group = attribution.groups[row.group]
    article = article_of(attribution, row)

    def note(rule: Optional[str], detail: str) -> None:
        trace.append({"step": "attribution", "event": event, "rule": rule, "article": article, "detail": detail})

    involved: List[str] = []
    for index, person in enumerate(finding.get("involved") or ()):
        person = str(person)
        if not org.has_person(person):
            raise CaseError(f"unknown person '{person}': not in the organisation of {org.institution}"
                            + did_you_mean(person, org.persons()), where("involved", index))
        if person in involved:
            raise CaseError(f"'{person}' is listed twice in involved", where("involved", index))
        involved.append(person)
    if not involved:
        raise CaseError("involved names nobody; list who committed the behaviour", where("involved"))
    used = group.names_used()
    ordered = finding.get("ordered")
    if "ordered" in used and ordered is None:
        raise CaseError(f"violation {row.row} needs 'ordered': true when the fees were charged per an order "
                        f"(根据医嘱收取), false when against or without one (违反医嘱或无医嘱)", where("ordered"))
    warnings: List[str] = []
    if ordered is not None and "ordered" not in used:
        warnings.append(f"'ordered' does not matter for violation {row.row} and was ignored")
    env: Dict[str, Any] = {f"param.{k}": v for k, v in parameters.items()}
    env.update({"involved": tuple(involved), "violation": row.row, "ordered": bool(ordered),
                "legal_representative": (org.legal_representative,) if org.legal_representative else (),
                "institution_kind": org.kind, ORG_KEY: org})
    note(None, f"violation {row.row} ({row.text[:30]}…) → group '{group.id}'; involved: {', '.join(involved)}"
               + (f"; ordered: {str(bool(ordered)).lower()}" if "ordered" in used else ""))

    def run(expr: CompiledExpression, rule: AttributionRule):
        if "legal_representative" in expr.names and org.legal_representative is None:
            raise OrgError(f"the organisation names no legal_representative (单位法人代表), which rule '{rule.id}' "
                           f"({article}) needs", org.location)
        try:
            return expr(env)
        except OrgError as error:
            if f"rule '{rule.id}'" in error.message:
                raise
            raise OrgError(f"{error.message} (rule '{rule.id}', {article})", error.location) from None

    fixed: Dict[str, Tuple[str, str, str]] = {}        # person → (level, rule, reason)
    open_choices: Dict[str, Tuple[Tuple[str, ...], str, str]] = {}
    fired = []
    for rule in group.rules:
        if rule.when is not None and not run(rule.when, rule):
            continue
        fired.append(rule)
        note(rule.id, f"condition '{rule.when.text if rule.when else 'true'}' holds: {rule.legal.text}")
        if rule.reject is not None:
            raise AttributionError(f"{article}: {rule.reject} (involved: {', '.join(involved)})", where("involved"))
        for outcome in rule.assign:
            if outcome.when is not None and not run(outcome.when, rule):
                continue
            for person in run(outcome.who, rule):
                reason = outcome.reason or rule.legal.text
                previous = fixed.get(person)
                if previous is None or LEVELS.index(outcome.level) > LEVELS.index(previous[0]):
                    if previous is not None:
                        note(rule.id, f"{person}: {previous[0]} and {outcome.level} → keeps the higher, {outcome.level}")
                    fixed[person] = (outcome.level, rule.id, reason)
                elif previous is not None and previous[0] != outcome.level:
                    note(rule.id, f"{person}: {previous[0]} and {outcome.level} → keeps the higher, {previous[0]}")
                note(rule.id, f"{person}: {outcome.level} ({LEVEL_LABELS[outcome.level]}) — '{outcome.who.text}'")
        for outcome in rule.choices:
            if outcome.when is not None and not run(outcome.when, rule):
                continue
            for person in run(outcome.who, rule):
                open_choices[person] = (outcome.allowed, rule.id, outcome.reason or rule.legal.text)
                note(rule.id, f"{person}: an officer's choice among {', '.join(outcome.allowed)} — '{outcome.who.text}'")
        if group.hit == "first":
            break
    if not fired:
        raise AttributionError(f"{article}: no rule of {rulebook.id} covers this case (involved: {', '.join(involved)}); "
                               "the text does not say who is responsible — attribute by hand", where("involved"))
    for person in list(open_choices):
        if person in fixed:
            note(open_choices[person][1], f"{person} has a fixed level ({fixed[person][0]}); no choice left")
            del open_choices[person]

    decided = finding.get("decided") or {}
    assignments = [{"person": p, "responsibility": level, "article": article, "rule": rule, "reason": reason,
                    "decided": False} for p, (level, rule, reason) in fixed.items()]
    choices = []
    for person, (allowed, rule, reason) in open_choices.items():
        choice = {"person": person, "allowed": list(allowed), "decided": None, "article": article, "rule": rule,
                  "reason": reason}
        choices.append(choice)
    for person, level in decided.items():
        person = str(person)
        if person not in open_choices:
            if not org.has_person(person):
                raise CaseError(f"unknown person '{person}' in decided: not in the organisation of {org.institution}"
                                + did_you_mean(person, org.persons()), where("decided", person))
            why = (f"the annex fixes {person}'s level ({fixed[person][0]})" if person in fixed
                   else f"{person} bears no responsibility for this finding")
            raise CaseError(f"'{person}' has no open choice to decide: {why}", where("decided", person))
        allowed = open_choices[person][0]
        if level not in allowed:
            raise CaseError(f"'{level}' is not allowed for {person} by {article}; the officer may choose "
                            f"{' or '.join(allowed)}" + did_you_mean(str(level), allowed), where("decided", person))
    for choice in choices:
        level = decided.get(choice["person"])
        if level is not None:
            choice["decided"] = level
            assignments.append({"person": choice["person"], "responsibility": level, "article": article,
                                "rule": choice["rule"], "reason": f"decided by the officer among "
                                f"{', '.join(choice['allowed'])}: {choice['reason']}", "decided": True})
            note(choice["rule"], f"{choice['person']}: decided {level} (allowed {', '.join(choice['allowed'])})")
    params_used = sorted(name[len("param."):] for name in group.names_used() if name.startswith("param."))
    interpretations = [{"id": name, "value": parameters[name], "note": rulebook.parameters[name].interpretation,
                        "ambiguity": rulebook.parameters[name].ambiguity,
                        "articles": list(rulebook.parameters[name].articles)}
                       for name in params_used if name in rulebook.parameters]
    notes = [text for text in (attribution.legal.interpretation, group.legal.interpretation, row.interpretation) if text]
    notes += [rule.legal.interpretation for rule in fired if rule.legal.interpretation]
    return {"violation": row.row, "violation_id": row.id, "violation_text": row.text, "group": group.id,
            "article": article, "involved": involved, "assignments": assignments, "choices": choices,
            "interpretations": interpretations, "notes": notes, "warnings": warnings}


def _parameters(rulebook, case: Mapping[str, Any], where: _Where) -> Dict[str, Any]:
    parameters = {name: p.value for name, p in rulebook.parameters.items()}
    for name, value in (case.get("parameters") or {}).items():
        if name not in rulebook.parameters:
            raise CaseError(f"unknown parameter '{name}'; this rulebook has {', '.join(rulebook.parameters)}"
                            + did_you_mean(name, rulebook.parameters), where("parameters", name))
        allowed = rulebook.parameters[name].allowed
        if value not in allowed:
            raise CaseError(f"'{value}' is not a reading of {name}; expected one of {', '.join(map(str, allowed))}",
                            where("parameters", name))
        parameters[name] = value
    return parameters


def attribute_case(rulebook, case: Any, *, source: Optional[str] = None,
                   positions: Optional[Dict[Tuple, Mark]] = None) -> Dict[str, Any]:
    """The result of ``yibao attribute``: who bears which responsibility for one finding."""
    from engine.evaluate.ledger import _plain
    from engine.base.schemas import _located, _validator

    data = _plain(case)
    document = PositionedDocument(data, source or "<case>", positions or {})
    where = _Where(document, ())
    if not isinstance(data, dict):
        raise CaseError("an attribution case must be a mapping with rulebook, violation, involved and org",
                        where())
    for error in _validator("attribution-case").iter_errors(data):
        located = _located(document, error)
        raise CaseError(located.message, located.location if positions else
                        Location(source, field=located.location.field))
    if data.get("rulebook") and data["rulebook"] != rulebook.id:
        raise CaseError(f"this case is for rulebook '{data['rulebook']}', but was attributed with '{rulebook.id}'",
                        where("rulebook"))
    if rulebook.attribution is None:
        raise AttributionError(f"responsibility attribution is not defined for this jurisdiction: rulebook "
                               f"'{rulebook.id}' has no attribution section, and the engine does not guess one",
                               where("violation"))
    parameters = _parameters(rulebook, data, where)
    org = org_from_case(data, document, base=source)
    trace: List[Dict[str, Any]] = []
    found = attribute_finding(rulebook, data, org, parameters, where, trace)
    return {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "institution": org.institution,
        **found,
        "trace": trace,
    }


__all__ = ["attribute_case", "attribute_finding"]
