"""The case model: validate one person's ledger against the contract and the rulebook.

A case arrives as plain data (from YAML or JSON). It is checked in two steps: the structure
against ``schemas/case.schema.json``, then the content against the rulebook (situations,
responsibility, points, repair ways, roles, dates). Every error names the event index and field
and, when the case came from a file, its line and column. The result is a list of typed events,
sorted by date (stable, so same-day events keep their order in the file).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from engine.errors import CaseError, Location, did_you_mean
from engine.spec.repair import RepairWay
from engine.spec.status import Obligation
from engine.spec.rulebook import RulebookSpec
from engine.spec.scoring import Situation
from engine.spec.vocabulary import LEVELS
from engine.base.schemas import _located, _validator  # one schema machinery for rulebooks and cases
from engine.base.schemas import surely_valid
from engine.base.documents import Mark, PositionedDocument, format_path


@dataclass(slots=True)
class ScoreEvent:
    index: int
    date: _dt.date
    situation: Situation
    responsibility: Optional[str]
    points: int
    adjustment: Optional[str]
    inspection: str
    behaviour: str
    institution: Optional[str]
    kind: str = "score"
    ref: Optional[str] = None                      # the decision's reference, for appeals
    notice_received: Optional[_dt.date] = None     # the day its 处理通知书 was received
    amended_by: Optional[int] = None               # the appeal_result that amended it
    original_points: Optional[int] = None          # its points before the amendment
    months: Optional[int] = None           # the suspension length the case fixes (within the rule's range)
    where: Optional[Location] = None       # where the event is written, for errors found while evaluating
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class RepairEvent:
    index: int
    date: _dt.date
    way: RepairWay
    score: float
    points_claimed: float
    kind: str = "repair"
    inputs: Optional[Dict[str, Any]] = None  # every input the way declares, defaults filled in
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class ObligationEvent:
    """An obligation met or not (e.g. 济宁 三(三) the yearly test): ``passed`` false may have a consequence."""

    index: int
    date: _dt.date
    obligation: Obligation
    passed: bool
    kind: str = "obligation"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class ClaimEvent:
    index: int
    date: _dt.date
    emergency: bool
    kind: str = "claim"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class RestorationEvent:
    index: int
    date: _dt.date
    passed: bool
    kind: str = "restoration"
    applied: Optional[_dt.date] = None    # the day the agency received the application, when known
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class AppealEvent:
    """An appeal (异议申诉) against the decision of score event ``contests`` (its index in the file)."""

    index: int
    date: _dt.date
    contests: int
    notice_received: Optional[_dt.date]
    kind: str = "appeal"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class AppealResultEvent:
    """The result of appeal ``appeal``: upheld, amended (``amended`` is the new score) or revoked."""

    index: int
    date: _dt.date
    appeal: int
    outcome: str
    amended: Optional[ScoreEvent]
    kind: str = "appeal_result"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


@dataclass(slots=True)
class InstitutionEvent:
    """A measure against the person's institution (服务协议中止/暂停、解除) and whether the person is responsible."""

    index: int
    date: _dt.date
    measure: str
    responsible: bool
    until: Optional[_dt.date]
    institution: Optional[str]
    kind: str = "institution_measure"
    rulebook: Optional[RulebookSpec] = None    # the rulebook version in force on the event's date


Event = Union[ScoreEvent, RepairEvent, ClaimEvent, RestorationEvent, ObligationEvent, AppealEvent,
              AppealResultEvent, InstitutionEvent]


@dataclass
class Case:
    """A validated case: the person, the date of the report, parameter readings, sorted events."""

    rulebook_id: Optional[str]
    person_id: str
    role: str
    as_of: _dt.date
    parameters: Dict[str, Any]
    events: List[Event]


def _plain(value: Any) -> Any:
    """Dates from Python callers become ISO text, as in YAML and JSON input."""
    kind = type(value)  # exact-type fast paths first: JSON data is only these, and ABC checks are slow
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {key if type(key) is str else str(key): _plain(item) for key, item in value.items()}
    if kind is list:
        return [_plain(item) for item in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class _Reader:
    def __init__(self, rulebook: RulebookSpec, document: PositionedDocument):
        self.rulebook = rulebook
        self.document = document

    def error(self, message: str, *path: Union[str, int]) -> CaseError:
        """A case error at ``path``: with line and column when the case came from a file."""
        if self.document.positions:
            return CaseError(message, self.document.location(path))
        source = None if self.document.source == "<case>" else self.document.source
        return CaseError(message, Location(source, field=format_path(path)))

    def date(self, value: Any, *path: Union[str, int]) -> _dt.date:
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(f"'{value}' is not a date; expected YYYY-MM-DD", *path) from None


def read_case(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
              positions: Optional[Dict[Tuple, Mark]] = None,
              versions: Optional[Sequence[RulebookSpec]] = None,
              event_indices: Optional[Sequence[int]] = None) -> Case:
    """Validate ``case`` against the contract and ``rulebook``; return the typed, sorted case.

    With ``versions`` (every version of the rulebook id, by effective period), each event is read
    against the version in force on its date, and carries it (``event.rulebook``).
    ``event_indices`` (optional) gives each event its index in an enclosing case it was taken from
    (one person's events of a multi-person case, engine/attribution/feed.py), so that decisions
    and errors name the event as the user wrote it.
    """
    # A case of plain JSON types that the fast validator accepts needs no copy; only cases with
    # Python dates (or other non-JSON values) are converted first.
    fast_valid = isinstance(case, dict) and surely_valid("case", case)
    data = case if fast_valid else _plain(case)
    document = PositionedDocument(data, source or "<case>", positions or {})
    reader = _Reader(rulebook, document)
    if not isinstance(data, dict):
        raise reader.error("a case must be a mapping with rulebook, as_of, person and events")
    # The fast validator settles the common, valid case; anything else gets jsonschema's located error.
    for error in () if fast_valid or surely_valid("case", data) else _validator("case").iter_errors(data):
        located = _located(document, error)
        if positions:
            raise CaseError(located.message, located.location)
        raise CaseError(located.message, Location(None if source is None else source, field=located.location.field))

    if data.get("rulebook") and data["rulebook"] != rulebook.id:
        raise reader.error(f"this case is for rulebook '{data['rulebook']}', but was evaluated with '{rulebook.id}'", "rulebook")
    as_of = reader.date(data["as_of"], "as_of")
    person = data["person"]
    role = person["role"]
    if role not in rulebook.roles:
        raise reader.error(f"role '{role}' is not in the scope of {rulebook.id} "
                           f"({rulebook.scope_legal.article if rulebook.scope_legal else 'scope'}); "
                           f"expected one of {', '.join(rulebook.roles)}" + did_you_mean(role, rulebook.roles),
                           "person", "role")
    parameters = {name: p.value for name, p in rulebook.parameters.items()}
    for name, value in (data.get("parameters") or {}).items():
        if name not in rulebook.parameters:
            raise reader.error(f"unknown parameter '{name}'; this rulebook has {', '.join(rulebook.parameters)}"
                               + did_you_mean(name, rulebook.parameters), "parameters", name)
        allowed = rulebook.parameters[name].allowed
        if value not in allowed:
            raise reader.error(f"'{value}' is not a reading of {name}; expected one of "
                               f"{', '.join(map(str, allowed))}", "parameters", name)
        parameters[name] = value

    events: List[Event] = []
    base_reader = reader
    for position, body in enumerate(data.get("events") or ()):
        index = event_indices[position] if event_indices is not None else position
        kind = body["kind"]
        date = reader.date(body["date"], "events", index, "date")
        if versions:
            reader = _Reader(_version_for(base_reader, versions, date, index), document)
            rulebook = reader.rulebook
        if date < rulebook.effective_from:
            raise reader.error(f"event dated {date} is before {rulebook.id} took effect on {rulebook.effective_from}",
                               "events", index, "date")
        if rulebook.effective_until and date > rulebook.effective_until:
            raise reader.error(f"event dated {date} is after {rulebook.id} ceased to apply on {rulebook.effective_until}",
                               "events", index, "date")
        if kind == "score":
            score = _score(reader, index, date, body)
            score.ref = str(body["ref"]) if body.get("ref") is not None else None
            if body.get("notice_received") is not None:
                score.notice_received = reader.date(body["notice_received"], "events", index, "notice_received")
                if score.notice_received < date:
                    raise reader.error(f"the notice of a decision dated {date} cannot be received on "
                                       f"{score.notice_received}, before it", "events", index, "notice_received")
            events.append(score)
        elif kind == "repair":
            events.append(_repair(reader, index, date, body))
        elif kind == "claim":
            events.append(ClaimEvent(index, date, bool(body.get("emergency", False))))
        elif kind == "restoration":
            restoration = RestorationEvent(index, date, bool(body.get("passed", True)))
            if body.get("applied") is not None:
                restoration.applied = reader.date(body["applied"], "events", index, "applied")
                if restoration.applied > date:
                    raise reader.error(f"an application received {restoration.applied} cannot be evaluated on "
                                       f"{date}, before it", "events", index, "applied")
            events.append(restoration)
        elif kind == "obligation":
            events.append(_obligation(reader, index, date, body))
        elif kind in ("appeal", "appeal_result"):
            events.append(_appeal_placeholder(reader, index, date, body))
        elif kind == "institution_measure":
            events.append(_institution_event(reader, index, date, body))
        if versions:
            events[-1].rulebook = rulebook
    reader = base_reader
    rulebook = base_reader.rulebook
    if any(event.kind in ("appeal", "appeal_result") for event in events):  # most cases have none
        _link_appeals(reader, events, {(event_indices[p] if event_indices is not None else p): body
                                       for p, body in enumerate(data.get("events") or ())})
    events.sort(key=lambda e: e.date)  # stable: same-day events keep file order
    return Case(data.get("rulebook"), str(person["id"]), role, as_of, parameters, events)


def _score(reader: _Reader, index: int, date: _dt.date, body: Mapping[str, Any]) -> ScoreEvent:
    rulebook = reader.rulebook
    path = ("events", index)
    if "situation" in body and "tier" in body:
        situation = _situation(reader, index, body)
        if situation.tier != body["tier"]:
            raise reader.error(f"situation {situation.code} belongs to tier {situation.tier}, not {body['tier']}",
                               *path, "tier")
    elif "situation" in body:
        situation = _situation(reader, index, body)
    elif "tier" in body:
        tier = rulebook.tiers.get(body["tier"])
        if tier is None:
            raise reader.error(f"unknown tier {body['tier']}; expected one of {', '.join(map(str, rulebook.tiers))}",
                               *path, "tier")
        if tier.catch_all is None:
            raise reader.error(f"tier {tier.tier} has no catch-all situation ('其他…的情形'); give a situation",
                               *path, "tier")
        situation = tier.catch_all
    else:
        raise reader.error("a score event needs a situation (e.g. \"18.2.1\") or a tier", *path)

    responsibility = body.get("responsibility")
    if responsibility is None and rulebook.responsibility_required:
        raise reader.error(f"missing responsibility; expected one of {', '.join(LEVELS)} "
                           f"(this rulebook scores by responsibility)", *path, "responsibility")
    # points are a number or one per level; `not int` avoids a slow typing.Mapping isinstance check
    if (responsibility is not None and situation.points is not None and not isinstance(situation.points, int)
            and responsibility not in situation.points):
        raise reader.error(f"responsibility '{responsibility}' has no points in tier {situation.tier}", *path, "responsibility")

    adjustment = body.get("adjustment")
    if adjustment is not None and adjustment not in rulebook.adjustments:
        allowed = ", ".join(rulebook.adjustments) or "none"
        raise reader.error(f"adjustment '{adjustment}' is not allowed by {rulebook.id} (allowed: {allowed}); "
                           "points are fixed by the scoring table", *path, "adjustment")

    if adjustment in ("down_tier", "up_tier"):
        target = situation.tier + (-1 if adjustment == "down_tier" else 1)
        if target not in rulebook.tiers:
            raise reader.error(f"adjustment {adjustment}: tier {situation.tier} has no tier "
                               f"{'below' if adjustment == 'down_tier' else 'above'} it "
                               f"(tiers {', '.join(map(str, rulebook.tiers))})", *path, "adjustment")
    default, low, high, rule = allowed_points(rulebook, situation, responsibility, adjustment)
    points = body.get("points")
    if points is None and default is None:
        raise reader.error(f"{rulebook.id} sets no default points for situation {situation.code}; "
                           f"give points in {low}..{high} ({rule})", *path, "points")
    if points is None:
        points = default
    elif not low <= points <= high:
        expected = f"{low}" if low == high else f"{low}..{high}"
        raise reader.error(f"{points} points are not allowed for situation {situation.code}"
                           f"{' with ' + responsibility + ' responsibility' if responsibility else ''}; "
                           f"expected {expected} ({rule})", *path, "points")
    inspection = body.get("inspection")
    behaviour = body.get("behaviour")
    months = body.get("months")
    if months is not None and not any(c.action == "suspend" for c in rulebook.consequences):
        raise reader.error(f"{rulebook.id} has no suspension whose length a case could fix", *path, "months")
    return ScoreEvent(
        index=index, date=date, situation=situation, responsibility=responsibility, points=int(points),
        adjustment=adjustment,
        # Events without an inspection or behaviour id are their own inspection / behaviour.
        inspection=str(inspection) if inspection is not None else f"#event-{index}",
        behaviour=str(behaviour) if behaviour is not None else f"#event-{index}",
        institution=body.get("institution"),
        months=months,
        where=None if months is None else reader.document.location(path + ("months",)) if reader.document.positions
        else Location(reader.document.source if reader.document.source != "<case>" else None,
                      field=format_path(path + ("months",))),
    )


def _version_for(reader: _Reader, versions: Sequence[RulebookSpec], date: _dt.date, index: int) -> RulebookSpec:
    """The version in force on ``date``; an error naming the dates when none is."""
    for version in versions:
        if version.effective_from <= date and (version.effective_until is None or date <= version.effective_until):
            return version
    first = versions[0]
    if date < first.effective_from:
        raise reader.error(f"event dated {date} is before {first.id} took effect on {first.effective_from}",
                           "events", index, "date")
    periods = ", ".join(f"{v.effective_from}..{v.effective_until or ''}" for v in versions)
    raise reader.error(f"event dated {date} falls in no effective period of {first.id} ({periods})",
                       "events", index, "date")


def _institution_event(reader: _Reader, index: int, date: _dt.date, body: Mapping[str, Any]) -> InstitutionEvent:
    institution = reader.rulebook.institution_measures
    measure = body["measure"]
    if institution is None:
        raise reader.error(f"{reader.rulebook.id} writes no rule on measures against the institution",
                           "events", index, "kind")
    if measure not in institution.measures:
        raise reader.error(f"unknown institution measure '{measure}'; {reader.rulebook.id} has "
                           f"{', '.join(institution.measures)}" + did_you_mean(measure, institution.measures),
                           "events", index, "measure")
    until = reader.date(body["until"], "events", index, "until") if body.get("until") else None
    if until is None and body["responsible"] and any(
            rule.measure == measure and rule.action == "suspend" and rule.term == "institution"
            for rule in institution.rules):
        raise reader.error(f"measure '{measure}' suspends a responsible person for the institution's term: "
                           "give 'until' (the last day of the institution's suspension)", "events", index)
    if until is not None and until < date:
        raise reader.error(f"until {until} is before the measure's date {date}", "events", index, "until")
    return InstitutionEvent(index, date, measure, bool(body["responsible"]), until, body.get("institution"))


def allowed_points(rulebook: RulebookSpec, situation: Situation, responsibility: Optional[str],
                   adjustment: Optional[str]) -> Tuple[int, int, int, str]:
    """The default points of a score and the range a case may give: (default, low, high, why)."""
    def level_points(points, tier_range) -> Optional[int]:
        if points is None:
            return None  # the rulebook sets only a range: the case gives the points
        if not isinstance(points, int):  # one value per responsibility level
            return points[responsibility] if responsibility in points else tier_range[0]
        return points

    default = level_points(situation.points, situation.range)
    article = situation.legal.article
    if adjustment in ("down_tier", "up_tier"):
        other = rulebook.tiers.get(situation.tier + (-1 if adjustment == "down_tier" else 1))
        if other is None:
            low, high = (0, 0) if adjustment == "down_tier" else situation.range
            return (low if adjustment == "down_tier" else default, low, high, f"{adjustment}: no adjacent tier")
        return level_points(other.points, other.range), other.range[0], other.range[1], f"{adjustment} to tier {other.tier}"
    # Fixed points still allow 从轻/从重 within the tier where the rulebook lists those adjustments.
    if rulebook.discretion_points == "fixed" and adjustment not in ("lighter", "heavier"):
        return default, default, default, f"{article}: fixed points"
    low, high = situation.range
    if adjustment == "lighter":
        return low, low, default, f"{article}: lighter, within the tier below the default"
    if adjustment == "heavier":
        return high, default, high, f"{article}: heavier, within the tier above the default"
    return default, low, high, f"{article}: within the tier"


def _situation(reader: _Reader, index: int, body: Mapping[str, Any]) -> Situation:
    code = str(body["situation"])
    situation = reader.rulebook.situations.get(code)
    if situation is None:
        codes = list(reader.rulebook.situations)
        shown = ", ".join(codes) if len(codes) <= 20 else ", ".join(codes[:20]) + ", …"
        raise reader.error(f"unknown situation '{code}'; expected one of {shown}" + did_you_mean(code, codes),
                           "events", index, "situation")
    return situation


def _repair(reader: _Reader, index: int, date: _dt.date, body: Mapping[str, Any]) -> RepairEvent:
    repair = reader.rulebook.repair
    way_id = body["way"]
    if repair is None:
        raise reader.error(f"{reader.rulebook.id} defines no repair", "events", index, "way")
    way = repair.ways.get(way_id)
    if way is None:
        raise reader.error(f"unknown repair way '{way_id}'; {reader.rulebook.id} has {', '.join(repair.ways)}"
                           + did_you_mean(way_id, repair.ways), "events", index, "way")
    values: Dict[str, Any] = {}
    for name, spec in way.inputs.items():
        value = body.get(name)
        if value is None:
            if spec.required:
                raise reader.error(f"repair way '{way_id}' needs '{name}'", "events", index, name)
            continue
        if spec.type == "boolean":
            if not isinstance(value, bool):
                raise reader.error(f"'{name}' must be true or false, got {value!r}", "events", index, name)
            values[name] = value
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise reader.error(f"'{name}' must be a number, got {value!r}", "events", index, name)
        if spec.type == "integer" and int(value) != value:
            raise reader.error(f"'{name}' must be a whole number, got {value}", "events", index, name)
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise reader.error(f"'{name}' {value} is outside {spec.minimum}..{spec.maximum}", "events", index, name)
        values[name] = value
    for name in ("score", "points", "verified", "rewarded"):
        if name in body and name not in way.inputs:
            raise reader.error(f"repair way '{way_id}' takes no '{name}'", "events", index, name)
    inputs = {name: values.get(name, False if spec.type == "boolean" else 0) for name, spec in way.inputs.items()}
    return RepairEvent(index, date, way, float(values.get("score", 0) or 0), float(values.get("points", 0) or 0),
                       inputs=inputs)


def _obligation(reader: _Reader, index: int, date: _dt.date, body: Mapping[str, Any]) -> ObligationEvent:
    obligations = reader.rulebook.obligations
    name = body.get("obligation")
    if not obligations:
        raise reader.error(f"{reader.rulebook.id} defines no obligations", "events", index, "obligation")
    if name not in obligations:
        raise reader.error(f"unknown obligation '{name}'; {reader.rulebook.id} has {', '.join(obligations)}"
                           + did_you_mean(str(name), obligations), "events", index, "obligation")
    return ObligationEvent(index, date, obligations[name], bool(body.get("passed", True)))


# -- appeals: an appeal names a score event, a result names an appeal ----------------------------------


def _appeal_placeholder(reader: _Reader, index: int, date: _dt.date, body: Mapping[str, Any]) -> Event:
    """An appeal or appeal result whose references are resolved by :func:`_link_appeals`."""
    if body["kind"] == "appeal":
        received = body.get("notice_received")
        received_date = reader.date(received, "events", index, "notice_received") if received is not None else None
        return AppealEvent(index, date, -1, received_date)
    return AppealResultEvent(index, date, int(body["appeal"]), body["outcome"], None)


def _link_appeals(reader: _Reader, events: List[Event], bodies: Mapping[int, Any]) -> None:
    """Resolve ``contests`` and ``appeal`` references and build amended scores.

    ``bodies`` maps each event's index (as the user wrote the case) to its raw body.
    """
    by_index = {event.index: event for event in events}
    refs = {event.ref: event.index for event in events if isinstance(event, ScoreEvent) and event.ref}
    results_of: Dict[int, int] = {}
    for event in events:
        body = bodies[event.index]
        if isinstance(event, AppealEvent):
            target = body["contests"]
            if isinstance(target, str) and not target.isdigit():
                if target not in refs:
                    raise reader.error(f"no score event has ref '{target}'"
                                       + (f"; refs: {', '.join(refs)}" if refs else "; give the score event's index")
                                       + did_you_mean(target, refs), "events", event.index, "contests")
                target = refs[target]
            target = int(target)
            contested = by_index.get(target)
            if not isinstance(contested, ScoreEvent):
                raise reader.error(f"events[{target}] is not a score event: an appeal contests a scoring decision",
                                   "events", event.index, "contests")
            if event.date < contested.date:
                raise reader.error(f"an appeal filed {event.date} cannot contest a decision dated {contested.date}",
                                   "events", event.index, "date")
            notice = event.notice_received or contested.notice_received
            if notice is not None and event.notice_received is not None and event.notice_received < contested.date:
                raise reader.error(f"the notice of a decision dated {contested.date} cannot be received on "
                                   f"{event.notice_received}, before it", "events", event.index, "notice_received")
            event.contests = target
    for event in events:
        if not isinstance(event, AppealResultEvent):
            continue
        body = bodies[event.index]
        appeal = by_index.get(event.appeal)
        if not isinstance(appeal, AppealEvent):
            raise reader.error(f"events[{event.appeal}] is not an appeal", "events", event.index, "appeal")
        if event.date < appeal.date:
            raise reader.error(f"the result of an appeal filed {appeal.date} cannot be dated {event.date}",
                               "events", event.index, "date")
        if event.appeal in results_of:
            raise reader.error(f"appeal events[{event.appeal}] already has a result (events[{results_of[event.appeal]}])",
                               "events", event.index, "appeal")
        results_of[event.appeal] = event.index
        changes = {k: body[k] for k in ("points", "situation", "tier", "responsibility", "adjustment") if k in body}
        if event.outcome == "amended" and not changes:
            raise reader.error("an amended result needs the new points, situation, tier, responsibility or adjustment",
                               "events", event.index, "outcome")
        if event.outcome != "amended" and changes:
            raise reader.error(f"a result '{event.outcome}' changes nothing; drop {', '.join(changes)} or use 'amended'",
                               "events", event.index, next(iter(changes)))
        if event.outcome == "amended":
            contested = by_index[appeal.contests]
            original = dict(bodies[contested.index])
            if "situation" in changes or "tier" in changes:  # a new situation replaces both
                original.pop("situation", None)
                original.pop("tier", None)
            if "points" not in changes:
                original.pop("points", None)  # new situation/responsibility: its own table points
            original.setdefault("inspection", contested.inspection)
            original.setdefault("behaviour", contested.behaviour)
            amended = _score(reader, event.index, contested.date, {**original, **changes})
            amended.index = contested.index
            amended.ref = contested.ref
            amended.notice_received = contested.notice_received
            amended.amended_by = event.index
            amended.original_points = contested.points
            event.amended = amended
