"""Access can be taken away: sign-out, password change, tokens under a changed password."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from app.auth.service import hash_password
from app.seed import DEMO_PASSWORD
from tests.conftest import Api
from tests.helpers import bearer, token_of

PASSWORD = DEMO_PASSWORD


def me(api: Api, token: str) -> Any:
    return api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_sign_out_revokes_only_this_token(api: Api) -> None:
    one, two = token_of(api, "delegate.che"), token_of(api, "delegate.che")
    assert api.client.post("/api/auth/logout", headers=bearer(one)).status_code == 204
    assert me(api, one).status_code == 401
    assert me(api, two).status_code == 200
    assert api.client.post("/api/auth/logout", headers=bearer(one)).status_code == 401


def test_password_change_keeps_this_session_and_ends_the_others(api: Api) -> None:
    here, elsewhere = token_of(api, "delegate.rus"), token_of(api, "delegate.rus")
    response = api.client.post(
        "/api/auth/password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "a-new-passphrase"},
    )
    assert response.status_code == 204, response.text
    assert me(api, here).status_code == 200
    assert me(api, elsewhere).status_code == 401
    assert token_of(api, "delegate.rus", "a-new-passphrase")
    old = api.client.post(
        "/api/auth/token", data={"username": "delegate.rus", "password": PASSWORD}
    )
    assert old.status_code == 401
    entries = api.get("/api/audit?action=auth.password_changed", user="admin").json()
    assert [e["actor"] for e in entries] == ["delegate.rus"]
    assert "a-new-passphrase" not in str(entries)


def test_password_change_needs_the_current_password_and_a_real_change(api: Api) -> None:
    token = token_of(api, "delegate.cpc")
    for payload, status, detail in [
        ({"current_password": "wrong", "new_password": "long-enough-1"}, 403, "not correct"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, 422, "same"),
        ({"current_password": PASSWORD, "new_password": "short"}, 422, "new_password"),
        ({"current_password": PASSWORD}, 422, "new_password"),
    ]:
        response = api.client.post("/api/auth/password", headers=bearer(token), json=payload)
        assert response.status_code == status, response.text
        assert detail in response.json()["detail"]
    assert me(api, token).status_code == 200  # a wrong current password signs nobody out


def test_a_password_changed_in_the_database_invalidates_old_tokens(api: Api, db_url: str) -> None:
    token = token_of(api, "observer")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE user_account SET password_hash = :h WHERE username = 'observer'"),
            {"h": hash_password("set-by-an-operator")},
        )
    engine.dispose()
    assert me(api, token).status_code == 401
    assert me(api, token_of(api, "observer", "set-by-an-operator")).status_code == 200


def test_me_says_what_the_role_may_do(api: Api) -> None:
    admin = api.get("/api/auth/me", user="admin").json()["permissions"]
    observer = api.get("/api/auth/me", user="observer").json()["permissions"]
    assert "manage_users" in admin and "manage_users" not in observer
    assert "read" in observer and "propose" not in observer


def test_account_activity_is_for_admins_only(api: Api) -> None:
    api.client.post("/api/auth/token", data={"username": "delegate.che", "password": "wrong"})
    assert api.post("/api/auth/logout", user="delegate.cpc").status_code == 204
    assert len(api.get("/api/audit?limit=1000", user="admin").json()) >= 2
    for reader in ("chair.esp", "coordinator"):
        actions = [e["action"] for e in api.get("/api/audit?limit=1000", user=reader).json()]
        assert not [a for a in actions if a.startswith(("auth.", "admin."))], reader
