"""Concurrent edits against a real server: optimistic locking holds under load."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx

from tests.dbs import TemplateDB
from tests.live import live_server

WRITERS = 16


def test_exactly_one_of_concurrent_puts_with_same_if_match_wins(
    template: TemplateDB, db_url: str
) -> None:
    auth = {"Authorization": f"Bearer {template.tokens['chair.esp']}"}
    with live_server(db_url) as base:
        doc = httpx.get(f"{base}/api/documents/bpg-1540", headers=auth).json()
        section_id = doc["sections"][1]["id"]
        current = httpx.get(f"{base}/api/sections/{section_id}", headers=auth)
        etag, title = current.headers["etag"], current.json()["title"]
        barrier = Barrier(WRITERS)

        def edit(i: int) -> int:
            with httpx.Client(base_url=base, timeout=60) as client:
                barrier.wait()
                return client.put(
                    f"/api/sections/{section_id}",
                    headers=auth | {"If-Match": etag},
                    json={"title": title, "body": f"Edit number {i}.\n", "message": str(i)},
                ).status_code

        with ThreadPoolExecutor(WRITERS) as pool:
            codes = list(pool.map(edit, range(WRITERS)))
        history = httpx.get(f"{base}/api/sections/{section_id}/revisions", headers=auth).json()

    assert sorted(codes) == [200] + [412] * (WRITERS - 1), codes
    assert [r["number"] for r in history] == [1, 2]
