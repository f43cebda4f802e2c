"""Read one person's case: the contract first (``schemas/case.schema.json``), then the content against
the rulebook — situations, responsibility, points, repair ways, obligations, measures, roles, dates.

Every error names the event index and field and, when the case came from a file, its line and
column. The result is a :class:`~engine.cases.events.Case` whose events are sorted by date (stable:
same-day events keep their order in the file). With several versions of the rulebook, each event is
read against the version in force on its date and carries it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.base.documents import Mark
from engine.cases.appeals import AppealPlaceholder, link_appeals
from engine.cases.document import CaseDocument, chosen_readings, check_rulebook_id, effective_readings, open_case
from engine.cases.events import (AppealEvent, AppealResultEvent, Case, ClaimEvent, Event, InstitutionEvent,
                                 ObligationEvent, RepairEvent, RestorationEvent, ScoreEvent)
from engine.cases.points import allowed_points
from engine.spec.rulebook import RulebookSpec
from engine.spec.scoring import Situation
from engine.spec.vocabulary import LEVELS

SHAPE = "a case must be a mapping with rulebook, as_of, person and events"


class PersonReader:
    """Reads the events of one case against one rulebook version at a time."""

    def __init__(self, document: CaseDocument, rulebook: RulebookSpec):
        self.document = document
        self.rulebook = rulebook

    def error(self, message: str, *path: Any):
        return self.document.error(message, *path)

    def date(self, value: Any, *path: Any) -> _dt.date:
        return self.document.date(value, *path)

    # -- score ----------------------------------------------------------------------------------
    def situation(self, index: int, body: Mapping[str, Any]) -> Situation:
        rulebook = self.rulebook
        path = ("events", index)
        if "situation" in body:
            code = str(body["situation"])
            situation = rulebook.situations.get(code)
            if situation is None:
                codes = list(rulebook.situations)
                shown = ", ".join(codes) if len(codes) <= 20 else ", ".join(codes[:20]) + ", …"
                raise self.document.unknown(f"unknown situation '{code}'; expected one of {shown}", code, codes,
                                            *path, "situation")
            if "tier" in body and situation.tier != body["tier"]:
                raise self.error(f"situation {situation.code} belongs to tier {situation.tier}, not {body['tier']}",
                                 *path, "tier")
            return situation
        if "tier" in body:
            tier = rulebook.tiers.get(body["tier"])
            if tier is None:
                raise self.error(f"unknown tier {body['tier']}; expected one of "
                                 f"{', '.join(map(str, rulebook.tiers))}", *path, "tier")
            if tier.catch_all is None:
                raise self.error(f"tier {tier.tier} has no catch-all situation ('其他…的情形'); give a situation",
                                 *path, "tier")
            return tier.catch_all
        raise self.error("a score event needs a situation (e.g. \"18.2.1\") or a tier", *path)

    def score(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> ScoreEvent:
        rulebook = self.rulebook
        path = ("events", index)
        situation = self.situation(index, body)
        responsibility = body.get("responsibility")
        if responsibility is None and rulebook.responsibility_required:
            raise self.error(f"missing responsibility; expected one of {', '.join(LEVELS)} "
                             f"(this rulebook scores by responsibility)", *path, "responsibility")
        # points are a number or one per level; `not int` avoids a slow typing.Mapping isinstance check
        if (responsibility is not None and situation.points is not None and not isinstance(situation.points, int)
                and responsibility not in situation.points):
            raise self.error(f"responsibility '{responsibility}' has no points in tier {situation.tier}",
                             *path, "responsibility")
        adjustment = body.get("adjustment")
        if adjustment is not None and adjustment not in rulebook.adjustments:
            allowed = ", ".join(rulebook.adjustments) or "none"
            raise self.error(f"adjustment '{adjustment}' is not allowed by {rulebook.id} (allowed: {allowed}); "
                             "points are fixed by the scoring table", *path, "adjustment")
        if adjustment in ("down_tier", "up_tier"):
            target = situation.tier + (-1 if adjustment == "down_tier" else 1)
            if target not in rulebook.tiers:
                raise self.error(f"adjustment {adjustment}: tier {situation.tier} has no tier "
                                 f"{'below' if adjustment == 'down_tier' else 'above'} it "
                                 f"(tiers {', '.join(map(str, rulebook.tiers))})", *path, "adjustment")
        default, low, high, rule = allowed_points(rulebook, situation, responsibility, adjustment)
        points = body.get("points")
        if points is None and default is None:
            raise self.error(f"{rulebook.id} sets no default points for situation {situation.code}; "
                             f"give points in {low}..{high} ({rule})", *path, "points")
        if points is None:
            points = default
        elif not low <= points <= high:
            expected = f"{low}" if low == high else f"{low}..{high}"
            raise self.error(f"{points} points are not allowed for situation {situation.code}"
                             f"{' with ' + responsibility + ' responsibility' if responsibility else ''}; "
                             f"expected {expected} ({rule})", *path, "points")
        months = body.get("months")
        if months is not None and not any(c.action == "suspend" for c in rulebook.consequences):
            raise self.error(f"{rulebook.id} has no suspension whose length a case could fix", *path, "months")
        inspection, behaviour = body.get("inspection"), body.get("behaviour")
        event = ScoreEvent(
            index=index, date=date, situation=situation, responsibility=responsibility, points=int(points),
            adjustment=adjustment,
            # Events without an inspection or behaviour id are their own inspection / behaviour.
            inspection=str(inspection) if inspection is not None else f"#event-{index}",
            behaviour=str(behaviour) if behaviour is not None else f"#event-{index}",
            institution=body.get("institution"),
            months=months,
            where=None if months is None else self.document.at(*path, "months"),
        )
        event.ref = str(body["ref"]) if body.get("ref") is not None else None
        if body.get("notice_received") is not None:
            event.notice_received = self.date(body["notice_received"], *path, "notice_received")
            if event.notice_received < date:
                raise self.error(f"the notice of a decision dated {date} cannot be received on "
                                 f"{event.notice_received}, before it", *path, "notice_received")
        return event

    # -- the other kinds ------------------------------------------------------------------------------
    def repair(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> RepairEvent:
        repair = self.rulebook.repair
        way_id = body["way"]
        if repair is None:
            raise self.error(f"{self.rulebook.id} defines no repair", "events", index, "way")
        way = repair.ways.get(way_id)
        if way is None:
            raise self.document.unknown(f"unknown repair way '{way_id}'; {self.rulebook.id} has "
                                        f"{', '.join(repair.ways)}", way_id, repair.ways, "events", index, "way")
        values: Dict[str, Any] = {}
        for name, spec in way.inputs.items():
            value = body.get(name)
            if value is None:
                if spec.required:
                    raise self.error(f"repair way '{way_id}' needs '{name}'", "events", index, name)
                continue
            if spec.type == "boolean":
                if not isinstance(value, bool):
                    raise self.error(f"'{name}' must be true or false, got {value!r}", "events", index, name)
                values[name] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(f"'{name}' must be a number, got {value!r}", "events", index, name)
            if spec.type == "integer" and int(value) != value:
                raise self.error(f"'{name}' must be a whole number, got {value}", "events", index, name)
            if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
                raise self.error(f"'{name}' {value} is outside {spec.minimum}..{spec.maximum}", "events", index, name)
            values[name] = value
        for name in ("score", "points", "verified", "rewarded"):
            if name in body and name not in way.inputs:
                raise self.error(f"repair way '{way_id}' takes no '{name}'", "events", index, name)
        inputs = {name: values.get(name, False if spec.type == "boolean" else 0) for name, spec in way.inputs.items()}
        return RepairEvent(index, date, way, float(values.get("score", 0) or 0), float(values.get("points", 0) or 0),
                           inputs=inputs)

    def restoration(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> RestorationEvent:
        event = RestorationEvent(index, date, bool(body.get("passed", True)))
        if body.get("applied") is not None:
            event.applied = self.date(body["applied"], "events", index, "applied")
            if event.applied > date:
                raise self.error(f"an application received {event.applied} cannot be evaluated on "
                                 f"{date}, before it", "events", index, "applied")
        return event

    def obligation(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> ObligationEvent:
        obligations = self.rulebook.obligations
        name = body.get("obligation")
        if not obligations:
            raise self.error(f"{self.rulebook.id} defines no obligations", "events", index, "obligation")
        if name not in obligations:
            raise self.document.unknown(f"unknown obligation '{name}'; {self.rulebook.id} has "
                                        f"{', '.join(obligations)}", name, obligations, "events", index, "obligation")
        return ObligationEvent(index, date, obligations[name], bool(body.get("passed", True)))

    def institution_measure(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> InstitutionEvent:
        institution = self.rulebook.institution_measures
        measure = body["measure"]
        if institution is None:
            raise self.error(f"{self.rulebook.id} writes no rule on measures against the institution",
                             "events", index, "kind")
        if measure not in institution.measures:
            raise self.document.unknown(f"unknown institution measure '{measure}'; {self.rulebook.id} has "
                                        f"{', '.join(institution.measures)}", measure, institution.measures,
                                        "events", index, "measure")
        until = self.date(body["until"], "events", index, "until") if body.get("until") else None
        if until is None and body["responsible"] and any(
                rule.measure == measure and rule.action == "suspend" and rule.term == "institution"
                for rule in institution.rules):
            raise self.error(f"measure '{measure}' suspends a responsible person for the institution's term: "
                             "give 'until' (the last day of the institution's suspension)", "events", index)
        if until is not None and until < date:
            raise self.error(f"until {until} is before the measure's date {date}", "events", index, "until")
        return InstitutionEvent(index, date, measure, bool(body["responsible"]), until, body.get("institution"))

    def event(self, index: int, date: _dt.date, body: Mapping[str, Any]) -> Event:
        kind = body["kind"]
        if kind == "score":
            return self.score(index, date, body)
        if kind == "repair":
            return self.repair(index, date, body)
        if kind == "claim":
            return ClaimEvent(index, date, bool(body.get("emergency", False)))
        if kind == "restoration":
            return self.restoration(index, date, body)
        if kind == "obligation":
            return self.obligation(index, date, body)
        if kind == "appeal":
            received = body.get("notice_received")
            return AppealEvent(index, date, -1,
                               self.date(received, "events", index, "notice_received") if received is not None else None)
        if kind == "appeal_result":
            return AppealResultEvent(index, date, int(body["appeal"]), body["outcome"], None)
        return self.institution_measure(index, date, body)


def version_on(document: CaseDocument, versions: Sequence[RulebookSpec], date: _dt.date, index: int) -> RulebookSpec:
    """The version in force on ``date``; an error naming the effective periods when none is."""
    for version in versions:
        if version.in_force(date):
            return version
    first = versions[0]
    if date < first.effective_from:
        raise document.error(f"event dated {date} is before {first.id} took effect on {first.effective_from}",
                             "events", index, "date")
    periods = ", ".join(f"{v.effective_from}..{v.effective_until or ''}" for v in versions)
    raise document.error(f"event dated {date} falls in no effective period of {first.id} ({periods})",
                         "events", index, "date")


def read_person_case(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
                     positions: Optional[Dict[Tuple, Mark]] = None,
                     versions: Sequence[RulebookSpec] = (),
                     event_indices: Optional[Sequence[int]] = None) -> Case:
    """Validate ``case`` against the contract and ``rulebook``; return the typed, sorted case.

    ``versions`` (every version of the rulebook id, by effective period, when it has several): each
    event is read against the version in force on its date and carries it (``event.rulebook``).
    ``event_indices`` gives each event its index in an enclosing case it was taken from (one person's
    events of a multi-person case), so that decisions and errors name the event as the user wrote it.
    """
    document = open_case(case, "case", source=source, positions=positions, shape=SHAPE)
    data = document.data
    check_rulebook_id(document, rulebook.id)
    as_of = document.date(data["as_of"], "as_of")
    person = data["person"]
    role = person["role"]
    if role not in rulebook.roles:
        raise document.unknown(f"role '{role}' is not in the scope of {rulebook.id} "
                               f"({rulebook.scope_legal.article if rulebook.scope_legal else 'scope'}); "
                               f"expected one of {', '.join(rulebook.roles)}", role, rulebook.roles, "person", "role")
    chosen = chosen_readings(document, [v.parameters for v in versions] or [rulebook.parameters])
    reader = PersonReader(document, rulebook)
    events: List[Event] = []
    bodies = data.get("events") or ()
    for position, body in enumerate(bodies):
        index = event_indices[position] if event_indices is not None else position
        date = document.date(body["date"], "events", index, "date")
        version = version_on(document, versions, date, index) if versions else rulebook
        reader.rulebook = version
        if date < version.effective_from:
            raise document.error(f"event dated {date} is before {version.id} took effect on {version.effective_from}",
                                 "events", index, "date")
        if version.effective_until and date > version.effective_until:
            raise document.error(f"event dated {date} is after {version.id} ceased to apply on "
                                 f"{version.effective_until}", "events", index, "date")
        event = reader.event(index, date, body)
        if versions:
            event.rulebook = version
        events.append(event)
    if any(isinstance(event, AppealPlaceholder) for event in events):  # most cases have none
        reader.rulebook = rulebook
        link_appeals(reader, events, {(event_indices[p] if event_indices is not None else p): body
                                      for p, body in enumerate(bodies)})
    events.sort(key=lambda e: e.date)  # stable: same-day events keep file order
    return Case(data.get("rulebook"), str(person["id"]), role, as_of,
                effective_readings(rulebook.parameters, chosen), events, chosen)
