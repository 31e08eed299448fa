"""Shared WordprocessingML helpers for the DOCX builders.

Page set-up (A4 portrait or landscape, margins), the page header every export
carries (reference, "Original: <LANGUAGE>", date), hyperlinks (python-docx has
no API for them), numbered-list restarts and the English long date used in
OSCE documents ("27 April 2021").
"""

from __future__ import annotations

import datetime
import io

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
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


def long_date(day: datetime.date) -> str:
    """``27 April 2021``, independent of the process locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def new_guide_document(meta: ExportMeta) -> Document:
    """A blank A4 document with core properties and the page header set."""
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
    return doc


def set_page(section: Section, *, landscape: bool) -> None:
    """A4 with 2.5 cm margins, in the orientation asked for."""
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2 if landscape else 2.5))


def write_header(section: Section, meta: ExportMeta) -> None:
    """Reference, ``Original: ENGLISH`` and date, right-aligned, on every page.

    The reference is the header's first paragraph: ``parse_docx`` reads it
    back from there to check a returned file belongs to the right document.
    """
    header = section.header
    header.is_linked_to_previous = False
    lines = (meta.reference, HEADER_ORIGINAL + meta.language, long_date(meta.date))
    first = header.paragraphs[0]
    for index, line in enumerate(lines):
        para = first if index == 0 else header.add_paragraph()
        para.text = xml_safe(line)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


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
