"""The status timeline (issue 6): invariants on generated ledgers, and the appeal flow's edges.

Invariants: the periods cover time without gaps or overlaps; every claim is judged on the state of
the period that covers its date (also when it is dated after as_of or before later events); the
reported status is the period covering as_of; phases agree with states.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.errors import CaseError

RULEBOOK = engine.load_rulebook("inner-mongolia")
CODES = sorted(RULEBOOK.situations)
LEVELS = ["general", "important", "primary"]
START = dt.date(2025, 3, 1)
PHASES = {"normal": {"normal"}, "suspended": {"term", "awaiting_restoration"}, "terminated": {"banned", "ban_over"}}


def day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


@st.composite
def ledgers(draw):
    events = []
    for _ in range(draw(st.integers(1, 5))):
        events.append({"kind": "score", "date": day(draw(st.integers(0, 600))), "situation": draw(st.sampled_from(CODES)),
                       "responsibility": draw(st.sampled_from(LEVELS))})
    for _ in range(draw(st.integers(0, 6))):
        events.append({"kind": "claim", "date": day(draw(st.integers(0, 650))), "emergency": draw(st.booleans())})
    for _ in range(draw(st.integers(0, 3))):
        events.append({"kind": "restoration", "date": day(draw(st.integers(0, 650))), "passed": draw(st.booleans())})
    for _ in range(draw(st.integers(0, 2))):
        events.append({"kind": "repair", "date": day(draw(st.integers(0, 650))), "way": "activity"})
    parameters = {"after_term": draw(st.sampled_from(["awaiting_restoration", "normal"])),
                  "overlapping_suspension": draw(st.sampled_from(["fresh", "extend"]))}
    return {"rulebook": "inner-mongolia", "as_of": day(draw(st.integers(0, 700))), "person": {"id": "P", "role": "nurse"},
            "parameters": parameters, "events": draw(st.permutations(events))}


def covering(timeline, date: str):
    current = timeline[0]
    for period in timeline:
        if period["from"] is None or period["from"] <= date:
            current = period
    return current


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_timeline_is_contiguous_and_claims_follow_it(case):
    result = RULEBOOK.evaluate(case, trace=False)
    timeline = result["timeline"]
    assert timeline[0]["from"] is None
    for before, after in zip(timeline, timeline[1:]):
        assert before["until"] is not None
        next_day = (dt.date.fromisoformat(before["until"]) + dt.timedelta(days=1)).isoformat()
        assert after["from"] == next_day, (before, after)
    for period in timeline:
        assert period["phase"] in PHASES[period["state"]]
        if period["until"] is not None and period["from"] is not None:
            assert period["from"] <= period["until"]
    for claim in result["claims"]:
        period = covering(timeline, claim["date"])
        states = {period["state"]}
        if period["from"] == claim["date"]:
            # Same-day events keep file order (the contract): a claim written before the decision
            # that starts a period was made in the state before it.
            states.add(timeline[timeline.index(period) - 1]["state"])
        assert claim["state"] in states, claim
        if claim["state"] == "normal":
            assert claim["settled"]
        else:
            assert claim["settled"] == claim["emergency"]  # 第九条（二）（三）: 急诊、抢救 excepted
    status = result["status"]
    period = covering(timeline, case["as_of"])
    assert (status["state"], status["phase"]) == (period["state"], period["phase"])


# --- appeals: edges of the flow -------------------------------------------------------------------

BASE = [{"kind": "score", "date": "2025-09-26", "situation": "18.3.1", "responsibility": "primary",
         "notice_received": "2025-09-28"}]


def evaluate(*events, as_of="2025-12-31", parameters=None):
    case = {"rulebook": "inner-mongolia", "as_of": as_of, "person": {"id": "P", "role": "physician"},
            "events": [*BASE, *events]}
    if parameters:
        case["parameters"] = parameters
    return RULEBOOK.evaluate(case)


def test_appeal_on_the_deadline_is_in_time_the_next_day_is_late():
    assert evaluate({"kind": "appeal", "date": "2025-10-17", "contests": 0})["appeals"][0]["timely"] is True
    late = evaluate({"kind": "appeal", "date": "2025-10-18", "contests": 0})["appeals"][0]
    assert late["timely"] is False and late["deadline"] == "2025-10-17" and "2025-10-17" in late["reason"]


def test_appeal_without_a_notice_date_is_examined_with_a_warning():
    case = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-09-26", "situation": "18.3.1", "responsibility": "primary"},
                       {"kind": "appeal", "date": "2026-03-01", "contests": 0}]}
    result = RULEBOOK.evaluate(case)
    assert result["appeals"][0]["timely"] is True and result["appeals"][0]["deadline"] is None
    assert any("timeliness not checked" in w for w in result["warnings"])


def test_amended_points_must_be_allowed_by_the_table():
    with pytest.raises(CaseError, match="not allowed"):
        evaluate({"kind": "appeal", "date": "2025-10-09", "contests": 0},
                 {"kind": "appeal_result", "date": "2025-10-20", "appeal": 1, "outcome": "amended", "points": 5})


def test_amended_situation_recomputes():
    result = evaluate({"kind": "appeal", "date": "2025-10-09", "contests": 0},
                      {"kind": "appeal_result", "date": "2025-10-20", "appeal": 1, "outcome": "amended",
                       "situation": "18.2.1", "responsibility": "important"})
    decision = result["decisions"][0]
    assert (decision["situation"], decision["points"], decision["action"]) == ("18.2.1", 5, "warn")
    assert result["status"]["state"] == "normal"
    assert any(step["step"] == "appeal" and "re-run" in step["detail"] for step in result["trace"])


@pytest.mark.parametrize("events, field, message", [
    ([{"kind": "appeal", "date": "2025-09-20", "contests": 0}], "events[1].date", "cannot contest a decision dated"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 0},
      {"kind": "appeal_result", "date": "2025-10-01", "appeal": 1, "outcome": "upheld"}], "events[2].date", "cannot be dated"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 0},
      {"kind": "appeal_result", "date": "2025-10-20", "appeal": 0, "outcome": "upheld"}], "events[2].appeal", "not an appeal"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 0},
      {"kind": "appeal_result", "date": "2025-10-20", "appeal": 1, "outcome": "amended"}], "events[2].outcome", "needs the new"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 0},
      {"kind": "appeal_result", "date": "2025-10-20", "appeal": 1, "outcome": "upheld", "points": 3}], "events[2].points", "changes nothing"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 0},
      {"kind": "appeal_result", "date": "2025-10-20", "appeal": 1, "outcome": "upheld"},
      {"kind": "appeal_result", "date": "2025-10-21", "appeal": 1, "outcome": "upheld"}], "events[3].appeal", "already has a result"),
    ([{"kind": "appeal", "date": "2025-10-09", "contests": 7}], "events[1].contests", "not a score event"),
])
def test_appeal_errors_are_located(events, field, message):
    with pytest.raises(CaseError) as caught:
        evaluate(*events)
    assert caught.value.location.field == field
    assert message in caught.value.message


def test_late_appeal_in_the_cli_report(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "case.yaml"
    path.write_text(
        "rulebook: inner-mongolia\nas_of: 2025-12-31\nperson: {id: P, role: physician}\nevents:\n"
        "  - {kind: score, date: 2025-09-26, situation: '18.3.1', responsibility: primary, notice_received: 2025-09-28}\n"
        "  - {kind: appeal, date: 2025-10-20, contests: 0}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "engine", "evaluate", str(path)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "refused: late (deadline 2025-10-17)" in run.stdout
    assert "状态时间线 status timeline:" in run.stdout


def test_appeal_example_follows_the_schemas():
    import json
    from pathlib import Path

    import jsonschema

    from engine.base.schemas import load_schema
    from engine.base.documents import load_yaml_file

    case = load_yaml_file(str(Path(__file__).resolve().parent.parent / "examples" / "inner-mongolia-appeal.yaml")).data
    jsonschema.validate(case, load_schema("case"))
    result = RULEBOOK.evaluate(case)
    jsonschema.validate(json.loads(json.dumps(result)), load_schema("result"))
    assert result["decisions"][1]["amended_by"] == 4


def test_verification_overdue_without_result_is_a_warning():
    result = evaluate({"kind": "appeal", "date": "2025-10-09", "contests": 0}, as_of="2025-11-06")
    assert any("verification was due by 2025-11-05" in w for w in result["warnings"])
    result = evaluate({"kind": "appeal", "date": "2025-10-09", "contests": 0}, as_of="2025-11-05")
    assert not any("verification" in w for w in result["warnings"])


def test_appeal_references_use_the_enclosing_case_indices():
    """One person's events taken out of a larger case keep their indices (engine/attribution/feed.py)."""
    from engine.evaluate.person import evaluate_case

    case = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P", "role": "physician"},
            "events": [*BASE, {"kind": "appeal", "date": "2025-10-09", "contests": 5},
                       {"kind": "appeal_result", "date": "2025-10-20", "appeal": 9, "outcome": "amended",
                        "responsibility": "general"}]}
    result = evaluate_case(RULEBOOK, case, event_indices=[5, 9, 12])
    assert result["decisions"][0]["event"] == 5 and result["decisions"][0]["amended_by"] == 12
    assert result["appeals"][0]["contests"] == 5
