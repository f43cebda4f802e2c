"""The status row of one person's result: the state on ``as_of``, since when and until when, and the
decision behind it — what a settlement system loads (``yibao batch --status-table``, ``POST
/v1/status``, the status table of ``yibao population``).

``from`` is the first day of that state (a suspension whose term is over and that awaits a
restoration counts from the start of its term; null: since always); ``until`` is the last day of a
running suspension term (null when it awaits a restoration), the last day of the re-registration ban
of a termination, or the day before a later change for ``normal`` (null: open); ``rule`` and
``article`` name the decision behind a suspension or termination (null for ``normal``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

_ACTION_STATE = {"suspend": "suspended", "terminate": "terminated"}


def status_fields(one: Mapping[str, Any]) -> Dict[str, Any]:
    """``state``, ``from``, ``until``, ``rule`` and ``article`` of one person's result (JSON form)."""
    status = one["status"]
    timeline = list(one.get("timeline") or [])
    at = _covering(timeline, status["as_of"])
    period = timeline[at] if at is not None else None
    first = at
    while first and timeline[first - 1].get("state") == status["state"]:
        first -= 1  # a term then awaiting restoration: one suspension since the term began
    start = timeline[first] if first is not None else None
    cause = (_cause(one, period) or _cause(one, start)) if status["state"] != "normal" else None
    until = status.get("until") if status["state"] == "terminated" else (period or {}).get("until")
    return {"state": status["state"], "from": start.get("from") if start else None, "until": until,
            "rule": (cause.get("rules") or [None])[0] if cause else None,
            "article": ((period or {}).get("article") or (start or {}).get("article") or _last_article(cause))
            if status["state"] != "normal" else None}


def _covering(timeline: List[Mapping[str, Any]], day: str) -> Optional[int]:
    """The index of the timeline period covering ``day`` (ISO dates compare as text)."""
    for index, period in enumerate(timeline):
        if (period.get("from") is None or period["from"] <= day) and (period.get("until") is None or day <= period["until"]):
            return index
    return None


def _cause(one: Mapping[str, Any], period: Optional[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """The decision (score, obligation or institution measure) behind a suspended or terminated period."""
    if not period:
        return None
    state = period.get("state")
    wanted = [action for action, name in _ACTION_STATE.items() if name == state]
    decisions = one.get("decisions") or []
    index = period.get("decision")
    if isinstance(index, int) and 0 <= index < len(decisions) and decisions[index].get("action") in wanted:
        return decisions[index]
    records = list(decisions) + list(one.get("obligations") or []) + list(one.get("institution_measures") or [])
    if isinstance(index, int):  # obligations name their event
        for record in one.get("obligations") or []:
            if record.get("event") == index and record.get("action") in wanted:
                return record
    same_day = [r for r in records if r.get("action") in wanted and r.get("from") == period.get("from")]
    if same_day:
        return same_day[-1]
    earlier = [r for r in records if r.get("action") in wanted and (r.get("from") or "") <= (period.get("from") or "")]
    return earlier[-1] if earlier else None


def _last_article(record: Optional[Mapping[str, Any]]) -> Optional[str]:
    articles = (record or {}).get("articles") or []
    return articles[-1] if articles else None


__all__ = ["status_fields"]
