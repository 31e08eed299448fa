"""Write Markdown into a Word container (document body or table cell).

Blocks from ``mdblocks.parse_blocks`` map to real Word styles: body headings
to "Heading 3".."Heading 6" (a section's own heading is Heading 1/2, so ``#``
and ``##`` inside a body also become Heading 3), list items to "List Bullet" /
"List Number" with " 2"/" 3" for nesting, extra paragraphs of an item to
"List Continue", block quotes to "Quote", code to the "macro" style. Runs carry
bold/italic; inline code uses a monospace font; links become hyperlinks for
http, https and mailto targets, plain text otherwise. Every numbered list
restarts its numbering.
"""

from __future__ import annotations

from typing import Protocol

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from .mdblocks import Block, Inline, parse_blocks
from .ooxml import MONO_FONT, add_hyperlink, new_list_numbering, use_numbering
from .xmltext import xml_safe


class Container(Protocol):
    """Anything python-docx can add paragraphs to (document, cell, header)."""

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...


def list_style(ordered: bool, depth: int) -> str:
    """The Word list style, e.g. "List Number 2"; Word's list styles go three deep."""
    base = "List Number" if ordered else "List Bullet"
    depth = min(max(depth, 1), 3)
    return base if depth == 1 else f"{base} {depth}"


def block_style(block: Block) -> str | None:
    """The Word paragraph style for a block (``None``: Normal)."""
    if block.kind == "heading":
        return f"Heading {min(max(block.level, 3), 6)}"
    if block.kind == "list_item":
        return list_style(block.ordered, block.level)
    if block.kind == "list_continue":
        depth = min(block.level, 3)
        return "List Continue" if depth == 1 else f"List Continue {depth}"
    if block.kind == "quote":
        return "Quote"
    if block.kind == "code":
        return "macro"
    return None


def write_markdown(doc: Document, container: Container, markdown: str) -> None:
    """Append ``markdown`` to ``container`` as styled paragraphs."""
    numbering: dict[int, int] = {}  # list depth -> current w:num id
    for block in parse_blocks(xml_safe(markdown)):
        if block.kind == "rule":
            container.add_paragraph("\u2014" * 3).alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        paragraph = container.add_paragraph(style=block_style(block))
        if block.kind == "list_item" and block.ordered:
            number_list_item(doc, paragraph, block, numbering)
        if block.kind == "code":
            _add_code(paragraph, block.text)
        else:
            add_runs(paragraph, block.inlines)


def number_list_item(
    doc: Document, paragraph: Paragraph, block: Block, numbering: dict[int, int]
) -> None:
    """Number an ordered list item; its list's first item starts a new sequence."""
    if block.list_start:
        num_id = new_list_numbering(doc, list_style(True, block.level), block.list_start)
        if num_id is None:
            return
        numbering[block.level] = num_id
    if block.level in numbering:
        use_numbering(paragraph, numbering[block.level])


def add_runs(paragraph: Paragraph, inlines: tuple[Inline, ...]) -> None:
    """Append formatted runs (and hyperlinks) to ``paragraph``."""
    for inline in inlines:
        if inline.href and not inline.code:
            add_hyperlink(paragraph, inline.text, inline.href)
            continue
        for index, piece in enumerate(inline.text.split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            run.add_text(piece)
            run.bold = inline.bold or None
            run.italic = inline.italic or None
            if inline.code:
                run.font.name = MONO_FONT


def _add_code(paragraph: Paragraph, text: str) -> None:
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        run.font.name = MONO_FONT
        run.font.size = Pt(9)
