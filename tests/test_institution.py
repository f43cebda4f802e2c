"""Institution-level evaluation (海南 第二十五条, 济宁 五（三）、六（三）): goldens, API, CLI, rule model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from engine.officer.golden import institution_golden_files, run_golden
from engine.base.schemas import load_schema

ROOT = Path(__file__).resolve().parent.parent
CASES = institution_golden_files()


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in CASES])
def test_institution_golden(path):
    outcome = run_golden(path)
    assert outcome.passed, "\n" + outcome.explain()


def test_there_are_institution_cases_for_both_rulebooks():
    assert len(institution_golden_files("hainan")) >= 6
    assert len(institution_golden_files("jining")) >= 5


def test_institution_case_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(load_schema("institution-case"))


def test_api_evaluates_a_plain_dict():
    import engine.api as api

    result = api.evaluate_institution({
        "rulebook": "hainan", "as_of": "2025-12-31", "institution": {"id": "H", "kind": "medical"},
        "staff": [{"id": "A", "role": "physician", "state": "suspended"}, {"id": "B", "role": "nurse"},
                  {"id": "C", "role": "nurse", "state": "terminated"}]})
    assert result["facts"]["share_suspended"] == pytest.approx(1 / 3, abs=1e-6)
    assert result["action"] == "none"
    assert result["trace"][0]["step"] == "facts"


def test_rulebook_without_institution_rules_warns():
    import engine.api as api

    result = api.evaluate_institution({
        "rulebook": "inner-mongolia", "as_of": "2025-12-31", "institution": {"id": "H", "kind": "medical"},
        "staff": [{"id": "A", "role": "physician", "state": "suspended"}]})
    assert result["action"] == "none"
    assert any("no institution rules" in w for w in result["warnings"])


def test_staff_count_below_listed_is_an_error():
    import engine.api as api
    from engine.errors import CaseError

    with pytest.raises(CaseError) as info:
        api.evaluate_institution({
            "rulebook": "jining", "as_of": "2024-12-31", "institution": {"id": "J", "kind": "medical", "staff_count": 1},
            "staff": [{"id": "A", "role": "physician"}, {"id": "B", "role": "nurse"}]})
    assert info.value.location.field == "institution.staff_count"


def _yibao(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_cli_institution_json_and_text():
    case = "tests/golden/hainan/institution/002-hospital-over-half-suspended.yaml"
    # The golden file wraps the case; write the case alone, as a user would.
    import yaml

    data = yaml.safe_load((ROOT / case).read_text(encoding="utf-8"))["case"]
    tmp = ROOT / ".pytest-institution-case.json"
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    try:
        run = _yibao("institution", str(tmp), "--json")
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        assert result["action"] == "suspend_agreement"
        assert result["measures"][0]["article"] == "第二十五条"
        text = _yibao("institution", str(tmp))
        assert text.returncode == 0 and "中止医保协议" in text.stdout and "第二十五条" in text.stdout
    finally:
        tmp.unlink()


def test_cli_institution_bad_input_one_located_line(tmp_path):
    bad = tmp_path / "inst.yaml"
    bad.write_text("rulebook: hainan\nas_of: 2025-12-31\ninstitution: {id: H, kind: medical}\nstaff:\n"
                   "  - {id: A, role: caregiver}\n", encoding="utf-8")
    run = _yibao("institution", str(bad))
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "inst.yaml:5:" in lines[0] and "staff[0].role" in lines[0]


@pytest.mark.parametrize("name", ["hainan-case.yaml", "jining-case.yaml"])
def test_examples_evaluate(name):
    run = _yibao("evaluate", f"examples/{name}", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    jsonschema.validate(result, load_schema("result"))


def test_jining_report_shows_points_left():
    run = _yibao("evaluate", "examples/jining-case.yaml")
    assert run.returncode == 0, run.stderr
    assert "剩余分值 points left: 6 of 12" in run.stdout


def test_example_institution_case():
    run = _yibao("institution", "examples/hainan-institution.yaml", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["action"] == "suspend_agreement"
