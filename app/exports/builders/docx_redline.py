"""DOCX redline between two drafts, with real Word tracked changes.

Each section's change stream (segments over its Markdown source) becomes Word
paragraphs. Inserted text is ``<w:ins><w:r><w:t>`` and deleted text
``<w:del><w:r><w:delText>``, each authored by the delegation credited with the
change and dated, with document-unique ``w:id`` values, so Accept/Reject in
Word and LibreOffice give back the new or the old draft.

Paragraphs: a run of newlines in the stream is one paragraph break. If the
break exists only in the new text, the paragraph mark before it is marked
inserted (``w:pPr/w:rPr/w:ins``); only in the old text, deleted. Rejecting an
inserted mark joins the two paragraphs again, as Word does when typing Enter
is undone. Added sections are inserted whole (heading, text, marks), removed
sections deleted whole.

Markdown inside the redline: a leading heading, bullet or number marker that
both texts share chooses the paragraph style and is dropped; the rest of the
text (emphasis markers included) is written literally, since the change
stream is over the source.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement

from .docx_clean import heading_style, heading_text, write_title_block
from .docx_markdown import list_style
from .model import Change, ChangeKind, ExportMeta, RedlineSection
from .ooxml import new_guide_document, to_bytes
from .xmltext import xml_safe

DEFAULT_AUTHOR = "Compendium"
_BREAKS = re.compile(r"\n+|[^\n]+")
_WHOLE: dict[str, ChangeKind] = {"added": "insert", "removed": "delete"}
_MARKER = re.compile(r"( *)(#{1,6} +|[-*+] +|\d{1,9}[.)] +)")


@dataclass
class RedlinePara:
    """A paragraph of a redline: its segments and its paragraph mark's status."""

    pieces: list[Change] = field(default_factory=list)
    mark: ChangeKind = "equal"
    mark_change: Change | None = None  # who inserted or deleted the mark
    style: str | None = None


def split_paragraphs(changes: Sequence[Change]) -> list[RedlinePara]:
    """Cut a change stream into paragraphs at newline runs (see module doc)."""
    paras = [RedlinePara()]
    in_old = in_new = False
    pending: Change | None = None  # the segment that made the newline run
    for change in changes:
        for match in _BREAKS.finditer(change.text):
            piece = match.group(0)
            if piece[0] == "\n":
                in_old = in_old or change.kind != "insert"
                in_new = in_new or change.kind != "delete"
                pending = pending if pending and pending.kind != "equal" else change
                continue
            if pending is not None and paras[-1].pieces:
                _close(paras[-1], in_old, in_new, pending)
                paras.append(RedlinePara())
            in_old = in_new = False
            pending = None
            _append_piece(paras[-1].pieces, Change(change.kind, piece, change.author, change.date))
    return paras


def _append_piece(pieces: list[Change], piece: Change) -> None:
    """Append, merging with the previous piece of the same kind and credit."""
    last = pieces[-1] if pieces else None
    if last is not None and (last.kind, last.author, last.date) == (
        piece.kind,
        piece.author,
        piece.date,
    ):
        pieces[-1] = Change(last.kind, last.text + piece.text, last.author, last.date)
    else:
        pieces.append(piece)


def _close(para: RedlinePara, in_old: bool, in_new: bool, cause: Change) -> None:
    if in_old and in_new:
        return
    para.mark = "insert" if in_new else "delete"
    para.mark_change = cause


def strip_marker(para: RedlinePara) -> None:
    """Choose a style from a shared leading Markdown marker, and drop the marker."""
    first = para.pieces[0] if para.pieces else None
    match = _MARKER.match(first.text) if first and first.kind == "equal" else None
    if first is None or match is None:
        return
    indent, marker = match.group(1), match.group(2).strip()
    depth = len(indent) // 2 + 1
    if marker.startswith("#"):
        para.style = f"Heading {min(max(len(marker), 3), 6)}"
    else:
        para.style = list_style(marker[0].isdigit(), depth)
    rest = first.text[match.end() :]
    para.pieces[0] = Change(first.kind, rest, first.author, first.date)
    if not rest:
        para.pieces.pop(0)


class RevisionWriter:
    """Makes ``w:ins``/``w:del`` elements with unique ids for one document."""

    def __init__(self) -> None:
        self._ids: Iterator[int] = itertools.count(1)

    def tracked(self, tag: str, change: Change) -> BaseOxmlElement:
        """An empty ``w:ins`` or ``w:del`` with id, author and date."""
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), xml_safe(change.author) or DEFAULT_AUTHOR)
        if change.date is not None:
            element.set(qn("w:date"), word_date(change.date))
        return element

    def segment(self, change: Change) -> BaseOxmlElement:
        """A run for ``change``, wrapped in ``w:ins``/``w:del`` unless equal."""
        deleted = change.kind == "delete"
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText" if deleted else "w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = xml_safe(change.text)
        run.append(text)
        if change.kind == "equal":
            return run
        wrapper = self.tracked("w:del" if deleted else "w:ins", change)
        wrapper.append(run)
        return wrapper

    def mark(self, paragraph: CT_P, kind: ChangeKind, change: Change) -> None:
        """Mark a paragraph's mark as inserted or deleted."""
        p_pr = paragraph.get_or_add_pPr()
        r_pr = OxmlElement("w:rPr")
        r_pr.append(self.tracked("w:ins" if kind == "insert" else "w:del", change))
        p_pr.append(r_pr)


def word_date(moment: datetime.datetime) -> str:
    """``2021-04-27T10:00:00Z``: UTC, whole seconds, as Word writes it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def section_paragraphs(section: RedlineSection) -> list[RedlinePara]:
    """The heading and body paragraphs of one section of the redline."""
    whole: ChangeKind | None = _WHOLE.get(section.status)
    cause = _first_author(section.changes, whole)
    heading = RedlinePara(style=heading_style(section.level))
    kind: ChangeKind = whole or "equal"
    heading.pieces.append(Change(kind, heading_text(section.number, section.title), *cause))
    body = [p for p in split_paragraphs(section.changes) if p.pieces]
    for para in body:
        strip_marker(para)
    paras = [heading, *body]
    if whole is not None:
        for para in paras:
            para.mark, para.mark_change = whole, Change(whole, "", *cause)
    return paras


def _first_author(
    changes: Sequence[Change], kind: ChangeKind | None
) -> tuple[str, datetime.datetime | None]:
    for change in changes:
        if change.kind == kind and change.author:
            return change.author, change.date
    return "", None


def write_paragraphs(doc: Document, writer: RevisionWriter, paras: list[RedlinePara]) -> None:
    """Append redline paragraphs to the document body."""
    style_ids: dict[str, str] = {}
    for para in paras:
        paragraph = doc.add_paragraph()._p
        if para.style:
            if para.style not in style_ids:  # python-docx looks styles up linearly
                style_ids[para.style] = doc.styles[para.style].style_id
            paragraph.style = style_ids[para.style]
        for piece in para.pieces:
            paragraph.append(writer.segment(piece))
        if para.mark != "equal" and para.mark_change is not None:
            writer.mark(paragraph, para.mark, para.mark_change)


def build_docx_redline(meta: ExportMeta, sections: Sequence[RedlineSection]) -> bytes:
    """The draft with every change since the previous one as Word tracked changes."""
    doc = new_guide_document(meta)
    write_title_block(doc, meta)
    writer = RevisionWriter()
    paras = [para for section in sections for para in section_paragraphs(section)]
    if paras and paras[-1].mark == "delete":
        paras[-1].mark = "equal"  # a document's final paragraph mark cannot be deleted
    write_paragraphs(doc, writer, paras)
    return to_bytes(doc)
