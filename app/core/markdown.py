"""Safe Markdown rendering: the only way user text becomes HTML.

Algorithm: markdown-it-py in CommonMark mode with tables and strikethrough,
raw HTML *off* (``<script>`` and friends are parsed as literal text and
escaped), typographer and linkify off. The parser's own link validator is
replaced by a permissive one so that every link and image reaches the token
stream; a final core rule (``_drop_unsafe_links``) is then the single gate:

* a link survives only if its ``href`` is ``http:``, ``https:``, ``mailto:``
  or an in-document anchor ``#...``. Relative links (``/x``, ``x.html``,
  ``//host``) and every other scheme (``javascript:``, ``data:``,
  ``vbscript:``, ``file:`` ...) are refused; a refused link keeps its text
  and loses only the ``<a>`` element, so it "renders as its plain text";
* an image survives only if its ``src`` is ``http:`` or ``https:``; a refused
  image is replaced by its alt text.

The check runs on the URL exactly as it will be written into the attribute,
after markdown-it's percent-encoding, and before comparing it is
entity-decoded (repeatedly), stripped of every whitespace and control or
format character, and lower-cased, so ``jav&#x61;script:``, ``JaVaScRiPt:``
and ``java\\tscript:`` are all refused.

Invariants: output never contains a raw tag from the input, an event-handler
attribute, or an ``href``/``src`` outside the allowed schemes; rendering is
deterministic and has no side effects.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "escape",
    "get_parser",
    "is_allowed_image_src",
    "is_allowed_link",
    "render_inline",
    "render_markdown",
]

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


class _SafeMarkdownIt(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        """Let every link through parsing; ``_drop_unsafe_links`` decides later."""
        return True


def _canonical_url(url: str) -> str:
    """Decode entities, drop whitespace and control/format chars, lower-case."""
    for _ in range(4):  # double-encoded entities (&amp;#x61;) decode in steps
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    kept = [c for c in url if not (c.isspace() or unicodedata.category(c)[0] == "C")]
    return "".join(kept).lower()


def _scheme_allowed(url: str, schemes: frozenset[str], *, anchors: bool) -> bool:
    canonical = _canonical_url(url)
    if anchors and canonical.startswith("#"):
        return True
    match = _SCHEME.match(canonical)
    return match is not None and match.group(1) in schemes


def is_allowed_link(url: str) -> bool:
    """True if ``url`` may be an ``href``: http, https, mailto or ``#anchor``."""
    return _scheme_allowed(url, LINK_SCHEMES, anchors=True)


def is_allowed_image_src(url: str) -> bool:
    """True if ``url`` may be an image ``src``: http or https only."""
    return _scheme_allowed(url, IMAGE_SCHEMES, anchors=False)


def _safe_children(children: Sequence[Token]) -> list[Token]:
    """Drop refused ``<a>`` pairs (keeping their text) and refused images."""
    result: list[Token] = []
    refused_links: list[bool] = []  # one entry per open link, innermost last
    for token in children:
        if token.type == "link_open":
            refused = not is_allowed_link(str(token.attrGet("href") or ""))
            refused_links.append(refused)
            if refused:
                continue
        elif token.type == "link_close":
            if refused_links and refused_links.pop():
                continue
        elif token.type == "image" and not is_allowed_image_src(str(token.attrGet("src") or "")):
            result.extend(_safe_children(token.children or []))
            continue
        result.append(token)
    return result


def _drop_unsafe_links(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _safe_children(token.children)


def _build_parser() -> MarkdownIt:
    md = _SafeMarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("drop_unsafe_links", _drop_unsafe_links)
    return md


_PARSER = _build_parser()


def get_parser() -> MarkdownIt:
    """The shared, configured parser (for modules that work on its tokens)."""
    return _PARSER


def escape(text: str) -> str:
    """Escape ``& < > "`` exactly as the Markdown renderer does."""
    return escapeHtml(text)


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    """Render untrusted Markdown to safe HTML (block level).

    Cached by text: rendering is pure, and the same revision is read far more
    often than it is written.
    """
    rendered: str = _PARSER.render(text)
    return rendered


def render_inline(text: str) -> str:
    """Render untrusted Markdown as inline HTML only (titles): no blocks, same safety."""
    rendered: str = _PARSER.renderInline(text)
    return rendered
