"""The proposal lifecycle through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest

from app.proposals import views
from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose, write_lock_is_free


@pytest.fixture
def section(api: Api, guide: dict[str, Any]) -> dict[str, Any]:
    return prepare_section(api, guide["sections"][1]["id"])


def test_delegate_submits_a_proposal_with_redline(api: Api, section: dict[str, Any]) -> None:
    p = propose(
        api,
        section["id"],
        "delegate.usa",
        BASE_TEXT.replace("should", "shall"),
        rationale="Stronger *wording*.",
    )
    assert p["status"] == "submitted" and p["delegation"] == "USA" and p["kind"] == "amend"
    assert p["base_revision"] == section["revision"] and p["version"] == 1
    assert "<del>should</del>" in p["redline_html"] and "<ins>shall</ins>" in p["redline_html"]
    assert "<em>wording</em>" in p["rationale_html"]
    assert p["competing"] == [] and p["section_number"] == section["number"]


def test_unknown_base_revision_is_409(api: Api, section: dict[str, Any]) -> None:
    response = api.post(
        f"/api/sections/{section['id']}/proposals",
        user="delegate.usa",
        json={"base_revision": 99, "body": "x"},
    )
    assert response.status_code == 409
    assert "no revision 99" in response.json()["detail"]


def test_text_identical_to_base_is_422(api: Api, section: dict[str, Any]) -> None:
    response = api.post(
        f"/api/sections/{section['id']}/proposals",
        user="delegate.usa",
        json={"base_revision": section["revision"], "body": BASE_TEXT},
    )
    assert response.status_code == 422
    assert "identical" in response.json()["detail"]


def test_submission_lists_competing_proposals(api: Api, section: dict[str, Any]) -> None:
    usa = propose(api, section["id"], "delegate.usa", BASE_TEXT.replace("appropriate ", ""))
    rus = propose(api, section["id"], "delegate.rus", BASE_TEXT.replace("effective ", ""))
    che = propose(api, section["id"], "delegate.che", BASE_TEXT.replace("items", "materials"))
    assert rus["competing"] == [usa["id"]]
    assert che["competing"] == []
    grouped = api.get(f"/api/sections/{section['id']}/proposals?group=competing").json()
    as_ids = sorted(sorted(p["id"] for p in g) for g in grouped["groups"])
    assert as_ids == sorted([sorted([usa["id"], rus["id"]]), [che["id"]]])


def test_private_draft_is_seen_only_by_its_delegation(api: Api, section: dict[str, Any]) -> None:
    draft = propose(api, section["id"], "delegate.che", "Swiss text.\n", draft=True)
    assert draft["status"] == "draft"
    assert api.get(f"/api/proposals/{draft['id']}", user="delegate.usa").status_code == 404
    assert api.get(f"/api/proposals/{draft['id']}", user="chair.esp").status_code == 404
    listed = api.get(f"/api/proposals?section_id={section['id']}", user="delegate.usa").json()
    assert draft["id"] not in [p["id"] for p in listed]
    assert api.post(f"/api/proposals/{draft['id']}/submit", user="delegate.usa").status_code == 404
    submitted = api.post(f"/api/proposals/{draft['id']}/submit", user="delegate.che")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert api.get(f"/api/proposals/{draft['id']}", user="delegate.usa").status_code == 200


def test_revise_keeps_earlier_versions(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.usa", BASE_TEXT.replace("should", "shall"))
    revised = api.post(
        f"/api/proposals/{p['id']}/revise",
        user="delegate.usa",
        json={"body": BASE_TEXT.replace("should", "must"), "rationale": "v2"},
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["version"] == 2 and "must" in revised.json()["body"]
    versions = api.get(f"/api/proposals/{p['id']}/versions").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert "shall" in versions[0]["body"] and versions[1]["rationale"] == "v2"
    assert "<ins>must</ins>" in versions[1]["redline_html"]


def test_withdraw_then_decide_is_409_naming_the_state(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.rus", "Russian text.\n")
    assert api.post(f"/api/proposals/{p['id']}/withdraw", user="delegate.rus").status_code == 200
    decided = api.post(f"/api/proposals/{p['id']}/decision", json={"decision": "accept"})
    assert decided.status_code == 409
    assert decided.json()["detail"] == "cannot accept a proposal that is withdrawn"
    again = api.post(f"/api/proposals/{p['id']}/withdraw", user="delegate.rus")
    assert again.status_code == 409


def test_chair_accepts_with_note_and_delegation_can_no_longer_withdraw(
    api: Api, section: dict[str, Any]
) -> None:
    p = propose(api, section["id"], "delegate.cpc", "CPC text.\n")
    decided = api.post(
        f"/api/proposals/{p['id']}/decision",
        json={"decision": "accept", "note": "Agreed at the meeting."},
    )
    assert decided.status_code == 200
    body = decided.json()
    assert body["status"] == "accepted" and body["decision_note"] == "Agreed at the meeting."
    assert body["decided_by"] == "chair.esp" and body["decided_at"]
    late = api.post(f"/api/proposals/{p['id']}/withdraw", user="delegate.cpc")
    assert late.status_code == 409 and "accepted" in late.json()["detail"]


def test_rejection(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.rus", "Text.\n")
    response = api.post(
        f"/api/proposals/{p['id']}/decision", json={"decision": "reject", "note": "No consensus."}
    )
    assert response.json()["status"] == "rejected"


def test_other_delegations_co_sponsor(api: Api, section: dict[str, Any]) -> None:
    p = propose(api, section["id"], "delegate.usa", "US text.\n")
    assert api.post(f"/api/proposals/{p['id']}/support", user="delegate.che").status_code == 200
    supported = api.post(f"/api/proposals/{p['id']}/support", user="chair.blr")
    assert supported.json()["supporters"] == ["CHE", "BLR"]
    twice = api.post(f"/api/proposals/{p['id']}/support", user="delegate.che")
    assert twice.status_code == 409
    own = api.post(f"/api/proposals/{p['id']}/support", user="delegate.usa")
    assert own.status_code == 409 and "own proposal" in own.json()["detail"]


def test_filters_by_delegation_and_status(api: Api, section: dict[str, Any]) -> None:
    usa = propose(api, section["id"], "delegate.usa", "US text.\n")
    propose(api, section["id"], "delegate.rus", "RU text.\n")
    api.post(f"/api/proposals/{usa['id']}/decision", json={"decision": "accept"})
    by_usa = api.get("/api/proposals?delegation=USA").json()
    assert [p["id"] for p in by_usa] == [usa["id"]]
    accepted = api.get("/api/proposals?status=accepted").json()
    assert [p["delegation"] for p in accepted] == ["USA"]
    assert api.get("/api/proposals?status=bogus").status_code == 422


def test_propose_a_new_section_and_a_deletion(api: Api, guide: dict[str, Any]) -> None:
    chapter = guide["sections"][0]
    new = api.post(
        "/api/documents/bpg-1540/proposals",
        user="delegate.che",
        json={
            "parent_id": chapter["id"],
            "title": "Gender and 1540",
            "body": "New text.\n",
            "rationale": "Missing topic.",
        },
    )
    assert new.status_code == 201, new.text
    assert new.json()["kind"] == "add" and new.json()["section_id"] is None
    assert "<ins>" in new.json()["redline_html"]
    target = guide["sections"][2]
    rev = api.get(f"/api/sections/{target['id']}").json()["revision"]
    delete = api.post(
        f"/api/sections/{target['id']}/proposals",
        user="delegate.rus",
        json={"kind": "delete", "base_revision": rev, "rationale": "Redundant."},
    )
    assert delete.status_code == 201 and delete.json()["kind"] == "delete"
    assert "<del>" in delete.json()["redline_html"]
    assert "<ins>" not in delete.json()["redline_html"]


def test_redline_preview(api: Api) -> None:
    response = api.post(
        "/api/redline",
        user="delegate.usa",
        json={"old": "# Title\n\nOld words.", "new": "# Title\n\nNew words."},
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h1>" in html and "<del>Old</del>" in html and "<ins>New</ins>" in html


def test_competing_proposals_are_computed_after_the_write_lock_is_released(
    api: Api, section: dict[str, Any], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating a proposal commits, then merges to find its competitors (SQLite's one lock)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    seen: list[bool] = []
    real = views.competing_for

    def competing_while_probing(**kwargs: Any) -> Any:
        seen.append(write_lock_is_free(db_url))
        return real(**kwargs)

    monkeypatch.setattr(views, "competing_for", competing_while_probing)
    first = propose(api, section["id"], "delegate.usa", "States shall act.\n")
    second = propose(api, section["id"], "delegate.rus", "States may act.\n")
    assert second["competing"] == [first["id"]]
    assert api.post(f"/api/proposals/{first['id']}/support", user="delegate.che").is_success
    assert seen == [True, True, True]
