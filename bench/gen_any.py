"""Seeded person-years for any rulebook, drawn from its own tables (the full-size differential run).

Each case: 0-8 events — scores (situations or tier catch-alls, responsibility levels, points within
the tier's range where the rulebook leaves them open, the rulebook's adjustments, shared inspections
and behaviours), repairs by every way with its inputs, claims, restorations, obligations — over
three years from the rulebook's effective date; now and then a reading chosen by the case, and
rarely something invalid (a day outside the effective period, a role out of scope, points off the
table), so that both the answers and the refusals are compared.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any, Dict, List


def _day(rng: random.Random, rulebook) -> str:
    start, until = rulebook.effective_from, rulebook.effective_until
    span = min(1000, (until - start).days) if until else 1000
    low, high = (-20, span + 20) if rng.random() < 0.03 else (0, span)
    return (start + _dt.timedelta(days=rng.randint(low, high))).isoformat()


def _score(rng: random.Random, rulebook, event: Dict[str, Any]) -> None:
    code = rng.choice(sorted(rulebook.situations))
    situation = rulebook.situations[code]
    if situation.catch_all and rng.random() < 0.25:
        event["tier"] = situation.tier
    else:
        event["situation"] = code
    if rng.random() < 0.95:
        event["responsibility"] = rng.choice(("general", "important", "primary"))
    if situation.points is None or rng.random() < 0.2:
        low, high = situation.range
        event["points"] = rng.randint(low, high) if rng.random() < 0.95 else rng.randint(0, 13)
    if rulebook.adjustments and rng.random() < 0.2:
        event["adjustment"] = rng.choice(list(rulebook.adjustments))
    event["inspection"] = rng.choice(("I1", "I2", "I3", "I4"))
    if rng.random() < 0.5:
        event["behaviour"] = rng.choice(("B1", "B2"))


def person_year(rng: random.Random, rulebook, number: int) -> Dict[str, Any]:
    kinds = ["score"] * 4 + ["claim", "restoration"] + (["repair"] * 2 if rulebook.repair else []) \
        + (["obligation"] if rulebook.obligations else [])
    events: List[Dict[str, Any]] = []
    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(kinds)
        event: Dict[str, Any] = {"kind": kind, "date": _day(rng, rulebook)}
        if kind == "score":
            _score(rng, rulebook, event)
        elif kind == "repair":
            way = rng.choice(sorted(rulebook.repair.ways))
            event["way"] = way
            for name, spec in rulebook.repair.ways[way].inputs.items():
                if rng.random() < 0.9:
                    event[name] = rng.random() < 0.5 if spec.type == "boolean" else \
                        rng.choice((rng.randint(0, 100), round(rng.uniform(0, 100), 1), rng.randint(0, 5)))
        elif kind == "obligation":
            event["obligation"] = rng.choice(sorted(rulebook.obligations))
            if rng.random() < 0.7:
                event["passed"] = rng.random() < 0.6
        elif rng.random() < 0.6:
            event["emergency" if kind == "claim" else "passed"] = rng.random() < 0.5
        events.append(event)
    roles = list(rulebook.roles)
    case: Dict[str, Any] = {"rulebook": rulebook.id, "as_of": _day(rng, rulebook),
                            "person": {"id": f"P{number:06d}",
                                       "role": rng.choice(roles) if rng.random() < 0.98 else "caregiver"},
                            "events": events}
    if rng.random() < 0.15:
        name = rng.choice(sorted(rulebook.parameters))
        case["parameters"] = {name: rng.choice(list(rulebook.parameters[name].allowed))}
    return case


def generate(rulebook, n: int, seed: int) -> List[Dict[str, Any]]:
    rng = random.Random(seed)
    return [person_year(rng, rulebook, i) for i in range(n)]
