"""Every state change is on the record; the record is for chairs, coordinators, admins."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.helpers import prepare_section, propose


def test_state_changes_are_audited_with_who_and_what(api: Api, guide: dict[str, Any]) -> None:
    section = prepare_section(api, guide["sections"][1]["id"])
    p = propose(api, section["id"], "delegate.usa", "US text.\n")
    api.post(f"/api/proposals/{p['id']}/support", user="delegate.che")
    api.post(f"/api/proposals/{p['id']}/decision", json={"decision": "reject", "note": "No."})
    c = api.post(
        f"/api/sections/{section['id']}/comments", user="delegate.rus", json={"body": "Noted."}
    ).json()
    api.post(f"/api/comments/{c['id']}/resolve", user="chair.esp")
    entries = api.get("/api/audit", user="coordinator").json()
    actions = [e["action"] for e in reversed(entries)]
    assert actions[-6:] == [
        "section.edited",
        "proposal.created",
        "proposal.supported",
        "proposal.rejected",
        "comment.posted",
        "comment.resolved",
    ]
    created = next(e for e in entries if e["action"] == "proposal.created")
    assert created["actor"] == "delegate.usa" and created["delegation"] == "USA"
    assert created["object_type"] == "proposal" and created["object_id"] == str(p["id"])


def test_audit_filters(api: Api, guide: dict[str, Any]) -> None:
    section = prepare_section(api, guide["sections"][1]["id"])
    propose(api, section["id"], "delegate.usa", "US text.\n")
    propose(api, section["id"], "delegate.rus", "RU text.\n")
    rus = api.get("/api/audit?delegation=RUS", user="admin").json()
    assert [e["delegation"] for e in rus] == ["RUS"]
    created = api.get("/api/audit?action=proposal.created", user="chair.blr").json()
    assert len(created) == 2


def test_delegates_and_observers_cannot_read_the_audit_log(api: Api) -> None:
    for user in ("delegate.usa", "observer"):
        response = api.get("/api/audit", user=user)
        assert response.status_code == 403
        assert "may not read audit" in response.json()["detail"]
