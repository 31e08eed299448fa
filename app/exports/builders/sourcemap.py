"""What each character of a Markdown source shows a reader.

A redline is computed over the Markdown source (that is where proposals and
merges live), but a reader must see the text's form, not its syntax. This
module maps every source character to a :class:`Glyph`:

- ``block``: the index of the block (``mdblocks.parse_blocks`` order) the
  character belongs to, or ``SEPARATOR`` for the newlines and blank lines
  between blocks;
- ``text``: what it shows: usually the character itself; ``""`` for syntax
  (``**``, ``#``, list markers, indentation, link targets, escapes'
  backslashes); a soft line break shows ``" "``, a hard one ``"\\n"``; the
  first character of an entity shows the decoded character and the rest
  nothing;
- ``fmt``: the formatting in force (bold, italic, code, link target).

Invariants: one glyph per source character; for every block, joining the
visible ``text`` of its glyphs with their formatting gives exactly the runs
``mdblocks.parse_blocks`` gives for it (so the redline and the clean export
agree). When a block's source cannot be located character by character (an
input the mapping does not understand), its characters show as plain text:
degraded, never lost.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from .mdblocks import Block, parse_with_tokens, safe_href

SEPARATOR = -1
_PREFIX = re.compile(
    r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|#{1,6}(?=[ \t]|$)))*[ \t]*"
)


@dataclass(frozen=True)
class Fmt:
    """Inline formatting of a character."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


@functools.lru_cache(maxsize=4096)
def fmt_of(bold: bool = False, italic: bool = False, code: bool = False, href: str = "") -> Fmt:
    """One shared instance per format, so that equal formats are usually identical."""
    return Fmt(bold, italic, code, href)


PLAIN = fmt_of()
CODE = fmt_of(code=True)


@dataclass(frozen=True)
class Glyph:
    """What one source character contributes (see the module docstring)."""

    block: int
    text: str
    fmt: Fmt = PLAIN


_SEP = Glyph(SEPARATOR, "")


@functools.lru_cache(maxsize=64)
def source_map(markdown: str) -> tuple[tuple[Block, ...], tuple[Glyph, ...]]:
    """The blocks of ``markdown`` and one glyph per source character.

    Cached (both are immutable): a compilation maps one section's current text
    once for all of its proposals, not once per proposal.
    """
    glyphs = [_SEP] * len(markdown)
    starts = _line_starts(markdown)
    pairs = parse_with_tokens(markdown)
    for index, (block, token) in enumerate(pairs):
        _map_block(markdown, starts, index, block, token, glyphs)
    return tuple(block for block, _ in pairs), tuple(glyphs)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _line(text: str, starts: Sequence[int], number: int) -> tuple[int, str]:
    """Start offset and text (without its newline) of line ``number``."""
    if number >= len(starts):
        return len(text), ""
    start = starts[number]
    end = text.find("\n", start)
    return start, text[start : len(text) if end < 0 else end]


def _map_block(
    src: str, starts: Sequence[int], index: int, block: Block, token: Token, glyphs: list[Glyph]
) -> None:
    first, last = token.map or (0, 0)
    # Every character on the block's lines is its syntax until shown otherwise.
    syntax = Glyph(index, "")
    for number in range(first, last):
        start, line = _line(src, starts, number)
        glyphs[start : start + len(line)] = [syntax] * len(line)
        if number < last - 1 and start + len(line) < len(src):
            glyphs[start + len(line)] = syntax  # newline inside the block
    if block.kind == "rule":
        start, _ = _line(src, starts, first)
        glyphs[start] = Glyph(index, "\u2014" * 3)
        return
    if block.kind == "code" or token.type == "html_block":
        _map_verbatim(src, starts, index, block, token, glyphs)
        return
    offsets = _content_offsets(src, starts, first, token.content)
    if offsets is None:
        _map_plain(src, starts, index, first, last, glyphs)
        return
    if not _map_inline(token, offsets, src, index, glyphs):
        _map_plain(src, starts, index, first, last, glyphs)


def _content_offsets(src: str, starts: Sequence[int], first: int, content: str) -> list[int] | None:
    """Source offset of every character of an inline token's content."""
    offsets: list[int] = []
    lines = content.split("\n")
    for i, piece in enumerate(lines):
        start, line = _line(src, starts, first + i)
        at = _locate(line, piece)
        if at < 0:
            return None
        offsets.extend(range(start + at, start + at + len(piece)))
        if i < len(lines) - 1:
            offsets.append(start + len(line))  # the newline ending this line
    return offsets


def _locate(line: str, piece: str) -> int:
    """Where ``piece`` starts in ``line`` after the line's block prefixes."""
    at = line.find(piece)
    while at >= 0:
        if _PREFIX.fullmatch(line[:at]):
            return at
        at = line.find(piece, at + 1)
    return -1


def _map_plain(
    src: str, starts: Sequence[int], index: int, first: int, last: int, glyphs: list[Glyph]
) -> None:
    for number in range(first, last):
        start, line = _line(src, starts, number)
        for pos in range(start, start + len(line)):
            glyphs[pos] = Glyph(index, src[pos])
        if number < last - 1 and start + len(line) < len(src):
            glyphs[start + len(line)] = Glyph(index, " ")


def _map_verbatim(
    src: str, starts: Sequence[int], index: int, block: Block, token: Token, glyphs: list[Glyph]
) -> None:
    """Code and raw HTML blocks: their lines as they are, monospace for code."""
    fmt = CODE if block.kind == "code" else PLAIN
    first, last = token.map or (0, 0)
    body = token.content.rstrip("\n").split("\n")
    number = first + 1 if token.type == "fence" else first
    shown = False
    for piece in body:
        start, line = _line(src, starts, number)
        at = line.find(piece) if piece else 0
        if at < 0:
            break
        for pos in range(start + at, start + at + len(piece)):
            glyphs[pos] = Glyph(index, src[pos], fmt)
        if shown and start > 0:
            glyphs[start - 1] = Glyph(index, "\n", fmt)  # the break before this line
        shown = True
        number += 1
        if number >= last:
            break


class _Cursor:
    """Walks an inline token's children over its content, recording glyphs."""

    def __init__(self, content: str, offsets: list[int], src: str, block: int, glyphs: list[Glyph]):
        self.content = content
        self.offsets = offsets
        self.src = src
        self.block = block
        self.glyphs = glyphs
        self.at = 0

    def find(self, needle: str) -> int:
        found = self.content.find(needle, self.at)
        if found < 0:
            raise LookupError(needle)
        return found

    def show(self, start: int, end: int, fmt: Fmt, text: str | None = None) -> None:
        """Content ``[start, end)`` is visible (as ``text`` if given, on its first char)."""
        src, offsets, glyphs, block = self.src, self.offsets, self.glyphs, self.block
        if text is not None:
            glyphs[offsets[start]] = Glyph(block, text, fmt)
            hidden = Glyph(block, "", fmt)
            for i in range(start + 1, end):
                glyphs[offsets[i]] = hidden
        else:
            made: dict[str, Glyph] = {}  # glyphs are immutable: one per character here
            for i in range(start, end):
                at = offsets[i]
                char = src[at]
                glyph = made.get(char)
                if glyph is None:
                    glyph = made[char] = Glyph(block, char, fmt)
                glyphs[at] = glyph
        self.at = max(self.at, end)

    def skip_to(self, end: int) -> None:
        self.at = max(self.at, end)

    def skip_destination(self) -> None:
        """Past ``]``, then ``(…)`` or ``[…]`` if they follow."""
        end = self.find("]") + 1
        if self.content.startswith("(", end):
            depth = 0
            for i in range(end, len(self.content)):
                ch = self.content[i]
                if ch == "\\":
                    continue
                depth += 1 if ch == "(" else -1 if ch == ")" else 0
                if depth == 0:
                    end = i + 1
                    break
        elif self.content.startswith("[", end):
            end = self.content.find("]", end) + 1 or len(self.content)
        self.skip_to(end)


def _map_inline(
    token: Token, offsets: list[int], src: str, index: int, glyphs: list[Glyph]
) -> bool:
    cursor = _Cursor(token.content, offsets, src, index, glyphs)
    bold = italic = 0
    href = ""
    try:
        for tok in token.children or []:
            fmt = fmt_of(bold > 0, italic > 0, False, href)
            kind = tok.type
            if kind in ("strong_open", "strong_close", "em_open", "em_close"):
                cursor.skip_to(cursor.find(tok.markup) + len(tok.markup))
                delta = 1 if kind.endswith("open") else -1
                if kind.startswith("strong"):
                    bold += delta
                else:
                    italic += delta
            elif kind == "text" or kind == "html_inline":
                if tok.content:
                    start = cursor.find(tok.content)
                    cursor.show(start, start + len(tok.content), fmt)
            elif kind == "text_special":
                start = cursor.find(tok.markup)
                cursor.show(start, start + len(tok.markup), fmt, tok.content)
            elif kind in ("softbreak", "hardbreak"):
                start = cursor.find("\n")
                cursor.show(start, start + 1, fmt, " " if kind == "softbreak" else "\n")
            elif kind == "code_inline":
                _code(cursor, tok, fmt)
            elif kind == "link_open":
                target = tok.attrGet("href")
                href = safe_href(target) if isinstance(target, str) else ""
                opener = "<" if tok.markup == "autolink" else "["
                cursor.skip_to(cursor.find(opener) + 1)
            elif kind == "link_close":
                href = ""
                if tok.markup == "autolink":
                    cursor.skip_to(cursor.find(">") + 1)
                else:
                    cursor.skip_destination()
            elif kind == "image":
                start = cursor.find("![")
                cursor.show(start, start + 1, fmt, tok.content)
                cursor.skip_to(start + 2)
                cursor.skip_destination()
    except LookupError:
        return False
    return True


def _code(cursor: _Cursor, tok: Token, fmt: Fmt) -> None:
    opener = cursor.find(tok.markup)
    start = opener + len(tok.markup)
    closer = cursor.content.find(tok.markup, start)
    if closer < 0:
        raise LookupError(tok.markup)
    end = closer
    if cursor.content[start:end].replace("\n", " ") != tok.content:
        start, end = start + 1, end - 1  # CommonMark strips one space at each end
    code_fmt = fmt_of(fmt.bold, fmt.italic, True, fmt.href)
    for i in range(start, end):
        cursor.show(i, i + 1, code_fmt, " " if cursor.content[i] == "\n" else None)
    cursor.skip_to(closer + len(tok.markup))


def blocks_text(blocks: Sequence[Block], glyphs: Sequence[Glyph]) -> list[list[tuple[str, Fmt]]]:
    """Per block, its visible runs (text, format), adjacent equal formats joined."""
    out: list[list[tuple[str, Fmt]]] = [[] for _ in blocks]
    for glyph in glyphs:
        if glyph.block == SEPARATOR or not glyph.text:
            continue
        runs = out[glyph.block]
        if runs and runs[-1][1] == glyph.fmt:
            runs[-1] = (runs[-1][0] + glyph.text, glyph.fmt)
        else:
            runs.append((glyph.text, glyph.fmt))
    return out
