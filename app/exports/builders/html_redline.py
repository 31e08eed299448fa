"""The HTML redline between two drafts, coloured by delegation.

Each delegation credited with a change gets a colour of its own, the same
wherever it appears in the document: palette entries in alphabetical order
of codes, so the same set of delegations always gets the same colours and up
to sixteen delegations are told apart (the palette is ordered for contrast).
A legend lists every delegation that appears. A section's redline is
its ``redline_html`` when the caller supplies one (safe HTML from
``app.core.redline``); otherwise its changes go through ``redline_blocks``
and are written here with the text's form: headings, real lists, emphasis
and links, ``<ins>``/``<del>`` titled with the delegation and date and classed
for its colour, formatting changes underlined dotted, inserted or deleted
paragraph breaks as a pilcrow. No Markdown syntax is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace
from html import escape

from .html import section_heading, table_of_contents
from .html_page import page
from .model import Change, ExportMeta, ExportSection, RedlineSection, anchor_for
from .redline_blocks import Para, Run, structure

# Ordered for contrast: the first delegations of a document get the most
# distinct colours (all dark enough to read as text on white and on paper).
PALETTE = (
    "#1f77b4",  # blue
    "#d62728",  # red
    "#2ca02c",  # green
    "#ff7f0e",  # orange
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#17becf",  # cyan
    "#b8860b",  # dark gold
    "#3949ab",  # indigo
    "#0b6e4f",  # dark green
    "#c2185b",  # magenta
    "#6d4c41",  # umber
    "#00838f",  # teal
    "#7b1fa2",  # violet
    "#5d6d7e",  # slate
)
UNCREDITED = "—"


def delegation_colours(changes: Iterable[Change]) -> dict[str, str]:
    """A colour for every delegation credited with a change (see the module doc)."""
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
        f".fmt-change.{css_class(code)} {{ text-decoration: underline dotted {colour}; }}\n"
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


def _title(code: str, action: str, date: datetime.datetime | None) -> str:
    when = f", {date:%Y-%m-%d %H:%M} UTC" if date else ""
    return escape(f"{code}: {action}{when}")


def run_html(run: Run) -> str:
    """One run: formatted text, wrapped as the change it is, naming its delegation."""
    text = escape(run.text).replace("\n", "<br>")
    fmt = run.fmt
    if fmt.code:
        text = f"<code>{text}</code>"
    if fmt.italic:
        text = f"<em>{text}</em>"
    if fmt.bold:
        text = f"<strong>{text}</strong>"
    if fmt.href:
        text = f'<a href="{escape(fmt.href)}">{text}</a>'
    code = run.author or UNCREDITED
    if run.kind == "equal":
        if run.old_fmt is None:
            return text
        title = _title(code, "changed the formatting", run.date)
        return f'<span class="fmt-change {css_class(code)}" title="{title}">{text}</span>'
    tag = "ins" if run.kind == "insert" else "del"
    title = _title(code, "inserted" if tag == "ins" else "deleted", run.date)
    return f'<{tag} class="{css_class(code)}" title="{title}">{text}</{tag}>'


def _mark_html(para: Para) -> str:
    """A pilcrow where a paragraph break was inserted or deleted."""
    if para.mark == "equal" or all(r.kind == para.mark for r in para.runs):
        return ""
    change = para.mark_change
    code = (change.author if change else "") or UNCREDITED
    tag = "ins" if para.mark == "insert" else "del"
    action = "inserted" if tag == "ins" else "deleted"
    title = _title(code, f"{action} a paragraph break", change.date if change else None)
    return f'<{tag} class="{css_class(code)} mark" title="{title}">\u00b6</{tag}>'


def _para_class(para: Para) -> str:
    kinds = {r.kind for r in para.runs}
    if kinds == {"insert"} and para.mark != "delete":
        return ' class="para-ins"'
    if kinds == {"delete"} and para.mark != "insert":
        return ' class="para-del"'
    return ""


def paras_html(paras: Sequence[Para]) -> str:
    """Redline paragraphs as HTML: headings, real nested lists, quotes, code."""
    out: list[str] = []
    lists: list[str] = []  # open list tags, innermost last

    def close_to(depth: int) -> None:
        while len(lists) > depth:
            out.append(f"</li></{lists.pop()}>")

    for para in paras:
        props = para.props
        kind = props.kind if props else "paragraph"
        inner = "".join(run_html(r) for r in para.runs) + _mark_html(para)
        cls = _para_class(para)
        if kind in ("list_item", "list_continue") and props is not None:
            depth = max(props.level, 1)
            close_to(depth)
            if kind == "list_item" and len(lists) == depth:
                out.append("</li>")
            while len(lists) < depth:
                tag = "ol" if props.ordered else "ul"
                start = (
                    f' start="{props.list_start}"' if props.ordered and props.list_start > 1 else ""
                )
                out.append(f"<{tag}{start}>")
                lists.append(tag)
                if len(lists) < depth or kind == "list_continue":
                    out.append("<li>")  # every open list holds an open item
            if kind == "list_item":
                out.append(f"<li{cls}>{inner}")
            else:
                out.append(f"<p{cls}>{inner}</p>")
            continue
        close_to(0)
        if kind == "heading" and props is not None:
            level = min(max(props.level, 3), 6)
            out.append(f"<h{level}{cls}>{inner}</h{level}>")
        elif kind == "quote":
            out.append(f"<blockquote><p{cls}>{inner}</p></blockquote>")
        elif kind == "code":
            out.append(f"<pre{cls}>{inner}</pre>")
        elif kind == "rule":
            out.append(f'<p class="rule">{inner}</p>')
        else:
            out.append(f"<p{cls}>{inner}</p>")
    close_to(0)
    return '<div class="prose redline">' + "\n".join(out) + "</div>"


def paras_authors(paras: Iterable[Para]) -> list[Change]:
    """Every change a legend must name: runs, formatting changes and marks."""
    found: list[Change] = []
    for para in paras:
        found.extend(r.change for r in para.runs if r.change is not None)
        if para.mark != "equal" and para.mark_change is not None:
            found.append(para.mark_change)
    return [c if c.kind != "equal" else replace(c, kind="insert") for c in found]


def _section_html(section: RedlineSection, paras: Sequence[Para] | None) -> str:
    anchor = anchor_for(section.number, section.id)
    body = section.redline_html or paras_html(paras or ())
    status = "" if section.status in ("unchanged", "changed") else section.status
    badge = f' <span class="muted">[{escape(status)}]</span>' if status else ""
    heading = section_heading(section.number, section.title, section.level, anchor)
    return (
        f'<section class="guide-section status-{escape(section.status)}">'
        f"{heading}{badge}\n{body}\n</section>"
    )


def build_html_redline(meta: ExportMeta, sections: Sequence[RedlineSection]) -> str:
    """The redline as one standalone HTML file with a delegation colour legend."""
    planned = [(s, None if s.redline_html else structure(s.changes)) for s in sections]
    colours = delegation_colours(c for _, paras in planned for c in paras_authors(paras or ()))
    toc = table_of_contents([ExportSection(s.id, s.number, s.title, s.level, "") for s in sections])
    parts = [_section_html(s, paras) for s, paras in planned]
    content = "\n".join([legend(colours), toc, "<main>", *parts, "</main>"])
    return page(meta, content, extra_css=colour_css(colours), subtitle="changes")
