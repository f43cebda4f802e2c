"""Build a :class:`~engine.spec.rulebook.RulebookSpec` from a schema-valid, inheritance-resolved document.

Each section has its builder module; all share one :class:`BuildContext` that collects every located
error, so that ``yibao check`` reports all of them at once (:class:`~engine.errors.InvalidRulebook`).
Every DSL condition is parsed, type-checked against the names of its :mod:`engine.spec.names`
context and compiled once, on the rulebook's calendar.
"""

from __future__ import annotations

import datetime as _dt
from engine.base.frozen import FrozenDict
from typing import Any, Dict, Mapping

from engine.base.documents import PositionedDocument
from engine.errors import InvalidRulebook, did_you_mean
from engine.spec.build import attribution, consequences, repair, scoring, status, time
from engine.spec.build.context import BuildContext
from engine.spec.legal import Legal, Parameter
from engine.spec.names import parameter_type
from engine.spec.readings import missing_readings
from engine.spec.rulebook import RulebookSpec


def _parameters(ctx: BuildContext) -> Dict[str, Parameter]:
    result: Dict[str, Parameter] = {}
    for name, body in (ctx.data.get("parameters") or {}).items():
        allowed = tuple(body["allowed"])
        if body["value"] not in allowed:
            ctx.fail(f"value '{body['value']}' is not among the allowed readings {list(allowed)}"
                     + did_you_mean(str(body["value"]), [str(a) for a in allowed]), "parameters", name, "value")
        result[name] = Parameter(name, body["value"], allowed, body["interpretation"],
                                 body.get("ambiguity"), tuple(body.get("articles") or ()))
        ctx.parameter_types[f"param.{name}"] = parameter_type(body["value"])
    return result


def _levels(ctx: BuildContext, responsibility: Mapping[str, Any]) -> Mapping[str, Legal]:
    return FrozenDict({
        level: Legal(str(responsibility.get("article", "")), str(body.get("text", "")), None)
        for level, body in (responsibility.get("levels") or {}).items()
    })


# long: one line per field of the spec, in the spec's order; each section's logic is in its own module.
def build_spec(document: PositionedDocument) -> RulebookSpec:
    """Compile a schema-valid rulebook document; raises :class:`InvalidRulebook` with every error."""
    ctx = BuildContext(document)
    data = ctx.data  # deeply frozen: every value the rule objects take from it can never change
    # First: every expression compiled below moves dates on this rulebook's calendar.
    rulebook_calendar = time.calendar(ctx)
    ctx.shift = rulebook_calendar.shift
    parameters = _parameters(ctx)
    responsibility = data.get("responsibility") or {"required": False}
    scoring_body = data.get("scoring") or {"tiers": []}
    tiers, situations = scoring.tiers(ctx, scoring_body, bool(responsibility.get("required")))
    discretion = scoring_body.get("discretion") or {}
    aggregation = scoring_body.get("aggregation")
    effective = data["effective"]
    rules = consequences.consequences(ctx)
    spec = RulebookSpec(
        id=data["id"],
        title=data["title"],
        document=data["document"],
        jurisdiction=data.get("jurisdiction"),
        issuers=tuple(data.get("issuers") or ()),
        effective_from=ctx.date(effective["from"], "effective", "from") or _dt.date.min,
        effective_until=ctx.date(effective.get("until"), "effective", "until"),
        effective_legal=ctx.legal(effective) if effective.get("article") else None,
        completeness=data.get("completeness", "complete"),
        missing=tuple(data.get("missing") or ()),
        roles=tuple(data["scope"]["roles"]),
        scope_legal=ctx.legal(data["scope"]) if data["scope"].get("article") else None,
        parameters=FrozenDict(parameters),
        responsibility_required=bool(responsibility.get("required")),
        responsibility_levels=_levels(ctx, responsibility),
        scoring_model=scoring_body.get("model", "accumulate"),
        allowance=scoring_body.get("allowance"),
        year_cap=scoring_body.get("year_cap"),
        year_cap_legal=ctx.legal(scoring_body["year_cap_rule"]) if scoring_body.get("year_cap_rule") else None,
        aggregation=ctx.legal(aggregation) if aggregation else None,
        same_behaviour=(aggregation or {}).get("same_behaviour", "max"),
        discretion_points=discretion.get("points", "fixed"),
        adjustments=tuple(discretion.get("adjustments") or ()),
        tiers=FrozenDict(tiers),
        situations=FrozenDict(situations),
        consequences=rules,
        repair=repair.repair(ctx),
        restoration=status.restoration(ctx),
        settlement=status.settlement(ctx),
        obligations=FrozenDict(consequences.obligations(ctx)),
        institution_rules=status.institution_rules(ctx),
        institution_measures=status.institution_measures(ctx),
        calendar=rulebook_calendar,
        calendar_legal=ctx.legal(data["calendar"]) if (data.get("calendar") or {}).get("article") else None,
        deadlines=time.deadlines(ctx),
        attribution=attribution.attribution(ctx),
        source=document.source,
        raw=FrozenDict(data),
        consequence_names=frozenset().union(*(rule.when.names for rule in rules)),
    )
    for path, message in missing_readings(spec):
        ctx.fail(message, *path)
    if ctx.errors:
        raise InvalidRulebook(ctx.errors)
    return spec
