"""The event hub: one per app (so one per worker process), fed by the audit table.

A daemon thread reads audit entries with ``id`` above its cursor and hands
them to this process's subscribers (one asyncio queue per open stream, filled
through ``loop.call_soon_threadsafe``). It reads when woken by PostgreSQL's
``NOTIFY`` (see ``listener``) and, as the only source on SQLite and a safety
net on PostgreSQL, every ``poll_seconds`` while anyone is subscribed. Reading
committed rows rather than trusting notifications makes replay
(``Last-Event-ID``) and live delivery one code path, and lets any number of
workers, on PostgreSQL or on one SQLite file, see every change.

PostgreSQL assigns ids at insert, not at commit, so id 11 can become visible
before id 10: the cursor remembers skipped ids for a while and asks for them
again (see ``Cursor``). The thread starts with the first subscriber and stops
with the app; it holds no session between reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

from sqlalchemy import func, or_, select
from starlette.applications import Starlette

from app.audit import service as audit_service
from app.audit.models import AuditEntry
from app.db import Database
from app.events.listener import PgListener
from app.events.schemas import Event, Viewer

POLL_SECONDS = 0.5
BATCH = 500
GAP_SECONDS = 60.0  # longer than any writing transaction lasts
MAX_GAPS = 1000
MAX_BACKLOG = 2000  # events queued for one slow stream before it is ended
EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)

log = logging.getLogger(__name__)


class Cursor:
    """The highest audit id read, and lower ids still awaited (``gaps``).

    A skipped id belongs to a transaction not yet committed, or to one rolled
    back; it is asked for on every read until seen or ``GAP_SECONDS`` old.
    """

    def __init__(self, last_id: int = 0) -> None:
        self.last_id = last_id
        self.gaps: dict[int, float] = {}  # id -> when to stop waiting for it

    def awaited(self, now: float) -> list[int]:
        self.gaps = {i: until for i, until in self.gaps.items() if until > now}
        return sorted(self.gaps)

    def advance(self, ids: Sequence[int], now: float) -> None:
        for i in sorted(ids):
            self.gaps.pop(i, None)
            if i > self.last_id:
                for missing in range(max(self.last_id + 1, i - MAX_GAPS), i):
                    self.gaps[missing] = now + GAP_SECONDS
                self.last_id = i
        if len(self.gaps) > MAX_GAPS:
            self.gaps = dict(sorted(self.gaps.items())[-MAX_GAPS:])


class Subscription:
    """One open stream: filled from the hub's thread, read on its event loop."""

    def __init__(self, viewer: Viewer, loop: asyncio.AbstractEventLoop) -> None:
        self.viewer = viewer
        self._loop = loop
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()

    async def get(self) -> Event | None:
        """The next event, or None when the stream must end."""
        return await self._queue.get()

    def offer(self, events: Sequence[Event]) -> None:
        """Queue the events this viewer may see (any thread)."""
        visible = [e for e in events if e.visible_to(self.viewer)]
        if visible:
            self._call(visible)

    def end(self) -> None:
        """Make the stream finish (any thread)."""
        self._call(None)

    def _call(self, events: list[Event] | None) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: the stream is gone
            self._loop.call_soon_threadsafe(self._put, events)

    def _put(self, events: list[Event] | None) -> None:
        if events is None or self._queue.qsize() + len(events) > MAX_BACKLOG:
            # A client this far behind reconnects and replays from the table.
            self._queue.put_nowait(None)
            return
        for event in events:
            self._queue.put_nowait(event)


class EventHub:
    """Reads new audit entries and fans them out to this process's streams."""

    def __init__(self, database: Database, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._database = database
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()  # guards the fields below; never held during I/O
        self._subscribers: set[Subscription] = set()
        self._cursor = Cursor()
        self._generation = 0  # bumped when the cursor is reset
        self._thread: threading.Thread | None = None
        self._closing = False
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._signal_handlers: dict[int, tuple[Any, Any]] = {}  # signal -> (previous, ours)

    def add(self, sub: Subscription) -> None:
        """Start delivering to ``sub`` (blocking: call from a worker thread)."""
        top = self._max_id()
        with self._lock:
            if self._closing or self._stopped.is_set():
                sub.end()
                return
            if not self._subscribers:  # nobody was listening: start from now
                self._cursor = Cursor(top)
                self._generation += 1
            self._subscribers.add(sub)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="compendium-event-hub", daemon=True
                )
                self._thread.start()

    def remove(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def read_after(self, after_id: int, limit: int = BATCH) -> list[Event]:
        """Committed entries with id above ``after_id``, oldest first (blocking)."""
        with self._database.session(write=False) as session:
            entries = audit_service.list_entries(
                session=session, viewer=None, after_id=after_id, limit=limit
            )
            return [Event.from_entry(e) for e in entries]

    def close_streams(self) -> None:
        """End every open stream and refuse new ones: the server is shutting down."""
        with self._lock:
            self._closing = True
            subscribers = list(self._subscribers)
        for sub in subscribers:
            sub.end()

    def stop(self) -> None:
        """End the streams, stop the thread, close its connection."""
        self.close_streams()
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._restore_signal_handlers()

    def status(self) -> str:
        """``ok``, or why this hub delivers nothing: ``shutting down``, ``stopped``, ``crashed``.

        Cheap and callable from any thread. A hub nobody subscribed to yet has no
        thread and is ``ok``: it starts one with the first stream.
        """
        if self._stopped.is_set():
            return "stopped"
        if self._closing:
            return "shutting down"
        thread = self._thread
        return "crashed" if thread is not None and not thread.is_alive() else "ok"

    def _run(self) -> None:
        is_pg = self._database.engine.dialect.name == "postgresql"
        listener = PgListener(self._database.settings.database_url) if is_pg else None
        try:
            while not self._stopped.is_set():
                self._wait(listener)
                try:
                    if self._poll():
                        self._wake.set()  # a full batch: more may be waiting
                except Exception:
                    log.exception("event hub could not read the audit log")
                    self._stopped.wait(self._poll_seconds)
        finally:
            if listener is not None:
                listener.close()

    def _wait(self, listener: PgListener | None) -> None:
        if not self._wake.is_set():
            if listener is not None:
                listener.wait(self._poll_seconds, interrupt=self._wake)
            else:
                self._wake.wait(self._poll_seconds)
        self._wake.clear()

    def _poll(self) -> bool:
        """Deliver entries committed since the last read; True if there may be more."""
        now = time.monotonic()
        with self._lock:
            if not self._subscribers:
                return False
            generation, after, awaited = (
                self._generation,
                self._cursor.last_id,
                self._cursor.awaited(now),
            )
        events = self._read(after, awaited)
        with self._lock:
            if generation != self._generation:
                return True  # the cursor was reset meanwhile: read again from it
            self._cursor.advance([e.id for e in events], now)
            subscribers = list(self._subscribers)
        for sub in subscribers:
            sub.offer(events)
        return len(events) >= BATCH

    def _read(self, after: int, awaited: list[int]) -> list[Event]:
        newer = AuditEntry.id > after
        where = or_(newer, AuditEntry.id.in_(awaited)) if awaited else newer
        stmt = select(AuditEntry).where(where).order_by(AuditEntry.id).limit(BATCH)
        with self._database.session(write=False) as session:
            return [Event.from_entry(e) for e in session.scalars(stmt)]

    def _max_id(self) -> int:
        with self._database.session(write=False) as session:
            return int(session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)

    def end_streams_on_exit_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        """Before uvicorn's own handler, end the streams on SIGINT/SIGTERM.

        uvicorn waits for open responses before it shuts down, and an event
        stream never finishes by itself; browsers reconnect with
        ``Last-Event-ID`` to the next server. Signals live in the main thread
        only, so elsewhere (a TestClient) this does nothing.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in EXIT_SIGNALS:
            previous = signal.getsignal(sig)
            if callable(previous):
                ours = self._exit_signal_handler(loop, previous)
                self._signal_handlers[sig] = (previous, ours)
                signal.signal(sig, ours)

    def _exit_signal_handler(self, loop: asyncio.AbstractEventLoop, previous: Any) -> Any:
        def handler(signum: int, frame: FrameType | None) -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop
                loop.call_soon_threadsafe(self.close_streams)
            previous(signum, frame)

        return handler

    def _restore_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig, (previous, ours) in self._signal_handlers.items():
            if signal.getsignal(sig) is ours:
                signal.signal(sig, previous)
        self._signal_handlers.clear()


def hub_of(app: Starlette) -> EventHub:
    """The app's hub, made on first use."""
    hub = getattr(app.state, "event_hub", None)
    if not isinstance(hub, EventHub):
        hub = app.state.event_hub = EventHub(app.state.database)
    return hub


def start_event_hub(app: Starlette) -> EventHub:
    """Call from the app's lifespan (the hub's thread itself starts lazily).

    A hub stopped by an earlier lifespan of the same app is replaced, so an app
    started twice (tests do) streams again.
    """
    hub = hub_of(app)
    if hub.status() == "stopped":
        hub = app.state.event_hub = EventHub(app.state.database)
    hub.end_streams_on_exit_signals(asyncio.get_running_loop())
    return hub
