"""Hostile input: non-finite numbers, lone surrogates and explicit nulls are 4xx, never 500.

Python's ``json`` module reads ``NaN``, ``Infinity`` and ``"\\ud800"`` (a lone
surrogate) although they are not JSON text anyone can write back: Starlette's
``JSONResponse`` refuses NaN and UTF-8 cannot encode a lone surrogate. Each such
value must come back as a readable 422 rather than a 500 from the error handler
that echoes it, or from the database that cannot store it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInput, install_error_handler
from app.main import _integrity_conflict
from app.schemas import InputModel
from tests.conftest import Api
from tests.helpers import prepare_section, propose

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NAN, INF = float("nan"), float("inf")

# Raw JSON tokens Python's json.loads accepts but no JSON encoder writes back.
HOSTILE_VALUES = {
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "lone-surrogate": '"a\\ud800b"',
    "low-surrogate": '"\\udfff"',
}


def raw_object(names: list[str], token: str) -> bytes:
    """``{"name": <token>, …}`` with ``token`` written as is."""
    return ("{" + ", ".join(f"{json.dumps(n)}: {token}" for n in names) + "}").encode()


@pytest.fixture
def ids(api: Api, guide: dict[str, Any]) -> dict[str, Any]:
    """A real object of every kind a JSON route's path can name."""
    section = prepare_section(api, guide["sections"][1]["id"])
    proposal = propose(api, section["id"], "delegate.usa", "US text.\n")
    accepted = propose(api, section["id"], "delegate.che", "Swiss text.\n")
    decided = api.post(f"/api/proposals/{accepted['id']}/decision", json={"decision": "accept"})
    assert decided.status_code == 200, decided.text
    merge = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": [accepted["id"]]})
    assert merge.status_code == 201, merge.text
    comment = api.post(f"/api/sections/{section['id']}/comments", json={"body": "A comment."})
    assert comment.status_code == 201, comment.text
    draft = api.post("/api/documents/bpg-1540/drafts", json={"label": "Draft 1"})
    assert draft.status_code == 201, draft.text
    meeting = api.post(
        "/api/documents/bpg-1540/meetings",
        json={"title": "IGF", "starts_on": "2021-04-27", "format": "online", "agenda": "1."},
    )
    assert meeting.status_code == 201, meeting.text
    return {
        "slug": "bpg-1540",
        "section_id": section["id"],
        "proposal_id": proposal["id"],
        "comment_id": comment.json()["id"],
        "draft_id": draft.json()["id"],
        "merge_id": merge.json()["id"],
        "meeting_id": meeting.json()["id"],
        "etag": api.get(f"/api/sections/{section['id']}").headers["etag"],
    }


def json_routes(app: FastAPI) -> list[tuple[str, str, list[str]]]:
    """Every (method, path, top-level body properties) whose request body is JSON."""
    schema = app.openapi()
    components = schema["components"]["schemas"]
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            routes.append((method, path, sorted(components[ref]["properties"])))
    return routes


def send(api: Api, method: str, path: str, ids: dict[str, Any], body: bytes) -> Any:
    """The response, or the exception the app raised instead of answering."""
    url = path.format_map(defaultdict(lambda: "1", ids))  # "1" for ids the fixture lacks
    headers = api.headers("chair.esp", JSON | {"If-Match": ids["etag"]})
    try:
        return api.client.request(method, url, content=body, headers=headers)
    except Exception as exc:  # the TestClient re-raises what became a 500
        return exc


def answers_4xx_with_detail(response: Any) -> str | None:
    """None if the answer is a 4xx with a non-empty string ``detail``, else why not."""
    if isinstance(response, Exception):
        return f"500 {type(response).__name__}: {str(response)[:120]}"
    if not 400 <= response.status_code < 500:
        return f"{response.status_code} {response.text[:200]}"
    detail = response.json().get("detail")
    if not isinstance(detail, str) or not detail:
        return f"{response.status_code} detail={detail!r}"
    return None


def test_the_sweep_covers_every_json_route(app: FastAPI) -> None:
    routes = json_routes(app)
    paths = {path for _, path, _ in routes}
    assert len(routes) >= 19
    assert {"/api/meetings/{meeting_id}", "/api/merges/{merge_id}/commit"} <= paths
    assert all(properties for _, _, properties in routes)


@pytest.mark.parametrize("token", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_json_route_refuses_a_hostile_value_in_every_field(
    api: Api, app: FastAPI, ids: dict[str, Any], token: str
) -> None:
    failures = {}
    for method, path, properties in json_routes(app):
        why = answers_4xx_with_detail(send(api, method, path, ids, raw_object(properties, token)))
        if why is not None:
            failures[f"{method.upper()} {path}"] = why
    assert failures == {}


@pytest.mark.parametrize(
    "body",
    [
        b"NaN",
        b"-Infinity",
        b'"\\ud800"',
        b'["\\udc00", NaN]',
        b'{"a\\ud800b": 1}',
        b'{"\\udfff": NaN, "x": {"y": ["\\ud800", Infinity]}}',
    ],
    ids=["nan", "infinity", "surrogate", "list", "surrogate-key", "nested"],
)
def test_every_json_route_refuses_hostile_shapes(
    api: Api, app: FastAPI, ids: dict[str, Any], body: bytes
) -> None:
    failures = {}
    for method, path, _ in json_routes(app):
        why = answers_4xx_with_detail(send(api, method, path, ids, body))
        if why is not None:
            failures[f"{method.upper()} {path}"] = why
    assert failures == {}


def test_a_nan_in_a_number_field_is_a_readable_422(api: Api, ids: dict[str, Any]) -> None:
    response = api.post(
        f"/api/sections/{ids['section_id']}/proposals",
        user="delegate.usa",
        content=b'{"base_revision": NaN, "body": "x"}',
        headers=JSON,
    )
    assert response.status_code == 422
    assert "body.base_revision" in response.json()["detail"]
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", "base_revision"]


def test_a_lone_surrogate_in_a_proposal_is_refused_naming_the_field(
    api: Api, ids: dict[str, Any]
) -> None:
    before = api.get("/api/proposals", user="delegate.usa").json()
    response = api.post(
        f"/api/sections/{ids['section_id']}/proposals",
        user="delegate.usa",
        content=b'{"base_revision": 1, "body": "ok", "rationale": "Because \\ud800."}',
        headers=JSON,
    )
    assert response.status_code == 422, response.text
    assert "rationale" in response.json()["detail"]
    assert "unicode" in response.json()["detail"]
    assert api.get("/api/proposals", user="delegate.usa").json() == before


def test_a_lone_surrogate_in_text_without_a_length_limit_is_refused(
    api: Api, ids: dict[str, Any]
) -> None:
    """pydantic itself only refuses lone surrogates in length-limited strings."""
    section = f"/api/sections/{ids['section_id']}"
    proposal = api.post(
        f"{section}/proposals",
        user="delegate.usa",
        content=b'{"base_revision": 1, "body": "Text \\ud800 here.\\n"}',
        headers=JSON,
    )
    assert proposal.status_code == 422, proposal.text
    assert proposal.json()["detail"].startswith("body.body: ")
    assert "lone surrogate" in proposal.json()["detail"]
    edit = api.put(
        section,
        content=b'{"title": "T", "body": "\\udc00"}',
        headers=JSON | {"If-Match": ids["etag"]},
    )
    assert edit.status_code == 422 and "body.body" in edit.json()["detail"], edit.text
    assert api.get(section).headers["etag"] == ids["etag"]


def test_a_lone_surrogate_in_a_nested_quote_or_a_merge_key_is_refused(
    api: Api, ids: dict[str, Any]
) -> None:
    quote = api.post(
        f"/api/sections/{ids['section_id']}/comments",
        content=b'{"body": "Hm.", "quote": {"exact": "\\udbff"}}',
        headers=JSON,
    )
    assert quote.status_code == 422 and "quote.exact" in quote.json()["detail"]
    commit = api.post(
        f"/api/merges/{ids['merge_id']}/commit",
        content=b'{"label": "Rev.1", "resolutions": {"\\ud800": {"bracket": true}}}',
        headers=JSON,
    )
    assert commit.status_code == 422 and "resolutions" in commit.json()["detail"]


def test_unicode_text_with_combining_marks_and_astral_characters_is_accepted(
    api: Api, ids: dict[str, Any]
) -> None:
    text = "Госуда́рства-участники 𝄞 — «1540» 🇺🇳"
    # Escaped as a surrogate pair in the raw JSON: a pair is a valid character.
    raw = json.dumps({"base_revision": 1, "body": text + "\n", "rationale": text})
    assert "\\ud83c" in raw
    response = api.post(
        f"/api/sections/{ids['section_id']}/proposals",
        user="delegate.rus",
        content=raw.encode(),
        headers=JSON,
    )
    assert response.status_code == 201, response.text
    assert response.json()["rationale"] == text
    assert api.get(f"/api/proposals/{response.json()['id']}").json()["body"] == text + "\n"


def test_meeting_patch_refuses_null_for_a_required_column(api: Api, ids: dict[str, Any]) -> None:
    url = f"/api/meetings/{ids['meeting_id']}"
    for field in ("agenda", "outcome"):
        response = api.patch(url, json={field: None})
        assert response.status_code == 422, response.text
        assert f"body.{field}" in response.json()["detail"]
        assert "null" in response.json()["detail"]
    assert api.get(url).json()["agenda"] == "1."


def test_meeting_patch_still_allows_omission_and_clearing_the_draft(
    api: Api, ids: dict[str, Any]
) -> None:
    url = f"/api/meetings/{ids['meeting_id']}"
    linked = api.patch(url, json={"draft_id": ids["draft_id"]})
    assert linked.status_code == 200, linked.text
    assert linked.json()["draft_id"] == ids["draft_id"]
    outcome = api.patch(url, json={"outcome": "Noted."})
    assert outcome.status_code == 200, outcome.text
    assert outcome.json()["agenda"] == "1." and outcome.json()["outcome"] == "Noted."
    # draft_id is a nullable column: null unlinks the draft.
    unlinked = api.patch(url, json={"draft_id": None})
    assert unlinked.status_code == 200 and unlinked.json()["draft_id"] is None
    assert api.patch(url, json={}).status_code == 200


def test_openapi_does_not_advertise_null_for_the_refused_fields(app: FastAPI) -> None:
    update = app.openapi()["components"]["schemas"]["MeetingUpdate"]["properties"]
    assert update["agenda"].get("type") == "string" and "anyOf" not in update["agenda"]
    assert "anyOf" in update["draft_id"]


def test_bad_utf8_in_query_strings_and_forms_is_read_as_replacement_characters(
    api: Api,
) -> None:
    """Percent-escapes decode with U+FFFD for bad bytes: no lone surrogate gets in."""
    for query in ("delegation=%ED%A0%80", "delegation=%FF", "status=%ED%A0%80"):
        response = api.get(f"/api/proposals?{query}", user="chair.esp")
        assert response.status_code in (200, 422), (query, response.text)
    for query in ("object_id=%ED%A0%80", "delegation=%FF%FE"):
        response = api.get(f"/api/audit?{query}", user="chair.esp")
        assert response.status_code == 200, (query, response.text)
    for form in (b"username=%ED%A0%80&password=x", b"username=chair.esp&password=%FF%FE"):
        response = api.client.post("/api/auth/token", content=form, headers=FORM)
        assert response.status_code == 401, response.text


# NUL (%00) in a query, path or form value would reach SQL, which PostgreSQL refuses.
@pytest.mark.parametrize(
    "url",
    [
        "/api/proposals?delegation=a%00b",
        "/api/audit?action=%00",
        "/api/audit?object_id=1%00",
        "/api/documents/bpg-1540%00",
    ],
)
def test_nul_in_a_query_or_path_is_not_a_500(api: Api, url: str) -> None:
    response = api.get(url, user="chair.esp")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


def test_nul_in_the_sign_in_form_is_not_a_500(api: Api) -> None:
    response = api.client.post(
        "/api/auth/token", content=b"username=chair.esp%00&password=x", headers=FORM
    )
    assert response.status_code == 422


def input_models() -> list[type[InputModel]]:
    """Every request body model of the app (and the models nested in them)."""
    found: list[type[InputModel]] = []
    todo = list(InputModel.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return found


@pytest.mark.parametrize("value", [NAN, INF, -INF, "\ud800", "a\udfffb"], ids=repr)
def test_every_field_of_every_input_model_refuses_a_hostile_value(value: object) -> None:
    models = input_models()
    assert len(models) >= 20
    accepted = []
    for model in models:
        for name, field in model.model_fields.items():
            try:
                model.model_validate({field.alias or name: value})
            except ValidationError as exc:
                if any(e["loc"][:1] == (field.alias or name,) for e in exc.errors()):
                    continue
            accepted.append(f"{model.__name__}.{name}")
    assert accepted == []


def test_the_error_handler_escapes_what_json_cannot_carry() -> None:
    tiny = FastAPI()
    install_error_handler(tiny)

    @tiny.post("/refuse")
    def refuse() -> None:
        raise InvalidInput("no section \ud800 here")

    response = TestClient(tiny).post("/refuse")
    assert response.status_code == 422
    assert response.json()["detail"] == "no section \\ud800 here"


# The IntegrityError handler, on a tiny app of its own.


class _PgError(Exception):
    """What psycopg raises: the SQLSTATE on the exception."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _failing_app(orig: BaseException) -> TestClient:
    tiny = FastAPI()
    tiny.add_exception_handler(IntegrityError, _integrity_conflict)

    @tiny.post("/write")
    def write() -> None:
        raise IntegrityError("INSERT INTO t VALUES (?)", (1,), orig)

    return TestClient(tiny, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "orig",
    [
        sqlite3.IntegrityError("UNIQUE constraint failed: support.proposal_id"),
        _PgError("23505"),
    ],
    ids=["sqlite", "postgresql"],
)
def test_a_unique_violation_is_a_concurrent_change(orig: BaseException) -> None:
    response = _failing_app(orig).post("/write")
    assert response.status_code == 409
    assert response.json() == {"detail": "conflicting concurrent change; retry"}


@pytest.mark.parametrize(
    "orig",
    [
        sqlite3.IntegrityError("NOT NULL constraint failed: meeting.agenda"),
        sqlite3.IntegrityError("FOREIGN KEY constraint failed"),
        sqlite3.IntegrityError("CHECK constraint failed: ck_meeting_dates"),
        _PgError("23502"),
        _PgError("23503"),
        _PgError("23514"),
    ],
    ids=["sqlite-null", "sqlite-fk", "sqlite-check", "pg-null", "pg-fk", "pg-check"],
)
def test_any_other_integrity_error_is_a_logged_500_that_leaks_no_sql(
    orig: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = _failing_app(orig).post("/write")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and record.exc_info[1] is not None
    assert "INSERT INTO" not in response.text


REAL_VIOLATIONS = {
    "unique": ("'USA', 'Again', 'state'", 409),
    "not-null": ("'XYZ', NULL, 'state'", 500),
    "check": ("'XYZ', 'Nowhere', 'pirate'", 500),
}


@pytest.mark.parametrize("values,status", REAL_VIOLATIONS.values(), ids=REAL_VIOLATIONS.keys())
def test_real_violations_from_the_database_driver_are_told_apart(
    app: FastAPI, values: str, status: int
) -> None:
    with pytest.raises(IntegrityError) as caught, app.state.database.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO delegation (code, name, kind) VALUES ({values})"))
    response = _failing_app(caught.value.orig).post("/write")
    assert response.status_code == status
