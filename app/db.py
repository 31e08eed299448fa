"""Engine, declarative base and the session-per-request dependency.

One session per request: it commits when the route returns and rolls back on
any error, so services never commit and a state change is one transaction.
The commit runs before the response is sent (``scope="function"``), so an
acknowledged write is a committed write.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Requests
that may write open their transaction with ``BEGIN IMMEDIATE``: writers queue
on SQLite's lock at the start of the transaction instead of failing with
"database is locked" when a read transaction tries to upgrade. Before that,
they queue on a :class:`WriterLock`, which hands the lock to the next writer
as soon as it is free, in every process serving the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
THREADS = 40  # anyio's default limit of worker threads for sync routes


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(cls: type[StrEnum], name: str) -> Enum:
    """A string column holding ``cls``'s values, with a CHECK constraint (no native enum)."""
    return Enum(
        cls,
        native_enum=False,
        length=16,
        name=name,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database:
    """The engines and session factories of one database URL."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.write_engine = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(self.write_engine, expire_on_commit=False)

    def session(self, *, write: bool) -> Session:
        session = (self.write_sessions if write else self.read_sessions)()
        session.info["read_bind"] = self.engine
        return session

    def dispose(self) -> None:
        self.engine.dispose()
        writers = writer_lock(self.engine)
        if writers is not None:
            writers.close()


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        # One connection per worker thread (anyio runs sync routes on up to
        # THREADS threads), so a request never waits for the pool, only for
        # SQLite's write lock, and that only while another request writes.
        path = make_url(url).database
        in_memory = path in (None, "", ":memory:")
        pool = {} if in_memory else {"pool_size": THREADS, "max_overflow": THREADS}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, settings.sqlite_synchronous)
        writers = WriterLock(
            None if in_memory else f"{path}.writer", settings.sqlite_busy_timeout_ms / 1000
        )
        _queue_writers(engine, writers)
        _WRITERS[engine] = writers
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=THREADS)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute(f"PRAGMA synchronous={synchronous}")  # NORMAL or FULL (Settings)
        cur.close()


_WRITERS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()


def writer_lock(engine: Engine) -> WriterLock | None:
    """The lock write transactions on this SQLite engine queue on (None: PostgreSQL)."""
    return _WRITERS.get(engine)


WRITER = "holds_writer_lock"  # in a pooled connection's info while it holds the WriterLock


def _queue_writers(engine: Engine, writers: WriterLock) -> None:
    """Write transactions take ``writers`` before ``BEGIN IMMEDIATE`` and give it back
    when their connection returns to the pool, after the commit or the rollback."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        begin = conn.get_execution_options().get("sqlite_begin", "BEGIN")
        if begin != "BEGIN" and writers.acquire():
            conn.info[WRITER] = True
        conn.exec_driver_sql(begin)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None and record.info.pop(WRITER, False):
            writers.release()


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error."""
    database: Database = request.app.state.database
    session = database.session(write=request.method not in READ_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def end_writes(session: Session) -> None:
    """Commit the request's writes now, and read whatever follows outside the write lock.

    For routes whose response takes real work to build after a short write (a
    proposal's competing proposals are a merge): the change is committed before
    the response is built, so an acknowledged write is still a committed write,
    and the rest runs in a plain read transaction that holds no lock.
    """
    session.commit()
    session.bind = session.info["read_bind"]


class WriterLock:
    """One SQLite write transaction at a time, in turn, across every process serving the file.

    SQLite admits one writer; the others wait in its busy handler, which sleeps
    between attempts (up to 100 ms), so a writer may go on waiting long after the
    lock is free, and the order is left to chance: under load a few writers
    waited seconds while others went by. Writers queue here instead. The threads
    of a process take turns first come, first served (:class:`TurnLock`); the
    processes take an ``flock`` of ``path`` (none for an in-memory database),
    and a process that has just let it go waits a moment before taking it again,
    so another process waiting for it gets its turn. A waiter past ``timeout``
    seconds goes on without the lock, to SQLite's own lock and busy timeout,
    which stay the authority (other programs, e.g. ``compendium backup``, use
    only those). A process killed while holding the ``flock`` loses it with its
    file descriptor.
    """

    POLL_S = 0.0005  # between attempts at another process's flock
    HANDOVER_S = 0.002  # after releasing: time for a waiting process to take its turn

    def __init__(self, path: str | None, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._turns = TurnLock()
        self._fd: int | None = None
        self._pid = 0
        self._released_at = 0.0

    def acquire(self) -> bool:
        """Take the lock; False (not held) after the timeout."""
        deadline = time.monotonic() + self._timeout
        if not self._turns.acquire(self._timeout):
            return False
        try:
            if self._path is None or self._lock_file(self._path, deadline):
                return True
        except OSError:
            pass
        self._turns.release()
        return False

    @property
    def held(self) -> bool:
        """True while some transaction holds the lock (or waits at its head)."""
        return self._turns.held

    def release(self) -> None:
        fd = self._fd
        if self._path is not None and fd is not None:
            with contextlib.suppress(OSError):  # closed by dispose(): the flock went with it
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._released_at = time.monotonic()
        self._turns.release()

    def close(self) -> None:
        """Close the lock file (the engine is disposed); it is opened again if needed."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def _lock_file(self, path: str, deadline: float) -> bool:
        fd = self._fd
        if fd is None or self._pid != os.getpid():  # a forked child opens its own
            fd = self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        handover = self._released_at + self.HANDOVER_S - time.monotonic()
        if handover > 0:
            time.sleep(handover)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # EBADF if closed meanwhile
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.POLL_S)


class TurnLock:
    """A lock that threads take in the order they asked for it (a ticket lock).

    ``threading.Lock`` lets whichever thread the scheduler wakes first take it,
    so under contention one writer could wait many turns. A waiter that gives up
    leaves its ticket, which is skipped when its turn comes. Any thread may
    release (the holder's connection is returned to the pool on another thread
    at times).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # the ticket the next caller gets
        self._serving = 0  # the ticket whose holder may go
        self._abandoned: set[int] = set()

    @property
    def held(self) -> bool:
        with self._cond:
            return self._serving < self._next

    def acquire(self, timeout: float) -> bool:
        with self._cond:
            ticket = self._next
            self._next += 1
            if self._cond.wait_for(lambda: self._serving == ticket, timeout):
                return True
            self._abandoned.add(ticket)
            return False

    def release(self) -> None:
        with self._cond:
            self._serving += 1
            while self._serving in self._abandoned:
                self._abandoned.discard(self._serving)
                self._serving += 1
            self._cond.notify_all()
