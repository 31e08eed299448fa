"""Shared WordprocessingML helpers for the DOCX builders.

Page set-up (A4 portrait or landscape, margins) and the furniture every export
carries: the page header (reference, "Original: <LANGUAGE>", date), a footer
reading "Page X of Y" from live PAGE and NUMPAGES fields, and, for meetings,
line numbers restarting on each page. Also hyperlinks (python-docx has no API
for them), numbered-list restarts, the English long date used in OSCE
documents ("27 April 2021") and timestamps as Word writes them.

Elements added to ``w:sectPr``, ``w:pPr`` and ``w:settings`` go in the place
their schema sequence gives them (``insert_in_order``): Word refuses a file
whose children are out of order.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Mm
from docx.text.paragraph import Paragraph

from .model import ExportMeta
from .xmltext import xml_safe

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
HEADER_ORIGINAL = "Original: "
MONO_FONT = "Courier New"
LINK_COLOUR = "0563C1"
LINE_NUMBER_DISTANCE = 283  # twentieths of a point: 0.5 cm between number and text
# Paragraph styles whose lines are not counted: a delegate cites body text.
# Word never numbers header and footer lines; LibreOffice does unless told.
UNNUMBERED_STYLES = (
    "Title",
    "Subtitle",
    *(f"Heading {n}" for n in range(1, 10)),
    "Header",
    "Footer",
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# What may follow w:lnNumType in w:sectPr (CT_SectPr).
_SECT_PR_AFTER_LN_NUM = (
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
# What may follow w:suppressLineNumbers in w:pPr (CT_PPrBase, then CT_PPr).
_P_PR_AFTER_SUPPRESS = (
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def long_date(day: datetime.date) -> str:
    """``27 April 2021``, independent of the process locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def new_guide_document(meta: ExportMeta) -> Document:
    """A blank A4 document with core properties, page header and footer set.

    With ``meta.line_numbers`` its lines are numbered too; sections added
    later copy the last section's properties, so they keep the numbering, and
    inherit the header and footer (see ``set_page``).
    """
    doc = new_document()
    props = doc.core_properties
    props.title = xml_safe(meta.document_title)
    props.subject = xml_safe(meta.reference)
    props.identifier = xml_safe(meta.reference)
    props.keywords = xml_safe(meta.label)
    props.author = "Compendium"
    props.language = meta.language.lower()
    section = doc.sections[0]
    set_page(section, landscape=False)
    write_header(section, meta)
    write_footer(section)
    if meta.line_numbers:
        number_lines(doc, section)
    return doc


def set_page(section: Section, *, landscape: bool) -> None:
    """A4 with 2.5 cm margins (2 cm in landscape), in the orientation asked for.

    Only size, orientation and margins change: the header and footer stay
    (a section added with ``doc.add_section`` has no definition of its own and
    inherits the previous section's, which Word and LibreOffice both honour),
    and so do the header and footer distances from the page edge.
    """
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2 if landscape else 2.5))


def write_header(section: Section, meta: ExportMeta) -> None:
    """Reference, ``Original: ENGLISH`` and date, right-aligned, on every page.

    The reference is the header's first paragraph: ``parse_docx`` reads it
    back from there to check a returned file belongs to the right document.
    All three lines are in the "Header" style (close together, never
    line-numbered).
    """
    header = section.header
    header.is_linked_to_previous = False
    lines = (meta.reference, HEADER_ORIGINAL + meta.language, long_date(meta.date))
    first = header.paragraphs[0]
    for index, line in enumerate(lines):
        para = first if index == 0 else header.add_paragraph(style="Header")
        para.text = xml_safe(line)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def write_footer(section: Section) -> None:
    """``Page X of Y``, centred, on every page of the section.

    X and Y are live PAGE and NUMPAGES fields (``w:fldChar`` runs), so Word
    and LibreOffice fill in the numbers when they lay the pages out; the
    cached result "1" is what a reader that does not lay out shows.
    """
    footer = section.footer
    footer.is_linked_to_previous = False
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("Page ")
    append_field(para, "PAGE", "1")
    para.add_run(" of ")
    append_field(para, "NUMPAGES", "1")


def append_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """Append a complex field (begin, instruction, separate, result, end) to ``paragraph``."""
    parts: list[tuple[str, dict[str, str], str | None]] = [
        ("w:fldChar", {"w:fldCharType": "begin"}, None),
        ("w:instrText", {"xml:space": "preserve"}, f" {instruction} "),
        ("w:fldChar", {"w:fldCharType": "separate"}, None),
        ("w:t", {}, cached),
        ("w:fldChar", {"w:fldCharType": "end"}, None),
    ]
    for tag, attrs, text in parts:
        run = OxmlElement("w:r")
        child = OxmlElement(tag, attrs={qn(k): v for k, v in attrs.items()})
        child.text = text
        run.append(child)
        paragraph._p.append(run)


def number_lines(doc: Document, section: Section) -> None:
    """Number the section's lines in the margin, restarting on every page.

    Every line is counted (``countBy`` 1), 0.5 cm left of the text, so a
    delegate can say "page 4, line 12". Title, subtitle, heading, header and
    footer lines are not counted: those paragraph styles suppress line
    numbers (Word skips headers and footers anyway; LibreOffice would not).
    """
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:lnNumType")):
        sect_pr.remove(old)
    numbering = OxmlElement(
        "w:lnNumType",
        attrs={
            qn("w:countBy"): "1",
            qn("w:distance"): str(LINE_NUMBER_DISTANCE),
            qn("w:restart"): "newPage",
        },
    )
    insert_in_order(sect_pr, numbering, _SECT_PR_AFTER_LN_NUM)
    names = {style.name for style in doc.styles}
    for name in UNNUMBERED_STYLES:
        if name in names:
            p_pr = doc.styles[name].element.get_or_add_pPr()
            if p_pr.find(qn("w:suppressLineNumbers")) is None:
                insert_in_order(p_pr, OxmlElement("w:suppressLineNumbers"), _P_PR_AFTER_SUPPRESS)


def insert_in_order(
    parent: BaseOxmlElement, child: BaseOxmlElement, successors: Sequence[str]
) -> None:
    """Insert ``child`` before the first of ``parent``'s children it must precede.

    ``successors`` names ("w:cols") the schema allows only after ``child``;
    children from outside the WordprocessingML namespace (w14, w15 extensions
    and the like, which Word writes last) count as successors too. Without
    any, ``child`` is appended.
    """
    after = {qn(name) for name in successors}
    for existing in parent.iterchildren():
        tag = existing.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag in after or not tag.startswith("{" + W_NS + "}"):
            existing.addprevious(child)
            return
    parent.append(child)


def word_timestamp(moment: datetime.datetime) -> str:
    """``2021-04-27T10:00:00Z``: UTC, whole seconds, as Word writes ``w:date``.

    A naive ``moment`` is taken to be UTC already.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """Append an external hyperlink run (blue, underlined) to ``paragraph``."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(colour)
    props.append(underline)
    run.append(props)
    text_el = OxmlElement("w:t")
    text_el.set(qn("xml:space"), "preserve")
    text_el.text = text
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


def new_list_numbering(doc: Document, style_name: str, start: int) -> int | None:
    """A fresh numbering sequence for one numbered list, starting at ``start``.

    Word continues one numbering across every paragraph of a list style; a new
    ``w:num`` over the style's abstract numbering, with a start override,
    begins a new sequence. Returns its id (``None`` if the style is unnumbered).
    """
    numbering = doc.part.numbering_part.element
    p_pr = doc.styles[style_name].element.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is None or num_pr.numId is None:
        return None
    abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def use_numbering(paragraph: Paragraph, num_id: int) -> None:
    """Attach ``paragraph`` to the numbering sequence ``num_id``."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def to_bytes(doc: Document) -> bytes:
    """Serialise a document to .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
