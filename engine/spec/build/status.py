"""Sections about the status: restoration, settlement, measures against the institution, and the
institution-level rules over a whole staff."""

from __future__ import annotations

from engine.base.frozen import FrozenDict
from typing import List, Optional, Tuple

from engine.errors import did_you_mean
from engine.spec.build.context import BuildContext
from engine.spec.names import INSTITUTION, MEASURE, RESTORATION, SETTLEMENT
from engine.spec.status import InstitutionMeasures, InstitutionRule, MeasureRule, Restoration, SettlementRule


def restoration(ctx: BuildContext) -> Optional[Restoration]:
    body = ctx.data.get("restoration")
    if not body:
        return None
    allowed = None
    if body.get("allowed_when"):
        allowed = ctx.expression(body["allowed_when"], RESTORATION, "bool", "restoration", "allowed_when")
    return Restoration(ctx.legal(body), allowed, body.get("refuse_reason") or "restoration not allowed yet")


def settlement(ctx: BuildContext) -> Tuple[SettlementRule, ...]:
    result = []
    for index, body in enumerate(ctx.data.get("settlement") or ()):
        path = ("settlement", index)
        when = ctx.expression(body["when"], SETTLEMENT, "bool", *path, "when")
        settled = ctx.expression(body["settled"], SETTLEMENT, "bool", *path, "settled")
        if when is not None and settled is not None:
            result.append(SettlementRule(body["id"], ctx.legal(body), when, settled))
    return tuple(result)


def institution_measures(ctx: BuildContext) -> Optional[InstitutionMeasures]:
    """``institution_measures``: measures against the person's institution that carry over to the person."""
    body = ctx.data.get("institution_measures")
    if not body:
        return None
    measures = dict(body.get("measures") or {})
    rules: List[MeasureRule] = []
    for index, rule in enumerate(body.get("rules") or ()):
        path = ("institution_measures", "rules", index)
        if measures and rule["measure"] not in measures:
            ctx.fail(f"unknown institution measure '{rule['measure']}'; expected one of {', '.join(measures)}"
                     + did_you_mean(rule["measure"], measures), *path, "measure")
        if rule["action"] == "terminate" and rule.get("ban_years") is None:
            ctx.fail("a termination needs 'ban_years' (use 0 where the text sets no ban)", *path)
        when = ctx.expression(rule["when"], MEASURE, "bool", *path, "when")
        if when is not None:
            rules.append(MeasureRule(rule["id"], ctx.legal(rule), rule["measure"], when, rule["action"],
                                     rule.get("term", "institution"), rule.get("ban_years")))
    if not measures:
        measures = {rule.measure: rule.measure for rule in rules}
    return InstitutionMeasures(ctx.legal(body), FrozenDict(measures), tuple(rules))


def institution_rules(ctx: BuildContext) -> Tuple[InstitutionRule, ...]:
    """``institution_rules``: thresholds over one institution's staff in one year."""
    result = []
    seen = set()
    for index, body in enumerate(ctx.data.get("institution_rules") or ()):
        path = ("institution_rules", index)
        if body["id"] in seen:
            ctx.fail(f"institution rule id '{body['id']}' is used twice", *path, "id")
        seen.add(body["id"])
        when = ctx.expression(body["when"], INSTITUTION, "bool", *path, "when")
        if when is not None:
            result.append(InstitutionRule(body["id"], ctx.legal(body), when, body["action"], body.get("measure"),
                                          bool(body.get("discretionary", False)), body.get("months_max"),
                                          tuple(body.get("applies_to") or ())))
    return tuple(result)
