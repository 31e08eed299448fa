"""The HTML redline between two drafts, coloured by delegation.

Each delegation credited with a change gets a colour from a fixed palette
(assigned in alphabetical order of codes, so the same set of delegations
always gets the same colours) and a legend lists them. A section's redline
is its ``redline_html`` when the caller supplies one (safe HTML from
``app.core.redline``); otherwise its change segments are written here,
escaped, as ``<ins>``/``<del>`` over the Markdown source, each titled with the
delegation and date and classed for its colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from .html import section_heading, table_of_contents
from .html_page import page
from .model import Change, ExportMeta, ExportSection, RedlineSection, anchor_for

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
UNCREDITED = "—"


def delegation_colours(changes: Iterable[Change]) -> dict[str, str]:
    """A stable colour for every delegation credited with a change."""
    codes = sorted({c.author or UNCREDITED for c in changes if c.kind != "equal"})
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}


def css_class(code: str) -> str:
    """A CSS class name for a delegation code (codes may start with a digit)."""
    return "d-" + "".join(ch if ch.isalnum() else "_" for ch in code)


def colour_css(colours: dict[str, str]) -> str:
    """Stylesheet rules colouring each delegation's insertions and deletions."""
    rules = [
        f"ins.{css_class(code)}, del.{css_class(code)} {{ color: {colour}; "
        f"background: none; text-decoration-color: {colour}; }}\n"
        f".swatch.{css_class(code)} {{ background: {colour}; }}\n"
        for code, colour in colours.items()
    ]
    base = ".swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3em;"
    return "\n" + base + " vertical-align: middle; }\n" + "".join(rules)


def legend(colours: dict[str, str]) -> str:
    """The list of delegations and their colours."""
    items = "".join(
        f'<li><span class="swatch {css_class(code)}"></span>{escape(code)}</li>' for code in colours
    )
    return (
        '<aside class="legend"><h2>Changes by delegation</h2>'
        f'<ul class="legend-list">{items or "<li>No changes</li>"}</ul></aside>'
    )


def change_html(change: Change) -> str:
    """One segment as escaped text, or an ``<ins>``/``<del>`` naming its delegation."""
    text = escape(change.text)
    if change.kind == "equal":
        return text
    code = change.author or UNCREDITED
    when = f", {change.date:%Y-%m-%d %H:%M} UTC" if change.date else ""
    action = "inserted" if change.kind == "insert" else "deleted"
    tag = "ins" if change.kind == "insert" else "del"
    title = escape(f"{code}: {action}{when}")
    return f'<{tag} class="{css_class(code)}" title="{title}">{text}</{tag}>'


def changes_html(changes: Sequence[Change]) -> str:
    """A whole change stream, source layout kept (``white-space: pre-wrap``)."""
    return '<div class="md-source">' + "".join(change_html(c) for c in changes) + "</div>"


def _section_html(section: RedlineSection) -> str:
    anchor = anchor_for(section.number, section.id)
    body = section.redline_html or changes_html(section.changes)
    status = "" if section.status in ("unchanged", "changed") else section.status
    badge = f' <span class="muted">[{escape(status)}]</span>' if status else ""
    heading = section_heading(section.number, section.title, section.level, anchor)
    return (
        f'<section class="guide-section status-{escape(section.status)}">'
        f"{heading}{badge}\n{body}\n</section>"
    )


def build_html_redline(meta: ExportMeta, sections: Sequence[RedlineSection]) -> str:
    """The redline as one standalone HTML file with a delegation colour legend."""
    colours = delegation_colours(c for s in sections for c in s.changes)
    toc = table_of_contents([ExportSection(s.id, s.number, s.title, s.level, "") for s in sections])
    content = "\n".join([legend(colours), toc, "<main>", *map(_section_html, sections), "</main>"])
    return page(meta, content, extra_css=colour_css(colours), subtitle="changes")
