"""The golden runner itself (issues 11, 13): sub-folders, explicit kinds, a schema, bad files as one failure each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from engine.base.schemas import load_schema
from engine.officer.golden import GOLDEN_ROOT, KINDS, golden_files, run_golden

ROOT = Path(__file__).resolve().parent.parent

GOOD = """kind: evaluate
title: 单次记分9分 → 暂停2个月
articles: [第十九条（二）]
derivation: 单次记分达到9分的，暂停医保支付资格2个月.
case:
  rulebook: inner-mongolia
  as_of: 2025-12-31
  person: {id: P1, role: physician}
  events:
    - {kind: score, date: 2025-04-10, situation: "18.3.1", responsibility: primary}
expect:
  decisions:
    - {action: suspend, months: 2}
"""


def yibao(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_every_golden_file_says_its_kind_and_follows_the_golden_schema():
    schema = load_schema("golden")
    jsonschema.Draft202012Validator.check_schema(schema)
    files = golden_files() + golden_files("compare")
    assert len(files) > 250
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / text.split("$schema=", 1)[1].split()[0]).resolve()
        assert target == ROOT / "schemas" / "golden.schema.json", path
        data = yaml.safe_load(text)
        assert data["kind"] in KINDS, path
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_institution_cases_are_golden_files_of_their_rulebook():
    hainan = golden_files("hainan")
    assert any(p.parent.name == "institution" for p in hainan)
    assert all(yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] == "institution"
               for p in hainan if p.parent.name == "institution")
    assert not any("orgs" in p.parts for p in golden_files("attribution"))  # organisations are not cases


def test_yibao_test_runs_the_sub_folders_like_the_test_suite():
    run = yibao("test", "hainan", "--json")
    assert run.returncode == 0, run.stdout[-2000:]
    data = json.loads(run.stdout)
    assert data["passed"] == len(golden_files("hainan")) and data["failed"] == 0
    assert sum(1 for case in data["cases"] if case["kind"] == "institution") >= 6


@pytest.mark.parametrize("text,words", [
    ("kind: evaluate\ntitle: [unclosed\n", "not valid YAML"),
    ("kind: evaluate\ntitle: no case\narticles: [第十九条]\nexpect: {status: {state: normal}}\n", "missing required field 'case'"),
    (GOOD.replace("kind: evaluate", "kind: evalute"), "'evalute' is not allowed"),
    (GOOD.replace("kind: evaluate\n", ""), "missing required field 'kind'"),
    (GOOD.split("expect:")[0], "nothing to check"),
    (GOOD.split("expect:")[0] + "expect: {}\n", "nothing to check"),
])
def test_a_bad_golden_file_is_one_located_failure_and_the_rest_still_runs(tmp_path, text, words):
    folder = tmp_path / "golden" / "inner-mongolia"
    folder.mkdir(parents=True)
    (folder / "001-bad.yaml").write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "002-good.yaml").write_text(GOOD, encoding="utf-8")
    outcome = run_golden(folder / "001-bad.yaml")
    assert not outcome.passed and outcome.problem is not None and words in outcome.problem.message
    assert outcome.problem.location.file == str(folder / "001-bad.yaml") and outcome.problem.location.line
    run = yibao("test", "inner-mongolia", "--golden", str(tmp_path / "golden"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stdout.strip().splitlines()[-1] == "1 passed, 1 failed"
    assert f"{folder / '001-bad.yaml'}:" in run.stdout and words in run.stdout


def test_yibao_test_json_gives_expected_actual_and_trace(tmp_path):
    folder = tmp_path / "golden" / "inner-mongolia"
    folder.mkdir(parents=True)
    (folder / "001-wrong.yaml").write_text(GOOD.replace("months: 2", "months: 1"), encoding="utf-8")
    run = yibao("test", "inner-mongolia", "--golden", str(tmp_path / "golden"), "--json")
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert (data["passed"], data["failed"]) == (0, 1)
    case = data["cases"][0]
    assert case["mismatches"] == [{"field": "decisions[0].months", "expected": 1, "actual": 2}]
    assert case["trace"] and case["kind"] == "evaluate"


def test_the_new_case_skeleton_names_its_kind_and_schema():
    run = yibao("new-case", "hainan")
    assert run.stdout.startswith("# yaml-language-server: $schema=../../../schemas/golden.schema.json\n")
    assert "\nkind: evaluate" in run.stdout


def test_golden_root_is_the_projects():
    assert GOLDEN_ROOT == ROOT / "tests" / "golden"
