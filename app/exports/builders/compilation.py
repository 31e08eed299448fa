"""The compilation of proposals for a meeting, as standalone HTML.

One landscape table with a row per changed paragraph (see
``compilation_rows``): Paragraph (reference and section title) · Current
text · Proposal (the proposal's version of those paragraphs, as a redline
coloured by delegation) · Delegation and supporters · Rationale · Status and
the chair's note. A row's reference and current text span the rows of its
proposals. A legend names every delegation whose colour appears; sections
nobody proposed to change are listed at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from .compilation_rows import ParagraphRow, paragraph_rows
from .html_page import page
from .html_redline import colour_css, delegation_colours, legend, paras_authors, paras_html
from .model import Change, CompilationProposal, CompilationRow, ExportMeta

COLUMNS = (
    "Paragraph",
    "Current text",
    "Proposal (redline)",
    "Delegation",
    "Rationale",
    "Status",
)
STATUS_WORDS = {
    "submitted": "Pending",
    "accepted": "Accepted, not yet merged",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "merged": "Merged",
}
LANDSCAPE_CSS = """
body { max-width: none; }
table.compilation { font-size: 9.5pt; table-layout: fixed; }
table.compilation thead { display: table-header-group; }
table.compilation tr { page-break-inside: avoid; }
table.compilation col.c-paragraph { width: 8%; } table.compilation col.c-current { width: 25%; }
table.compilation col.c-proposal { width: 31%; } table.compilation col.c-delegation { width: 9%; }
table.compilation col.c-rationale { width: 17%; } table.compilation col.c-status { width: 10%; }
table.compilation .prose p, table.compilation .prose li { margin: 0 0 .3em; }
.rationale, .note { white-space: pre-wrap; }
p.no-proposals { margin-top: 1.5rem; }
@page { size: A4 landscape; margin: 1.5cm; }
"""
_COL_CLASSES = ("paragraph", "current", "proposal", "delegation", "rationale", "status")


def status_words(status: str) -> str:
    """The status as a chair reads it."""
    return STATUS_WORDS.get(status, status)


def sections_without_proposals(rows: Sequence[CompilationRow]) -> list[str]:
    """Numbers of the sections nobody proposed to change."""
    return [row.section.number for row in rows if not row.proposals]


def legend_changes(rows: Iterable[ParagraphRow]) -> list[Change]:
    """Every credited change shown in these rows, for the legend and the colours."""
    found: list[Change] = []
    for row in rows:
        for excerpt in row.excerpts:
            found.extend(paras_authors(excerpt.paras))
            found.append(Change("insert", "", excerpt.proposal.delegation))
    return found


def supporters_text(proposal: CompilationProposal) -> str:
    """``supported by CHE, CPC`` or ``""``."""
    return "supported by " + ", ".join(proposal.supporters) if proposal.supporters else ""


def comments_text(proposal: CompilationProposal) -> str:
    """``3 comments`` or ``""``."""
    count = proposal.comment_count
    return f"{count} comment{'' if count == 1 else 's'}" if count else ""


def _proposal_cells(proposal: CompilationProposal, redline: str) -> str:
    supporters = supporters_text(proposal)
    extra = f'<div class="muted">{escape(supporters)}</div>' if supporters else ""
    note = proposal.decision_note
    note_html = f'<div class="note muted">Chair: {escape(note)}</div>' if note else ""
    comments = comments_text(proposal)
    comments_html = f'<div class="muted">{escape(comments)}</div>' if comments else ""
    return (
        f'<td class="proposal">{redline}</td>'
        f"<td><strong>{escape(proposal.delegation)}</strong>{extra}</td>"
        f'<td class="rationale">{escape(proposal.rationale)}</td>'
        f"<td>{escape(status_words(proposal.status))}{note_html}{comments_html}</td>"
    )


def _row_html(row: ParagraphRow) -> str:
    span = len(row.excerpts)
    section = row.section
    first = (
        f'<td rowspan="{span}"><strong>{escape(row.reference)}</strong>'
        f'<div class="muted">{escape(section.title)}</div></td>'
        f'<td rowspan="{span}" class="current">{paras_html(row.current)}</td>'
    )
    rows = [
        f"<tr>{first if i == 0 else ''}{_proposal_cells(e.proposal, paras_html(e.paras))}</tr>"
        for i, e in enumerate(row.excerpts)
    ]
    return "\n".join(rows)


def _table(rows: Sequence[ParagraphRow]) -> str:
    cols = "".join(f'<col class="c-{c}">' for c in _COL_CLASSES)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
    body = "\n".join(_row_html(r) for r in rows)
    return (
        f'<table class="compilation"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"
    )


def build_compilation_html(meta: ExportMeta, rows: Sequence[CompilationRow]) -> str:
    """The compilation table as one standalone, landscape-printable HTML file."""
    paragraph = [r for row in rows for r in paragraph_rows(row)]
    colours = delegation_colours(legend_changes(paragraph))
    quiet = sections_without_proposals(rows)
    parts = [legend(colours)]
    parts.append(_table(paragraph) if paragraph else "<p>No proposals.</p>")
    if quiet:
        parts.append(f'<p class="no-proposals">No proposals: {escape(", ".join(quiet))}</p>')
    css = LANDSCAPE_CSS + colour_css(colours)
    return page(meta, "\n".join(parts), extra_css=css, subtitle="compilation of proposals")
