"""DOCX redline between two drafts, with real Word tracked changes.

Each section's change stream becomes the paragraphs ``redline_blocks``
gives, written the way Word itself records revisions:

- inserted text ``<w:ins><w:r>``, deleted text ``<w:del><w:r><w:delText>``,
  each authored by the delegation credited and dated, with document-unique
  ``w:id`` values; the runs keep their formatting (bold, italic, monospace
  code) and links stay hyperlinks (``w:hyperlink`` around the tracked runs);
- a formatting-only change (emphasis added or removed) is a ``w:rPrChange``
  holding the old run properties, not a delete and insert;
- a paragraph mark that exists only in the new text is ``w:pPr/w:rPr/w:ins``,
  only in the old text ``w:del``; a paragraph whose form changed (a paragraph
  became a list item) carries the old style in ``w:pPrChange``;
- paragraphs get real styles: body headings Heading 3 to 6, list items
  "List Bullet"/"List Number" by depth with Word numbering (each numbered
  list restarts), quotes, code.

So Accept All in Word or LibreOffice gives the new draft and Reject All the
old one, formatting included, and no Markdown syntax character is written.
Added sections are inserted whole, removed sections deleted whole.

The same paragraph writer, with ``tracked=False``, writes the compilation's
proposal redlines as coloured, underlined and struck-through runs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from .docx_clean import heading_style, heading_text, write_title_block
from .docx_comments import CommentWriter, Reply, protect_tracked_changes, text_paragraphs
from .docx_markdown import Container, block_style, number_list_item
from .mdblocks import Block
from .model import Change, ChangeKind, ExportMeta, ProposalNote, RedlineSection
from .ooxml import (
    LINK_COLOUR,
    MONO_FONT,
    insert_in_order,
    new_guide_document,
    to_bytes,
    word_timestamp,
)
from .redline_blocks import Para, Run, structure, whole
from .sourcemap import PLAIN, Fmt
from .xmltext import xml_safe

DEFAULT_AUTHOR = "Compendium"
_WHOLE: dict[str, ChangeKind] = {"added": "insert", "removed": "delete"}


class RevisionWriter:
    """Makes revision elements with unique ids for one document."""

    def __init__(self) -> None:
        self._ids: Iterator[int] = itertools.count(1)

    def tracked(self, tag: str, change: Change | None) -> BaseOxmlElement:
        """An empty ``w:ins``/``w:del``/``w:rPrChange``/``w:pPrChange`` with id, author, date."""
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(self._ids)))
        author = xml_safe(change.author) if change is not None else ""
        element.set(qn("w:author"), author or DEFAULT_AUTHOR)
        if change is not None and change.date is not None:
            element.set(qn("w:date"), word_timestamp(change.date))
        return element

    def mark(self, paragraph: BaseOxmlElement, kind: ChangeKind, change: Change | None) -> None:
        """Mark a paragraph's mark as inserted or deleted."""
        p_pr = paragraph.get_or_add_pPr()
        r_pr = OxmlElement("w:rPr")
        r_pr.append(self.tracked("w:ins" if kind == "insert" else "w:del", change))
        p_pr.append(r_pr)


@dataclass(frozen=True)
class Look:
    """How untracked runs show a change: the delegation's colour, underline/strike."""

    colours: dict[str, str] = field(default_factory=dict)


def run_properties(fmt: Fmt) -> BaseOxmlElement:
    """``w:rPr`` for a format, children in schema order."""
    r_pr = OxmlElement("w:rPr")
    if fmt.code:
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), MONO_FONT)
        r_pr.append(fonts)
    if fmt.bold:
        r_pr.append(OxmlElement("w:b"))
    if fmt.italic:
        r_pr.append(OxmlElement("w:i"))
    if fmt.href:
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), LINK_COLOUR)
        r_pr.append(colour)
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        r_pr.append(underline)
    return r_pr


def _shown(r_pr: BaseOxmlElement, run: Run, look: Look) -> None:
    """Colour and underline/strike an untracked change (the compilation)."""
    if run.kind == "equal" and run.old_fmt is None:
        return
    colour = look.colours.get(run.author, "#000000")[1:]
    existing = r_pr.find(qn("w:color"))
    if existing is not None:
        r_pr.remove(existing)
    element = OxmlElement("w:color")
    element.set(qn("w:val"), colour)
    # CT_RPr order: … w:strike … w:color … w:u … w:rPrChange.
    if run.kind == "delete":
        insert_in_order(r_pr, OxmlElement("w:strike"), ("w:color", "w:u", "w:rPrChange"))
    insert_in_order(r_pr, element, ("w:u", "w:rPrChange"))
    if run.kind == "insert" and r_pr.find(qn("w:u")) is None:
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        r_pr.append(underline)
    if run.old_fmt is not None and run.kind == "equal":
        underline = r_pr.find(qn("w:u"))
        if underline is None:
            underline = OxmlElement("w:u")
            r_pr.append(underline)
        underline.set(qn("w:val"), "dotted")  # formatting changed


def _text_run(run: Run, r_pr: BaseOxmlElement) -> BaseOxmlElement:
    """A ``w:r`` with its text; line breaks become ``w:br``."""
    element = OxmlElement("w:r")
    element.append(r_pr)
    tag = "w:delText" if run.kind == "delete" else "w:t"
    for index, piece in enumerate(run.text.split("\n")):
        if index:
            element.append(OxmlElement("w:br"))
        if piece:
            text = OxmlElement(tag)
            text.set(qn("xml:space"), "preserve")
            text.text = xml_safe(piece)
            element.append(text)
    return element


def run_element(writer: RevisionWriter, run: Run, look: Look | None) -> BaseOxmlElement:
    """One run: tracked (``look`` is None) or shown in colour."""
    r_pr = run_properties(run.fmt)
    if look is not None:
        _shown(r_pr, run, look)
        return _text_run(replace(run, kind="equal"), r_pr)
    if run.kind == "equal" and run.old_fmt is not None:
        change = writer.tracked("w:rPrChange", run.change)
        old = run_properties(run.old_fmt)
        change.append(old)
        r_pr.append(change)
    element = _text_run(run, r_pr)
    if run.kind == "equal":
        return element
    wrapper = writer.tracked("w:del" if run.kind == "delete" else "w:ins", run.change)
    wrapper.append(element)
    return wrapper


def append_runs(
    paragraph: Paragraph, writer: RevisionWriter, runs: Sequence[Run], look: Look | None
) -> list[tuple[Run, BaseOxmlElement]]:
    """Append runs to a paragraph, links as hyperlinks.

    Returns each run with the paragraph-level element holding it (its
    hyperlink, its ``w:ins``/``w:del``, or its ``w:r``), for comment ranges.
    """
    placed: list[tuple[Run, BaseOxmlElement]] = []
    for href, group in itertools.groupby(runs, key=lambda r: r.fmt.href):
        pairs = [(run, run_element(writer, run, look)) for run in group]
        if href:
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True))
            for _, element in pairs:
                link.append(element)
            paragraph._p.append(link)
            placed.extend((run, link) for run, _ in pairs)
            continue
        for _, element in pairs:
            paragraph._p.append(element)
        placed.extend(pairs)
    return placed


@dataclass
class ParaWriter:
    """Writes redline paragraphs into one container, keeping list numbering."""

    doc: Document
    writer: RevisionWriter
    look: Look | None = None  # None: tracked changes
    numbering: dict[int, int] = field(default_factory=dict)
    style_ids: dict[str, str] = field(default_factory=dict)
    ranges: dict[int, tuple[BaseOxmlElement, BaseOxmlElement]] = field(default_factory=dict)

    def write(self, container: Container, para: Para, style: str | None = None) -> Paragraph:
        """One paragraph; ``style`` overrides the style its blocks give.

        Every changed run is noted under the proposals credited with it
        (``ranges``: proposal id → first and last element), for Word comments.
        """
        props = para.props
        chosen = style or (_style(props) if props is not None else None)
        paragraph = container.add_paragraph()
        if chosen:
            paragraph._p.style = self._style_id(chosen)
        if style is None and props is not None and props.kind == "list_item" and props.ordered:
            number_list_item(self.doc, paragraph, props, self.numbering)
        for run, element in append_runs(paragraph, self.writer, para.runs, self.look):
            if run.change is not None and (run.kind != "equal" or run.old_fmt is not None):
                for pid in run.change.sources:
                    first, _ = self.ranges.get(pid, (element, element))
                    self.ranges[pid] = (first, element)
        if self.look is None:
            if para.mark != "equal":
                self.writer.mark(paragraph._p, para.mark, para.mark_change)
            elif style is None and para.old is not None and para.new is not None:
                self._form_change(paragraph, para)
        return paragraph

    def _style_id(self, name: str) -> str:
        if name not in self.style_ids:  # python-docx looks styles up linearly
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def _form_change(self, paragraph: Paragraph, para: Para) -> None:
        assert para.old is not None and para.new is not None
        old, new = _style(para.old), _style(para.new)
        if old == new:
            return
        cause = next((r.change for r in para.runs if r.change is not None), None)
        change = self.writer.tracked("w:pPrChange", cause)
        old_ppr = OxmlElement("w:pPr")
        if old:
            p_style = OxmlElement("w:pStyle")
            p_style.set(qn("w:val"), self._style_id(old))
            old_ppr.append(p_style)
        change.append(old_ppr)
        paragraph._p.get_or_add_pPr().append(change)


def _style(block: Block) -> str | None:
    return "Normal" if block.kind == "paragraph" else block_style(block)


def section_paras(section: RedlineSection) -> list[Para]:
    """The heading and body paragraphs of one section of the redline."""
    whole_kind: ChangeKind | None = _WHOLE.get(section.status)
    cause = _first_change(section.changes, whole_kind)
    heading_kind: ChangeKind = whole_kind or "equal"
    text = heading_text(section.number, section.title)
    heading = Para(runs=[Run(heading_kind, text, PLAIN, cause)])
    body = structure(section.changes)
    paras = [heading, *body]
    if whole_kind is not None:
        whole(paras, whole_kind, cause)
    return paras


def _first_change(changes: Sequence[Change], kind: ChangeKind | None) -> Change | None:
    return next((c for c in changes if c.kind == kind and c.author), None)


@dataclass(frozen=True)
class RedlineOptions:
    """What the tracked-change DOCX carries beyond the changes.

    ``notes``: for each proposal credited, a Word comment over its changes
    (author: the delegation; text: supporters and rationale). ``threads``: the
    chair's decision note and the proposal's public discussion as replies.
    ``protect``: Word lets the reader edit only with changes tracked, so a
    delegation's reply comes back as a redline.
    """

    notes: Mapping[int, ProposalNote] = field(default_factory=dict)
    threads: bool = False
    protect: bool = False


def build_docx_redline(
    meta: ExportMeta, sections: Sequence[RedlineSection], options: RedlineOptions | None = None
) -> bytes:
    """The draft with every change since the previous one as Word tracked changes."""
    options = options or RedlineOptions()
    doc = new_guide_document(meta)
    write_title_block(doc, meta)
    out = ParaWriter(doc, RevisionWriter())
    planned = [(section, section_paras(section)) for section in sections]
    last = planned[-1][1][-1] if planned and planned[-1][1] else None
    if last is not None and last.mark == "delete":
        last.mark = "equal"  # a document's final paragraph mark cannot be deleted
    for section, paras in planned:
        out.write(doc, paras[0], style=heading_style(section.level))
        for para in paras[1:]:
            out.write(doc, para)
    _comment(doc, out.ranges, options)
    if options.protect:
        protect_tracked_changes(doc)
    return to_bytes(doc)


def _comment(
    doc: Document,
    ranges: Mapping[int, tuple[BaseOxmlElement, BaseOxmlElement]],
    options: RedlineOptions,
) -> None:
    found = [(pid, options.notes[pid]) for pid in sorted(ranges) if pid in options.notes]
    if not found:
        return
    comments = CommentWriter(doc)
    for pid, note in found:
        first, last = ranges[pid]
        replies: list[Reply] = []
        if options.threads:
            if note.decision is not None:
                replies.append(
                    Reply(
                        note.decision.author, f"Decision: {note.decision.text}", note.decision.date
                    )
                )
            replies.extend(Reply(c.author, c.text, c.date) for c in note.discussion)
        resolved = (
            options.threads and bool(note.discussion) and all(c.resolved for c in note.discussion)
        )
        comments.anchor(
            first,
            last,
            author=note.delegation,
            paragraphs=comment_paragraphs(note),
            date=note.date,
            replies=replies,
            resolved=resolved,
        )


# The first line of a proposal's Word comment; the importer recognises it (and
# leaves such comments out) when a redline comes back.
NOTE_HEAD = re.compile(r"Proposal (\d+) by (.+?)(?:, supported by .*)?\.")


def comment_paragraphs(note: ProposalNote) -> list[str]:
    """What a proposal's Word comment says: whose proposal, who supports it, why."""
    head = f"Proposal {note.id} by {note.delegation}"
    if note.supporters:
        head += ", supported by " + ", ".join(note.supporters)
    assert NOTE_HEAD.fullmatch(head + ".")
    return [head + ".", *text_paragraphs(note.rationale)]
