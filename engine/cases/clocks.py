"""The dates of a case that working-day clocks run from, read and checked in order.

A score event may give, besides its own date (the decision, 第十八条 记分时点): ``decision_received``
(the day the agency received a 行政处罚决定书), ``notice_issued`` (the day it issued the 处理通知书) and
``notice_received`` (the day the institution received it) — 辽宁 第二十六、二十七条 run their clocks from
them. An appeal may say which exceptions of the text apply to its clocks (辽宁 第三十三条
``expert_assessment``); each must be one the rulebook writes.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Protocol, Tuple

from engine.cases.document import CaseDocument
from engine.cases.events import ScoreEvent
from engine.spec.rulebook import RulebookSpec

#: The clocks an appeal runs (its own timeliness, and the verification of it).
APPEAL_CLOCKS = ("appeal", "verification")


class DateReader(Protocol):
    """What the readers here need of the person reader."""

    document: CaseDocument
    rulebook: RulebookSpec

    def date(self, value: Any, *path: Any) -> _dt.date: ...


def read_notice_dates(reader: DateReader, event: ScoreEvent, body: Mapping[str, Any], path: Tuple[Any, ...]) -> None:
    """``decision_received`` and ``notice_issued`` of a score event: neither before the decision, and the
    notice neither issued before the penalty decision reached the agency nor received before it was issued."""
    document = reader.document
    if body.get("decision_received") is not None:
        event.decision_received = reader.date(body["decision_received"], *path, "decision_received")
        if event.decision_received < event.date:
            raise document.error(f"a decision dated {event.date} cannot reach the agency on "
                                 f"{event.decision_received}, before it", *path, "decision_received")
    if body.get("notice_issued") is None:
        return
    issued = event.notice_issued = reader.date(body["notice_issued"], *path, "notice_issued")
    earliest = event.decision_received or event.date
    if issued < earliest:
        raise document.error(f"the notice of a decision dated {earliest} cannot be issued on {issued}, before it",
                             *path, "notice_issued")
    if event.notice_received is not None and event.notice_received < issued:
        raise document.error(f"a notice issued {issued} cannot be received on {event.notice_received}, before it",
                             *path, "notice_received")


def appeal_exceptions(reader: DateReader, index: int, body: Mapping[str, Any]) -> Tuple[str, ...]:
    """The ``exceptions`` of an appeal event, each one the rulebook writes for an appeal clock."""
    names = tuple(str(name) for name in body.get("exceptions") or ())
    rulebook = reader.rulebook
    known = [name for kind in APPEAL_CLOCKS if kind in rulebook.deadlines
             for name in rulebook.deadlines[kind].exceptions]
    for position, name in enumerate(names):
        if name not in known:
            listing = ", ".join(known) if known else "none"
            raise reader.document.unknown(f"'{name}' is not an exception of {rulebook.id}'s appeal clocks "
                                          f"({', '.join(APPEAL_CLOCKS)}); it writes: {listing}", name, known,
                                          "events", index, "exceptions", position)
    return names
