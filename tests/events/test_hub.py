"""The event hub in-process: cursor gaps, privacy, a clean stop, NOTIFY wake-ups."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import anyio
import pytest
from sqlalchemy import text

from app.audit import service as audit_service
from app.auth.models import Role
from app.db import Database
from app.events.hub import GAP_SECONDS, Cursor, EventHub, Subscription
from app.events.schemas import Event, Viewer
from tests.dbs import settings_for

USA = Viewer(username="delegate.usa", delegation_id=1, token_id=1, role=Role.DELEGATE)
CHE = Viewer(username="delegate.che", delegation_id=2, token_id=2, role=Role.DELEGATE)
ADMIN = Viewer(username="admin", delegation_id=3, token_id=3, role=Role.ADMIN)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(settings_for(db_url))
    yield db
    db.dispose()


def record(session_db: Database, action: str) -> None:
    with session_db.session(write=True) as session, session.begin():
        audit_service.record(
            session=session, actor=None, action=action, object_type="test", object_id=1
        )


def test_cursor_awaits_ids_committed_out_of_order() -> None:
    cursor = Cursor(10)
    cursor.advance([12, 14], now=0)
    assert cursor.last_id == 14
    assert cursor.awaited(now=1) == [11, 13]
    cursor.advance([11], now=2)
    assert cursor.awaited(now=3) == [13]
    assert cursor.awaited(now=GAP_SECONDS + 1) == []  # rolled back: stop asking


def test_private_event_is_seen_only_by_its_delegation() -> None:
    draft = Event(id=1, action="proposal.created", data_json="{}", audience_id=2)
    public = Event(id=2, action="section.edited", data_json="{}", audience_id=None)
    assert draft.visible_to(CHE) and not draft.visible_to(USA)
    assert public.visible_to(USA) and public.visible_to(CHE)


def test_account_activity_reaches_admins_only() -> None:
    for action in ("auth.sign_in_failed", "admin.user_deactivated"):
        event = Event(id=4, action=action, data_json="{}", audience_id=None)
        assert event.visible_to(ADMIN) and not event.visible_to(USA)


def test_hub_thread_stops_and_leaves_nothing_running(database: Database) -> None:
    hub = EventHub(database, poll_seconds=0.1)

    async def scenario() -> Event | None:
        sub = Subscription(USA, asyncio.get_running_loop())
        await anyio.to_thread.run_sync(hub.add, sub)
        await anyio.to_thread.run_sync(record, database, "test.ping")
        event = await asyncio.wait_for(sub.get(), 10)
        hub.stop()
        assert await asyncio.wait_for(sub.get(), 10) is None  # the stream is told to end
        return event

    event = asyncio.run(scenario())
    assert event is not None and event.action == "test.ping"
    assert not [t for t in threading.enumerate() if t.name == "compendium-event-hub"]


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL")
    return database


def wait_for_listener(database: Database) -> None:
    sql = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with database.engine.connect() as conn:
            if conn.scalar(sql):
                return
        time.sleep(0.05)
    raise AssertionError("the hub never started listening")


def test_notify_wakes_the_hub_long_before_its_next_poll(postgres: Database) -> None:
    hub = EventHub(postgres, poll_seconds=60)

    async def scenario() -> Event | None:
        sub = Subscription(USA, asyncio.get_running_loop())
        await anyio.to_thread.run_sync(hub.add, sub)
        await anyio.to_thread.run_sync(wait_for_listener, postgres)
        await anyio.to_thread.run_sync(record, postgres, "test.notified")
        return await asyncio.wait_for(sub.get(), 5)

    try:
        event = asyncio.run(scenario())
    finally:
        hub.stop()
    assert event is not None and event.action == "test.notified"


def test_entry_committed_after_a_later_id_is_still_delivered(postgres: Database) -> None:
    hub = EventHub(postgres, poll_seconds=0.1)

    def commit_out_of_order() -> None:
        with postgres.session(write=True) as slow, slow.begin():
            audit_service.record(
                session=slow, actor=None, action="test.slow", object_type="test", object_id=1
            )
            record(postgres, "test.fast")  # a later id, committed first
            time.sleep(0.5)  # the hub reads test.fast and moves past the slow id

    async def scenario() -> list[str]:
        sub = Subscription(USA, asyncio.get_running_loop())
        await anyio.to_thread.run_sync(hub.add, sub)
        await anyio.to_thread.run_sync(commit_out_of_order)
        events = [await asyncio.wait_for(sub.get(), 5) for _ in range(2)]
        return [e.action for e in events if e is not None]

    try:
        actions = asyncio.run(scenario())
    finally:
        hub.stop()
    assert actions == ["test.fast", "test.slow"]
