"""HTTP never answers 500 for input: hostile bodies (deep JSON, huge integers, lone surrogates,
year-9999 dates, duplicate keys, NaN, junk, and mixtures of them) get a 4xx in the documented Error
shape, checked before expensive work; the error path stays fast and never stalls the probes."""

from __future__ import annotations

import json
import threading
import time

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from conftest import start_server  # noqa: E402

CASE = {"rulebook": "inner-mongolia", "as_of": "2025-12-31", "person": {"id": "P1", "role": "physician"},
        "events": [{"kind": "score", "date": "2025-04-10", "situation": "18.3.1", "responsibility": "primary"},
                   {"kind": "claim", "date": "2025-05-01"}]}
ROUTES = ("/v1/evaluate", "/v1/can-settle", "/v1/attribute", "/v1/status")
ERROR_KEYS = {"error", "message", "file", "line", "column", "field", "text"}


@pytest.fixture(scope="module")
def http():
    from fastapi.testclient import TestClient

    from engine.service import create_app

    with TestClient(create_app(max_body=1 << 20), raise_server_exceptions=False) as client:
        yield client


def _wrap(route: str, case_text: str) -> str:
    if route == "/v1/can-settle":
        return '{"case": ' + case_text + ', "date": "2025-05-01"}'
    if route == "/v1/status":
        return '{"cases": [' + case_text + "]}"
    return case_text


HOSTILE_VALUES = st.one_of(
    st.integers(min_value=19, max_value=6000).map(lambda digits: "9" * digits),        # huge integers
    st.sampled_from(['"\\ud800"', '"a\\udfff"', '"\\ud83d"', "NaN", "Infinity", "-Infinity", "1e999", "-1e400",
                     '"9999-12-31"', '"9999-12-20"', '"0001-01-01"', '"10000-01-01"', '"2025-02-30"',
                     '"\\u0000\\u001b[2J"', "null", "[]", "{}", '""', "true", "-0", "1.5e308"]),
    st.integers(min_value=60, max_value=5000).map(lambda depth: "[" * depth + "]" * depth),  # deep nesting
    st.integers(min_value=60, max_value=3000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
)
FIELDS = st.sampled_from(["as_of", "rulebook", ("person", "id"), ("person", "role"), ("events", 0, "date"),
                          ("events", 0, "situation"), ("events", 0, "points"), ("events", 1, "date"),
                          ("events", 0, "tier"), ("events", 1, "emergency")])


def _replace(case: dict, path, text: str) -> str:
    """The JSON text of ``case`` with the value at ``path`` replaced by raw JSON ``text``."""
    marker = "\u0007HOLE\u0007"
    data = json.loads(json.dumps(case))
    target = data
    path = (path,) if isinstance(path, str) else path
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = marker
    return json.dumps(data, ensure_ascii=False).replace(json.dumps(marker, ensure_ascii=False), text)


def _assert_error_shape(response) -> None:
    assert response.status_code != 500, response.text[:300]
    if response.status_code >= 400:
        assert 400 <= response.status_code < 500
        body = response.json()
        assert ERROR_KEYS <= set(body) and isinstance(body["text"], str), body


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(ROUTES), fields=st.lists(FIELDS, min_size=1, max_size=3, unique=True),
       values=st.lists(HOSTILE_VALUES, min_size=3, max_size=3), duplicate=st.booleans())
def test_hostile_values_in_a_case_are_4xx_in_the_error_shape(http, route, fields, values, duplicate):
    text = json.dumps(CASE)
    for path, value in zip(fields, values):
        text = _replace_text(text, path, value)
    if duplicate:
        text = text.replace('"as_of": "2025-12-31"', '"as_of": "2025-12-31", "as_of": "2025-11-30"', 1)
    _assert_error_shape(http.post(route, content=_wrap(route, text).encode("utf-8", "surrogatepass"),
                                  headers={"content-type": "application/json"}))


def _replace_text(text: str, path, value: str) -> str:
    try:
        return _replace(json.loads(text), path, value)
    except (ValueError, RecursionError, KeyError, IndexError, TypeError):
        return text  # already hostile beyond parsing, or the path is gone: keep it as it is


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(ROUTES), body=st.one_of(
    st.binary(max_size=300),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                 lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                                    max_size=4),
                 max_leaves=20).map(lambda data: json.dumps(data).encode())))
def test_junk_bodies_are_4xx_in_the_error_shape(http, route, body):
    _assert_error_shape(http.post(route, content=body, headers={"content-type": "application/json"}))


def test_named_hostile_inputs(http):
    cases = {
        "deep": "[" * 100000 + "]" * 100000,
        "huge integer": _replace(CASE, ("events", 0, "points"), "9" * 5000),
        "lone surrogate": _replace(CASE, ("person", "id"), '"\\udc80"'),
        "year 9999": _replace(CASE, ("events", 0, "date"), '"9999-12-20"').replace("2025-12-31", "9999-12-31"),
        "duplicate keys": json.dumps(CASE).replace('"rulebook"', '"rulebook": "x", "rulebook"', 1),
        "NaN": _replace(CASE, ("events", 0, "points"), "NaN"),
    }
    for name, body in cases.items():
        response = http.post("/v1/evaluate", content=body.encode(), headers={"content-type": "application/json"})
        assert response.status_code in (413, 422), (name, response.status_code, response.text[:200])
        assert ERROR_KEYS <= set(response.json()), name
    assert http.post("/v1/evaluate", content=cases["duplicate keys"]).json()["text"].startswith("request:1:")
    banana = http.post("/v1/evaluate", params={"trace": "banana"}, json=CASE)
    assert banana.status_code == 422 and ERROR_KEYS <= set(banana.json()) and banana.json()["field"] == "trace"
    wrong = http.post("/v1/evaluate", content=json.dumps(CASE), headers={"content-type": "text/plain"})
    assert wrong.status_code == 415 and wrong.json()["error"] == "UnsupportedMediaType"
    assert http.get("/v1/nothing").json()["error"] == "NotFound"


def test_a_large_bad_body_is_answered_fast_and_never_stalls_the_probes(tmp_path):
    """0.8 MB of case with the error at its end, eight at once: each answered with its line and
    column, and /healthz answers meanwhile (the error path once re-read bodies as YAML: 3 s each)."""
    events = [{"kind": "claim", "date": "2025-05-01", "emergency": False}] * 9900
    bad = dict(CASE, events=events + [{"kind": "score", "date": "2025-06-01", "situation": "18.9.9",
                                       "responsibility": "primary"}])
    body = json.dumps(bad, indent=2).encode()
    assert 700_000 < len(body) < 1 << 20
    server = start_server(tmp_path, "--workers", "1", "--no-access-log")
    try:
        answers, probes = [], []

        def post():
            started = time.perf_counter()
            response = httpx.post(f"{server.base}/v1/evaluate", content=body,
                                  headers={"content-type": "application/json"}, timeout=60)
            answers.append((response.status_code, response.json(), time.perf_counter() - started))

        threads = [threading.Thread(target=post) for _ in range(8)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            started = time.perf_counter()
            assert httpx.get(f"{server.base}/healthz", timeout=10).status_code == 200
            probes.append(time.perf_counter() - started)
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert [status for status, _, _ in answers] == [422] * 8
    assert all(error["line"] and error["column"] and error["field"] == "events[9900].situation"
               for _, error, _ in answers)
    print(f"probe max {max(probes):.3f} s, answers {max(t for _, _, t in answers):.2f} s")
    assert max(probes) < 1.0, f"/healthz waited {max(probes):.2f} s"
