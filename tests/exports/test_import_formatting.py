"""Word files back into Markdown that keeps what Word carries, and says what it could not.

Files are built here with python-docx (for real styles and numbering parts)
and raw WordprocessingML for what python-docx cannot write: tracked
formatting and paragraph changes, inserted paragraph marks, fields, text
boxes, footnote references. Each is read by the pure reader first, then
imported end to end through the HTTP API.
"""

from __future__ import annotations

import datetime
import io
import struct
import zlib
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from app.exports.builders import ExportMeta, ExportSection, build_docx, parse_docx
from app.exports.builders.model import ImportedSection
from app.exports.builders.ooxml import add_hyperlink
from app.seed import DOCUMENT_TITLE, read_guide
from tests.conftest import Api
from tests.exports.builders_factory import make_meta
from tests.exports.rounds import REFERENCE, Round, run_round

WHEN = "2021-05-01T10:00:00Z"
VML = "urn:schemas-microsoft-com:vml"


# --- building Word files -----------------------------------------------------------------


def new_document(heading: str = "4 Annex") -> Document:
    """A blank python-docx document with one numbered section heading."""
    document = docx.Document()
    document.add_paragraph(heading, style="Heading 1")
    return document


def add_xml(document: Document, inner: str) -> Any:
    """Append a ``w:p`` with the given content (WordprocessingML) to the body."""
    element = parse_xml(f'<w:p {nsdecls("w", "r", "m")} xmlns:v="{VML}">{inner}</w:p>')
    document.element.body.find(qn("w:sectPr")).addprevious(element)
    return element


def add_after(paragraph: Paragraph, inner: str) -> Any:
    """Insert a ``w:p`` with the given content right after ``paragraph``."""
    element = parse_xml(f"<w:p {nsdecls('w', 'r')}>{inner}</w:p>")
    paragraph._p.addnext(element)
    return element


def saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def section_of(content: bytes, index: int = 0) -> ImportedSection:
    return parse_docx(content).sections[index]


def tiny_png() -> bytes:
    """A valid one-pixel PNG, for python-docx's add_picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def ins(inner: str, author: str = "USA", rid: int = 100) -> str:
    return f'<w:ins w:id="{rid}" w:author="{author}" w:date="{WHEN}">{inner}</w:ins>'


def run(text: str, props: str = "") -> str:
    r_pr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{r_pr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def style(style_id: str, extra: str = "") -> str:
    return f'<w:pPr><w:pStyle w:val="{style_id}"/>{extra}</w:pPr>'


def mark(kind: str, author: str = "USA", rid: int = 200) -> str:
    """A paragraph mark's own revision (``w:pPr/w:rPr/w:ins|w:del``)."""
    return f'<w:rPr><w:{kind} w:id="{rid}" w:author="{author}" w:date="{WHEN}"/></w:rPr>'


# --- reading: inline formatting ----------------------------------------------------------


def test_runs_keep_bold_italic_code_and_links() -> None:
    document = new_document()
    paragraph = document.add_paragraph("Plain ")
    paragraph.add_run("bold").bold = True
    paragraph.add_run(", ")
    paragraph.add_run("italic").italic = True
    paragraph.add_run(", ")
    paragraph.add_run("both").font.bold = True
    paragraph.runs[-1].italic = True
    paragraph.add_run(", ")
    paragraph.add_run("a_code(1)").font.name = "Courier New"
    paragraph.add_run(" and ")
    add_hyperlink(paragraph, "the IAEA", "https://www.iaea.org/guide")
    paragraph.add_run(", ")
    add_hyperlink(paragraph, "info@osce.org", "mailto:info@osce.org")
    paragraph.add_run(".")
    strong = document.add_paragraph("A ")
    strong.add_run("styled").style = "Strong"
    strong.add_run(" word.")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "Plain **bold**, *italic*, ***both***, `a_code(1)` and "
        "[the IAEA](https://www.iaea.org/guide), <info@osce.org>.\n\n"
        "A **styled** word."
    )
    assert section.body_rejected == section.body_accepted
    assert section.not_carried == ()


def test_a_tracked_formatting_change_reads_new_when_accepted_and_old_when_rejected() -> None:
    document = new_document()
    change = f'<w:rPrChange w:id="1" w:author="USA" w:date="{WHEN}">{{}}</w:rPrChange>'
    add_xml(
        document,
        run("States ")
        + run("should", "<w:b/>" + change.format("<w:rPr/>"))  # made bold
        + run(" act ")
        + run("now", change.format("<w:rPr><w:i/></w:rPr>"))  # italic taken off
        + run(" and ")
        + run("here", '<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/>' + change.format(""))
        + run("."),
    )
    imported = parse_docx(saved(document))
    section = imported.sections[0]
    assert section.body_accepted == "States **should** act now and `here`."
    assert section.body_rejected == "States should act *now* and here."
    assert imported.has_tracked_changes and section.authors == ("USA",)


def test_a_tracked_style_change_makes_a_paragraph_a_list_item_only_when_accepted() -> None:
    document = new_document()
    document.add_paragraph("Measures include:")
    add_xml(
        document,
        style(
            "ListBullet",
            f'<w:pPrChange w:id="5" w:author="RUS" w:date="{WHEN}"><w:pPr/></w:pPrChange>',
        )
        + run("export licensing"),
    )
    section = section_of(saved(document))
    assert section.body_accepted == "Measures include:\n\n- export licensing"
    assert section.body_rejected == "Measures include:\n\nexport licensing"
    assert section.authors == ("RUS",)


# --- reading: paragraph marks and lists --------------------------------------------------


def test_a_new_list_item_inserted_with_its_mark_goes_away_whole_on_rejection() -> None:
    document = new_document()
    document.add_paragraph("Records cover:")
    document.add_paragraph("paper files", style="List Bullet")
    add_xml(document, style("ListBullet", mark("ins")) + ins(run("electronic files")))
    document.add_paragraph("They are kept ten years.")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "Records cover:\n\n- paper files\n- electronic files\n\nThey are kept ten years."
    )
    # The paragraph after the new item keeps its own (plain) form when the item goes.
    assert section.body_rejected == "Records cover:\n\n- paper files\n\nThey are kept ten years."


def test_an_item_typed_after_the_last_one_with_enter_joins_back_on_rejection() -> None:
    """Word marks the mark of the item Enter was pressed in as inserted."""
    document = new_document()
    add_xml(document, style("ListBullet", mark("ins")) + run("paper files"))
    add_xml(document, style("ListBullet") + ins(run("electronic files")))
    document.add_paragraph("They are kept ten years.")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "- paper files\n- electronic files\n\nThey are kept ten years."
    )
    assert section.body_rejected == "- paper files\n\nThey are kept ten years."


def test_deleted_marks_join_paragraphs_when_accepted() -> None:
    document = new_document()
    document.add_paragraph("one", style="List Bullet")
    deleted = (
        f'<w:del w:id="7" w:author="CHE" w:date="{WHEN}">'
        "<w:r><w:delText>two</w:delText></w:r></w:del>"
    )
    add_xml(document, style("ListBullet", mark("del", "CHE")) + deleted)
    document.add_paragraph("three", style="List Bullet")
    add_xml(document, f"<w:pPr>{mark('del', 'CHE', 8)}</w:pPr>" + run("First part."))
    document.add_paragraph(" Second part.")
    section = section_of(saved(document))
    assert section.body_accepted == "- one\n- three\n\nFirst part. Second part."
    assert section.body_rejected == "- one\n- two\n- three\n\nFirst part.\n\nSecond part."


def _numbering(document: Document) -> None:
    """A list definition: decimal at level 0, bullets at level 1, as numId 90."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )


def _numbered(document: Document, text: str, level: int, style_id: str = "ListParagraph") -> None:
    num_pr = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
    add_xml(document, style(style_id, num_pr) + run(text))


def test_word_numbering_on_any_style_gives_numbered_and_nested_items() -> None:
    document = new_document()
    _numbering(document)
    document.add_paragraph("Steps:")
    _numbered(document, "register the materials", 0)
    _numbered(document, "by type", 1)
    _numbered(document, "by location", 1)
    _numbered(document, "inspect them", 0)
    section = section_of(saved(document))
    assert section.body_accepted == (
        "Steps:\n\n1. register the materials\n   - by type\n   - by location\n2. inspect them"
    )


def test_a_list_bullet_item_indented_in_word_nests() -> None:
    document = new_document()
    document.add_paragraph("paper records", style="List Bullet")
    # Word's Tab in a "List Bullet" paragraph keeps the style and sets the level.
    add_xml(
        document,
        style("ListBullet", '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>')
        + run("originals"),
    )
    document.add_paragraph("certified copies", style="List Bullet 2")
    document.add_paragraph("electronic records", style="List Bullet")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "- paper records\n  - originals\n  - certified copies\n- electronic records"
    )


def test_headings_inside_a_body_are_markdown_headings_and_never_list_items() -> None:
    document = new_document()
    document.add_paragraph("Intro.")
    heading = document.add_paragraph("Checklist for ", style="Heading 3")
    heading.add_run("licensing").italic = True
    add_xml(
        document,
        style("Heading4", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
        + run("Numbered heading"),
    )
    document.add_paragraph("Body.")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "Intro.\n\n### Checklist for *licensing*\n\n#### Numbered heading\n\nBody."
    )


# --- reading: links ----------------------------------------------------------------------


def test_hyperlink_fields_keep_their_target_and_other_targets_are_noted() -> None:
    document = new_document()
    add_xml(
        document,
        run("See ")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://www.osce.org/fsc" '
        '\\o "tip" </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("the FSC page")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + run(", ")
        + f'<w:fldSimple {nsdecls("w")} w:instr=" HYPERLINK \\l &quot;annex&quot; ">'
        + run("the annex")
        + "</w:fldSimple>"
        + run(" and ")
        + '<w:hyperlink w:anchor="top">'
        + run("the top")
        + "</w:hyperlink>"
        + run("."),
    )
    paragraph = document.add_paragraph("A ")
    add_hyperlink(paragraph, "shared file", "file:///S:/FSC/guide.docx")
    paragraph.add_run(" too.")
    section = section_of(saved(document))
    assert section.body_accepted == (
        "See [the FSC page](https://www.osce.org/fsc), the annex and the top.\n\nA shared file too."
    )
    assert section.not_carried == ('a link kept only its text ("file:///S:/FSC/guide.docx")',)


# --- reading: what Markdown cannot hold ---------------------------------------------------

TEXT_BOX = (
    "<w:r><w:pict>"
    '<v:shape id="box" style="width:100pt;height:40pt"><v:textbox><w:txbxContent>'
    "<w:p><w:r><w:t>Sidebar: regional workshops help</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape>"
    "</w:pict></w:r>"
)
EQUATION = (
    '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
    "<m:r><m:t>x=1</m:t></m:r></m:oMath>"
)


def _lossy_document() -> Document:
    """Two sections: 4 with an image, a text box, a footnote and an equation; 5 with tables."""
    document = new_document()
    document.add_paragraph("Text before the picture.")
    document.add_picture(io.BytesIO(tiny_png()))
    add_xml(document, run("Boxed: ") + TEXT_BOX)
    add_xml(document, run("Noted") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + EQUATION)
    formatted = document.add_paragraph("Some ")
    formatted.add_run("underlined").underline = True
    formatted.add_run(" and ")
    formatted.add_run("struck").font.strike = True
    formatted.add_run(" words.")
    document.add_paragraph("5 Tables", style="Heading 1")
    document.add_paragraph("Simple:")
    simple = document.add_table(rows=2, cols=2)
    for row, values in zip(simple.rows, [("Year", "Count"), ("2020", "12")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Spanning heading"
    merged.cell(1, 0).text = "left"
    merged.cell(1, 1).text = "right"
    document.add_paragraph("After the tables.")
    return document


def test_what_markdown_cannot_hold_is_listed_per_section() -> None:
    four, five = parse_docx(saved(_lossy_document())).sections
    assert four.body_accepted == (
        "Text before the picture.\n\nBoxed:\n\nNoted\n\nSome underlined and struck words."
    )
    assert four.not_carried == (
        "an image was not imported",
        'a text box was not imported ("Sidebar: regional workshops help")',
        "an equation was not imported",
        "a footnote was dropped",
        "underlined text was imported without its underlining",
        "struck-through text was imported as ordinary text",
    )
    assert five.body_accepted == (
        "Simple:\n\nYear\n\nCount\n\n2020\n\n12\n\nSpanning heading\n\nleft\n\nright"
        "\n\nAfter the tables."
    )
    assert five.not_carried == (
        "a table was imported as plain paragraphs, one per cell",
        "a table with merged cells was imported as plain paragraphs, one per cell",
    )


def test_deleted_images_and_footnotes_are_not_listed() -> None:
    document = new_document()
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    graphic = picture._inline.getparent()  # the w:drawing
    tracked = parse_xml(
        f'<w:del {nsdecls("w")} w:id="9" w:author="RUS" w:date="{WHEN}"><w:r/></w:del>'
    )
    run_element = graphic.getparent()
    run_element.addprevious(tracked)
    tracked[0].append(graphic)
    run_element.getparent().remove(run_element)
    add_xml(
        document,
        run("Kept")
        + f'<w:del w:id="10" w:author="RUS" w:date="{WHEN}">'
        + '<w:r><w:footnoteReference w:id="1"/></w:r></w:del>',
    )
    section = section_of(saved(document))
    assert section.body_accepted == "Kept" and section.not_carried == ()


def test_the_clean_export_round_trips_formatting_exactly_and_notes_nothing() -> None:
    body = (
        "Intro **bold**, *it*, `code` and [the IAEA](https://www.iaea.org), <https://osce.org>."
        "\n\n- one\n  - nested **b**\n- two\n\n1. a\n2. b\n\n### Head\n\n> A quote."
    )
    section = section_of(build_docx(make_meta(), [ExportSection(1, "4", "Form", 1, body)]))
    assert section.body_accepted == section.body_rejected == body
    assert section.not_carried == () and section.comments == ()


def test_the_seeded_guide_exported_has_nothing_to_report() -> None:
    sections = [
        ExportSection(i, s.number, s.title, s.number.count(".") + 1, s.body)
        for i, s in enumerate(read_guide(), start=1)
    ]
    meta = ExportMeta(DOCUMENT_TITLE, REFERENCE, "Draft", datetime.date(2021, 3, 16))
    imported = parse_docx(build_docx(meta, sections))
    assert [s.not_carried for s in imported.sections if s.not_carried] == []
    assert imported.stray_comments == () and imported.preamble is None


# --- through the HTTP API ----------------------------------------------------------------


@pytest.fixture
def merged(api: Api, guide: dict[str, Any]) -> Round:
    return run_round(api, guide)


def upload(api: Api, url: str, content: bytes, user: str = "delegate.che", **form: Any) -> Any:
    files = {"file": ("revised.docx", content)}
    return api.post(url, user=user, files=files, data={k: str(v) for k, v in form.items()})


def exported(api: Api, merged: Round) -> Document:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    return docx.Document(io.BytesIO(content))


def paragraph_with(document: Document, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text == text)


def test_tracked_formatting_and_a_new_list_item_become_the_proposal(
    api: Api, merged: Round
) -> None:
    document = exported(api, merged)
    c = paragraph_with(document, "Records should be kept for ten years.")
    for r in c.runs:
        r._r.getparent().remove(r._r)
    change = f'<w:rPrChange w:id="301" w:author="CHE" w:date="{WHEN}"><w:rPr/></w:rPrChange>'
    for element in (
        run("Records should be kept for "),
        run("ten years", "<w:b/>" + change),
        run(", on "),
        ins(run("paper or ")),
        run("file:"),
    ):
        c._p.append(_with_ns(element))
    item = add_after(c, style("ListBullet", mark("ins", "CHE")) + ins(run("originals"), "CHE"))
    item.addnext(
        parse_xml(
            f"<w:p {nsdecls('w')}>{style('ListBullet', mark('ins', 'CHE', 202))}"
            f"{ins(run('certified copies'), 'CHE', 102)}</w:p>"
        )
    )
    response = upload(api, f"/api/drafts/{merged.new}/import", saved(document))
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    assert proposal["section_id"] == merged.sections["c"]["id"]
    assert proposal["body"] == (
        "Records should be kept for **ten years**, on paper or file:\n\n"
        "- originals\n- certified copies\n"
    )
    assert proposal["not_carried"] == []


def _with_ns(element: str) -> Any:
    """A run (or ``w:ins``) element parsed with the WordprocessingML namespace declared."""
    tag_end = element.index(">")
    head = element[:tag_end]
    if head.endswith("/"):
        head = head[:-1]
    return parse_xml(head + f" {nsdecls('w')}" + element[tag_end:])


def body_paragraph(document: Document, number: str) -> Paragraph:
    """The first paragraph after the heading of section ``number``."""
    paragraphs = document.paragraphs
    index = next(
        i
        for i, p in enumerate(paragraphs)
        if p.style is not None
        and p.style.name.startswith("Heading")
        and p.text.startswith(f"{number} ")
    )
    return paragraphs[index + 1]


def retype(paragraph: Paragraph, text: str) -> None:
    paragraph.runs[0].text = text
    for extra in paragraph.runs[1:]:
        extra.text = ""


def picture_after(paragraph: Paragraph) -> None:
    holder = paragraph.insert_paragraph_before("")
    holder.add_run().add_picture(io.BytesIO(tiny_png()))
    paragraph._p.addnext(holder._p)  # move it after


def merged_table_after(document: Document, paragraph: Paragraph) -> None:
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Period"
    table.cell(1, 0).text = "paper"
    table.cell(1, 1).text = "ten years"
    paragraph._p.addnext(table._tbl)


def test_what_could_not_be_carried_is_listed_on_the_proposals(api: Api, merged: Round) -> None:
    b, c, d = (merged.sections[k]["number"] for k in "bcd")
    document = exported(api, merged)
    c_text = body_paragraph(document, c)
    retype(c_text, "Records should be kept for fifteen years.")
    picture_after(c_text)
    merged_table_after(document, body_paragraph(document, d))
    footnote = parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>')
    body_paragraph(document, b)._p.append(footnote)  # b's text is unchanged
    first = next(
        p for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    )
    first.insert_paragraph_before("A covering note from the delegation.")

    response = upload(api, f"/api/drafts/{merged.new}/import", saved(document))
    assert response.status_code == 201, response.text
    on_c, on_d = response.json()
    assert on_c["section_number"] == c and on_d["section_number"] == d
    assert on_c["body"] == "Records should be kept for fifteen years.\n"
    assert on_d["body"] == "Outreach is essential.\n\nPeriod\n\npaper\n\nten years\n"
    # Its own section's notes first, then (on the first proposal only) the rest of the file.
    assert on_c["not_carried"] == [
        f"Section {c}: an image was not imported",
        "The text before the first numbered section was not imported",
        f"Section {b}: a footnote was dropped",
    ]
    assert on_d["not_carried"] == [
        f"Section {d}: a table with merged cells was imported as plain paragraphs, one per cell"
    ]
    stored = api.get(f"/api/proposals/{on_c['id']}").json()
    assert "not_carried" not in stored  # a note on the import, not part of the proposal


def test_the_section_route_lists_its_notes_and_a_file_that_changes_nothing_says_why(
    api: Api, merged: Round
) -> None:
    c = merged.sections["c"]
    url = f"/api/sections/{c['id']}/proposals/import"
    document = exported(api, merged)
    picture_after(body_paragraph(document, c["number"]))
    unchanged = upload(api, url, saved(document), draft_id=merged.new)
    assert unchanged.status_code == 422
    assert unchanged.json()["detail"] == (
        f"the file changes nothing in section {c['number']} of Rev.1 (compared with the text "
        f"the draft pins) (not carried over: Section {c['number']}: an image was not imported)"
    )
    retype(body_paragraph(document, c["number"]), "Records should be kept for ")
    body_paragraph(document, c["number"]).add_run("twelve").italic = True
    body_paragraph(document, c["number"]).add_run(" years.")
    response = upload(api, url, saved(document), draft_id=merged.new, rationale="Longer.")
    assert response.status_code == 201, response.text
    proposal = response.json()
    assert proposal["body"] == "Records should be kept for *twelve* years.\n"
    assert proposal["not_carried"] == [f"Section {c['number']}: an image was not imported"]
    assert proposal["rationale"] == "Longer." and proposal["delegation"] == "CHE"
