"""Documents, sections, revisions: reading, editing with If-Match, creating."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.helpers import first_subsection


def test_documents_list_the_guide(api: Api) -> None:
    response = api.get("/api/documents")
    assert response.status_code == 200
    assert [d["slug"] for d in response.json()] == ["bpg-1540"]


def test_guide_has_nested_sections_in_reading_order(guide: dict[str, Any]) -> None:
    sections = guide["sections"]
    assert len(sections) >= 30
    assert sections[0]["number"] == "1"
    numbers = [tuple(int(p) for p in s["number"].split(".")) for s in sections]
    assert numbers == sorted(numbers)
    ids = {s["id"] for s in sections}
    assert all(s["parent_id"] in ids for s in sections if s["parent_id"] is not None)
    assert {s["level"] for s in sections} == {1, 2}


def test_unknown_document_is_404(api: Api) -> None:
    response = api.get("/api/documents/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "no document 'nope'"}


def test_section_read_has_body_html_and_strong_etag(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    response = api.get(f"/api/sections/{sec['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1 and body["title"] == sec["title"]
    assert body["body"] and "<p>" in body["body_html"]
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert etag == body["etag"]


def put(api: Api, section_id: int, etag: str | None, **changes: Any) -> Any:
    current = api.get(f"/api/sections/{section_id}").json()
    payload = {"title": current["title"], "body": current["body"], "message": "edit"} | changes
    headers = {"If-Match": etag} if etag else {}
    return api.put(f"/api/sections/{section_id}", json=payload, headers=headers)


def test_chair_edit_creates_revision_and_new_etag(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    response = put(api, sec["id"], etag, body="A new text.\n", message="tighten")
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2
    assert response.headers["etag"] != etag
    history = api.get(f"/api/sections/{sec['id']}/revisions").json()
    assert [r["number"] for r in history] == [1, 2]
    assert history[1]["author"] == "chair.esp" and history[1]["delegation"] == "ESP"
    assert history[1]["message"] == "tighten" and history[1]["source"] == "edit"
    old = api.get(f"/api/sections/{sec['id']}?revision=1")
    assert old.json()["revision"] == 1 and old.headers["etag"] == etag


def test_put_without_if_match_is_428(api: Api, guide: dict[str, Any]) -> None:
    response = put(api, first_subsection(guide)["id"], None, body="x\n")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]


def test_put_with_stale_etag_is_412_and_changes_nothing(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    assert put(api, sec["id"], etag, body="first\n").status_code == 200
    stale = put(api, sec["id"], etag, body="second\n")
    assert stale.status_code == 412
    assert "revision 2" in stale.json()["detail"]
    assert len(api.get(f"/api/sections/{sec['id']}/revisions").json()) == 2


def test_delegates_and_observers_cannot_edit_directly(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    for user in ("delegate.usa", "observer", "coordinator", "admin"):
        current = api.get(f"/api/sections/{sec['id']}").json()
        response = api.put(
            f"/api/sections/{sec['id']}",
            user=user,
            headers={"If-Match": etag},
            json={"title": current["title"], "body": "mine\n"},
        )
        assert response.status_code == 403, user
        assert "may not edit section" in response.json()["detail"]


def test_identical_edit_is_422(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    response = put(api, sec["id"], etag)
    assert response.status_code == 422
    assert "identical" in response.json()["detail"]


def test_unknown_fields_nul_bytes_and_huge_ids_are_422(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    assert put(api, sec["id"], etag, status="merged").status_code == 422
    assert put(api, sec["id"], etag, body="a\x00b").status_code == 422
    assert api.get("/api/sections/99999999999999999999").status_code == 422
    assert api.get("/api/sections/0").status_code == 422
    assert api.get(f"/api/sections/{sec['id']}?revision=-1").status_code == 422


def test_oversized_body_is_413(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    huge = put(api, sec["id"], etag, body="word " * 1_100_000)
    assert huge.status_code == 413
    long_section = put(api, sec["id"], etag, body="word " * 50_000)
    assert long_section.status_code == 413
    assert "exceeds" in long_section.json()["detail"]


def test_missing_section_and_revision_are_404(api: Api, guide: dict[str, Any]) -> None:
    assert api.get("/api/sections/999999").status_code == 404
    sec = first_subsection(guide)
    missing = api.get(f"/api/sections/{sec['id']}?revision=9")
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"section {sec['id']} has no revision 9"


def test_diff_between_revisions_gives_html_and_ops(api: Api, guide: dict[str, Any]) -> None:
    sec = first_subsection(guide)
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    put(api, sec["id"], etag, body="States should maintain effective measures.\n")
    etag = api.get(f"/api/sections/{sec['id']}").headers["etag"]
    put(api, sec["id"], etag, body="States shall maintain appropriate effective measures.\n")
    response = api.get(f"/api/sections/{sec['id']}/diff?from=2&to=3")
    assert response.status_code == 200
    diff = response.json()
    assert "<del>should</del>" in diff["html"] and "<ins>shall</ins>" in diff["html"]
    old = "".join(o["text"] for o in diff["ops"] if o["op"] != "insert")
    new = "".join(o["text"] for o in diff["ops"] if o["op"] != "delete")
    assert old == "States should maintain effective measures.\n"
    assert new == "States shall maintain appropriate effective measures.\n"


def test_chair_creates_a_section_after_a_sibling(api: Api, guide: dict[str, Any]) -> None:
    parent = guide["sections"][0]
    children = [s for s in guide["sections"] if s["parent_id"] == parent["id"]]
    response = api.post(
        "/api/documents/bpg-1540/sections",
        json={
            "title": "Gender perspectives",
            "body": "Text.\n",
            "parent_id": parent["id"],
            "after_id": children[0]["id"],
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["revision"] == 1 and created["number"] == f"{parent['number']}.2"
    after = api.get("/api/documents/bpg-1540").json()["sections"]
    renumbered = next(s for s in after if s["id"] == children[1]["id"])
    assert renumbered["number"] == f"{parent['number']}.3"
    assert len(after) == len(guide["sections"]) + 1


def test_only_chairs_create_sections(api: Api) -> None:
    response = api.post(
        "/api/documents/bpg-1540/sections", user="delegate.rus", json={"title": "X", "body": ""}
    )
    assert response.status_code == 403


def test_section_parent_must_be_top_level_and_in_document(api: Api, guide: dict[str, Any]) -> None:
    sub = first_subsection(guide)
    nested = api.post(
        "/api/documents/bpg-1540/sections", json={"title": "X", "parent_id": sub["id"]}
    )
    assert nested.status_code == 422
    missing = api.post("/api/documents/bpg-1540/sections", json={"title": "X", "parent_id": 9999})
    assert missing.status_code == 422


def test_if_match_star_is_refused(api: Api, guide: dict[str, Any]) -> None:
    response = put(api, first_subsection(guide)["id"], "*", body="any\n")
    assert response.status_code == 412
