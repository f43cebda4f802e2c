"""Regression tests for the defects the one-way core removed (issue 11), and the core's contracts:
errors as values, every error of a rulebook at once, readings only from the rulebook."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

import pytest
import yaml

import engine
from engine import api
from engine.base.documents import load_yaml
from engine.errors import CaseError, InvalidRulebook, Location, RulebookError, YibaoError
from engine.rulebook.registry import compile_document
from engine.spec.names import CONSEQUENCE

ROOT = Path(__file__).resolve().parent.parent


def jining_with(patch) -> str:
    data = yaml.safe_load((ROOT / "rulebooks" / "jining.yaml").read_text(encoding="utf-8"))
    patch(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_obligation_suspension_without_months_fails_check_not_evaluation(tmp_path):
    # Defect 1: the second Consequence builder skipped the term check; evaluation then crashed.
    def suspend_without_months(data):
        rule = data["obligations"]["annual_test"]["consequences"][0]
        rule["action"] = "suspend"
        rule.pop("ban_years")
    path = tmp_path / "jining-bad.yaml"
    path.write_text(jining_with(suspend_without_months), encoding="utf-8")
    errors = api.check_rulebook(str(path))
    assert errors, "the broken obligation must fail yibao check"
    assert any("a suspension needs 'months'" in e.message and e.location.line and
               (e.location.field or "").startswith("obligations.annual_test.consequences[0]") for e in errors)


def test_institution_case_checks_its_readings(tmp_path):
    # Defect 2: an unknown reading was accepted silently, and with a staff ledger the error named a
    # field that does not exist.
    case = yaml.safe_load((ROOT / "examples" / "hainan-institution.yaml").read_text(encoding="utf-8"))
    case["parameters"] = {"after_tem": "normal"}
    with pytest.raises(CaseError) as caught:
        api.evaluate_institution(case)
    assert caught.value.location.field == "parameters.after_tem"
    assert caught.value.suggestion == "after_term" and "did you mean 'after_term'" in caught.value.message
    case["parameters"] = {"after_term": "forever"}
    with pytest.raises(CaseError) as caught:
        api.evaluate_institution(case)
    assert caught.value.location.field == "parameters.after_term"


def test_institution_case_reading_reaches_the_staff_ledgers():
    case = yaml.safe_load((ROOT / "examples" / "hainan-institution.yaml").read_text(encoding="utf-8"))
    base = api.evaluate_institution(case)
    assert {m["id"]: m["from"] for m in base["staff"]}["D"] == "ledger"


def test_errors_are_immutable_values():
    error = CaseError("bad", Location("f.yaml", 3, 4, "events[0].date"), suggestion="x", expected=["x", "y"])
    with pytest.raises(AttributeError):
        error.location = Location()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        error.message += "!"  # type: ignore[misc]
    moved = error.relocated(Location("g.yaml", 1, 1, "x"))
    assert type(moved) is CaseError and moved.message == "bad" and moved.expected == ("x", "y")
    assert error.location.file == "f.yaml"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is CaseError and again.one_line() == error.one_line() and again.suggestion == "x"


def test_a_rulebook_with_several_errors_raises_them_all_at_once(tmp_path):
    def break_twice(data):
        data["consequences"]["rules"][0]["when"] = "year_totl >= 5"
        data["consequences"]["rules"][1]["when"] = "year_total >= "
    path = tmp_path / "jining-two.yaml"
    path.write_text(jining_with(break_twice), encoding="utf-8")
    with pytest.raises(InvalidRulebook) as caught:
        engine.load_rulebook(str(path))
    assert len(caught.value.errors) == 2
    assert all(isinstance(e, RulebookError) and e.location.line for e in caught.value.errors)
    assert "(and 1 more)" in caught.value.message
    assert [e.one_line() for e in api.check_rulebook(str(path))] == [e.one_line() for e in caught.value.errors]
    assert pickle.loads(pickle.dumps(caught.value)).errors[1].one_line() == caught.value.errors[1].one_line()


MISSING_READING = """\
id: t-missing
title: t
document: T-1
effective: {from: "2025-01-01"}
scope: {roles: [physician]}
parameters:
  single_score_scope: {value: event, allowed: [event], interpretation: each event}
responsibility: {required: false}
scoring:
  tiers:
    - {tier: 1, article: 一, text: one, points: 12, situations: [{code: "1.1", text: x}]}
consequences:
  rules:
    - {id: t-12, article: 二, text: twelve, when: "year_total >= 12", action: terminate, ban_years: 1}
"""


def test_a_rulebook_that_omits_a_reading_the_engine_needs_fails_with_a_location():
    with pytest.raises(InvalidRulebook) as caught:
        compile_document(load_yaml(textwrap.dedent(MISSING_READING), "t-missing.yaml"))
    error = caught.value.errors[0]
    assert "repeated_termination" in error.message and "never assumes" in error.message
    assert (error.location.file, error.location.line) == ("t-missing.yaml", 14)


def test_a_name_is_filled_only_when_declared():
    with pytest.raises(KeyError):
        CONSEQUENCE.bind({}, {"year_totl": 3})
    with pytest.raises(KeyError):
        CONSEQUENCE.bind({}, {"year_total": 3}, needed={"single"})
    assert CONSEQUENCE.bind({"role": "nurse"}, {"year_total": 3}, needed={"role", "year_total"})["year_total"] == 3


def test_unknown_rulebook_in_a_case_file_points_into_the_file(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("rulebook: inner-mongolai\nas_of: 2025-12-31\nperson: {id: P, role: nurse}\nevents: []\n",
                    encoding="utf-8")
    with pytest.raises(YibaoError) as caught:
        api.evaluate_file(str(path))
    assert (caught.value.location.file, caught.value.location.line) == (str(path), 1)
    assert "did you mean 'inner-mongolia'" in caught.value.message
