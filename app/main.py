"""The application factory: routers, error handlers, middleware, the web UI."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError, OperationalError

from app import resources
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
from app.health.router import router as health_router
from app.logs import install_redaction
from app.meetings.router import router as meetings_router
from app.merges.router import router as merges_router
from app.middleware import LimitBodySize, RefuseNulInUrl, SecurityHeaders, WriteGate
from app.proposals.router import router as proposals_router

log = logging.getLogger(__name__)
FRONTEND = resources.frontend()
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
    health_router,
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
    app.add_exception_handler(OperationalError, _database_contention)

    for router in ROUTERS:
        app.include_router(router, responses=COMMON_RESPONSES)
    _mount_frontend(app)
    if settings.database_url.startswith("sqlite"):
        app.add_middleware(WriteGate, slots=WRITE_SLOTS)
    app.add_middleware(RefuseNulInUrl)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(LimitBodySize, max_bytes=settings.max_request_bytes)
    return app


# PostgreSQL: deadlock, serialization failure, lock not available.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
WRITE_SLOTS = 4  # writing requests at once per process on SQLite (see WriteGate)


async def _database_contention(_: Request, exc: Exception) -> JSONResponse:
    """A lost race for a lock is the client's to retry: 409 (deadlock) or 503 (busy).

    PostgreSQL aborts one transaction of a deadlock; SQLite gives up waiting for
    its write lock after the busy timeout. Both rolled back cleanly, so the
    request may be sent again. Anything else is a bug: logged, 500, no SQL.
    """
    assert isinstance(exc, OperationalError)
    retry = {"Retry-After": "1"}
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        log.warning("lost a lock race; the client may retry: %s", type(exc.orig).__name__)
        return JSONResponse(
            {"detail": "conflicting concurrent change; retry"}, status_code=409, headers=retry
        )
    if "database is locked" in str(exc.orig):
        log.warning("SQLite stayed locked past the busy timeout")
        return JSONResponse(
            {"detail": "the database is busy; retry shortly"}, status_code=503, headers=retry
        )
    log.error("database error", exc_info=exc)
    return JSONResponse({"detail": "internal error"}, status_code=500)


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
