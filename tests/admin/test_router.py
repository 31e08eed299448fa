"""Administrators manage users, tokens and delegations; nobody else may.

Access is taken away at once: a deactivated user's tokens, the tokens of a
user whose password was reset or whose role changed, and a revoked token
answer 401 on their very next request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.auth.service import hash_password
from app.seed import DEMO_PASSWORD
from tests.conftest import Api
from tests.helpers import bearer, sign_in, token_of

PASSWORD = DEMO_PASSWORD
OTHER_ROLES = (
    "chair.esp",
    "chair.blr",
    "delegate.usa",
    "delegate.che",
    "delegate.rus",
    "delegate.cpc",
    "coordinator",
    "observer",
)
NEW_USER = {
    "username": "delegate.arm",
    "display_name": "Delegate of Armenia",
    "delegation": "ARM",
    "role": "delegate",
    "password": "armenia-passphrase",
}
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/admin/users", None),
    ("POST", "/api/admin/users", NEW_USER),
    ("PATCH", "/api/admin/users/3", {"display_name": "X"}),
    ("POST", "/api/admin/users/3/deactivate", None),
    ("POST", "/api/admin/users/3/reactivate", None),
    ("POST", "/api/admin/users/3/password", {"password": "another-passphrase"}),
    ("GET", "/api/admin/users/3/tokens", None),
    ("POST", "/api/admin/users/3/tokens/revoke", None),
    ("POST", "/api/admin/tokens/1/revoke", None),
    ("GET", "/api/admin/delegations", None),
    ("POST", "/api/admin/delegations", {"code": "XK", "name": "Kosovo", "kind": "state"}),
    ("PATCH", "/api/admin/delegations/USA", {"name": "United States"}),
]


def me(api: Api, token: str) -> int:
    return int(api.client.get("/api/auth/me", headers=bearer(token)).status_code)


def user_id(api: Api, username: str) -> int:
    users = api.get("/api/admin/users", user="admin").json()
    return int(next(u["id"] for u in users if u["username"] == username))


def audit(api: Api, action: str) -> list[dict[str, Any]]:
    response = api.get(f"/api/audit?action={action}", user="admin")
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_every_admin_route_is_refused_to_other_roles_and_to_anonymous_callers(
    api: Api, method: str, url: str, body: dict[str, Any] | None
) -> None:
    for user in OTHER_ROLES:
        response = api.client.request(method, url, headers=api.headers(user), json=body)
        assert response.status_code == 403, (user, response.text)
        assert "manage users" in response.json()["detail"]
    anonymous = api.client.request(method, url, json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"


def test_admin_creates_a_user_who_can_then_sign_in(api: Api) -> None:
    response = api.post("/api/admin/users", user="admin", json=NEW_USER)
    assert response.status_code == 201, response.text
    created = response.json()
    assert {k: created[k] for k in ("username", "display_name", "delegation", "role")} == {
        "username": "delegate.arm",
        "display_name": "Delegate of Armenia",
        "delegation": "ARM",
        "role": "delegate",
    }
    assert created["is_active"] is True and created["live_tokens"] == 0
    assert "armenia-passphrase" not in str(created) and "password_hash" not in created
    token = token_of(api, "delegate.arm", "armenia-passphrase")
    mine = api.client.get("/api/auth/me", headers=bearer(token)).json()
    assert mine["delegation"] == "ARM" and mine["role"] == "delegate"
    assert api.get("/api/admin/users?delegation=ARM", user="admin").json()[0]["live_tokens"] == 1


def test_display_name_defaults_to_the_username(api: Api) -> None:
    payload = {k: v for k, v in NEW_USER.items() if k != "display_name"}
    assert api.post("/api/admin/users", user="admin", json=payload).json()["display_name"] == (
        "delegate.arm"
    )


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"username": "delegate.usa"}, 409, "already exists"),
        ({"delegation": "XYZ"}, 404, "no delegation"),
        ({"password": "short"}, 422, "password"),
        ({"password": "x" * 257}, 422, "password"),
        ({"role": "emperor"}, 422, "role"),
        ({"username": "Has Spaces"}, 422, "username"),
        ({"display_name": None}, 422, "display_name"),
        ({"delegation": "usa"}, 422, "delegation"),
        ({"is_active": False}, 422, "is_active"),
    ],
)
def test_user_creation_refuses_taken_names_unknown_delegations_and_bad_input(
    api: Api, change: dict[str, Any], status: int, detail: str
) -> None:
    response = api.post("/api/admin/users", user="admin", json=NEW_USER | change)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


def test_user_list_filters_by_delegation_and_activity(api: Api) -> None:
    everyone = api.get("/api/admin/users", user="admin").json()
    assert {u["username"] for u in everyone} >= {"admin", "observer", "delegate.rus"}
    cpc = api.get("/api/admin/users?delegation=CPC", user="admin").json()
    assert sorted(u["username"] for u in cpc) == ["admin", "coordinator", "delegate.cpc"]
    assert all(u["live_tokens"] == 1 for u in cpc)  # the test fixture's token each
    rus = user_id(api, "delegate.rus")
    api.post(f"/api/admin/users/{rus}/deactivate", user="admin")
    inactive = api.get("/api/admin/users?active=false", user="admin").json()
    assert [u["username"] for u in inactive] == ["delegate.rus"]
    assert inactive[0]["live_tokens"] == 0 and inactive[0]["actions"][0] == "reactivate"
    active = api.get("/api/admin/users?active=true", user="admin").json()
    assert "delegate.rus" not in {u["username"] for u in active}
    assert api.get("/api/admin/users?delegation=NONE", user="admin").json() == []


def test_deactivation_ends_every_token_at_once_and_refuses_sign_in(api: Api) -> None:
    fresh = token_of(api, "delegate.rus")
    rus = user_id(api, "delegate.rus")
    response = api.post(f"/api/admin/users/{rus}/deactivate", user="admin")
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False and response.json()["live_tokens"] == 0
    assert api.get("/api/documents", user="delegate.rus").status_code == 401
    assert me(api, fresh) == 401
    assert sign_in(api, "delegate.rus").status_code == 401
    again = api.post(f"/api/admin/users/{rus}/deactivate", user="admin")
    assert again.status_code == 409 and "already inactive" in again.json()["detail"]


def test_reactivation_allows_sign_in_again_but_old_tokens_stay_dead(api: Api) -> None:
    old = token_of(api, "delegate.rus")
    rus = user_id(api, "delegate.rus")
    api.post(f"/api/admin/users/{rus}/deactivate", user="admin")
    response = api.post(f"/api/admin/users/{rus}/reactivate", user="admin")
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert me(api, old) == 401
    assert api.get("/api/documents", user="delegate.rus").status_code == 401
    assert me(api, token_of(api, "delegate.rus")) == 200
    again = api.post(f"/api/admin/users/{rus}/reactivate", user="admin")
    assert again.status_code == 409 and "already active" in again.json()["detail"]


def test_an_admin_cannot_deactivate_themself_nor_change_their_own_role(api: Api) -> None:
    me_id = user_id(api, "admin")
    listed = next(u for u in api.get("/api/admin/users", user="admin").json() if u["id"] == me_id)
    assert "deactivate" not in listed["actions"]
    response = api.post(f"/api/admin/users/{me_id}/deactivate", user="admin")
    assert response.status_code == 409
    assert "cannot deactivate your own account" in response.json()["detail"]
    demote = api.patch(f"/api/admin/users/{me_id}", user="admin", json={"role": "observer"})
    assert demote.status_code == 409 and "your own role" in demote.json()["detail"]
    assert api.get("/api/admin/users", user="admin").status_code == 200


def test_password_reset_ends_old_tokens_and_the_new_password_signs_in(api: Api) -> None:
    che = user_id(api, "delegate.che")
    other = token_of(api, "delegate.che")
    response = api.post(
        f"/api/admin/users/{che}/password", user="admin", json={"password": "reset-by-admin"}
    )
    assert response.status_code == 204, response.text
    assert me(api, other) == 401
    assert api.get("/api/documents", user="delegate.che").status_code == 401
    assert sign_in(api, "delegate.che").status_code == 401
    assert me(api, token_of(api, "delegate.che", "reset-by-admin")) == 200
    weak = api.post(f"/api/admin/users/{che}/password", user="admin", json={"password": "weak"})
    assert weak.status_code == 422
    missing = api.post("/api/admin/users/999999/password", user="admin", json={"password": "x" * 9})
    assert missing.status_code == 404


def test_token_list_gives_each_tokens_state_and_never_its_value(api: Api, db_url: str) -> None:
    usa = user_id(api, "delegate.usa")
    tokens = [token_of(api, "delegate.usa") for _ in range(3)]
    api.client.post("/api/auth/logout", headers=bearer(tokens[0]))
    middle = api.get(f"/api/admin/users/{usa}/tokens", user="admin").json()[1]["id"]
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE access_token SET expires_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(hours=1), "id": middle},
        )
    engine.dispose()
    response = api.get(f"/api/admin/users/{usa}/tokens", user="admin")
    assert response.status_code == 200
    listed = response.json()
    assert [t["state"] for t in listed] == ["live", "expired", "revoked", "live"]
    assert set(listed[0]) == {"id", "created_at", "expires_at", "revoked_at", "state"}
    for secret in [*tokens, api.tokens["delegate.usa"]]:
        assert secret not in response.text


def test_tokens_issued_under_an_older_password_are_superseded(api: Api, db_url: str) -> None:
    obs = user_id(api, "observer")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE user_account SET password_hash = :h WHERE username = 'observer'"),
            {"h": hash_password("set-by-an-operator")},
        )
    engine.dispose()
    listed = api.get(f"/api/admin/users/{obs}/tokens", user="admin").json()
    assert [t["state"] for t in listed] == ["superseded"]


def test_revoking_one_token_ends_only_that_session(api: Api) -> None:
    usa = user_id(api, "delegate.usa")
    kept, ended = token_of(api, "delegate.usa"), token_of(api, "delegate.usa")
    newest = api.get(f"/api/admin/users/{usa}/tokens", user="admin").json()[0]["id"]
    response = api.post(f"/api/admin/tokens/{newest}/revoke", user="admin")
    assert response.status_code == 204 and response.content == b""
    assert me(api, ended) == 401 and me(api, kept) == 200
    again = api.post(f"/api/admin/tokens/{newest}/revoke", user="admin")
    assert again.status_code == 409 and "already revoked" in again.json()["detail"]
    assert api.post("/api/admin/tokens/999999/revoke", user="admin").status_code == 404
    entries = audit(api, "admin.token_revoked")
    assert entries[0]["data"] == {"username": "delegate.usa", "token_id": newest}


def test_sign_out_everywhere_revokes_every_live_token(api: Api) -> None:
    cpc = user_id(api, "delegate.cpc")
    tokens = [token_of(api, "delegate.cpc") for _ in range(2)]
    response = api.post(f"/api/admin/users/{cpc}/tokens/revoke", user="admin")
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert all(me(api, t) == 401 for t in tokens)
    assert api.post(f"/api/admin/users/{cpc}/tokens/revoke", user="admin").json() == {"revoked": 0}
    assert me(api, token_of(api, "delegate.cpc")) == 200  # the password still works


def test_a_new_role_or_delegation_revokes_tokens_and_a_new_name_does_not(api: Api) -> None:
    usa = user_id(api, "delegate.usa")
    renamed = api.patch(f"/api/admin/users/{usa}", user="admin", json={"display_name": "Jane"})
    assert renamed.status_code == 200 and renamed.json()["display_name"] == "Jane"
    assert api.get("/api/documents", user="delegate.usa").status_code == 200
    promoted = api.patch(f"/api/admin/users/{usa}", user="admin", json={"role": "observer"})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "observer" and promoted.json()["live_tokens"] == 0
    assert api.get("/api/documents", user="delegate.usa").status_code == 401
    fresh = token_of(api, "delegate.usa")
    moved = api.patch(f"/api/admin/users/{usa}", user="admin", json={"delegation": "CAN"})
    assert moved.status_code == 200 and moved.json()["delegation"] == "CAN"
    assert me(api, fresh) == 401
    entries = audit(api, "admin.user_updated")
    assert [e["data"]["changes"] for e in entries] == [
        {"delegation": ["USA", "CAN"]},
        {"role": ["delegate", "observer"]},
        {"display_name": ["Delegate of the United States", "Jane"]},
    ]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"role": None}, 422),
        ({"display_name": None}, 422),
        ({"delegation": None}, 422),
        ({"display_name": "   "}, 422),
        ({"username": "renamed"}, 422),
        ({"delegation": "NONE"}, 404),
        ({}, 200),
    ],
)
def test_user_update_refuses_nulls_unknown_fields_and_delegations(
    api: Api, payload: dict[str, Any], status: int
) -> None:
    usa = user_id(api, "delegate.usa")
    response = api.patch(f"/api/admin/users/{usa}", user="admin", json=payload)
    assert response.status_code == status, response.text
    assert api.patch("/api/admin/users/999999", user="admin", json={}).status_code == 404


def test_every_admin_action_is_audited_without_any_password(api: Api) -> None:
    created = api.post("/api/admin/users", user="admin", json=NEW_USER).json()
    uid = created["id"]
    api.patch(f"/api/admin/users/{uid}", user="admin", json={"role": "observer"})
    api.post(f"/api/admin/users/{uid}/password", user="admin", json={"password": "second-secret"})
    api.post(f"/api/admin/users/{uid}/deactivate", user="admin")
    api.post(f"/api/admin/users/{uid}/reactivate", user="admin")
    api.post(f"/api/admin/users/{uid}/tokens/revoke", user="admin")
    api.post(
        "/api/admin/delegations", user="admin", json={"code": "XK", "name": "K", "kind": "state"}
    )
    api.patch("/api/admin/delegations/XK", user="admin", json={"name": "Kosovo"})
    for action in (
        "user_created",
        "user_updated",
        "password_reset",
        "user_deactivated",
        "user_reactivated",
        "tokens_revoked",
    ):
        entries = audit(api, f"admin.{action}")
        assert len(entries) == 1, action
        entry = entries[0]
        assert (entry["actor"], entry["object_type"], entry["object_id"]) == (
            "admin",
            "user",
            str(uid),
        )
        assert entry["data"]["username"] == "delegate.arm"
        for secret in ("armenia-passphrase", "second-secret", "argon2"):
            assert secret not in str(entry)
    for action in ("delegation_created", "delegation_updated"):
        entries = audit(api, f"admin.{action}")
        assert [(e["object_type"], e["object_id"]) for e in entries] == [("delegation", "XK")]


def test_delegations_list_their_members(api: Api) -> None:
    response = api.get("/api/admin/delegations", user="admin")
    assert response.status_code == 200
    by_code = {d["code"]: d for d in response.json()}
    assert len(by_code) == 59
    assert by_code["CPC"] == {
        "code": "CPC",
        "name": by_code["CPC"]["name"],
        "kind": "organisation",
        "members": 3,
        "active_members": 3,
    }
    assert by_code["USA"]["kind"] == "state" and by_code["ARM"]["members"] == 0


def test_admin_adds_a_delegation_and_users_to_it(api: Api) -> None:
    payload = {"code": "XK", "name": "Kosovo", "kind": "state"}
    response = api.post("/api/admin/delegations", user="admin", json=payload)
    assert response.status_code == 201, response.text
    assert response.json() == payload | {"members": 0, "active_members": 0}
    added = api.post("/api/admin/users", user="admin", json=NEW_USER | {"delegation": "XK"})
    assert added.status_code == 201
    taken = api.post("/api/admin/delegations", user="admin", json=payload | {"name": "Other"})
    assert taken.status_code == 409 and "already exists" in taken.json()["detail"]
    listed = {d["code"]: d for d in api.get("/api/admin/delegations", user="admin").json()}
    assert listed["XK"]["members"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"code": "X"},
        {"code": "TOOLONGXX"},
        {"code": "usa2"},
        {"code": "AB-C"},
        {"code": "ÄÖ"},
        {"name": ""},
        {"name": "  "},
        {"name": "x" * 121},
        {"kind": "club"},
        {"kind": None},
        {"extra": 1},
    ],
)
def test_delegation_creation_validates_code_name_and_kind(api: Api, change: dict[str, Any]) -> None:
    payload = {"code": "XK", "name": "Kosovo", "kind": "state"} | change
    response = api.post("/api/admin/delegations", user="admin", json=payload)
    assert response.status_code == 422, response.text


def test_admin_renames_and_reclassifies_a_delegation(api: Api) -> None:
    response = api.patch(
        "/api/admin/delegations/1540C", user="admin", json={"name": "Experts of the 1540 Committee"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Experts of the 1540 Committee"
    assert response.json()["members"] == 1
    kind = api.patch("/api/admin/delegations/1540C", user="admin", json={"kind": "state"})
    assert kind.json()["kind"] == "state"
    for payload in ({"name": None}, {"kind": None}, {"code": "XX"}, {"name": ""}):
        refused = api.patch("/api/admin/delegations/1540C", user="admin", json=payload)
        assert refused.status_code == 422, payload
    assert api.patch("/api/admin/delegations/NONE", user="admin", json={}).status_code == 404
    assert api.patch("/api/admin/delegations/bad!", user="admin", json={}).status_code == 422
    entries = audit(api, "admin.delegation_updated")
    assert [e["data"]["changes"] for e in entries] == [
        {"kind": ["organisation", "state"]},
        {"name": ["1540 Committee experts", "Experts of the 1540 Committee"]},
    ]
