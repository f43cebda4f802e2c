"""Every example in docs/officers-guide.md is real and works: the guide is executed, block by block.

Each fenced block in the guide follows an HTML comment saying how it is checked:

- ``excerpt RULEBOOK``  — the block is a verbatim piece of rulebooks/RULEBOOK.yaml;
- ``calendar-excerpt`` — the block is a verbatim piece of calendars/state-council.yaml;
- ``edit RULEBOOK [error]`` — the block replaces the excerpt before it in a copy of the rulebook; the copy
  must pass ``yibao check`` (or fail, with ``error``);
- ``diff``  — lines that ``yibao diff`` prints between the rulebook and the edited copy;
- ``run [exit=N]`` — ``yibao`` commands, run; ``syntax`` — commands whose subcommand and options must exist;
- ``make-targets`` — ``make`` commands whose targets must exist in the Makefile;
- ``golden`` — a golden case that must pass; ``golden-fail "A" "B"`` — the report ``yibao test`` prints for
  that case with A replaced by B;
- ``case-error`` — a case file that ``yibao evaluate`` must reject;
- ``output`` — lines printed by the check before it (``…`` matches anything; line:column may differ).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "officers-guide.md"
DOCS = [GUIDE, ROOT / "docs" / "rulebook-format.md"]
BLOCK = re.compile(r"(?:<!-- check: (?P<check>.*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)\n```", re.S)


def blocks(page: Path = GUIDE) -> List[Tuple[Optional[str], str]]:
    return [(m.group("check"), m.group("body")) for m in BLOCK.finditer(page.read_text(encoding="utf-8"))]


def yibao(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def _norm(line: str) -> str:
    line = re.sub(r":\d+:\d+:", ":L:C:", line)
    return " ".join(line.split())


def assert_lines(expected: str, actual: str) -> None:
    """Every expected line matches a line of ``actual``, in order (``…`` matches anything)."""
    lines = [_norm(l) for l in actual.splitlines()]
    at = 0
    for want in expected.splitlines():
        want = _norm(want)
        if not want:
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("…")) + r"\Z")
        while at < len(lines) and not pattern.match(lines[at]):
            at += 1
        assert at < len(lines), f"the guide shows {want!r}, but the command printed:\n{actual}"
        at += 1


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_every_example_in_the_guide_is_checked(page):
    found = blocks(page)
    assert len(found) >= (15 if page == GUIDE else 5)
    unchecked = [body[:60] for check, body in found if not check]
    assert not unchecked, f"examples in the guide without a check marker: {unchecked}"


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_the_guide_examples_work(page, tmp_path):
    last_excerpt: Optional[Tuple[str, str]] = None   # (rulebook, text)
    edited: Optional[Path] = None
    last_output = ""
    last_golden: Optional[str] = None
    for index, (check, body) in enumerate(blocks(page)):
        words = shlex.split(check)
        kind, args = words[0], words[1:]
        where = f"block {index + 1} ({check})"
        if kind == "excerpt":
            source = (ROOT / "rulebooks" / f"{args[0]}.yaml").read_text(encoding="utf-8")
            assert body in source, f"{where}: not a verbatim excerpt of rulebooks/{args[0]}.yaml:\n{body}"
            last_excerpt = (args[0], body)
        elif kind == "edit":
            assert last_excerpt and last_excerpt[0] == args[0], f"{where}: an edit needs an excerpt before it"
            source = (ROOT / "rulebooks" / f"{args[0]}.yaml").read_text(encoding="utf-8")
            folder = tmp_path / f"edit{index}"
            (folder / "rulebooks").mkdir(parents=True)
            edited = folder / "rulebooks" / f"{args[0]}.yaml"
            edited.write_text(source.replace(last_excerpt[1], body, 1), encoding="utf-8")
            run = yibao(["check", f"rulebooks/{args[0]}.yaml"], folder)
            if "error" in args:
                assert run.returncode == 2 and run.stdout == "", f"{where}: the edit should be rejected"
            else:
                assert run.returncode == 0, f"{where}: the edited rulebook fails yibao check:\n{run.stderr}"
            last_output = run.stdout + run.stderr
        elif kind == "diff":
            assert edited is not None
            run = yibao(["diff", str(ROOT / "rulebooks" / edited.name), str(edited)], ROOT)
            assert run.returncode == 1, run.stderr
            assert_lines(body, run.stdout)
        elif kind == "run":
            expected_exit = int(args[0].split("=")[1]) if args else 0
            last_output = ""
            for line in body.splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                command = shlex.split(line)
                assert command[0] == "yibao", f"{where}: only yibao commands are run: {line}"
                run = yibao(command[1:], ROOT)
                assert run.returncode == expected_exit, f"{where}: {line} exited {run.returncode}:\n{run.stderr}"
                last_output += run.stdout + run.stderr
        elif kind == "syntax":
            for line in body.splitlines():
                command = shlex.split(line)
                assert command[0] == "yibao"
                run = yibao([command[1], "--help"], ROOT)
                assert run.returncode == 0, f"{where}: no command 'yibao {command[1]}'"
                for option in (w for w in command[2:] if w.startswith("-")):
                    assert option in run.stdout, f"{where}: 'yibao {command[1]}' has no option {option}"
        elif kind == "make-targets":
            makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
            for line in body.splitlines():
                target = shlex.split(line)[1]
                assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"{where}: no make target {target}"
        elif kind == "golden":
            from engine.officer.golden import run_golden

            folder = tmp_path / "golden" / "inner-mongolia"
            folder.mkdir(parents=True, exist_ok=True)
            case = folder / f"guide-{index}.yaml"
            case.write_text(body, encoding="utf-8")
            outcome = run_golden(case)
            assert outcome.passed, f"{where}: the guide's golden case fails:\n{outcome.explain()}"
            last_golden = body
        elif kind == "golden-fail":
            assert last_golden is not None and args[0] in last_golden
            folder = tmp_path / f"fail{index}"
            case = folder / "tests" / "golden" / "inner-mongolia" / "070-single-10.yaml"
            case.parent.mkdir(parents=True)
            case.write_text(last_golden.replace(args[0], args[1], 1), encoding="utf-8")
            run = yibao(["test", "tests/golden/inner-mongolia/070-single-10.yaml"], folder)
            assert run.returncode == 1
            assert_lines(body, run.stdout)
        elif kind == "case-error":
            folder = tmp_path / f"case{index}"
            folder.mkdir()
            (folder / "case.yaml").write_text(body + "\n", encoding="utf-8")
            run = yibao(["evaluate", "case.yaml"], folder)
            assert run.returncode == 2 and run.stdout == "", f"{where}: the case should be rejected"
            last_output = run.stderr
        elif kind == "calendar-excerpt":
            source = (ROOT / "calendars" / "state-council.yaml").read_text(encoding="utf-8")
            assert body in source, f"{where}: not a verbatim excerpt of calendars/state-council.yaml:\n{body}"
        elif kind == "output":
            assert_lines(body, last_output)
        else:
            pytest.fail(f"{where}: unknown check '{kind}'")
