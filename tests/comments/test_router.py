"""Comments on sections and proposals: threads, quotes, re-anchoring, ownership."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose


@pytest.fixture
def section(api: Api, guide: dict[str, Any]) -> dict[str, Any]:
    return prepare_section(api, guide["sections"][1]["id"])


def comment(api: Api, section_id: int, user: str, **payload: Any) -> Any:
    return api.post(f"/api/sections/{section_id}/comments", user=user, json=payload)


def test_comment_with_quote_is_anchored_on_the_revision(api: Api, section: dict[str, Any]) -> None:
    quote = {"exact": "appropriate effective", "prefix": "maintain ", "suffix": " measures"}
    response = comment(api, section["id"], "delegate.che", body="Which one?", quote=quote)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["revision"] == section["revision"] and body["delegation"] == "CHE"
    start, end = body["anchor"]["start"], body["anchor"]["end"]
    assert BASE_TEXT[start:end] == "appropriate effective" and not body["orphaned"]


def test_quote_is_reanchored_then_orphaned_on_later_revisions(
    api: Api, section: dict[str, Any]
) -> None:
    comment(
        api,
        section["id"],
        "delegate.che",
        body="Hmm.",
        quote={"exact": "appropriate effective", "prefix": "maintain "},
    )
    moved = prepare_section(api, section["id"], "Participating " + BASE_TEXT)
    listed = api.get(f"/api/sections/{section['id']}/comments").json()
    anchor = listed[0]["anchor"]
    assert anchor["revision"] == moved["revision"]
    assert moved["body"][anchor["start"] : anchor["end"]] == "appropriate effective"
    prepare_section(api, section["id"], "States shall act.\n")
    orphaned = api.get(f"/api/sections/{section['id']}/comments").json()[0]
    assert orphaned["orphaned"] is True and orphaned["anchor"] is None
    assert orphaned["quote"]["exact"] == "appropriate effective"


def test_quote_must_exist_in_the_revision_read(api: Api, section: dict[str, Any]) -> None:
    response = comment(api, section["id"], "delegate.che", body="x", quote={"exact": "nowhere"})
    assert response.status_code == 422


def test_threads_by_parent_id(api: Api, section: dict[str, Any]) -> None:
    first = comment(api, section["id"], "delegate.usa", body="Open question.").json()
    reply = comment(api, section["id"], "delegate.rus", body="Reply.", parent_id=first["id"])
    assert reply.status_code == 201 and reply.json()["parent_id"] == first["id"]
    stray = comment(api, section["id"], "delegate.rus", body="x", parent_id=99999)
    assert stray.status_code == 422


def test_edit_delete_resolve_reopen_own_comments(api: Api, section: dict[str, Any]) -> None:
    c = comment(api, section["id"], "delegate.usa", body="Draft remark.").json()
    edited = api.patch(f"/api/comments/{c['id']}", user="delegate.usa", json={"body": "Better."})
    assert edited.status_code == 200 and edited.json()["body"] == "Better."
    assert edited.json()["edited_at"]
    assert api.post(f"/api/comments/{c['id']}/resolve", user="chair.blr").json()["resolved"]
    assert api.post(f"/api/comments/{c['id']}/resolve", user="chair.blr").status_code == 409
    reopened = api.post(f"/api/comments/{c['id']}/reopen", user="delegate.usa")
    assert reopened.json()["resolved"] is False
    deleted = api.delete(f"/api/comments/{c['id']}", user="delegate.usa")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    listed = api.get(f"/api/sections/{section['id']}/comments").json()
    assert listed[0]["body"] == "(comment deleted)" and "Better" not in listed[0]["body_html"]


def test_other_delegations_cannot_edit_or_delete(api: Api, section: dict[str, Any]) -> None:
    c = comment(api, section["id"], "delegate.usa", body="US remark.").json()
    for user in ("delegate.rus", "chair.esp"):
        assert (
            api.patch(f"/api/comments/{c['id']}", user=user, json={"body": "x"}).status_code == 403
        )
        assert api.delete(f"/api/comments/{c['id']}", user=user).status_code == 403
    assert api.post(f"/api/comments/{c['id']}/resolve", user="delegate.rus").status_code == 403


def test_observer_reads_but_cannot_comment(api: Api, section: dict[str, Any]) -> None:
    assert comment(api, section["id"], "observer", body="x").status_code == 403
    assert api.get(f"/api/sections/{section['id']}/comments", user="observer").status_code == 200


def test_comments_on_proposals(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.usa", BASE_TEXT.replace("should", "shall"))
    posted = api.post(
        f"/api/proposals/{p['id']}/comments",
        user="delegate.rus",
        json={"body": "We cannot accept *shall*."},
    )
    assert posted.status_code == 201
    assert "<em>shall</em>" in posted.json()["body_html"]
    assert api.get(f"/api/proposals/{p['id']}").json()["comment_count"] == 1
    listed = api.get(f"/api/proposals/{p['id']}/comments").json()
    assert [c["delegation"] for c in listed] == ["RUS"]


def test_comments_on_a_private_draft_stay_private(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.che", "Swiss.\n", draft=True)
    c = api.post(
        f"/api/proposals/{p['id']}/comments",
        user="delegate.che",
        json={"body": "Internal: check with capital."},
    ).json()
    assert api.get(f"/api/proposals/{p['id']}/comments", user="delegate.usa").status_code == 404
    assert (
        api.patch(f"/api/comments/{c['id']}", user="delegate.usa", json={"body": "x"}).status_code
        == 404
    )


def test_comments_on_a_private_draft_stay_out_of_other_delegations_audit(
    api: Api, section: dict[str, Any]
) -> None:
    p = propose(api, section["id"], "delegate.che", "Swiss.\n", draft=True)
    api.post(
        f"/api/proposals/{p['id']}/comments",
        user="delegate.che",
        json={"body": "Internal: check with capital."},
    )
    for reader in ("admin", "coordinator", "chair.esp"):
        assert api.get("/api/audit?action=comment.posted", user=reader).json() == []
