"""Meetings: recorded by chairs, linked to drafts and to the proposals decided there."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.helpers import prepare_section, propose


def test_chair_records_a_meeting_linked_to_draft_and_decisions(
    api: Api, guide: dict[str, Any]
) -> None:
    draft = api.post(
        "/api/documents/bpg-1540/drafts",
        json={"label": "Draft of 16 March 2021", "circulate": True},
    ).json()
    meeting = api.post(
        "/api/documents/bpg-1540/meetings",
        json={
            "title": "Informal Group of Friends of UNSCR 1540",
            "starts_on": "2021-04-27",
            "format": "online",
            "venue": "Video conference",
            "agenda": "1. The draft guide",
            "draft_id": draft["id"],
        },
    )
    assert meeting.status_code == 201, meeting.text
    m = meeting.json()
    assert m["ends_on"] == "2021-04-27" and m["format"] == "online"
    section = prepare_section(api, guide["sections"][1]["id"])
    p = propose(api, section["id"], "delegate.usa", "US text.\n")
    api.post(
        f"/api/proposals/{p['id']}/decision", json={"decision": "accept", "meeting_id": m["id"]}
    )
    outcome = api.patch(f"/api/meetings/{m['id']}", json={"outcome": "Comments noted."})
    assert outcome.json()["outcome"] == "Comments noted."
    assert outcome.json()["proposal_ids"] == [p["id"]]
    assert api.get(f"/api/drafts/{draft['id']}").json()["meetings"] == [m["id"]]
    assert api.get(f"/api/proposals/{p['id']}").json()["meeting_id"] == m["id"]
    listed = api.get("/api/documents/bpg-1540/meetings", user="observer").json()
    assert [x["id"] for x in listed] == [m["id"]]


def test_meeting_input_is_validated_and_chairs_only(api: Api) -> None:
    base = {"title": "M", "starts_on": "2021-04-27", "format": "online"}
    assert (
        api.post("/api/documents/bpg-1540/meetings", user="delegate.usa", json=base).status_code
        == 403
    )
    backwards = api.post("/api/documents/bpg-1540/meetings", json=base | {"ends_on": "2021-04-26"})
    assert backwards.status_code == 422
    assert (
        api.post(
            "/api/documents/bpg-1540/meetings", json=base | {"format": "carrier pigeon"}
        ).status_code
        == 422
    )
    assert (
        api.post("/api/documents/bpg-1540/meetings", json=base | {"draft_id": 999}).status_code
        == 422
    )
