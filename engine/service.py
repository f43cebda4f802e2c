"""The HTTP face: ``yibao serve`` — the engine for case-management and settlement systems.

A FastAPI application over :mod:`engine.api`; no legal logic here. Every rulebook is compiled once
when the application is created (one worker process: ``yibao serve --workers N`` runs N of them,
see :mod:`engine.faces.server`), and requests are answered from that compiled set
(:mod:`engine.faces.served`), which a reload replaces atomically.

=================================================  =====================================================
``POST /v1/evaluate[?trace=false]``                a case (docs/contract.md) → the result of ``yibao evaluate --json``
``POST /v1/can-settle``                            ``{case, date, emergency}`` → ``{settled, state, article, reason, …}``
``POST /v1/attribute``                             an attribution case (organisation inline) → ``yibao attribute --json``
``POST /v1/status[?stream=true]``                  many cases → one status row per person (JSON, or JSON Lines streamed)
``GET /v1/deadline/{rulebook}/{kind}/{date}``      → ``yibao deadline --json``: ``{deadline, kind, article, …}``
``GET /v1/rulebooks``, ``GET /v1/rulebooks/{id}``  the rulebooks served, and one described
``GET /healthz``, ``GET /readyz``                  liveness; readiness (rulebooks loaded, their provenance)
``GET /metrics``                                   Prometheus metrics of every worker
``POST /admin/reload``                             reload the rulebooks (``Authorization: Bearer $YIBAO_ADMIN_TOKEN``)
``GET /openapi.json``                              the OpenAPI 3.1 document, with the JSON Schemas of ``schemas/``
=================================================  =====================================================

Errors are JSON objects ``{error, message, file, line, column, field, text}``; ``text`` is the one
located line the CLI prints, with ``request`` as the file name (``request:1:87: events[0].situation:
unknown situation …``). Bad input → 422, unknown rulebook in a path → 404, body over the limit → 413,
a body that is not JSON → 415, an operation this build does not have → 501. Input never causes a
500: that would be a bug, answered in the same shape (``InternalError``) and logged with the
request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import signal
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Tuple

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
import anyio
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine import api
from engine.errors import CaseError, Location, NotSupported, RulebookNotFound, YibaoError, did_you_mean
from engine.faces import jsonin, observe, openapi
from engine.faces.served import ReloadFailed, Served, Snapshot
from engine.faces.server import signal_workers
from engine.faces.status import error_row, status_rows
from engine.rulebook import registry
from engine.rulebook.rulebook import Rulebook

#: Default largest request body (bytes). One person's ledger is a few kilobytes.
DEFAULT_MAX_BODY = 1 << 20
#: Bodies up to this size are evaluated on the event loop (``YIBAO_INLINE_BYTES``); larger ones in
#: the thread pool, so that a large ledger never holds the loop (probes, other requests).
INLINE_BYTES = 16 * 1024
REQUEST = "request"  # the "file name" of a request body in located messages
JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-seq")

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None


def _dumps(content: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(content)
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _JSON(JSONResponse):
    """UTF-8 JSON without escaping Chinese text (orjson when available)."""

    def render(self, content: Any) -> bytes:
        return _dumps(content)


class _Streamed(StreamingResponse):
    """A response streamed while its request's body is still being read (the body iterator reads
    it): Starlette's usual concurrent wait for a disconnect would take the body's messages."""

    async def __call__(self, scope, receive, send) -> None:
        await self.stream_response(send)


class _HttpError(Exception):
    """An answer that is not the engine's: too large, wrong media type, no token."""

    def __init__(self, status: int, kind: str, message: str, field: Optional[str] = None):
        super().__init__(message)
        self.status, self.kind, self.message, self.field = status, kind, message, field

    def body(self) -> Dict[str, Any]:
        text = f"{REQUEST}: {self.field + ': ' if self.field else ''}{self.message}"
        return {"error": self.kind, "message": self.message, "file": REQUEST, "line": None, "column": None,
                "field": self.field, "text": text}


#: What the engine raises on input it cannot compute with (a date near 9999-12-31 moved by a term,
#: a value beyond its ranges): bad input, not a server fault (logged, in case it was a bug).
OUT_OF_RANGE = (OverflowError, RecursionError, ValueError)


def _out_of_range(error: Exception) -> _HttpError:
    observe.LOG.warning("input out of range", extra={"error": f"{type(error).__name__}: {error}"})
    return _HttpError(422, "OutOfRange", f"the input leads outside what the engine can compute "
                                         f"({type(error).__name__}: {error})")


def _error(status: int, error: YibaoError, **extra: Any) -> _JSON:
    observe.count_error(type(error).__name__)
    return _JSON({**error.to_dict(), **extra}, status_code=status)


def _http_error(error: _HttpError) -> _JSON:
    observe.count_error(error.kind)
    return _JSON(error.body(), status_code=error.status)


def _threads() -> int:
    """Threads per worker process for CPU work (``YIBAO_THREADS``, default 2): more only fight over
    the interpreter lock with the event loop, which must stay free for probes and reading bodies."""
    try:
        return max(1, int(os.environ.get("YIBAO_THREADS", 2)))
    except ValueError:
        return 2


def _settings(max_body: Optional[int]) -> int:
    if max_body is not None:
        return max_body
    try:
        return int(os.environ.get("YIBAO_MAX_BODY", DEFAULT_MAX_BODY))
    except ValueError:
        return DEFAULT_MAX_BODY


# -- the application ---------------------------------------------------------------------------------

def create_app(*, max_body: Optional[int] = None, rulebooks: Optional[List[str]] = None) -> FastAPI:
    """The ASGI application; compiles every rulebook (or those named) once, now.

    Settings come from the arguments or the environment (so that ``uvicorn --factory`` workers get
    them too): ``YIBAO_MAX_BODY`` (bytes), ``YIBAO_ADMIN_TOKEN`` (turns ``/admin/reload`` on),
    ``YIBAO_RULEBOOKS`` (more rulebook folders). A broken rulebook is logged and skipped.
    """
    limit = _settings(max_body)
    inline_bytes = int(os.environ.get("YIBAO_INLINE_BYTES", INLINE_BYTES))
    cpu = anyio.CapacityLimiter(_threads())

    async def run_in_threadpool(function: Callable, *args: Any) -> Any:
        """CPU work (parsing, evaluating, encoding) off the event loop, a few threads at a time."""
        return await anyio.to_thread.run_sync(function, *args, limiter=cpu)

    async def run_sized(size: int, function: Callable, *args: Any) -> Any:
        """One ledger of a few kilobytes is evaluated in well under a millisecond: cheaper on the event
        loop than the two thread switches of the pool (measured: p50 0.6 ms inline against 8 ms through
        the pool on a busy 2-core machine, bench/load.py). Larger bodies go to the pool."""
        if size <= inline_bytes:
            return function(*args)
        return await run_in_threadpool(function, *args)
    served = Served(rulebooks)
    for rid, error in served.snapshot.skipped.items():
        observe.LOG.error("rulebook skipped", extra={"rulebook": rid, "error": error["text"]})
    admin_token = os.environ.get("YIBAO_ADMIN_TOKEN") or None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry.freeze()  # this process serves the rulebooks compiled at start (until a reload)
        api.prepare_error_reports()
        loop = asyncio.get_running_loop()
        hooked = False
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(reload_logged("SIGHUP")))
            hooked = True
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass  # not the main thread (a test client) or no SIGHUP on this system
        try:
            yield
        finally:
            if hooked:
                loop.remove_signal_handler(signal.SIGHUP)
            registry.thaw()

    app = FastAPI(title="yibao-rules", version=_version(), default_response_class=_JSON, lifespan=lifespan,
                  openapi_tags=openapi.TAGS,
                  description="医保支付资格管理 rulebooks as data: evaluate a person's ledger, check a claim, "
                              "attribute responsibility, count deadlines, status rows for settlement systems. "
                              "Errors carry the CLI's located message.")
    app.add_middleware(observe.ObserveMiddleware)

    # -- errors: the documented Error shape for everything, never FastAPI's own ------------------------

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = (exc.errors() or [{}])[0]
        where = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body")]
        field = ".".join(where) or None
        given = first.get("input")
        message = f"{first.get('msg', 'invalid value')}" + (f", got {given!r}" if given is not None else "")
        return _http_error(_HttpError(422, "CaseError", message, field))

    @app.exception_handler(StarletteHTTPException)
    async def http_exception(request: Request, exc: StarletteHTTPException) -> Response:
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return _http_error(_HttpError(exc.status_code, kind, str(exc.detail)))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        request_id = request.scope.get("state", {}).get("request_id")
        observe.LOG.error("internal error", exc_info=exc, extra={"request_id": request_id})
        return _http_error(_HttpError(500, "InternalError", f"internal error ({type(exc).__name__}); "
                                                            f"request id {request_id}"))

    # -- reading bodies ------------------------------------------------------------------------------

    def media_type(request: Request, allowed: Tuple[str, ...]) -> str:
        """The body's media type; a body without one is read as JSON, any other type is a 415."""
        given = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not given:
            return "application/json"
        if given in allowed or (given.startswith("application/") and given.endswith("+json") and
                                "application/json" in allowed):
            return given
        raise _HttpError(415, "UnsupportedMediaType",
                         f"content type '{given}' is not accepted here; send {' or '.join(allowed)}")

    async def read_text(request: Request) -> str:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise _HttpError(413, "TooLarge", f"request body over {limit} bytes")
        chunks: List[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _HttpError(413, "TooLarge", f"request body over {limit} bytes")
            chunks.append(chunk)
        try:
            return b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError as error:
            raise CaseError(f"the body is not UTF-8 (byte {error.start})", Location(REQUEST)) from None

    def rulebook_for(snapshot: Snapshot, value: Any, *, in_path: bool = False) -> Rulebook:
        compiled = snapshot.compiled
        if isinstance(value, str) and value in compiled:
            return compiled[value]
        if value is None:
            raise CaseError("missing required field 'rulebook' (e.g. \"rulebook\": \"inner-mongolia\")",
                            Location(REQUEST, field="rulebook"))
        if not isinstance(value, str) or not value:
            raise CaseError(f"rulebook must be an id such as 'inner-mongolia', got {value!r}",
                            Location(REQUEST, field="rulebook"))
        raise RulebookNotFound(f"unknown rulebook '{value}'; available: {', '.join(compiled)}"
                               + did_you_mean(value, compiled), Location(None if in_path else REQUEST, field="rulebook"))

    def no_files(data: Any, what: str) -> None:
        """A request may not make the server read its files: the organisation comes inline."""
        if isinstance(data, dict) and "org_file" in data:
            raise CaseError(f"org_file is not accepted over HTTP; send the organisation inline as 'org' ({what})",
                            Location(REQUEST, field="org_file"))

    def located(call: Callable, text: str, data: Any, path_prefix: tuple = ()):
        """Run ``call(data, positions)``; on an engine error, run it again with the body's positions
        so that the error names its line and column in the request, as the CLI does for a file."""
        try:
            return call(data, None)
        except YibaoError as error:
            # The same evaluation fails at the same field: its position (and its ancestors') is enough.
            marks = jsonin.locate(text, path_prefix + jsonin.field_path(error.location.field or ""))
            positions = {key[len(path_prefix):]: mark for key, mark in marks.items()
                         if key[: len(path_prefix)] == path_prefix}
            return call(data, positions)

    def answer(run: Callable[[], Any]) -> Response:
        """The one place where engine errors become HTTP statuses (runs in the thread pool)."""
        try:
            outcome = run()
            return outcome if isinstance(outcome, Response) else _JSON(outcome)
        except _HttpError as error:
            return _http_error(error)
        except NotSupported as error:
            return _error(501, error)
        except YibaoError as error:
            if error.location.file is None and error.location.line is None:
                error = error.relocated(Location(REQUEST, field=error.location.field))
            return _error(422, error)
        except OUT_OF_RANGE as error:
            return _http_error(_out_of_range(error))

    async def answer_body(request: Request, run: Callable[[Snapshot, str, Any], Any], many: bool = False) -> Response:
        """Read the JSON body (size-limited), then ``run(snapshot, text, data)``: in the thread pool
        unless the body is small (:func:`run_sized`); ``many`` (several persons): always the pool."""
        snapshot = served.snapshot
        try:
            media_type(request, JSON_TYPES)
            text = await read_text(request)
        except _HttpError as error:
            return _http_error(error)
        except YibaoError as error:
            return _error(422, error)
        return await run_sized(len(text) if not many else limit + 1, answer,
                               lambda: run(snapshot, text, jsonin.loads(text, REQUEST)))

    # -- routes --------------------------------------------------------------------------------------

    @app.post("/v1/evaluate", tags=["evaluation"],
              openapi_extra={**openapi.body("Case"), "responses": openapi.responses("Result", 413, 415, 422)},
              summary="Evaluate one person's ledger (the result of `yibao evaluate --json`)")
    async def evaluate(request: Request, trace: bool = True) -> Response:
        def run(snapshot: Snapshot, text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict):
                raise CaseError("a case must be a JSON object with rulebook, as_of, person and events",
                                Location(REQUEST, 1, 1))
            no_files(data, "case")
            rulebook = rulebook_for(snapshot, data.get("rulebook"))
            result = located(lambda d, p: rulebook.evaluate(d, source=REQUEST if p else None, positions=p,
                                                            trace=trace), text, data)
            observe.count_evaluation(result)
            return result
        return await answer_body(request, run)

    @app.post("/v1/can-settle", tags=["evaluation"],
              openapi_extra={**openapi.body("CanSettleRequest"),
                             "responses": openapi.responses("CanSettle", 413, 415, 422, 501)},
              summary="Would a claim on a date be settled? (status on that date + settlement rules)")
    async def can_settle(request: Request) -> Response:
        def run(snapshot: Snapshot, text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict) or not isinstance(data.get("case"), dict):
                raise CaseError("expected {case, date, emergency}", Location(REQUEST, 1, 1, "case"))
            extra = sorted(set(data) - {"case", "date", "emergency"})
            if extra:
                raise CaseError(f"unknown field '{extra[0]}'; expected case, date, emergency",
                                Location(REQUEST, field=extra[0]))
            case = data["case"]
            no_files(case, "case")
            rulebook = rulebook_for(snapshot, case.get("rulebook"))
            # Validate the case with positions first (located errors), then ask.
            located(lambda d, p: rulebook.evaluate(d, source=REQUEST if p else None, positions=p, trace=False),
                    text, case, ("case",))
            return rulebook.can_settle(case, data.get("date"), data.get("emergency", False))
        return await answer_body(request, run)

    @app.post("/v1/attribute", tags=["evaluation"],
              openapi_extra={**openapi.body("AttributionCase"),
                             "responses": openapi.responses("AttributionResult", 413, 415, 422)},
              summary="Who bears which responsibility (the result of `yibao attribute --json`)")
    async def attribute(request: Request) -> Response:
        def run(snapshot: Snapshot, text: str, data: Any) -> Dict[str, Any]:
            if not isinstance(data, dict):
                raise CaseError("an attribution case must be a JSON object", Location(REQUEST, 1, 1))
            no_files(data, "attribution case")
            rulebook = rulebook_for(snapshot, data.get("rulebook"))
            return located(lambda d, p: rulebook.attribute(d, source=REQUEST if p else None, positions=p), text, data)
        return await answer_body(request, run)

    def status_of(snapshot: Snapshot, case: Any, line: Optional[int] = None) -> List[Dict[str, Any]]:
        """The status rows of one case; a bad case gives one row with its located error."""
        person = case.get("person", {}).get("id") if isinstance(case, dict) and isinstance(case.get("person"), dict) \
            else None
        try:
            if not isinstance(case, dict):
                raise CaseError("a case must be a JSON object with rulebook, as_of, person and events")
            no_files(case, "case")
            result = rulebook_for(snapshot, case.get("rulebook")).evaluate(case, trace=False)
        except YibaoError as error:
            observe.count_error(type(error).__name__)
            where = Location(REQUEST, line, None, error.location.field)
            return [error_row(person, f"{where.render()}: {error.message}")]
        except OUT_OF_RANGE as error:
            refused = _out_of_range(error)
            observe.count_error(refused.kind)
            return [error_row(person, f"{Location(REQUEST, line).render()}: {refused.message}")]
        observe.count_evaluation(result)
        return status_rows(result)

    @app.post("/v1/status", tags=["evaluation"],
              openapi_extra={**openapi.body("StatusRequest", "application/x-ndjson"),
                             "responses": {**openapi.responses("StatusAnswer", 413, 415, 422),
                                           "200": {"description": "one row per person; JSON Lines when streamed",
                                                   "content": {"application/json": {"schema": openapi.ref("StatusAnswer")},
                                                               "application/x-ndjson": {"schema": {"type": "string"}}}}}},
              summary="Many persons' status on their as_of: one compact row each (JSON, or JSON Lines streamed)")
    async def status(request: Request, stream: bool = False) -> Response:
        try:
            kind = media_type(request, JSON_TYPES + NDJSON_TYPES)
        except _HttpError as error:
            return _http_error(error)
        if kind in NDJSON_TYPES:
            return _Streamed(ndjson_rows(served.snapshot, request), media_type="application/x-ndjson")

        def run(snapshot: Snapshot, text: str, data: Any) -> Any:
            if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or set(data) != {"cases"}:
                raise CaseError('expected {"cases": [case, …]}', Location(REQUEST, 1, 1, "cases"))
            rows = [row for case in data["cases"] for row in status_of(snapshot, case)]
            if stream:
                return Response(b"".join(_dumps(row) + b"\n" for row in rows), media_type="application/x-ndjson")
            return {"rows": rows}

        return await answer_body(request, run, many=True)

    async def ndjson_rows(snapshot: Snapshot, request: Request) -> AsyncIterator[bytes]:
        """Read JSON Lines as they arrive, answer each batch of lines as it is evaluated: memory stays
        bounded by one line (at most the body limit) and a batch, whatever the number of persons."""
        pending = b""
        number = 0
        batch: List[Tuple[int, bytes]] = []

        def evaluate(lines: List[Tuple[int, bytes]]) -> bytes:
            out: List[bytes] = []
            for line, raw in lines:
                try:
                    case = jsonin.loads(raw.decode("utf-8"), REQUEST, line)
                except UnicodeDecodeError as error:
                    rows = [error_row(None, f"{REQUEST}:{line}: the line is not UTF-8 (byte {error.start})")]
                except YibaoError as error:
                    rows = [error_row(None, error.one_line())]
                else:
                    rows = status_of(snapshot, case, line)
                out.extend(_dumps(row) + b"\n" for row in rows)
            return b"".join(out)

        async for chunk in request.stream():
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if len(pending) > limit:
                number += 1
                yield _dumps(error_row(None, f"{REQUEST}:{number + len(lines)}: a line over {limit} bytes")) + b"\n"
                return
            for raw in lines:
                number += 1
                if raw.strip():
                    batch.append((number, raw))
            if len(batch) >= 64:
                yield await run_in_threadpool(evaluate, batch)
                batch = []
        if pending.strip():
            number += 1
            batch.append((number, pending))
        if batch:
            yield await run_in_threadpool(evaluate, batch)

    @app.get("/v1/deadline/{rulebook}/{kind}/{date}", tags=["rulebooks"],
             responses=openapi.responses("Deadline", 404, 422),
             summary="The deadline of a kind (appeal, verification, …) counted from a date")
    def deadline(rulebook: str, kind: str, date: str,
                 exceptions: List[str] = Query([], alias="except", description=(
                     "an exception the text writes for this limit applies, e.g. expert_assessment "
                     "(辽宁 第三十三条): no deadline; repeatable"))) -> Response:
        snapshot = served.snapshot
        if rulebook not in snapshot.compiled:
            return not_found(snapshot, rulebook)
        return answer(lambda: api.deadline(snapshot.compiled[rulebook], kind, date, tuple(exceptions)))

    def not_found(snapshot: Snapshot, rid: str) -> Response:
        try:
            rulebook_for(snapshot, rid, in_path=True)
        except YibaoError as error:
            return _error(404, error)
        raise AssertionError("unreachable")

    @app.get("/v1/rulebooks", tags=["rulebooks"], responses=openapi.responses("RulebookList"),
             summary="The rulebooks served")
    async def rulebooks_index() -> Response:
        return _JSON(served.snapshot.index)

    @app.get("/v1/rulebooks/{rulebook}", tags=["rulebooks"], responses=openapi.responses("RulebookSummary", 404),
             summary="One rulebook described")
    async def rulebook_detail(rulebook: str) -> Response:
        snapshot = served.snapshot
        if rulebook not in snapshot.compiled:
            return not_found(snapshot, rulebook)
        return _JSON(snapshot.summaries[rulebook])

    @app.get("/healthz", tags=["operations"], responses=openapi.responses("Health"), summary="Liveness")
    async def healthz() -> Response:
        return _JSON({"status": "ok", "rulebooks": list(served.snapshot.compiled)})

    @app.get("/readyz", tags=["operations"], responses=openapi.responses("Ready", 503),
             summary="Readiness: the rulebooks are compiled (their provenance, and any skipped)")
    async def readyz() -> Response:
        snapshot = served.snapshot
        ready = bool(snapshot.compiled)
        return _JSON({"status": "ready" if ready else "not ready", **snapshot.describe()},
                     status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], responses=openapi.responses("Health", media="text/plain"),
             summary="Prometheus metrics (every worker process)")
    def metrics() -> Response:
        data, content_type = observe.metrics_body()
        return Response(data, media_type=content_type)

    async def reload_logged(reason: str) -> None:
        try:
            snapshot = await run_in_threadpool(served.reload)
        except ReloadFailed as error:
            observe.RELOADS.labels("refused").inc()
            observe.LOG.error("reload refused: the old rulebooks keep serving", extra={
                "reason": reason, "errors": {rid: e.one_line() for rid, e in error.errors.items()}})
            return
        observe.RELOADS.labels("reloaded").inc()
        observe.LOG.warning("rulebooks reloaded", extra={"reason": reason, **snapshot.describe()})

    @app.post("/admin/reload", tags=["operations"],
              openapi_extra={"security": [{"adminToken": []}],
                             "responses": openapi.responses("Reloaded", 401, 404, 422)},
              summary="Compile the rulebook folders anew and swap atomically (the old set stays on failure)")
    async def admin_reload(request: Request) -> Response:
        if admin_token is None:
            return _http_error(_HttpError(404, "NotFound", "the admin routes are off: start the service with "
                                                           "YIBAO_ADMIN_TOKEN set"))
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), admin_token.encode()):
            return _http_error(_HttpError(401, "Unauthorized", "expected 'Authorization: Bearer <YIBAO_ADMIN_TOKEN>'"))
        try:
            snapshot = await run_in_threadpool(served.reload)
        except ReloadFailed as error:
            observe.RELOADS.labels("refused").inc()
            return _error(422, error, errors=[e.to_dict() for e in error.errors.values()])
        observe.RELOADS.labels("reloaded").inc()
        others = signal_workers()  # the supervisor, if any, makes the other workers reload too
        observe.LOG.warning("rulebooks reloaded", extra={"reason": "admin", **snapshot.describe()})
        return _JSON({"status": "reloaded", "workers": others, **snapshot.describe()})

    def openapi_document() -> Dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes, tags=openapi.TAGS)
            document.setdefault("components", {})["securitySchemes"] = {
                "adminToken": {"type": "http", "scheme": "bearer", "description": "the value of YIBAO_ADMIN_TOKEN"}}
            app.openapi_schema = openapi.finish(document)
        return app.openapi_schema

    app.openapi = openapi_document  # type: ignore[method-assign]
    app.state.served = served
    return app


def _version() -> str:
    from engine.base.version import __version__

    return __version__


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body: int = DEFAULT_MAX_BODY,
          log_level: str = "warning", workers: Optional[int] = None, access_log: bool = True) -> None:
    """Run the service (see :func:`engine.faces.server.serve`) until stopped (Ctrl-C / SIGTERM)."""
    from engine.faces.server import serve as run

    run(host, port, workers=workers, max_body=max_body, log_level=log_level, access_log=access_log)
