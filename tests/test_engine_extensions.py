"""General engine extensions made for the Hainan and Jining rulebooks, tested on their own.

Ban ranges, obligations, tier-only classes, boolean repair inputs, the year cap basis, the
consecutive-year totals and the ``take`` function: each is rulebook data, not province code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import engine
from engine import api
from engine.dsl.compiler import compile_expression
from engine.dsl.functions import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent


def test_take_returns_the_first_items():
    expr = compile_expression("take(xs, 2)", {"xs": "list"}, functions=FUNCTIONS)
    assert expr({"xs": [9, 8, 7]}) == [9, 8]
    assert expr({"xs": [9]}) == [9]
    assert compile_expression("min(take(xs, 2)) >= 9", {"xs": "list"}, functions=FUNCTIONS)({"xs": [9, 10, 0]})


def _broken_copy(tmp_path, name, old, new):
    text = (ROOT / "rulebooks" / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}-broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


def test_a_termination_without_any_ban_is_an_error(tmp_path):
    path = _broken_copy(tmp_path, "jining", "      ban_years_min: 1\n      ban_years_max: 2\n", "")
    errors = api.check_rulebook(path)
    assert errors and "ban_years_min" in errors[0].message and errors[0].location.line


def test_a_ban_range_that_runs_backwards_is_an_error(tmp_path):
    path = _broken_copy(tmp_path, "jining", "ban_years_min: 1\n      ban_years_max: 2",
                        "ban_years_min: 3\n      ban_years_max: 2")
    errors = api.check_rulebook(path)
    assert any("above ban_years_max" in e.message for e in errors)


def test_an_obligation_condition_is_type_checked(tmp_path):
    path = _broken_copy(tmp_path, "jining", 'when: "not passed"', 'when: "not passd"')
    errors = api.check_rulebook(path)
    assert errors and "unknown name 'passd'" in errors[0].message and "did you mean 'passed'" in errors[0].message


def test_an_institution_condition_is_type_checked(tmp_path):
    path = _broken_copy(tmp_path, "hainan", 'when: "share_suspended > 0.5"', 'when: "share_suspended > \'half\'"')
    errors = api.check_rulebook(path)
    assert errors and "cannot compare" in errors[0].message


def test_repair_inputs_are_names_of_the_way_only(tmp_path):
    # `verified` is bound for whistleblowing, not for other ways.
    path = _broken_copy(tmp_path, "hainan", "      points: 1\n      per_year_points: 3\n    publicity:",
                        "      points: \"1 if verified else 0\"\n      per_year_points: 3\n    publicity:")
    errors = api.check_rulebook(path)
    assert errors and "unknown name 'verified'" in errors[0].message


def test_tier_only_class_situations():
    rb = engine.load_rulebook("jining")
    assert [rb.tiers[n].catch_all.code for n in (1, 2, 3, 4)] == ["4.1", "4.2", "4.3", "4.4"]
    assert rb.situations["4.4.6"].catch_all  # the text's own catch-all is still a situation


def _jining(events, **extra):
    case = {"rulebook": "jining", "as_of": "2027-12-31", "person": {"id": "X", "role": "physician"}, "events": events}
    case.update(extra)
    return engine.load_rulebook("jining").evaluate(case)


def _nine(year):
    return [{"kind": "score", "date": f"{year}-05-01", "tier": 3}, {"kind": "score", "date": f"{year}-06-01", "tier": 2}]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=3, max_size=4))
def test_three_year_rule_needs_three_consecutive_years(pattern):
    """Dissolution by 五（一） “连续三年” happens exactly when the year and the two before it reach 9."""
    years = [2024 + i for i in range(len(pattern))]
    events = []
    for year, nine in zip(years, pattern):
        events += _nine(year) if nine else [{"kind": "score", "date": f"{year}-05-01", "tier": 1}]
    result = _jining(events)
    fired = {d["date"][:4] for d in result["decisions"] if "dissolve-three-years-9" in d["rules"]}
    expected = {str(years[i]) for i in range(2, len(years)) if pattern[i] and pattern[i - 1] and pattern[i - 2]}
    assert fired == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3, 4]), min_size=0, max_size=8))
def test_points_left_is_the_allowance_minus_the_deductions(tiers):
    events = [{"kind": "score", "date": f"2024-{4 + i:02d}-01", "tier": t} for i, t in enumerate(tiers)]
    result = _jining(events, as_of="2024-12-31")
    total = sum({1: 1, 2: 3, 3: 6, 4: 12}[t] for t in tiers)
    assert result["points_left"] == max(0, 12 - total)
    for decision in result["decisions"]:
        assert decision["points_left"] == max(0, 12 - decision["year_total"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["21.1.1", "21.2.1", "21.3.1", "21.4.1"]),
                          st.sampled_from(["general", "important", "primary"])), min_size=1, max_size=6),
       st.sampled_from(["net", "points"]))
def test_hainan_year_total_never_exceeds_the_cap(scores, basis):
    events = [{"kind": "score", "date": f"2025-{4 + i:02d}-01", "situation": s, "responsibility": r}
              for i, (s, r) in enumerate(scores)]
    result = engine.load_rulebook("hainan").evaluate({
        "rulebook": "hainan", "as_of": "2025-12-31", "person": {"id": "X", "role": "physician"},
        "parameters": {"year_cap_basis": basis}, "events": events})
    assert all(d["year_total"] <= 12 for d in result["decisions"])
    assert result["years"]["2025"]["net"] <= 12
