"""The ``scoring`` section: tiers, their situations and points."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from engine.spec.build.context import BuildContext
from engine.spec.scoring import Situation, Tier
from engine.spec.vocabulary import LEVELS


def tiers(ctx: BuildContext, scoring: Mapping[str, Any],
          responsibility_required: bool) -> Tuple[Dict[int, Tier], Dict[str, Situation]]:
    """Every tier and every situation (by code), with points checked against the tier's range."""
    found: Dict[int, Tier] = {}
    situations: Dict[str, Situation] = {}
    within = (scoring.get("discretion") or {}).get("points") == "within_tier"
    for t_index, body in enumerate(scoring.get("tiers") or ()):
        number = body["tier"]
        path = ("scoring", "tiers", t_index)
        if number in found:
            ctx.fail(f"tier {number} is defined twice", *path, "tier")
        points = body.get("points")
        if points is None and not (within and body.get("range")):
            ctx.fail("a tier needs its points (a number, or one per responsibility level); "
                     "a tier with only a range needs discretion points: within_tier", *path)
            points = 0
        if isinstance(points, Mapping) and responsibility_required:
            missing = [level for level in LEVELS if level not in points]
            if missing:
                ctx.fail(f"points for {', '.join(missing)} are missing", *path, "points")
        # No default points (None): the case must give them, within the range.
        values = [] if points is None else list(points.values()) if isinstance(points, Mapping) else [points]
        span = tuple(body.get("range") or (min(values), max(values)))
        if span[0] > span[1]:
            ctx.fail(f"range {list(span)} runs backwards", *path, "range")
        for value in values:
            if not span[0] <= value <= span[1]:
                ctx.fail(f"points {value} lie outside the tier's range {span[0]}..{span[1]}", *path, "points")
        tier_legal = ctx.legal(body)
        members: List[Situation] = []
        if body.get("situation_required") is False:
            # The class itself is a situation: a score event may give only the tier (济宁 四(N)).
            code = str(body.get("code") or f"tier-{number}")
            if code in situations:
                ctx.fail(f"situation code '{code}' is used twice", *path, "code")
            own = Situation(code, number, tier_legal, True, points, span)  # type: ignore[arg-type]
            situations[code] = own
            members.append(own)
        for s_index, s_body in enumerate(body["situations"]):
            code = str(s_body["code"])
            if code in situations:
                ctx.fail(f"situation code '{code}' is used twice", *path, "situations", s_index, "code")
            situation = Situation(
                code=code, tier=number,
                legal=ctx.legal({"article": s_body.get("article") or tier_legal.article, "text": s_body["text"],
                                 "interpretation": s_body.get("interpretation")}),
                catch_all=bool(s_body.get("catch_all")),
                points=s_body.get("points", points),
                range=span,  # type: ignore[arg-type]
            )
            situations[code] = situation
            members.append(situation)
        found[number] = Tier(number, tier_legal, points, span, tuple(members))  # type: ignore[arg-type]
    return found, situations
