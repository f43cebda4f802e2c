"""``yibao workbench``: the officer's workbench as a local web application (FastAPI + uvicorn).

One page (``static/index.html``, no CDN: everything it loads ships in this package) over a small JSON
API on :class:`engine.workbench.bench.Workbench`. It listens on 127.0.0.1 by default and accepts
only requests addressed to the host it listens on (a web page elsewhere cannot reach it through DNS
rebinding); every write is a JSON POST, which a page of another origin cannot send without asking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.middleware.trustedhost import TrustedHostMiddleware

from engine.errors import RulebookNotFound, YibaoError
from engine.officer import case_skeleton
from engine.workbench.bench import Workbench

STATIC = Path(__file__).resolve().parent / "static"


class TextBody(BaseModel):
    text: str


class EditBody(BaseModel):
    text: str
    path: List[Any]
    value: Any = None


class TryBody(BaseModel):
    text: str
    case: str


class GoldenBody(BaseModel):
    case: str
    name: str
    title: str = ""


def create_app(bench: Workbench, allowed_hosts: Optional[List[str]] = None) -> FastAPI:
    """The web application over ``bench``; ``allowed_hosts`` are the Host headers it answers."""
    app = FastAPI(title="yibao workbench 医保规则工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost", "::1"])

    @app.exception_handler(YibaoError)
    async def located_error(_: Request, error: YibaoError) -> JSONResponse:
        status = 404 if isinstance(error, RulebookNotFound) else 422
        return JSONResponse({"error": dict(error.to_dict(), rendered=str(error))}, status_code=status)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/rulebooks")
    def rulebooks() -> Any:
        return {"folder": str(bench.folder), "rulebooks": bench.listing()}

    @app.get("/api/rulebooks/{rulebook_id}")
    def open_rulebook(rulebook_id: str) -> Any:
        return bench.open(rulebook_id)

    @app.post("/api/rulebooks/{rulebook_id}/evaluate")
    def evaluate(rulebook_id: str, body: TextBody) -> Any:
        return bench.evaluate(rulebook_id, body.text)

    @app.post("/api/rulebooks/{rulebook_id}/edit")
    def edit(rulebook_id: str, body: EditBody) -> Any:
        return {"text": bench.edit(rulebook_id, body.text, body.path, body.value)}

    @app.post("/api/rulebooks/{rulebook_id}/save")
    def save(rulebook_id: str, body: TextBody) -> Any:
        return bench.save(rulebook_id, body.text)

    @app.post("/api/rulebooks/{rulebook_id}/try")
    def try_case(rulebook_id: str, body: TryBody) -> Any:
        return bench.try_case(rulebook_id, body.text, body.case)

    @app.get("/api/rulebooks/{rulebook_id}/skeleton")
    def skeleton(rulebook_id: str) -> Any:
        return {"case": case_skeleton(str(bench.path_of(rulebook_id)), case_only=True)}

    @app.post("/api/rulebooks/{rulebook_id}/golden")
    def new_golden(rulebook_id: str, body: GoldenBody) -> Any:
        return bench.new_golden(rulebook_id, body.case, body.name, body.title)

    return app


def serve(rulebooks: Path, golden_root: Path, host: str = "127.0.0.1", port: int = 8765,
          log_level: str = "warning") -> None:
    """Run the workbench until interrupted."""
    bench = Workbench(rulebooks, golden_root)
    hosts = sorted({host, "127.0.0.1", "localhost"}) if host not in ("0.0.0.0", "::") else ["*"]
    uvicorn.run(create_app(bench, hosts), host=host, port=port, log_level=log_level)


__all__ = ["create_app", "serve"]
