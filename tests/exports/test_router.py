"""Draft exports, redlines and the compilation through the HTTP API."""

from __future__ import annotations

import io
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT

from tests.conftest import Api
from tests.core.xss_payloads import PAYLOADS, assert_html_safe
from tests.exports.rounds import REFERENCE, REV1_REFERENCE, Round, draft, run_round
from tests.exports.soffice import soffice_path
from tests.helpers import prepare_section, propose

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": DOCX,
    "akn": "application/akn+xml",
}


@pytest.fixture
def merged(api: Api, guide: dict[str, Any]) -> Round:
    return run_round(api, guide)


def assert_page_safe(page: str) -> None:
    """A standalone page: its own head (doctype, meta, one style), a body safe to show."""
    head, body = re.split(r"<body[^>]*>", page, maxsplit=1)
    assert "<script" not in head.lower() and head.lower().count("<style") == 1
    assert_html_safe(body.rsplit("</body>", 1)[0])


def tracked(content: bytes) -> list[tuple[str, str, str, str]]:
    """``(ins|del, author, date, text)`` of every tracked run in a DOCX body."""
    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml"))
    out = []
    for kind in ("ins", "del"):
        for element in root.iter(f"{W}{kind}"):
            text = "".join(
                t.text or "" for t in element.iter() if t.tag in (f"{W}t", f"{W}delText")
            )
            if text:
                out.append((kind, element.get(f"{W}author", ""), element.get(f"{W}date", ""), text))
    return out


@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_every_format_downloads_with_its_media_type(api: Api, merged: Round, fmt: str) -> None:
    response = api.get(f"/api/drafts/{merged.new}/export?format={fmt}", user="observer")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA[fmt]
    ext = "akn.xml" if fmt == "akn" else fmt
    assert response.headers["content-disposition"] == (
        f'attachment; filename="bpg-1540-rev-1.{ext}"'
    )
    assert len(response.content) > 1000


def test_markdown_has_numbered_headings_and_the_merged_text(api: Api, merged: Round) -> None:
    text = api.get(f"/api/drafts/{merged.new}/export?format=md").text
    number = merged.sections["c"]["number"]
    assert f"## {number} " in text and "kept for ten years" in text
    assert REV1_REFERENCE in text and "Original: ENGLISH" in text


def test_docx_uses_word_styles_and_a_header_with_the_reference(api: Api, merged: Round) -> None:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    document = docx.Document(io.BytesIO(content))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[0] == REV1_REFERENCE and "Original: ENGLISH" in header
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    c = merged.sections["c"]
    assert f"{c['number']} {c['title']}" in headings
    assert any("kept for ten years" in p.text for p in document.paragraphs)


def test_akoma_ntoso_parses_and_its_eids_are_stable(api: Api, merged: Round) -> None:
    def eids(draft_id: int) -> list[str]:
        response = api.get(f"/api/drafts/{draft_id}/export?format=akn")
        root = ET.fromstring(response.content)
        assert root.tag == f"{AKN}akomaNtoso"
        return [e.get("eId", "") for e in root.iter(f"{AKN}section")]

    first = eids(merged.new)
    assert first and len(set(first)) == len(first)
    assert eids(merged.new) == first
    assert eids(merged.old) == first  # same numbering, same eIds


def test_redline_docx_credits_each_change_to_its_delegation(api: Api, merged: Round) -> None:
    response = api.get(f"/api/drafts/{merged.new}/export?format=docx&changes_since={merged.old}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].endswith('"bpg-1540-rev-1-changes.docx"')
    runs = {(kind, author, text) for kind, author, _, text in tracked(response.content)}
    assert runs == {
        ("del", "ESP", "appropriate effective"),  # bracketed by the chair
        ("ins", "ESP", "[USA: effective / RUS: appropriate]"),
        ("del", "CHE, CPC", "items"),  # one identical change by two delegations
        ("ins", "CHE, CPC", "materials"),
        ("ins", "ESP", ", where appropriate,"),  # the chair's compromise
        ("del", "USA", "five"),
        ("ins", "USA", "ten"),
        ("del", "BLR", "voluntary"),  # the Belarusian co-chair's own edit
        ("ins", "BLR", "essential"),
    }
    dates = {date for *_, date in (t[:3] for t in tracked(response.content))}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d) for d in dates)
    document = docx.Document(io.BytesIO(response.content))  # python-docx opens it
    assert document.paragraphs[0].style.name == "Title"


def test_redline_html_has_ins_del_and_a_legend(api: Api, merged: Round) -> None:
    response = api.get(f"/api/drafts/{merged.new}/export?format=html&changes_since={merged.old}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Changes by delegation" in html
    for code in ("USA", "ESP", "BLR", "CHE, CPC"):
        assert '<li><span class="swatch' in html and code in html
    assert re.search(r'<ins class="d-USA" title="USA: inserted[^"]*">ten</ins>', html)
    assert re.search(r'<del class="d-CHE__CPC"[^>]*>items</del>', html)
    assert_page_safe(html)


@pytest.mark.parametrize("fmt", ["md", "akn"])
def test_only_docx_and_html_have_a_redline(api: Api, merged: Round, fmt: str) -> None:
    response = api.get(f"/api/drafts/{merged.new}/export?format={fmt}&changes_since={merged.old}")
    assert response.status_code == 422 and "docx and html" in response.json()["detail"]


def test_exports_follow_the_draft_visibility_rules(api: Api, guide: dict[str, Any]) -> None:
    working = draft(api, "Working", REFERENCE, circulate=False)
    assert (
        api.get(f"/api/drafts/{working}/export?format=md", user="delegate.usa").status_code == 403
    )
    assert api.get(f"/api/drafts/{working}/export?format=md", user="coordinator").status_code == 200
    assert api.get("/api/drafts/999999/export?format=md").status_code == 404
    pdf = api.get(f"/api/drafts/{working}/export?format=pdf", user="coordinator")
    assert pdf.status_code == 422
    assert api.get(f"/api/drafts/{working}/export", user=None).status_code == 401
    circulated = draft(api, "Circulated", REFERENCE)
    since = api.get(
        f"/api/drafts/{circulated}/export?format=html&changes_since={working}", user="delegate.usa"
    )
    assert since.status_code == 403


def test_html_exports_are_safe_with_hostile_text(api: Api, guide: dict[str, Any]) -> None:
    section = next(s for s in guide["sections"] if s["parent_id"])
    old = draft(api, "Before", REFERENCE)
    hostile = "\n\n".join(PAYLOADS) + "\n"
    prepare_section(api, section["id"], hostile)
    propose(api, section["id"], "delegate.usa", hostile + "More.\n", rationale=PAYLOADS[0])
    new = draft(api, "After <script>alert(1)</script>", REFERENCE)
    for url in (
        f"/api/drafts/{new}/export?format=html",
        f"/api/drafts/{new}/export?format=html&changes_since={old}",
        f"/api/drafts/{new}/compilation?format=html",
    ):
        response = api.get(url, user="coordinator")
        assert response.status_code == 200, url
        assert_page_safe(response.text)
    disposition = api.get(f"/api/drafts/{new}/export?format=html").headers["content-disposition"]
    assert disposition == 'attachment; filename="bpg-1540-after-script-alert-1-script.html"'


def test_compilation_is_for_chairs_and_coordinators(api: Api, merged: Round) -> None:
    url = f"/api/drafts/{merged.new}/compilation?format=html"
    for user in ("delegate.usa", "observer", "admin"):
        assert api.get(url, user=user).status_code == 403, user
    assert api.get(url, user="chair.blr").status_code == 200
    assert api.get(url, user="coordinator").status_code == 200


def test_compilation_lists_open_proposals_by_paragraph(api: Api, merged: Round) -> None:
    c = merged.sections["c"]
    rev = api.get(f"/api/sections/{c['id']}").json()["revision"]
    pending = propose(api, c["id"], "delegate.rus", "Records must be kept.\n", base=rev)
    api.post(f"/api/proposals/{pending['id']}/support", user="delegate.che")
    api.post(f"/api/proposals/{pending['id']}/comments", user="delegate.usa", json={"body": "No."})
    propose(api, c["id"], "delegate.usa", "Secret.\n", base=rev, draft=True)
    url = f"/api/drafts/{merged.new}/compilation"
    html = api.get(f"{url}?format=html", user="coordinator").text
    assert "supported by CHE" in html and "Pending" in html
    assert "Merged" not in html  # by default: pending and accepted-not-yet-merged only
    assert "Secret" not in html  # private delegation drafts stay private
    assert f"<strong>{c['number']} \u00b61</strong>" in html
    assert '<del class="d-RUS"' in html and "No proposals:" in html

    merged_too = api.get(f"{url}?format=html&status=submitted&status=merged", user="chair.blr")
    assert "Merged" in merged_too.text and "Pending" in merged_too.text
    only_usa = api.get(f"{url}?format=html&status=merged&delegation=usa", user="chair.blr").text
    assert "<td><strong>USA</strong>" in only_usa and "<td><strong>RUS</strong>" not in only_usa
    # The pending proposal came after Rev.1 went out; the merged ones before it.
    since = f"{url}?format=html&status=submitted&status=merged&since={merged.new}"
    later = api.get(since, user="chair.blr").text
    assert "supported by CHE" in later and "Merged" not in later
    refused = api.get(f"{url}?format=html&status=draft", user="chair.blr")
    assert refused.status_code == 422

    response = api.get(f"{url}?format=docx", user="chair.esp")
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].endswith('"bpg-1540-rev-1-compilation.docx"')
    document = docx.Document(io.BytesIO(response.content))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    rus = next(row for row in cells if row[3].startswith("RUS"))
    assert rus[0].startswith(f"{c['number']} \u00b61") and "kept for ten years" in rus[1]
    assert "supported by CHE" in rus[3] and rus[5].startswith("Pending")
    assert "1 comment" in rus[5]
    assert "Secret" not in "".join(p.text for p in document.paragraphs) + str(cells)


@pytest.mark.slow
def test_libreoffice_converts_the_api_docx_exports_to_pdf(
    api: Api, merged: Round, tmp_path: Path
) -> None:
    soffice = soffice_path()
    urls = {
        "clean": f"/api/drafts/{merged.new}/export?format=docx",
        "redline": f"/api/drafts/{merged.new}/export?format=docx&changes_since={merged.old}",
        "compilation": f"/api/drafts/{merged.new}/compilation?format=docx",
    }
    sources = []
    for name, url in urls.items():
        response = api.get(url, user="coordinator")
        assert response.status_code == 200
        sources.append(tmp_path / f"{name}.docx")
        sources[-1].write_bytes(response.content)
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{home}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, sources),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    for name in urls:
        pdf = tmp_path / "pdf" / f"{name}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), name
        assert pdf.stat().st_size > 1000
