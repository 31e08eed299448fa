"""Word files back into proposals: revised texts, tracked changes, and clear refusals."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import docx
import pytest

from app.exports import importing
from app.exports.attribution import ProposalChange, Step, attribute
from app.exports.builders import (
    ExportMeta,
    ExportSection,
    RedlineSection,
    build_docx,
    build_docx_redline,
    parse_docx,
)
from app.seed import DOCUMENT_TITLE as TITLE
from tests.conftest import Api
from tests.exports.rounds import REV1_REFERENCE, Round, run_round
from tests.helpers import write_lock_is_free

MERGED_C = "Records should be kept for ten years.\n"


@pytest.fixture
def merged(api: Api, guide: dict[str, Any]) -> Round:
    return run_round(api, guide)


def meta(reference: str = REV1_REFERENCE) -> ExportMeta:
    return ExportMeta(TITLE, reference, "Rev.1", datetime.date(2021, 4, 27))


def count(api: Api) -> int:
    return len(api.get("/api/proposals?limit=200", user="chair.esp").json())


def upload(api: Api, url: str, content: bytes, user: str = "delegate.che", **form: Any) -> Any:
    files = {"file": ("revised.docx", content)}
    return api.post(url, user=user, files=files, data={k: str(v) for k, v in form.items()})


def redline_file(section: dict[str, Any], old: str, new: str, author: str) -> bytes:
    """What Word saves when a delegate edits ``section`` with Track Changes on."""
    step = Step(old, new, author, datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC))
    changes = attribute(old, new, [step])
    level = section["number"].count(".") + 1
    redline = RedlineSection(
        section["id"], section["number"], section["title"], level, changes, "changed"
    )
    return build_docx_redline(meta(), [redline])


def test_a_revised_paragraph_of_the_clean_export_becomes_one_proposal(
    api: Api, merged: Round
) -> None:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    document = docx.Document(io.BytesIO(content))
    paragraph = next(p for p in document.paragraphs if p.text == MERGED_C.strip())
    paragraph.runs[0].text = "Records should be kept for fifteen years."
    for run in paragraph.runs[1:]:
        run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)

    response = upload(
        api, f"/api/drafts/{merged.new}/import", buffer.getvalue(), rationale="Longer."
    )
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    c = merged.sections["c"]
    pinned = api.get(f"/api/sections/{c['id']}").json()
    assert proposal["section_id"] == c["id"] and proposal["delegation"] == "CHE"
    assert proposal["body"] == "Records should be kept for fifteen years.\n"  # the newline kept
    assert proposal["base_revision"] == pinned["revision"] and proposal["rationale"] == "Longer."
    assert proposal["status"] == "submitted"


def test_a_tracked_change_file_on_one_section_becomes_its_proposal(api: Api, merged: Round) -> None:
    c = merged.sections["c"]
    changed = "Records should be kept for ten years, on paper or electronically.\n"
    content = redline_file(c, MERGED_C, changed, "CHE")
    assert parse_docx(content).has_tracked_changes
    response = upload(
        api, f"/api/sections/{c['id']}/proposals/import", content, draft_id=merged.new
    )
    assert response.status_code == 201, response.text
    assert response.json()["body"] == changed and response.json()["delegation"] == "CHE"


def test_a_hand_inserted_w_ins_is_read_as_accepted(api: Api, merged: Round) -> None:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read("word/document.xml").decode()
    insertion = (
        '<w:ins w:id="9001" w:author="RUS" w:date="2021-05-01T10:00:00Z">'
        '<w:r><w:t xml:space="preserve"> at least</w:t></w:r></w:ins>'
    )
    sentence = "Records should be kept for ten years.</w:t></w:r>"
    assert xml.count(sentence) == 1
    xml = xml.replace(
        sentence,
        "Records should be kept</w:t></w:r>"
        + insertion
        + '<w:r><w:t xml:space="preserve"> for ten years.</w:t></w:r>',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = xml.encode() if item.filename == "word/document.xml" else source.read(item)
            out.writestr(item, data)
    response = upload(
        api, f"/api/drafts/{merged.new}/import", buffer.getvalue(), user="delegate.rus"
    )
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    assert proposal["body"] == "Records should be kept at least for ten years.\n"


def test_tracked_changes_made_on_a_draft_come_back_as_the_same_proposals(
    api: Api, merged: Round
) -> None:
    """A delegation's edits exported as tracked changes import as exactly those texts."""
    wanted = {
        "a": "States should maintain appropriate effective measures to account for "
        "[USA: effective / RUS: appropriate] goods.\n",
        "c": "Records should be kept for twenty years.\n",
    }
    sections = []
    for key in "abcd":
        s = merged.sections[key]
        old = api.get(f"/api/sections/{s['id']}").json()["body"]
        new = wanted.get(key, old)
        change = ProposalChange(old, new, ("USA",))
        step = Step(old, new, "USA", None, (change,))
        level = s["number"].count(".") + 1
        sections.append(
            RedlineSection(
                s["id"], s["number"], s["title"], level, attribute(old, new, [step]), "changed"
            )
        )
    content = build_docx_redline(meta(), sections)
    response = upload(api, f"/api/drafts/{merged.new}/import", content, user="delegate.usa")
    assert response.status_code == 201, response.text
    got = {p["section_id"]: p["body"] for p in response.json()}
    assert got == {merged.sections[k]["id"]: text for k, text in wanted.items()}


def test_the_api_redline_accepts_to_the_new_draft_and_rejects_to_the_old(
    api: Api, merged: Round
) -> None:
    url = f"/api/drafts/{merged.new}/export?format=docx&changes_since={merged.old}"
    content = api.get(url, user="coordinator").content
    sections = {s.number: s for s in parse_docx(content).sections}
    c = merged.sections["c"]
    assert sections[c["number"]].body_accepted == MERGED_C.strip()
    assert sections[c["number"]].body_rejected == "Records should be kept for five years."
    assert set(parse_docx(content).authors) == {"ESP", "BLR", "USA", "CHE, CPC"}
    before = count(api)
    again = upload(api, f"/api/drafts/{merged.new}/import", content)  # accepted = the draft itself
    assert again.status_code == 422 and "changes nothing" in again.json()["detail"]
    assert count(api) == before


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _refusals(api: Api, merged: Round) -> dict[str, tuple[bytes, str]]:
    clean = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    c = merged.sections["c"]
    other = build_docx(
        meta("FSC.GAL/99/99"),
        [ExportSection(c["id"], c["number"], c["title"], 2, "Records: never.\n")],
    )
    return {
        "not a zip": (b"%PDF-1.4 not a word file", "not a ZIP archive"),
        "no document.xml": (_zip({"word/styles.xml": "<x/>"}), "word/document.xml is missing"),
        "broken xml": (_zip({"word/document.xml": "<w:document"}), "not well-formed"),
        "another document": (other, "belongs to another document"),
        "no change": (clean, "changes nothing"),
    }


@pytest.mark.parametrize("whole", [True, False], ids=["document", "section"])
def test_unusable_files_are_refused_and_nothing_is_imported(
    api: Api, merged: Round, whole: bool
) -> None:
    c = merged.sections["c"]
    before = count(api)
    for case, (content, message) in _refusals(api, merged).items():
        if whole:
            response = upload(api, f"/api/drafts/{merged.new}/import", content)
        else:
            url = f"/api/sections/{c['id']}/proposals/import"
            response = upload(api, url, content, draft_id=merged.new)
        assert response.status_code == 422, (case, response.text)
        assert message in response.json()["detail"], case
    assert count(api) == before


def test_uploads_of_the_wrong_type_size_or_user_are_refused(api: Api, merged: Round) -> None:
    url = f"/api/drafts/{merged.new}/import"
    content = redline_file(merged.sections["c"], MERGED_C, "Records: gone.\n", "CHE")
    text = api.post(url, user="delegate.che", files={"file": ("x.txt", b"hello", "text/plain")})
    assert text.status_code == 422 and "expected a Word .docx" in text.json()["detail"]
    huge = api.post(url, user="delegate.che", files={"file": ("x.docx", b"0" * (6 << 20))})
    assert huge.status_code == 413
    assert upload(api, url, content, user="observer").status_code == 403
    assert upload(api, url, content, user=None).status_code == 401
    section_url = f"/api/sections/{merged.sections['c']['id']}/proposals/import"
    assert upload(api, section_url, content).status_code == 422  # draft_id missing
    assert upload(api, section_url, content, draft_id=999999).status_code == 404


def test_a_whole_document_with_several_changes_is_all_or_nothing(api: Api, merged: Round) -> None:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    document = docx.Document(io.BytesIO(content))
    for paragraph in document.paragraphs:
        if paragraph.text in (MERGED_C.strip(), "Outreach is essential."):
            paragraph.runs[0].text = paragraph.text.replace(".", " indeed.")
            for run in paragraph.runs[1:]:
                run.text = ""
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    heading.runs[0].text = "99.9 An unknown section"
    for run in heading.runs[1:]:
        run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    before = count(api)
    response = upload(api, f"/api/drafts/{merged.new}/import", buffer.getvalue())
    assert response.status_code == 422 and "99.9" in response.json()["detail"]
    assert count(api) == before


@pytest.mark.parametrize("whole", [False, True], ids=["section", "document"])
def test_an_import_parses_and_compares_before_taking_the_write_lock(
    api: Api, merged: Round, db_url: str, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    """While the file is parsed and diffed, other writers can still write (SQLite's one lock)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    seen: list[bool] = []
    real = importing._revised

    def revised_while_probing(*args: Any) -> Any:
        seen.append(write_lock_is_free(db_url))
        return real(*args)

    monkeypatch.setattr(importing, "_revised", revised_while_probing)
    c = merged.sections["c"]
    changed = "Records should be kept for ten years, on paper.\n"
    content = redline_file(c, MERGED_C, changed, "CHE")
    if whole:
        response = upload(api, f"/api/drafts/{merged.new}/import", content)
    else:
        url = f"/api/sections/{c['id']}/proposals/import"
        response = upload(api, url, content, draft_id=merged.new)
    assert response.status_code == 201, response.text
    assert seen and all(seen)
