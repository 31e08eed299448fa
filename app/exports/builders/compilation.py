"""The compilation of proposals for a meeting, as standalone HTML.

One landscape table: for each section with proposals, one row per proposal
(Section · Current text · Proposal as a redline · Delegation and supporters ·
Rationale · Status · Comments), the section and its current text spanning its
proposals' rows. Sections without proposals are listed compactly at the end.
Redlines are the proposals' ``redline_html`` when supplied, else their change
segments escaped here, coloured by the proposing delegation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from .html import body_or_source
from .html_page import page
from .html_redline import changes_html, colour_css, delegation_colours, legend
from .model import Change, CompilationProposal, CompilationRow, ExportMeta

COLUMNS = (
    "Section",
    "Current text",
    "Proposal (redline)",
    "Delegation",
    "Rationale",
    "Status",
    "Comments",
)
LANDSCAPE_CSS = """
body { max-width: none; }
table.compilation { font-size: 9.5pt; table-layout: fixed; }
table.compilation thead { display: table-header-group; }
table.compilation tr { page-break-inside: avoid; }
table.compilation col.c-section { width: 7%; } table.compilation col.c-current { width: 24%; }
table.compilation col.c-proposal { width: 28%; } table.compilation col.c-delegation { width: 10%; }
table.compilation col.c-rationale { width: 17%; } table.compilation col.c-status { width: 8%; }
table.compilation col.c-comments { width: 6%; }
.rationale { white-space: pre-wrap; }
p.no-proposals { margin-top: 1.5rem; }
@page { size: A4 landscape; margin: 1.5cm; }
"""
_COL_CLASSES = ("section", "current", "proposal", "delegation", "rationale", "status", "comments")


def credited(proposal: CompilationProposal) -> tuple[Change, ...]:
    """The proposal's changes, uncredited segments credited to its delegation."""
    return tuple(
        c if c.author else replace(c, author=proposal.delegation) for c in proposal.changes
    )


def sections_without_proposals(rows: Sequence[CompilationRow]) -> list[str]:
    """Numbers of the sections nobody proposed to change."""
    return [row.section.number for row in rows if not row.proposals]


def delegation_cell(proposal: CompilationProposal) -> str:
    """The proposing delegation and, below it, its supporters."""
    supporters = ", ".join(proposal.supporters)
    extra = f'<div class="muted">supported by {escape(supporters)}</div>' if supporters else ""
    return f"<strong>{escape(proposal.delegation)}</strong>{extra}"


def _proposal_cells(proposal: CompilationProposal) -> str:
    redline = proposal.redline_html or changes_html(credited(proposal))
    return (
        f'<td class="proposal">{redline}</td><td>{delegation_cell(proposal)}</td>'
        f'<td class="rationale">{escape(proposal.rationale)}</td>'
        f"<td>{escape(proposal.status)}</td><td>{proposal.comment_count}</td>"
    )


def _row_html(row: CompilationRow) -> str:
    span = len(row.proposals)
    section = row.section
    first = (
        f'<td rowspan="{span}" id="{escape(section.html_anchor)}">'
        f"<strong>{escape(section.number)}</strong><br>{escape(section.title)}</td>"
        f'<td rowspan="{span}" class="current">{body_or_source(section)}</td>'
    )
    rows = [
        f"<tr>{first if i == 0 else ''}{_proposal_cells(p)}</tr>"
        for i, p in enumerate(row.proposals)
    ]
    return "\n".join(rows)


def _table(rows: Sequence[CompilationRow]) -> str:
    cols = "".join(f'<col class="c-{c}">' for c in _COL_CLASSES)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
    body = "\n".join(_row_html(r) for r in rows if r.proposals)
    return (
        f'<table class="compilation"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"
    )


def build_compilation_html(meta: ExportMeta, rows: Sequence[CompilationRow]) -> str:
    """The compilation table as one standalone, landscape-printable HTML file."""
    colours = delegation_colours(c for r in rows for p in r.proposals for c in credited(p))
    quiet = sections_without_proposals(rows)
    parts = [legend(colours)]
    if any(r.proposals for r in rows):
        parts.append(_table(rows))
    else:
        parts.append("<p>No proposals.</p>")
    if quiet:
        parts.append(f'<p class="no-proposals">No proposals: {escape(", ".join(quiet))}</p>')
    css = LANDSCAPE_CSS + colour_css(colours)
    return page(meta, "\n".join(parts), extra_css=css, subtitle="compilation of proposals")
