"""No HTML the service returns carries anything executable, whatever users type.

Every payload of the corpus goes in as a proposal text, rationale and title,
a comment, and a section body and title; every HTML field that comes back is
checked with the same checker the Markdown renderer's own tests use.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.core.xss_payloads import PAYLOADS, assert_html_safe
from tests.helpers import prepare_section

HTML_FIELDS = ("body_html", "redline_html", "rationale_html", "html", "title_html")


def html_fields(value: Any) -> list[str]:
    """Every HTML-valued field in a JSON document, however deeply nested."""
    if isinstance(value, dict):
        own = [v for k, v in value.items() if k in HTML_FIELDS and isinstance(v, str)]
        return own + [h for v in value.values() for h in html_fields(v)]
    if isinstance(value, list):
        return [h for v in value for h in html_fields(v)]
    return []


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 40


def test_payloads_leave_nothing_executable_in_any_html_field(
    api: Api, guide: dict[str, Any]
) -> None:
    section = prepare_section(api, guide["sections"][1]["id"])
    sid = section["id"]
    returned: list[Any] = []
    for i, payload in enumerate(PAYLOADS):
        p = api.post(
            f"/api/sections/{sid}/proposals",
            user="delegate.usa",
            json={
                "base_revision": section["revision"],
                "body": f"{payload}\n\nText {i}.",
                "title": payload[:300],
                "rationale": payload,
            },
        )
        assert p.status_code == 201, (payload, p.text)
        returned.append(p.json())
        c = api.post(f"/api/sections/{sid}/comments", user="delegate.rus", json={"body": payload})
        returned.append(c.json())
        returned.append(
            api.post(
                f"/api/proposals/{p.json()['id']}/comments",
                user="delegate.che",
                json={"body": payload},
            ).json()
        )
    edited = prepare_section(api, sid, "\n\n".join(PAYLOADS))
    returned.append(edited)
    returned.append(api.get(f"/api/sections/{sid}/diff?from=1&to={edited['revision']}").json())
    returned.append(api.get(f"/api/sections/{sid}/proposals?group=competing").json())
    returned.append(api.get(f"/api/sections/{sid}/comments").json())
    returned.append(
        api.post(
            "/api/redline",
            user="observer",
            json={"old": "\n".join(PAYLOADS[::2]), "new": "\n".join(PAYLOADS[1::2])},
        ).json()
    )
    fragments = html_fields(returned)
    assert len(fragments) > 4 * len(PAYLOADS)
    for fragment in fragments:
        assert_html_safe(fragment)
