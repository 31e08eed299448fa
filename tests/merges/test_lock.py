"""A merge preview merges in a read-only session: other writers are not held up meanwhile."""

from __future__ import annotations

from typing import Any

import pytest

from app.merges import service
from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose, write_lock_is_free


def test_the_merge_runs_before_the_write_transaction_opens(
    api: Api, guide: dict[str, Any], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    section_id = guide["sections"][2]["id"]
    prepare_section(api, section_id)
    p = propose(api, section_id, "delegate.usa", BASE_TEXT.replace("appropriate ", ""))
    assert api.post(f"/api/proposals/{p['id']}/decision", json={"decision": "accept"}).is_success
    seen: list[bool] = []
    real = service.plan_merge

    def plan_while_probing(**kwargs: Any) -> Any:
        seen.append(write_lock_is_free(db_url))
        return real(**kwargs)

    monkeypatch.setattr(service, "plan_merge", plan_while_probing)
    preview = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": [p["id"]]})
    assert preview.status_code == 201, preview.text
    assert preview.json()["proposal_ids"] == [p["id"]] and preview.json()["clean"]
    assert seen == [True]
