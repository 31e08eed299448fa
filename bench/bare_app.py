"""The baseline of the throughput benchmark: FastAPI with one route and nothing else.

``GET /api/sections/{section_id}`` answers a JSON object shaped like the real
section read and about as large (some 2 KB: a Markdown body and its HTML), built
once at start-up: no database, no authentication, no middleware, no response
model. The route is a plain ``def``, as the real one is, so both arms pay
Starlette's hop to the thread pool; what the real route costs beyond this is
the service's own work. ``bench.bench_service`` serves it with the same
uvicorn command line as the real server:
``python -m uvicorn bench.bare_app:create_app --factory …``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PARAGRAPH = (
    "Competent authorities should establish national control lists taking into account "
    "the risks involved. For this purpose, national regulators may review information on "
    "good practices and national legislation. Reporting obligations should be documented "
    "on a regular basis."
)
BODY = "\n\n".join([PARAGRAPH] * 7) + "\n"
BODY_HTML = "".join(f"<p>{PARAGRAPH}</p>\n" for _ in range(7))


def payload(section_id: int) -> dict[str, Any]:
    """A section read's fields, with fixed values."""
    return {
        "id": section_id,
        "document": "bpg-1540",
        "number": "4.3",
        "title": "Security of materials in transport",
        "body": BODY,
        "body_html": BODY_HTML,
        "revision": 2,
        "head": 2,
        "parent_id": 17,
        "op_tag": "OP3(b)",
        "updated_at": "2021-05-10T10:00:00Z",
        "delegation": "CHE",
        "etag": '"s42-r2-0123456789abcdef"',
    }


def create_app() -> FastAPI:
    """The bare app (a factory, like ``app.main:create_app``)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/api/sections/{section_id}", response_model=None)
    def read_section(section_id: int) -> dict[str, Any]:
        return payload(section_id)

    return app
