"""yibao batch: streaming ledgers, results in input order, errors file, atomic output, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import engine
from engine.batch import CSV_COLUMNS, run_batch

ROOT = Path(__file__).resolve().parent.parent

BASE = {"rulebook": "inner-mongolia", "as_of": "2025-12-31"}
CASES = [
    {**BASE, "person": {"id": "A", "role": "physician"}, "events": [
        {"kind": "score", "date": "2025-04-10", "situation": "18.3.1", "responsibility": "primary"},
        {"kind": "claim", "date": "2025-05-01"}]},
    {**BASE, "person": {"id": "B", "role": "nurse"}, "events": []},
    {**BASE, "person": {"id": "C", "role": "pharmacist"}, "events": [
        {"kind": "score", "date": "2025-04-10", "situation": "18.2.1", "responsibility": "general"},
        {"kind": "repair", "date": "2025-06-01", "way": "exam", "score": 82}]},
]


def _write_jsonl(path: Path, cases, bad_lines=()) -> Path:
    lines = [json.dumps(case, ensure_ascii=False) for case in cases]
    for index, text in bad_lines:
        lines.insert(index, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def test_results_are_the_evaluations_in_input_order(tmp_path):
    ledger = _write_jsonl(tmp_path / "l.jsonl", CASES * 7)
    out = tmp_path / "r.jsonl"
    summary = run_batch(str(ledger), str(out), "inner-mongolia", workers=2, chunk_size=2)
    rulebook = engine.load_rulebook("inner-mongolia")
    expected = []
    for case in CASES * 7:
        result = rulebook.evaluate(case, trace=False)
        result.pop("trace")
        expected.append(json.loads(json.dumps(result)))
    assert _read(out) == expected
    assert summary.exit_code == 0 and summary.errors == 0 and summary.persons == 21
    assert summary.actions["suspend"] == 7 and summary.actions["warn"] == 7
    assert (tmp_path / "r.jsonl.errors.jsonl").read_text() == ""


def test_bad_lines_go_to_the_errors_file_with_their_line_and_never_stop_the_batch(tmp_path):
    bad_case = {**CASES[0], "events": [{"kind": "score", "date": "2025-04-10", "situation": "18.2.9",
                                        "responsibility": "primary"}]}
    ledger = _write_jsonl(tmp_path / "l.jsonl", CASES, bad_lines=[(1, "{not json"), (3, json.dumps(bad_case)),
                                                                  (4, "[1, 2]")])
    out = tmp_path / "r.jsonl"
    result = _cli("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(out), "--workers", "1")
    assert result.returncode == 3, result.stderr
    assert [r["person"]["id"] for r in _read(out)] == ["A", "B", "C"]
    errors = _read(Path(str(out) + ".errors.jsonl"))
    assert [e["line"] for e in errors] == [2, 4, 5]
    assert "invalid JSON" in errors[0]["message"]
    assert errors[1]["field"] == "events[0].situation" and "did you mean" in errors[1]["message"]
    assert errors[1]["text"].startswith(f"{ledger}:4: events[0].situation: unknown situation '18.2.9'")
    assert "persons: 6 (3 evaluated, 3 rejected)" in result.stdout
    assert "decisions by action:" in result.stdout


def test_all_good_exits_0_and_bad_arguments_exit_2(tmp_path):
    ledger = _write_jsonl(tmp_path / "l.jsonl", CASES)
    ok = _cli("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(tmp_path / "r.jsonl"), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["persons"] == 3
    unknown = _cli("batch", "--rulebook", "inner-mongolja", str(ledger), "-o", str(tmp_path / "x.jsonl"))
    assert unknown.returncode == 2 and "did you mean 'inner-mongolia'" in unknown.stderr
    assert not (tmp_path / "x.jsonl").exists()
    missing = _cli("batch", "--rulebook", "inner-mongolia", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "y"))
    assert missing.returncode == 2 and "no ledger file" in missing.stderr


CSV_TEXT = """person_id,role,as_of,kind,date,situation,tier,responsibility,points,way,score,emergency,param.after_term
A,physician,2025-12-31,score,2025-04-10,18.3.1,,primary,,,,,
A,,,claim,2025-05-01,,,,,,,false,
B,nurse,2025-12-31,,,,,,,,,,
C,pharmacist,2025-12-31,score,2025-04-10,18.2.1,,general,,,,,
C,,,repair,2025-06-01,,,,,exam,82,,
D,nurse,2025-12-31,score,2025-04-10,18.2.9,,general,,,,,
E,nurse,2025-12-31,score,2025-04-10,,x,general,,,,,
"""


def test_csv_events_grouped_by_person_give_the_same_results_as_jsonl(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text(CSV_TEXT, encoding="utf-8")
    out = tmp_path / "r.jsonl"
    summary = run_batch(str(ledger), str(out), "inner-mongolia", workers=1)
    results = _read(out)
    jsonl_out = tmp_path / "j.jsonl"
    run_batch(str(_write_jsonl(tmp_path / "l.jsonl", CASES)), str(jsonl_out), "inner-mongolia", workers=1)
    assert results == _read(jsonl_out)
    errors = _read(Path(str(out) + ".errors.jsonl"))
    assert [(e["line"], e["person"], e["field"]) for e in errors] == [(7, "D", "events[0].situation"),
                                                                       (8, "E", "events[0].tier")]
    assert summary.exit_code == 3 and summary.persons == 5
    assert set(CSV_COLUMNS) >= {"person_id", "role", "as_of", "kind", "date"}


def test_csv_unknown_column_is_an_argument_error(tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("person_id,role,as_of,knd\nA,nurse,2025-12-31,score\n", encoding="utf-8")
    result = _cli("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(tmp_path / "r.jsonl"))
    assert result.returncode == 2 and "unknown CSV column 'knd'" in result.stderr and "did you mean 'kind'" in result.stderr


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_an_interrupted_run_leaves_no_half_file(tmp_path, how):
    ledger = _write_jsonl(tmp_path / "l.jsonl", CASES * 20000)   # long enough to be stopped mid-way
    out = tmp_path / "r.jsonl"
    out.write_text("previous run\n")
    process = subprocess.Popen([sys.executable, "-m", "engine", "batch", "--rulebook", "inner-mongolia", str(ledger),
                                "-o", str(out), "--workers", "2", "--chunk-size", "100"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline and not list(tmp_path.glob(".r.jsonl.*.tmp")):
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, "the batch finished before it could be interrupted"
    if how == signal.SIGKILL:
        os.killpg(process.pid, how)  # the whole group: a hard stop of parent and workers
    else:
        os.kill(process.pid, how)
    process.wait(30)
    assert out.read_text() == "previous run\n"          # the old results are untouched
    assert not Path(str(out) + ".errors.jsonl").exists()
    leftovers = list(tmp_path.glob(".r.jsonl*.tmp"))
    if how != signal.SIGKILL:                           # a catchable stop also removes its temporary files
        assert leftovers == []


def test_dask_local_cluster_gives_the_same_results_line_by_line(tmp_path):
    pytest.importorskip("dask.distributed")
    cases = []
    for number in range(300):
        case = json.loads(json.dumps(CASES[number % 3]))
        case["person"]["id"] = f"P{number}"
        cases.append(case)
    ledger = _write_jsonl(tmp_path / "l.jsonl", cases, bad_lines=[(7, "{oops"), (100, "[]")])
    single, spread = tmp_path / "single.jsonl", tmp_path / "dask.jsonl"
    one = run_batch(str(ledger), str(single), "inner-mongolia", workers=1)
    started = time.time()
    two = run_batch(str(ledger), str(spread), "inner-mongolia", workers=2, chunk_size=16, dask="local")
    assert time.time() - started < 60
    assert single.read_text().splitlines() == spread.read_text().splitlines()
    assert Path(str(single) + ".errors.jsonl").read_text() == Path(str(spread) + ".errors.jsonl").read_text()
    assert one.to_dict()["decisions"] == two.to_dict()["decisions"] and two.errors == 2


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    ledger = _write_jsonl(tmp_path / "l.jsonl", CASES * 50)
    quiet = _cli("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(tmp_path / "a.jsonl"))
    assert quiet.returncode == 0 and quiet.stderr == ""            # stderr is a pipe here: no bar
    shown = _cli("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(tmp_path / "b.jsonl"), "--progress")
    assert shown.returncode == 0 and "100%" in shown.stderr and "/s" in shown.stderr   # rate (and ETA while running)


def test_a_multi_person_finding_counts_every_persons_decisions(tmp_path):
    import yaml

    case = yaml.safe_load((ROOT / "examples" / "inner-mongolia-finding.yaml").read_text(encoding="utf-8"))
    case["org"] = yaml.safe_load((ROOT / "examples" / case.pop("org_file")).read_text(encoding="utf-8"))
    case = json.loads(json.dumps(case, default=str))
    ledger = _write_jsonl(tmp_path / "l.jsonl", [case, CASES[1]])
    out = tmp_path / "r.jsonl"
    summary = run_batch(str(ledger), str(out), "inner-mongolia", workers=1)
    assert summary.errors == 0, Path(str(out) + ".errors.jsonl").read_text()
    first = _read(out)[0]
    expected = engine.load_rulebook("inner-mongolia").evaluate(case, trace=False)
    assert sum(summary.actions.values()) == sum(len(p["decisions"]) for p in expected["persons"].values())
    assert set(first["persons"]) == set(expected["persons"])


def test_freezing_the_registry_keeps_the_versions_seen_at_start(tmp_path, monkeypatch):
    """Batch workers and the service freeze the registry: a rulebook file added during a run is not
    picked up half-way (every case of a run is judged by the same versions)."""
    import subprocess as sp

    code = ("import os, shutil, sys\n"
            "from engine.rulebook import registry\n"
            "registry.freeze()\n"
            "before = registry.version_files('inner-mongolia')\n"
            "shutil.copy(registry.version_files('inner-mongolia')[0], os.path.join(sys.argv[1], 'inner-mongolia@later.yaml'))\n"
            "assert registry.version_files('inner-mongolia') == before, 'frozen'\n"
            "registry._frozen_state = None\n"
            "assert len(registry.version_files('inner-mongolia')) == len(before) + 1, 'thawed'\n")
    env = dict(os.environ, YIBAO_RULEBOOKS=str(tmp_path))
    result = sp.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_persons_without_events_give_exactly_their_own_evaluation(tmp_path):
    """The batch reuses one evaluation for persons without events; every line must still be what
    evaluating that person gives — whatever the id (one that also occurs elsewhere in a result, an
    integer), role, as_of or readings — and bad ones are still rejected one by one."""
    rulebook = engine.load_rulebook("inner-mongolia")
    cases = []
    ids = ["normal", "inner-mongolia", 7, "2025-12-31", "P\u00e9", "", "none", 12345678901234]
    for number, person_id in enumerate(ids * 3):
        case = {**BASE, "person": {"id": person_id, "role": ["nurse", "physician", "pharmacist"][number % 3]},
                "events": []}
        if number % 4 == 1:
            case["as_of"] = "2026-06-30"
        if number % 5 == 2:
            case["parameters"] = {"after_term": "awaiting_restoration"}
        cases.append(case)
    bad = [{**BASE, "person": {"id": True, "role": "nurse"}, "events": []},
           {**BASE, "person": {"id": "X", "role": "nurse"}, "events": [], "parameters": {"after_term": "x"}},
           {**BASE, "person": {"id": "Y", "role": "nurse"}, "events": [], "parameters": {"after_term": "x"}}]
    ledger = _write_jsonl(tmp_path / "l.jsonl", cases + bad)
    out = tmp_path / "r.jsonl"
    summary = run_batch(str(ledger), str(out), "inner-mongolia", workers=1)
    expected = []
    for case in cases:
        result = rulebook.evaluate(case, trace=False)
        result.pop("trace")
        expected.append(result)
    assert _read(out) == json.loads(json.dumps(expected))
    errors = _read(Path(str(out) + ".errors.jsonl"))
    assert [e["person"] for e in errors] == [True, "X", "Y"] and summary.errors == 3
    assert summary.states["normal"] == len(cases)
