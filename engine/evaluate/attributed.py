"""Attribution fed into evaluation: one inspection finding becomes per-person decisions in one run.

A score event may carry ``attribution: {violation, ordered, involved, decided}`` instead of a
``responsibility``; the case then gives the organisation (``org:`` or ``org_file:``). Each such
event is attributed with the rulebook's table; every person the table assigns a level to gets
the score event with that level. Two forms (docs/contract.md):

* **one person** — the case has ``person``: the result is the usual single-person result of that
  person. An attributed event counts for them with their attributed level, and is left out (with
  a trace line) when the table assigns them nothing. Events naming another ``person`` are left out.
* **every person** — the case has an organisation and no ``person``: the result holds
  ``persons: {id: <single-person result>}`` for everyone assigned a level (and everyone named by an
  event's ``person``), each exactly as ``yibao evaluate`` would report that person alone. Events
  other than attributed scores must then name their ``person``.

Either way the result has ``attributions`` (one entry per attributed event: its assignments and
choices). A level left to the officer and not ``decided`` cannot be scored: that is an error.
Each person's evaluation is the ordinary pipeline on that person's events, with the events keeping
their indices in the case file, so decisions and errors name the event as written.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.base.documents import Mark
from engine.cases.attribution import AttributedLedger, no_table, read_attributed_ledger
from engine.evaluate.attribution import attribute_finding
from engine.evaluate.person import evaluate_case
from engine.spec.rulebook import RulebookSpec


def uses_attribution(case: Any) -> bool:
    """Whether a case needs the attribution layer: an organisation, or a score event with
    ``attribution:`` or events naming their ``person``."""
    if not isinstance(case, Mapping):
        return False
    if "org" in case or "org_file" in case:
        return True
    events = case.get("events")
    if not isinstance(events, list):
        return False
    # `type(e) is dict` first: the common case skips typing.Mapping's slow isinstance check.
    return any((type(e) is dict or isinstance(e, Mapping)) and ("attribution" in e or "person" in e) for e in events)


def _attribute_events(rulebook: RulebookSpec, ledger: AttributedLedger,
                      trace: List[Dict[str, Any]]) -> Dict[int, Dict[str, Any]]:
    """Every attributed score event's finding, attributed (by event index)."""
    document = ledger.document
    found_by_event: Dict[int, Dict[str, Any]] = {}
    for index, body in enumerate(document.data.get("events") or ()):
        if body.get("kind") != "score" or "attribution" not in body:
            continue
        if rulebook.attribution is None:
            raise no_table(rulebook, document, "events", index, "attribution")
        if ledger.org is None:
            raise document.error("an attributed score needs the organisation: give 'org:' or 'org_file:' in the case",
                                 "events", index, "attribution")
        if "responsibility" in body:
            raise document.error("the responsibility of an attributed score comes from the attribution table; "
                                 "remove 'responsibility' (or 'attribution')", "events", index, "responsibility")
        found_by_event[index] = attribute_finding(rulebook, body["attribution"], ledger.org, ledger.readings,
                                                  document.nested("events", index, "attribution"), trace, event=index)
    return found_by_event


def _people(ledger: AttributedLedger, found_by_event: Mapping[int, Dict[str, Any]]) -> List[str]:
    """Whose results the case asks for: its ``person``, or everyone attributed or named by an event."""
    data = ledger.document.data
    if data.get("person") is not None:
        return [str(data["person"]["id"])]
    people: List[str] = []
    for index, body in enumerate(data.get("events") or ()):
        if index in found_by_event:
            found = found_by_event[index]
            people += [a["person"] for a in found["assignments"]] + [c["person"] for c in found["choices"]]
        elif body.get("person") is not None:
            people.append(str(body["person"]))
        else:
            raise ledger.document.error("whose event is this? In a case without 'person', events other than "
                                        "attributed scores name their 'person'", "events", index)
    return list(dict.fromkeys(people))


def _ledger_of(person: str, ledger: AttributedLedger, found_by_event: Mapping[int, Dict[str, Any]]
               ) -> Tuple[List[Dict[str, Any]], List[int], List[Dict[str, Any]]]:
    """One person's events (attributed scores with their level), their indices in the case, and
    trace steps for the findings that do not count for them."""
    document = ledger.document
    derived: List[Dict[str, Any]] = []
    indices: List[int] = []
    skipped: List[Dict[str, Any]] = []
    for index, body in enumerate(document.data.get("events") or ()):
        if index in found_by_event:
            found = found_by_event[index]
            level = next((a["responsibility"] for a in found["assignments"] if a["person"] == person), None)
            if level is None:
                choice = next((c for c in found["choices"] if c["person"] == person), None)
                if choice is not None:
                    raise document.error(f"{person}'s responsibility for {found['article']} is the officer's choice "
                                         f"({' or '.join(choice['allowed'])}); decide it under decided: "
                                         f"{{{person}: …}}", "events", index, "attribution", "decided")
                skipped.append({"step": "attribution", "event": index, "rule": None, "article": found["article"],
                                "detail": f"{person} bears no responsibility for this finding: the event does not "
                                          "count for them"})
                continue
            item = {k: v for k, v in body.items() if k not in ("attribution", "person")}
            item["responsibility"] = level
        elif body.get("person") is not None and str(body["person"]) != person:
            continue
        else:
            item = {k: v for k, v in body.items() if k != "person"}
        derived.append(item)
        indices.append(index)
    return derived, indices, skipped


def _person_body(person: str, ledger: AttributedLedger) -> Dict[str, Any]:
    data = ledger.document.data
    if data.get("person") is not None:
        return dict(data["person"])
    role = ledger.org.role_of(person) if ledger.org is not None else None
    if role is None:
        raise ledger.document.error(f"the role of {person} is not known: the organisation does not declare it and "
                                    f"their place does not imply one; add it under org: people: "
                                    f"{{{person}: {{role: …}}}}", "org_file" if "org_file" in data else "org")
    return {"id": person, "role": role}


def evaluate_with_attribution(rulebook: RulebookSpec, case: Mapping[str, Any], *, source: Optional[str] = None,
                              positions: Optional[Dict[Tuple, Mark]] = None, trace: bool = True,
                              versions: Sequence[RulebookSpec] = ()) -> Dict[str, Any]:
    """Evaluate a case whose score events may be attributed over the case's organisation."""
    ledger = read_attributed_ledger(rulebook, case, source=source, positions=positions, versions=versions)
    data = ledger.document.data
    attribution_trace: List[Dict[str, Any]] = []
    found_by_event = _attribute_events(rulebook, ledger, attribution_trace)
    attributions = [{"event": index, **found} for index, found in found_by_event.items()]
    people = _people(ledger, found_by_event)
    results: Dict[str, Dict[str, Any]] = {}
    for person in people:
        derived, indices, skipped = _ledger_of(person, ledger, found_by_event)
        one = {key: value for key, value in data.items() if key not in ("org", "org_file", "events", "person")}
        one.update(person=_person_body(person, ledger), events=derived)
        result = evaluate_case(rulebook, one, source=source, positions=positions, trace=trace, event_indices=indices,
                               versions=versions)
        if trace:
            concerned = {i for i in indices if i in found_by_event}
            mine = [step for step in attribution_trace if step["event"] in concerned]
            result["trace"] = [dict(step) for step in mine] + skipped + result["trace"]
        results[person] = result
    if data.get("person") is not None:
        result = results[people[0]]
        result["attributions"] = attributions
        return result
    return {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "as_of": data["as_of"],
        "institution": ledger.org.institution if ledger.org is not None else None,
        "persons": results,
        "attributions": attributions,
        "warnings": [f"rulebook {rulebook.id} is partial"] if rulebook.completeness == "partial" else [],
        "trace": attribution_trace if trace else [],
    }


__all__ = ["evaluate_with_attribution", "uses_attribution"]
