"""Markdown source to a flat list of typed blocks, for the DOCX and AKN writers.

The HTML exports never go through here: they take HTML rendered by
``app.core.markdown``. Word and Akoma Ntoso need structure instead of HTML, so
this module walks markdown-it-py's CommonMark token stream and flattens it to
``Block`` records (heading, paragraph, list item, quote, code, rule) holding
``Inline`` runs (text with bold/italic/code flags and an optional link target).

Invariants: raw HTML (``html_block``/``html_inline`` tokens) is kept as literal
text and never interpreted; link targets are kept only for ``http``,
``https`` and ``mailto`` URLs; soft line breaks read as one space (as
CommonMark renders them), hard breaks as ``"\\n"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

BlockKind = Literal["heading", "paragraph", "list_item", "list_continue", "quote", "code", "rule"]
SAFE_SCHEMES = ("http://", "https://", "mailto:")

# Escapes and entities stay separate tokens (``text_special``), so that
# ``sourcemap`` can find each token's source; the runs read the same either way.
_MD = MarkdownIt("commonmark").disable("text_join")


@dataclass(frozen=True)
class Inline:
    """A run of text with uniform formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


@dataclass(frozen=True)
class Block:
    """One paragraph-like block.

    ``level`` is the heading level for headings and the nesting depth (1 =
    top level) for list items; ``ordered`` tells numbered from bulleted lists;
    ``list_start`` is set on the first item of each ordered list (its start
    number), 0 elsewhere.
    """

    kind: BlockKind
    inlines: tuple[Inline, ...] = ()
    level: int = 0
    ordered: bool = False
    list_start: int = 0

    @property
    def text(self) -> str:
        """The block's plain text."""
        return "".join(i.text for i in self.inlines)


@dataclass
class _State:
    lists: list[bool] = field(default_factory=list)  # ordered? per open list
    item_paragraphs: list[int] = field(default_factory=list)  # paragraphs seen per open item
    quote_depth: int = 0
    pending_start: int = 0
    heading_level: int = 0


def safe_href(href: str) -> str:
    """``href`` if it is an http, https or mailto URL, else ``""``."""
    return href if href.strip().lower().startswith(SAFE_SCHEMES) else ""


def parse_blocks(markdown: str) -> list[Block]:
    """Flatten Markdown source into blocks in reading order."""
    return [block for block, _ in parse_with_tokens(markdown)]


def parse_with_tokens(markdown: str) -> list[tuple[Block, Token]]:
    """Each block with the token it was read from (inline, code, html or rule)."""
    state = _State()
    pairs: list[tuple[Block, Token]] = []
    for token in _MD.parse(markdown):
        block = _block_for(token, state)
        if block is not None:
            pairs.append((block, token))
    return pairs


def _block_for(token: Token, st: _State) -> Block | None:
    kind = token.type
    if kind in ("bullet_list_open", "ordered_list_open"):
        st.lists.append(kind == "ordered_list_open")
        if kind == "ordered_list_open":
            start = token.attrGet("start")
            st.pending_start = int(start) if isinstance(start, int | str) else 1
    elif kind in ("bullet_list_close", "ordered_list_close"):
        st.lists.pop()
    elif kind == "list_item_open":
        st.item_paragraphs.append(0)
    elif kind == "list_item_close":
        st.item_paragraphs.pop()
    elif kind == "blockquote_open":
        st.quote_depth += 1
    elif kind == "blockquote_close":
        st.quote_depth -= 1
    elif kind == "heading_open":
        st.heading_level = int(token.tag[1:])
    elif kind == "inline":
        return _inline_block(token, st)
    elif kind in ("code_block", "fence"):
        return Block("code", (Inline(token.content.rstrip("\n"), code=True),))
    elif kind == "html_block":
        return Block("paragraph", (Inline(token.content.rstrip("\n")),))
    elif kind == "hr":
        return Block("rule")
    return None


def _inline_block(token: Token, st: _State) -> Block | None:
    inlines = tuple(inline_runs(token.children or []))
    if st.heading_level:
        level, st.heading_level = st.heading_level, 0
        return Block("heading", inlines, level=level) if inlines else None
    if st.item_paragraphs:
        first = st.item_paragraphs[-1] == 0
        st.item_paragraphs[-1] += 1
        ordered = st.lists[-1]
        start, st.pending_start = (st.pending_start, 0) if ordered and first else (0, 0)
        kind: BlockKind = "list_item" if first else "list_continue"
        return Block(kind, inlines, level=len(st.lists), ordered=ordered, list_start=start)
    if st.quote_depth:
        return Block("quote", inlines)
    return Block("paragraph", inlines) if inlines else None


def inline_runs(children: list[Token]) -> list[Inline]:
    """Inline tokens to formatted runs; adjacent runs of equal format are merged."""
    runs: list[Inline] = []
    bold = italic = 0
    href = ""
    for tok in children:
        t = tok.type
        if t == "strong_open" or t == "strong_close":
            bold += 1 if t == "strong_open" else -1
        elif t == "em_open" or t == "em_close":
            italic += 1 if t == "em_open" else -1
        elif t == "link_open":
            target = tok.attrGet("href")
            href = safe_href(target) if isinstance(target, str) else ""
        elif t == "link_close":
            href = ""
        else:
            text, code = _inline_text(tok)
            if text:
                _append(runs, Inline(text, bold > 0, italic > 0, code, href))
    return runs


def _inline_text(tok: Token) -> tuple[str, bool]:
    if tok.type == "code_inline":
        return tok.content, True
    if tok.type == "softbreak":
        return " ", False
    if tok.type == "hardbreak":
        return "\n", False
    if tok.type == "image":
        return tok.content, False  # the alt text; images are not exported
    return tok.content, False  # text, html_inline (literally), entities already decoded


def _append(runs: list[Inline], run: Inline) -> None:
    if runs:
        last = runs[-1]
        if (last.bold, last.italic, last.code, last.href) == (
            run.bold,
            run.italic,
            run.code,
            run.href,
        ):
            runs[-1] = Inline(last.text + run.text, run.bold, run.italic, run.code, run.href)
            return
    runs.append(run)
