"""PostgreSQL LISTEN on a connection of its own, for the hub's thread.

``audit.service.record`` sends ``NOTIFY compendium_events`` in the writing
transaction, so every worker's listener wakes when any worker commits. The
payload (the audit id) is not trusted or used: the hub re-reads the table.
A lost connection is re-opened after a pause; meanwhile the hub's polling
keeps events flowing, only later.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

CHANNEL = "compendium_events"  # the channel app.audit.service.record notifies
SLICE_SECONDS = 0.25  # how often a wait looks at its interrupt event
RECONNECT_SECONDS = 2.0

log = logging.getLogger(__name__)


def libpq_url(database_url: str) -> str:
    """``postgresql+psycopg://…`` as the plain URL psycopg understands."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


class PgListener:
    """A LISTEN connection used by one thread only."""

    def __init__(self, database_url: str) -> None:
        self._url = libpq_url(database_url)
        self._conn: psycopg.Connection[Any] | None = None
        self._retry_at = 0.0

    def wait(self, timeout: float, interrupt: threading.Event) -> None:
        """Return on a notification, when ``interrupt`` is set, or after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not interrupt.is_set() and (left := deadline - time.monotonic()) > 0:
            conn = self._connection()
            if conn is None:
                interrupt.wait(min(left, SLICE_SECONDS))
                continue
            try:
                if any(True for _ in conn.notifies(timeout=min(left, SLICE_SECONDS), stop_after=1)):
                    return
            except psycopg.Error:
                log.warning("event listener lost its connection; reconnecting", exc_info=True)
                self.close()

    def _connection(self) -> psycopg.Connection[Any] | None:
        if self._conn is None and time.monotonic() >= self._retry_at:
            try:
                self._conn = psycopg.connect(self._url, autocommit=True, connect_timeout=5)
                self._conn.execute(f"LISTEN {CHANNEL}")
            except psycopg.Error:
                log.warning("event listener cannot connect; polling only", exc_info=True)
                self.close()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._retry_at = time.monotonic() + RECONNECT_SECONDS
