"""The compilation of proposals for a meeting, as a landscape Word table.

The whole document is A4 landscape. One table ("Table Grid", header row
repeated on every page) with a row per changed paragraph (see
``compilation_rows``) and the columns of the HTML compilation: Paragraph ·
Current text · Proposal (redline) · Delegation (+ supporters) · Rationale ·
Status (+ the chair's note). The reference and current-text cells are merged
vertically over the row's proposals. A legend names each delegation in its
colour; sections without proposals are listed at the end.

Proposal redlines are written as *formatted runs*, not tracked changes:
insertions underlined, deletions struck through, formatting changes dotted,
in the proposing delegation's colour, with the text's own form (emphasis,
lists, links). The compilation is a reading document; real revisions inside
it would let one "Accept all" silently turn every proposal into plain text,
and several competing proposals on one paragraph cannot all be accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from .compilation import (
    COLUMNS,
    comments_text,
    legend_changes,
    sections_without_proposals,
    status_words,
    supporters_text,
)
from .compilation_rows import Excerpt, ParagraphRow, paragraph_rows
from .docx_clean import write_title_block
from .docx_redline import Look, ParaWriter, RevisionWriter
from .html_redline import delegation_colours
from .model import CompilationRow, ExportMeta
from .ooxml import new_guide_document, set_page, to_bytes
from .redline_blocks import Para
from .xmltext import xml_safe

WIDTHS_CM = (2.6, 6.2, 7.2, 2.6, 4.3, 2.8)


def _write_paras(out: ParaWriter, cell: _Cell, paras: Sequence[Para]) -> None:
    for para in paras:
        out.write(cell, para)
    if len(cell.paragraphs) > 1 and not cell.paragraphs[0].text:  # the cell's own empty one
        cell._tc.remove(cell.paragraphs[0]._p)


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


def _muted(cell: _Cell, text: str, *, italic: bool = False) -> None:
    if text:
        run = cell.add_paragraph().add_run(xml_safe(text))
        run.italic = italic or None
        run.font.color.rgb = RGBColor(0x57, 0x60, 0x6A)


def _fill(out: ParaWriter, cells: Sequence[_Cell], excerpt: Excerpt) -> None:
    proposal = excerpt.proposal
    _write_paras(out, cells[2], excerpt.paras)
    cells[3].paragraphs[0].add_run(xml_safe(proposal.delegation)).bold = True
    _muted(cells[3], supporters_text(proposal), italic=True)
    cells[4].paragraphs[0].add_run(xml_safe(proposal.rationale))
    cells[5].paragraphs[0].add_run(status_words(proposal.status))
    _muted(cells[5], f"Chair: {proposal.decision_note}" if proposal.decision_note else "")
    _muted(cells[5], comments_text(proposal))


def _new_row(table: Table, continued: bool) -> list[_Cell]:
    """A row of empty cells, written as XML directly: python-docx's ``add_row`` and
    ``cell()`` rebuild the whole grid on every call, which is quadratic in rows.

    In a ``continued`` row the reference and current-text cells continue the
    vertical merge started above them (``w:vMerge``).
    """
    tr = OxmlElement("w:tr")
    for index, width in enumerate(WIDTHS_CM):
        tc = OxmlElement("w:tc")
        tc_pr = OxmlElement("w:tcPr")
        tc_w = OxmlElement("w:tcW")
        tc_w.set(qn("w:w"), str(int(Cm(width).twips)))
        tc_w.set(qn("w:type"), "dxa")
        tc_pr.append(tc_w)
        if index < 2:
            merge = OxmlElement("w:vMerge")
            if not continued:
                merge.set(qn("w:val"), "restart")
            tc_pr.append(merge)
        tc.append(tc_pr)
        tc.append(OxmlElement("w:p"))
        tr.append(tc)
    table._tbl.append(tr)
    return [_Cell(tc, table) for tc in tr.iterchildren(qn("w:tc"))]


def _add_rows(out: ParaWriter, table: Table, row: ParagraphRow) -> None:
    first: list[_Cell] = []
    for index, excerpt in enumerate(row.excerpts):
        cells = _new_row(table, continued=index > 0)
        _fill(out, cells, excerpt)
        first = first or cells
    top, current = first[0], first[1]
    top.paragraphs[0].add_run(xml_safe(row.reference)).bold = True
    _muted(top, row.section.title)
    _write_paras(out, current, row.current)


def _set_widths(table: Table) -> None:
    """Column widths: the grid and the header row (body rows carry their own)."""
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for cell, width in zip(table.rows[0].cells, WIDTHS_CM, strict=True):
        cell.width = Cm(width)


def _legend(doc: Document, colours: dict[str, str]) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run("Changes by delegation: ").bold = True
    for index, (code, colour) in enumerate(colours.items()):
        if index:
            paragraph.add_run("  ")
        swatch = paragraph.add_run("\u25a0 ")
        swatch.font.color.rgb = RGBColor.from_string(colour[1:])
        paragraph.add_run(xml_safe(code))
    if not colours:
        paragraph.add_run("no changes")


def build_compilation_docx(meta: ExportMeta, rows: Sequence[CompilationRow]) -> bytes:
    """The compilation table as a landscape Word document."""
    doc = new_guide_document(meta)
    set_page(doc.sections[0], landscape=True)
    doc.styles["Normal"].font.size = Pt(9.5)
    write_title_block(doc, meta)
    doc.add_paragraph("Compilation of proposals", style="Heading 1")
    paragraph = [r for row in rows for r in paragraph_rows(row)]
    colours = delegation_colours(legend_changes(paragraph))
    _legend(doc, colours)
    if paragraph:
        table = _new_table(doc)
        _set_widths(table)
        out = ParaWriter(doc, RevisionWriter(), Look(colours))
        for row in paragraph:
            _add_rows(out, table, row)
    else:
        doc.add_paragraph("No proposals.")
    quiet = sections_without_proposals(rows)
    if quiet:
        doc.add_paragraph("No proposals: " + ", ".join(xml_safe(n) for n in quiet))
    return to_bytes(doc)
