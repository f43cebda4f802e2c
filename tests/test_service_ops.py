"""Operating the service: workers, request ids and JSON access logs, Prometheus metrics from every
worker, probes, the bulk status route, rulebook rollout without downtime (admin route and SIGHUP,
a broken set refused, no request dropped under load), and an OpenAPI document that validates."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("prometheus_client")

from conftest import ROOT, start_server  # noqa: E402

TOKEN = "s3cret-token"
COUNTY = {"rulebook": "county", "as_of": "2025-04-30", "person": {"id": "C1", "role": "physician"},
          "events": [{"kind": "score", "date": "2025-04-10", "tier": 3, "points": 9}]}


def _county(text: str, months: str) -> str:
    """The national baseline under the id 'county', with the months of its suspension changed."""
    text = re.sub(r"(?m)^id: national$", "id: county", text)
    return re.sub(r"(?m)^(\s*months_max: )6\b", rf"\g<1>{months}", text, count=1)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ops")
    books = folder / "books"
    books.mkdir()
    base_text = (ROOT / "rulebooks" / "national.yaml").read_text(encoding="utf-8")
    (books / "county.yaml").write_text(_county(base_text, "6"), encoding="utf-8")
    server = start_server(folder, "--workers", "2", "--max-body", "65536",
                          env={"YIBAO_ADMIN_TOKEN": TOKEN, "YIBAO_RULEBOOKS": str(books)})
    server.books, server.base_text = books, base_text
    yield server
    assert server.stop() == 0  # SIGTERM: a graceful stop, exit 0


def _sha(client, rid="county"):
    ready = client.get("/readyz").json()
    return next(r["rulebook_sha256"] for r in ready["rulebooks"] if r["rulebook_id"] == rid)


def _every_worker_has(client, sha, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(_sha(client) == sha for _ in range(12)):
            return True
        time.sleep(0.2)
    return False


def test_request_ids_and_json_access_lines(served):
    with httpx.Client(base_url=served.base, timeout=10) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "trace-42"})
        made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert given.headers["x-request-id"] == "trace-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    time.sleep(0.3)
    access = [line for line in served.log_lines() if line.get("message") == "request"]
    mine = next(line for line in access if line["request_id"] == "trace-42")
    assert mine["route"] == "/healthz" and mine["status"] == 200 and mine["ms"] >= 0 and mine["logger"] == "yibao.access"


def test_metrics_count_every_worker(served):
    with httpx.Client(base_url=served.base, timeout=10) as client:
        for _ in range(20):
            assert client.post("/v1/evaluate", json=COUNTY).status_code == 200
        client.post("/v1/evaluate", json={**COUNTY, "rulebook": "nowhere"})
        text = client.get("/metrics").text
    evaluations = sum(float(v) for v in re.findall(r'yibao_evaluations_total\{action="suspend",rulebook="county"\} (\S+)', text))
    requests = sum(float(v) for v in re.findall(
        r'yibao_http_requests_total\{method="POST",route="/v1/evaluate",status="200"\} (\S+)', text))
    assert evaluations >= 20 and requests >= 20  # summed over both workers' files
    assert re.search(r'yibao_errors_total\{kind="RulebookNotFound"\} [1-9]', text)
    assert "yibao_http_request_duration_seconds_bucket" in text


def test_status_rows_json_and_streamed_json_lines(served):
    cases = [{**COUNTY, "person": {"id": f"P{i}", "role": "nurse"}, "events": [] if i % 2 else COUNTY["events"]}
             for i in range(1200)]
    with httpx.Client(base_url=served.base, timeout=60) as client:
        small = client.post("/v1/status", json={"cases": cases[:4] + [{"rulebook": "county"}]}).json()["rows"]
        assert [r["state"] for r in small] == ["suspended", "normal", "suspended", "normal", None]
        assert small[0]["rule"] and small[0]["article"] and small[-1]["error"]
        # ~170 KB of JSON Lines through a 64 KB body limit: the stream is read line by line.
        body = "".join(json.dumps(case) + "\n" for case in cases).encode()
        assert len(body) > 65536
        with client.stream("POST", "/v1/status", content=body,
                           headers={"content-type": "application/x-ndjson"}) as response:
            assert response.headers["content-type"].startswith("application/x-ndjson")
            rows = [json.loads(line) for line in response.iter_lines() if line]
    assert len(rows) == 1200 and [r["person"] for r in rows[:3]] == ["P0", "P1", "P2"]
    assert {r["state"] for r in rows} == {"suspended", "normal"} and not any(r["error"] for r in rows)


def test_a_rollout_under_load_drops_no_request_and_a_broken_set_is_refused(served):
    errors, answers = [], []
    stop = threading.Event()

    def hammer():
        with httpx.Client(base_url=served.base, timeout=20) as client:
            while not stop.is_set():
                try:
                    answers.append(client.post("/v1/evaluate", json=COUNTY, params={"trace": "false"}).status_code)
                except httpx.HTTPError as error:  # a dropped connection, a reset: exactly what must not happen
                    errors.append(repr(error))

    with httpx.Client(base_url=served.base, timeout=30) as client:
        before = _sha(client)
        clients = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in clients:
            thread.start()
        try:
            # 1. A broken set: refused with the reason, the old set keeps serving.
            (served.books / "county.yaml").write_text("id: county\ntitle: [\n", encoding="utf-8")
            refused = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
            assert refused.status_code == 422 and refused.json()["errors"][0]["file"].endswith("county.yaml")
            assert "old set keeps serving" in refused.json()["message"] and _sha(client) == before
            assert client.post("/admin/reload", headers={"Authorization": "Bearer wrong"}).status_code == 401
            # 2. A good new version through the admin route: every worker swaps.
            (served.books / "county.yaml").write_text(_county(served.base_text, "5"), encoding="utf-8")
            reloaded = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
            assert reloaded.status_code == 200, reloaded.text
            second = next(r["rulebook_sha256"] for r in reloaded.json()["rulebooks"] if r["rulebook_id"] == "county")
            assert second != before and _every_worker_has(client, second)
            # 3. Another version through SIGHUP to the supervisor.
            (served.books / "county.yaml").write_text(_county(served.base_text, "4"), encoding="utf-8")
            os.kill(served.process.pid, signal.SIGHUP)
            deadline = time.time() + 30
            while _sha(client) in (before, second) and time.time() < deadline:
                time.sleep(0.2)
            third = _sha(client)
            assert third not in (before, second) and _every_worker_has(client, third)
            time.sleep(0.5)
        finally:
            stop.set()
            for thread in clients:
                thread.join()
    assert not errors, errors[:3]
    assert len(answers) > 20 and set(answers) == {200}
    result = httpx.post(f"{served.base}/v1/evaluate", json=COUNTY, timeout=10).json()
    assert result["provenance"]["rulebook_sha256"] == third and result["decisions"][0]["months_max"] == 4


def test_openapi_is_valid_with_stable_operation_ids_tags_and_full_schemas(served):
    from openapi_spec_validator import validate

    document = httpx.get(f"{served.base}/openapi.json", timeout=10).json()
    validate(document)
    operations = {(method, path): op for path, item in document["paths"].items() for method, op in item.items()}
    assert {op["operationId"] for op in operations.values()} >= {
        "evaluate", "canSettle", "attribute", "status", "deadline", "listRulebooks", "getRulebook", "healthz",
        "readyz", "metrics", "reloadRulebooks"}
    assert all(op.get("tags") for op in operations.values())
    schemas = document["components"]["schemas"]
    for name in ("RulebookSummary", "Deadline", "CanSettle", "StatusRow", "Ready"):
        assert schemas[name].get("properties") and schemas[name].get("required"), name

    import jsonschema

    def conforms(name, data):
        jsonschema.validate(data, {"$ref": f"#/components/schemas/{name}", "components": document["components"]})

    with httpx.Client(base_url=served.base, timeout=10) as client:
        conforms("RulebookSummary", client.get("/v1/rulebooks/inner-mongolia").json())
        conforms("Deadline", client.get("/v1/deadline/inner-mongolia/appeal/2025-09-28").json())
        conforms("Ready", client.get("/readyz").json())
        conforms("RulebookList", client.get("/v1/rulebooks").json())
        conforms("Result", client.post("/v1/evaluate", json=COUNTY).json())
        conforms("CanSettle", client.post("/v1/can-settle", json={"case": COUNTY, "date": "2025-05-01"}).json())
        conforms("StatusAnswer", client.post("/v1/status", json={"cases": [COUNTY]}).json())
