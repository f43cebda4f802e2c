"""The officers' commands as a person runs them: yibao diff, yibao test, yibao new-case, yibao docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rulebooks" / "inner-mongolia.yaml"
TEST_RULEBOOKS = ROOT / "tests" / "data" / "rulebooks"


def yibao(*args, cwd=None, extra_rulebooks=True):
    env = dict(os.environ)
    if extra_rulebooks:
        env["YIBAO_RULEBOOKS"] = str(TEST_RULEBOOKS)
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120, env=env)


# -- yibao diff ------------------------------------------------------------------------------------------

def test_diff_of_a_rulebook_with_itself_is_empty():
    run = yibao("diff", "inner-mongolia", str(RULEBOOK))
    assert run.returncode == 0, run.stderr
    assert "no differences" in run.stdout


def test_diff_reports_a_changed_threshold_by_rule_and_by_outcome(tmp_path):
    edited = tmp_path / "inner-mongolia.yaml"
    text = RULEBOOK.read_text(encoding="utf-8")
    text = text.replace("""      when: "single >= 9"
      action: suspend
      measure: 暂停医保支付资格
      months: 2""", """      when: "single >= 9"
      action: suspend
      measure: 暂停医保支付资格
      months: 3""")
    text = text.replace('        - code: "18.3.2"', '        - code: "18.3.3"\n          text: 新增情形。\n        - code: "18.3.2"')
    edited.write_text(text, encoding="utf-8")
    run = yibao("diff", str(RULEBOOK), str(edited))
    assert run.returncode == 1, run.stderr
    assert "~ consequence.suspend-single-9.months: 2 → 3" in run.stdout
    assert "+ situation.18.3.3" in run.stdout
    assert "~ single 9 points: 暂停 2 个月 suspend 2 mo → 暂停 3 个月 suspend 3 mo" in run.stdout
    run = yibao("diff", str(RULEBOOK), str(edited), "--json")
    data = json.loads(run.stdout)
    changes = {(c["section"], c["path"]): c for c in data["changes"]}
    assert changes[("consequences", "consequence.suspend-single-9.months")] == {
        "section": "consequences", "path": "consequence.suspend-single-9.months", "change": "changed", "a": 2, "b": 3}
    assert changes[("situations", "situation.18.3.3")]["change"] == "added"
    assert data["count"] == len(data["changes"]) == 3


def test_diff_between_two_provinces_covers_every_section():
    run = yibao("diff", "inner-mongolia", "sample-county", "--json")
    assert run.returncode == 1, run.stderr
    sections = {c["section"] for c in json.loads(run.stdout)["changes"]}
    assert {"metadata", "scope", "parameters", "situations", "consequences", "outcomes", "repair", "settlement"} <= sections
    text = yibao("diff", "inner-mongolia", "sample-county").stdout
    assert "- scope.roles: billing_reviewer" in text
    assert "+ repair.ways.publicity" in text
    assert "~ settlement.settle-terminated.settled: emergency → false" in text


def test_diff_of_an_unknown_rulebook_is_one_error_line():
    run = yibao("diff", "inner-mongolia", "inner-mongolai")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "did you mean 'inner-mongolia'" in run.stderr


# -- yibao test --------------------------------------------------------------------------------------------

def test_yibao_test_runs_a_rulebooks_golden_cases():
    run = yibao("test", "inner-mongolia", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1].endswith("passed, 0 failed")


def test_yibao_test_explains_a_failure_in_plain_words(tmp_path):
    folder = tmp_path / "golden" / "inner-mongolia"
    folder.mkdir(parents=True)
    (folder / "001-wrong.yaml").write_text("""kind: evaluate
title: 单次记分9分 — a deliberately wrong expectation
articles: [第十九条（二）]
derivation: 单次记分达到9分的，暂停医保支付资格2个月 (this case wrongly expects 1).
case:
  rulebook: inner-mongolia
  as_of: 2025-12-31
  person: {id: P1, role: physician}
  events:
    - {kind: score, date: 2025-04-10, situation: "18.3.1", responsibility: primary}
expect:
  decisions:
    - {action: suspend, months: 1}
""", encoding="utf-8")
    (folder / "002-right.yaml").write_text("""kind: evaluate
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
""", encoding="utf-8")
    run = yibao("test", "inner-mongolia", "--golden", str(tmp_path / "golden"))
    assert run.returncode == 1
    out = run.stdout
    assert "FAIL" in out and "001-wrong.yaml" in out and "单次记分9分 — a deliberately wrong expectation" in out
    assert "处理决定 decision #1 → 暂停月数 months [decisions[0].months]: expected 预期 1, but the engine gives 实际 2" in out
    assert "第十九条（二）" in out and "suspend" in out  # the trace, with articles
    assert "通过 ok" in out and "002-right.yaml" in out
    assert out.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_yibao_test_of_an_unknown_rulebook_exits_2():
    run = yibao("test", "inner-mongolai")
    assert run.returncode == 2 and "did you mean 'inner-mongolia'" in run.stderr


# -- yibao new-case -----------------------------------------------------------------------------------------

def test_new_case_skeleton_lists_the_rulebook_and_fails_until_filled_in(tmp_path, monkeypatch):
    for rid in ("inner-mongolia", "sample-county"):
        target = tmp_path / f"{rid}.yaml"
        run = yibao("new-case", rid, "-o", str(target))
        assert run.returncode == 0, run.stderr
        text = target.read_text(encoding="utf-8")
        import engine

        monkeypatch.setenv("YIBAO_RULEBOOKS", str(TEST_RULEBOOKS))
        rb = engine.load_rulebook(rid)
        for code in rb.situations:
            assert f'"{code}"' in text
        for role in rb.roles:
            assert role in text
        for way in rb.repair.ways:
            assert way in text
        data = yaml.safe_load(text)
        assert data["case"]["rulebook"] == rid and data["articles"]
        rb.evaluate(data["case"])  # the skeleton's case is a valid case as it stands
        run = yibao("test", str(target))
        assert run.returncode == 1 and "FILL_IN" in run.stdout  # unfilled expectations never pass silently
    run = yibao("new-case", "inner-mongolia", "-o", str(tmp_path / "inner-mongolia.yaml"))
    assert run.returncode == 2 and "exists" in run.stderr


def test_new_case_only_writes_a_plain_case_for_evaluate(tmp_path):
    run = yibao("new-case", "inner-mongolia", "--case-only")
    assert run.returncode == 0
    target = tmp_path / "case.yaml"
    target.write_text(run.stdout, encoding="utf-8")
    run = yibao("evaluate", str(target), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["decisions"][0]["situation"] == "18.1.1"


# -- yibao docs ---------------------------------------------------------------------------------------------

def test_yibao_docs_writes_pages_for_every_rulebook(tmp_path):
    run = yibao("docs", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "rulebooks" / "inner-mongolia.md").is_file()
    assert (tmp_path / "rulebooks" / "sample-county.md").is_file()
    assert (tmp_path / "compare" / "index.md").is_file() and (tmp_path / "compare" / "suspension-cumulative.svg").is_file()


def test_yibao_test_runs_comparison_files_and_names_the_rulebook_that_differs(tmp_path):
    folder = tmp_path / "golden" / "compare"
    folder.mkdir(parents=True)
    (folder / "01-single-9.yaml").write_text("""kind: compare
title: 单次记分9分 — hainan deliberately wrong
articles: {inner-mongolia: [第十九条（二）], hainan: [第二十四条（二）]}
derivation: {inner-mongolia: 单次9 → 2个月, hainan: 累计9 → 2个月 (this case wrongly expects 3)}
case:
  as_of: 2025-12-31
  person: {id: P1, role: physician}
  events:
    - {kind: score, date: 2025-06-02, tier: 3, responsibility: primary}
expect:
  inner-mongolia: {decisions: [{action: suspend, months: 2}]}
  hainan: {decisions: [{action: suspend, months: 3}]}
not_applicable:
  jining: no 9-point class
""", encoding="utf-8")
    run = yibao("test", "compare", "--golden", str(tmp_path / "golden"))
    assert run.returncode == 1, run.stdout + run.stderr
    out = run.stdout
    assert "FAIL" in out and "01-single-9.yaml" in out
    assert "规则集 rulebook hainan: 处理决定 decision #1 → 暂停月数 months" in out
    assert "expected 预期 3, but the engine gives 实际 2" in out
    assert "inner-mongolia" not in out.split("不一致 what differs:")[1].split("引擎的依据")[0]
    assert out.strip().splitlines()[-1] == "0 passed, 1 failed"
