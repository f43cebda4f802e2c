"""Commands that write never destroy what they should not, and never print a traceback.

batch -o / --status-table, new-case -o and docs write beside the target and rename over a regular
file or nothing; they refuse the input, devices, folders and symbolic links; they clean the temporary
files of earlier killed runs; Ctrl-C and SIGTERM end with one line and 130 / 143.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.faces.output import AtomicOutput, OutputError, clean_stale, write_text

ROOT = Path(__file__).resolve().parent.parent
CASE = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "A", "role": "physician"},
        "events": [{"kind": "score", "date": "2025-04-10", "situation": "18.3.1", "responsibility": "primary"}]}


def _yibao(*args, cwd=ROOT, **kwargs):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=cwd, **kwargs)


def _ledger(path: Path, count: int = 3) -> Path:
    path.write_text("".join(json.dumps({**CASE, "person": {"id": f"P{i}", "role": "nurse"}}) + "\n"
                            for i in range(count)), encoding="utf-8")
    return path


def test_the_output_module_refuses_what_it_must_not_replace(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "one")
    write_text(target, "two")                           # a regular file is replaced
    assert target.read_text() == "two"
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    for bad, words in ((link, "symbolic link"), (tmp_path, "directory"), (Path("/dev/null"), "not a regular file"),
                       (tmp_path / "missing" / "x.txt", "does not exist")):
        with pytest.raises(OutputError, match=words):
            write_text(bad, "x")
    assert target.read_text() == "two" and link.is_symlink()
    with pytest.raises(OutputError, match="same file"):
        AtomicOutput(target, inputs=[link])
    with pytest.raises(OutputError, match="exists already"):
        write_text(target, "three", overwrite=False)


def test_an_interrupted_write_leaves_the_old_file_and_stale_files_are_cleaned(tmp_path):
    target = tmp_path / "r.jsonl"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with AtomicOutput(target) as handle:
            handle.write(b"half")
            raise RuntimeError("killed")
    assert target.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["r.jsonl"]
    dead = 2 ** 22 + 12345  # above any pid this machine hands out
    for name in (f".r.jsonl.yibao-{dead}.tmp", f".r.jsonl.{dead}.tmp", f".r.jsonl.errors.jsonl.yibao-{dead}.tmp"):
        (tmp_path / name).write_text("left by a killed run")
    (tmp_path / f".r.jsonl.yibao-{dead}.spool").mkdir()
    (tmp_path / f".r.jsonl.yibao-{os.getpid()}.tmp").write_text("a live run's")
    assert clean_stale(target) == 4
    assert sorted(os.listdir(tmp_path)) == [f".r.jsonl.yibao-{os.getpid()}.tmp", "r.jsonl"]


@pytest.mark.parametrize("make_target, words", [
    (lambda d, ledger: ledger, "same file"),
    (lambda d, ledger: Path("/dev/null"), "not a regular file"),
    (lambda d, ledger: d, "directory"),
    (lambda d, ledger: Path("/proc/no/such/results.jsonl"), "cannot create its folder"),
])
def test_batch_refuses_outputs_with_one_located_line(tmp_path, make_target, words):
    ledger = _ledger(tmp_path / "l.jsonl")
    before = ledger.read_bytes()
    result = _yibao("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(make_target(tmp_path, ledger)))
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    # One line; a folder is refused by the option's own check (click's usage message), exit 2 as well.
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage:" in result.stderr
    assert ledger.read_bytes() == before


def test_batch_refuses_a_symlinked_output_and_keeps_the_link(tmp_path):
    ledger = _ledger(tmp_path / "l.jsonl")
    real = tmp_path / "real.jsonl"
    real.write_text("keep")
    (tmp_path / "link.jsonl").symlink_to(real)
    result = _yibao("batch", "--rulebook", "inner-mongolia", str(ledger), "-o", str(tmp_path / "link.jsonl"))
    assert result.returncode == 2 and "symbolic link" in result.stderr
    assert (tmp_path / "link.jsonl").is_symlink() and real.read_text() == "keep"


def test_new_case_into_a_missing_folder_is_one_located_error(tmp_path):
    result = _yibao("new-case", "inner-mongolia", "-o", str(tmp_path / "nowhere" / "case.yaml"))
    assert result.returncode == 2 and result.stderr.startswith(f"error: {tmp_path / 'nowhere' / 'case.yaml'}:")
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_docs_never_write_through_a_link(tmp_path):
    """An old generated page that is a link is removed as a page, never written through."""
    elsewhere = tmp_path / "precious.md"
    elsewhere.write_text("keep")
    out = tmp_path / "site"
    (out / "reference").mkdir(parents=True)
    (out / "reference" / "index.md").symlink_to(elsewhere)
    result = _yibao("docs", "--out", str(out), "--rulebook", "national")
    assert result.returncode == 0, result.stderr
    assert elsewhere.read_text() == "keep" and not (out / "reference" / "index.md").is_symlink()
    blocked = _yibao("docs", "--out", str(elsewhere), "--rulebook", "national")
    assert blocked.returncode == 2 and "Traceback" not in blocked.stderr


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_stopped_batch_says_one_line_and_leaves_nothing(tmp_path, signum, code, word):
    ledger = _ledger(tmp_path / "big.jsonl", 40000)
    process = subprocess.Popen([sys.executable, "-m", "engine", "batch", "--rulebook", "inner-mongolia", str(ledger),
                                "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "--chunk-size", "200"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    while not any(name.endswith(".spool") for name in os.listdir(tmp_path)):  # the workers are busy
        assert process.poll() is None and time.time() < deadline, process.stderr.read()
        time.sleep(0.05)
    os.killpg(process.pid, signum)  # the whole group, as a terminal's Ctrl-C or a service manager does
    _, err = process.communicate(timeout=60)
    assert process.returncode == code and err.decode().strip() == word
    assert sorted(os.listdir(tmp_path)) == ["big.jsonl"]


def test_an_internal_error_is_one_line_with_a_log_file(tmp_path, monkeypatch):
    import engine.api

    monkeypatch.setenv("YIBAO_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(engine.api, "deadline", lambda *a: (_ for _ in ()).throw(TypeError("a bug\nover lines")))
    outcome = CliRunner().invoke(main, ["deadline", "inner-mongolia", "appeal", "2025-09-28"])
    assert outcome.exit_code == 1
    line = outcome.output.strip()
    assert line.startswith("error: internal error (TypeError: a bug over lines); details in ") and "\n" not in line
    log = Path(line.rsplit(" ", 1)[1])
    assert log.parent == tmp_path and "Traceback" in log.read_text() and oct(log.stat().st_mode)[-3:] == "600"


def test_terminal_escapes_and_newlines_from_input_stay_on_one_inert_line(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text('rulebook: inner-mongolia\nas_of: 2025-12-31\nperson: {id: P, role: "nurse\\e[2J\\nx"}\n'
                    "events: []\n", encoding="utf-8")
    result = _yibao("evaluate", str(case))
    assert result.returncode == 2 and "\x1b" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "\\x1b" in result.stderr


def test_list_and_serve_skip_a_broken_operator_rulebook(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("id: broken\nscope: [\n", encoding="utf-8")
    result = _yibao("--rulebooks", str(tmp_path), "list")
    assert result.returncode == 0 and "inner-mongolia" in result.stdout
    assert "skipped rulebook 'broken'" in result.stderr and "broken.yaml:3" in result.stderr
    monkeypatch.setenv("YIBAO_RULEBOOKS", str(tmp_path))
    from engine.service import create_app

    app = create_app(rulebooks=None)
    snapshot = app.state.served.snapshot
    assert "broken" in snapshot.skipped and "inner-mongolia" in snapshot.compiled
