"""The ``repair`` section: repair ways, refusals, and the shortening of a running term."""

from __future__ import annotations

from engine.base.frozen import FrozenDict
from typing import Dict, Optional

from engine.spec.build.context import BuildContext
from engine.spec.names import REPAIR
from engine.spec.repair import Band, InputSpec, RefuseRule, Repair, RepairWay, ShortenTerm


def repair(ctx: BuildContext) -> Optional[Repair]:
    body = ctx.data.get("repair")
    if not body:
        return None
    ways: Dict[str, RepairWay] = {}
    for way_id, way in body["ways"].items():
        path = ("repair", "ways", way_id)
        inputs = {
            name: InputSpec(name, spec.get("type", "number"), spec.get("minimum"), spec.get("maximum"),
                            bool(spec.get("required")))
            for name, spec in (way.get("inputs") or {}).items()
        }
        # A way's own inputs are names of its expressions too (e.g. 海南 whistleblowing: verified, rewarded).
        context = REPAIR.extended(f"repair way {way_id}",
                                  {spec.name: "bool" if spec.type == "boolean" else "number" for spec in inputs.values()},
                                  {spec.name: f"the case's '{spec.name}' of this repair" for spec in inputs.values()})
        bands = []
        for b_index, band in enumerate(way.get("bands") or ()):
            when = ctx.expression(band["when"], context, "bool", *path, "bands", b_index, "when")
            if when is not None:
                bands.append(Band(when, band["points"]))
        points = way.get("points")
        points_expr = None
        if points is not None:
            points_expr = ctx.expression(str(points), context, "number", *path, "points")
        elif not bands:
            ctx.fail("a repair way needs 'points' or 'bands'", *path)
        ways[way_id] = RepairWay(way_id, ctx.legal(way, body), FrozenDict(inputs), points_expr,
                                 tuple(bands), way.get("fail_reason"), way.get("per_year_count"),
                                 way.get("per_year_points"))
    refuse = []
    for index, rule in enumerate(body.get("refuse") or ()):
        when = ctx.expression(rule["when"], REPAIR, "bool", "repair", "refuse", index, "when")
        if when is not None:
            refuse.append(RefuseRule(rule["id"], ctx.legal(rule), when, rule.get("reason") or rule["text"]))
    shorten = None
    spec = body.get("shorten_term")
    if spec:
        shorten = ShortenTerm(ctx.legal(spec), ctx.months(spec["by"], "repair", "shorten_term", "by"),
                              ctx.months(spec.get("minimum", "0 months"), "repair", "shorten_term", "minimum"))
    return Repair(ctx.legal(body), FrozenDict(ways), tuple(refuse), shorten, body.get("per_year_points"))
