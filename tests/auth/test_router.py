"""Sign-in and bearer tokens."""

from __future__ import annotations

from tests.conftest import Api


def test_health_needs_no_token(api: Api) -> None:
    response = api.get("/api/health", user=None)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_returns_a_bearer_token_that_works(api: Api) -> None:
    response = api.client.post(
        "/api/auth/token", data={"username": "delegate.usa", "password": "compendium-demo"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["delegation"] == "USA"
    assert me.json()["role"] == "delegate"


def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    wrong = api.client.post("/api/auth/token", data={"username": "admin", "password": "nope"})
    unknown = api.client.post("/api/auth/token", data={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Incorrect username or password"}


def test_routes_refuse_missing_and_forged_tokens(api: Api) -> None:
    assert api.get("/api/documents", user=None).status_code == 401
    forged = api.client.get("/api/documents", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401
    assert forged.json() == {"detail": "Invalid or expired token"}
    assert forged.headers["www-authenticate"] == "Bearer"


def test_login_form_fields_are_required(api: Api) -> None:
    response = api.client.post("/api/auth/token", data={"username": "admin"})
    assert response.status_code == 422
    assert "detail" in response.json()
