"""The `yibao` command as a user runs it: exit codes, one located error line, nothing half-printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rulebooks" / "inner-mongolia.yaml"


def yibao(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=60)


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def test_evaluate_json_follows_the_contract():
    run = yibao("evaluate", "examples/inner-mongolia-case.yaml", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["years"] == {"2025": {"points": 15, "repaired": 2, "net": 13}}
    assert [d["action"] for d in result["decisions"]] == ["warn", "warn", "terminate"]
    assert result["status"]["state"] == "terminated"
    assert [c["settled"] for c in result["claims"]] == [False, True]
    assert all(step["article"] for step in result["trace"] if step["step"] == "consequence")


def test_evaluate_text_report_names_the_articles():
    run = yibao("evaluate", "examples/inner-mongolia-case.yaml")
    assert run.returncode == 0, run.stderr
    assert "第十九条（三）" in run.stdout and "terminated" in run.stdout


def test_check_accepts_the_rulebook():
    run = yibao("check", "inner-mongolia")
    assert run.returncode == 0, run.stderr
    assert "ok" in run.stdout


def test_check_reports_every_error_of_a_broken_copy_with_file_line_column(tmp_path):
    text = RULEBOOK.read_text(encoding="utf-8")
    text = text.replace('when: "year_total >= 10"', 'when: "year_totl >= 10"')
    text = text.replace('when: "single >= 11"', 'when: "single >= 11 and date + 3 > date"')
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    run = yibao("check", str(broken))
    assert run.returncode == 2
    assert run.stdout == ""
    first = line_of(text, "year_totl")
    second = line_of(text, "date + 3")
    assert f"broken.yaml:{first}:14: consequences.rules[3].when: unknown name 'year_totl'" in run.stderr
    assert "did you mean 'year_total'?" in run.stderr
    assert f"broken.yaml:{second}:" in run.stderr and "cannot apply '+' to date and number" in run.stderr
    assert "2 error(s)" in run.stderr


def test_check_reports_a_schema_error_at_its_line(tmp_path):
    text = RULEBOOK.read_text(encoding="utf-8").replace("action: terminate", "action: terminat", 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    run = yibao("check", str(broken))
    assert run.returncode == 2
    line = line_of(text, "action: terminat")
    assert f"broken.yaml:{line}:15: consequences.rules[7].action: 'terminat' is not allowed" in run.stderr
    assert "did you mean 'terminate'?" in run.stderr


@pytest.mark.parametrize("event, field, words", [
    ('{kind: score, date: 2025-04-10, situation: "18.2.9", responsibility: general}', "events[0].situation", "unknown situation"),
    ('{kind: score, date: 2025-04-10, situation: "18.2.1", responsibility: general, points: 6}', "events[0].points", "expected 4"),
    ('{kind: score, date: 2025-02-30, situation: "18.2.1", responsibility: general}', "events[0].date", "is not a date"),
    ('{kind: repair, date: 2025-04-10, way: lottery}', "events[0].way", "unknown repair way"),
    ('{kind: score, date: 2025-02-10, situation: "18.2.1", responsibility: general}', "events[0].date", "2025-03-01"),
])
def test_bad_case_gives_one_located_line_and_exit_2(tmp_path, event, field, words):
    case = tmp_path / "case.yaml"
    case.write_text(f"rulebook: inner-mongolia\nas_of: 2025-12-31\nperson: {{id: P1, role: physician}}\nevents:\n  - {event}\n",
                    encoding="utf-8")
    run = yibao("evaluate", str(case), "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: {case}:5:") and f": {field}: " in lines[0] and words in lines[0]


def test_unknown_rulebook_is_named_in_the_case(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("rulebook: inner-mongolai\nas_of: 2025-12-31\nperson: {id: P1, role: physician}\nevents: []\n", encoding="utf-8")
    run = yibao("evaluate", str(case))
    assert run.returncode == 2
    assert f"{case}:1:11: rulebook: unknown rulebook 'inner-mongolai'" in run.stderr
    assert "did you mean 'inner-mongolia'?" in run.stderr


def test_list_shows_inner_mongolia():
    run = yibao("list", "--json")
    assert run.returncode == 0
    assert "inner-mongolia" in [row["id"] for row in json.loads(run.stdout)]


def test_console_script_is_installed():
    script = shutil.which("yibao", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the project is not installed in this interpreter's environment")
    run = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "evaluate" in run.stdout
