"""``GET /api/events``: the audit log as a live server-sent event stream.

Each event is an unnamed message, ``id: <audit id>`` and ``data: <JSON>``
with the action inside, so a browser's ``onmessage`` sees every one. The
stream opens with ``retry:`` and a ``: pid <n>`` comment (which
worker serves it, and proof that it is subscribed), replays entries after
``Last-Event-ID`` or ``?after=`` from the table, then follows the hub, with a
``: keep-alive`` comment every ``HEARTBEAT_SECONDS``. The route holds no
database session while it streams.

Browsers' EventSource cannot send headers, and a bearer token in a URL ends
up in access logs; so a browser first asks ``POST /api/events/ticket`` for a
single-use ticket valid 60 s, then opens ``/api/events?ticket=…``. Either way
the stream re-checks its token every ``stream_recheck_seconds`` and ends
once the token is revoked or expired, or its user deactivated.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service as auth_service
from app.config import Settings
from app.db import Database
from app.deps import CurrentAccess, DatabaseDep, SettingsDep
from app.errors import Unauthorized, error_responses
from app.events.hub import BATCH, EventHub, Subscription, hub_of
from app.events.schemas import Event, StreamTicketRead, Viewer
from app.schemas import MAX_ID

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000

router = APIRouter(prefix="/api", tags=["events"])
_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/token")
EventId = Annotated[int | None, Query(ge=0, le=MAX_ID)]


def stream_viewer(
    database: DatabaseDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ticket: Annotated[
        str | None,
        Query(max_length=256, description="A ticket from POST /api/events/ticket, for EventSource"),
    ] = None,
) -> Viewer:
    """The signed-in user, by bearer header or a single-use ``?ticket=``; 401 otherwise."""
    if credentials is not None:
        with database.session(write=False) as session:
            access = auth_service.access_for_token(
                session=session, token=credentials.credentials, settings=settings
            )
    elif ticket:
        with database.session(write=True) as session, session.begin():
            access = auth_service.redeem_stream_ticket(
                session=session, ticket=ticket, settings=settings
            )
    else:
        raise Unauthorized()
    return Viewer(
        username=access.user.username,
        delegation_id=access.user.delegation_id,
        token_id=access.id,
        role=access.user.role,
    )


@router.post(
    "/events/ticket",
    response_model=StreamTicketRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(Unauthorized),
)
def stream_ticket(
    access: CurrentAccess, database: DatabaseDep, settings: SettingsDep
) -> StreamTicketRead:
    """A single-use ticket that opens one event stream within 60 s: ``GET /api/events?ticket=``."""
    with database.session(write=True) as session, session.begin():
        ticket = auth_service.issue_stream_ticket(
            session=session, token_id=access.id, settings=settings
        )
    return StreamTicketRead(
        ticket=ticket, expires_in=int(auth_service.STREAM_TICKET_TTL.total_seconds())
    )


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
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings

    def still_allowed() -> bool:
        with database.session(write=False) as session:
            return auth_service.token_still_valid(session=session, token_id=viewer.token_id)

    return StreamingResponse(
        stream(
            hub_of(request.app),
            viewer,
            since,
            still_allowed=still_allowed,
            recheck_seconds=settings.stream_recheck_seconds,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def stream(
    hub: EventHub,
    viewer: Viewer,
    after: int | None,
    *,
    still_allowed: Callable[[], bool] = lambda: True,
    recheck_seconds: float = HEARTBEAT_SECONDS,
) -> AsyncIterator[str]:
    """Subscribe first, then replay, then go live, so nothing falls in between.

    Ends when ``still_allowed`` (asked every ``recheck_seconds``) says no.
    """
    loop = asyncio.get_running_loop()
    sub = Subscription(viewer, loop)
    next_check = loop.time() + recheck_seconds
    next_beat = loop.time() + HEARTBEAT_SECONDS
    try:
        await anyio.to_thread.run_sync(hub.add, sub)  # not abandoned if cancelled
        yield f"retry: {RETRY_MS}\n: pid {os.getpid()}\n\n"
        replayed: set[int] = set()
        if after is not None:
            async for old in _replay(hub, viewer, after):
                replayed.add(old.id)
                yield old.encode()
        while True:
            if loop.time() >= next_check:
                if not await anyio.to_thread.run_sync(still_allowed):
                    return
                next_check = loop.time() + recheck_seconds
            if loop.time() >= next_beat:
                yield ": keep-alive\n\n"
                next_beat = loop.time() + HEARTBEAT_SECONDS
            try:
                event = await asyncio.wait_for(
                    sub.get(), max(0.0, min(next_check, next_beat) - loop.time())
                )
            except TimeoutError:
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
