"""Schemathesis over the OpenAPI schema: no server error, no response that breaks it.

The schema is loaded from a module-level app whose database is swapped, per
test, for a fresh seeded one; requests are signed in as a chair (the widest
write access). A bounded, derandomised number of examples per operation
keeps CI fast and repeatable. Streams and file downloads have their own tests.

The checks are DESIGN's bar: no server error and no response that breaks
the schema. Schemathesis's positive-data check is left out because a missing
``If-Match`` is a deliberate 428, and its Allow-header check because
Starlette answers 405 from the first route matching a path.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db import Database
from app.main import create_app
from tests.dbs import TemplateDB, settings_for

APP = create_app(settings_for("sqlite://"))
SKIP = r"/api/(events|drafts/\{draft_id\}/(export|compilation|import)|sections/.*/import)"
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path_regex=SKIP)


@pytest.fixture(autouse=True)
def fresh_database(db_url: str) -> Iterator[None]:
    previous = APP.state.database
    APP.state.settings = settings_for(db_url)
    APP.state.database = Database(APP.state.settings)
    yield
    APP.state.database.dispose()
    APP.state.database = previous


@pytest.fixture
def chair_token(template: TemplateDB) -> str:
    return template.tokens["chair.esp"]


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, chair_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {chair_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
        ],
    )
