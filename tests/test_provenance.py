"""Every result names the exact rules that produced it: ``provenance`` (engine version, rulebook id,
version and SHA-256 of the merged rulebook content), the same across runs, processes and checkouts,
different when one number of the rules differs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import engine
from engine.rulebook.provenance import provenance

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inner-mongolia-case.yaml"
KEYS = {"engine_version", "rulebook_id", "rulebook_version", "rulebook_sha256"}


def _hash_in_a_new_process(target: str, cwd: Path, seed: str) -> str:
    code = "import sys, engine; print(engine.api.rulebook_provenance(sys.argv[1])['rulebook_sha256'])"
    env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, target], capture_output=True, text=True, cwd=cwd, env=env,
                          check=True).stdout.strip()


def test_the_hash_is_the_same_across_processes_and_checkout_paths(tmp_path):
    here = provenance(engine.load_rulebook("inner-mongolia"))["rulebook_sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", here)
    assert _hash_in_a_new_process("inner-mongolia", tmp_path, "1") == here
    assert _hash_in_a_new_process("inner-mongolia", tmp_path, "2") == here
    # Another checkout: the same files elsewhere (and reformatted: comments and layout do not count).
    other = tmp_path / "other-checkout" / "rulebooks"
    other.mkdir(parents=True)
    text = (ROOT / "rulebooks" / "inner-mongolia.yaml").read_text(encoding="utf-8")
    (other / "inner-mongolia.yaml").write_text("# a comment that changes nothing\n" + text, encoding="utf-8")
    assert _hash_in_a_new_process(str(other / "inner-mongolia.yaml"), tmp_path, "3") == here


def test_one_changed_number_changes_the_hash_and_a_parent_changes_its_children(tmp_path):
    text = (ROOT / "rulebooks" / "inner-mongolia.yaml").read_text(encoding="utf-8")
    changed = re.sub(r"year_total >= 9\b", "year_total >= 10", text, count=1)
    assert changed != text
    (tmp_path / "inner-mongolia.yaml").write_text(changed, encoding="utf-8")
    base = provenance(engine.load_rulebook("inner-mongolia"))["rulebook_sha256"]
    assert provenance(engine.load_rulebook(str(tmp_path / "inner-mongolia.yaml")))["rulebook_sha256"] != base
    # weihai extends shandong extends national: its hash covers the merged content.
    weihai = engine.load_rulebook("weihai")
    assert provenance(weihai)["rulebook_sha256"] != provenance(engine.load_rulebook("shandong"))["rulebook_sha256"]


def test_provenance_is_in_every_result_shape(tmp_path):
    rulebook = engine.load_rulebook("inner-mongolia")
    expected = provenance(rulebook)
    assert set(expected) == KEYS and expected["rulebook_version"] == "2025-03-01/.."
    from engine.base.documents import load_yaml_file

    case = load_yaml_file(str(EXAMPLE)).data
    result = rulebook.evaluate(case)
    assert result["provenance"] == expected
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(result, schema)
    assert rulebook.can_settle(case, "2025-10-03")["provenance"] == expected
    assert engine.deadline("inner-mongolia", "appeal", "2025-09-28")["provenance"] == expected
    finding = engine.api.evaluate_file(str(ROOT / "examples" / "inner-mongolia-finding.yaml"), trace=False)
    assert finding["provenance"] == expected and all(p["provenance"] == expected for p in finding["persons"].values())
    jsonschema.validate(finding, schema)
    attributed = engine.api.attribute_file(str(ROOT / "examples" / "inner-mongolia-attribution.yaml"))
    jsonschema.validate(attributed, json.loads((ROOT / "schemas" / "attribution-result.schema.json").read_text()))
    assert attributed["provenance"] == expected
    institution = engine.api.evaluate_institution_file(str(ROOT / "examples" / "hainan-institution.yaml"))
    assert institution["provenance"]["rulebook_id"] == "hainan"
    # The CLI's --json and its check line.
    printed = subprocess.run([sys.executable, "-m", "engine", "evaluate", str(EXAMPLE), "--json"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(printed)["provenance"] == expected
    checked = subprocess.run([sys.executable, "-m", "engine", "check", "inner-mongolia"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert expected["rulebook_sha256"] in checked
    # Batch lines and status rows.
    ledger = tmp_path / "l.jsonl"
    ledger.write_text(json.dumps(case, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    from engine.batch import run_batch

    run_batch(str(ledger), str(tmp_path / "r.jsonl"), "inner-mongolia", workers=1,
              status_table=str(tmp_path / "s.csv"))
    line = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert line["provenance"] == expected
    assert expected["rulebook_sha256"] in (tmp_path / "s.csv").read_text(encoding="utf-8")


def test_versions_of_one_id_are_all_in_the_hash(tmp_path, monkeypatch):
    folder = tmp_path / "books"
    folder.mkdir()
    text = (ROOT / "rulebooks" / "national.yaml").read_text(encoding="utf-8")
    body = re.sub(r"(?m)^id: national$", "id: versioned", text)
    (folder / "versioned.yaml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(folder))
    alone = provenance(engine.load_rulebook("versioned"))
    assert alone["rulebook_version"].endswith("/..") or "/" in alone["rulebook_version"]
    later = re.sub(r"(?m)^(\s*from: )\S+", r"\g<1>2030-01-01", body, count=1)
    (folder / "versioned@2030.yaml").write_text(later, encoding="utf-8")
    if later == body:
        pytest.skip("national.yaml has no effective.from line to move")
    together = provenance(engine.load_rulebook(str(folder / "versioned.yaml")))
    assert together["rulebook_sha256"] != alone["rulebook_sha256"]
    assert provenance(engine.load_rulebook(str(folder / "versioned@2030.yaml")))["rulebook_version"] == "2030"
