"""The one place where an evaluation becomes the JSON of the public contract (``schemas/result.schema.json``).

Records are dataclasses (engine/evaluate/records.py); :func:`to_json` writes any of them — dates as
``YYYY-MM-DD``, fields that are :data:`~engine.evaluate.records.UNSET` left out, ``start`` written
as ``from`` — and :func:`person_result` assembles one person's result.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from functools import lru_cache
from typing import Any, Dict, List, Tuple

from engine.evaluate.records import UNSET, Interpretation, YearEntry, number
from engine.evaluate.state import PersonState


@lru_cache(maxsize=None)
def _layout(cls: type) -> Tuple[Tuple[str, str], ...]:
    """(attribute, JSON name) of every field of a record class, in order."""
    return tuple((f.name, f.metadata.get("json", f.name)) for f in dataclasses.fields(cls))


def to_json(value: Any) -> Any:
    """A record (or list, dict, date, plain value) as JSON data."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [to_json(item) for item in value]
    if kind is dict:
        return {key: to_json(item) for key, item in value.items()}
    if kind is _dt.date:
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        out: Dict[str, Any] = {}
        for attribute, name in _layout(kind):
            item = getattr(value, attribute)
            if item is not UNSET:
                out[name] = to_json(item)
        return out
    return value


def interpretations(state: PersonState) -> List[Interpretation]:
    """Every reading of the rulebook version that decided last, with the value this case used."""
    values = state.readings.values
    return [Interpretation(name, values[name], parameter.interpretation, parameter.ambiguity, list(parameter.articles))
            for name, parameter in state.rulebook.parameters.items()]


def warnings(state: PersonState) -> List[str]:
    rulebook = state.rulebook
    found = []
    if rulebook.completeness == "partial":
        found.append(f"rulebook {rulebook.id} is partial: "
                     f"{'; '.join(rulebook.missing) or 'parts of its source are missing'}")
    return found + list(state.appeal_plan.warnings) + state.warnings


def person_result(state: PersonState) -> Dict[str, Any]:
    """The result of ``yibao evaluate --json`` for one person."""
    rulebook = state.rulebook
    case = state.case
    deduct = rulebook.scoring_model == "deduct" and rulebook.allowance is not None
    years = {}
    for number_ in sorted(state.years):
        year = state.years[number_]
        entry = YearEntry(year.points, number(year.repaired), number(year.net))
        if deduct:
            entry.left = number(max(0, rulebook.allowance - year.net))
        years[str(number_)] = entry
    result: Dict[str, Any] = {
        "rulebook": rulebook.id,
        "document": rulebook.document,
        "person": {"id": case.person_id, "role": case.role},
        "as_of": case.as_of,
        "years": years,
        "decisions": state.decisions,
        "repairs": state.repairs,
        "claims": state.claims,
        "restorations": state.restorations,
        "obligations": state.obligations,
    }
    if deduct:
        # 济宁: 12 points a year, minus deductions — the points left in the as_of year.
        current = state.years.get(case.as_of.year)
        result["points_left"] = number(max(0, rulebook.allowance - (current.net if current else 0)))
        result["allowance"] = rulebook.allowance
    result.update({
        "institution_measures": state.measures,
        "status": state.timeline.status_on(case.as_of),
        "timeline": state.timeline.periods,
        "interpretations": interpretations(state),
        "warnings": warnings(state),
        "trace": state.trace.steps,
        "appeals": state.appeals,
    })
    return to_json(result)
