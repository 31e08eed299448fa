"""Seeding state through the HTTP API for browser tests."""

from __future__ import annotations

from typing import Any

import httpx


class ApiClient:
    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens

    def call(self, method: str, path: str, user: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} | kw.pop("headers", {})
        response = httpx.request(
            method, f"{self.base}/api{path}", headers=headers, timeout=10, **kw
        )
        assert response.status_code < 400, (response.status_code, response.text)
        return response.json() if response.content else None

    def section(self, section_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/sections/{section_id}", "observer"))

    def propose(self, section_id: int, user: str, body: str, **extra: Any) -> dict[str, Any]:
        base = self.section(section_id)["revision"]
        payload = {"base_revision": base, "body": body, "rationale": f"Rationale of {user}"} | extra
        return dict(self.call("POST", f"/sections/{section_id}/proposals", user, json=payload))

    def replace_first_sentence(self, section_id: int, new: str) -> str:
        body = str(self.section(section_id)["body"])
        _first, _, rest = body.partition(". ")
        return f"{new}. {rest}"
