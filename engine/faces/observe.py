"""What an operator watches: JSON logs with a request id, and Prometheus metrics.

* **Logs** — one JSON object per line on stderr (:class:`JsonFormatter`), for the service's own
  messages, uvicorn's, and one access line per request: ``{"ts", "level", "logger", "message":
  "request", "request_id", "method", "path", "route", "status", "ms", "bytes", "client", "pid"}``.
* **Request id** — ``X-Request-ID`` from the client is kept when it is a plain token (letters, digits,
  ``.-_:``, at most 128), otherwise a new one is made; it is returned in the response header and
  named in the access line.
* **Metrics** (``GET /metrics``, prometheus-client): ``yibao_http_requests_total{route,method,status}``,
  ``yibao_http_request_duration_seconds{route,method}``, ``yibao_evaluations_total{rulebook,action}``
  (``action``: the most severe decision of the result, ``none`` without one),
  ``yibao_errors_total{kind}`` (the error's type, e.g. ``CaseError``, ``TooLarge``) and
  ``yibao_reloads_total{outcome}``. With several worker processes the values are shared through
  files in ``PROMETHEUS_MULTIPROC_DIR`` (``yibao serve`` sets and cleans it), so any worker answers
  for all of them.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import time
import uuid
from typing import Any, Callable, Dict, Mapping, Optional

# prometheus-client picks its storage (one process, or files shared by processes) when it is first
# imported: the serve command sets PROMETHEUS_MULTIPROC_DIR before anything imports this module.
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess

ACCESS = logging.getLogger("yibao.access")
LOG = logging.getLogger("yibao.service")
REQUEST_ID = "x-request-id"
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SEVERITY = ("none", "warn", "suspend", "terminate")

REQUESTS = Counter("yibao_http_requests_total", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram("yibao_http_request_duration_seconds", "Time to answer an HTTP request", ["route", "method"],
                    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
EVALUATIONS = Counter("yibao_evaluations_total", "Persons evaluated, by rulebook and most severe action",
                      ["rulebook", "action"])
ERRORS = Counter("yibao_errors_total", "Requests answered with an error, by kind", ["kind"])
RELOADS = Counter("yibao_reloads_total", "Rulebook reloads, by outcome", ["outcome"])


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object per line (the fields a record carries in ``extra``, too)."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "color_message"}

    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "ts": _dt.datetime.fromtimestamp(record.created, _dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "pid": record.process}
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(level: str = "warning", access: bool = True) -> Dict[str, Any]:
    """A :func:`logging.config.dictConfig` for the service (also uvicorn's ``log_config``)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {
            "uvicorn": {"handlers": ["json"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "yibao": {"handlers": ["json"], "level": "INFO" if level in ("info", "debug") else level.upper(),
                      "propagate": False},
            "yibao.access": {"level": "INFO" if access else "CRITICAL"},
        },
    }


def metrics_body() -> tuple:
    """``(bytes, content type)`` of the Prometheus exposition: every worker's values."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def count_evaluation(result: Mapping[str, Any]) -> None:
    """One count per person of a result, by rulebook and the most severe decision."""
    persons = result.get("persons")
    for one in persons.values() if isinstance(persons, Mapping) else (result,):
        worst = max((_SEVERITY.index(d.get("action", "none")) for d in one.get("decisions") or ()
                     if d.get("action") in _SEVERITY), default=0)
        EVALUATIONS.labels(str(one.get("rulebook", result.get("rulebook"))), _SEVERITY[worst]).inc()


def count_error(kind: str) -> None:
    ERRORS.labels(kind).inc()


class ObserveMiddleware:
    """ASGI middleware: the request id, the access line and the request metrics of every request."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = _header(scope, REQUEST_ID)
        request_id = given if given and _GOOD_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        answer = {"status": 500, "bytes": 0}

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            method = scope.get("method", "")
            REQUESTS.labels(route, method, str(answer["status"])).inc()
            LATENCY.labels(route, method).observe(seconds)
            client = scope.get("client")
            ACCESS.info("request", extra={
                "request_id": request_id, "method": method, "path": scope.get("path"), "route": route,
                "status": answer["status"], "ms": round(seconds * 1000, 3), "bytes": answer["bytes"],
                "client": f"{client[0]}:{client[1]}" if client else None})


def _header(scope, name: str) -> Optional[str]:
    wanted = name.encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


__all__ = ["JsonFormatter", "log_config", "metrics_body", "count_evaluation", "count_error", "ObserveMiddleware",
           "RELOADS", "ACCESS", "LOG"]
