"""The validated, compiled, immutable rulebook.

:func:`build_rulebook` turns a schema-valid YAML document into a :class:`Rulebook`: every DSL
expression is parsed, type-checked against the names its place in the rulebook binds, and
compiled once. The legal layer (article, original sentence, interpretation) is kept on each rule
object so that evaluation can cite it in the trace.
"""

from __future__ import annotations

import datetime as _dt
from functools import cached_property
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Tuple

from engine.base.calendar import RulebookCalendar, WorkCalendar
from engine.errors import CalendarError, DslError, Location, RulebookError, YibaoError, did_you_mean
from engine.dsl.compiler import CompiledExpression, compile_expression
from engine.dsl.functions import FUNCTIONS
from engine.base.documents import PositionedDocument

LEVELS = ("general", "important", "primary")
ACTIONS = ("none", "warn", "suspend", "terminate")

#: Names a consequence condition (``consequences.rules[].when``) may read, with their types.
CONSEQUENCE_NAMES: Mapping[str, str] = MappingProxyType({
    "year_total": "number",          # the year's net points right after this event
    "year_total_before": "number",   # the year's net points before this event
    "year_points": "number",         # the year's points before repairs
    "single": "number",              # the 单次记分 (see parameter single_score_scope)
    "points": "number",              # this event's own points
    "counted_points": "number",      # what this event added to the year after aggregation
    "tier": "number",
    "responsibility": "string",
    "role": "string",
    "date": "date",
    "year": "number",
    "state_before": "string",        # normal | suspended | terminated before this event
    "prior_year_totals": "list",     # net totals of the earlier years, most recent first
    # net totals of the calendar years before this one, year-1 first, 0 for a year without points,
    # back to the earliest year of the ledger (so "the last two years" are really consecutive)
    "previous_year_totals": "list",
})

#: Names an obligation rule (``obligations.<id>.consequences[].when``) may read: an obligation
#: event (e.g. the yearly test of 济宁 三(三)) is met or not met.
OBLIGATION_NAMES: Mapping[str, str] = MappingProxyType({
    "passed": "bool",                # the obligation was met (the test passed)
    "date": "date",
    "year": "number",
    "role": "string",
    "state_before": "string",
    "year_total": "number",          # the year's net points on that day
})

#: Names an institution rule (``institution_rules[].when``) may read: counts over the staff of one
#: institution in one natural year (see engine/evaluate/institution.py).
INSTITUTION_NAMES: Mapping[str, str] = MappingProxyType({
    "institution_kind": "string",    # medical | pharmacy
    "staff_count": "number",         # 相关人员总人数
    "suspended_times": "number",     # suspension terms begun in the year (人次)
    "terminated_times": "number",    # terminations in the year (人次)
    "suspended_persons": "number",   # staff suspended at some time in the year (人数)
    "terminated_persons": "number",
    "affected_persons": "number",    # staff suspended or terminated in the year (人数)
    "share_suspended": "number",     # suspended_times / staff_count
    "share_terminated": "number",    # terminated_times / staff_count
    "share_affected": "number",      # affected_persons / staff_count
    "principal_suspended": "bool",   # a pharmacy_principal of this institution was suspended in the year
    "principal_terminated": "bool",
    "max_single": "number",          # the largest 单次记分 of any staff member in the year
    "max_other_violations": "number",  # the most violations below a single 12 of one staff member
    "severe_persons": "number",      # staff with a single score of 12 or more in the year
    "year": "number",
})

#: Names a repair rule (bands, points, refusals) may read.
REPAIR_NAMES: Mapping[str, str] = MappingProxyType({
    "score": "number",               # the exam score, where the way has one (else 0)
    "points_claimed": "number",      # the points the case gives, where the way takes them (else 0)
    "year_net": "number",            # the repair year's net points before this repair
    "year_points": "number",
    "year_max_single": "number",     # the largest 单次记分 of the repair year
    "sanction_single": "number",     # the 单次记分 of the decision behind the running suspension/termination (0 if none)
    "state": "string",
    "date": "date",
    "role": "string",
    "way_count": "number",           # repairs of this way already accepted this year
    "way_points": "number",          # points of this way already accepted this year
})

#: Names a restoration condition may read.
RESTORATION_NAMES: Mapping[str, str] = MappingProxyType({
    "state": "string", "date": "date", "until": "date", "from": "date", "passed": "bool", "role": "string",
    "year_net": "number",            # the net points of the restoration date's year (after repairs)
    "sanction_single": "number",     # the 单次记分 of the decision behind the running term
    "sanction_cause": "string",      # score | institution: what decided the running term
})

#: Names a staff-measure rule (``institution_measures.rules[].when``) may read: a measure against the
#: person's institution (e.g. 辽宁 第二十八条) and whether the person is responsible.
MEASURE_NAMES: Mapping[str, str] = MappingProxyType({
    "responsible": "bool", "measure": "string", "state": "string", "date": "date", "role": "string",
})

#: Names a settlement rule may read.
SETTLEMENT_NAMES: Mapping[str, str] = MappingProxyType({
    "state": "string", "emergency": "bool", "date": "date", "role": "string", "until": "date",
})


@dataclass(frozen=True)
class Legal:
    """The law a rule encodes: article, original sentence, and the reading chosen where ambiguous."""

    article: str
    text: str
    interpretation: Optional[str] = None
    source: Optional[str] = None


@dataclass(frozen=True)
class Parameter:
    """A reading of ambiguous text, chosen by the rulebook and overridable per case."""

    id: str
    value: Any
    allowed: Tuple[Any, ...]
    interpretation: str
    ambiguity: Optional[int] = None
    articles: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """A negative situation (负面情形) of a tier."""

    code: str
    tier: int
    legal: Legal
    catch_all: bool
    points: Mapping[str, int] | int
    range: Tuple[int, int]


@dataclass(frozen=True)
class Tier:
    tier: int
    legal: Legal
    points: Mapping[str, int] | int
    range: Tuple[int, int]
    situations: Tuple[Situation, ...]

    @property
    def catch_all(self) -> Optional[Situation]:
        for situation in self.situations:
            if situation.catch_all:
                return situation
        return None


@dataclass(frozen=True)
class Consequence:
    """A threshold rule: when ``when`` holds after a score event, the decision may take ``action``."""

    id: str
    legal: Legal
    when: CompiledExpression
    action: str
    measure: Optional[str]
    months: Optional[int]
    months_min: Optional[int]
    months_max: Optional[int]
    ban_years: Optional[int]
    # A ban given as a range (济宁 五(二) “1－2年内不再与其重新签订服务协议”): the term is counted
    # with the minimum; the result reports both ends.
    ban_years_min: Optional[int] = None
    ban_years_max: Optional[int] = None

    @cached_property  # compared on every score event; the rule never changes
    def severity(self) -> Tuple[int, int, int]:
        """Orders consequences: terminate > suspend > warn > none, then by length."""
        rank = ACTIONS.index(self.action)
        if self.action == "terminate":
            return (rank, self.ban_years if self.ban_years is not None else (self.ban_years_max or 0),
                    self.ban_years_min or 0)
        if self.action == "suspend":
            return (rank, self.months_max or self.months or 0, self.months_min or self.months or 0)
        return (rank, 0, 0)


@dataclass(frozen=True)
class Band:
    when: CompiledExpression
    points: int


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    minimum: Optional[float]
    maximum: Optional[float]
    required: bool


@dataclass(frozen=True)
class RepairWay:
    id: str
    legal: Legal
    inputs: Mapping[str, InputSpec]
    points: Optional[CompiledExpression]
    bands: Tuple[Band, ...]
    fail_reason: Optional[str]
    per_year_count: Optional[int]
    per_year_points: Optional[int]


@dataclass(frozen=True)
class RefuseRule:
    id: str
    legal: Legal
    when: CompiledExpression
    reason: str


@dataclass(frozen=True)
class ShortenTerm:
    legal: Legal
    months: int
    minimum_months: int


@dataclass(frozen=True)
class Repair:
    legal: Legal
    ways: Mapping[str, RepairWay]
    refuse: Tuple[RefuseRule, ...]
    shorten: Optional[ShortenTerm]
    per_year_points: Optional[int]


@dataclass(frozen=True)
class Restoration:
    legal: Legal
    allowed_when: Optional[CompiledExpression]
    refuse_reason: str


@dataclass(frozen=True)
class Obligation:
    """A duty whose breach has a consequence (济宁 三(三): the yearly test; failing it dissolves the agreement)."""

    id: str
    legal: Legal
    consequences: Tuple[Consequence, ...]


#: Actions an institution rule may take (on the institution's agreement, not on a person).
INSTITUTION_ACTIONS = ("none", "key_monitoring", "suspend_agreement", "dissolve_agreement")


@dataclass(frozen=True)
class InstitutionRule:
    """An institution-level threshold over its staff's statuses (海南 第二十五条, 济宁 五(三)、六(三))."""

    id: str
    legal: Legal
    when: CompiledExpression
    action: str
    measure: Optional[str]
    discretionary: bool       # “可以”: the agency may, not must
    months_max: Optional[int]
    applies_to: Tuple[str, ...]  # institution kinds (medical, pharmacy); empty = all


@dataclass(frozen=True)
class SettlementRule:
    id: str
    legal: Legal
    when: CompiledExpression
    settled: CompiledExpression


@dataclass(frozen=True)
class MeasureRule:
    """How a measure against the person's institution (协议中止、解除) changes the person's status."""

    id: str
    legal: Legal
    measure: str
    when: CompiledExpression
    action: str
    term: str
    ban_years: Optional[int]


@dataclass(frozen=True)
class InstitutionMeasures:
    """The measures against an institution a case may name, and the rules that carry them to its staff."""

    legal: Legal
    measures: Mapping[str, str]
    rules: Tuple[MeasureRule, ...]


@dataclass(frozen=True)
class Rulebook:
    """A compiled rulebook: immutable, safe to share between threads.

    Use :mod:`engine.api` (``load_rulebook``) to get one; ``evaluate`` runs a case against it.
    """

    id: str
    title: str
    document: str
    jurisdiction: Optional[str]
    issuers: Tuple[str, ...]
    effective_from: _dt.date
    effective_until: Optional[_dt.date]
    effective_legal: Optional[Legal]
    completeness: str
    missing: Tuple[str, ...]
    roles: Tuple[str, ...]
    scope_legal: Optional[Legal]
    parameters: Mapping[str, Parameter]
    responsibility_required: bool
    responsibility_levels: Mapping[str, Legal]
    scoring_model: str
    allowance: Optional[int]
    year_cap: Optional[int]
    aggregation: Optional[Legal]
    same_behaviour: str
    discretion_points: str
    adjustments: Tuple[str, ...]
    tiers: Mapping[int, Tier]
    situations: Mapping[str, Situation]
    consequences: Tuple[Consequence, ...]
    repair: Optional[Repair]
    restoration: Optional[Restoration]
    settlement: Tuple[SettlementRule, ...]
    source: str
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    #: For every effective rule: section, id, and the file and line it came from (inheritance).
    origins: Tuple[Mapping[str, Any], ...] = field(repr=False, compare=False, default=())
    #: The extends chain, this rulebook first (``("weihai", "shandong", "national")``).
    lineage: Tuple[str, ...] = ()
    #: Measures against the institution that change staff status (e.g. 辽宁 第二十八条); None where the text has none.
    institution_measures: Optional[InstitutionMeasures] = None
    #: The rulebook's calendar (working days + counting convention); every date computation uses it.
    calendar: RulebookCalendar = field(repr=False, compare=False, default_factory=lambda: RulebookCalendar(WorkCalendar()))
    #: Deadlines by GLOSSARY kind (appeal, verification, …), in the order the rulebook writes them.
    deadlines: Mapping[str, "Deadline"] = field(repr=False, compare=False, default_factory=dict)
    calendar_legal: Optional[Legal] = field(repr=False, compare=False, default=None)
    obligations: Mapping[str, Obligation] = field(default_factory=dict)
    institution_rules: Tuple[InstitutionRule, ...] = ()
    year_cap_legal: Optional[Legal] = None
    #: The compiled responsibility-attribution table (``engine.attribution.annex.Attribution``), or
    #: None where the rulebook has none: attribution is then "not defined for this jurisdiction".
    attribution: Any = None

    @cached_property  # read on every score event; derived once per compiled rulebook
    def consequence_names(self) -> frozenset:
        """Every name the consequence conditions read (the evaluation builds only those)."""
        return frozenset().union(*(rule.when.names for rule in self.consequences))

    def parameter(self, name: str) -> Any:
        return self.parameters[name].value if name in self.parameters else None

    def evaluate(self, case: Mapping[str, Any], *, source: Optional[str] = None, positions=None,
                 trace: bool = True) -> Dict[str, Any]:
        """Evaluate one person's ledger; returns the JSON-ready result of ``yibao evaluate --json``."""
        from engine.evaluate.pipeline import evaluate_case
        # Not at the top: provenance reads the registry, which imports this module.
        from engine.rulebook.provenance import stamp

        if isinstance(case, Mapping) and _uses_attribution(case):
            # Score events with `attribution:` (and the case's organisation): attribute, then score
            # every assigned person (engine/attribution/feed.py; docs/contract.md).
            from engine.attribution.feed import evaluate_with_attribution

            return stamp(self, evaluate_with_attribution(self, case, source=source, positions=positions, trace=trace))
        return stamp(self, evaluate_case(self, case, source=source, positions=positions, trace=trace))

    def can_settle(self, case: Mapping[str, Any], date: Any, emergency: bool = False) -> Dict[str, Any]:
        """Would a claim on ``date`` (``YYYY-MM-DD`` or a date) by this case's person be settled?

        Returns ``{person, date, emergency, settled, state, article, rule, reason}``: the status on
        that date (from evaluating the case) judged by the rulebook's settlement rules.
        """
        from engine.evaluate.pipeline import can_settle_case
        from engine.rulebook.provenance import stamp

        return stamp(self, can_settle_case(self, case, date, emergency))

    def deadline(self, kind: str, start: Any) -> "DeadlineResult":
        """The deadline of ``kind`` (a GLOSSARY kind this rulebook defines) counted from ``start``.

        ``start`` is a date or ``YYYY-MM-DD`` text. Raises :class:`~engine.errors.DeadlineError`
        for a kind the rulebook does not define and :class:`~engine.errors.CalendarError` for a date
        without holiday data.
        """
        from engine.evaluate.deadlines import compute_deadline

        return compute_deadline(self, kind, start)

    def attribute(self, case: Mapping[str, Any], *, source: Optional[str] = None,
                  positions=None) -> Dict[str, Any]:
        """Who bears which responsibility for one finding (the annex rules over the organisation);
        returns the JSON-ready result of ``yibao attribute --json``."""
        from engine.attribution.annex import attribute_case
        from engine.rulebook.provenance import stamp

        return stamp(self, attribute_case(self, case, source=source, positions=positions))


def _uses_attribution(case: Mapping[str, Any]) -> bool:
    """Whether a case needs the attribution layer: an organisation, or a score event with
    ``attribution:`` or events naming their ``person``."""
    if "org" in case or "org_file" in case:
        return True
    events = case.get("events")
    if not isinstance(events, list):
        return False
    # `type(e) is dict` first: the common case skips typing.Mapping's slow isinstance check.
    return any((type(e) is dict or isinstance(e, Mapping)) and ("attribution" in e or "person" in e) for e in events)


class _Builder:
    """Builds a :class:`Rulebook` from a schema-valid document, collecting every located error."""

    def __init__(self, document: PositionedDocument):
        self.document = document
        self.data: Dict[str, Any] = document.data
        self.errors: List[YibaoError] = []
        self.param_names: Dict[str, str] = {}

    def where(self, *path) -> Location:
        return self.document.location(path)

    def fail(self, message: str, *path) -> None:
        self.errors.append(RulebookError(message, self.where(*path)))

    def legal(self, node: Mapping[str, Any], fallback: Optional[Mapping[str, Any]] = None) -> Legal:
        fallback = fallback or {}
        return Legal(
            article=str(node.get("article") or fallback.get("article") or ""),
            text=str(node.get("text") or fallback.get("text") or ""),
            interpretation=node.get("interpretation"),
            source=node.get("source"),
        )

    def expression(self, text: Any, names: Mapping[str, str], expect: Optional[str], *path) -> Optional[CompiledExpression]:
        scope = dict(names)
        scope.update(self.param_names)
        try:
            return compile_expression(str(text), scope, functions=FUNCTIONS,
                                      location=self.document.expression_location(path), expect=expect,
                                      shift=getattr(self, "calendar_spec", None) and self.calendar_spec.shift)
        except DslError as error:
            self.errors.append(error)
            return None

    def date(self, value: Any, *path) -> Optional[_dt.date]:
        if value is None:
            return None
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date; expected YYYY-MM-DD", *path)
            return None

    def build(self, source: str) -> Rulebook:
        data = self.data
        # First: every expression compiled below moves dates on this rulebook's calendar.
        self.calendar_spec = self.calendar()
        parameters = self.parameters()
        roles = tuple(data["scope"]["roles"])
        responsibility = data.get("responsibility") or {"required": False}
        levels = {
            level: Legal(str(responsibility.get("article", "")), str(body.get("text", "")), None)
            for level, body in (responsibility.get("levels") or {}).items()
        }
        scoring = data.get("scoring") or {"tiers": []}
        tiers, situations = self.tiers(scoring, bool(responsibility.get("required")))
        discretion = scoring.get("discretion") or {}
        aggregation = scoring.get("aggregation")
        consequences = self.consequences()
        effective = data["effective"]
        rulebook = Rulebook(
            id=data["id"],
            title=data["title"],
            document=data["document"],
            jurisdiction=data.get("jurisdiction"),
            issuers=tuple(data.get("issuers") or ()),
            effective_from=self.date(effective["from"], "effective", "from") or _dt.date.min,
            effective_until=self.date(effective.get("until"), "effective", "until"),
            effective_legal=self.legal(effective) if effective.get("article") else None,
            completeness=data.get("completeness", "complete"),
            missing=tuple(data.get("missing") or ()),
            roles=roles,
            scope_legal=self.legal(data["scope"]) if data["scope"].get("article") else None,
            parameters=MappingProxyType(parameters),
            responsibility_required=bool(responsibility.get("required")),
            responsibility_levels=MappingProxyType(levels),
            scoring_model=scoring.get("model", "accumulate"),
            allowance=scoring.get("allowance"),
            year_cap=scoring.get("year_cap"),
            aggregation=self.legal(aggregation) if aggregation else None,
            same_behaviour=(aggregation or {}).get("same_behaviour", "max"),
            discretion_points=discretion.get("points", "fixed"),
            adjustments=tuple(discretion.get("adjustments") or ()),
            tiers=MappingProxyType(tiers),
            situations=MappingProxyType(situations),
            consequences=tuple(consequences),
            repair=self.repair(),
            restoration=self.restoration(),
            settlement=tuple(self.settlement()),
            institution_measures=self.institution_measures(),
            source=source,
            raw=MappingProxyType(data),
            calendar=self.calendar_spec,
            deadlines=MappingProxyType(self.deadlines()),
            calendar_legal=self.legal(data["calendar"]) if (data.get("calendar") or {}).get("article") else None,
            obligations=MappingProxyType(self.obligations()),
            institution_rules=tuple(self.institution_rules()),
            year_cap_legal=self.legal(scoring["year_cap_rule"]) if scoring.get("year_cap_rule") else None,
            attribution=self.attribution(),
        )
        if self.errors:
            first = self.errors[0]
            first.all_errors = list(self.errors)  # type: ignore[attr-defined]
            raise first
        return rulebook

    def parameters(self) -> Dict[str, Parameter]:
        result: Dict[str, Parameter] = {}
        for name, body in (self.data.get("parameters") or {}).items():
            allowed = tuple(body["allowed"])
            if body["value"] not in allowed:
                self.fail(f"value '{body['value']}' is not among the allowed readings {list(allowed)}"
                          + did_you_mean(str(body["value"]), [str(a) for a in allowed]), "parameters", name, "value")
            result[name] = Parameter(name, body["value"], allowed, body["interpretation"],
                                     body.get("ambiguity"), tuple(body.get("articles") or ()))
            value = body["value"]
            self.param_names[f"param.{name}"] = ("bool" if isinstance(value, bool) else
                                                 "number" if isinstance(value, (int, float)) else "string")
        return result

    def tiers(self, scoring: Mapping[str, Any], responsibility_required: bool):
        tiers: Dict[int, Tier] = {}
        situations: Dict[str, Situation] = {}
        for t_index, body in enumerate(scoring.get("tiers") or ()):
            number = body["tier"]
            path = ("scoring", "tiers", t_index)
            if number in tiers:
                self.fail(f"tier {number} is defined twice", *path, "tier")
            points = body.get("points")
            within = (scoring.get("discretion") or {}).get("points") == "within_tier"
            if points is None and not (within and body.get("range")):
                self.fail("a tier needs its points (a number, or one per responsibility level); "
                          "a tier with only a range needs discretion points: within_tier", *path)
                points = 0
            if isinstance(points, Mapping) and responsibility_required:
                missing = [lvl for lvl in LEVELS if lvl not in points]
                if missing:
                    self.fail(f"points for {', '.join(missing)} are missing", *path, "points")
            # No default points (None): the case must give them, within the range.
            values = [] if points is None else list(points.values()) if isinstance(points, Mapping) else [points]
            span = tuple(body.get("range") or (min(values), max(values)))
            if span[0] > span[1]:
                self.fail(f"range {list(span)} runs backwards", *path, "range")
            for v in values:
                if not span[0] <= v <= span[1]:
                    self.fail(f"points {v} lie outside the tier's range {span[0]}..{span[1]}", *path, "points")
            tier_legal = self.legal(body)
            members: List[Situation] = []
            if body.get("situation_required") is False:
                # The class itself is a situation: a score event may give only the tier (济宁 四(N)).
                code = str(body.get("code") or f"tier-{number}")
                if code in situations:
                    self.fail(f"situation code '{code}' is used twice", *path, "code")
                own = Situation(code=code, tier=number, legal=tier_legal, catch_all=True, points=points,
                                range=span)  # type: ignore[arg-type]
                situations[code] = own
                members.append(own)
            for s_index, s_body in enumerate(body["situations"]):
                code = str(s_body["code"])
                if code in situations:
                    self.fail(f"situation code '{code}' is used twice", *path, "situations", s_index, "code")
                situation = Situation(
                    code=code, tier=number,
                    legal=Legal(str(s_body.get("article") or tier_legal.article), str(s_body["text"]),
                                s_body.get("interpretation")),
                    catch_all=bool(s_body.get("catch_all")),
                    points=s_body.get("points", points),
                    range=span,  # type: ignore[arg-type]
                )
                situations[code] = situation
                members.append(situation)
            tiers[number] = Tier(number, tier_legal, points, span, tuple(members))  # type: ignore[arg-type]
        return tiers, situations

    def consequences(self) -> List[Consequence]:
        result: List[Consequence] = []
        seen = set()
        for index, body in enumerate((self.data.get("consequences") or {}).get("rules") or ()):
            path = ("consequences", "rules", index)
            if body["id"] in seen:
                self.fail(f"consequence id '{body['id']}' is used twice", *path, "id")
            seen.add(body["id"])
            action = body["action"]
            months, months_min, months_max = body.get("months"), body.get("months_min"), body.get("months_max")
            if action == "suspend":
                if months is None and (months_min is None or months_max is None):
                    self.fail("a suspension needs 'months', or 'months_min' and 'months_max'", *path)
                if months is not None:
                    months_min = months_min or months
                    months_max = months_max or months
                elif months_min is not None and months_max is not None and months_min > months_max:
                    self.fail(f"months_min {months_min} is above months_max {months_max}", *path, "months_min")
            self.check_ban(body, path)
            when = self.expression(body["when"], CONSEQUENCE_NAMES, "bool", *path, "when")
            if when is None:
                continue
            result.append(Consequence(body["id"], self.legal(body), when, action, body.get("measure"),
                                      months, months_min, months_max, body.get("ban_years"),
                                      body.get("ban_years_min"), body.get("ban_years_max")))
        return result

    def check_ban(self, body: Mapping[str, Any], path: Tuple) -> None:
        """A termination needs its ban: ``ban_years``, or ``ban_years_min`` and ``ban_years_max``."""
        if body["action"] != "terminate":
            return
        low, high = body.get("ban_years_min"), body.get("ban_years_max")
        if body.get("ban_years") is None and (low is None or high is None):
            self.fail("a termination needs 'ban_years', or 'ban_years_min' and 'ban_years_max' "
                      "(use ban_years: 0 where the text sets no ban)", *path)
        elif low is not None and high is not None and low > high:
            self.fail(f"ban_years_min {low} is above ban_years_max {high}", *path, "ban_years_min")

    def obligations(self) -> Dict[str, Obligation]:
        result: Dict[str, Obligation] = {}
        for ob_id, body in (self.data.get("obligations") or {}).items():
            rules = []
            for index, rule in enumerate(body.get("consequences") or ()):
                path = ("obligations", ob_id, "consequences", index)
                self.check_ban(rule, path)
                when = self.expression(rule["when"], OBLIGATION_NAMES, "bool", *path, "when")
                if when is None:
                    continue
                rules.append(Consequence(rule["id"], self.legal(rule, body), when, rule["action"], rule.get("measure"),
                                         rule.get("months"), rule.get("months_min") or rule.get("months"),
                                         rule.get("months_max") or rule.get("months"), rule.get("ban_years"),
                                         rule.get("ban_years_min"), rule.get("ban_years_max")))
            result[ob_id] = Obligation(ob_id, self.legal(body), tuple(rules))
        return result

    def institution_rules(self) -> List[InstitutionRule]:
        result = []
        seen = set()
        for index, body in enumerate(self.data.get("institution_rules") or ()):
            path = ("institution_rules", index)
            if body["id"] in seen:
                self.fail(f"institution rule id '{body['id']}' is used twice", *path, "id")
            seen.add(body["id"])
            when = self.expression(body["when"], INSTITUTION_NAMES, "bool", *path, "when")
            if when is None:
                continue
            result.append(InstitutionRule(body["id"], self.legal(body), when, body["action"], body.get("measure"),
                                          bool(body.get("discretionary", False)), body.get("months_max"),
                                          tuple(body.get("applies_to") or ())))
        return result

    def repair(self) -> Optional[Repair]:
        body = self.data.get("repair")
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
            names = dict(REPAIR_NAMES)
            for spec in inputs.values():
                names.setdefault(spec.name, "bool" if spec.type == "boolean" else "number")
            bands = []
            for b_index, band in enumerate(way.get("bands") or ()):
                when = self.expression(band["when"], names, "bool", *path, "bands", b_index, "when")
                if when is not None:
                    bands.append(Band(when, band["points"]))
            points = way.get("points")
            points_expr = None
            if points is not None:
                points_expr = self.expression(str(points), names, "number", *path, "points")
            elif not bands:
                self.fail("a repair way needs 'points' or 'bands'", *path)
            ways[way_id] = RepairWay(way_id, self.legal(way, body), MappingProxyType(inputs), points_expr,
                                     tuple(bands), way.get("fail_reason"), way.get("per_year_count"),
                                     way.get("per_year_points"))
        refuse = []
        for index, rule in enumerate(body.get("refuse") or ()):
            when = self.expression(rule["when"], REPAIR_NAMES, "bool", "repair", "refuse", index, "when")
            if when is not None:
                refuse.append(RefuseRule(rule["id"], self.legal(rule), when, rule.get("reason") or rule["text"]))
        shorten = None
        if body.get("shorten_term"):
            spec = body["shorten_term"]
            shorten = ShortenTerm(self.legal(spec), int(spec["by"].split()[0]),
                                  int(str(spec.get("minimum", "0 months")).split()[0]))
        return Repair(self.legal(body), MappingProxyType(ways), tuple(refuse), shorten, body.get("per_year_points"))

    def restoration(self) -> Optional[Restoration]:
        body = self.data.get("restoration")
        if not body:
            return None
        allowed = None
        if body.get("allowed_when"):
            allowed = self.expression(body["allowed_when"], RESTORATION_NAMES, "bool", "restoration", "allowed_when")
        return Restoration(self.legal(body), allowed, body.get("refuse_reason") or "restoration not allowed yet")

    def settlement(self) -> List[SettlementRule]:
        result = []
        for index, body in enumerate(self.data.get("settlement") or ()):
            path = ("settlement", index)
            when = self.expression(body["when"], SETTLEMENT_NAMES, "bool", *path, "when")
            settled = self.expression(body["settled"], SETTLEMENT_NAMES, "bool", *path, "settled")
            if when is not None and settled is not None:
                result.append(SettlementRule(body["id"], self.legal(body), when, settled))
        return result

    def attribution(self):
        """The ``attribution:`` section, compiled by the attribution layer (None where absent)."""
        if not self.data.get("attribution"):
            return None
        from engine.attribution.annex import build_attribution

        return build_attribution(self)

    # -- time: calendar and deadlines (issue 6) ------------------------------------------------
    def calendar(self) -> RulebookCalendar:
        """The rulebook's ``calendar:`` section as a :class:`RulebookCalendar` (defaults without one)."""
        body = self.data.get("calendar") or {}
        overrides: Dict[_dt.date, str] = {}
        for key, kind in (body.get("overrides") or {}).items():
            day = self.date(key, "calendar", "overrides", key)
            if day is not None:
                overrides[day] = kind
        try:
            calendar = WorkCalendar(overrides, complete_years=body.get("complete_years") or (),
                                    years=body.get("years"))
        except CalendarError as error:
            self.fail(error.message, "calendar", "overrides")
            calendar = WorkCalendar()
        return RulebookCalendar(calendar, body.get("count_from", "next_day"), body.get("period_end", "next_workday"))

    def deadlines(self) -> Dict[str, "Deadline"]:
        result: Dict[str, Deadline] = {}
        for kind, body in (self.data.get("deadlines") or {}).items():
            path = ("deadlines", kind)
            expression = self.expression(body["deadline"], DEADLINE_NAMES, "date", *path, "deadline")
            if expression is None:
                continue
            result[kind] = Deadline(kind, self.legal(body), body.get("label"), body["from"], expression,
                                    body.get("bound", "latest"), body.get("actor"), self.where(*path))
        return result


#: Names a deadline expression (``deadlines.<kind>.deadline``) may read.
DEADLINE_NAMES: Mapping[str, str] = MappingProxyType({"from": "date"})


@dataclass(frozen=True)
class Deadline:
    """A time limit of the document: ``deadline`` is a date expression over ``from``."""

    kind: str
    legal: Legal
    label: Optional[str]
    start: str                  # what the FROM date is, e.g. notice_received
    expression: CompiledExpression
    bound: str                  # latest | earliest
    actor: Optional[str]
    location: Location


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline: the date, the rule it comes from, and how it was counted."""

    rulebook: str
    kind: str
    start: _dt.date
    deadline: _dt.date
    computed: _dt.date          # before 民法典 第二百零三条 moved it off a holiday (same when not moved)
    rule: Deadline
    notes: Tuple[str, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        """The JSON of ``yibao deadline --json``."""
        rule = self.rule
        return {
            "deadline": self.deadline.isoformat(),
            "kind": self.kind,
            "article": rule.legal.article,
            "from": self.start.isoformat(),
            "from_means": rule.start,
            "text": rule.legal.text,
            "label": rule.label,
            "rulebook": self.rulebook,
            "bound": rule.bound,
            "expression": rule.expression.text,
            "computed": self.computed.isoformat(),
            "interpretation": rule.legal.interpretation,
            "notes": list(self.notes),
        }


def _institution_measures(self: "_Builder") -> Optional[InstitutionMeasures]:
    body = self.data.get("institution_measures")
    if not body:
        return None
    measures = dict(body.get("measures") or {})
    rules = []
    for index, rule in enumerate(body.get("rules") or ()):
        path = ("institution_measures", "rules", index)
        if measures and rule["measure"] not in measures:
            self.fail(f"unknown institution measure '{rule['measure']}'; expected one of {', '.join(measures)}"
                      + did_you_mean(rule["measure"], measures), *path, "measure")
        if rule["action"] == "terminate" and rule.get("ban_years") is None:
            self.fail("a termination needs 'ban_years' (use 0 where the text sets no ban)", *path)
        when = self.expression(rule["when"], MEASURE_NAMES, "bool", *path, "when")
        if when is not None:
            rules.append(MeasureRule(rule["id"], self.legal(rule), rule["measure"], when, rule["action"],
                                         rule.get("term", "institution"), rule.get("ban_years")))
    if not measures:
        measures = {rule.measure: rule.measure for rule in rules}
    return InstitutionMeasures(self.legal(body), MappingProxyType(measures), tuple(rules))


_Builder.institution_measures = _institution_measures  # type: ignore[attr-defined]


def build_rulebook(document: PositionedDocument) -> Rulebook:
    """Compile a schema-valid rulebook document; raises the first located error (all in ``all_errors``)."""
    return _Builder(document).build(document.source)
