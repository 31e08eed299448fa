"""The application factory: routers, error handlers, middleware, the web UI."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError

from app.admin.router import router as admin_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.comments.router import router as comments_router
from app.config import Settings, get_settings
from app.db import Database
from app.documents.router import router as documents_router
from app.drafts.router import router as drafts_router
from app.drafts.ticker import start_silence_ticker, stop_silence_ticker
from app.errors import COMMON_RESPONSES, install_error_handler
from app.events.hub import start_event_hub
from app.events.router import router as events_router
from app.exports.router import router as exports_router
from app.logs import install_redaction
from app.meetings.router import router as meetings_router
from app.merges.router import router as merges_router
from app.middleware import LimitBodySize, RefuseNulInUrl, SecurityHeaders
from app.proposals.router import router as proposals_router

log = logging.getLogger(__name__)
FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
ROUTERS = (
    auth_router,
    documents_router,
    proposals_router,
    comments_router,
    audit_router,
    drafts_router,
    merges_router,
    meetings_router,
    events_router,
    exports_router,
    admin_router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Compendium app bound to one database (``settings.database_url``)."""
    settings = settings or get_settings()
    database = Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub = start_event_hub(app)
        ticker = start_silence_ticker(app)
        yield
        await stop_silence_ticker(ticker)
        hub.stop()
        database.dispose()

    app = FastAPI(
        title="Compendium",
        summary="Collaborative drafting of the OSCE Best Practice Guide for UNSCR 1540",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    install_redaction()
    install_error_handler(app)
    app.add_exception_handler(IntegrityError, _integrity_conflict)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness: ``{"status": "ok"}``."""
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router, responses=COMMON_RESPONSES)
    _mount_frontend(app)
    app.add_middleware(RefuseNulInUrl)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(LimitBodySize, max_bytes=settings.max_request_bytes)
    return app


async def _integrity_conflict(_: Request, exc: Exception) -> JSONResponse:
    """409 for a unique constraint that caught a write the service's checks raced with.

    Any other violation (NOT NULL, CHECK, FOREIGN KEY) is input the schemas and
    services should have refused: a bug, logged with its traceback and answered
    500 without the SQL. Told apart by PostgreSQL's SQLSTATE (psycopg) or
    SQLite's message, which names primary keys "UNIQUE" too.
    """
    assert isinstance(exc, IntegrityError)
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505" or str(orig).startswith(
        "UNIQUE constraint failed"
    ):
        return JSONResponse({"detail": "conflicting concurrent change; retry"}, status_code=409)
    log.error("integrity violation that is not a race: %s", type(orig).__name__, exc_info=exc)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def _mount_frontend(app: FastAPI) -> None:
    if not (FRONTEND / "index.html").exists():
        return
    app.mount("/static", StaticFiles(directory=FRONTEND), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(FRONTEND / "index.html")
