"""The expression language: parsing, positions of errors, types, compilation."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dsl.compiler import compile_expression
from engine.dsl.parser import parse_expression
from engine.errors import DslNameError, DslSyntaxError, DslTypeError, Location

NAMES = {"year_total": "number", "single": "number", "tier": "number", "responsibility": "string",
         "role": "string", "date": "date", "emergency": "bool", "scores": "list"}


def run(text, **env):
    return compile_expression(text, NAMES)(env)


@pytest.mark.parametrize("text, env, expected", [
    ("year_total >= 9", {"year_total": 9}, True),
    ("year_total >= 9", {"year_total": 8}, False),
    ("single in 9..11", {"single": 11}, True),
    ("single in 9..11", {"single": 12}, False),
    ("single not in 9..11", {"single": 12}, True),
    ("year_total >= 3 and not (year_total >= 9)", {"year_total": 5}, True),
    ("responsibility == 'primary' or tier > 3", {"responsibility": "general", "tier": 4}, True),
    ("role in ['physician', 'nurse']", {"role": "nurse"}, True),
    ("max(1, year_total, 3) - min(2, 5)", {"year_total": 7}, 5),
    ("clamp(year_total, 0, 12)", {"year_total": 15}, 12),
    ("sum(scores) + count(scores)", {"scores": (1, 2, 3)}, 9),
    ("3 if year_total >= 91 else 2 if year_total >= 76 else 1", {"year_total": 80}, 2),
    ("2 * (year_total + 1) / 4", {"year_total": 3}, 2.0),
    ("-year_total + 12", {"year_total": 5}, 7),
    ("date + 2 months", {"date": dt.date(2025, 1, 31)}, dt.date(2025, 3, 31)),
    ("date + 1 month", {"date": dt.date(2025, 1, 31)}, dt.date(2025, 2, 28)),
    ("date + 1 year", {"date": dt.date(2024, 2, 29)}, dt.date(2025, 2, 28)),
    ("date + 10 workdays", {"date": dt.date(2025, 9, 28)}, dt.date(2025, 10, 17)),
    ("date - 2025-03-01", {"date": dt.date(2025, 3, 11)}, 10),
    ("date >= 2025-03-01 and emergency", {"date": dt.date(2025, 3, 1), "emergency": True}, True),
    ("year_of(date) == 2025", {"date": dt.date(2025, 3, 1)}, True),
])
def test_expressions_evaluate(text, env, expected):
    assert run(text, **env) == expected


def test_syntax_error_points_at_the_token_with_a_caret():
    with pytest.raises(DslSyntaxError) as caught:
        parse_expression("year_total >= * 9", Location("rb.yaml", 12, 13, "consequences.rules[1].when"))
    error = caught.value
    assert (error.location.line, error.location.column) == (12, 13 + 14)
    rendered = str(error)
    assert rendered.splitlines()[0].startswith("rb.yaml:12:27: consequences.rules[1].when: unexpected '*'")
    assert rendered.splitlines()[-1] == "    " + " " * 14 + "^"


def test_unexpected_end_is_reported_at_the_end():
    with pytest.raises(DslSyntaxError) as caught:
        parse_expression("year_total >=", Location("rb.yaml", 3, 5))
    assert caught.value.location.column == 5 + len("year_total >=")
    assert "unexpected end of expression" in caught.value.message


def test_unknown_name_suggests_the_closest():
    with pytest.raises(DslNameError) as caught:
        compile_expression("year_totl >= 9", NAMES, location=Location("rb.yaml", 7, 11))
    assert "did you mean 'year_total'?" in caught.value.message
    assert caught.value.location.column == 11


def test_unknown_function_is_a_name_error():
    with pytest.raises(DslNameError) as caught:
        compile_expression("maxx(1, 2) > 1", NAMES)
    assert "did you mean 'max'?" in caught.value.message


def test_date_plus_number_is_a_type_error_at_the_operator():
    with pytest.raises(DslTypeError) as caught:
        compile_expression("date + 3", NAMES, location=Location("rb.yaml", 2, 10))
    assert caught.value.location.column == 10 + 5
    assert "add a duration" in caught.value.message


@pytest.mark.parametrize("text", ["year_total and emergency", "'a' > 1", "emergency + 1", "not year_total",
                                  "year_total in 'abc'", "min(date)", "1 if emergency else 'x'"])
def test_type_errors(text):
    with pytest.raises(DslTypeError):
        compile_expression(text, NAMES)


def test_a_condition_must_be_boolean_where_one_is_expected():
    with pytest.raises(DslTypeError) as caught:
        compile_expression("year_total + 1", NAMES, expect="bool")
    assert "true/false" in caught.value.message


@pytest.mark.parametrize("text", ["2025-02-30 > date", "2 .5 months", "", "   ", "a ==", "(year_total"])
def test_bad_text_is_a_syntax_error(text):
    with pytest.raises(DslSyntaxError):
        compile_expression(text, NAMES)


def test_no_python_escapes_through_the_grammar():
    for text in ["__import__('os')", "year_total.__class__", "[x for x in scores]", "lambda: 1", "exec('1')"]:
        with pytest.raises((DslSyntaxError, DslNameError)):
            compile_expression(text, NAMES)


def test_generated_python_is_kept_for_inspection():
    compiled = compile_expression("single >= 9 and year_total < 12", NAMES)
    assert compiled.python == "((env['single'] >= 9) and (env['year_total'] < 12))"
    assert compiled.names == {"single", "year_total"}
