"""The HTTP service, through a real uvicorn server on loopback (`yibao serve`), and schemathesis."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import engine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inner-mongolia-case.yaml"
MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`yibao serve` (2 workers) on 127.0.0.1 and a free port; stopped (SIGTERM, then kill) after the module."""
    from conftest import start_server

    served = start_server(tmp_path_factory.mktemp("serve"), "--max-body", str(MAX_BODY), "--workers", "2")
    yield served.base
    served.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server, timeout=10) as session:
        yield session


def _case() -> dict:
    import yaml

    return json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))


def test_healthz_and_rulebooks(client):
    assert client.get("/healthz").json() == {"status": "ok", "rulebooks": engine.list_rulebooks()}
    index = client.get("/v1/rulebooks").json()
    assert "inner-mongolia" in [row["id"] for row in index]
    detail = client.get("/v1/rulebooks/inner-mongolia").json()
    assert detail["document"] == "内医保发〔2025〕7号" and detail["situations"]
    missing = client.get("/v1/rulebooks/inner-mongolja")
    assert missing.status_code == 404 and "did you mean 'inner-mongolia'" in missing.json()["message"]


def test_evaluate_returns_what_the_cli_prints(client):
    printed = subprocess.run([sys.executable, "-m", "engine", "evaluate", str(EXAMPLE), "--json"],
                             capture_output=True, text=True, cwd=ROOT, check=True).stdout
    response = client.post("/v1/evaluate", json=_case())
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert response.json() == json.loads(printed)
    assert client.post("/v1/evaluate", params={"trace": "false"}, json=_case()).json()["trace"] == []


def test_bad_input_is_422_with_the_located_message_of_the_cli(client, tmp_path):
    case = _case()
    case["events"][1]["situation"] = "18.1.9"
    body = json.dumps(case, ensure_ascii=False, indent=2)
    response = client.post("/v1/evaluate", content=body.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422
    error = response.json()
    # The CLI on the same text in a file says the same, with the file's name instead of "request".
    path = tmp_path / "case.json"
    path.write_text(body, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "engine", "evaluate", str(path)], capture_output=True, text=True,
                         cwd=ROOT)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"error: {error['text'].replace('request', str(path), 1)}"
    assert error["line"] and error["column"] and error["field"] == "events[1].situation"
    assert "did you mean" in error["message"]


@pytest.mark.parametrize("body, words", [
    (b"{not json", "invalid JSON"),
    (b"[1, 2]", "a case must be a JSON object"),
    (b'{"as_of": "2025-12-31"}', "missing required field 'rulebook'"),
    (b'{"rulebook": "inner-mongolja", "as_of": "2025-12-31", "person": {"id": 1, "role": "nurse"}, "events": []}',
     "did you mean 'inner-mongolia'"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_malformed_bodies_are_422(client, body, words):
    response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert words in response.json()["text"]


def test_request_size_limit_is_413(client):
    case = _case()
    case["person"]["name"] = "x" * (MAX_BODY + 1)
    assert client.post("/v1/evaluate", json=case).status_code == 413

    def chunks():  # no content-length: the limit holds on the stream too
        for _ in range(MAX_BODY // 1024 + 2):
            yield b" " * 1024

    assert client.post("/v1/evaluate", content=chunks(), headers={"content-type": "application/json"}).status_code == 413


def test_can_settle(client):
    case = _case()
    answer = client.post("/v1/can-settle", json={"case": case, "date": "2025-10-03"}).json()
    assert answer["settled"] is False and answer["state"] == "terminated" and answer["article"] == "第九条（三）"
    answer = client.post("/v1/can-settle", json={"case": case, "date": "2025-10-03", "emergency": True}).json()
    assert answer["settled"] is True
    case["events"][0]["situation"] = "18.2.9"
    bad = client.post("/v1/can-settle", json={"case": case, "date": "2025-10-03"})
    assert bad.status_code == 422 and bad.json()["field"] == "events[0].situation" and bad.json()["line"] == 1


def test_deadline(client):
    response = client.get("/v1/deadline/inner-mongolia/appeal/2025-09-28")   # issue 6's example
    assert response.status_code == 200
    assert response.json()["deadline"] == "2025-10-17" and response.json()["kind"] == "appeal"
    assert response.json() == engine.deadline("inner-mongolia", "appeal", "2025-09-28")
    unknown = client.get("/v1/deadline/inner-mongolia/no-such-kind/2025-09-28")
    assert unknown.status_code == 422 and "appeal" in unknown.json()["message"]
    assert client.get("/v1/deadline/inner-mongolia/appeal/2025-02-30").status_code == 422
    assert client.get("/v1/deadline/nowhere/appeal/2025-09-28").status_code == 404
    # 辽宁 第三十三条: with the exception of the text, no verification deadline.
    excepted = client.get("/v1/deadline/liaoning/verification/2025-10-20?except=expert_assessment")
    assert excepted.status_code == 200 and excepted.json()["deadline"] is None
    assert excepted.json()["exception"]["id"] == "expert_assessment"
    assert client.get("/v1/deadline/liaoning/verification/2025-10-20").json()["deadline"] == "2025-11-17"
    assert client.get("/v1/deadline/liaoning/verification/2025-10-20?except=expert").status_code == 422


def _attribution_case() -> dict:
    import yaml

    case = yaml.safe_load((ROOT / "examples" / "inner-mongolia-attribution.yaml").read_text(encoding="utf-8"))
    org = yaml.safe_load((ROOT / "examples" / case.pop("org_file")).read_text(encoding="utf-8"))
    case["org"] = org.get("org", org) if isinstance(org, dict) else org
    return json.loads(json.dumps(case, default=str))


def test_attribute_returns_what_the_cli_prints(client):
    printed = subprocess.run([sys.executable, "-m", "engine", "attribute", "examples/inner-mongolia-attribution.yaml",
                              "--json"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    response = client.post("/v1/attribute", json=_attribution_case())
    assert response.status_code == 200, response.text
    assert response.json()["assignments"] == json.loads(printed)["assignments"]
    case = _attribution_case()
    case["involved"].append("NOBODY")
    bad = client.post("/v1/attribute", json=case)
    assert bad.status_code == 422 and "NOBODY" in bad.json()["message"]


def test_no_request_makes_the_server_read_a_file(client):
    for route, body in (("/v1/attribute", {"rulebook": "inner-mongolia", "violation": 10, "involved": ["D1"],
                                          "org_file": "/etc/passwd"}),
                        ("/v1/evaluate", {**_case(), "org_file": "/etc/passwd"})):
        response = client.post(route, json=body)
        assert response.status_code == 422 and response.json()["field"] == "org_file"


def test_openapi_embeds_the_json_schemas(client):
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    case_schema = json.loads((ROOT / "schemas" / "case.schema.json").read_text(encoding="utf-8"))
    assert set(schemas["Case"]["properties"]) == set(case_schema["properties"])
    assert {"Case_event", "Result", "Result_decision", "Error"} <= set(schemas)
    evaluate = document["paths"]["/v1/evaluate"]["post"]
    assert evaluate["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Case"}
    assert evaluate["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Result"}
    assert "#/$defs/" not in json.dumps(document)  # every reference resolves inside the document


def test_a_valid_result_follows_its_schema(client):
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(client.post("/v1/evaluate", json=_case()).json(), schema)


# -- schemathesis against the service's own OpenAPI document ------------------------------------------

schemathesis = pytest.importorskip("schemathesis")


def test_the_service_follows_its_own_openapi(server):
    """Every operation, with bodies and parameters generated from /openapi.json (bounded: 25 each).

    Driven by hand rather than by ``schemathesis.pytest.from_fixture``, whose lazy fixture does not
    work with pytest 9; the checks are schemathesis' own (no 5xx, documented statuses and content
    types, responses valid against their schemas) except ``positive_data_acceptance``: the JSON
    Schema describes a case's structure, while the engine also checks its content against the
    rulebook (a situation that exists, a real date, allowed points) and rightly answers 422.
    """
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    api_schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(base_url=server, timeout=10, excluded_checks=[positive_data_acceptance])

        check()
