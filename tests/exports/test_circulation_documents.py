"""The seeded round's Word redline and compilation, checked as a reader would.

The 2021 demo round is seeded through the real services; the co-chairs accept
CPC's proposal, a delegation's proposal that adds emphasis and a list item is
accepted too, and Rev.1 is merged and circulated. Then, through the HTTP API:
the tracked-change DOCX of Rev.1 against the March draft and the compilation
of the open proposals, both opened in LibreOffice (to .fodt, to PDF), read
back with pdftotext, and their first pages kept as pictures in
``test-artifacts/`` (``docs/`` holds copies for the README).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]

from app.db import Database
from app.demo import seed_demo_round
from tests.conftest import Api
from tests.dbs import settings_for
from tests.exports.soffice import libreoffice_convert

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
MARKDOWN_LEFTOVERS = re.compile(r"\*\*|__|\]\(|^#+ |\[[^\]]*\]\(", re.MULTILINE)


@pytest.fixture
def round_2021(db_url: str, api: Api) -> dict[str, Any]:
    settings = settings_for(db_url)
    database = Database(settings)
    with database.session(write=True) as session, session.begin():
        assert seed_demo_round(session=session, settings=settings)
    database.dispose()
    march = api.get("/api/documents/bpg-1540/drafts").json()[0]["id"]
    by = {p["delegation"]: p for p in api.get("/api/proposals").json()}
    api.post(f"/api/proposals/{by['CPC']['id']}/decision", json={"decision": "accept"})
    section = next(
        s
        for s in api.get("/api/documents/bpg-1540").json()["sections"]
        if s["parent_id"] and s["number"] not in ("6.2", "7.2", "8.3")
    )
    head = api.get(f"/api/sections/{section['id']}").json()
    body = head["body"]
    first = body.split("\n\n", 1)[0]
    words = first.split(" ")
    words[2] = f"**{words[2]}**"  # emphasis only: a formatting change, not a rewrite
    styled = body.replace(first, " ".join(words), 1)
    styled = styled.rstrip("\n") + "\n\n- a *standing* reporting calendar;\n- one focal point.\n"
    created = api.post(
        f"/api/sections/{section['id']}/proposals",
        user="delegate.usa",
        json={
            "base_revision": head["revision"],
            "body": styled,
            "rationale": "Stress the point and list what works.",
        },
    )
    assert created.status_code == 201, created.text
    gbr = created.json()
    api.post(f"/api/proposals/{gbr['id']}/support", user="delegate.che")
    api.post(
        f"/api/proposals/{gbr['id']}/comments",
        user="delegate.rus",
        json={"body": "We agree with the calendar."},
    )
    api.post(
        f"/api/proposals/{gbr['id']}/decision",
        json={"decision": "accept", "note": "Agreed in the corridor."},
    )
    ids = [by["CHE"]["id"], by["CPC"]["id"], gbr["id"]]
    preview = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": ids}).json()
    assert not any(s["conflicts"] for s in preview["sections"]), preview
    committed = api.post(
        f"/api/merges/{preview['id']}/commit",
        json={"label": "Rev.1", "reference": "FSC.GAL/23/21/Rev.1", "resolutions": {}},
    )
    assert committed.status_code == 200, committed.text
    rev1 = int(committed.json()["id"])
    assert api.post(f"/api/drafts/{rev1}/circulate").status_code == 200
    return {"march": march, "rev1": rev1, "gbr": gbr, "by": by}


def _xml(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _pdf_text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is required in CI")
        pytest.skip("pdftotext is not installed")
    return subprocess.run(
        [tool, "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()


def _picture(pdf: Path, name: str) -> None:
    tool = shutil.which("pdftoppm")
    if tool is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool, "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )


@pytest.mark.slow
def test_the_word_redline_reads_as_a_formatted_attributed_commented_document(
    api: Api, round_2021: dict[str, Any], tmp_path: Path
) -> None:
    url = (
        f"/api/drafts/{round_2021['rev1']}/export?format=docx"
        f"&changes_since={round_2021['march']}&threads=true&protect=true&line_numbers=true"
    )
    response = api.get(url, user="coordinator")
    assert response.status_code == 200, response.text
    data = response.content
    body = _xml(data, "word/document.xml")
    authors = {e.get(f"{{{W}}}author") for e in body.xpath("//w:ins | //w:del", namespaces=NS)}
    assert {"CHE", "CPC", "USA"} <= authors
    # Emphasis added is a formatting change with the old run properties, not a rewrite.
    changed = body.xpath("//w:r[w:rPr/w:rPrChange]", namespaces=NS)
    assert changed and changed[0].xpath("./w:rPr/w:b", namespaces=NS)
    # The new list items are tracked, bulleted paragraphs; no marker is written.
    styles = _xml(data, "word/styles.xml")
    bullet = styles.xpath("//w:style[w:name/@w:val='List Bullet']/@w:styleId", namespaces=NS)[0]
    items = body.xpath(f"//w:p[w:pPr/w:pStyle/@w:val='{bullet}'][w:ins]", namespaces=NS)
    texts = ["".join(p.itertext()) for p in items]
    assert texts[-2:] == ["a standing reporting calendar;", "one focal point."]
    for item in items[-2:]:
        assert not item.xpath("./w:r[w:t]", namespaces=NS)  # every run of a new item is inserted
    assert items[-2].xpath(".//w:ins/w:r[w:rPr/w:i]", namespaces=NS)  # *standing* stays italic
    text = "".join(body.itertext())
    assert not MARKDOWN_LEFTOVERS.search(text), MARKDOWN_LEFTOVERS.search(text)
    # One Word comment per proposal: its delegation, supporters and reasons; replies.
    comments = _xml(data, "word/comments.xml")
    by_author: dict[str, list[str]] = {}
    for comment in comments.xpath("//w:comment", namespaces=NS):
        by_author.setdefault(comment.get(f"{{{W}}}author"), []).append("".join(comment.itertext()))
    assert any("Stress the point" in t and "supported by CHE" in t for t in by_author["USA"])
    assert any("peer reviews" in t for t in by_author["CHE"])
    assert any("We agree with the calendar." in t for t in by_author["RUS"])
    assert any("Agreed in the corridor." in t for texts in by_author.values() for t in texts)
    settings = _xml(data, "word/settings.xml")
    assert settings.xpath("//w:documentProtection[@w:edit='trackedChanges']", namespaces=NS)

    source = tmp_path / "redline.docx"
    source.write_bytes(data)
    fodt = libreoffice_convert(source, "fodt", tmp_path / "fodt").read_text()
    regions = re.findall(r"<text:changed-region.*?</text:changed-region>", fodt, re.DOTALL)
    creators = {m for r in regions for m in re.findall(r"<dc:creator>([^<]*)</dc:creator>", r)}
    assert {"CHE", "CPC", "USA"} <= creators
    assert "office:annotation" in fodt
    pdf = libreoffice_convert(source, "pdf", tmp_path / "pdf")
    pages = _pdf_text(pdf)
    assert "FSC.GAL/23/21/Rev.1" in pages and "Original: ENGLISH" in pages
    assert re.search(r"Page 1 of \d+", pages)
    assert not MARKDOWN_LEFTOVERS.search(pages), MARKDOWN_LEFTOVERS.search(pages)
    _picture(pdf, "redline")


@pytest.mark.slow
def test_the_compilation_has_a_row_per_changed_paragraph_and_a_true_legend(
    api: Api, round_2021: dict[str, Any], tmp_path: Path
) -> None:
    url = f"/api/drafts/{round_2021['rev1']}/compilation?format=docx"
    response = api.get(url, user="chair.esp")
    assert response.status_code == 200, response.text
    import docx

    document = docx.Document(io.BytesIO(response.content))
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    # USA and RUS compete on one paragraph of 6.2: one row, both proposals.
    assert len(rows) == 2 and rows[0][0] == rows[1][0] and rows[0][0].startswith("6.2 ¶")
    assert {r[3].split("\n")[0] for r in rows} == {"USA", "RUS"}
    assert all(len(r[1]) < 1200 for r in rows)  # a paragraph, not a whole section
    legend = next(p.text for p in document.paragraphs if p.text.startswith("Changes by"))
    assert "USA" in legend and "RUS" in legend
    source = tmp_path / "compilation.docx"
    source.write_bytes(response.content)
    pdf = libreoffice_convert(source, "pdf", tmp_path / "pdf")
    pages = _pdf_text(pdf)
    assert "Pending" in pages and re.search(r"Page 1 of \d+", pages)
    assert not MARKDOWN_LEFTOVERS.search(pages), MARKDOWN_LEFTOVERS.search(pages)
    _picture(pdf, "compilation")

    html = api.get(f"/api/drafts/{round_2021['rev1']}/compilation?format=html", user="chair.esp")
    assert "6.2 \u00b6" in html.text and "**" not in html.text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "compilation.html").write_text(html.text)


def test_the_html_redline_shows_the_form_not_the_markdown(
    api: Api, round_2021: dict[str, Any]
) -> None:
    url = (
        f"/api/drafts/{round_2021['rev1']}/export?format=html"
        f"&changes_since={round_2021['march']}&line_numbers=true"
    )
    page = api.get(url, user="delegate.rus").text
    main = page[page.index("<main>") :]
    assert "**" not in main and "### " not in main and "](" not in main
    assert '<span class="fmt-change d-USA"' in main  # emphasis added, shown as such
    assert re.search(r'<li class="para-ins"><ins class="d-USA"[^>]*>a </ins>', main)
    assert "<em>grounds for suspecting</em>" in main  # unchanged emphasis reads as emphasis
    legend = page[page.index('<aside class="legend">') : page.index("</aside>")]
    assert all(code in legend for code in ("CHE", "CPC", "USA"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "redline.html").write_text(page)
