"""Consequence rules — of the year's points (``consequences.rules``) and of obligations — built by
one constructor, so both kinds are checked the same way."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple

from engine.spec.build.context import BuildContext
from engine.spec.names import CONSEQUENCE, OBLIGATION, Context
from engine.spec.scoring import Consequence
from engine.spec.status import Obligation


def consequence(ctx: BuildContext, body: Mapping[str, Any], path: Tuple[Any, ...], context: Context,
                section: Optional[Mapping[str, Any]] = None) -> Optional[Consequence]:
    """One consequence rule, with its term checked: a suspension needs ``months`` (or a range), a
    termination its ban. None when its condition does not compile (the error is recorded)."""
    action = body["action"]
    months, months_min, months_max = body.get("months"), body.get("months_min"), body.get("months_max")
    if action == "suspend":
        if months is None and (months_min is None or months_max is None):
            ctx.fail("a suspension needs 'months', or 'months_min' and 'months_max'", *path)
        if months is not None:
            months_min = months if months_min is None else months_min
            months_max = months if months_max is None else months_max
        if months_min is not None and months_max is not None and months_min > months_max:
            ctx.fail(f"months_min {months_min} is above months_max {months_max}", *path, "months_min")
    elif any(value is not None for value in (months, months_min, months_max)):
        ctx.fail(f"months belong to a suspension; this rule's action is {action}", *path, "action")
    low, high = body.get("ban_years_min"), body.get("ban_years_max")
    if action == "terminate":
        if body.get("ban_years") is None and (low is None or high is None):
            ctx.fail("a termination needs 'ban_years', or 'ban_years_min' and 'ban_years_max' "
                     "(use ban_years: 0 where the text sets no ban)", *path)
        elif low is not None and high is not None and low > high:
            ctx.fail(f"ban_years_min {low} is above ban_years_max {high}", *path, "ban_years_min")
    when = ctx.expression(body["when"], context, "bool", *path, "when")
    if when is None:
        return None
    return Consequence(str(body["id"]), ctx.legal(body, section), when, action, body.get("measure"),
                       months, months_min, months_max, body.get("ban_years"), low, high)


def consequences(ctx: BuildContext) -> Tuple[Consequence, ...]:
    """``consequences.rules``: judged after every score event."""
    result: List[Consequence] = []
    seen = set()
    for index, body in enumerate((ctx.data.get("consequences") or {}).get("rules") or ()):
        path = ("consequences", "rules", index)
        if body["id"] in seen:
            ctx.fail(f"consequence id '{body['id']}' is used twice", *path, "id")
        seen.add(body["id"])
        rule = consequence(ctx, body, path, CONSEQUENCE)
        if rule is not None:
            result.append(rule)
    return tuple(result)


def obligations(ctx: BuildContext) -> dict:
    """``obligations``: duties whose breach has a consequence (济宁 三(三))."""
    result = {}
    for ob_id, body in (ctx.data.get("obligations") or {}).items():
        rules = []
        for index, rule_body in enumerate(body.get("consequences") or ()):
            rule = consequence(ctx, rule_body, ("obligations", ob_id, "consequences", index), OBLIGATION, body)
            if rule is not None:
                rules.append(rule)
        result[ob_id] = Obligation(ob_id, ctx.legal(body), tuple(rules))
    return result
