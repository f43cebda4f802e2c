"""A claim: would the fees of a service on this day be settled, given the status on that day?

The settlement rules read the status and what decided each term in force (``causes``), so that a
rulebook can tell a lost licence (内蒙古 第十二条, 辽宁 第十六条: 不予结算, no 急诊 exception) from a
termination for points. A status no rule covers is not decided by a default: it is an error.
"""

from __future__ import annotations

from engine.cases.events import ClaimEvent
from engine.errors import NotSupported
from engine.evaluate.records import UNSET, ClaimRecord
from engine.evaluate.state import PersonState
from engine.spec.names import SETTLEMENT


def handle_claim(state: PersonState, event: ClaimEvent) -> None:
    status = state.state_now
    term = state.term
    causes = state.causes()
    env = SETTLEMENT.bind(state.base_env, {"state": status, "emergency": event.emergency, "date": event.date,
                                           "until": term.until if term else None, "causes": causes})
    for rule in state.rulebook.settlement:
        if rule.when(env):
            settled = bool(rule.settled(env))
            reason = (f"status {status}" + (f" ({', '.join(causes)})" if set(causes) - {"score"} else "")
                      + (", emergency" if event.emergency else "")
                      + f": {'settled' if settled else 'not settled'} ({rule.legal.article})")
            state.claims.append(ClaimRecord(event.index, event.date, event.emergency, settled, status,
                                            rule.legal.article, rule.id, reason, causes or UNSET))
            state.trace.add("claim", event.index, rule.id, rule.legal.article, reason)
            return
    raise NotSupported(f"no settlement rule of {state.rulebook.id} covers a claim of {event.date} (status {status}"
                       + (f", {', '.join(causes)}" if causes else "") + "); the engine does not settle or refuse "
                       "a claim no rule decides — add a settlement rule")
