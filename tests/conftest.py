"""Fixtures: a fresh migrated database per test, an app on it, signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from tests.dbs import TemplateDB, build_template, drop_template, settings_for


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """xdist's worker id, also when the suite runs with ``-p no:xdist``."""
    workerinput = getattr(request.config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "master"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[TemplateDB]:
    tmpl = build_template(tmp_path_factory.mktemp("template"), worker_id)
    yield tmpl
    drop_template(tmpl)


@pytest.fixture
def db_url(template: TemplateDB, tmp_path: Path) -> Iterator[str]:
    url = template.fresh(tmp_path)
    yield url
    template.drop(url)


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    application = create_app(settings_for(db_url))
    yield application
    application.state.database.dispose()


class Api:
    """A TestClient that signs requests as one of the demo users."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def headers(self, user: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return headers

    def get(self, url: str, user: str | None = "observer", **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(user, kw.pop("headers", None)), **kw)

    def post(self, url: str, user: str | None = "chair.esp", **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers(user, kw.pop("headers", None)), **kw)

    def put(self, url: str, user: str | None = "chair.esp", **kw: Any) -> Any:
        return self.client.put(url, headers=self.headers(user, kw.pop("headers", None)), **kw)

    def patch(self, url: str, user: str | None = "chair.esp", **kw: Any) -> Any:
        return self.client.patch(url, headers=self.headers(user, kw.pop("headers", None)), **kw)

    def delete(self, url: str, user: str | None = "chair.esp", **kw: Any) -> Any:
        return self.client.delete(url, headers=self.headers(user, kw.pop("headers", None)), **kw)


@pytest.fixture
def api(app: FastAPI, template: TemplateDB) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client, template.tokens)


@pytest.fixture
def guide(api: Api) -> dict[str, Any]:
    """The seeded guide as ``GET /api/documents/bpg-1540`` returns it."""
    response = api.get("/api/documents/bpg-1540")
    assert response.status_code == 200
    return dict(response.json())
