"""A whole drafting round through the HTTP API, and the merge's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose

T0 = datetime(2021, 3, 16, 9, 0, tzinfo=UTC)
SECOND = "Each State should designate a national point of contact.\n"


def accept(api: Api, *proposals: dict[str, Any]) -> None:
    for p in proposals:
        r = api.post(f"/api/proposals/{p['id']}/decision", json={"decision": "accept"})
        assert r.status_code == 200, r.text


@pytest.fixture
def sections(api: Api, guide: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    subs = [s for s in guide["sections"] if s["parent_id"]]
    return prepare_section(api, subs[0]["id"]), prepare_section(api, subs[1]["id"], SECOND)


def test_a_whole_drafting_round(
    api: Api, app: FastAPI, sections: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    app.state.clock = lambda: T0
    a, b = sections
    circulated = api.post(
        "/api/documents/bpg-1540/drafts",
        json={"label": "Draft of 16 March 2021", "reference": "FSC.GAL/23/21", "circulate": True},
    )
    assert circulated.status_code == 201 and circulated.json()["status"] == "circulated"
    assert api.get(f"/api/drafts/{circulated.json()['id']}", user="observer").status_code == 200

    usa = propose(api, a["id"], "delegate.usa", BASE_TEXT.replace("appropriate ", ""))
    rus = propose(api, a["id"], "delegate.rus", BASE_TEXT.replace("effective ", ""))
    che = propose(api, a["id"], "delegate.che", BASE_TEXT.replace("items", "materials"))
    cpc = propose(api, a["id"], "delegate.cpc", BASE_TEXT.replace("items", "materials"))
    usa_b = propose(api, b["id"], "delegate.usa", SECOND.replace("should", "shall"))
    rus_b = propose(api, b["id"], "delegate.rus", SECOND.replace("should", "may"))
    assert rus["competing"] == [usa["id"]] and che["competing"] == []
    accept(api, usa, rus, che, cpc, usa_b, rus_b)

    ids = [usa["id"], rus["id"], che["id"], cpc["id"], usa_b["id"], rus_b["id"]]
    preview = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": ids})
    assert preview.status_code == 201, preview.text
    merge = preview.json()
    by_section = {s["section_id"]: s for s in merge["sections"]}
    sa, sb = by_section[a["id"]], by_section[b["id"]]
    assert not merge["clean"] and not sa["clean"] and not sb["clean"]
    assert [len(s["conflicts"]) for s in (sa, sb)] == [1, 1]
    conflict_a = sa["conflicts"][0]
    assert conflict_a["base_text"].strip() == "appropriate effective"
    assert [(alt["delegations"], alt["text"].strip()) for alt in conflict_a["alternatives"]] == [
        (["USA"], "effective"),
        (["RUS"], "appropriate"),
    ]
    assert "materials" in sa["merged_body"]  # CHE and CPC: one identical change, clean
    conflict_b = sb["conflicts"][0]

    unresolved = api.post(
        f"/api/merges/{merge['id']}/commit",
        json={"label": "Rev.1", "resolutions": {conflict_a["id"]: {"bracket": True}}},
    )
    assert unresolved.status_code == 409 and conflict_b["id"] in unresolved.json()["detail"]

    committed = api.post(
        f"/api/merges/{merge['id']}/commit",
        json={
            "label": "Rev.1",
            "reference": "FSC.GAL/23/21/Rev.1",
            "resolutions": {
                conflict_a["id"]: {"bracket": True},
                conflict_b["id"]: {"text": "should, where appropriate,"},
            },
        },
    )
    assert committed.status_code == 200, committed.text
    rev1 = committed.json()
    assert rev1["label"] == "Rev.1" and rev1["status"] == "working"
    assert rev1["provenance"] == sorted(ids)
    pinned = {s["section_id"]: s for s in rev1["sections"]}
    assert pinned[a["id"]]["agreement"] == "bracketed" and pinned[b["id"]]["agreement"] == "agreed"

    text_a = api.get(f"/api/sections/{a['id']}").json()["body"]
    assert text_a == (
        "States should maintain [USA: effective / RUS: appropriate] measures "
        "to account for materials.\n"
    )
    text_b = api.get(f"/api/sections/{b['id']}").json()["body"]
    assert (
        text_b == "Each State should, where appropriate, designate a national point of contact.\n"
    )
    history = api.get(f"/api/sections/{a['id']}/revisions").json()
    assert history[-1]["source"] == "merge" and str(usa["id"]) in history[-1]["message"]
    for pid in ids:
        assert api.get(f"/api/proposals/{pid}").json()["status"] == "merged"
    assert api.post(f"/api/merges/{merge['id']}/commit", json={"label": "x"}).status_code == 409
    assert api.get(f"/api/drafts/{rev1['id']}", user="delegate.usa").status_code == 403

    assert api.post(f"/api/drafts/{rev1['id']}/circulate").json()["status"] == "circulated"
    old = api.get(f"/api/drafts/{circulated.json()['id']}").json()
    assert old["status"] == "superseded"
    deadline = (T0 + timedelta(days=7)).isoformat()
    silent = api.post(f"/api/drafts/{rev1['id']}/silence", json={"deadline": deadline})
    assert silent.status_code == 200 and silent.json()["status"] == "under_silence"
    app.state.clock = lambda: T0 + timedelta(days=7, seconds=1)
    adopted = api.get(f"/api/drafts/{rev1['id']}", user="observer").json()
    assert adopted["status"] == "adopted" and adopted["adopted_at"]
    late = api.post(
        f"/api/drafts/{rev1['id']}/objections", user="delegate.rus", json={"text": "Too late."}
    )
    assert late.status_code == 409

    comparison = api.get(f"/api/drafts/{circulated.json()['id']}/compare/{rev1['id']}").json()
    changes = {s["section_id"]: s for s in comparison["sections"]}
    assert changes[a["id"]]["change"] == "changed" and "<ins>" in changes[a["id"]]["html"]


def test_breaking_silence_keeps_the_draft_circulated(api: Api, app: FastAPI) -> None:
    app.state.clock = lambda: T0
    draft = api.post(
        "/api/documents/bpg-1540/drafts", json={"label": "Rev.2", "circulate": True}
    ).json()
    api.post(
        f"/api/drafts/{draft['id']}/silence",
        json={"deadline": (T0 + timedelta(days=3)).isoformat()},
    )
    broken = api.post(
        f"/api/drafts/{draft['id']}/objections",
        user="delegate.rus",
        json={"text": "We cannot join consensus on 3.2."},
    )
    assert broken.status_code == 201
    body = broken.json()
    assert body["status"] == "circulated" and body["objections"][0]["delegation"] == "RUS"
    app.state.clock = lambda: T0 + timedelta(days=4)
    assert api.get(f"/api/drafts/{draft['id']}").json()["status"] == "circulated"
    audit = api.get("/api/audit?action=draft.silence_broken", user="coordinator").json()
    assert audit[0]["delegation"] == "RUS"


def test_silence_needs_a_future_deadline_and_a_circulated_draft(api: Api, app: FastAPI) -> None:
    app.state.clock = lambda: T0
    working = api.post("/api/documents/bpg-1540/drafts", json={"label": "W"}).json()
    future = (T0 + timedelta(days=1)).isoformat()
    assert (
        api.post(f"/api/drafts/{working['id']}/silence", json={"deadline": future}).status_code
        == 409
    )
    api.post(f"/api/drafts/{working['id']}/circulate")
    past = (T0 - timedelta(days=1)).isoformat()
    assert (
        api.post(f"/api/drafts/{working['id']}/silence", json={"deadline": past}).status_code == 422
    )


def test_commit_refuses_a_section_that_moved_since_the_preview(
    api: Api, sections: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    a, _ = sections
    p = propose(api, a["id"], "delegate.che", BASE_TEXT.replace("items", "materials"))
    accept(api, p)
    merge = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": [p["id"]]}).json()
    assert merge["clean"] and merge["sections"][0]["merged_body"].endswith("materials.\n")
    prepare_section(api, a["id"], BASE_TEXT + "A chair's edit.\n")
    response = api.post(f"/api/merges/{merge['id']}/commit", json={"label": "Rev.1"})
    assert response.status_code == 409 and "moved" in response.json()["detail"]
    assert api.get(f"/api/proposals/{p['id']}").json()["status"] == "accepted"


def test_only_accepted_proposals_merge(
    api: Api, sections: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    a, _ = sections
    p = propose(api, a["id"], "delegate.che", "Other.\n")
    response = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": [p["id"]]})
    assert response.status_code == 409 and "submitted" in response.json()["detail"]
    forbidden = api.post(
        "/api/documents/bpg-1540/merges", user="delegate.che", json={"proposal_ids": [p["id"]]}
    )
    assert forbidden.status_code == 403


def test_pending_proposals_are_rebased_or_flagged_after_a_merge(
    api: Api, sections: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    a, _ = sections
    merged = propose(api, a["id"], "delegate.che", BASE_TEXT.replace("items", "materials"))
    far = propose(api, a["id"], "delegate.usa", BASE_TEXT.replace("States", "All States"))
    clash = propose(api, a["id"], "delegate.rus", BASE_TEXT.replace("items", "goods"))
    accept(api, merged)
    merge = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": [merged["id"]]})
    assert (
        api.post(f"/api/merges/{merge.json()['id']}/commit", json={"label": "Rev.1"}).status_code
        == 200
    )
    head = api.get(f"/api/sections/{a['id']}").json()["revision"]
    rebased = api.get(f"/api/proposals/{far['id']}").json()
    assert rebased["base_revision"] == head and rebased["version"] == 2
    assert (
        rebased["body"] == "All States should maintain appropriate effective measures "
        "to account for materials.\n"
    )
    assert not rebased["needs_rebase"]
    flagged = api.get(f"/api/proposals/{clash['id']}").json()
    assert flagged["needs_rebase"] and flagged["version"] == 1


def test_structural_proposals_merge(api: Api, guide: dict[str, Any]) -> None:
    chapter = guide["sections"][0]
    doomed = next(s for s in guide["sections"] if s["parent_id"] == chapter["id"])
    add = api.post(
        "/api/documents/bpg-1540/proposals",
        user="delegate.che",
        json={"parent_id": chapter["id"], "title": "Gender perspectives", "body": "New.\n"},
    ).json()
    rev = api.get(f"/api/sections/{doomed['id']}").json()["revision"]
    delete = api.post(
        f"/api/sections/{doomed['id']}/proposals",
        user="delegate.rus",
        json={"kind": "delete", "base_revision": rev},
    ).json()
    accept(api, add, delete)
    merge = api.post(
        "/api/documents/bpg-1540/merges", json={"proposal_ids": [add["id"], delete["id"]]}
    ).json()
    assert merge["clean"] and merge["sections"][0]["deletes_section"]
    assert merge["additions"][0]["title"] == "Gender perspectives"
    draft = api.post(f"/api/merges/{merge['id']}/commit", json={"label": "Rev.1"}).json()
    titles = [s["title"] for s in draft["sections"]]
    assert "Gender perspectives" in titles and doomed["title"] not in titles
    assert api.get(f"/api/sections/{doomed['id']}").status_code == 404


def test_a_proposal_keeps_clean_credit_beside_a_bracketed_conflict(
    api: Api, db_url: str, sections: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    from sqlalchemy import create_engine, text

    a, _ = sections
    usa = propose(
        api,
        a["id"],
        "delegate.usa",
        BASE_TEXT.replace("appropriate ", "").replace("items", "materials"),
    )
    rus = propose(api, a["id"], "delegate.rus", BASE_TEXT.replace("effective ", ""))
    accept(api, usa, rus)
    merge = api.post(
        "/api/documents/bpg-1540/merges", json={"proposal_ids": [usa["id"], rus["id"]]}
    ).json()
    conflict = merge["sections"][0]["conflicts"][0]["id"]
    api.post(
        f"/api/merges/{merge['id']}/commit",
        json={"label": "Rev.1", "resolutions": {conflict: {"bracket": True}}},
    )
    engine = create_engine(db_url)
    with engine.connect() as conn:
        how = dict(conn.execute(text("SELECT proposal_id, how FROM revision_source")).all())
    engine.dispose()
    assert how == {usa["id"]: "clean", rus["id"]: "bracketed"}
