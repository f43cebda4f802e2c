"""Every golden case under tests/golden/<rulebook>/, through one parametrized test."""

from __future__ import annotations

import pytest

from engine.officer.golden import GOLDEN_ROOT, golden_files, run_golden

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


# -- tests/golden/compare/: one ledger, every rulebook, one test per (file, rulebook) -----------------

from engine.officer.golden import compare_case, compare_rulebooks, run_compare  # noqa: E402

COMPARE_FILES = golden_files("compare")


def _compare_columns():
    import yaml

    for path in COMPARE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rid in compare_rulebooks(data):
            yield path, rid


COMPARE_COLUMNS = list(_compare_columns())


@pytest.mark.parametrize("path,rulebook", COMPARE_COLUMNS,
                         ids=[f"compare/{p.stem}[{rid}]" for p, rid in COMPARE_COLUMNS])
def test_compare_golden(path, rulebook):
    outcome = run_compare(path, rulebook)
    assert outcome.passed, "\n" + outcome.explain()


def test_compare_files_cover_every_rulebook_once():
    """Each comparison file gives every rulebook of rulebooks/ exactly one column, with articles and a derivation
    (or, for a rulebook left out, the reason)."""
    import yaml

    ids = sorted(p.stem for p in (GOLDEN_ROOT.parent.parent / "rulebooks").glob("*.yaml"))
    assert len(COMPARE_FILES) >= 8
    for path in COMPARE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("kind") == "compare", path
        sections = [set(data.get(s) or {}) for s in ("expect", "expect_error", "not_applicable")]
        for rid in ids:
            assert sum(rid in s for s in sections) == 1, f"{path}: {rid} must be in exactly one of expect / expect_error / not_applicable"
        assert set().union(*sections) <= set(ids), f"{path}: unknown rulebook"
        for rid in ids:
            if rid in (data.get("not_applicable") or {}):
                assert str(data["not_applicable"][rid]).strip(), f"{path}: {rid} left out without a reason"
                continue
            assert (data.get("articles") or {}).get(rid), f"{path}: no articles for {rid}"
            assert str((data.get("derivation") or {}).get(rid) or "").strip(), f"{path}: no derivation for {rid}"


def test_compare_case_applies_overrides_per_rulebook():
    case = {"as_of": "2025-12-31", "person": {"id": "P", "role": "physician"},
            "events": [{"kind": "score", "date": "2025-06-02", "tier": 3, "responsibility": "primary",
                        "by_rulebook": {"national": {"points": 9}, "jining": {"tier": 4, "responsibility": None}}}]}
    assert compare_case(case, "national")["events"][0] == {"kind": "score", "date": "2025-06-02", "tier": 3,
                                                           "responsibility": "primary", "points": 9}
    assert compare_case(case, "jining")["events"][0] == {"kind": "score", "date": "2025-06-02", "tier": 4}
    assert compare_case(case, "hainan")["rulebook"] == "hainan"
    assert "by_rulebook" in case["events"][0]  # the file's ledger is not changed


def test_docs_one_case_page_reads_the_comparison_files_with_their_overrides():
    """docs/compare/one-case: each comparison ledger, adapted per rulebook, evaluates wherever the file expects a result."""
    import yaml

    from engine.api import load_rulebook
    from engine.officer.docsgen import compare as docs_compare

    examples = docs_compare.load_examples([GOLDEN_ROOT / "compare"])
    assert len(examples) == len(COMPARE_FILES)
    for example in examples:
        data = yaml.safe_load(example.path.read_text(encoding="utf-8"))
        for rid in data.get("expect") or {}:
            case, shift = docs_compare.adapt(example, load_rulebook(rid))
            assert shift == 0, f"{example.path} [{rid}]: dates outside the rulebook's period"
            assert all("by_rulebook" not in e for e in case["events"])
            assert "error" not in docs_compare.evaluate_example(example, load_rulebook(rid)), f"{example.path} [{rid}]"


def test_comparison_ledgers_follow_the_case_schema():
    """Each column's case (overrides applied) is a case of docs/contract.md, and its result a result."""
    import json

    import jsonschema

    from engine.api import load_rulebook
    from engine.base.schemas import load_schema
    from engine.base.documents import load_yaml_file

    for path, rid in COMPARE_COLUMNS:
        data = load_yaml_file(str(path)).data  # dates as text, as the engine reads them
        if rid not in (data.get("expect") or {}):
            continue
        case = compare_case(data["case"], rid)
        jsonschema.validate(case, load_schema("case"))
        result = load_rulebook(rid).evaluate(case, source=str(path))
        jsonschema.validate(json.loads(json.dumps(result)), load_schema("result"))
