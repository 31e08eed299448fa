"""Liveness says the process answers; readiness tells the truth about the database and tasks.

Each failure is produced for real (a SQLite file opened read-only, a
PostgreSQL port nobody listens on, a database one migration behind, a write
lock held by someone else) and observed through a real server where the
check's cost matters: a load balancer must get its answer in seconds.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.migrate import alembic_config, head_revision, upgrade
from tests.conftest import Api
from tests.dbs import PG_ENV, TemplateDB, _pg_admin
from tests.live import free_port, live_server

ALL_OK = {
    "database": "ok",
    "migrations": "ok",
    "writable": "ok",
    "silence_ticker": "ok",
    "event_hub": "ok",
}
FEW_SECONDS = 5.0


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    """A migrated SQLite database, whichever backend the suite runs on."""
    path = tmp_path / "ready.db"
    upgrade(f"sqlite:///{path}")
    return path


def _ready(base: str) -> tuple[int, dict[str, object], float]:
    start = time.monotonic()
    response = httpx.get(f"{base}/api/ready", timeout=30)
    return response.status_code, response.json(), time.monotonic() - start


def test_ready_when_the_database_is_reachable_writable_and_migrated(db_url: str) -> None:
    with live_server(db_url) as base:
        status, body, _ = _ready(base)
        assert httpx.get(f"{base}/api/health").json() == {"status": "ok"}
    assert status == 200
    assert body == {"status": "ready", "checks": ALL_OK}


def test_ready_probe_leaves_the_database_unchanged(api: Api, db_url: str) -> None:
    assert api.get("/api/ready", user=None).status_code == 200
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    engine.dispose()


def test_not_ready_when_the_sqlite_file_can_only_be_read(sqlite_file: Path) -> None:
    # chmod does not stop root; a read-only open does, for everyone.
    read_only = f"sqlite:///file:{sqlite_file}?mode=ro&uri=true"
    with live_server(read_only) as base:
        status, body, elapsed = _ready(base)
        health = httpx.get(f"{base}/api/health")
    assert status == 503
    assert body["checks"] == ALL_OK | {"writable": "read-only"}
    assert body["detail"] == "not ready: writable: read-only"
    assert elapsed < FEW_SECONDS
    assert health.status_code == 200  # alive, just not fit for traffic


def test_not_ready_when_postgresql_is_unreachable_answered_in_seconds() -> None:
    nobody_listens = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/compendium"
    with live_server(nobody_listens) as base:
        status, body, elapsed = _ready(base)
    assert status == 503
    assert body["detail"] == "not ready: database: unreachable"
    assert body["checks"] == ALL_OK | {
        "database": "unreachable",
        "migrations": "not checked",
        "writable": "not checked",
    }
    assert elapsed < FEW_SECONDS


def test_not_ready_while_migrations_are_behind_and_ready_once_upgraded(db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "-1")
    with live_server(db_url) as base:
        status, body, _ = _ready(base)
        upgrade(db_url)
        again, _, _ = _ready(base)
    assert status == 503
    behind = body["checks"]["migrations"]  # type: ignore[index]
    assert behind.startswith("database at ") and f"this code needs {head_revision()}" in behind
    assert "compendium db upgrade" in str(body["detail"])
    assert again == 200


def test_not_ready_when_the_write_lock_is_held_answered_in_seconds(sqlite_file: Path) -> None:
    with live_server(f"sqlite:///{sqlite_file}") as base:
        holder = sqlite3.connect(sqlite_file, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            status, body, elapsed = _ready(base)
        finally:
            holder.rollback()
            holder.close()
        after, _, _ = _ready(base)
    assert status == 503
    assert str(body["checks"]["writable"]).startswith("busy")  # type: ignore[index]
    assert elapsed < FEW_SECONDS
    assert after == 200


def test_not_ready_when_postgresql_only_allows_reading(db_url: str, template: TemplateDB) -> None:
    if not template.is_postgres:
        pytest.skip(f"PostgreSQL only (set {PG_ENV})")
    name = make_url(db_url).database
    _pg_admin(template.url, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with live_server(db_url) as base:
        status, body, _ = _ready(base)
    assert status == 503
    assert body["checks"]["writable"] == "read-only (transaction_read_only)"  # type: ignore[index]


def test_not_ready_when_the_event_hub_is_shutting_down(app: FastAPI, api: Api) -> None:
    app.state.event_hub.close_streams()  # what SIGTERM does first
    response = api.get("/api/ready", user=None)
    assert response.status_code == 503
    assert response.json()["checks"]["event_hub"] == "shutting down"
    assert response.headers["cache-control"] == "no-store"


def test_not_ready_when_the_silence_ticker_stopped(app: FastAPI, api: Api) -> None:
    task = app.state.silence_ticker
    api.client.portal.call(task.cancel)
    deadline = time.monotonic() + 5
    while not task.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    response = api.get("/api/ready", user=None)
    assert response.status_code == 503
    assert response.json()["detail"] == "not ready: silence_ticker: stopped"
