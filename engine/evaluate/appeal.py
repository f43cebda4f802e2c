"""The appeal events of a ledger, as the run meets them: their records come from the plan made before
the run (engine/evaluate/appeals.py); here they join the result and the trace in date order."""

from __future__ import annotations

from engine.cases.events import AppealEvent, AppealResultEvent
from engine.evaluate.state import PersonState


def handle_appeal(state: PersonState, event: AppealEvent) -> None:
    record = state.appeal_plan.records.get(event.index)
    if record is None:
        return
    state.appeals.append(record)
    if state.trace.enabled:
        state.trace.add("appeal", event.index, "appeal", record.article,
                        f"appeal against the decision of events[{record.contests}] ({record.decision_date}): "
                        f"{record.reason}"
                        + (f"; verification due by {record.verification_due} ({record.verification_article})"
                           if record.verification_due else ""))


def handle_appeal_result(state: PersonState, event: AppealResultEvent) -> None:
    record = state.appeal_plan.records.get(event.appeal)
    if record is None or record.result is None:
        return
    outcome = record.result
    detail = f"appeal result for events[{event.appeal}]: {outcome.reason}"
    if outcome.verification_late:
        detail += (f"; the verification concluded after its deadline {record.verification_due} "
                   f"({record.verification_article}) — the result still stands")
    rule = state.rulebook.deadlines.get("verification")
    state.trace.add("appeal", event.index, "appeal_result", rule.legal.article if rule else record.article, detail)
