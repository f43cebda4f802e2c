"""Invariants of evaluation, checked on generated ledgers (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine

RULEBOOK = engine.load_rulebook("inner-mongolia")
CODES = sorted(RULEBOOK.situations)
LEVELS = ["general", "important", "primary"]
POINTS = {"general": 0, "important": 1, "primary": 2}
START = dt.date(2025, 3, 1)

inspection_dates = st.lists(st.integers(0, 650), min_size=1, max_size=5)


@st.composite
def ledgers(draw):
    days = draw(inspection_dates)
    events = []
    for number, day in enumerate(days):
        date = (START + dt.timedelta(days=day)).isoformat()
        for _ in range(draw(st.integers(1, 3))):
            events.append({"kind": "score", "date": date, "inspection": f"I{number}",
                           "behaviour": f"B{draw(st.integers(0, 2))}", "situation": draw(st.sampled_from(CODES)),
                           "responsibility": draw(st.sampled_from(LEVELS))})
    for _ in range(draw(st.integers(0, 4))):
        date = (START + dt.timedelta(days=draw(st.integers(0, 650)))).isoformat()
        if draw(st.booleans()):
            events.append({"kind": "repair", "date": date, "way": "exam", "score": draw(st.integers(0, 100))})
        else:
            events.append({"kind": "repair", "date": date, "way": "activity"})
    order = draw(st.permutations(range(len(events))))
    return {"rulebook": "inner-mongolia", "as_of": "2026-12-31", "person": {"id": "P", "role": "nurse"},
            "events": [events[i] for i in order]}


def expected_points(event) -> int:
    situation = RULEBOOK.situations[event["situation"]]
    return situation.points[event["responsibility"]]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_points_are_never_negative(case):
    result = RULEBOOK.evaluate(case, trace=False)
    for entry in result["years"].values():
        assert entry["points"] >= 0 and entry["repaired"] >= 0 and entry["net"] >= 0
        assert entry["net"] == entry["points"] - entry["repaired"]
    for decision in result["decisions"]:
        assert decision["year_total"] >= 0 and decision["counted_points"] >= 0
    for repair in result["repairs"]:
        assert repair["points"] >= 0 and (repair["points"] > 0) == repair["accepted"]


@settings(max_examples=300, deadline=None)
@given(ledgers())
def test_year_total_is_the_sum_the_aggregation_rule_allows(case):
    """第十七条: per inspection, each behaviour counts once at its highest; behaviours add up."""
    best = defaultdict(int)
    year_of_group = {}
    for event in case["events"]:
        if event["kind"] == "score":
            key = (event["inspection"], event["behaviour"])
            best[key] = max(best[key], expected_points(event))
            year_of_group[key] = event["date"][:4]
    totals = defaultdict(int)
    for key, points in best.items():
        totals[year_of_group[key]] += points
    result = RULEBOOK.evaluate(case, trace=False)
    assert {year: entry["points"] for year, entry in result["years"].items() if entry["points"]} == \
        {year: total for year, total in totals.items() if total}


def severity(decision) -> tuple:
    rank = ["none", "warn", "suspend", "terminate"].index(decision["action"])
    return (rank, decision["ban_years"] or decision["months"] or 0)


def decision_after(prior: list[int], last: int) -> dict:
    """The decision on a final single score of ``last`` points after ``prior`` single scores."""
    by_points = {}
    for code in CODES:
        for level in LEVELS:
            by_points.setdefault(RULEBOOK.situations[code].points[level], (code, level))
    events = []
    for index, points in enumerate(prior + [last]):
        code, level = by_points[points]
        events.append({"kind": "score", "date": (START + dt.timedelta(days=index)).isoformat(),
                       "situation": code, "responsibility": level})
    case = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P", "role": "physician"},
            "events": events}
    return RULEBOOK.evaluate(case, trace=False)["decisions"][-1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 12), max_size=2), st.integers(1, 11))
def test_thresholds_are_monotone_in_the_single_score(prior, last):
    assert severity(decision_after(prior, last)) <= severity(decision_after(prior, last + 1))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 11), st.integers(1, 12))
def test_thresholds_are_monotone_in_the_year_total(earlier, last):
    assert severity(decision_after([earlier], last)) <= severity(decision_after([earlier + 1], last))
