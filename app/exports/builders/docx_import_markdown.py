"""Turn a section's Word paragraphs back into Markdown, in one tracked-change view.

First the paragraphs of the view are formed: a paragraph whose mark was
deleted joins the next one in the accepted view, one whose mark was inserted
joins the next one in the rejected view; paragraphs left empty vanish. A
joined paragraph takes the form (style, numbering) of the last paragraph it
joined, whose mark survives: paragraph properties belong to the mark. So a
list item inserted whole, mark included, in front of a plain paragraph
disappears on rejection and leaves that paragraph plain. Each paragraph's
form in the view (``ParaForm``: tracked ``w:pPrChange`` gives the rejected
view the old one) gives its Markdown prefix (see ``docx_import``).

Lists: "List Bullet[ n]" and "List Number[ n]" styles, or any paragraph with
Word numbering, become ``- `` and ``1. `` items (counted from 1), nested by
the style's number or the numbering level, whichever is deeper; numbering
without a list style is a bullet or a number as ``word/numbering.xml``
says. Headings ("Heading n") are never list items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .docx_paragraphs import ParaForm, ReadParagraph, Segment, markdown_text, plain_text

_LIST = re.compile(r"list (bullet|number|continue)(?: ([2-9]))?")
_HEADING = re.compile(r"heading ([1-9])")


@dataclass
class _ViewParagraph:
    form: ParaForm
    segments: list[Segment]


def view_paragraphs(body: list[ReadParagraph], *, accepted: bool) -> list[_ViewParagraph]:
    """The paragraphs as they read with every change accepted (or rejected)."""
    joining = "delete" if accepted else "insert"
    result: list[_ViewParagraph] = []
    carry: _ViewParagraph | None = None
    for para in body:
        segments = para.accepted if accepted else para.rejected
        form = para.form_in(accepted=accepted)
        if carry is not None:  # extend in place: copying would be quadratic on long chains
            carry.segments.extend(segments)
            carry.form = form  # the surviving mark's
            current = carry
        else:
            current = _ViewParagraph(form, list(segments))
        if para.mark == joining:
            carry = current
            continue
        carry = None
        result.append(current)
    if carry is not None:
        result.append(carry)
    return [p for p in result if plain_text(p.segments).strip()]


def join_markdown(body: list[ReadParagraph], *, accepted: bool) -> str:
    """The Markdown source of a section body in one view."""
    out: list[str] = []
    counters: dict[int, int] = {}
    widths: dict[int, int] = {}
    previous: tuple[str | None, int] = (None, 0)
    for para in view_paragraphs(body, accepted=accepted):
        kind, depth = _list_kind(para)
        if kind is None:
            counters.clear()
            text = _block_text(para)
        else:
            text = _list_text(para, kind, depth, counters, widths)
        if out:
            out.append("\n" if _tight(previous, (kind, depth)) else "\n\n")
        out.append(text)
        previous = (kind, depth)
    return "".join(out)


def _tight(previous: tuple[str | None, int], current: tuple[str | None, int]) -> bool:
    """Whether two paragraphs are items of one tight list (one newline apart)."""
    (kind_a, depth_a), (kind_b, depth_b) = previous, current
    items = ("bullet", "number")
    if kind_a not in items or kind_b not in items:
        return False
    return kind_a == kind_b or depth_a != depth_b


def _list_kind(para: _ViewParagraph) -> tuple[str | None, int]:
    form = para.form
    style = form.style.lower()
    if _HEADING.fullmatch(style):
        return None, 0
    match = _LIST.fullmatch(style)
    if match is not None:
        depth = int(match.group(2) or 1)
        return match.group(1), max(depth, form.level + 1) if form.numbered else depth
    if form.numbered:
        return ("number" if form.ordered else "bullet"), form.level + 1
    return None, 0


def _list_text(
    para: _ViewParagraph, kind: str, depth: int, counters: dict[int, int], widths: dict[int, int]
) -> str:
    indent = " " * sum(widths.get(d, 2) for d in range(1, depth))
    text = markdown_text(para.segments).strip()
    if kind == "continue":
        return indent + " " * widths.get(depth, 2) + text
    for deeper in [d for d in counters if d > depth]:
        del counters[deeper]
    if kind == "number":
        counters[depth] = counters.get(depth, 0) + 1
        marker = f"{counters[depth]}. "
    else:
        counters.pop(depth, None)
        marker = "- "
    widths[depth] = len(marker)
    return indent + marker + text


def _block_text(para: _ViewParagraph) -> str:
    style = para.form.style.lower()
    if style == "macro":
        return "```\n" + plain_text(para.segments) + "\n```"
    text = markdown_text(para.segments).strip()
    heading = _HEADING.fullmatch(style)
    if heading is not None:  # a heading is one line: its line breaks read as spaces
        return "#" * int(heading.group(1)) + " " + " ".join(text.split("\\\n"))
    if style in ("quote", "intense quote"):
        return "> " + text
    return text
