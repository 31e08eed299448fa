"""The compilation of proposals for a meeting, as a landscape Word table.

The whole document is A4 landscape. One table ("Table Grid", header row
repeated on every page) with the columns Section · Current text · Proposal
(redline) · Delegation (+ supporters) · Rationale · Status · Comments; the
section and current-text cells are merged vertically over the section's
proposals. Sections without proposals are listed at the end.

Proposal redlines are written as *formatted runs*, not tracked changes:
insertions underlined, deletions struck through, in the proposing
delegation's colour. The compilation is a reading document; real revisions
inside it would let one "Accept all" silently turn every proposal into plain
text, and several competing proposals on one section cannot all be accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.text import WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from .compilation import COLUMNS, credited, sections_without_proposals
from .docx_clean import write_title_block
from .docx_markdown import write_markdown
from .docx_redline import split_paragraphs, strip_marker
from .html_redline import delegation_colours
from .model import Change, CompilationProposal, CompilationRow, ExportMeta
from .ooxml import new_guide_document, set_page, to_bytes
from .xmltext import xml_safe

WIDTHS_CM = (1.8, 6.2, 7.2, 2.5, 4.4, 2.0, 1.6)


def write_change_runs(cell: _Cell, changes: Sequence[Change], colours: dict[str, str]) -> None:
    """A change stream as paragraphs of underlined / struck-through coloured runs."""
    first = True
    for para in split_paragraphs(changes):
        if not para.pieces:
            continue
        strip_marker(para)
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if para.style:
            paragraph.style = para.style
        for piece in para.pieces:
            run = paragraph.add_run(xml_safe(piece.text))
            if piece.kind == "equal":
                continue
            run.font.color.rgb = RGBColor.from_string(colours.get(piece.author, "#000000")[1:])
            if piece.kind == "insert":
                run.font.underline = WD_UNDERLINE.SINGLE
            else:
                run.font.strike = True


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _new_table(doc: Document) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for cell, label in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    _repeat_header(table)
    return table


def _fill_proposal(
    cells: Sequence[_Cell], proposal: CompilationProposal, colours: dict[str, str]
) -> None:
    write_change_runs(cells[2], credited(proposal), colours)
    cells[3].paragraphs[0].add_run(xml_safe(proposal.delegation)).bold = True
    if proposal.supporters:
        text = "supported by " + ", ".join(proposal.supporters)
        cells[3].add_paragraph().add_run(xml_safe(text)).italic = True
    cells[4].paragraphs[0].add_run(xml_safe(proposal.rationale))
    cells[5].paragraphs[0].add_run(xml_safe(proposal.status))
    cells[6].paragraphs[0].add_run(str(proposal.comment_count))


def _add_section_rows(
    doc: Document, table: Table, row: CompilationRow, colours: dict[str, str]
) -> None:
    start = len(table.rows)
    for proposal in row.proposals:
        new_row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx: unannotated
        _fill_proposal(new_row.cells, proposal, colours)
    top = table.cell(start, 0)
    top.paragraphs[0].add_run(xml_safe(row.section.number)).bold = True
    top.add_paragraph(xml_safe(row.section.title))
    current = table.cell(start, 1)
    write_markdown(doc, current, row.section.body)
    if len(current.paragraphs) > 1 and not current.paragraphs[0].text:  # Word needs one
        current._tc.remove(current.paragraphs[0]._p)
    last = len(table.rows) - 1
    if last > start:
        top.merge(table.cell(last, 0))
        current.merge(table.cell(last, 1))


def _set_widths(table: Table) -> None:
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)


def build_compilation_docx(meta: ExportMeta, rows: Sequence[CompilationRow]) -> bytes:
    """The compilation table as a landscape Word document."""
    doc = new_guide_document(meta)
    set_page(doc.sections[0], landscape=True)
    doc.styles["Normal"].font.size = Pt(9.5)
    write_title_block(doc, meta)
    doc.add_paragraph("Compilation of proposals", style="Heading 1")
    colours = delegation_colours(c for r in rows for p in r.proposals for c in credited(p))
    if any(r.proposals for r in rows):
        table = _new_table(doc)
        for row in rows:
            if row.proposals:
                _add_section_rows(doc, table, row, colours)
        _set_widths(table)
    else:
        doc.add_paragraph("No proposals.")
    quiet = sections_without_proposals(rows)
    if quiet:
        doc.add_paragraph("No proposals: " + ", ".join(xml_safe(n) for n in quiet))
    return to_bytes(doc)
