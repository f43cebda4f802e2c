"""Hostile input gets one located error and a non-zero exit — never a traceback, a hang or a crash.

Two kinds of tests (issue 13):
* the corpus ``tests/data/hostile/``: every input that ever crashed, hung or ran out of memory, each
  with the words its one error line must hold (``# expect: …`` on its first line);
* hypothesis: case files and rulebooks mutated at random (bytes, characters, values), read through
  the public doors; anything but a result or a ``YibaoError`` fails the test.
The atheris targets in ``fuzz/`` run the same readers coverage-guided (``make fuzz``, not in ``make test``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import api
from engine.base.documents import load_yaml
from engine.cli import main
from engine.errors import YibaoError
from engine.rulebook.registry import compile_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "data" / "hostile").glob("*.yaml"))
CASE = (ROOT / "examples" / "inner-mongolia-case.yaml").read_text(encoding="utf-8")
RULEBOOK = (ROOT / "rulebooks" / "inner-mongolia.yaml").read_text(encoding="utf-8")


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    return first.split("# expect:", 1)[1].strip() if "# expect:" in first else ""


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_input_of_the_corpus_gets_one_located_error(path):
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.output
    assert expectation(path) in lines[0]
    assert "\x1b" not in result.output and "Traceback" not in result.output


def _mutate(text: str, data) -> str:
    """Up to four edits of a valid document: delete, insert or replace a span with hostile text."""
    pieces = st.sampled_from(["", "\x00", "\x1b[2J", "\ud800", "*a", "&a ", "!tag ", "[[[[[[", "]", "{", ":",
                              "- ", "\n  ", "9" * 60, ".nan", ".inf", "9999-12-31", "\t", "'", '"', "#", "~"])
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + data.draw(st.one_of(pieces, st.text(max_size=8))) + text[end:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_case_files_raise_only_engine_errors(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("hostile") / "case.yaml"
    path.write_bytes(_mutate(CASE, data).encode("utf-8", "surrogatepass"))
    try:
        result = api.evaluate_file(str(path))
    except YibaoError as error:
        assert "\n" not in error.one_line()
        return
    assert isinstance(result, dict)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_rulebooks_raise_only_engine_errors(data):
    text = _mutate(RULEBOOK, data)
    try:
        rulebook = compile_document(load_yaml(text, "mutated.yaml"))
    except YibaoError:
        return
    try:
        rulebook.evaluate({"as_of": "2025-12-31", "person": {"id": "P", "role": "physician"},
                           "events": [{"kind": "score", "date": "2025-05-01", "tier": 4,
                                       "responsibility": "primary"}]})
    except YibaoError:
        pass


@pytest.mark.parametrize("text", ["a: x\ud800y\n", "a: \x01\n", "a: [1, \ud83d]\n"])
def test_text_given_in_python_is_checked_like_a_file(text):
    # A Python caller (the workbench, the API) can hand the reader a str no file could hold.
    with pytest.raises(YibaoError) as caught:
        load_yaml(text, "given.yaml")
    assert caught.value.location.line == 1
