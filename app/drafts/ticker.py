"""Record adoptions when silence deadlines pass, in the background.

Reads already report a draft as adopted the moment its deadline passes; this
ticker makes it so in the database too (status, audit entry, and hence the
event stream). Each worker runs one; the write transaction serialises them,
and a draft already adopted is not adopted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.db import Database, utcnow
from app.drafts import service

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 30.0


def settle_once(app: FastAPI) -> int:
    database: Database = app.state.database
    clock = getattr(app.state, "clock", utcnow)
    with database.session(write=True) as session, session.begin():
        return len(service.settle_silences(session=session, now=clock()))


async def _loop(app: FastAPI, interval: float) -> None:
    while True:
        try:
            await run_in_threadpool(settle_once, app)
        except Exception:  # keep ticking; the next round retries
            log.exception("settling silence procedures failed")
        await asyncio.sleep(interval)


def start_silence_ticker(app: FastAPI, interval: float = INTERVAL_SECONDS) -> asyncio.Task[None]:
    task = asyncio.get_running_loop().create_task(_loop(app, interval))
    app.state.silence_ticker = task
    return task


def ticker_status(app: FastAPI) -> str:
    """``ok`` while the app's ticker runs; else ``not started``, ``stopped`` or ``crashed``.

    Cheap and callable from any thread: it only looks at the task's state.
    """
    task = getattr(app.state, "silence_ticker", None)
    if not isinstance(task, asyncio.Task):
        return "not started"
    if not task.done():
        return "ok"
    return "stopped" if task.cancelled() else "crashed"


async def stop_silence_ticker(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
