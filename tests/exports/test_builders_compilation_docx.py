"""The DOCX compilation: a landscape table of proposals."""

from __future__ import annotations

import io

import docx
from docx.enum.section import WD_ORIENT

from app.exports.builders import (
    CompilationProposal,
    CompilationRow,
    ExportSection,
    build_compilation_docx,
)

from .builders_factory import REFERENCE, make_compilation, make_meta


def _doc() -> docx.document.Document:
    return docx.Document(io.BytesIO(build_compilation_docx(make_meta(), make_compilation())))


def test_compilation_is_landscape_a4() -> None:
    section = _doc().sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height


def test_table_has_the_seven_columns_and_a_row_per_proposal() -> None:
    table = _doc().tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Section",
        "Current text",
        "Proposal (redline)",
        "Delegation",
        "Rationale",
        "Status",
        "Comments",
    ]
    assert len(table.rows) == 1 + 3
    first = table.rows[1].cells
    assert first[0].text.startswith("1.1")
    assert "USA" in first[3].text and "CAN, GBR" in first[3].text
    assert first[5].text == "submitted" and first[6].text == "2"
    assert table.rows[2].cells[0]._tc is first[0]._tc  # merged over the section's proposals


def test_proposal_redlines_are_coloured_underline_and_strike_runs() -> None:
    cell = _doc().tables[0].rows[2].cells[2]
    runs = [r for p in cell.paragraphs for r in p.runs]
    deleted = next(r for r in runs if r.text == "covers")
    inserted = next(r for r in runs if r.text == "addresses")
    assert deleted.font.strike and not inserted.font.strike
    assert inserted.font.underline
    assert inserted.font.color.rgb is not None


def test_current_text_keeps_list_styles() -> None:
    cell = _doc().tables[0].rows[1].cells[1]
    assert "List Bullet" in {p.style.name for p in cell.paragraphs if p.style is not None}


def test_sections_without_proposals_are_listed_at_the_end() -> None:
    doc = _doc()
    assert doc.paragraphs[-1].text == "No proposals: 1, 1.2, 2, 2.2, 3, 3.1"
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert REFERENCE in header and "Original: ENGLISH" in header


def test_every_cell_keeps_a_paragraph_even_for_empty_texts() -> None:
    section = ExportSection(9, "9", "Empty", 1, "")
    proposal = CompilationProposal(1, "USA", (), "submitted", "", "", (), 0)
    data = build_compilation_docx(make_meta(), [CompilationRow(section, (proposal,))])
    table = docx.Document(io.BytesIO(data)).tables[0]
    for row in table.rows:
        for cell in row.cells:
            assert cell._tc.xpath("./w:p")
