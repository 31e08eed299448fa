"""GET /api/events through a real uvicorn server: delivery, auth, replay, privacy, workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.dbs import TemplateDB
from tests.events.sse import SseStream
from tests.live import live_server

MAX_STREAMS = 16


@pytest.fixture
def base(db_url: str) -> Iterator[str]:
    with live_server(db_url) as url:
        yield url


@pytest.fixture
def tokens(template: TemplateDB) -> dict[str, str]:
    return template.tokens


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def first_section(base: str, token: str) -> int:
    guide = httpx.get(f"{base}/api/documents/bpg-1540", headers=auth(token), timeout=10).json()
    return int(guide["sections"][0]["id"])


def edit_section(base: str, token: str, body: str) -> dict[str, Any]:
    """A chair's direct edit of the first section (an ``section.edited`` entry)."""
    section_id = first_section(base, token)
    url = f"{base}/api/sections/{section_id}"
    current = httpx.get(url, headers=auth(token), timeout=10)
    response = httpx.put(
        url,
        headers=auth(token) | {"If-Match": current.headers["etag"]},
        json={"title": current.json()["title"], "body": body, "message": "live edit"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_subscriber_receives_a_chairs_section_edit(base: str, tokens: dict[str, str]) -> None:
    with SseStream(f"{base}/api/events", token=tokens["observer"]) as stream:
        stream.wait_ready()
        section = edit_section(base, tokens["chair.esp"], "New text.\n")
        event, _ = stream.until("section.edited")
    assert event.data["id"] == event.id
    assert event.data["object_type"] == "section"
    assert event.data["object_id"] == str(section["id"])
    assert (event.data["actor"], event.data["delegation"]) == ("chair.esp", "ESP")
    assert event.data["data"]["revision"] == section["revision"]
    assert set(event.data) == {
        "id",
        "action",
        "object_type",
        "object_id",
        "summary",
        "delegation",
        "actor",
        "created_at",
        "data",
    }


def ticket(base: str, token: str) -> str:
    response = httpx.post(f"{base}/api/events/ticket", headers=auth(token), timeout=10)
    assert response.status_code == 201, response.text
    assert response.json()["expires_in"] == 60
    return str(response.json()["ticket"])


def test_event_source_opens_with_a_single_use_ticket(base: str, tokens: dict[str, str]) -> None:
    assert httpx.get(f"{base}/api/events", timeout=10).status_code == 401
    assert httpx.post(f"{base}/api/events/ticket", timeout=10).status_code == 401
    bad = httpx.get(f"{base}/api/events", params={"ticket": "not-a-ticket"}, timeout=10)
    assert bad.status_code == 401
    pass_ = ticket(base, tokens["delegate.usa"])
    with SseStream(f"{base}/api/events", params={"ticket": pass_}) as stream:
        stream.wait_ready()
        edit_section(base, tokens["chair.esp"], "Ticket text.\n")
        stream.until("section.edited")
    again = httpx.get(f"{base}/api/events", params={"ticket": pass_}, timeout=10)
    assert again.status_code == 401 and "ticket" in again.json()["detail"]


def test_a_bearer_token_in_the_url_is_refused(base: str, tokens: dict[str, str]) -> None:
    response = httpx.get(f"{base}/api/events", params={"token": tokens["observer"]}, timeout=10)
    assert response.status_code == 401


def test_a_ticket_of_a_revoked_token_opens_nothing(base: str, tokens: dict[str, str]) -> None:
    token = sign_in(base, "delegate.rus")
    pass_ = ticket(base, token)
    assert httpx.post(f"{base}/api/auth/logout", headers=auth(token), timeout=10).status_code == 204
    assert httpx.get(f"{base}/api/events", params={"ticket": pass_}, timeout=10).status_code == 401


def sign_in(base: str, username: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/token",
        data={"username": username, "password": "compendium-demo"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_last_event_id_replays_missed_entries_then_continues_live(
    base: str, tokens: dict[str, str]
) -> None:
    chair = tokens["chair.esp"]
    with SseStream(f"{base}/api/events", token=chair) as stream:
        stream.wait_ready()
        edit_section(base, chair, "One.\n")
        edit_section(base, chair, "Two.\n")
        first, _ = stream.until("section.edited")
        second, _ = stream.until("section.edited")
    edit_section(base, chair, "Three.\n")  # while nobody listens
    # The header wins over ?after=, as when an EventSource reconnects.
    headers = {"Last-Event-ID": str(first.id)}
    params = {"after": second.id + 1000}
    with SseStream(f"{base}/api/events", token=chair, headers=headers, params=params) as stream:
        stream.wait_ready()
        assert stream.next().id == second.id
        third = stream.next()
        assert third.data["summary"].endswith(f"revision {second.data['data']['revision'] + 1}")
        edit_section(base, chair, "Four.\n")
        assert stream.until("section.edited")[0].id > third.id
    with SseStream(f"{base}/api/events", token=chair, params={"after": second.id}) as stream:
        assert stream.wait_ready() and stream.next().id == third.id


def test_private_draft_reaches_only_its_own_delegation(base: str, tokens: dict[str, str]) -> None:
    section_id = first_section(base, tokens["chair.esp"])
    revision = httpx.get(
        f"{base}/api/sections/{section_id}", headers=auth(tokens["chair.esp"]), timeout=10
    ).json()["revision"]
    with (
        SseStream(f"{base}/api/events", token=tokens["delegate.che"]) as che,
        SseStream(f"{base}/api/events", token=tokens["delegate.usa"]) as usa,
    ):
        che.wait_ready()
        usa.wait_ready()
        response = httpx.post(
            f"{base}/api/sections/{section_id}/proposals",
            headers=auth(tokens["delegate.che"]),
            json={"base_revision": revision, "body": "x\n", "rationale": "r", "draft": True},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        draft, _ = che.until("proposal.created")
        assert draft.data["summary"].endswith("(draft)")
        edit_section(base, tokens["chair.esp"], "Public.\n")
        _, before = usa.until("section.edited")
    assert before == []  # the USA stream skipped the Swiss draft


def test_every_worker_delivers_each_event(db_url: str, tokens: dict[str, str]) -> None:
    with live_server(db_url, workers=2) as base:
        streams: list[SseStream] = []
        try:
            while len(streams) < 6 or (
                len({s.pid for s in streams}) < 2 and len(streams) < MAX_STREAMS
            ):
                streams.append(SseStream(f"{base}/api/events", token=tokens["observer"]))
                streams[-1].wait_ready()
            assert len({s.pid for s in streams}) == 2, "all streams landed on one worker"
            section = edit_section(base, tokens["chair.esp"], "Everyone sees this.\n")
            for stream in streams:
                event, _ = stream.until("section.edited")
                assert event.data["data"]["revision"] == section["revision"]
        finally:
            for stream in streams:
                stream.close()


def test_open_stream_does_not_hold_up_server_shutdown(db_url: str, tokens: dict[str, str]) -> None:
    with live_server(db_url) as base:
        stream = SseStream(f"{base}/api/events", token=tokens["observer"])
        stream.wait_ready()
        started = time.monotonic()
    try:
        assert time.monotonic() - started < 5
        assert stream.ended(timeout=5)
    finally:
        stream.close()


def test_access_log_never_shows_a_ticket(
    db_url: str, tokens: dict[str, str], tmp_path: Any
) -> None:
    log = tmp_path / "server.log"
    with log.open("wb") as out, live_server(db_url, log_level="info", output=out) as base:
        pass_ = ticket(base, tokens["observer"])
        with SseStream(f"{base}/api/events", params={"ticket": pass_, "after": 0}) as stream:
            stream.wait_ready()
        httpx.get(f"{base}/api/health", params={"token": "leaked-secret"}, timeout=10)
    text = log.read_text()
    assert "/api/events?ticket=[redacted]&after=0" in text
    assert pass_ not in text and "leaked-secret" not in text


def test_a_withdrawn_draft_and_its_comments_never_reach_other_delegations(
    base: str, tokens: dict[str, str]
) -> None:
    che = auth(tokens["delegate.che"])
    section_id = first_section(base, tokens["chair.esp"])
    revision = httpx.get(f"{base}/api/sections/{section_id}", headers=che).json()["revision"]
    with (
        SseStream(f"{base}/api/events", token=tokens["delegate.che"]) as own,
        SseStream(f"{base}/api/events", token=tokens["chair.esp"]) as chair,
    ):
        own.wait_ready()
        chair.wait_ready()
        pid = httpx.post(
            f"{base}/api/sections/{section_id}/proposals",
            headers=che,
            json={"base_revision": revision, "body": "y\n", "draft": True},
        ).json()["id"]
        httpx.post(f"{base}/api/proposals/{pid}/comments", headers=che, json={"body": "internal"})
        assert httpx.post(f"{base}/api/proposals/{pid}/withdraw", headers=che).status_code == 200
        own.until("proposal.withdrawn")
        edit_section(base, tokens["chair.esp"], "Public again.\n")
        _, before = chair.until("section.edited")
    assert before == []  # no proposal.created, comment.posted or proposal.withdrawn
