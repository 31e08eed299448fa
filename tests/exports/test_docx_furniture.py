"""The furniture of every export: page header, "Page X of Y" footer, line numbers.

Checked twice: in the saved WordprocessingML (fields, section properties, style
flags, schema order), and as LibreOffice lays the pages out (the PDF's text per
page, the OpenDocument it converts to). The HTML page's printed furniture and
margin numbers are checked here too, in its stylesheet and markup.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn

from app.exports.builders import ExportSection, build_html, parse_docx
from app.exports.builders.html_page import css_string
from app.exports.builders.ooxml import new_guide_document, set_page, to_bytes
from tests.exports.soffice import libreoffice_convert

from .builders_factory import REFERENCE, make_meta

BODY_STYLES_UNNUMBERED = ("Title", "Subtitle", "Heading 1", "Heading 2", "Header", "Footer")


def pdf_page_text(pdf: Path, page: int, *, layout: bool = False) -> str:
    """The text pdftotext reads from one page of ``pdf``."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def _reopen(doc: Document) -> Document:
    return docx.Document(io.BytesIO(to_bytes(doc)))


def _two_pages(**meta: object) -> Document:
    doc = new_guide_document(make_meta(**meta))
    doc.add_paragraph("Best Practice Guide", style="Title")
    doc.add_paragraph("1 Introduction", style="Heading 1")
    doc.add_paragraph("First page text.")
    doc.add_paragraph("Another line on the first page.")
    doc.add_page_break()
    doc.add_paragraph("Second page text.")
    return doc


def _field_instructions(paragraph_xml: docx.oxml.xmlchemy.BaseOxmlElement) -> list[str]:
    return [t.strip() for t in paragraph_xml.xpath(".//w:instrText/text()")]


# -- the Word file -------------------------------------------------------------------------


def test_footer_reads_page_x_of_y_from_page_and_numpages_fields() -> None:
    doc = _reopen(_two_pages())
    footer = doc.sections[0].footer
    assert not footer.is_linked_to_previous
    (para,) = footer.paragraphs
    assert para.alignment is not None and para.alignment == 1  # centred
    assert _field_instructions(para._p) == ["PAGE", "NUMPAGES"]
    kinds = para._p.xpath(".//w:fldChar/@w:fldCharType")
    assert kinds == ["begin", "separate", "end"] * 2
    assert para.text == "Page 1 of 1"  # the cached results, until a reader lays out pages


def test_header_keeps_the_reference_first_and_the_importer_reads_it_back() -> None:
    doc = _two_pages()
    lines = [p.text for p in doc.sections[0].header.paragraphs]
    assert lines == [REFERENCE, "Original: ENGLISH", "27 April 2021"]
    assert parse_docx(to_bytes(doc)).reference == REFERENCE


def test_no_line_numbers_unless_asked() -> None:
    doc = _reopen(_two_pages())
    assert doc.sections[0]._sectPr.find(qn("w:lnNumType")) is None
    assert not doc.element.xpath("//w:suppressLineNumbers")
    assert not doc.styles.element.xpath("//w:suppressLineNumbers")


def test_line_numbers_count_every_line_and_restart_on_each_page() -> None:
    doc = _reopen(_two_pages(line_numbers=True))
    sect_pr = doc.sections[0]._sectPr
    (numbering,) = sect_pr.findall(qn("w:lnNumType"))
    assert numbering.get(qn("w:countBy")) == "1"
    assert numbering.get(qn("w:restart")) == "newPage"
    assert 250 <= int(numbering.get(qn("w:distance"))) <= 300  # about 0.5 cm
    order = [child.tag.split("}")[1] for child in sect_pr]
    assert order.index("pgMar") < order.index("lnNumType") < order.index("cols")


def test_titles_headings_header_and_footer_are_not_counted() -> None:
    doc = _reopen(_two_pages(line_numbers=True))
    for name in BODY_STYLES_UNNUMBERED:
        p_pr = doc.styles[name].element.pPr
        assert p_pr is not None and p_pr.find(qn("w:suppressLineNumbers")) is not None, name
        tags = [child.tag for child in p_pr]
        at = tags.index(qn("w:suppressLineNumbers"))
        for later in ("w:spacing", "w:jc", "w:outlineLvl", "w:rPr"):
            assert qn(later) not in tags[:at], (name, later)  # schema order kept
    normal = doc.styles["Normal"].element.pPr
    assert normal is None or normal.find(qn("w:suppressLineNumbers")) is None


def test_an_added_landscape_section_inherits_header_footer_and_numbering() -> None:
    doc = _two_pages(line_numbers=True)
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    set_page(landscape, landscape=True)
    doc = _reopen(doc)
    last = doc.sections[-1]
    assert last.page_width is not None and last.page_height is not None
    assert last.page_width > last.page_height
    assert last.header.is_linked_to_previous and last.footer.is_linked_to_previous
    assert last._sectPr.find(qn("w:lnNumType")) is not None


# -- as LibreOffice lays it out --------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_prints_page_x_of_y_on_every_page(tmp_path: Path) -> None:
    source = tmp_path / "two.docx"
    source.write_bytes(to_bytes(_two_pages()))
    pdf = libreoffice_convert(source, "pdf", tmp_path)
    first, second = pdf_page_text(pdf, 1), pdf_page_text(pdf, 2)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    for text in (first, second):
        assert REFERENCE in text and "Original: ENGLISH" in text and "27 April 2021" in text
    assert "First page text." in first and "Second page text." in second


@pytest.mark.slow
@pytest.mark.parametrize("how", ["whole document", "added section"])
def test_libreoffice_keeps_header_and_footer_on_landscape_pages(how: str, tmp_path: Path) -> None:
    doc = _two_pages()
    if how == "whole document":
        set_page(doc.sections[0], landscape=True)
    else:
        set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        doc.add_paragraph("Third page, landscape.")
    source = tmp_path / "landscape.docx"
    source.write_bytes(to_bytes(doc))
    pdf = libreoffice_convert(source, "pdf", tmp_path)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9", str(pdf)], capture_output=True, check=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    pages = len(sizes)
    last_width, last_height = map(float, sizes[-1])
    assert last_width > last_height
    text = pdf_page_text(pdf, pages)
    assert f"Page {pages} of {pages}" in text
    assert REFERENCE in text and "Original: ENGLISH" in text


@pytest.mark.slow
def test_libreoffice_numbers_body_lines_from_one_on_each_page(tmp_path: Path) -> None:
    source = tmp_path / "numbered.docx"
    source.write_bytes(to_bytes(_two_pages(line_numbers=True)))
    pdf = libreoffice_convert(source, "pdf", tmp_path)
    first = pdf_page_text(pdf, 1, layout=True).splitlines()
    second = pdf_page_text(pdf, 2, layout=True).splitlines()
    assert any(re.match(r"\s*1\s+First page text\.", line) for line in first)
    assert any(re.match(r"\s*2\s+Another line", line) for line in first)
    assert any(re.match(r"\s*1\s+Second page text\.", line) for line in second)
    unnumbered = ("Best Practice Guide", "1 Introduction", REFERENCE, "Original", "Page ")
    for line in first + second:  # nothing left of title, heading, header or footer
        for text in unnumbered:
            if text in line:
                assert not line[: line.index(text)].strip(), line
    fodt = libreoffice_convert(source, "fodt", tmp_path).read_text(encoding="utf-8")
    (config,) = re.findall(r"<text:linenumbering-configuration[^>]*>", fodt)
    assert 'text:restart-on-page="true"' in config and 'text:increment="1"' in config


# -- the HTML page -----------------------------------------------------------------------------


def _html(**meta: object) -> str:
    body = "<p>One.</p><ul><li>item</li></ul>"
    return build_html(make_meta(**meta), [ExportSection(1, "1", "Intro", 1, "x", body)])


def test_html_header_block_matches_the_word_header() -> None:
    html = _html()
    header = html[html.index('<header class="doc-header">') : html.index("</header>")]
    positions = [header.index(s) for s in (REFERENCE, "Original: ENGLISH", "27 April 2021")]
    assert positions == sorted(positions)
    assert '<time datetime="2021-04-27">' in header


def test_html_prints_reference_and_page_x_of_y_on_every_page() -> None:
    html = _html()
    style = html[html.index("<style>") : html.index("</style>")]
    assert '@bottom-center { content: "Page " counter(page) " of " counter(pages);' in style
    assert f"@top-right {{ content: {css_string(REFERENCE)};" in style
    assert "@page :first { @top-right { content: none; } }" in style


def test_html_has_no_script_and_no_inline_style_attribute() -> None:
    html = _html(line_numbers=True)
    assert "<script" not in html.lower()
    assert " style=" not in html.lower()


def test_html_numbers_paragraphs_and_list_items_only_when_asked() -> None:
    plain, numbered = _html(), _html(line_numbers=True)
    assert "<body>" in plain and "counter-reset: line" not in plain
    assert '<body class="line-numbers">' in numbered
    assert "body.line-numbers main { counter-reset: line;" in numbered
    assert "body.line-numbers main p, body.line-numbers main li { counter-increment: line; }" in (
        numbered
    )


@pytest.mark.parametrize(
    "hostile", ["</style><script>alert(1)</script>", 'x"; } body { display: none } a { b: "', "\\"]
)
def test_css_strings_cannot_break_out_of_the_stylesheet(hostile: str) -> None:
    html = build_html(make_meta(reference=hostile), [])
    style = html[html.index("<style>") + len("<style>") : html.index("</style>")]
    assert "<" not in style and "display: none" not in style
    quoted = css_string(hostile)
    assert quoted.count('"') == 2 and quoted.startswith('"') and quoted.endswith('"')
    assert f"@top-right {{ content: {quoted};" in style


def test_css_string_escapes_round_trip() -> None:
    def unescape(quoted: str) -> str:
        return re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), quoted[1:-1])

    for text in (REFERENCE, "Рев.1 / «проект»", 'a"b\\c', "tab\there"):
        assert unescape(css_string(text)) == text.replace("\t", "")
