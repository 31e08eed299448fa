"""A redline with the text's form: paragraphs of formatted, tracked runs.

Input: a section's change stream over its Markdown source (``Change``
segments: ``equal``, ``insert``, ``delete``; see ``model.RedlineSection``).
Output: the :class:`Para` s a reader sees, the way Word keeps tracked
changes:

- a paragraph has runs of visible text, each ``equal``, ``insert`` or
  ``delete``, with its formatting (bold, italic, code, link). An ``equal``
  run whose formatting differs between the two texts carries ``old_fmt``
  (a formatting change, Word's ``w:rPrChange``), not delete + insert
  (a link's target is no run property in Word: a link added, removed or
  retargeted is a rewrite);
- a paragraph ends with a mark, ``equal``, ``insert`` (the break exists only
  in the new text: rejecting it joins this paragraph to the next) or
  ``delete`` (only in the old text: accepting it joins them);
- a paragraph has the block properties (heading, list item and its depth,
  quote, code) of the block whose end its mark is in the new text (``new``)
  and in the old text (``old``); a mark only in one text has only that one.

No Markdown syntax reaches a run: every source character goes through
``sourcemap`` first, so ``**``, ``#``, list markers and link targets become
formatting and properties.

Invariants (tested as properties): :func:`accepted` gives the new text's
blocks and runs exactly as ``sourcemap.blocks_text`` reads them, and
:func:`rejected` the old text's; the cost is linear in the source length.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .mdblocks import Block
from .model import Change, ChangeKind
from .sourcemap import SEPARATOR, Fmt, Glyph, blocks_text, source_map


@dataclass(frozen=True)
class Run:
    """Visible text with one formatting and one change status."""

    kind: ChangeKind
    text: str
    fmt: Fmt
    change: Change | None = None  # who made it (insert, delete, formatting)
    old_fmt: Fmt | None = None  # set on an equal run whose formatting changed

    @property
    def author(self) -> str:
        """The delegation credited ("" when nobody is)."""
        return self.change.author if self.change else ""

    @property
    def date(self) -> datetime.datetime | None:
        """When the credited change was made."""
        return self.change.date if self.change else None


@dataclass
class Para:
    """One paragraph of the redline (see the module docstring)."""

    runs: list[Run] = field(default_factory=list)
    mark: ChangeKind = "equal"
    mark_change: Change | None = None
    new: Block | None = None
    old: Block | None = None
    old_at: int | None = None  # index of the old block its text is in (or follows)
    new_at: int | None = None
    has_old: bool = False  # whether any of its text (equal or deleted) is old text

    @property
    def content_changed(self) -> bool:
        """Whether its text, formatting or form (heading, list item…) changed."""
        return any(r.kind != "equal" or r.old_fmt is not None for r in self.runs) or (
            self.new is not None and self.old is not None and _form(self.new) != _form(self.old)
        )

    @property
    def changed(self) -> bool:
        """Whether anything in this paragraph changed, its mark included."""
        return self.mark != "equal" or self.content_changed

    @property
    def props(self) -> Block | None:
        """The block properties the paragraph shows (new, or old for a deleted mark)."""
        return self.old if self.mark == "delete" else self.new or self.old


_WORDISH = re.compile(r"\w")
Reading = list[tuple[tuple[str, int, bool], list[tuple[str, Fmt]]]]


def _form(block: Block | None) -> tuple[str, int, bool] | None:
    return (block.kind, block.level, block.ordered) if block else None


class _Builder:
    """Cuts the stream into paragraphs where either text starts a new block.

    A break is decided at the next visible character (syntax between blocks
    shows nothing): a new block in both texts makes an equal mark, in the new
    text only an inserted mark, in the old only a deleted one. A paragraph's
    properties are those of the blocks current when its text was shown.
    """

    def __init__(self, old_blocks: Sequence[Block], new_blocks: Sequence[Block]) -> None:
        self.old_blocks = old_blocks
        self.new_blocks = new_blocks
        self.paras: list[Para] = []
        self.para = Para()
        self.last_old: int | None = None  # the block each text is in now
        self.last_new: int | None = None
        self.para_old: int | None = None  # the blocks of the open paragraph
        self.para_new: int | None = None
        self.break_old = self.break_new = False
        self.cause: Change | None = None  # the change that made the pending break
        self.credit: Change | None = None  # the nearest change to where the stream is
        self.held: tuple[ChangeKind, Fmt, Fmt | None, Change | None] | None = None
        self.buffer: list[str] = []  # text of the run being gathered

    def separator(self, change: Change) -> None:
        """A newline between blocks: a changed one is the cause of the next break."""
        if change.kind != "equal":
            self.cause = change

    def enter(self, ob: int | None, nb: int | None) -> None:
        """A character of old block ``ob`` / new block ``nb`` follows."""
        if ob is not None and ob != self.last_old:
            self.break_old = self.break_old or self.last_old is not None
            self.last_old = ob
        if nb is not None and nb != self.last_new:
            self.break_new = self.break_new or self.last_new is not None
            self.last_new = nb

    def emit(
        self,
        kind: ChangeKind,
        text: str,
        fmt: Fmt,
        change: Change | None = None,
        old_fmt: Fmt | None = None,
    ) -> None:
        """Visible text; runs of one kind, format and credit are gathered, then joined."""
        if self.break_old or self.break_new:
            if self.para.runs or self.buffer:
                old, new = self.break_old, self.break_new
                mark: ChangeKind = "equal" if old and new else "insert" if new else "delete"
                self.close(mark, self.cause or change or self.credit)
            self.break_old = self.break_new = False
            self.cause = None
        self.para_old, self.para_new = self.last_old, self.last_new
        held = self.held
        if (
            held is not None
            and held[0] == kind
            and held[3] is change
            and (held[1] is fmt or held[1] == fmt)
            and (held[2] is old_fmt or held[2] == old_fmt)
        ):
            self.buffer.append(text)
            return
        self.flush()
        self.held = (kind, fmt, old_fmt, change)
        self.buffer = [text]

    def flush(self) -> None:
        if self.held is not None and self.buffer:
            kind, fmt, old_fmt, change = self.held
            self.para.runs.append(Run(kind, "".join(self.buffer), fmt, change, old_fmt))
        self.held = None
        self.buffer = []

    def close(self, mark: ChangeKind, cause: Change | None) -> None:
        self.flush()
        if mark == "equal" and (self.para_old is None or self.para_new is None):
            mark = "insert" if self.para_old is None else "delete"  # one text has no block yet
            cause = cause or next((r.change for r in self.para.runs if r.change), self.credit)
        para = self.para
        para.old_at, para.new_at = self.para_old, self.para_new
        para.has_old = any(r.kind != "insert" for r in para.runs)
        para.mark = mark
        para.mark_change = cause if mark != "equal" else None
        if mark != "delete" and self.para_new is not None:
            para.new = self.new_blocks[self.para_new]
        if mark != "insert" and self.para_old is not None:
            para.old = self.old_blocks[self.para_old]
        self.paras.append(para)
        self.para = Para()

    def finish(self) -> list[Para]:
        self.flush()
        if self.para.runs:
            self.close("equal", None)
        return self.paras


def _nearest_changes(changes: Sequence[Change]) -> list[Change | None]:
    """For each segment, the nearest segment that is not equal (itself if it is not)."""
    size = len(changes)
    before: list[int | None] = [None] * size
    after: list[int | None] = [None] * size
    last: int | None = None
    for i in range(size):
        last = i if changes[i].kind != "equal" else last
        before[i] = last
    last = None
    for i in range(size - 1, -1, -1):
        last = i if changes[i].kind != "equal" else last
        after[i] = last
    out: list[Change | None] = []
    for i in range(size):
        b, a = before[i], after[i]
        pick = b if a is None or (b is not None and i - b <= a - i) else a
        out.append(changes[pick] if pick is not None else None)
    return out


def _refine(changes: Sequence[Change]) -> list[Change]:
    """Split a replacement whose one side contains the other around what they share.

    A diff may report ``should`` → ``**should**`` as a deletion and an
    insertion; read as ``**`` inserted on each side of an unchanged word it
    becomes a formatting change. Credit stays with the inserting change.
    """
    out: list[Change] = []
    index = 0
    while index < len(changes):
        one = changes[index]
        two = changes[index + 1] if index + 1 < len(changes) else None
        if two is None or {one.kind, two.kind} != {"insert", "delete"}:
            out.append(one)
            index += 1
            continue
        deleted, inserted = (one, two) if one.kind == "delete" else (two, one)
        longer, shorter = sorted((deleted, inserted), key=lambda c: -len(c.text))
        at = longer.text.find(shorter.text) if shorter.text.strip() else -1
        head, tail = longer.text[: max(at, 0)], longer.text[at + len(shorter.text) :]
        if at < 0 or _WORDISH.search(head + tail):  # only syntax or punctuation around it
            out.extend((one, two))
        else:
            if head:
                out.append(replace(longer, text=head))
            out.append(Change("equal", shorter.text))
            if tail:
                out.append(replace(longer, text=tail))
        index += 2
    return out


def structure(changes: Sequence[Change]) -> list[Para]:
    """The paragraphs of a section's redline (see the module docstring)."""
    changes = _refine(changes)
    old_src = "".join(c.text for c in changes if c.kind != "insert")
    new_src = "".join(c.text for c in changes if c.kind != "delete")
    old_blocks, old_glyphs = source_map(old_src)
    new_blocks, new_glyphs = source_map(new_src)
    builder = _Builder(old_blocks, new_blocks)
    nearest = _nearest_changes(changes)
    po = pn = 0
    for index, change in enumerate(changes):
        size = len(change.text)
        olds: Sequence[Glyph | None] = (
            old_glyphs[po : po + size] if change.kind != "insert" else [None] * size
        )
        news: Sequence[Glyph | None] = (
            new_glyphs[pn : pn + size] if change.kind != "delete" else [None] * size
        )
        credit = nearest[index]
        if change.kind == "equal":
            _equal_stretch(builder, change, credit, olds, news)  # type: ignore[arg-type]
        else:
            for og, ng in zip(olds, news, strict=True):
                _step(builder, change, credit, og, ng)
        po += size if change.kind != "insert" else 0
        pn += size if change.kind != "delete" else 0
    return builder.finish()


def _equal_stretch(
    builder: _Builder,
    change: Change,
    credit: Change | None,
    olds: Sequence[Glyph],
    news: Sequence[Glyph],
) -> None:
    """Unchanged text, a stretch of same-block, same-format characters at a time.

    Exactly what :func:`_step` does character by character (a property test holds
    the two equal): inside one block of each text, with one format and the same
    visible text on both sides, every character is an equal run of that format,
    and consecutive equal runs are gathered anyway. Anything else (a separator, a
    change of format or link, hidden syntax on one side only) goes by ``_step``.
    """
    i, end = 0, len(olds)
    while i < end:
        og, ng = olds[i], news[i]
        ob, nb, fmt = og.block, ng.block, og.fmt
        if ob == SEPARATOR or nb == SEPARATOR or ng.fmt is not fmt or og.text != ng.text:
            _step(builder, change, credit, og, ng)
            i += 1
            continue
        texts = [ng.text]
        i += 1
        while i < end:
            og, ng = olds[i], news[i]
            if og.block != ob or ng.block != nb or og.fmt is not fmt or ng.fmt is not fmt:
                break
            if og.text != ng.text:
                break
            texts.append(ng.text)
            i += 1
        builder.credit = credit
        builder.enter(ob, nb)
        text = "".join(texts)
        if text:
            builder.emit("equal", text, fmt)


def _step(
    builder: _Builder, change: Change, credit: Change | None, og: Glyph | None, ng: Glyph | None
) -> None:
    ob = og.block if og is not None and og.block != SEPARATOR else None
    nb = ng.block if ng is not None and ng.block != SEPARATOR else None
    sep_old = og is not None and og.block == SEPARATOR
    sep_new = ng is not None and ng.block == SEPARATOR
    if sep_old or sep_new:
        builder.separator(change)
    if ob is None and nb is None:
        return
    builder.credit = credit
    builder.enter(ob, nb)
    old_text = og.text if og is not None and ob is not None else ""
    new_text = ng.text if ng is not None and nb is not None else ""
    same_link = og is not None and ng is not None and og.fmt.href == ng.fmt.href
    if old_text and new_text and old_text == new_text and same_link and ng is not None:
        assert og is not None
        # A link is not a run property in Word: a change of target is a rewrite.
        if og.fmt is ng.fmt or og.fmt == ng.fmt:
            builder.emit("equal", new_text, ng.fmt)
        else:
            builder.emit("equal", new_text, ng.fmt, credit, og.fmt)
        return
    shown_by = change if change.kind != "equal" else credit
    if old_text and og is not None:
        builder.emit("delete", old_text, og.fmt, shown_by)
    if new_text and ng is not None:
        builder.emit("insert", new_text, ng.fmt, shown_by)


def whole(paras: list[Para], kind: ChangeKind, cause: Change | None) -> list[Para]:
    """Mark every paragraph mark ``kind`` (an added or removed section)."""
    for para in paras:
        para.mark, para.mark_change = kind, cause
    return paras


def accepted(paras: Sequence[Para]) -> Reading:
    """The paragraphs as they read with every change accepted."""
    return _reading(paras, keep="insert", join="delete", fmt_new=True)


def rejected(paras: Sequence[Para]) -> Reading:
    """The paragraphs as they read with every change rejected."""
    return _reading(paras, keep="delete", join="insert", fmt_new=False)


def _reading(
    paras: Sequence[Para], *, keep: ChangeKind, join: ChangeKind, fmt_new: bool
) -> Reading:
    out: Reading = []
    runs: list[tuple[str, Fmt]] = []
    for para in paras:
        for run in para.runs:
            if run.kind not in ("equal", keep):
                continue
            fmt = run.fmt if fmt_new or run.old_fmt is None else run.old_fmt
            if runs and runs[-1][1] == fmt:
                runs[-1] = (runs[-1][0] + run.text, fmt)
            else:
                runs.append((run.text, fmt))
        if para.mark == join:
            continue
        block = para.new if fmt_new else para.old
        if para.mark != "equal":
            block = para.props
        form = _form(block) or ("paragraph", 0, False)
        out.append((form, runs))
        runs = []
    return out


def reading_of(markdown: str) -> Reading:
    """A Markdown text's blocks as :func:`accepted` and :func:`rejected` give them."""
    blocks, glyphs = source_map(markdown)
    texts = blocks_text(blocks, glyphs)
    return [((b.kind, b.level, b.ordered), runs) for b, runs in zip(blocks, texts, strict=True)]
