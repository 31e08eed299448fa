"""A delegation's private work, in every state, on every read path, for every user.

USA keeps a proposal as a private draft, revises it and discusses it
internally. Then it either leaves it a draft, withdraws it unsubmitted, or
submits it. Whatever happened, nobody outside USA — chairs, coordinator and
admin included — ever reads the private versions, the internal comments, or
the audit entries about them; what USA submitted becomes public from then on.
An object a user may not read answers exactly like one that does not exist.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose

OWNER = "delegate.usa"
OTHERS = (
    "chair.esp",
    "chair.blr",
    "delegate.che",
    "delegate.rus",
    "delegate.cpc",
    "coordinator",
    "observer",
    "admin",
)
AUDIT_READERS = ("chair.esp", "chair.blr", "coordinator", "admin")
SECRET = "Xq7-capital-says"  # in every private text: versions, rationale, comments
PUBLIC = "Published-text"
STATES = ("draft", "withdrawn", "submitted")


@dataclass
class World:
    section_id: int
    proposal_id: int
    comment_id: int
    state: str


def _make(api: Api, section_id: int, state: str) -> World:
    prepare_section(api, section_id)
    p = propose(api, section_id, OWNER, BASE_TEXT + f"{SECRET} v1.\n", rationale=SECRET, draft=True)
    pid = p["id"]
    comment = api.post(
        f"/api/proposals/{pid}/comments", user=OWNER, json={"body": f"{SECRET}: check first."}
    )
    assert comment.status_code == 201, comment.text
    final = BASE_TEXT + f"{PUBLIC}.\n" if state == "submitted" else BASE_TEXT + f"{SECRET} v2.\n"
    rationale = "Public reasons." if state == "submitted" else SECRET
    revised = api.post(
        f"/api/proposals/{pid}/revise", user=OWNER, json={"body": final, "rationale": rationale}
    )
    assert revised.status_code == 200, revised.text
    if state == "withdrawn":
        assert api.post(f"/api/proposals/{pid}/withdraw", user=OWNER).status_code == 200
    if state == "submitted":
        assert api.post(f"/api/proposals/{pid}/submit", user=OWNER).status_code == 200
        reply = api.post(
            f"/api/proposals/{pid}/comments", user="delegate.che", json={"body": "Swiss view."}
        )
        assert reply.status_code == 201
    return World(section_id, pid, int(comment.json()["id"]), state)


@pytest.fixture(params=STATES)
def world(request: pytest.FixtureRequest, api: Api, guide: dict[str, Any]) -> World:
    return _make(api, guide["sections"][3]["id"], str(request.param))


def _reads(w: World) -> list[str]:
    pid, sid = w.proposal_id, w.section_id
    return [
        f"/api/proposals/{pid}",
        f"/api/proposals/{pid}/versions",
        f"/api/proposals/{pid}/comments",
        "/api/proposals",
        "/api/proposals?delegation=USA",
        f"/api/proposals?status={w.state}",
        f"/api/proposals?section_id={sid}",
        f"/api/sections/{sid}/proposals",
        f"/api/sections/{sid}/proposals?group=competing",
        f"/api/sections/{sid}/comments",
    ]


def test_nobody_outside_the_delegation_reads_its_private_work(api: Api, world: World) -> None:
    for user in OTHERS:
        for url in _reads(world):
            response = api.get(url, user=user)
            assert SECRET not in response.text, (user, url)
            if world.state != "submitted" and f"/proposals/{world.proposal_id}" in url:
                assert response.status_code == 404, (user, url)
                assert response.json() == {"detail": f"no proposal {world.proposal_id}"}
            elif response.status_code != 200:
                raise AssertionError((user, url, response.status_code))
            if world.state != "submitted" and url.startswith("/api/proposals?"):
                assert world.proposal_id not in [p["id"] for p in response.json()], (user, url)


def test_the_delegation_reads_all_of_it(api: Api, world: World) -> None:
    pid = world.proposal_id
    proposal = api.get(f"/api/proposals/{pid}", user=OWNER).json()
    assert proposal["private"] is (world.state != "submitted")
    versions = api.get(f"/api/proposals/{pid}/versions", user=OWNER).json()
    assert [v["number"] for v in versions] == [1, 2] and SECRET in versions[0]["body"]
    comments = api.get(f"/api/proposals/{pid}/comments", user=OWNER).json()
    assert comments[0]["private"] is True and SECRET in comments[0]["body"]
    listed = api.get(f"/api/proposals?status={world.state}", user=OWNER).json()
    assert pid in [p["id"] for p in listed]


def test_a_submitted_draft_publishes_only_what_was_submitted(
    api: Api, guide: dict[str, Any]
) -> None:
    w = _make(api, guide["sections"][3]["id"], "submitted")
    for user in OTHERS:
        proposal = api.get(f"/api/proposals/{w.proposal_id}", user=user).json()
        assert PUBLIC in proposal["body"] and proposal["private"] is False
        assert proposal["comment_count"] == 1  # the Swiss reply, not USA's internal note
        versions = api.get(f"/api/proposals/{w.proposal_id}/versions", user=user).json()
        assert [v["number"] for v in versions] == [2]
        comments = api.get(f"/api/proposals/{w.proposal_id}/comments", user=user).json()
        assert [c["body"] for c in comments] == ["Swiss view."]


def test_the_audit_log_keeps_private_entries_within_the_delegation(api: Api, world: World) -> None:
    for user in AUDIT_READERS:
        entries = api.get("/api/audit?limit=1000", user=user).json()
        about = [
            e
            for e in entries
            if (e["object_type"], e["object_id"]) == ("proposal", str(world.proposal_id))
            or (e["object_type"], e["object_id"]) == ("comment", str(world.comment_id))
        ]
        assert SECRET not in str(entries), user
        expected = ["proposal.submitted"] if world.state == "submitted" else []
        assert [e["action"] for e in about] == expected, user


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_writes_on_private_work_answer_as_if_it_did_not_exist(
    api: Api, guide: dict[str, Any], state: str
) -> None:
    world = _make(api, guide["sections"][3]["id"], state)
    pid = world.proposal_id
    missing = {"detail": f"no proposal {pid}"}
    for user, path, body in [
        ("delegate.che", "support", None),
        ("delegate.che", "comments", {"body": "x"}),
        ("chair.esp", "decision", {"decision": "accept", "note": ""}),
        ("delegate.rus", "withdraw", None),
        ("chair.esp", "submit", None),
    ]:
        response = api.post(f"/api/proposals/{pid}/{path}", user=user, json=body)
        assert (response.status_code, response.json()) == (404, missing), (user, path)
    edit = api.patch(f"/api/comments/{world.comment_id}", user="delegate.rus", json={"body": "x"})
    assert edit.status_code == 404 and SECRET not in edit.text


def test_a_reply_to_an_internal_comment_stays_internal(api: Api, guide: dict[str, Any]) -> None:
    w = _make(api, guide["sections"][3]["id"], "submitted")
    reply = api.post(
        f"/api/proposals/{w.proposal_id}/comments",
        user=OWNER,
        json={"body": "Capital agrees.", "parent_id": w.comment_id},
    ).json()
    assert reply["private"] is True
    outside = api.post(
        f"/api/proposals/{w.proposal_id}/comments",
        user="delegate.rus",
        json={"body": "x", "parent_id": w.comment_id},
    )
    assert outside.status_code == 422  # as for a comment that does not exist
    assert (
        "Capital agrees."
        not in api.get(f"/api/proposals/{w.proposal_id}/comments", user="observer").text
    )


def test_merge_preview_treats_another_delegations_draft_as_unknown(
    api: Api, guide: dict[str, Any]
) -> None:
    w = _make(api, guide["sections"][3]["id"], "draft")
    unknown = api.post(
        "/api/documents/bpg-1540/merges", user="chair.esp", json={"proposal_ids": [999_999]}
    )
    hidden = api.post(
        "/api/documents/bpg-1540/merges", user="chair.esp", json={"proposal_ids": [w.proposal_id]}
    )
    assert unknown.status_code == hidden.status_code == 422
    assert hidden.json()["detail"] == unknown.json()["detail"].replace("999999", str(w.proposal_id))


def test_the_compilation_lists_no_private_work(api: Api, guide: dict[str, Any]) -> None:
    _make(api, guide["sections"][3]["id"], "withdrawn")
    _make(api, guide["sections"][4]["id"], "draft")
    _make(api, guide["sections"][5]["id"], "submitted")
    draft = api.post(
        "/api/documents/bpg-1540/drafts", user="chair.esp", json={"label": "Working"}
    ).json()
    for fmt in ("html", "docx"):
        for user in ("chair.esp", "coordinator"):
            response = api.get(f"/api/drafts/{draft['id']}/compilation?format={fmt}", user=user)
            assert response.status_code == 200
            text = response.text if fmt == "html" else _docx_text(response.content)
            assert PUBLIC in text  # the submitted proposal, at its submitted version
            assert SECRET not in text, (fmt, user)


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("word/document.xml").decode()
