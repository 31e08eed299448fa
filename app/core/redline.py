"""Redline: word-level ``<ins>``/``<del>`` over *rendered* Markdown.

Algorithm.

1. Both texts are parsed with the safe parser of ``app.core.markdown`` into
   block tokens, read as a tree: containers (lists, list items, blockquotes,
   tables, table sections, rows) and leaves (paragraphs, headings, table
   cells, code blocks, rules). Each block's key is its own rendered HTML.
2. At each level the two sequences of block keys are aligned with
   ``diff_tokens`` (diff-match-patch over one character per key, no semantic
   cleanup). Equal blocks are emitted as rendered. Inside a run of removed
   and added blocks, blocks of the same kind (same tag, heading level, code
   language) are paired by a small dynamic programme maximising word-overlap
   similarity; a pair needs a similarity of ``_MIN_SIMILARITY`` unless it is
   the only candidate on both sides.
3. A paired container keeps the new opening and closing tags and recurses
   into its children. A paired leaf keeps the new tags and diffs its inline
   content: every word, space and punctuation mark becomes an item carrying
   the stack of inline tags around it (``<em>``, ``<a href=...>``, ``<code>``
   ...), images and breaks become atomic items, and the item sequences are
   word-diffed with semantic cleanup. A formatting change therefore shows as
   the old words deleted and the new words inserted.
4. The merged item stream is written by ``_InlineCodec.html``, which keeps an explicit
   stack of open tags: before each item it closes and reopens tags so the
   open stack equals the item's tags plus, innermost, ``<ins>`` or ``<del>``.
5. An unpaired removed (added) block is rendered whole with class
   ``redline-del`` (``redline-ins``) on each of its block elements and its
   inline or code content wrapped in one ``<del>`` (``<ins>``).

Invariants (property-tested):

* output is well-formed: every tag is balanced and ``<ins>``/``<del>`` sit
  inside a leaf block, never across a block boundary;
* dropping ``<del>`` elements and unwrapping ``<ins>`` leaves the text of
  ``render_markdown(new)``, and symmetrically for ``old`` (whitespace between
  blocks aside);
* ``redline_html(t, t) == render_markdown(t)``: no ``<ins>``/``<del>``;
* every byte of output comes from the safe renderer, from ``escape`` or
  from the constant tags above, so it is as safe as ``render_markdown``;
* parsing is cached per text (32 texts), tokens are never mutated;
* deterministic, provided no diff hits ``timeout`` (which bounds each
  individual diff call, not the whole redline).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from app.core.diff import DiffOp, OpKind, diff_tokens
from app.core.markdown import escape, get_parser, render_markdown
from app.core.tokenize import tokenize

__all__ = ["redline_html", "redline_ops_html"]

_MIN_SIMILARITY = 0.3
_MAX_ALIGN_CELLS = 2500  # beyond this, pair blocks by kind only (no similarity DP)
WORD_BUDGET = 4_000_000  # squared item counts word-diffed in one redline
DIFF_OVERHEAD = 1_500  # budget units one diff costs whatever its size (its setup and clean-up)
_SENTINEL = "\x00"  # markdown-it turns NUL in input into U+FFFD, so it is free
_CONTEXT_BASE = 0x100  # first character numbering an inline tag context

_Tag = tuple[str, str]  # (opening HTML, closing HTML)
_WRAP: dict[OpKind, _Tag] = {"insert": ("<ins>", "</ins>"), "delete": ("<del>", "</del>")}
_CLASS: dict[OpKind, str] = {"insert": "redline-ins", "delete": "redline-del"}


@dataclass(slots=True)
class _Doc:
    tokens: list[Token]
    close_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        opened: list[int] = []
        for index, token in enumerate(self.tokens):
            if token.nesting == 1:
                opened.append(index)
            elif token.nesting == -1 and opened:
                self.close_of[opened.pop()] = index


@dataclass(slots=True)
class _Block:
    doc: _Doc
    start: int  # first token
    end: int  # last token, inclusive
    kind: str
    html: str
    leaf: bool
    words: Counter[str] | None = None

    @property
    def tokens(self) -> list[Token]:
        return self.doc.tokens[self.start : self.end + 1]


_MD = get_parser()


def _html_renderer() -> RendererHTML:
    renderer = _MD.renderer
    if not isinstance(renderer, RendererHTML):  # pragma: no cover - configuration error
        raise TypeError("the redline needs markdown-it's HTML renderer")
    return renderer


_RENDERER = _html_renderer()


def _render(tokens: Sequence[Token]) -> str:
    rendered: str = _RENDERER.render(tokens, _MD.options, {})
    return rendered


def _render_inline(children: Sequence[Token]) -> str:
    rendered: str = _RENDERER.renderInline(children, _MD.options, {})
    return rendered


def _render_tag(doc: _Doc, index: int) -> str:
    rendered: str = _RENDERER.renderToken(doc.tokens, index, _MD.options, {})
    return rendered


def _lead(doc: _Doc, index: int) -> str:
    """The newline markdown-it writes before a block that follows a hidden paragraph."""
    token = doc.tokens[index]
    hidden_before = index > 0 and doc.tokens[index - 1].hidden
    return "\n" if hidden_before and token.block and token.nesting != -1 else ""


def _kind(tokens: list[Token], start: int, end: int) -> tuple[str, bool]:
    token = tokens[start]
    if token.type == "fence":
        return f"fence:{token.info}", True
    is_leaf = end == start + 2 and tokens[start + 1].type == "inline"
    return f"{token.type}:{token.tag}", is_leaf or end == start


def _blocks(doc: _Doc, start: int, stop: int) -> list[_Block]:
    """The sibling blocks whose tokens lie in ``doc.tokens[start:stop]``."""
    blocks: list[_Block] = []
    index = start
    while index < stop:
        end = doc.close_of.get(index, index)
        kind, leaf = _kind(doc.tokens, index, end)
        html = _lead(doc, index) + _render(doc.tokens[index : end + 1])
        blocks.append(_Block(doc, index, end, kind, html, leaf))
        index = end + 1
    return blocks


def _children(block: _Block) -> list[_Block]:
    return _blocks(block.doc, block.start + 1, block.end)


def _words(block: _Block) -> Counter[str]:
    if block.words is None:
        texts: list[str] = []
        for token in block.tokens:
            texts.extend(child.content for child in token.children or ())
            if token.type in ("fence", "code_block"):
                texts.append(token.content)
        block.words = Counter(w for w in tokenize(" ".join(texts)) if not w.isspace())
    return block.words


def _similarity(old: _Block, new: _Block) -> float:
    old_words, new_words = _words(old), _words(new)
    total = old_words.total() + new_words.total()
    return 1.0 if total == 0 else 2 * (old_words & new_words).total() / total


# -- inline items and their emission ------------------------------------------


class _InlineCodec:
    """Inline content as a list of strings, cheap to hash and diff.

    A word, space or punctuation mark outside any inline tag is itself; any
    other item is ``NUL + kind + context + payload`` where kind is ``t``
    (text) or ``v`` (atomic HTML: image, line break) and context is one
    character numbering the stack of enclosing tags. markdown-it replaces NUL
    in its input, so no text item can start with one.
    """

    def __init__(self) -> None:
        self.contexts: list[tuple[_Tag, ...]] = [()]
        self.ids: dict[tuple[_Tag, ...], int] = {(): 0}

    def _prefix(self, kind: str, tags: tuple[_Tag, ...]) -> str:
        context = self.ids.setdefault(tags, len(self.contexts))
        if context == len(self.contexts):
            self.contexts.append(tags)
        return "\x00" + kind + chr(_CONTEXT_BASE + context)

    def _text(self, items: list[str], text: str, tags: tuple[_Tag, ...]) -> None:
        if tags:
            prefix = self._prefix("t", tags)
            items.extend(prefix + word for word in tokenize(text))
        else:
            items.extend(tokenize(text))

    def items(self, children: Sequence[Token]) -> list[str]:
        """Flatten inline tokens into words and atoms, each with its enclosing tags."""
        items: list[str] = []
        stack: list[_Tag] = []
        for index, token in enumerate(children):
            if token.type == "text":
                self._text(items, token.content, tuple(stack))
            elif token.type == "code_inline":
                code_tag = (f"<code{_RENDERER.renderAttrs(token)}>", "</code>")
                self._text(items, token.content, (*stack, code_tag))
            elif token.nesting == 1:
                opening: str = _RENDERER.renderToken(children, index, _MD.options, {})
                stack.append((opening, f"</{token.tag}>"))
            elif token.nesting == -1:
                if stack:
                    stack.pop()
            else:  # image, softbreak, hardbreak: atomic
                items.append(self._prefix("v", tuple(stack)) + _render_inline([token]))
        return items

    def html(self, runs: Sequence[tuple[OpKind, Sequence[str]]]) -> str:
        """Write diff runs as balanced HTML; ins/del are always the innermost tag."""
        out: list[str] = []
        open_tags: list[_Tag] = []
        texts: list[str] = []  # pending text, escaped in one go
        for kind, items in runs:
            wrap = _WRAP.get(kind)
            current = -1
            for item in items:
                context, void, text = 0, False, item
                if item[0] == "\x00":
                    context, void, text = ord(item[2]) - _CONTEXT_BASE, item[1] == "v", item[3:]
                if context != current or void:
                    out.append(escape("".join(texts)))
                    texts.clear()
                if context != current:
                    current = context
                    tags = self.contexts[context]
                    _sync(open_tags, tags if wrap is None else (*tags, wrap), out)
                (out if void else texts).append(text)
            out.append(escape("".join(texts)))
            texts.clear()
        _sync(open_tags, (), out)
        return "".join(out)


def _sync(open_tags: list[_Tag], target: tuple[_Tag, ...], out: list[str]) -> None:
    """Close and open tags so that ``open_tags`` becomes ``target``."""
    common = 0
    limit = min(len(open_tags), len(target))
    while common < limit and open_tags[common] == target[common]:
        common += 1
    out.extend(tag[1] for tag in reversed(open_tags[common:]))
    del open_tags[common:]
    out.extend(tag[0] for tag in target[common:])
    open_tags.extend(target[common:])


# -- blocks --------------------------------------------------------------------


def _code_parts(token: Token) -> tuple[str, str]:
    """The HTML before and after the content of a code block token."""
    shell = token.copy(content=_SENTINEL, attrs=dict(token.attrs))
    before, _, after = _render([shell]).partition(_SENTINEL)
    return before, after


def _marked_token(token: Token, kind: OpKind) -> Token:
    wrap = _WRAP[kind]
    if token.type == "inline":
        inner = _render_inline(token.children or [])
        content = wrap[0] + inner + wrap[1] if inner else ""
        return Token("inline", "", 0, children=[Token("html_inline", "", 0, content=content)])
    if token.type in ("fence", "code_block"):
        before, after = _code_parts(token)
        body = wrap[0] + escape(token.content) + wrap[1] if token.content else ""
        return Token("html_block", "", 0, content=before + body + after)
    marked = token.copy(attrs=dict(token.attrs))
    if token.nesting == 1 or token.type == "hr":
        marked.attrJoin("class", _CLASS[kind])
    return marked


def _render_marked(block: _Block, kind: OpKind) -> str:
    """A whole inserted or deleted block: classes on blocks, content wrapped."""
    marked = _render([_marked_token(token, kind) for token in block.tokens])
    return _lead(block.doc, block.start) + marked


class _Redliner:
    """Redlines block trees; word diffs spend from one budget per redline.

    Each inline or code diff costs the square of its item count (Myers' worst
    case) plus ``DIFF_OVERHEAD`` (thousands of small diffs, e.g. a rewritten list
    of 12,000 items, cost more in setup than in search); once ``WORD_BUDGET`` is
    spent, a changed block is shown whole, deleted then inserted. The bound
    depends on the texts only, so a redline is the same every time; what is left
    (parsing and rendering) is linear in the texts, which ``MAX_SECTION_CHARS``
    bounds.
    """

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self.budget = WORD_BUDGET

    def _afford(self, size: int) -> bool:
        cost = size * size + DIFF_OVERHEAD
        if cost > self.budget:
            return False
        self.budget -= cost
        return True

    def blocks(self, old: Sequence[_Block], new: Sequence[_Block]) -> str:
        """Align two sibling sequences by their rendered HTML and redline them."""
        runs = diff_tokens(
            [b.html for b in old], [b.html for b in new], timeout=self.timeout, semantic=False
        )
        out: list[str] = []
        removed: list[_Block] = []
        added: list[_Block] = []
        old_at = new_at = 0
        for kind, keys in runs:
            if kind == "equal":
                out.append(self.replace(removed, added))
                removed, added = [], []
                out.extend(b.html for b in new[new_at : new_at + len(keys)])
                old_at, new_at = old_at + len(keys), new_at + len(keys)
            elif kind == "delete":
                removed.extend(old[old_at : old_at + len(keys)])
                old_at += len(keys)
            else:
                added.extend(new[new_at : new_at + len(keys)])
                new_at += len(keys)
        out.append(self.replace(removed, added))
        return "".join(out)

    def replace(self, removed: Sequence[_Block], added: Sequence[_Block]) -> str:
        """Redline a run of removed blocks against the run of added blocks."""
        out: list[str] = []
        pending_removed: list[_Block] = []
        pending_added: list[_Block] = []
        for old, new in _align(removed, added):
            if old is not None and new is not None:
                out.extend(_render_marked(b, "delete") for b in pending_removed)
                out.extend(_render_marked(b, "insert") for b in pending_added)
                pending_removed, pending_added = [], []
                out.append(self.pair(old, new))
            elif old is not None:
                pending_removed.append(old)
            elif new is not None:
                pending_added.append(new)
        out.extend(_render_marked(b, "delete") for b in pending_removed)
        out.extend(_render_marked(b, "insert") for b in pending_added)
        return "".join(out)

    def pair(self, old: _Block, new: _Block) -> str:
        """Redline two blocks of the same kind: recurse, diff inline or diff code."""
        old_first, new_first = old.doc.tokens[old.start], new.doc.tokens[new.start]
        if new_first.type in ("fence", "code_block"):
            return _lead(new.doc, new.start) + self.code(old_first, new_first)
        if new.start == new.end:  # hr and other content-free leaves: equal by kind
            return new.html
        opening = _render_tag(new.doc, new.start)  # in context: includes any lead
        closing = _render_tag(new.doc, new.end)
        if not new.leaf:
            return opening + self.blocks(_children(old), _children(new)) + closing
        old_children = old.doc.tokens[old.start + 1].children or []
        new_children = new.doc.tokens[new.start + 1].children or []
        codec = _InlineCodec()
        old_items, new_items = codec.items(old_children), codec.items(new_children)
        if not self._afford(len(old_items) + len(new_items)):
            return _render_marked(old, "delete") + _render_marked(new, "insert")
        runs = diff_tokens(old_items, new_items, timeout=self.timeout)
        return opening + codec.html(runs) + closing

    def code(self, old: Token, new: Token) -> str:
        """Word-diff the content of two code blocks inside the new block's shell."""
        before, after = _code_parts(new)
        old_tokens, new_tokens = tokenize(old.content), tokenize(new.content)
        if not self._afford(len(old_tokens) + len(new_tokens)):
            old_tokens, new_tokens = [old.content], [new.content]  # one deletion, one insertion
        runs = diff_tokens(old_tokens, new_tokens, timeout=self.timeout)
        return before + _InlineCodec().html(runs) + after


def _align(
    removed: Sequence[_Block], added: Sequence[_Block]
) -> list[tuple[_Block | None, _Block | None]]:
    """Pair removed with added blocks in order, maximising total similarity."""
    if not removed or not added:
        return [(b, None) for b in removed] + [(None, b) for b in added]
    if len(removed) * len(added) > _MAX_ALIGN_CELLS:
        return _align_by_kind(removed, added)
    only_pair = len(removed) == len(added) == 1
    if only_pair and removed[0].kind == added[0].kind:
        return [(removed[0], added[0])]
    rows, cols = len(removed) + 1, len(added) + 1
    score = [[0.0] * cols for _ in range(rows)]
    weight: dict[tuple[int, int], float] = {}
    for i in range(1, rows):
        for j in range(1, cols):
            best = max(score[i - 1][j], score[i][j - 1])
            old, new = removed[i - 1], added[j - 1]
            if old.kind == new.kind:
                similarity = _similarity(old, new)
                if similarity >= _MIN_SIMILARITY or only_pair:
                    weight[i, j] = similarity + 1e-3  # pairing beats not pairing
                    best = max(best, score[i - 1][j - 1] + weight[i, j])
            score[i][j] = best
    return _traceback(removed, added, score, weight)


def _traceback(
    removed: Sequence[_Block],
    added: Sequence[_Block],
    score: list[list[float]],
    weight: dict[tuple[int, int], float],
) -> list[tuple[_Block | None, _Block | None]]:
    steps: list[tuple[_Block | None, _Block | None]] = []
    i, j = len(removed), len(added)
    while i > 0 or j > 0:
        if (i, j) in weight and score[i][j] == score[i - 1][j - 1] + weight[i, j]:
            steps.append((removed[i - 1], added[j - 1]))
            i, j = i - 1, j - 1
        elif j > 0 and (i == 0 or score[i][j] == score[i][j - 1]):
            steps.append((None, added[j - 1]))
            j -= 1
        else:
            steps.append((removed[i - 1], None))
            i -= 1
    steps.reverse()
    return steps


def _align_by_kind(
    removed: Sequence[_Block], added: Sequence[_Block]
) -> list[tuple[_Block | None, _Block | None]]:
    """Cheap pairing for huge runs: longest common subsequence of kinds."""
    steps: list[tuple[_Block | None, _Block | None]] = []
    i = j = 0
    for kind, kinds in diff_tokens([b.kind for b in removed], [b.kind for b in added]):
        for _ in kinds:
            old = removed[i] if kind != "insert" else None
            new = added[j] if kind != "delete" else None
            steps.append((old, new))
            i, j = i + (old is not None), j + (new is not None)
    return steps


@functools.lru_cache(maxsize=32)
def _parse(text: str) -> tuple[Token, ...]:
    """Parsed tokens, cached: many proposals are redlined against one base text.

    Cached tokens are shared, so nothing here mutates them (marking copies).
    """
    return tuple(_MD.parse(text))


@functools.lru_cache(maxsize=256)
def redline_html(old_md: str, new_md: str, *, timeout: float = 1.0) -> str:
    """Render ``new_md`` with word-level ``<ins>``/``<del>`` against ``old_md``.

    Cached (the result depends only on the arguments: the diff is
    deterministic and bounded): lists, details and compilations redline the
    same proposal against the same base again and again.
    """
    if old_md == new_md:
        return render_markdown(new_md)
    old_doc, new_doc = _Doc(list(_parse(old_md))), _Doc(list(_parse(new_md)))
    old_blocks = _blocks(old_doc, 0, len(old_doc.tokens))
    new_blocks = _blocks(new_doc, 0, len(new_doc.tokens))
    return _Redliner(timeout=timeout).blocks(old_blocks, new_blocks)


def redline_ops_html(ops: Sequence[DiffOp]) -> str:
    """Plain-text diff ops as escaped HTML with ``<ins>``/``<del>`` (e.g. titles)."""
    out: list[str] = []
    for op in ops:
        wrap = _WRAP.get(op.op)
        text = escape(op.text)
        out.append(text if wrap is None else wrap[0] + text + wrap[1])
    return "".join(out)
