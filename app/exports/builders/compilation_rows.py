"""The compilation's rows: one per changed paragraph, not one per section.

A meeting works paragraph by paragraph ("6.2, paragraph 3"), so each
section's proposals are cut where they change the text:

1. The section's current text is numbered by block: every paragraph or list
   item of its body is a paragraph ``¶1``, ``¶2``, …; a heading is named by
   its text.
2. Each proposal's redline (``redline_blocks.structure`` over its change
   stream) is placed on that numbering: a paragraph holding old text sits at
   its old block; a wholly new paragraph sits just after the block it
   follows (``¶3`` → 3.5, or 0.5 before ``¶1``). A proposal made on an older
   text of the section is placed through the blocks both texts share.
3. Changed paragraphs joined to their neighbour by an inserted or deleted
   paragraph mark stay together; the spans of all proposals that overlap are
   united into one row.
4. A row shows its reference (``6.2 ¶3``, ``6.2 ¶3-¶4`` with an en dash,
   ``6.2 new ¶ after ¶3``), the current paragraphs, and for each proposal that changes it the
   proposal's own paragraphs over that span, as a redline.

Pure: no database, no web. Rows come in reading order; within a row,
proposals keep the order they were given in.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .model import Change, CompilationProposal, CompilationRow, ExportSection
from .redline_blocks import Para, structure

Span = tuple[float, float]


@dataclass(frozen=True)
class Excerpt:
    """One proposal's version of a row's paragraphs."""

    proposal: CompilationProposal
    paras: tuple[Para, ...]


@dataclass(frozen=True)
class ParagraphRow:
    """A changed stretch of a section and every proposal that changes it."""

    section: ExportSection
    low: float  # position on the current numbering (see module docstring)
    high: float
    current: tuple[Para, ...]
    excerpts: tuple[Excerpt, ...]

    reference: str = ""


def paragraph_labels(current: Sequence[Para]) -> list[str]:
    """How a meeting names each block: ``¶n`` counting text paragraphs, headings by name."""
    labels = []
    number = 0
    for para in current:
        if para.props is not None and para.props.kind == "heading":
            labels.append("heading \u201c" + _plain(para).strip() + "\u201d")
        else:
            number += 1
            labels.append(f"\u00b6{number}")
    return labels


def _reference(section: ExportSection, labels: Sequence[str], low: float, high: float) -> str:
    """``6.2 ¶3``, ``6.2 ¶3-¶4`` (an en dash), ``6.2 new ¶ after ¶3`` or ``… before ¶1``."""
    prefix = f"{section.number} " if section.number else ""
    first, last = math.ceil(low), math.floor(high)
    if first > last:  # only new paragraphs
        where = f"after {labels[last - 1]}" if 1 <= last <= len(labels) else "at the start"
        return f"{prefix}new \u00b6 {where}"
    if not 1 <= first <= last <= len(labels):
        return prefix.strip()
    if first == last:
        return prefix + labels[first - 1]
    return f"{prefix}{labels[first - 1]}\u2013{labels[last - 1]}"


def credited(proposal: CompilationProposal) -> tuple[Change, ...]:
    """The proposal's changes, uncredited segments credited to its delegation."""
    return tuple(
        c if c.author or c.kind == "equal" else replace(c, author=proposal.delegation)
        for c in proposal.changes
    )


def paragraph_rows(row: CompilationRow) -> list[ParagraphRow]:
    """The rows of one section (see the module docstring)."""
    section = row.section
    current = structure([Change("equal", section.body)]) if section.body else []
    current_texts = [_plain(p) for p in current]
    labels = paragraph_labels(current)
    placed: list[
        tuple[CompilationProposal, list[tuple[float, Para]], list[tuple[float, float]]]
    ] = []
    for proposal in row.proposals:
        paras = structure(credited(proposal))
        base_texts = _base_texts(paras)
        to_current = _block_map(base_texts, current_texts)
        positions = [_position(p, to_current) for p in paras]
        spans = _spans(paras, positions)
        placed.append((proposal, list(zip(positions, paras, strict=True)), spans))
    merged = _union([span for _, _, spans in placed for span in spans])
    out = []
    for low, high in merged:
        excerpts = []
        for proposal, located, spans in placed:
            if any(low <= s_low and s_high <= high for s_low, s_high in spans):
                chosen = tuple(p for at, p in located if low <= at <= high)
                excerpts.append(Excerpt(proposal, chosen))
        shown = tuple(
            p for i, p in enumerate(current, 1) if math.ceil(low) <= i <= math.floor(high)
        )
        if not shown and current:  # new paragraphs only: the one they follow, for context
            index = max(math.floor(low), 1) - 1
            shown = (current[min(index, len(current) - 1)],)
        reference = _reference(section, labels, low, high)
        out.append(ParagraphRow(section, low, high, shown, tuple(excerpts), reference))
    return out


def _plain(para: Para) -> str:
    return "".join(r.text for r in para.runs if r.kind != "insert")


def _base_texts(paras: Sequence[Para]) -> list[str]:
    """The old text's blocks, as far as the redline shows them, by block index."""
    texts: dict[int, str] = {}
    for para in paras:
        if para.has_old and para.old_at is not None:
            texts[para.old_at] = texts.get(para.old_at, "") + _plain(para)
    size = max(texts, default=-1) + 1
    return [texts.get(i, "") for i in range(size)]


def _block_map(base: Sequence[str], current: Sequence[str]) -> dict[int, float]:
    """Base block index → current paragraph number (1-based; x.5 between two)."""
    if list(base) == list(current):
        return {i: float(i + 1) for i in range(len(base))}
    mapping: dict[int, float] = {}
    matcher = difflib.SequenceMatcher(a=list(base), b=list(current), autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset, i in enumerate(range(a0, a1)):
            if tag in ("equal", "replace") and b0 + offset < b1:
                mapping[i] = float(b0 + offset + 1)
            else:
                mapping[i] = b0 + 0.5  # gone from the current text: between its neighbours
    return mapping


def _position(para: Para, to_current: dict[int, float]) -> float:
    if para.old_at is None:
        return 0.5
    at = to_current.get(para.old_at, float(para.old_at + 1))
    if para.has_old:
        return at
    return math.floor(at) + 0.5  # a new paragraph after the block it follows


def _spans(paras: Sequence[Para], positions: Sequence[float]) -> list[Span]:
    """Where this proposal changes the text; joined or split paragraphs stay together.

    A paragraph whose only change is the inserted mark before wholly new
    paragraphs is not itself changed: the new paragraphs go "after" it.
    """
    spans: list[Span] = []
    joined = False
    for index, (para, at) in enumerate(zip(paras, positions, strict=True)):
        following = paras[index + 1] if index + 1 < len(paras) else None
        opens_new = (
            para.mark == "insert" and following is not None and not following.has_old
        ) and not para.content_changed
        changed = para.changed and not opens_new
        if changed:
            if joined and spans:
                spans[-1] = (min(spans[-1][0], at), max(spans[-1][1], at))
            else:
                spans.append((at, at))
        joined = changed and para.mark != "equal"
    return spans


def _union(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out
