"""Lock contention: SQLite writers queue without starving the thread pool; lost races retry."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.main import _database_contention
from app.middleware import WriteGate


def test_the_write_gate_lets_a_bounded_number_of_writers_in() -> None:
    inside = 0
    most = 0
    lock = threading.Lock()
    app = FastAPI()

    @app.post("/write")
    def write() -> dict[str, int]:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        return {"ok": 1}

    @app.get("/read")
    def read() -> dict[str, int]:
        return {"inside": inside}

    gated = WriteGate(app, slots=2)

    async def drive() -> list[int]:
        transport = httpx.ASGITransport(app=gated)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            writes = [client.post("/write") for _ in range(8)]
            reads = [client.get("/read") for _ in range(4)]
            answers = await asyncio.gather(*writes, *reads)
        return [r.status_code for r in answers]

    # A thread of its own: another test (Playwright) may leave a loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, drive()).result() == [200] * 12
    assert most == 2


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("orig", "status", "detail"),
    [
        (_Orig("deadlock detected", "40P01"), 409, "retry"),
        (_Orig("could not serialize access", "40001"), 409, "retry"),
        (_Orig("database is locked"), 503, "busy"),
        (_Orig("disk I/O error"), 500, "internal error"),
    ],
)
def test_lost_lock_races_are_retryable_answers(orig: _Orig, status: int, detail: str) -> None:
    app = FastAPI()
    app.add_exception_handler(OperationalError, _database_contention)

    @app.post("/race")
    def race() -> None:
        raise OperationalError("UPDATE section …", {}, orig)

    response = TestClient(app, raise_server_exceptions=False).post("/race")
    assert response.status_code == status
    assert detail in response.json()["detail"] and "UPDATE" not in response.text
    if status != 500:
        assert response.headers["retry-after"] == "1"
