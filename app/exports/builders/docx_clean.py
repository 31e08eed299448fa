"""The clean DOCX export of a draft: the text as it stands, no changes shown.

Layout: A4 portrait; page header with the reference, "Original: ENGLISH" and
the date; "Title" paragraph with the document title, then the draft label and
reference; each section as "Heading 1"/"Heading 2" reading "3.2<TAB>Title";
bodies converted from Markdown by ``docx_markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document

from .docx_markdown import write_markdown
from .model import ExportMeta, ExportSection
from .ooxml import long_date, new_guide_document, to_bytes
from .xmltext import xml_safe


def heading_style(level: int) -> str:
    """The section heading style: Heading 1 for chapters, Heading 2 below."""
    return "Heading 1" if level <= 1 else "Heading 2"


def heading_text(number: str, title: str) -> str:
    """``"3.2 Title"``: the number first, as ``parse_docx`` expects it."""
    return xml_safe(f"{number} {title}".strip() if number else title)


def write_title_block(doc: Document, meta: ExportMeta) -> None:
    """Title, then one line with label, reference and date."""
    doc.add_paragraph(xml_safe(meta.document_title), style="Title")
    details = " \u2013 ".join(p for p in (meta.label, meta.reference, long_date(meta.date)) if p)
    doc.add_paragraph(xml_safe(details), style="Subtitle")


def build_docx(meta: ExportMeta, sections: Sequence[ExportSection]) -> bytes:
    """The draft as a Word document with real heading and list styles."""
    doc = new_guide_document(meta)
    write_title_block(doc, meta)
    for section in sections:
        doc.add_paragraph(
            heading_text(section.number, section.title), style=heading_style(section.level)
        )
        write_markdown(doc, doc, section.body)
    return to_bytes(doc)
