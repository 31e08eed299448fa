"""Reading Word files back: sections, both tracked-change views, clear errors."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.exports.builders import DocxImportError, ExportSection, build_docx, parse_docx

from .builders_factory import REFERENCE, make_meta, make_sections

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _package(document_xml: str | None, *, styles: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if document_xml is not None:
            archive.writestr("word/document.xml", document_xml)
        if styles is not None:
            archive.writestr("word/styles.xml", styles)
    return buffer.getvalue()


def _document(body: str) -> str:
    return f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'


def test_round_trip_gives_numbers_titles_and_bodies_back() -> None:
    sections = make_sections()
    imported = parse_docx(build_docx(make_meta(), sections))
    assert [(s.number, s.title, s.level) for s in imported.sections] == [
        (s.number, s.title, s.level) for s in sections
    ]
    for got, section in zip(imported.sections, sections, strict=True):
        assert got.body_accepted == section.body, section.number
        assert got.body_rejected == section.body
    assert not imported.has_tracked_changes and imported.authors == ()


def test_round_trip_reads_reference_and_title() -> None:
    imported = parse_docx(build_docx(make_meta(), make_sections()))
    assert imported.reference == REFERENCE
    assert imported.title == "Best Practice Guide for Implementation of UNSCR 1540"
    assert imported.preamble is None


def test_round_trip_of_headings_quotes_and_code() -> None:
    body = "### Checklist\n\n> Quoted text.\n\n```\nline one\nline two\n```\n\nEnd."
    imported = parse_docx(build_docx(make_meta(), [ExportSection(1, "4", "Annex", 1, body)]))
    assert imported.sections[0].body_accepted == body


def test_links_keep_their_text_and_their_target() -> None:
    body = "See [the IAEA](https://www.iaea.org) guidance."
    imported = parse_docx(build_docx(make_meta(), [ExportSection(1, "4", "Links", 1, body)]))
    assert imported.sections[0].body_accepted == "See [the IAEA](https://www.iaea.org) guidance."


def test_word_tracked_changes_including_moves_are_resolved_both_ways() -> None:
    body = (
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>3.2 Controls</w:t></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">States </w:t></w:r>'
        '<w:del w:id="1" w:author="RUS"><w:r><w:delText>may</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="USA"><w:r><w:t>should</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> act</w:t></w:r>'
        '<w:moveFrom w:id="3" w:author="CHE"><w:r><w:t> now</w:t></w:r></w:moveFrom>'
        "<w:r><w:t>.</w:t></w:r>"
        '<w:moveTo w:id="4" w:author="CHE">'
        '<w:r><w:t xml:space="preserve"> Now.</w:t></w:r></w:moveTo>'
        "</w:p>"
    )
    styles = (
        f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Heading2">'
        '<w:name w:val="heading 2"/></w:style></w:styles>'
    )
    imported = parse_docx(_package(_document(body), styles=styles))
    section = imported.sections[0]
    assert (section.number, section.title, section.level) == ("3.2", "Controls", 2)
    assert section.body_accepted == "States should act. Now."
    assert section.body_rejected == "States may act now."
    assert imported.has_tracked_changes
    assert imported.authors == ("RUS", "USA", "CHE") == section.authors


def test_text_without_numbered_headings_lands_in_the_preamble() -> None:
    body = "<w:p><w:r><w:t>Only a revised paragraph.</w:t></w:r></w:p>"
    imported = parse_docx(_package(_document(body)))
    assert imported.sections == ()
    assert imported.preamble is not None
    assert imported.preamble.body_accepted == "Only a revised paragraph."


def test_not_a_zip_is_refused_clearly() -> None:
    with pytest.raises(DocxImportError, match="not a ZIP archive"):
        parse_docx(b"%PDF-1.7 definitely not a Word file")


def test_zip_without_document_part_is_refused_clearly() -> None:
    with pytest.raises(DocxImportError, match=r"word/document\.xml is missing"):
        parse_docx(_package(None))


def test_garbage_xml_is_refused_clearly() -> None:
    with pytest.raises(DocxImportError, match="not well-formed XML"):
        parse_docx(_package("<w:document><w:body><w:p>"))


def test_xml_that_is_not_a_word_document_is_refused() -> None:
    with pytest.raises(DocxImportError, match="not a Word document"):
        parse_docx(_package("<html><body/></html>"))


def test_empty_document_is_refused() -> None:
    with pytest.raises(DocxImportError, match="empty"):
        parse_docx(_package(_document("<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>")))


def test_entities_are_not_expanded() -> None:
    xml = '<!DOCTYPE d [<!ENTITY x "EXPANDED">]>' + _document(
        "<w:p><w:r><w:t>a&x;b</w:t></w:r></w:p>"
    )
    with pytest.raises(DocxImportError, match="declares a DOCTYPE") as info:
        parse_docx(_package(xml))  # refused outright since finding 6 (see test_hostile_docx)
    assert "EXPANDED" not in info.value.message


def test_error_message_is_available_as_attribute() -> None:
    with pytest.raises(DocxImportError) as info:
        parse_docx(b"")
    assert info.value.message == str(info.value)
