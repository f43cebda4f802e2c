"""The embedding API (engine.api, re-exported by engine): the contract other services import."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.errors import CaseError, RulebookNotFound, YibaoError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inner-mongolia-case.yaml"


def _case() -> dict:
    return json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))


def test_the_public_names_are_exported():
    for name in ("load_rulebook", "evaluate_case", "can_settle", "attribute", "deadline", "list_rulebooks",
                 "rulebook_summary", "YibaoError", "NotSupported", "Rulebook"):
        assert hasattr(engine, name), name


def test_evaluate_returns_exactly_what_the_cli_prints():
    printed = subprocess.run([sys.executable, "-m", "engine", "evaluate", str(EXAMPLE), "--json"],
                             capture_output=True, text=True, cwd=ROOT, check=True).stdout
    rulebook = engine.load_rulebook("inner-mongolia")
    assert json.loads(printed) == json.loads(json.dumps(rulebook.evaluate(_case())))
    assert json.loads(printed) == json.loads(json.dumps(engine.evaluate_case(_case())))


def test_load_rulebook_is_cached_and_shared_between_threads():
    with ThreadPoolExecutor(8) as pool:
        loaded = list(pool.map(lambda _: engine.load_rulebook("inner-mongolia"), range(32)))
    assert all(rb is loaded[0] for rb in loaded)
    assert engine.load_rulebook("inner-mongolia") is loaded[0]


def test_rulebook_is_immutable():
    rulebook = engine.load_rulebook("inner-mongolia")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rulebook.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rulebook.situations["18.9.9"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        rulebook.parameters["x"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        rulebook.raw["id"] = "x"  # type: ignore[index]
    assert isinstance(rulebook.consequences, tuple) and isinstance(rulebook.settlement, tuple)


def test_concurrent_evaluations_agree_with_sequential_ones():
    rulebook = engine.load_rulebook("inner-mongolia")
    cases = []
    for shift in range(24):
        case = _case()
        case["person"]["id"] = f"P{shift}"
        case["events"] = case["events"][: 1 + shift % len(case["events"])]
        cases.append(case)
    expected = [rulebook.evaluate(case) for case in cases]
    before = repr(rulebook)
    barrier = threading.Barrier(8)

    def run(index: int):
        if index < 8:
            barrier.wait()
        return rulebook.evaluate(cases[index % len(cases)])

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(run, range(len(cases) * 4)))
    assert got == [expected[i % len(cases)] for i in range(len(cases) * 4)]
    assert repr(rulebook) == before


def test_can_settle_follows_the_status_and_the_settlement_rules():
    rulebook = engine.load_rulebook("inner-mongolia")
    case = _case()  # terminated on 2025-09-15 (18.3.1 primary: year total 13)
    before = rulebook.can_settle(case, "2025-09-14")
    assert before["settled"] is True and before["state"] == "normal" and before["article"] == "第九条（一）"
    same_day = rulebook.can_settle(case, "2025-09-15")  # the decision of that day already applies
    assert same_day["settled"] is False and same_day["state"] == "terminated" and same_day["article"] == "第九条（三）"
    urgent = engine.can_settle(case, "2025-11-01", emergency=True)
    assert urgent["settled"] is True and urgent["state"] == "terminated"
    assert set(urgent) >= {"settled", "state", "article", "reason"}
    with pytest.raises(CaseError):
        rulebook.can_settle(case, "2025-13-01")
    with pytest.raises(CaseError):
        rulebook.can_settle(case, "2020-01-01")  # before the rulebook applies


def test_can_settle_agrees_with_a_claim_event_in_the_case():
    rulebook = engine.load_rulebook("inner-mongolia")
    case = _case()
    result = rulebook.evaluate(case)
    for claim in result["claims"]:
        answer = rulebook.can_settle(case, claim["date"], claim["emergency"])
        assert (answer["settled"], answer["state"], answer["article"]) == (claim["settled"], claim["state"], claim["article"])


def test_attribute_and_deadline_through_the_api():
    rulebook = engine.load_rulebook("inner-mongolia")
    answer = engine.deadline("inner-mongolia", "appeal", "2025-09-28")    # issue 6's example
    assert answer["deadline"] == "2025-10-17" and answer == engine.deadline(rulebook, "appeal", "2025-09-28")
    case = yaml.safe_load((ROOT / "examples" / "inner-mongolia-attribution.yaml").read_text(encoding="utf-8"))
    case["org"] = yaml.safe_load((ROOT / "examples" / case.pop("org_file")).read_text(encoding="utf-8"))
    result = engine.attribute(case)
    assert {a["person"] for a in result["assignments"]} >= {"D1", "D6", "U1"}
    assert result == rulebook.attribute(case)


def test_unknown_rulebook_is_an_engine_error():
    with pytest.raises(RulebookNotFound):
        engine.evaluate_case({"rulebook": "inner-mongolja", "as_of": "2025-12-31", "person": {"id": 1, "role": "nurse"},
                         "events": []})
    with pytest.raises(CaseError):
        engine.evaluate_case({"as_of": "2025-12-31"})


# -- junk in, engine errors out ---------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 40), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(["2025-04-10", "2025-02-30", "18.2.1", "18.3.1", "primary", "exam", "score",
                                     "repair", "claim", "restoration", "nurse", "inner-mongolia", "lighter"]))
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=12)
KEYS = ["rulebook", "as_of", "person", "events", "parameters", "id", "role", "kind", "date", "situation", "tier",
        "responsibility", "points", "adjustment", "way", "score", "emergency", "passed", "inspection", "behaviour"]


@st.composite
def junk_cases(draw):
    """Dicts that look roughly like cases, with every field possibly missing, mistyped or absurd."""
    def some_event():
        keys = draw(st.lists(st.sampled_from(KEYS[6:]), max_size=8, unique=True))
        return {key: draw(junk if draw(st.booleans()) else scalars) for key in keys}

    case = {}
    for key in draw(st.lists(st.sampled_from(KEYS[:5]), max_size=5, unique=True)):
        if key == "events" and draw(st.booleans()):
            case[key] = [some_event() for _ in range(draw(st.integers(0, 4)))]
        elif key == "person" and draw(st.booleans()):
            case[key] = {"id": draw(scalars), "role": draw(scalars)}
        else:
            case[key] = draw(junk)
    return case


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk_cases(), st.booleans())
def test_junk_cases_raise_only_engine_errors(case, with_rulebook):
    rulebook = engine.load_rulebook("inner-mongolia")
    if with_rulebook:
        case["rulebook"] = "inner-mongolia"
    for call in (lambda: rulebook.evaluate(case), lambda: engine.evaluate_case(case),
                 lambda: rulebook.can_settle(case, "2025-06-01")):
        try:
            result = call()
        except YibaoError:
            continue
        assert isinstance(result, dict)


@settings(max_examples=100, deadline=None)
@given(junk)
def test_anything_at_all_raises_only_engine_errors(value):
    rulebook = engine.load_rulebook("inner-mongolia")
    for call in (lambda: rulebook.evaluate(value), lambda: engine.evaluate_case(value),
                 lambda: engine.can_settle(value, value), lambda: engine.deadline(value, value, value)):
        try:
            call()
        except YibaoError:
            pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(junk_cases(), junk))
def test_the_fast_schema_check_never_accepts_what_jsonschema_refuses(case):
    from engine.cases.document import to_plain as _plain
    from engine.base.schemas import validator, surely_valid

    data = _plain(case)
    if surely_valid("case", data):
        assert not list(validator("case").iter_errors(data))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk, junk)
def test_deadline_with_junk_raises_only_engine_errors(kind, date):
    try:
        engine.deadline("inner-mongolia", kind, date)
    except YibaoError:
        pass
