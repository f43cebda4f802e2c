"""Every golden case under tests/golden/<rulebook>/, through one parametrized test."""

from __future__ import annotations

import pytest

from engine.golden import GOLDEN_ROOT, golden_files, run_golden

CASES = golden_files()


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(path):
    outcome = run_golden(path)
    assert outcome.passed, "\n" + outcome.explain()


def test_golden_cases_name_their_articles():
    for path in CASES:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("articles"), f"{path} names no article it checks"


def test_there_are_golden_cases():
    assert len(golden_files("inner-mongolia", GOLDEN_ROOT)) >= 25


def test_there_are_golden_cases_for_the_new_rulebooks():
    assert len(golden_files("liaoning", GOLDEN_ROOT)) >= 15
    assert len(golden_files("national", GOLDEN_ROOT)) >= 3
    assert len(golden_files("weihai", GOLDEN_ROOT)) >= 3
