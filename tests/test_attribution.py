"""Responsibility attribution: the organisation graph, the DSL over it, the annex rules, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

import engine
from engine.org.graph import build_org, load_org_file
from engine.dsl.compiler import compile_expression
from engine.org.functions import ATTRIBUTION_FUNCTIONS, ATTRIBUTION_NAMES, ORG_KEY
from engine.errors import AttributionError, DslTypeError, OrgError
from engine.officer.golden import golden_files
from engine.base.schemas import load_schema
from engine.base.documents import load_yaml

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "tests" / "golden" / "attribution" / "orgs" / "hospital.yaml"
NO_ATTRIBUTION = ROOT / "tests" / "rulebooks" / "no-attribution.yaml"


def yibao(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def org():
    return load_org_file(str(ORG))


def test_the_organisation_is_a_graph(org):
    graph = org.graph
    assert graph.nodes["H1"]["kind"] == "institution"
    assert graph.edges["H1", "INT"]["rel"] == "contains"
    assert graph.edges["W1", "G1"]["rel"] == "contains"
    assert graph.edges["G1", "D0"]["rel"] == "head"
    assert graph.edges["G1", "D1"]["rel"] == "member"
    assert graph.edges["H1", "L1"]["rel"] == "legal_representative"
    assert org.role_of("D1") == "physician" and org.role_of("U1") == "nurse" and org.role_of("B1") is None


@pytest.mark.parametrize("text, expected", [
    ("groups(involved)", ("G1", "G2")),
    ("wards(involved)", ("W1",)),
    ("leader_of(groups(involved))", ("D0", "D5")),
    ("director_of(wards(involved))", ("Z1",)),
    ("department_head_of(involved)", ("K1",)),
    ("head_nurse_of(nursing_units(['U1', 'U3']))", None),  # a list literal is not persons: type error
    ("count(involved)", 3),
    ("count(outside(involved, groups(involved)))", 0),
    ("'D6' in involved", True),
    ("legal_representative", ("L1",)),
    ("union(involved, legal_representative)", ("D1", "D2", "D6", "L1")),
    ("without(involved, ['D1'])", None),
])
def test_graph_functions(org, text, expected):
    names = dict(ATTRIBUTION_NAMES)
    if expected is None:
        with pytest.raises(DslTypeError):
            compile_expression(text, names, functions=ATTRIBUTION_FUNCTIONS)
        return
    expr = compile_expression(text, names, functions=ATTRIBUTION_FUNCTIONS)
    env = {"involved": ("D1", "D2", "D6"), "legal_representative": ("L1",), ORG_KEY: org}
    assert expr(env) == expected


def test_leader_of_persons_is_a_type_error_at_the_argument():
    with pytest.raises(DslTypeError) as caught:
        compile_expression("leader_of(involved)", dict(ATTRIBUTION_NAMES), functions=ATTRIBUTION_FUNCTIONS)
    assert "leader_of() expects units here, got persons" in str(caught.value)


def test_a_rulebook_without_attribution_reports_not_defined():
    rulebook = engine.load_rulebook(str(NO_ATTRIBUTION))
    assert rulebook.attribution is None
    case = {"violation": 1, "involved": ["D1"], "org_file": str(ORG)}
    with pytest.raises(AttributionError) as caught:
        rulebook.attribute(case)
    assert "not defined for this jurisdiction" in caught.value.message


def test_cli_attribute_without_section_exits_2(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(f"violation: 1\ninvolved: [D1]\norg_file: {ORG}\n", encoding="utf-8")
    run = yibao("attribute", str(case), "--rulebook", str(NO_ATTRIBUTION))
    assert run.returncode == 2 and run.stdout == ""
    assert "not defined for this jurisdiction" in run.stderr


def test_cli_attribute_json_follows_the_schema(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(f"rulebook: inner-mongolia\nviolation: 10\ninvolved: [D1, D6, U1]\norg_file: {ORG}\n", encoding="utf-8")
    run = yibao("attribute", str(case), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    jsonschema.validate(result, load_schema("attribution-result"))
    assert [(a["person"], a["responsibility"]) for a in result["assignments"]] == [
        ("D1", "general"), ("D6", "general"), ("U1", "general"), ("K1", "important"), ("L1", "primary")]
    text = yibao("attribute", str(case))
    assert text.returncode == 0 and "K1" in text.stdout and "重要责任" in text.stdout


def test_cli_attribute_error_is_one_located_line(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(f"rulebook: inner-mongolia\nviolation: 1\ninvolved: [D1, D99]\norg_file: {ORG}\n", encoding="utf-8")
    run = yibao("attribute", str(case))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(f"error: {case}:3:16: involved[1]: unknown person 'D99'")


ATTRIBUTION_GOLDEN = [p for p in golden_files("attribution")
                      if "kind: attribution" in p.read_text(encoding="utf-8")
                      and "expect_error" not in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", ATTRIBUTION_GOLDEN, ids=[p.stem for p in ATTRIBUTION_GOLDEN])
def test_golden_attribution_results_follow_the_schema(path):
    from engine.base.documents import load_yaml_file

    data = load_yaml_file(str(path)).data
    jsonschema.validate(data["case"], load_schema("attribution-case"))
    result = engine.load_rulebook("inner-mongolia").attribute(data["case"], source=str(path))
    jsonschema.validate(json.loads(json.dumps(result)), load_schema("attribution-result"))


def test_org_schema_and_new_schemas_are_valid():
    for name in ("org", "attribution-case", "attribution-result"):
        jsonschema.Draft202012Validator.check_schema(load_schema(name))


def test_a_bad_attribution_rule_is_a_located_rulebook_error(tmp_path):
    text = (ROOT / "rulebooks" / "inner-mongolia.yaml").read_text(encoding="utf-8")
    broken = text.replace('who: "leader_of(groups(involved))"', 'who: "leader_of(involved)"', 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    errors = engine.api.check_rulebook(str(path))
    assert errors and "leader_of() expects units here, got persons" in errors[0].message
    line = next(n for n, l in enumerate(broken.splitlines(), 1) if 'who: "leader_of(involved)"' in l)
    assert errors[0].location.line == line


def test_inline_org_errors_point_into_the_case():
    document = load_yaml("org:\n  institution: H1\n  units:\n    - {id: G1, kind: group, parent: H1}\n", "case.yaml")
    with pytest.raises(OrgError) as caught:
        build_org(document.data["org"], document, ("org",))
    assert caught.value.location.line == 4
    assert "cannot sit directly under" in caught.value.message


PEOPLE = ["D0", "D1", "D2", "D5", "D6", "D7", "D8", "U1", "U2", "U3", "B1", "B2", "Z1", "K1"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=6, unique=True), st.sampled_from([9, 10, 11, 12]),
       st.sampled_from(["department", "ward"]))
def test_fraud_rows_invariants(involved, row, reading):
    rulebook = engine.load_rulebook("inner-mongolia")
    result = rulebook.attribute({"violation": row, "involved": involved, "org_file": str(ORG),
                                 "parameters": {"department_head": reading}})
    people = [a["person"] for a in result["assignments"]]
    assert len(people) == len(set(people)), "one level per person per finding"
    levels = {a["person"]: a["responsibility"] for a in result["assignments"]}
    if len(involved) <= 2:
        assert levels == {p: "primary" for p in involved}
    else:
        assert set(involved) <= set(levels) and levels["L1"] == "primary"
        assert all(levels[p] in ("general", "important", "primary") for p in involved)
    assert result["choices"] == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5, unique=True), st.sampled_from(["shift", "add"]))
def test_row1_either_attributes_or_says_not_covered(involved, reading):
    rulebook = engine.load_rulebook("inner-mongolia")
    try:
        result = rulebook.attribute({"violation": 1, "involved": involved, "org_file": str(ORG),
                                     "parameters": {"supervisor_liability": reading}})
    except AttributionError as error:
        assert "does not" in error.message or "covers" in error.message
        return
    levels = {a["person"]: a["responsibility"] for a in result["assignments"]}
    assert set(levels.values()) == {"general"}
    if reading == "add" or len(involved) == 1:
        assert set(involved) <= set(levels)


def test_examples_run_from_the_cli():
    run = yibao("attribute", "examples/inner-mongolia-attribution.yaml")
    assert run.returncode == 0, run.stderr
    assert "L1" in run.stdout and "主要责任" in run.stdout
    run = yibao("evaluate", "examples/inner-mongolia-finding.yaml")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("人员 person:") == 5
    run = yibao("evaluate", "examples/inner-mongolia-finding.yaml", "--json")
    result = json.loads(run.stdout)
    jsonschema.validate(result, load_schema("result"))
    assert list(result["persons"]) == ["D1", "D2", "U1", "K1", "L1"]
    for one in result["persons"].values():
        jsonschema.validate(one, load_schema("result"))


def test_single_person_results_without_attribution_are_unchanged(inner_mongolia):
    case = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P1", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-04-10", "situation": "18.3.1", "responsibility": "primary"}]}
    result = inner_mongolia.evaluate(case)
    assert "attributions" not in result and "persons" not in result
    assert result["decisions"][0]["points"] == 9


def test_hit_all_applies_every_rule_that_holds(tmp_path):
    text = NO_ATTRIBUTION.read_text(encoding="utf-8") + '''
attribution:
  article: 附表
  groups:
    - id: all
      hit: all
      rows: [{row: 1, id: test-row, text: 测试}]
      text: 测试
      rules:
        - {id: everyone, text: 相关人员一般责任, assign: [{who: "involved", level: general}]}
        - {id: leaders, text: 组长重要责任, when: "count(groups(involved)) == 1",
           assign: [{who: "leader_of(groups(involved))", level: important}]}
'''
    path = tmp_path / "hit-all.yaml"
    path.write_text(text, encoding="utf-8")
    rulebook = engine.load_rulebook(str(path))
    result = rulebook.attribute({"violation": "test-row", "involved": ["D0", "D1"], "org_file": str(ORG)})
    assert [(a["person"], a["responsibility"], a["rule"]) for a in result["assignments"]] == [
        ("D0", "important", "leaders"), ("D1", "general", "everyone")]
