"""One person's ledger, from case to result: read it, plan its appeals, run it, write the result.

This is the evaluation's door for the facade (:class:`engine.rulebook.rulebook.Rulebook`), which
passes the rulebook version list so that each event is judged by the version in force on its date.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

from engine.base.dates import date_problem, parse_date
from engine.base.documents import Mark
from engine.cases.person import read_person_case
from engine.errors import CaseError, Location, NotSupported
from engine.evaluate.appeals import plan_appeals
from engine.evaluate.run import run
from engine.evaluate.write import person_result
from engine.spec.rulebook import RulebookSpec


def evaluate_case(rulebook: RulebookSpec, case: Mapping[str, Any], *, source: Optional[str] = None,
                  positions: Optional[Dict[Tuple, Mark]] = None, trace: bool = True,
                  event_indices: Optional[Sequence[int]] = None,
                  versions: Sequence[RulebookSpec] = ()) -> Dict[str, Any]:
    """Validate ``case`` and evaluate it against ``rulebook``; the JSON-ready result.

    ``versions``: every version of the rulebook id by effective period, when it has several
    (``<id>.yaml``, ``<id>@<label>.yaml``): each event is then judged by the version in force on its
    date. ``event_indices``: see :func:`engine.cases.person.read_person_case`.
    """
    typed = read_person_case(rulebook, case, source=source, positions=positions, versions=versions,
                             event_indices=event_indices)
    plan = plan_appeals(rulebook, typed)  # may replace amended scores in typed.events
    return person_result(run(rulebook, typed, trace=trace, plan=plan))


def can_settle_case(rulebook: RulebookSpec, case: Mapping[str, Any], day: Any, emergency: bool = False, *,
                    evaluate: Callable[..., Dict[str, Any]]) -> Dict[str, Any]:
    """Would a claim dated ``day`` by the person of ``case`` be settled?

    Delegates to the evaluation: a claim event on ``day`` is added to (a copy of) the case, which
    is evaluated as usual (validation, attribution, appeals and all) by ``evaluate``; the engine orders
    events by date, stably, so the claim comes after that day's events and a decision taken that day
    already applies. The claim is judged like any claim: the status on that date, then the
    rulebook's settlement rules.
    """
    date = parse_date(day)
    if date is None:
        raise CaseError(date_problem(day), Location(field="date"))
    if not isinstance(emergency, bool):
        raise CaseError(f"emergency must be true or false, got {emergency!r}", Location(field="emergency"))
    if not rulebook.in_force(date):
        raise CaseError(f"{date} is outside the time {rulebook.id} applies "
                        f"({rulebook.effective_from} – {rulebook.effective_until or 'open'})", Location(field="date"))
    events = case.get("events") if isinstance(case, Mapping) else None
    if not isinstance(case, Mapping) or not isinstance(events, (list, tuple, type(None))):
        evaluate(case, trace=False)  # raises the engine's own, located error for this input
        raise CaseError("a case must be a mapping with rulebook, as_of, person and events")
    events = list(events or ())
    probe = dict(case)
    probe["events"] = events + [{"kind": "claim", "date": date.isoformat(), "emergency": emergency}]
    result = evaluate(probe, trace=False)
    record = next((c for c in result.get("claims") or () if c.get("event") == len(events)), None)
    if record is None or "person" not in result:
        raise NotSupported("can_settle answers for one person's ledger; this case evaluates to several persons",
                           Location(field="events"))
    return {"person": result["person"]["id"], "date": record["date"], "emergency": emergency,
            "settled": record["settled"], "state": record["state"], "article": record.get("article"),
            "rule": record.get("rule"), "reason": record.get("reason")}
