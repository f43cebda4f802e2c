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

from engine.errors import AttributionError, CaseError, Location
from engine.evaluate.ledger import _plain
from engine.evaluate.pipeline import evaluate_case
from engine.base.schemas import _located, _validator
from engine.base.documents import Mark, PositionedDocument
from engine.evaluate.attribution import _parameters, _Where, attribute_finding
from engine.org.graph import org_from_case


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


def evaluate_with_attribution(rulebook, case: Mapping[str, Any], *, source: Optional[str] = None,
                              positions: Optional[Dict[Tuple, Mark]] = None, trace: bool = True,
                              versions: Sequence[Any] = ()) -> Dict[str, Any]:
    """Evaluate a case whose score events may be attributed over the case's organisation."""
    data = _plain(case)
    document = PositionedDocument(data, source or "<case>", positions or {})
    where = _Where(document, ())
    for error in _validator("case").iter_errors(data):
        located = _located(document, error)
        raise CaseError(located.message, located.location if positions else Location(source, field=located.location.field))
    events: List[Mapping[str, Any]] = list(data.get("events") or ())
    parameters = _parameters(rulebook, data, where)
    org = org_from_case(data, document, base=source)
    attribution_trace: List[Dict[str, Any]] = []
    attributions: List[Dict[str, Any]] = []
    found_by_event: Dict[int, Dict[str, Any]] = {}
    for index, body in enumerate(events):
        if body.get("kind") != "score" or "attribution" not in body:
            continue
        if rulebook.attribution is None:
            raise AttributionError(f"responsibility attribution is not defined for this jurisdiction: rulebook "
                                   f"'{rulebook.id}' has no attribution section, and the engine does not guess one",
                                   where("events", index, "attribution"))
        if org is None:
            raise CaseError("an attributed score needs the organisation: give 'org:' or 'org_file:' in the case",
                            where("events", index, "attribution"))
        if "responsibility" in body:
            raise CaseError("the responsibility of an attributed score comes from the attribution table; "
                            "remove 'responsibility' (or 'attribution')", where("events", index, "responsibility"))
        found = attribute_finding(rulebook, body["attribution"], org, parameters,
                                  _Where(document, ("events", index, "attribution")), attribution_trace, event=index)
        found_by_event[index] = found
        attributions.append({"event": index, **found})

    single = data.get("person")
    if single is not None:
        people = [str(single["id"])]
    else:
        people = []
        for index, body in enumerate(events):
            if index in found_by_event:
                found = found_by_event[index]
                people += [a["person"] for a in found["assignments"]] + [c["person"] for c in found["choices"]]
            elif body.get("person") is not None:
                people.append(str(body["person"]))
            else:
                raise CaseError("whose event is this? In a case without 'person', events other than attributed "
                                "scores name their 'person'", where("events", index))
        people = list(dict.fromkeys(people))

    results: Dict[str, Dict[str, Any]] = {}
    for person in people:
        derived: List[Dict[str, Any]] = []
        indices: List[int] = []
        skipped: List[Dict[str, Any]] = []
        for index, body in enumerate(events):
            if index in found_by_event:
                found = found_by_event[index]
                level = next((a["responsibility"] for a in found["assignments"] if a["person"] == person), None)
                if level is None:
                    choice = next((c for c in found["choices"] if c["person"] == person), None)
                    if choice is not None:
                        raise CaseError(f"{person}'s responsibility for {found['article']} is the officer's choice "
                                        f"({' or '.join(choice['allowed'])}); decide it under decided: {{{person}: …}}",
                                        where("events", index, "attribution", "decided"))
                    skipped.append({"step": "attribution", "event": index, "rule": None, "article": found["article"],
                                    "detail": f"{person} bears no responsibility for this finding: the event does not count for them"})
                    continue
                item = {k: v for k, v in body.items() if k not in ("attribution", "person")}
                item["responsibility"] = level
            elif body.get("person") is not None and str(body["person"]) != person:
                continue
            else:
                item = {k: v for k, v in body.items() if k != "person"}
            derived.append(item)
            indices.append(index)
        if single is not None:
            person_body = dict(single)
        else:
            role = org.role_of(person) if org is not None else None
            if role is None:
                raise CaseError(f"the role of {person} is not known: the organisation does not declare it and their "
                                f"place does not imply one; add it under org: people: {{{person}: {{role: …}}}}",
                                where("org_file" if "org_file" in data else "org"))
            person_body = {"id": person, "role": role}
        one = {key: value for key, value in data.items() if key not in ("org", "org_file", "events", "person")}
        one.update(person=person_body, events=derived)
        result = evaluate_case(rulebook, one, source=source, positions=positions, trace=trace, event_indices=indices,
                               versions=versions)
        if trace:
            concerned = {i for i in indices if i in found_by_event}
            mine = [step for step in attribution_trace if step["event"] in concerned]
            result["trace"] = ([dict(step) for step in mine] + skipped + result["trace"])
        results[person] = result

    if single is not None:
        result = results[people[0]]
        result["attributions"] = attributions
        return result
    return {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "as_of": data["as_of"],
        "institution": org.institution if org is not None else None,
        "persons": results,
        "attributions": attributions,
        "warnings": [f"rulebook {rulebook.id} is partial"] if rulebook.completeness == "partial" else [],
        "trace": attribution_trace if trace else [],
    }


__all__ = ["evaluate_with_attribution", "uses_attribution"]
