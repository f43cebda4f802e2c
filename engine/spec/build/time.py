"""The ``calendar`` and ``deadlines`` sections: working days and the time limits of the document."""

from __future__ import annotations

import datetime as _dt
from engine.base.frozen import FrozenDict
from typing import Dict, Mapping

from engine.base.calendar import RulebookCalendar, WorkCalendar
from engine.errors import CalendarError
from engine.spec.build.context import BuildContext
from engine.spec.names import DEADLINE
from engine.spec.time import Deadline


def calendar(ctx: BuildContext) -> RulebookCalendar:
    """The rulebook's calendar (defaults without a ``calendar`` section)."""
    body = ctx.data.get("calendar") or {}
    overrides: Dict[_dt.date, str] = {}
    for key, kind in (body.get("overrides") or {}).items():
        day = ctx.date(key, "calendar", "overrides", key)
        if day is not None:
            overrides[day] = kind
    try:
        work = WorkCalendar(overrides, complete_years=body.get("complete_years") or (), years=body.get("years"))
    except CalendarError as error:
        ctx.fail(error.message, "calendar", "overrides")
        work = WorkCalendar()
    return RulebookCalendar(work, body.get("count_from", "next_day"), body.get("period_end", "next_workday"))


def deadlines(ctx: BuildContext) -> Mapping[str, Deadline]:
    result: Dict[str, Deadline] = {}
    for kind, body in (ctx.data.get("deadlines") or {}).items():
        path = ("deadlines", kind)
        expression = ctx.expression(body["deadline"], DEADLINE, "date", *path, "deadline")
        if expression is not None:
            result[kind] = Deadline(kind, ctx.legal(body), body.get("label"), body["from"], expression,
                                    body.get("bound", "latest"), body.get("actor"), ctx.where(*path))
    return FrozenDict(result)
