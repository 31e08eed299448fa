"""SQLite writers queue in turn on the WriterLock, across threads and processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import Database, TurnLock, WriterLock, writer_lock
from tests.dbs import settings_for


def _wait_for_tickets(lock: TurnLock, count: int) -> None:
    """Until ``count`` tickets have been handed out (the callers are queued)."""
    while True:
        with lock._cond:
            if lock._next >= count:
                return
        time.sleep(0.001)


def test_threads_take_their_turns_in_the_order_they_asked() -> None:
    lock = TurnLock()
    assert lock.acquire(1)
    order: list[str] = []
    threads = []
    for name in ("b", "c", "d", "e"):
        thread = threading.Thread(
            target=lambda n=name: (lock.acquire(10), order.append(n), lock.release())
        )
        thread.start()
        threads.append(thread)
        _wait_for_tickets(lock, len(threads) + 1)  # each queued before the next asks
    assert order == [] and lock.held
    lock.release()
    for thread in threads:
        thread.join(10)
    assert order == ["b", "c", "d", "e"]
    assert not lock.held


def test_a_waiter_that_gives_up_is_skipped_when_its_turn_comes() -> None:
    lock = TurnLock()
    assert lock.acquire(1)
    assert not lock.acquire(0.01)  # gave up: its ticket is abandoned
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(lock.acquire(10)))
    waiter.start()
    _wait_for_tickets(lock, 3)
    lock.release()
    waiter.join(10)
    assert got == [True] and lock.held
    lock.release()
    assert not lock.held


def _hold_many_times(path: str, marker: str, rounds: int, overlaps: multiprocessing.Queue) -> None:
    lock = WriterLock(path, timeout=30)
    seen = 0
    for _ in range(rounds):
        assert lock.acquire()
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # fails if another is in
        except FileExistsError:
            seen += 1
        else:
            os.close(fd)
            os.unlink(marker)
        lock.release()
    overlaps.put(seen)


def test_processes_never_hold_the_writer_lock_together(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    overlaps: multiprocessing.Queue = context.Queue()
    args = (str(tmp_path / "db.writer"), str(tmp_path / "inside"), 300, overlaps)
    workers = [context.Process(target=_hold_many_times, args=args) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert [overlaps.get(timeout=5) for _ in workers] == [0, 0, 0]


def test_a_write_transaction_holds_the_lock_until_commit_or_rollback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    database = Database(settings_for(url))
    lock = writer_lock(database.engine)
    assert lock is not None
    try:
        with database.session(write=True) as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            assert lock.held
            session.commit()
            assert not lock.held
        with database.session(write=True) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            assert lock.held
            session.rollback()
            assert not lock.held
        with pytest.raises(RuntimeError), database.session(write=True) as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            raise RuntimeError("the route failed")
        assert not lock.held
        with database.session(write=False) as session:  # readers never take it
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
            assert not lock.held
    finally:
        database.dispose()
