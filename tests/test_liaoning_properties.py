"""Invariants of the Liaoning rulebook (辽医保规〔2025〕1号) on generated ledgers, and of inheritance."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.rulebook import registry

RULEBOOK = engine.load_rulebook("liaoning")
CODES = sorted(RULEBOOK.situations)
LEVELS = ["general", "important", "primary"]
START = dt.date(2025, 3, 1)


@st.composite
def ledgers(draw):
    events = []
    for number, day in enumerate(draw(st.lists(st.integers(0, 600), min_size=1, max_size=5))):
        date = (START + dt.timedelta(days=day)).isoformat()
        for _ in range(draw(st.integers(1, 3))):
            code = draw(st.sampled_from(CODES))
            event = {"kind": "score", "date": date, "inspection": f"I{number}",
                     "behaviour": f"B{draw(st.integers(0, 2))}", "situation": code,
                     "responsibility": draw(st.sampled_from(LEVELS))}
            if draw(st.booleans()):  # 第十九条: any points inside the tier
                low, high = RULEBOOK.situations[code].range
                event["points"] = draw(st.integers(low, high))
            events.append(event)
    for _ in range(draw(st.integers(0, 5))):
        date = (START + dt.timedelta(days=draw(st.integers(0, 600)))).isoformat()
        way = draw(st.sampled_from(["exam", "publicity", "inspection"]))
        event = {"kind": "repair", "date": date, "way": way}
        if way == "exam":
            event["points"] = draw(st.integers(1, 3))
        events.append(event)
    order = draw(st.permutations(range(len(events))))
    return {"rulebook": "liaoning", "as_of": "2026-12-31", "person": {"id": "P", "role": "physician"},
            "events": [events[i] for i in order]}


def expected_action(year_total: float, single: int):
    """第二十四条 read directly: (action, months_min, months_max, ban_years)."""
    if single >= 12:
        return "terminate", None, None, 3
    if year_total >= 12:
        return "terminate", None, None, 1
    if 9 <= single <= 11:
        return "suspend", 3, 6, None
    if 9 <= year_total <= 11:
        return "suspend", 1, 3, None
    if 3 <= year_total <= 8:
        return "warn", None, None, None
    return "none", None, None, None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_every_decision_follows_article_24_and_16(case):
    result = RULEBOOK.evaluate(case, trace=False)
    for decision in result["decisions"]:
        action, low, high, ban = expected_action(decision["year_total"], decision["single"])
        if decision["situation"] == "23.3" and action != "terminate":
            # 第十六条: a revoked licence (第二十三条（三）) terminates too, with no ban of its own; where
            # 第二十四条（四） also terminates, its ban (the heavier) applies.
            action, low, high, ban = "terminate", None, None, 0
        if decision["counted_points"] == 0 and decision["points"] > 0:
            action = "none"  # aggregation (按最高分值记分，不分别记分): a finding that adds no points is no new 记分
        assert decision["action"] == action, decision
        if action == "suspend":
            assert (decision["months_min"], decision["months_max"]) == (low, high)
        if action == "terminate":
            assert decision["ban_years"] == ban


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_default_points_rise_from_low_to_high_and_repairs_keep_their_caps(case):
    result = RULEBOOK.evaluate(case, trace=False)
    given_points = {i: e for i, e in enumerate(case["events"]) if e["kind"] == "score"}
    for decision in result["decisions"]:
        event = given_points[decision["event"]]
        low, _ = RULEBOOK.situations[event["situation"]].range
        expected = event.get("points", low + LEVELS.index(event["responsibility"]))
        assert decision["points"] == expected
    per_way = {}
    for repair in result["repairs"]:
        if repair["accepted"]:
            key = (repair["date"][:4], repair["way"])
            per_way[key] = per_way.get(key, 0) + repair["points"]
    for (_, way), total in per_way.items():
        if way in ("publicity", "inspection"):
            assert total <= 3
    for entry in result["years"].values():
        assert entry["net"] == entry["points"] - entry["repaired"] >= 0


@pytest.mark.parametrize("parent", ["inner-mongolia", "liaoning", "national", "shandong", "weihai"])
def test_an_empty_child_compiles_to_its_parent(parent, tmp_path, monkeypatch):
    """Inheritance invariant: a child that adds nothing has exactly its parent's rules."""
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(tmp_path))
    base = engine.load_rulebook(parent)
    (tmp_path / "t-empty.yaml").write_text(textwrap.dedent(f"""\
        id: t-empty
        extends: {parent}
        title: empty child
        document: E
        effective: {{from: "{base.effective_from.isoformat()}"}}
        """), encoding="utf-8")
    child = registry.load("t-empty")
    assert child.lineage == ("t-empty",) + base.lineage
    assert list(child.situations) == list(base.situations)
    assert [(c.id, c.action, c.months_min, c.months_max, c.ban_years, c.when.text) for c in child.consequences] == \
        [(c.id, c.action, c.months_min, c.months_max, c.ban_years, c.when.text) for c in base.consequences]
    assert [(s.id, s.when.text, s.settled.text) for s in child.settlement] == \
        [(s.id, s.when.text, s.settled.text) for s in base.settlement]
    assert {k: p.value for k, p in child.parameters.items()} == {k: p.value for k, p in base.parameters.items()}
    assert child.roles == base.roles
    assert child.completeness == base.completeness
