"""``GET /api/events``: the audit log as a live server-sent event stream.

Each event is an unnamed message, ``id: <audit id>`` and ``data: <JSON>``
with the action inside, so a browser's ``onmessage`` sees every one. The
stream opens with ``retry:`` and a ``: pid <n>`` comment (which
worker serves it, and proof that it is subscribed), replays entries after
``Last-Event-ID`` or ``?after=`` from the table, then follows the hub, with a
``: keep-alive`` comment every ``HEARTBEAT_SECONDS``. Browsers' EventSource
cannot send headers, so this route alone also takes ``?token=``. The route
holds no database session while it streams.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service as auth_service
from app.db import Database
from app.deps import MAX_ID, SettingsDep
from app.errors import Unauthorized, error_responses
from app.events.hub import BATCH, EventHub, Subscription, hub_of
from app.events.schemas import Event, Viewer

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000

router = APIRouter(prefix="/api", tags=["events"])
_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/token")
EventId = Annotated[int | None, Query(ge=0, le=MAX_ID)]


def stream_viewer(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    token: Annotated[
        str | None, Query(max_length=256, description="Access token, for EventSource")
    ] = None,
) -> Viewer:
    """The signed-in user, by bearer header or ``?token=``; 401 otherwise."""
    raw = credentials.credentials if credentials is not None else token
    if not raw:
        raise Unauthorized()
    database: Database = request.app.state.database
    with database.session(write=False) as session:
        user = auth_service.user_for_token(session=session, token=raw, settings=settings)
        return Viewer(username=user.username, delegation=user.delegation.code)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"},
        **error_responses(Unauthorized),
    },
)
async def events(
    request: Request,
    viewer: Annotated[Viewer, Depends(stream_viewer)],
    last_event_id: Annotated[int | None, Header(ge=0, le=MAX_ID)] = None,
    after: EventId = None,
) -> StreamingResponse:
    """Every state change as it happens (server-sent events), after ``Last-Event-ID`` if given."""
    since = last_event_id if last_event_id is not None else after
    return StreamingResponse(
        stream(hub_of(request.app), viewer, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def stream(hub: EventHub, viewer: Viewer, after: int | None) -> AsyncIterator[str]:
    """Subscribe first, then replay, then go live, so nothing falls in between."""
    sub = Subscription(viewer, asyncio.get_running_loop())
    try:
        await anyio.to_thread.run_sync(hub.add, sub)  # not abandoned if cancelled
        yield f"retry: {RETRY_MS}\n: pid {os.getpid()}\n\n"
        replayed: set[int] = set()
        if after is not None:
            async for old in _replay(hub, viewer, after):
                replayed.add(old.id)
                yield old.encode()
        while True:
            try:
                event = await asyncio.wait_for(sub.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event is None:
                return
            if event.id not in replayed and (after is None or event.id > after):
                yield event.encode()
    finally:
        hub.remove(sub)


async def _replay(hub: EventHub, viewer: Viewer, after: int) -> AsyncIterator[Event]:
    while True:
        page = await anyio.to_thread.run_sync(hub.read_after, after)
        for event in page:
            if event.visible_to(viewer):
                yield event
        if len(page) < BATCH:
            return
        after = page[-1].id
