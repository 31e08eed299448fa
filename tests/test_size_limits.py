"""Every request that diffs or merges refuses input beyond what the algorithms bound.

Each limit answers 413 or 422 with a ``detail`` naming it, before any diff or
merge runs: the engines are replaced by ones that fail the test if called.
That the engines stay within their budget *at* the limit is measured by
``make bench`` (``bench_sizes``), not asserted here.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.config import MAX_SECTION_CHARS
from app.core import merge as merge_engine
from app.core import redline as redline_engine
from app.documents import router as documents_router
from app.proposals import router as proposals_router
from app.proposals import views as proposal_views
from tests.conftest import Api
from tests.helpers import first_subsection

OVER = "word " * (MAX_SECTION_CHARS // 5) + "x"  # one character past the limit


@pytest.fixture
def engines_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("an oversized request reached the diff or merge engine")

    for module, name in (
        (redline_engine, "redline_html"),
        (proposals_router, "redline_html"),
        (proposal_views, "redline_html"),
        (documents_router, "redline_html"),
        (merge_engine, "merge"),
    ):
        monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(merge_engine.HUNKS, "get", refuse)


def _detail(response: Any) -> str:
    return str(response.json()["detail"])


@pytest.mark.usefixtures("engines_must_not_run")
def test_a_redline_preview_past_the_section_limit_is_422(api: Api) -> None:
    for body in ({"old": OVER, "new": "a"}, {"old": "a", "new": OVER}):
        response = api.post("/api/redline", user="delegate.usa", json=body)
        assert response.status_code == 422
        assert "200000" in _detail(response)


@pytest.mark.usefixtures("engines_must_not_run")
def test_a_proposal_past_the_section_limit_is_413(api: Api, guide: dict[str, Any]) -> None:
    section = first_subsection(guide)
    current = api.get(f"/api/sections/{section['id']}").json()
    response = api.post(
        f"/api/sections/{section['id']}/proposals",
        user="delegate.usa",
        json={"base_revision": current["revision"], "body": OVER},
    )
    assert response.status_code == 413
    assert "200000 characters" in _detail(response)


@pytest.mark.usefixtures("engines_must_not_run")
def test_a_merge_compromise_past_the_section_limit_is_422(api: Api) -> None:
    response = api.post(
        "/api/merges/1/commit",
        user="chair.esp",
        json={"label": "Rev.1", "resolutions": {"1:0": {"text": OVER}}},
    )
    assert response.status_code == 422
    assert "200000" in _detail(response)


def test_settings_may_lower_the_section_limit_but_not_raise_it() -> None:
    from pydantic import ValidationError

    from app.config import Settings

    assert Settings(max_section_chars=5_000).max_section_chars == 5_000
    with pytest.raises(ValidationError):
        Settings(max_section_chars=MAX_SECTION_CHARS + 1)
