"""Issue 12 (legal fidelity, second reading): no result the rulebook does not decide, several terms at
once, and the invariants of AMBIGUITIES 12 on generated ledgers."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.base.documents import load_yaml
from engine.errors import CaseError, InvalidRulebook, NotSupported
from engine.rulebook.registry import compile_document

LIAONING = engine.load_rulebook("liaoning")

NO_TERMINATED_RULE = """\
id: t-gap
title: t
document: T-1
effective: {from: "2025-01-01"}
scope: {roles: [physician]}
parameters:
  single_score_scope: {value: event, allowed: [event], interpretation: each event}
  repeated_termination: {value: heavier_only, allowed: [heavier_only], interpretation: from its day}
responsibility: {required: false}
scoring:
  tiers:
    - {tier: 1, article: 一, text: one, points: 12, situations: [{code: "1.1", text: x}]}
consequences:
  rules:
    - {id: t-12, article: 二, text: twelve, when: "year_total >= 12", action: terminate, ban_years: 1}
settlement:
  - {id: settle-normal, article: 三, text: normal, when: "state == 'normal'", settled: "true"}
"""


def test_a_claim_no_settlement_rule_covers_is_an_error_not_a_default():
    rulebook = compile_document(load_yaml(NO_TERMINATED_RULE, "t-gap.yaml"))
    case = {"as_of": "2025-12-31", "person": {"id": "X", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-05-01", "situation": "1.1"},
                       {"kind": "claim", "date": "2025-06-01"}]}
    with pytest.raises(NotSupported) as caught:
        rulebook.evaluate(case)
    assert "no settlement rule of t-gap" in caught.value.message and "terminated" in caught.value.message


def test_a_restoration_under_a_rulebook_without_a_restoration_procedure_is_refused():
    national = engine.load_rulebook("national")
    case = {"rulebook": "national", "as_of": "2025-12-31", "person": {"id": "X", "role": "physician"},
            "events": [{"kind": "restoration", "date": "2025-06-01", "passed": True}]}
    with pytest.raises(CaseError) as caught:
        national.evaluate(case)
    assert caught.value.location.field == "events[0].kind" and "restoration" in caught.value.message


def test_a_measure_suspension_lasts_the_institutions_term_only():
    text = textwrap.dedent(NO_TERMINATED_RULE) + textwrap.dedent("""\
        institution_measures:
          rules:
            - {id: m, article: 四, text: m, measure: agreement_suspended, when: "true", action: suspend, term: own}
        """)
    with pytest.raises(InvalidRulebook) as caught:
        compile_document(load_yaml(text, "t-own.yaml"))
    assert any(e.location.field == "institution_measures.rules[0].term" for e in caught.value.errors)


def test_a_score_consequence_reads_the_situation_code():
    rulebook = engine.load_rulebook("inner-mongolia")
    licence = next(rule for rule in rulebook.consequences if rule.id == "terminate-licence-lost")
    assert licence.cause == "licence" and "situation" in licence.when.names


# -- AMBIGUITIES 12 on generated 辽宁 ledgers --------------------------------------------------------------

START = dt.date(2025, 3, 1)
CODES = sorted(code for code, s in LIAONING.situations.items() if code != "23.3")


@st.composite
def ledgers_with_a_measure(draw):
    events = []
    for number in range(draw(st.integers(0, 3))):
        day = START + dt.timedelta(days=draw(st.integers(0, 200)))
        events.append({"kind": "score", "date": day.isoformat(), "inspection": f"I{number}",
                       "situation": draw(st.sampled_from(CODES)),
                       "responsibility": draw(st.sampled_from(["general", "important", "primary"]))})
    begin = START + dt.timedelta(days=draw(st.integers(0, 200)))
    end = begin + dt.timedelta(days=draw(st.integers(0, 120)))
    events.append({"kind": "institution_measure", "date": begin.isoformat(), "measure": "agreement_suspended",
                   "responsible": True, "until": end.isoformat()})
    repairs = []
    for _ in range(draw(st.integers(1, 4))):
        day = START + dt.timedelta(days=draw(st.integers(0, 330)))
        repairs.append({"kind": "repair", "date": day.isoformat(), "way": "exam", "points": draw(st.integers(1, 3))})
    return events, repairs, begin, end


def state_on(result, day: dt.date) -> str:
    found = "normal"
    for period in result["timeline"]:
        if period["from"] is None or dt.date.fromisoformat(period["from"]) <= day:
            found = period["state"]
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers_with_a_measure())
def test_the_institutions_term_holds_whatever_the_persons_repairs(drawn):
    """第二十八条 + AMBIGUITIES 12: on every day of the institution's term the person is not normal,
    with or without repairs; repairs never make a day of the person's status lighter than the
    institution's term makes it, and never shorten that term."""
    events, repairs, begin, end = drawn
    base = {"rulebook": "liaoning", "as_of": "2026-03-31", "person": {"id": "P", "role": "physician"}}
    without = LIAONING.evaluate({**base, "events": events}, trace=False)
    repaired = LIAONING.evaluate({**base, "events": events + repairs}, trace=False)
    for result in (without, repaired):
        measure = result["institution_measures"][0]
        assert measure["action"] == "suspend" and measure["until"] == end.isoformat()
        day = begin
        while day <= end:
            assert state_on(result, day) != "normal", day
            day += dt.timedelta(days=1)
