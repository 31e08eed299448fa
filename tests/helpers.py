"""Small helpers for tests that drive the API."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.seed import DEMO_PASSWORD
from tests.conftest import Api

BASE_TEXT = "States should maintain appropriate effective measures to account for items.\n"


def prepare_section(api: Api, section_id: int, body: str = BASE_TEXT) -> dict[str, Any]:
    """Give a section a known body through a chair's edit; return the section."""
    current = api.get(f"/api/sections/{section_id}")
    response = api.put(
        f"/api/sections/{section_id}",
        user="chair.esp",
        headers={"If-Match": current.headers["etag"]},
        json={"title": current.json()["title"], "body": body, "message": "test text"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def propose(
    api: Api,
    section_id: int,
    user: str,
    body: str,
    *,
    base: int | None = None,
    rationale: str = "Because.",
    draft: bool = False,
    expect: int = 201,
) -> dict[str, Any]:
    if base is None:
        base = api.get(f"/api/sections/{section_id}").json()["revision"]
    response = api.post(
        f"/api/sections/{section_id}/proposals",
        user=user,
        json={"base_revision": base, "body": body, "rationale": rationale, "draft": draft},
    )
    assert response.status_code == expect, response.text
    return dict(response.json())


def write_lock_is_free(db_url: str) -> bool:
    """On SQLite: could another connection start writing right now? (False while held)."""
    probe = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def sign_in(api: Api, username: str, password: str = DEMO_PASSWORD) -> Any:
    """``POST /api/auth/token`` with a form, as the sign-in screen sends it: the response."""
    return api.client.post("/api/auth/token", data={"username": username, "password": password})


def token_of(api: Api, username: str, password: str = DEMO_PASSWORD) -> str:
    """A fresh bearer token for ``username`` (the sign-in must succeed)."""
    response = sign_in(api, username, password)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def first_subsection(guide: dict[str, Any]) -> dict[str, Any]:
    """The guide's first section that has a parent (a subsection)."""
    return next(s for s in guide["sections"] if s["parent_id"] is not None)
