"""The architecture holds: the import layers (import-linter), no private names across modules, and
small modules and functions in the core."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The core: everything below the faces and the officer tools.
CORE = ["engine/base", "engine/dsl", "engine/org", "engine/spec", "engine/cases", "engine/evaluate",
        "engine/rulebook", "engine/api.py", "engine/errors.py"]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: A function may be longer when a comment on the line above its ``def`` says why.
REASON_MARK = "# long:"


def core_files():
    for entry in CORE:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tools"), str(ROOT)]))
    done = subprocess.run([str(lint)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" in done.stdout and "0 broken" in done.stdout


@pytest.mark.parametrize("path", list(core_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_modules_and_functions_are_small(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_MODULE_LINES, f"{path.name}: {len(lines)} lines; split it"
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            reason = lines[first - 2].strip().startswith(REASON_MARK) if first >= 2 else False
            assert length <= MAX_FUNCTION_LINES or reason, \
                f"{path.name}:{node.lineno} {node.name} has {length} lines; split it or say why ({REASON_MARK} …)"
