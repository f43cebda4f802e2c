"""Seeded person-years for the Inner Mongolia rulebook (the benchmark's workload).

Each case is one person's ledger for 2025 (as_of 2025-12-31): 0-6 score events (situations or
tier catch-alls, all three responsibility levels, some sharing an inspection and/or a behaviour,
i.e. 第十七条 aggregation), 0-3 repairs (exams scoring 40-100, activities), 0-3 claims (some
emergencies), sometimes a restoration. The weights lean towards the upper tiers and primary
responsibility often enough that warnings, suspensions (cumulative and single), overlapping
suspensions, terminations, repairs that shorten a term, refused repairs and restorations all occur.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any, Dict, List

FIRST = _dt.date(2025, 3, 1)
LAST = _dt.date(2025, 12, 31)
SPAN = (LAST - FIRST).days
AS_OF = "2025-12-31"

ROLES = ["physician", "physician", "physician", "nurse", "pharmacist", "technician", "billing_reviewer",
         "pharmacy_principal"]
SITUATIONS = {
    1: ["18.1.1", "18.1.2", "18.1.3", "18.1.4", "18.1.5"],
    2: ["18.2.1", "18.2.2", "18.2.3", "18.2.4"],
    3: ["18.3.1", "18.3.2"],
    4: ["18.4.1", "18.4.2", "18.4.3", "18.4.4"],
}
CATCH_ALL = {1: "18.1.5", 2: "18.2.4", 3: "18.3.2", 4: "18.4.4"}
POINTS = {1: {"general": 1, "important": 2, "primary": 3}, 2: {"general": 4, "important": 5, "primary": 6},
          3: {"general": 7, "important": 8, "primary": 9}, 4: {"general": 10, "important": 11, "primary": 12}}
LEVELS = ["general", "important", "primary"]

_DATES = [(FIRST + _dt.timedelta(days=i)).isoformat() for i in range(SPAN + 1)]


def person_year(rng: random.Random, number: int) -> Dict[str, Any]:
    """One case: a person's 2025 ledger, events in file order (not sorted)."""
    choice, randint, random_ = rng.choice, rng.randint, rng.random
    events: List[Dict[str, Any]] = []
    n_scores = rng.choices(range(7), weights=(14, 22, 22, 17, 12, 8, 5))[0]
    inspections = 0
    scores: List[Dict[str, Any]] = []
    for _ in range(n_scores):
        tier = rng.choices((1, 2, 3, 4), weights=(55, 30, 10, 5))[0]
        level = rng.choices(LEVELS, weights=(50, 30, 20))[0]
        event: Dict[str, Any] = {"kind": "score", "date": _DATES[randint(0, SPAN)]}
        how = random_()
        if how < 0.65:
            event["situation"] = choice(SITUATIONS[tier])
        elif how < 0.9:
            event["tier"] = tier                       # the tier's catch-all 其他应记…的情形
        else:
            event["situation"], event["tier"] = CATCH_ALL[tier], tier
        event["responsibility"] = level
        if random_() < 0.1:
            event["points"] = POINTS[tier][level]      # the table's value, given explicitly
        share = random_()
        if scores and share < 0.35:
            # 第十七条: found in the same inspection as an earlier score (same day mostly);
            # half of those are the same behaviour matching another situation.
            other = choice(scores)
            if "inspection" not in other:
                inspections += 1
                other["inspection"] = f"I{inspections}"
            event["inspection"] = other["inspection"]
            if random_() < 0.85:
                event["date"] = other["date"]
            if random_() < 0.5:
                if "behaviour" not in other:
                    other["behaviour"] = f"B{len(scores)}"
                event["behaviour"] = other["behaviour"]
            else:
                event["behaviour"] = f"B{len(scores) + 100}"
        elif share < 0.5:
            inspections += 1
            event["inspection"] = f"I{inspections}"     # its own inspection, named
        if random_() < 0.05:
            event["institution"] = f"H{randint(1, 5)}"
        scores.append(event)
        events.append(event)
    score_dates = [e["date"] for e in scores]

    def some_date(bias_after_scores: bool = False) -> str:
        if score_dates and random_() < 0.15:
            return choice(score_dates)                  # same day as a score: file order decides
        if bias_after_scores and score_dates and random_() < 0.6:
            start = _dt.date.fromisoformat(max(score_dates))
            offset = (start - FIRST).days
            return _DATES[randint(offset, SPAN)]
        return _DATES[randint(0, SPAN)]

    for _ in range(rng.choices(range(4), weights=(35, 30, 20, 15))[0]):
        if random_() < 0.55:
            score = randint(40, 100) if random_() < 0.9 else round(rng.uniform(40, 100), 1)
            events.append({"kind": "repair", "date": some_date(True), "way": "exam", "score": score})
        else:
            events.append({"kind": "repair", "date": some_date(True), "way": "activity"})
    for _ in range(rng.choices(range(4), weights=(30, 30, 25, 15))[0]):
        claim: Dict[str, Any] = {"kind": "claim", "date": some_date(True)}
        if random_() < 0.8:
            claim["emergency"] = random_() < 0.3
        events.append(claim)
    if random_() < (0.45 if score_dates else 0.1):
        if score_dates and random_() < 0.6:
            # after a term has likely run out: 1-6 months after the last score
            day = _dt.date.fromisoformat(max(score_dates)) + _dt.timedelta(days=randint(28, 190))
            when = min(day, LAST).isoformat()
        else:
            when = some_date(True)
        restoration: Dict[str, Any] = {"kind": "restoration", "date": when}
        if random_() < 0.8:
            restoration["passed"] = random_() < 0.85
        events.append(restoration)
    rng.shuffle(events)                                 # the engine sorts by date (stable)
    return {
        "rulebook": "inner-mongolia",
        "as_of": AS_OF,
        "person": {"id": f"P{number:06d}", "role": choice(ROLES)},
        "events": events,
    }


def generate(n: int, seed: int) -> List[Dict[str, Any]]:
    rng = random.Random(seed)
    return [person_year(rng, i) for i in range(n)]
