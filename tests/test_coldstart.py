"""A one-shot command imports only what it uses: `yibao evaluate` with a fresh cache entry reads no
rulebook and imports neither the spec builders, Lark, networkx nor jsonschema (bench/coldstart.py
times it); `yibao compile --show` prints the generated source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys, types
from engine.cli import main
try:
    main(["evaluate", "examples/inner-mongolia-case.yaml", "--json"])
except SystemExit:
    pass
loaded = [name for name in ("lark", "networkx", "jsonschema", "engine.spec.build", "engine.dsl.lark_parser",
                            "engine.rulebook.rulebook", "engine.evaluate.compiled.module", "engine.batch")
          if type(sys.modules.get(name)) is types.ModuleType]
print(json.dumps(loaded), file=sys.stderr)
"""


def test_evaluate_with_a_fresh_cache_entry_imports_only_what_it_uses(tmp_path):
    env = dict(os.environ, YIBAO_CACHE_DIR=str(tmp_path))
    command = [sys.executable, "-c", PROBE]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "engine.spec.build" in json.loads(first.stderr.strip().splitlines()[-1])  # no entry yet: compiled
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(second.stderr.strip().splitlines()[-1]) == []
    assert second.stdout == first.stdout and json.loads(second.stdout)["status"]["state"] == "terminated"
    assert json.loads(second.stdout)["provenance"]["rulebook_id"] == "inner-mongolia"


def test_a_cached_result_carries_the_provenance_of_the_schedules_in_effect(tmp_path):
    """Another State Council schedule file (here: one day moved) makes another rulebook hash; the
    first command under it takes the usual way and keeps the schedules' hash, the next is cached."""
    bundled = (ROOT / "calendars" / "state-council.yaml").read_text(encoding="utf-8")
    moved = bundled.replace('{festival: 元旦, holidays: "2025-01-01"}', '{festival: 元旦, holidays: "2025-01-01..2025-01-02"}')
    assert moved != bundled
    (tmp_path / "moved.yaml").write_text(moved, encoding="utf-8")
    env = dict(os.environ, YIBAO_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-c", PROBE]

    def run(**extra):
        done = subprocess.run(command, cwd=ROOT, env=dict(env, **extra), capture_output=True, text=True, timeout=120)
        return json.loads(done.stdout)["provenance"], json.loads(done.stderr.strip().splitlines()[-1])

    bundled_first, _ = run()
    bundled_again, loaded = run()
    assert bundled_again == bundled_first and loaded == []
    moved_first, loaded = run(YIBAO_CALENDAR=str(tmp_path / "moved.yaml"))
    assert "engine.spec.build" in loaded  # the schedules' hash was not kept yet: the usual way
    assert moved_first["rulebook_sha256"] != bundled_first["rulebook_sha256"]
    moved_again, loaded = run(YIBAO_CALENDAR=str(tmp_path / "moved.yaml"))
    assert moved_again == moved_first and loaded == []


def test_compile_shows_the_generated_source_and_refuses_unknown_readings():
    runner = CliRunner()
    shown = runner.invoke(main, ["compile", "inner-mongolia", "--show"])
    assert shown.exit_code == 0
    assert "def evaluate(case):" in shown.output and "def evaluate_trace(case):" in shown.output
    compile(shown.output, "<shown>", "exec")  # it is Python
    other = runner.invoke(main, ["compile", "inner-mongolia", "--show", "--reading", "after_term=normal"])
    assert "'after_term': 'normal'" in other.output and other.output != shown.output
    summary = runner.invoke(main, ["compile", "jining"])
    assert summary.exit_code == 0 and "jining: compiled to Python" in summary.output
    bad = runner.invoke(main, ["compile", "inner-mongolia", "--reading", "after_terms=normal"])
    assert bad.exit_code == 2 and "did you mean 'after_term'" in bad.output
