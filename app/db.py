"""Engine, declarative base and the session-per-request dependency.

One session per request: it commits when the route returns and rolls back on
any error, so services never commit and a state change is one transaction.
The commit runs before the response is sent (``scope="function"``), so an
acknowledged write is a committed write.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Requests
that may write open their transaction with ``BEGIN IMMEDIATE``: writers queue
on SQLite's lock at the start of the transaction instead of failing with
"database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

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


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        # One connection per worker thread (anyio runs sync routes on up to
        # THREADS threads), so a request never waits for the pool, only for
        # SQLite's write lock, and that only while another request writes.
        in_memory = make_url(url).database in (None, "", ":memory:")
        pool = {} if in_memory else {"pool_size": THREADS, "max_overflow": THREADS}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, settings.sqlite_synchronous)
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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


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
