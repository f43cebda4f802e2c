"""A claim: would the fees of a service on this day be settled, given the status on that day?"""

from __future__ import annotations

from engine.cases.events import ClaimEvent
from engine.evaluate.records import ClaimRecord
from engine.evaluate.state import PersonState
from engine.spec.names import SETTLEMENT


def handle_claim(state: PersonState, event: ClaimEvent) -> None:
    status = state.state_now
    term = state.term
    env = SETTLEMENT.bind(state.base_env, {"state": status, "emergency": event.emergency, "date": event.date,
                                           "until": term.until if term else None})
    for rule in state.rulebook.settlement:
        if rule.when(env):
            settled = bool(rule.settled(env))
            reason = (f"status {status}" + (", emergency" if event.emergency else "") +
                      f": {'settled' if settled else 'not settled'} ({rule.legal.article})")
            state.claims.append(ClaimRecord(event.index, event.date, event.emergency, settled, status,
                                            rule.legal.article, rule.id, reason))
            state.trace.add("claim", event.index, rule.id, rule.legal.article, reason)
            return
    # No rule of the rulebook covers this status: only a normal status is settled, and the record says
    # that no article decided it.
    state.claims.append(ClaimRecord(event.index, event.date, event.emergency, status == "normal", status, None, None,
                                    f"no settlement rule in {state.rulebook.id} covers status {status}"))
    state.trace.add("claim", event.index, None, None, f"no settlement rule covers status {status}")
