"""Is this worker fit for traffic? Each check is bounded, so the answer comes quickly.

``/api/ready`` reports, by name, what a load balancer needs to know:

- ``database``: a connection opens (PostgreSQL: within ``PROBE_SECONDS``; a
  SQLite file must exist, since opening a missing one would create it empty);
- ``migrations``: ``alembic_version`` holds the scripts' head
  (``app.migrate.head_revision``);
- ``writable``: a real write, rolled back: ``UPDATE alembic_version SET
  version_num = version_num`` (a table every migrated database has, without
  triggers). SQLite opens the transaction with ``BEGIN IMMEDIATE``, so a
  read-only file or mount, or a write lock held longer than the probe's busy
  timeout, fails it. PostgreSQL fails it first for a standby
  (``pg_is_in_recovery()``) or a read-only session;
- ``silence_ticker``, ``event_hub``: this worker's background work runs.

The probe has its own engine without a pool and with short timeouts, so it
never waits behind the requests' pool nor behind their 30 s busy timeout, and
nothing it does is kept: every transaction it opens is rolled back. Failures
are answered with a short reason; the database's own message goes to the log
only (it may name hosts and files).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app.db import Database
from app.drafts.ticker import ticker_status
from app.events.hub import EventHub
from app.migrate import head_revision

PROBE_SECONDS = 2  # libpq's connect_timeout cannot be lower
OK = "ok"
NOT_CHECKED = "not checked"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    """Each check's result: ``ok`` or a short reason."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(result == OK for result in self.checks.values())

    @property
    def detail(self) -> str:
        failed = [f"{name}: {result}" for name, result in self.checks.items() if result != OK]
        causes = [line for line in failed if not line.endswith(NOT_CHECKED)]
        return "not ready: " + "; ".join(causes or failed)


def readiness(app: FastAPI) -> Readiness:
    """Check the database and this worker's background tasks (blocking, a few seconds at most)."""
    database: Database = app.state.database
    checks = database_checks(database.settings.database_url)
    checks["silence_ticker"] = ticker_status(app)
    hub = getattr(app.state, "event_hub", None)
    checks["event_hub"] = hub.status() if isinstance(hub, EventHub) else "not started"
    return Readiness(checks)


def database_checks(url: str) -> dict[str, str]:
    """``database``, ``migrations`` and ``writable`` for the database at ``url``."""
    checks = {"database": OK, "migrations": NOT_CHECKED, "writable": NOT_CHECKED}
    if _missing_sqlite_file(url):
        checks["database"] = "file missing"
        return checks
    try:
        with _probe_engine(url).connect() as conn:
            checks["migrations"], found = _migrations(conn)
            if found:
                checks["writable"] = _writable(conn)
    except DBAPIError as exc:
        log.warning("readiness: cannot connect to the database: %s", exc.orig)
        checks["database"] = _reason(exc, "unreachable")
    return checks


def _migrations(conn: Connection) -> tuple[str, bool]:
    """The migrations check, and whether ``alembic_version`` could be read at all."""
    tx = conn.begin()
    try:
        _bound(conn)
        current = conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        log.warning("readiness: cannot read alembic_version: %s", exc.orig)
        missing = _sqlstate(exc) == "42P01" or "no such table" in str(exc.orig)
        return (
            "not migrated (no alembic_version)" if missing else _reason(exc, "unreadable")
        ), False
    finally:
        tx.rollback()
    head = _head()
    if current is None:
        return "not migrated", False
    if current != head:
        return f"database at {current}, this code needs {head}: run compendium db upgrade", True
    return OK, True


def _writable(conn: Connection) -> str:
    if conn.dialect.name == "sqlite":
        conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
    try:
        tx = conn.begin()
        try:
            _bound(conn)
            if conn.dialect.name == "postgresql":
                if conn.scalar(text("SELECT pg_is_in_recovery()")):
                    return "read-only (a standby in recovery)"
                if conn.scalar(text("SELECT current_setting('transaction_read_only')")) == "on":
                    return "read-only (transaction_read_only)"
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
        finally:
            tx.rollback()
    except DBAPIError as exc:
        log.warning("readiness: cannot write to the database: %s", exc.orig)
        return _reason(exc, "cannot write")
    return OK


def _bound(conn: Connection) -> None:
    """Cap each statement of the probe's transaction (SQLite: the busy timeout does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL statement_timeout = {PROBE_SECONDS * 1000}"))


def _reason(exc: DBAPIError, default: str) -> str:
    """A short, safe reason from a driver error (SQLite's error name, PostgreSQL's SQLSTATE)."""
    name = getattr(exc.orig, "sqlite_errorname", "")
    state = _sqlstate(exc)
    if name == "SQLITE_READONLY" or state == "25006":
        return "read-only"
    if name in {"SQLITE_BUSY", "SQLITE_LOCKED"} or state in {"57014", "55P03"}:
        return f"busy: no answer within {PROBE_SECONDS} s"
    if name == "SQLITE_CANTOPEN":
        return "cannot open the file"
    return default


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    name = parsed.database or ""
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return name not in {"", ":memory:"} and not Path(name).exists()


@cache
def _head() -> str:
    return head_revision()


@lru_cache(maxsize=8)
def _probe_engine(url: str) -> Engine:
    """An engine without a pool: each probe opens one short-lived connection."""
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": PROBE_SECONDS}
        )
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": PROBE_SECONDS})

    # As in app.db: we emit BEGIN ourselves, so the write probe can say IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine
