"""The standalone, printable HTML export of a draft.

A table of contents linking to each section's anchor, then every section
with its number and title (escaped) and its body as safe HTML supplied by the
caller (``ExportSection.body_html``, rendered by ``app.core.markdown``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .html_page import page
from .model import ExportMeta, ExportSection


def table_of_contents(sections: Sequence[ExportSection]) -> str:
    """A ``<nav>`` listing every section with a link to its anchor."""
    items = "\n".join(
        f'<li class="level-{1 if s.level <= 1 else 2}"><a href="#{escape(s.html_anchor)}">'
        f'<span class="section-number">{escape(s.number)}</span>{escape(s.title)}</a></li>'
        for s in sections
    )
    return (
        f'<nav class="toc" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n{items}\n</ol>\n</nav>'
    )


def section_heading(number: str, title: str, level: int, anchor: str) -> str:
    """``<h2 id=…>`` for chapters, ``<h3>`` for subsections, number first."""
    tag = "h2" if level <= 1 else "h3"
    return (
        f'<{tag} id="{escape(anchor)}"><span class="section-number">{escape(number)}</span>'
        f"{escape(title)}</{tag}>"
    )


def body_or_source(section: ExportSection) -> str:
    """The section's safe ``body_html``, or its Markdown source escaped if none was given."""
    if section.body_html or not section.body:
        return section.body_html
    return f'<div class="md-source">{escape(section.body)}</div>'


def build_html(meta: ExportMeta, sections: Sequence[ExportSection]) -> str:
    """The draft as one standalone HTML5 file, ready to print."""
    parts = [table_of_contents(sections), "<main>"]
    for s in sections:
        parts.append(f'<section class="guide-section level-{1 if s.level <= 1 else 2}">')
        parts.append(section_heading(s.number, s.title, s.level, s.html_anchor))
        parts.append(body_or_source(s))
        parts.append("</section>")
    parts.append("</main>")
    return page(meta, "\n".join(parts))
