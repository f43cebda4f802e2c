"""The HTTP face: ``yibao serve`` — the engine for case-management and settlement systems.

A FastAPI application over :mod:`engine.api`; no legal logic here. Every rulebook is compiled once
when the application is created, and requests are answered from those compiled rulebooks.

=================================================  =====================================================
``POST /v1/evaluate[?trace=false]``                a case (docs/contract.md) → the result of ``yibao evaluate --json``
``POST /v1/can-settle``                            ``{case, date, emergency}`` → ``{settled, state, article, reason, …}``
``POST /v1/attribute``                             an attribution case (organisation inline) → ``yibao attribute --json``
``GET /v1/deadline/{rulebook}/{kind}/{date}``      → ``yibao deadline --json``: ``{deadline, kind, article, …}``
``GET /v1/rulebooks``, ``GET /v1/rulebooks/{id}``  the rulebooks served, and one described
``GET /healthz``                                   liveness: ``{"status": "ok", "rulebooks": [...]}``
``GET /openapi.json``                              the OpenAPI 3.1 document, with the JSON Schemas of ``schemas/``
=================================================  =====================================================

Errors are JSON objects ``{error, message, file, line, column, field, text}``; ``text`` is the one
located line the CLI prints, with ``request`` as the file name (``request:1:87: events[0].situation:
unknown situation …``). Bad input → 422, unknown rulebook in a path → 404, body over the limit → 413,
an operation this build does not have → 501.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Dict, List, Mapping, Optional

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from engine import api
from engine.errors import Location, NotSupported, RulebookNotFound, YibaoError
from engine.rulebook.rulebook import Rulebook
from engine.base.schemas import load_schema, schema_dir

#: Default largest request body (bytes). One person's ledger is a few kilobytes.
DEFAULT_MAX_BODY = 1 << 20
REQUEST = "request"  # the "file name" of a request body in located messages

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None


class _JSON(JSONResponse):
    """UTF-8 JSON without escaping Chinese text (orjson when available)."""

    def render(self, content: Any) -> bytes:
        if _orjson is not None:
            return _orjson.dumps(content)
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _TooLarge(Exception):
    pass


def _error(status: int, error: YibaoError) -> _JSON:
    return _JSON(error.to_dict(), status_code=status)


# -- OpenAPI: the project's JSON Schemas as components ----------------------------------------------

def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_.]", name) if part)


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = f"#/components/schemas/{prefix}_{value[len('#/$defs/'):]}"
            elif key == "$ref" and value == "#":
                out[key] = f"#/components/schemas/{prefix}"
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def schema_components() -> Dict[str, Any]:
    """Every ``schemas/<name>.schema.json`` as OpenAPI components (``Case``, ``Case_event``, …)."""
    components: Dict[str, Any] = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        name = path.name[: -len(".schema.json")]
        schema = copy.deepcopy(load_schema(name))
        prefix = _camel(name)
        defs = schema.pop("$defs", {})
        for key in ("$schema", "$id"):  # an $id would move the base of every $ref
            schema.pop(key, None)
        components[prefix] = _rewrite_refs(schema, prefix)
        for key, body in defs.items():
            components[f"{prefix}_{key}"] = _rewrite_refs(body, prefix)
    components["Error"] = {
        "type": "object", "required": ["error", "message", "text"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                       "file": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]},
                       "column": {"type": ["integer", "null"]}, "field": {"type": ["string", "null"]},
                       "text": {"type": "string", "description": "the located line the CLI prints"}}}
    components["CanSettleRequest"] = {
        "type": "object", "required": ["case", "date"], "additionalProperties": False,
        "properties": {"case": {"$ref": "#/components/schemas/Case"},
                       "date": {"$ref": "#/components/schemas/Case_date"},
                       "emergency": {"type": "boolean", "default": False}}}
    components["CanSettle"] = {
        "type": "object", "required": ["settled", "state", "article", "reason"],
        "properties": {"person": {"type": "string"}, "date": {"type": "string"}, "emergency": {"type": "boolean"},
                       "settled": {"type": "boolean"}, "state": {"enum": ["normal", "suspended", "terminated"]},
                       "article": {"type": ["string", "null"]}, "rule": {"type": ["string", "null"]},
                       "reason": {"type": "string"}}}
    components["RulebookEntry"] = {
        "type": "object", "required": ["id", "document", "title", "effective_from"],
        "properties": {"id": {"type": "string"}, "document": {"type": "string"}, "title": {"type": "string"},
                       "effective_from": {"type": "string"}, "effective_until": {"type": ["string", "null"]}}}
    components.setdefault("AttributionResult", {"type": "object", "description": "see `yibao attribute --json`"})
    components.setdefault("AttributionCase", {"type": "object", "description": "see `yibao attribute`"})
    components.setdefault("Deadline", {"type": "object", "required": ["deadline", "kind", "article"],
                                       "properties": {"deadline": {"type": ["string", "null"]}, "kind": {"type": "string"},
                                                      "article": {"type": ["string", "null"]}}})
    return components


def _ref(name: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> Dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": _ref(name)}}}}


def _responses(ok: str, *errors: int) -> Dict[str, Any]:
    said = {413: "request body too large", 422: "bad input: the located message of the CLI",
            404: "no such rulebook", 501: "not in this build of the engine"}
    out: Dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": _ref(ok)}}}}
    for status in errors:
        out[str(status)] = {"description": said[status], "content": {"application/json": {"schema": _ref("Error")}}}
    return out


# -- the application ---------------------------------------------------------------------------------

def create_app(*, max_body: int = DEFAULT_MAX_BODY, rulebooks: Optional[List[str]] = None) -> FastAPI:
    """The ASGI application; compiles every rulebook (or those named) once, now."""
    compiled: Dict[str, Rulebook] = {}
    for rid in rulebooks if rulebooks is not None else api.list_rulebooks():
        rb = api.load_rulebook(rid)
        compiled[rb.id] = rb
    index = [{"id": rb.id, "document": rb.document, "title": rb.title,
              "effective_from": rb.effective_from.isoformat(),
              "effective_until": rb.effective_until.isoformat() if rb.effective_until else None}
             for rb in compiled.values()]
    summaries = {rid: api.rulebook_summary(rb) for rid, rb in compiled.items()}

    app = FastAPI(title="yibao-rules", version=_version(), default_response_class=_JSON,
                  description="医保支付资格管理 rulebooks as data: evaluate a person's ledger, check a claim, "
                              "attribute responsibility, count deadlines. Errors carry the CLI's located message.")

    def rulebook_for(value: Any, *, in_path: bool = False) -> Rulebook:
        if isinstance(value, str) and value in compiled:
            return compiled[value]
        if value is None:
            raise api.CaseError("missing required field 'rulebook' (e.g. \"rulebook\": \"inner-mongolia\")",
                                Location(REQUEST, field="rulebook"))
        if not isinstance(value, str) or not value:
            raise api.CaseError(f"rulebook must be an id such as 'inner-mongolia', got {value!r}",
                                Location(REQUEST, field="rulebook"))
        from engine.errors import did_you_mean

        raise RulebookNotFound(f"unknown rulebook '{value}'; available: {', '.join(compiled)}"
                               + did_you_mean(value, compiled), Location(None if in_path else REQUEST, field="rulebook"))

    async def read_json(request: Request) -> Any:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body:
            raise _TooLarge()
        chunks: List[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise _TooLarge()
            chunks.append(chunk)
        raw = b"".join(chunks)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise api.CaseError(f"the body is not UTF-8 (byte {error.start})", Location(REQUEST)) from None
        try:
            return text, json.loads(text)
        except json.JSONDecodeError as error:
            raise api.CaseError(f"invalid JSON: {error.msg}", Location(REQUEST, error.lineno, error.colno)) from None

    def no_files(data: Any, what: str) -> None:
        """A request may not make the server read its files: the organisation comes inline."""
        if isinstance(data, dict) and "org_file" in data:
            raise api.CaseError(f"org_file is not accepted over HTTP; send the organisation inline as 'org' ({what})",
                                Location(REQUEST, field="org_file"))

    def located(call, text: str, data: Any, path_prefix: tuple = ()):
        """Run ``call(data, positions)``; on an engine error, run it again with the body's positions
        so that the error names its line and column in the request, as the CLI does for a file."""
        try:
            return call(data, None)
        except YibaoError:
            try:
                from engine.base.documents import load_yaml

                document = load_yaml(text, REQUEST)
                positions = {key[len(path_prefix):]: mark for key, mark in document.positions.items()
                             if key[: len(path_prefix)] == path_prefix}
            except Exception:  # noqa: BLE001 - positions are a courtesy; the first error stands
                positions = None
            if not positions:
                raise
            return call(data, positions)

    def too_large() -> Response:
        return _JSON({"error": "TooLarge", "message": f"request body over {max_body} bytes",
                      "file": REQUEST, "line": None, "column": None, "field": None,
                      "text": f"{REQUEST}: request body over {max_body} bytes"}, status_code=413)

    def answer(run) -> Response:
        """The one place where engine errors become HTTP statuses."""
        try:
            return _JSON(run())
        except NotSupported as error:
            return _error(501, error)
        except YibaoError as error:
            if error.location.file is None and error.location.line is None:
                error = error.relocated(Location(REQUEST, field=error.location.field))
            return _error(422, error)

    async def answer_body(request: Request, run) -> Response:
        """Read the JSON body (size-limited), then ``run(text, data)`` through :func:`answer`."""
        try:
            text, data = await read_json(request)
        except _TooLarge:
            return too_large()
        except YibaoError as error:
            return _error(422, error)
        return answer(lambda: run(text, data))

    # -- routes --------------------------------------------------------------------------------------

    @app.post("/v1/evaluate", openapi_extra={**_body("Case"), "responses": _responses("Result", 413, 422)},
              summary="Evaluate one person's ledger (the result of `yibao evaluate --json`)")
    async def evaluate(request: Request, trace: bool = True) -> Response:
        def run(text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict):
                raise api.CaseError("a case must be a JSON object with rulebook, as_of, person and events",
                                    Location(REQUEST, 1, 1))
            no_files(data, "case")
            rulebook = rulebook_for(data.get("rulebook"))
            return located(lambda d, p: rulebook.evaluate(d, source=REQUEST if p else None, positions=p, trace=trace),
                           text, data)
        return await answer_body(request, run)

    @app.post("/v1/can-settle", openapi_extra={**_body("CanSettleRequest"),
                                               "responses": _responses("CanSettle", 413, 422, 501)},
              summary="Would a claim on a date be settled? (status on that date + settlement rules)")
    async def can_settle(request: Request) -> Response:
        def run(text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict) or not isinstance(data.get("case"), dict):
                raise api.CaseError("expected {case, date, emergency}", Location(REQUEST, 1, 1, "case"))
            extra = sorted(set(data) - {"case", "date", "emergency"})
            if extra:
                raise api.CaseError(f"unknown field '{extra[0]}'; expected case, date, emergency", Location(REQUEST, field=extra[0]))
            case = data["case"]
            no_files(case, "case")
            rulebook = rulebook_for(case.get("rulebook"))
            # Validate the case with positions first (located errors), then ask.
            located(lambda d, p: rulebook.evaluate(d, source=REQUEST if p else None, positions=p, trace=False),
                    text, case, ("case",))
            return rulebook.can_settle(case, data.get("date"), data.get("emergency", False))
        return await answer_body(request, run)

    @app.post("/v1/attribute", openapi_extra={**_body("AttributionCase"),
                                              "responses": _responses("AttributionResult", 413, 422)},
              summary="Who bears which responsibility (the result of `yibao attribute --json`)")
    async def attribute(request: Request) -> Response:
        def run(text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict):
                raise api.CaseError("an attribution case must be a JSON object", Location(REQUEST, 1, 1))
            no_files(data, "attribution case")
            rulebook = rulebook_for(data.get("rulebook"))
            return located(lambda d, p: rulebook.attribute(d, source=REQUEST if p else None, positions=p), text, data)
        return await answer_body(request, run)

    @app.get("/v1/deadline/{rulebook}/{kind}/{date}", responses=_responses("Deadline", 404, 422),
             summary="The deadline of a kind (appeal, verification, …) counted from a date")
    async def deadline(rulebook: str, kind: str, date: str,
                       exceptions: List[str] = Query([], alias="except", description=(
                           "an exception the text writes for this limit applies, e.g. expert_assessment "
                           "(辽宁 第三十三条): no deadline; repeatable"))) -> Response:
        if rulebook not in compiled:
            return answer_not_found(rulebook)
        return answer(lambda: api.deadline(compiled[rulebook], kind, date, tuple(exceptions)))

    def answer_not_found(rid: str) -> Response:
        try:
            rulebook_for(rid, in_path=True)
        except YibaoError as error:
            return _error(404, error)
        raise AssertionError("unreachable")

    @app.get("/v1/rulebooks", responses=_responses("RulebookList"), summary="The rulebooks served")
    async def rulebooks_index() -> Response:
        return _JSON(index)

    @app.get("/v1/rulebooks/{rulebook}", responses=_responses("RulebookSummary", 404), summary="One rulebook described")
    async def rulebook_detail(rulebook: str) -> Response:
        if rulebook not in compiled:
            return answer_not_found(rulebook)
        return _JSON(summaries[rulebook])

    @app.get("/healthz", responses=_responses("Health"), summary="Liveness")
    async def healthz() -> Response:
        return _JSON({"status": "ok", "rulebooks": list(compiled)})

    def openapi() -> Dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes)
            components = document.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema_components())
            components["RulebookList"] = {"type": "array", "items": _ref("RulebookEntry")}
            components["RulebookSummary"] = {"type": "object", "required": ["id", "title", "document"]}
            components["Health"] = {"type": "object", "required": ["status", "rulebooks"],
                                    "properties": {"status": {"const": "ok"},
                                                   "rulebooks": {"type": "array", "items": {"type": "string"}}}}
            for path_item in document.get("paths", {}).values():
                for operation in path_item.values():
                    # The engine validates bodies itself (located messages), so FastAPI's own 422 shape is not used.
                    for status, body in operation.get("responses", {}).items():
                        if status == "422":
                            body["content"] = {"application/json": {"schema": _ref("Error")}}
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _version() -> str:
    from engine import __version__

    return __version__


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body: int = DEFAULT_MAX_BODY,
          log_level: str = "warning") -> None:
    """Run the service with uvicorn until stopped (Ctrl-C / SIGTERM)."""
    import uvicorn

    from engine.rulebook import registry

    app = create_app(max_body=max_body)
    registry.freeze()  # this process serves the rulebooks compiled at start, nothing else
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
