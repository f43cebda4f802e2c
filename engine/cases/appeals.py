"""Appeals in a case: an ``appeal`` names the score it contests, an ``appeal_result`` names its appeal.

The reader first makes the events with unresolved references; :func:`link_appeals` then resolves
``contests`` (an event index, or a score's ``ref``) and ``appeal``, checks their dates, and builds the
amended score of an ``amended`` result (checked against the scoring table like any score).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Protocol

from engine.cases.document import CaseDocument
from engine.cases.events import AppealEvent, AppealResultEvent, Event, ScoreEvent
from engine.spec.rulebook import RulebookSpec

#: The events whose references :func:`link_appeals` resolves.
AppealPlaceholder = (AppealEvent, AppealResultEvent)

#: What an amended result may change on the contested score.
AMENDABLE = ("points", "situation", "tier", "responsibility", "adjustment")


class ScoreReader(Protocol):
    """What linking needs of the person reader: its document, the version to read with, and scores."""

    document: CaseDocument
    rulebook: RulebookSpec

    def score(self, index: int, date: Any, body: Mapping[str, Any]) -> ScoreEvent: ...


def _contested(reader: ScoreReader, event: AppealEvent, body: Mapping[str, Any], by_index: Dict[int, Event],
               refs: Dict[str, int]) -> ScoreEvent:
    document = reader.document
    target = body["contests"]
    if isinstance(target, str) and not target.isdigit():
        if target not in refs:
            listing = f"; refs: {', '.join(refs)}" if refs else "; give the score event's index"
            raise document.unknown(f"no score event has ref '{target}'{listing}", target, refs,
                                   "events", event.index, "contests")
        target = refs[target]
    contested = by_index.get(int(target))
    if not isinstance(contested, ScoreEvent):
        raise document.error(f"events[{target}] is not a score event: an appeal contests a scoring decision",
                             "events", event.index, "contests")
    if event.date < contested.date:
        raise document.error(f"an appeal filed {event.date} cannot contest a decision dated {contested.date}",
                             "events", event.index, "date")
    if event.notice_received is not None and event.notice_received < contested.date:
        raise document.error(f"the notice of a decision dated {contested.date} cannot be received on "
                             f"{event.notice_received}, before it", "events", event.index, "notice_received")
    return contested


def link_appeals(reader: ScoreReader, events: List[Event], bodies: Mapping[int, Mapping[str, Any]]) -> None:
    """Resolve ``contests`` and ``appeal`` references and build amended scores.

    ``bodies`` maps each event's index (as the user wrote the case) to its raw body.
    """
    document = reader.document
    by_index = {event.index: event for event in events}
    refs = {event.ref: event.index for event in events if isinstance(event, ScoreEvent) and event.ref}
    for event in events:
        if isinstance(event, AppealEvent):
            event.contests = _contested(reader, event, bodies[event.index], by_index, refs).index
    results_of: Dict[int, int] = {}
    for event in events:
        if not isinstance(event, AppealResultEvent):
            continue
        body = bodies[event.index]
        appeal = by_index.get(event.appeal)
        if not isinstance(appeal, AppealEvent):
            raise document.error(f"events[{event.appeal}] is not an appeal", "events", event.index, "appeal")
        if event.date < appeal.date:
            raise document.error(f"the result of an appeal filed {appeal.date} cannot be dated {event.date}",
                                 "events", event.index, "date")
        if event.appeal in results_of:
            raise document.error(f"appeal events[{event.appeal}] already has a result "
                                 f"(events[{results_of[event.appeal]}])", "events", event.index, "appeal")
        results_of[event.appeal] = event.index
        changes = {k: body[k] for k in AMENDABLE if k in body}
        if event.outcome == "amended" and not changes:
            raise document.error("an amended result needs the new points, situation, tier, responsibility or "
                                 "adjustment", "events", event.index, "outcome")
        if event.outcome != "amended" and changes:
            raise document.error(f"a result '{event.outcome}' changes nothing; drop {', '.join(changes)} or use "
                                 "'amended'", "events", event.index, next(iter(changes)))
        if event.outcome == "amended":
            contested = by_index[appeal.contests]
            assert isinstance(contested, ScoreEvent)
            event.amended = _amended(reader, event, contested, bodies[contested.index], changes)


def _amended(reader: ScoreReader, result: AppealResultEvent, contested: ScoreEvent,
             original_body: Mapping[str, Any], changes: Mapping[str, Any]) -> ScoreEvent:
    """The contested score as the result amends it, on the contested score's date and version."""
    original = dict(original_body)
    if "situation" in changes or "tier" in changes:  # a new situation replaces both
        original.pop("situation", None)
        original.pop("tier", None)
    if "points" not in changes:
        original.pop("points", None)  # new situation/responsibility: its own table points
    original.setdefault("inspection", contested.inspection)
    original.setdefault("behaviour", contested.behaviour)
    base = reader.rulebook
    if contested.rulebook is not None:
        reader.rulebook = contested.rulebook
    try:
        amended = reader.score(result.index, contested.date, {**original, **changes})
    finally:
        reader.rulebook = base
    amended.index = contested.index
    amended.ref = contested.ref
    amended.notice_received = contested.notice_received
    amended.amended_by = result.index
    amended.original_points = contested.points
    amended.rulebook = contested.rulebook
    return amended
