"""Readings follow the rulebook version in force (issue 12, item 2).

Two versions of one test rulebook: the first (2025-01-01 … 2025-06-30) suspends at 9 points for one
month and reads a suspension's end as `normal`; the second (from 2025-07-01) reads it as
`awaiting_restoration`, adds a restoration procedure, a termination at 12 points and the reading
that termination needs (`repeated_termination`). Every expectation below is counted by hand from
these two texts (民法典 第二百零二条: a term of one month from 05-01 ends on 06-01).
"""

from __future__ import annotations

import textwrap

import pytest

from engine import api
from engine.errors import InvalidRulebook
from engine.rulebook.registry import compile_document
from engine.base.documents import load_yaml

COMMON = """\
id: t-rd
title: readings by version
document: RD-{n}
completeness: complete
scope: {{roles: [physician]}}
responsibility: {{required: false}}
scoring:
  aggregation: {{article: 第一条, text: 同一行为按最高分值记分, same_behaviour: max}}
  tiers:
    - {{tier: 1, article: 第一条, text: 三分, points: 3, situations: [{{code: "1.1", text: a, catch_all: true}}]}}
    - {{tier: 2, article: 第二条, text: 九分, points: 9, situations: [{{code: "2.1", text: b, catch_all: true}}]}}
    - {{tier: 3, article: 第三条, text: 十二分, points: 12, situations: [{{code: "3.1", text: c, catch_all: true}}]}}
settlement:
  - {{id: settle-normal, article: 第五条, text: n, when: "state == 'normal'", settled: "true"}}
  - {{id: settle-suspended, article: 第五条, text: s, when: "state == 'suspended'", settled: "emergency"}}
  - {{id: settle-terminated, article: 第五条, text: t, when: "state == 'terminated'", settled: "false"}}
"""

FIRST = COMMON.format(n=1) + """\
effective: {from: "2025-01-01", until: "2025-06-30"}
parameters:
  single_score_scope: {value: event, allowed: [event, inspection], interpretation: each event is a single score}
  overlapping_suspension: {value: fresh, allowed: [fresh, extend], interpretation: a new term from the new decision}
  after_term:
    value: normal
    allowed: [normal, awaiting_restoration]
    interpretation: first version — normal the day after the term
consequences:
  rules:
    - {id: suspend-9, article: 第四条, text: 九分暂停一个月, when: "year_total >= 9", action: suspend, months: 1}
"""

SECOND_READINGS = """\
  after_term:
    value: awaiting_restoration
    allowed: [normal, awaiting_restoration]
    interpretation: second version — suspended until a restoration is passed
"""

REPEATED = """\
  repeated_termination:
    value: heavier_only
    allowed: [heavier_only, later_end]
    interpretation: second version — a ban counts from its termination
"""

SECOND = COMMON.format(n=2) + """\
effective: {from: "2025-07-01"}
parameters:
  single_score_scope: {value: event, allowed: [event, inspection], interpretation: each event is a single score}
  overlapping_suspension: {value: fresh, allowed: [fresh, extend], interpretation: a new term from the new decision}
""" + SECOND_READINGS + REPEATED + """\
consequences:
  rules:
    - {id: suspend-9, article: 第四条, text: 九分暂停一个月, when: "year_total >= 9", action: suspend, months: 1}
    - {id: terminate-12, article: 第六条, text: 十二分终止, when: "year_total >= 12", action: terminate, ban_years: 1}
restoration:
  article: 第七条
  text: 期满后经评估恢复
  allowed_when: "until == null or date > until"
"""


@pytest.fixture
def versions(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(tmp_path))
    (tmp_path / "t-rd.yaml").write_text(FIRST, encoding="utf-8")
    (tmp_path / "t-rd@2025-07.yaml").write_text(SECOND, encoding="utf-8")
    return api.load_rulebook("t-rd")


def case(*events, as_of="2025-12-31", **extra):
    return {"rulebook": "t-rd", "as_of": as_of, "person": {"id": "X", "role": "physician"},
            "events": list(events), **extra}


def periods(result):
    return [(p["state"], p["from"], p["until"], p["phase"]) for p in result["timeline"]]


def test_a_term_that_ends_under_the_first_version_ends_by_its_reading(versions):
    # 9 points on 05-01 → suspended to 06-01; 06-02 is under the first version (after_term normal),
    # even though the next event (08-01) is judged by the second.
    result = versions.evaluate(case({"kind": "score", "date": "2025-05-01", "tier": 2},
                                    {"kind": "claim", "date": "2025-08-01"}))
    assert periods(result) == [("normal", None, "2025-04-30", "normal"),
                               ("suspended", "2025-05-01", "2025-06-01", "term"),
                               ("normal", "2025-06-02", None, "normal")]
    assert result["timeline"][-1]["reading"] == "after_term=normal"
    assert result["claims"][0]["settled"] is True


def test_a_term_that_ends_under_the_second_version_ends_by_its_reading(versions):
    # 9 points on 06-15 (first version) → suspended to 07-15; 07-16 is under the second version
    # (after_term awaiting_restoration): still suspended on 07-20; restored on 07-25.
    result = versions.evaluate(case({"kind": "score", "date": "2025-06-15", "tier": 2},
                                    {"kind": "claim", "date": "2025-07-20"},
                                    {"kind": "restoration", "date": "2025-07-25", "passed": True}))
    assert periods(result) == [("normal", None, "2025-06-14", "normal"),
                               ("suspended", "2025-06-15", "2025-07-15", "term"),
                               ("suspended", "2025-07-16", "2025-07-24", "awaiting_restoration"),
                               ("normal", "2025-07-25", None, "normal")]
    assert result["claims"][0]["settled"] is False
    # Without events after the term, time passing to as_of is judged by the version in force then too.
    alone = versions.evaluate(case({"kind": "score", "date": "2025-06-15", "tier": 2}, as_of="2025-08-01"))
    assert alone["status"]["phase"] == "awaiting_restoration"


def test_a_reading_a_later_version_adds_is_used_and_named(versions):
    # The first version has no termination and no `repeated_termination`; the second adds both. Two
    # terminations under the second: 12 on 2025-08-01 (ban to 2026-08-01), 3 more on 2025-09-01 (a
    # ban of the same length: heavier_only keeps 2026-08-01).
    result = versions.evaluate(case({"kind": "score", "date": "2025-03-01", "tier": 1},
                                    {"kind": "score", "date": "2025-08-01", "tier": 2},
                                    {"kind": "score", "date": "2025-09-01", "tier": 1}))
    assert [d["action"] for d in result["decisions"]] == ["none", "terminate", "terminate"]
    assert result["status"] == {"as_of": "2025-12-31", "state": "terminated", "until": "2026-08-01",
                                "phase": "banned", "cause": "score"}
    named = {(i["id"], i["value"], i.get("version")) for i in result["interpretations"]}
    assert ("after_term", "normal", "2025-01-01") in named
    assert ("after_term", "awaiting_restoration", "2025-07-01") in named
    assert ("repeated_termination", "heavier_only", "2025-07-01") in named
    assert ("single_score_scope", "event", None) in named  # the same in both versions: named once
    assert [i["id"] for i in result["interpretations"]].count("single_score_scope") == 1
    assert any(step["step"] == "version" for step in result["trace"])


def test_a_case_choice_applies_to_every_version_that_allows_it(versions):
    # after_term: awaiting_restoration chosen by the case applies under the first version as well.
    result = versions.evaluate(case({"kind": "score", "date": "2025-05-01", "tier": 2},
                                    {"kind": "claim", "date": "2025-08-01"},
                                    parameters={"after_term": "awaiting_restoration"}))
    assert periods(result)[-1] == ("suspended", "2025-06-02", None, "awaiting_restoration")
    assert result["claims"][0]["settled"] is False
    values = {i["id"]: i["value"] for i in result["interpretations"]}
    assert values["after_term"] == "awaiting_restoration"


def test_a_version_without_the_reading_its_rules_need_fails_check_at_the_rule(tmp_path):
    text = SECOND.replace(REPEATED, "")
    with pytest.raises(InvalidRulebook) as caught:
        compile_document(load_yaml(textwrap.dedent(text), "t-rd@2025-07.yaml"))
    error = caught.value.errors[0]
    assert "repeated_termination" in error.message
    line = text.splitlines().index(next(l for l in text.splitlines() if "terminate-12" in l)) + 1
    assert (error.location.file, error.location.line) == ("t-rd@2025-07.yaml", line)
