"""An open event stream ends once its token is revoked or its user deactivated."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.auth import service as auth_service
from app.db import Database
from tests.dbs import settings_for
from tests.events.sse import SseStream
from tests.events.test_events import auth, sign_in, ticket
from tests.live import live_server

RECHECK = 0.5


@pytest.fixture
def base(db_url: str) -> Iterator[str]:
    with live_server(db_url, env={"COMPENDIUM_STREAM_RECHECK_SECONDS": str(RECHECK)}) as url:
        yield url


def test_signing_out_ends_the_open_stream(base: str) -> None:
    token = sign_in(base, "delegate.che")
    with SseStream(f"{base}/api/events", params={"ticket": ticket(base, token)}) as stream:
        stream.wait_ready()
        assert not stream.ended(timeout=RECHECK * 3)  # still open while the token is good
        assert httpx.post(f"{base}/api/auth/logout", headers=auth(token)).status_code == 204
        assert stream.ended(timeout=RECHECK * 10)


def test_deactivating_the_user_ends_streams_opened_by_header_or_ticket(
    base: str, db_url: str
) -> None:
    token = sign_in(base, "delegate.rus")
    with (
        SseStream(f"{base}/api/events", token=token) as by_header,
        SseStream(f"{base}/api/events", params={"ticket": ticket(base, token)}) as by_ticket,
    ):
        by_header.wait_ready()
        by_ticket.wait_ready()
        database = Database(settings_for(db_url))
        with database.session(write=True) as session, session.begin():
            user = auth_service.get_user_by_name(session=session, username="delegate.rus")
            auth_service.set_active(session=session, user=user, active=False)
        database.dispose()
        assert by_header.ended(timeout=RECHECK * 10)
        assert by_ticket.ended(timeout=RECHECK * 10)
    assert httpx.post(f"{base}/api/events/ticket", headers=auth(token)).status_code == 401
