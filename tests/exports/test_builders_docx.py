"""The clean DOCX export: real Word styles, page header, A4, safe text."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.shared import Mm

from app.exports.builders import ExportSection, build_docx

from .builders_factory import REFERENCE, make_meta, make_sections


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _styled(doc: Document) -> list[tuple[str, str]]:
    return [(p.style.name if p.style else "", p.text) for p in doc.paragraphs]


def test_title_and_section_headings_use_word_styles() -> None:
    doc = _open(build_docx(make_meta(), make_sections()))
    styled = _styled(doc)
    assert styled[0] == ("Title", "Best Practice Guide for Implementation of UNSCR 1540")
    headings = [(s, t) for s, t in styled if s.startswith("Heading")]
    assert ("Heading 1", "1 Introduction") in headings
    assert ("Heading 2", "1.1 Scope of the guide") in headings
    assert ("Heading 2", "1.2 Предыстория (Background)") in headings
    assert len([h for h in headings if h[0] in ("Heading 1", "Heading 2")]) == 8


def test_lists_use_list_styles_including_nesting_and_numbers() -> None:
    styled = _styled(_open(build_docx(make_meta(), make_sections())))
    assert ("List Bullet", "national legislation;") in styled
    assert ("List Bullet 2", "originals") in styled
    assert ("List Number", "a national register;") in styled


def test_emphasis_becomes_bold_and_italic_runs() -> None:
    doc = _open(build_docx(make_meta(), make_sections()))
    para = next(p for p in doc.paragraphs if p.text.startswith("This Best Practice Guide"))
    runs = {r.text: (bool(r.bold), bool(r.italic)) for r in para.runs}
    assert runs["Best Practice Guide"] == (False, True)
    assert runs["effective"] == (True, False)


def test_page_header_has_reference_language_and_date() -> None:
    doc = _open(build_docx(make_meta(), make_sections()))
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert REFERENCE in header
    assert "Original: ENGLISH" in header
    assert "27 April 2021" in header


def test_page_is_a4_portrait() -> None:
    section = _open(build_docx(make_meta(), make_sections())).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)


def test_body_headings_become_heading_3() -> None:
    section = ExportSection(1, "4", "Annex", 1, "### Checklist\n\nDone.")
    styled = _styled(_open(build_docx(make_meta(), [section])))
    assert ("Heading 3", "Checklist") in styled


def test_raw_html_is_written_as_text_not_interpreted() -> None:
    body = "Before <script>alert(1)</script> after.\n\n<div>block</div>"
    doc = _open(build_docx(make_meta(), [ExportSection(1, "1", "X", 1, body)]))
    texts = [p.text for p in doc.paragraphs]
    assert "Before <script>alert(1)</script> after." in texts
    assert "<div>block</div>" in texts


def test_only_safe_links_become_hyperlinks() -> None:
    body = "See [the IAEA](https://www.iaea.org) and [this](ftp://example.org/x)."
    data = build_docx(make_meta(), [ExportSection(1, "1", "Links", 1, body)])
    doc = _open(data)
    targets = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    assert targets == ["https://www.iaea.org"]
    assert any(p.text == "See the IAEA and this." for p in doc.paragraphs)


def test_each_numbered_list_restarts_at_its_own_start() -> None:
    body = "1. a\n2. b\n\nBetween.\n\n5. c\n6. d"
    doc = _open(build_docx(make_meta(), [ExportSection(1, "1", "Lists", 1, body)]))
    num_ids = []
    for para in doc.paragraphs:
        if para.style is not None and para.style.name == "List Number":
            num_ids.append(int(para._p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)")))
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = doc.part.numbering_part.element
    starts = [
        numbering.num_having_numId(n).xpath("./w:lvlOverride/w:startOverride/@w:val")[0]
        for n in (num_ids[0], num_ids[2])
    ]
    assert starts == ["1", "5"]


def test_control_characters_are_stripped() -> None:
    section = ExportSection(1, "1", "Bad\x0bTitle", 1, "Text\x01 with\x1f controls.")
    doc = _open(build_docx(make_meta(), [section]))
    assert "Text with controls." in [p.text for p in doc.paragraphs]
