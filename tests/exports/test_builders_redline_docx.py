"""The DOCX redline: real tracked changes, authored and dated per delegation."""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree  # type: ignore[import-untyped]

from app.exports.builders import Change, RedlineSection, build_docx_redline, parse_docx

from .builders_factory import REFERENCE, make_meta, make_redline

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def _attr(element: etree._Element, name: str) -> str:
    return str(element.get(f"{{{W}}}{name}"))


def test_insertions_and_deletions_are_word_revisions_with_authors_and_dates() -> None:
    root = _document_xml(build_docx_redline(make_meta(), make_redline()))
    inserted = root.xpath("//w:ins[w:r]", namespaces=NS)
    deleted = root.xpath("//w:del[w:r]", namespaces=NS)
    assert {_attr(e, "author") for e in inserted} == {"USA", "CHE", "RUS"}
    assert {_attr(e, "author") for e in deleted} == {"RUS", "USA", "CHE"}
    usa = next(e for e in inserted if "".join(e.itertext()) == "effective")
    assert _attr(usa, "date") == "2021-04-27T10:00:00Z"
    che = next(e for e in inserted if "".join(e.itertext()) == " and non-binding")
    assert _attr(che, "date") == "2021-04-28T15:30:00Z"


def test_deleted_text_is_in_deltext_and_inserted_text_in_t() -> None:
    root = _document_xml(build_docx_redline(make_meta(), make_redline()))
    assert root.xpath("//w:del//w:t", namespaces=NS) == []
    assert root.xpath("//w:ins//w:delText", namespaces=NS) == []
    deleted = ["".join(e.itertext()) for e in root.xpath("//w:del[w:r]", namespaces=NS)]
    assert "useful" in deleted
    preserved = root.xpath("//w:delText/@xml:space", namespaces=NS)
    assert preserved and set(preserved) == {"preserve"}


def test_revision_ids_are_unique() -> None:
    root = _document_xml(build_docx_redline(make_meta(), make_redline()))
    ids = root.xpath("//w:ins/@w:id | //w:del/@w:id", namespaces=NS)
    assert len(ids) > 10
    assert len(ids) == len(set(ids))


def test_new_paragraph_has_an_inserted_paragraph_mark() -> None:
    root = _document_xml(build_docx_redline(make_meta(), make_redline()))
    marks = root.xpath("//w:p[w:pPr/w:rPr/w:ins]", namespaces=NS)
    texts = ["".join(p.itertext()) for p in marks]
    assert "The guide covers national legislation." in texts
    merged = root.xpath("//w:p[w:pPr/w:rPr/w:del]", namespaces=NS)
    assert any("".join(p.itertext()).startswith("First part") for p in merged)


def test_added_section_is_inserted_whole_and_removed_section_deleted_whole() -> None:
    body = _document_xml(build_docx_redline(make_meta(), make_redline()))
    added = next(p for p in body.iter(f"{{{W}}}p") if "".join(p.itertext()) == "3 Outreach")
    assert added.xpath("./w:ins/w:r", namespaces=NS)
    assert added.xpath("./w:pPr/w:rPr/w:ins/@w:author", namespaces=NS) == ["USA"]
    removed = next(
        p for p in body.iter(f"{{{W}}}p") if "".join(p.itertext()) == "2.2 Obsolete record keeping"
    )
    assert removed.xpath("./w:del/w:r/w:delText", namespaces=NS)
    assert removed.xpath("./w:pPr/w:rPr/w:del/@w:author", namespaces=NS) == ["RUS"]


def test_headings_keep_word_styles_and_header_has_reference() -> None:
    doc = docx.Document(io.BytesIO(build_docx_redline(make_meta(), make_redline())))
    styles = {p.style.name for p in doc.paragraphs if p.style is not None}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert REFERENCE in header and "Original: ENGLISH" in header


def test_accepting_gives_the_new_text_and_rejecting_the_old() -> None:
    redline = make_redline()
    imported = parse_docx(build_docx_redline(make_meta(), redline))
    assert imported.has_tracked_changes
    assert set(imported.authors) == {"USA", "RUS", "CHE"}
    assert [s.number for s in imported.sections] == [s.number for s in redline]
    for got, section in zip(imported.sections, redline, strict=True):
        assert got.body_accepted == section.new_body, section.number
        assert got.body_rejected == section.old_body, section.number


def test_added_and_removed_sections_read_back_empty_on_the_other_side() -> None:
    imported = {
        s.number: s for s in parse_docx(build_docx_redline(make_meta(), make_redline())).sections
    }
    assert imported["3"].title_rejected == "" and imported["3"].body_rejected == ""
    assert imported["3"].title == "Outreach"
    assert imported["2.2"].body_accepted == ""
    assert imported["2.2"].title_rejected == "Obsolete record keeping"
    assert imported["2.2"].body_rejected == "Records were kept on paper.\n\nMicrofilm was used."


def test_shared_list_markers_choose_list_styles() -> None:
    section = RedlineSection(
        1,
        "1",
        "Lists",
        1,
        (Change("equal", "- first\n- sec"), Change("insert", "ond", "USA"), Change("equal", "\n")),
        "changed",
    )
    root = _document_xml(build_docx_redline(make_meta(), [section]))
    styled = [
        (p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS), "".join(p.itertext()))
        for p in root.iter(f"{{{W}}}p")
    ]
    assert ("ListBullet", "first") in styled
    assert ("ListBullet", "second") in styled
    imported = parse_docx(build_docx_redline(make_meta(), [section])).sections[0]
    assert imported.body_accepted == "- first\n- second"
    assert imported.body_rejected == "- first\n- sec"
