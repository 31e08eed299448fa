"""Who may do what, as one table: route by user (role and delegation) → status.

The USA delegation owns the proposals and comments under test; RUS is
"another delegation". Each row runs against fresh objects, so one user's
action never changes what the next user sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose

USERS = ("chair.esp", "coordinator", "delegate.usa", "delegate.rus", "observer", "admin")
Case = Callable[[Api, dict[str, Any], str], int]


def _put_section(api: Api, sec: dict[str, Any], user: str) -> int:
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    return int(
        api.put(
            f"/api/sections/{sec['id']}",
            user=user,
            headers={"If-Match": etag},
            json={"title": "T", "body": f"by {user}\n"},
        ).status_code
    )


def _create_section(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(
        api.post(
            "/api/documents/bpg-1540/sections", user=user, json={"title": "New", "body": "x"}
        ).status_code
    )


def _propose(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(
        api.post(
            f"/api/sections/{sec['id']}/proposals",
            user=user,
            json={"base_revision": sec["revision"], "body": "x\n"},
        ).status_code
    )


def _usa_proposal(api: Api, sec: dict[str, Any], draft: bool = False) -> int:
    return int(propose(api, sec["id"], "delegate.usa", BASE_TEXT + "More.\n", draft=draft)["id"])


def _read_draft(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(api.get(f"/api/proposals/{_usa_proposal(api, sec, True)}", user=user).status_code)


def _on_proposal(path: str, payload: dict[str, Any] | None = None) -> Case:
    def case(api: Api, sec: dict[str, Any], user: str) -> int:
        pid = _usa_proposal(api, sec)
        return int(api.post(f"/api/proposals/{pid}/{path}", user=user, json=payload).status_code)

    return case


def _usa_comment(api: Api, sec: dict[str, Any]) -> int:
    return int(
        api.post(
            f"/api/sections/{sec['id']}/comments", user="delegate.usa", json={"body": "US view."}
        ).json()["id"]
    )


def _edit_comment(api: Api, sec: dict[str, Any], user: str) -> int:
    cid = _usa_comment(api, sec)
    return int(api.patch(f"/api/comments/{cid}", user=user, json={"body": "x"}).status_code)


def _delete_comment(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(api.delete(f"/api/comments/{_usa_comment(api, sec)}", user=user).status_code)


def _comment(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(
        api.post(f"/api/sections/{sec['id']}/comments", user=user, json={"body": "x"}).status_code
    )


def _audit(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(api.get("/api/audit", user=user).status_code)


def _read_section(api: Api, sec: dict[str, Any], user: str) -> int:
    return int(api.get(f"/api/sections/{sec['id']}", user=user).status_code)


#                         chair  coord  usa  rus  observer admin
TABLE: dict[str, tuple[Case, tuple[int, ...]]] = {
    "read section": (_read_section, (200, 200, 200, 200, 200, 200)),
    "edit section": (_put_section, (200, 403, 403, 403, 403, 403)),
    "create section": (_create_section, (201, 403, 403, 403, 403, 403)),
    "propose": (_propose, (201, 403, 201, 201, 403, 403)),
    "read USA draft": (_read_draft, (404, 404, 200, 404, 404, 404)),
    "revise USA proposal": (
        _on_proposal("revise", {"body": "y\n"}),
        (403, 403, 200, 403, 403, 403),
    ),
    "withdraw USA proposal": (_on_proposal("withdraw"), (403, 403, 200, 403, 403, 403)),
    "support USA proposal": (_on_proposal("support"), (200, 403, 409, 200, 403, 403)),
    "decide USA proposal": (
        _on_proposal("decision", {"decision": "accept"}),
        (200, 403, 403, 403, 403, 403),
    ),
    "comment": (_comment, (201, 201, 201, 201, 403, 201)),
    "edit USA comment": (_edit_comment, (403, 403, 200, 403, 403, 403)),
    "delete USA comment": (_delete_comment, (403, 403, 200, 403, 403, 403)),
    "read audit log": (_audit, (200, 200, 403, 403, 403, 200)),
}


@pytest.mark.parametrize("action", list(TABLE))
def test_authorization_table(api: Api, guide: dict[str, Any], action: str) -> None:
    section = prepare_section(api, guide["sections"][1]["id"])
    case, expected = TABLE[action]
    got = {}
    for user in USERS:
        sec = api.get(f"/api/sections/{section['id']}").json()
        got[user] = case(api, sec, user)
    assert got == dict(zip(USERS, expected, strict=True))


PUBLIC_ROUTES = {("get", "/api/health"), ("get", "/api/ready"), ("post", "/api/auth/token")}


def _operations(api: Api) -> list[tuple[str, str]]:
    schema = api.client.app.openapi()
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_every_route_but_health_and_sign_in_needs_a_token(api: Api) -> None:
    operations = _operations(api)
    assert len(operations) > 60
    for method, path in operations:
        url = path.format_map(defaultdict(lambda: "1"))
        response = api.client.request(method, url)
        expected = 200 if (method, path) in PUBLIC_ROUTES else 401
        if (method, path) == ("post", "/api/auth/token"):
            expected = 422  # the form fields are missing
        assert response.status_code == expected, (method, path, response.text)


@pytest.mark.parametrize("user", [u for u in USERS if u != "admin"])
def test_every_admin_route_refuses_other_roles(api: Api, user: str) -> None:
    for method, path in _operations(api):
        if path.startswith("/api/admin"):
            url = path.format_map(defaultdict(lambda: "1"))
            response = api.client.request(method, url, headers=api.headers(user), json={})
            assert response.status_code == 403, (user, method, path, response.text)
