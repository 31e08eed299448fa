"""The DOCX compilation: a landscape table of proposals."""

from __future__ import annotations

import io

import docx
from docx.enum.section import WD_ORIENT

from app.exports.builders import (
    Change,
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


def test_table_has_a_row_per_changed_paragraph_and_proposal() -> None:
    table = _doc().tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Paragraph",
        "Current text",
        "Proposal (redline)",
        "Delegation",
        "Rationale",
        "Status",
    ]
    references = [row.cells[0].paragraphs[0].text for row in table.rows[1:]]
    assert references == ["1.1 ¶1", "1.1 ¶1", "1.1 new ¶ after ¶3", "2.1 ¶1"]
    first = table.rows[1].cells
    assert first[1].text == "The guide covers:"  # the paragraph, not the whole section
    assert "USA" in first[3].text and "CAN, GBR" in first[3].text
    assert first[5].text.startswith("Pending") and "2 comments" in first[5].text
    second = table.rows[2].cells
    assert second[5].text.startswith("Accepted, not yet merged")
    assert "Chair: Agreed at the second meeting." in second[5].text
    assert second[0]._tc is first[0]._tc  # merged over the paragraph's proposals


def test_proposal_redlines_are_coloured_underline_and_strike_runs() -> None:
    cell = _doc().tables[0].rows[2].cells[2]
    runs = [r for p in cell.paragraphs for r in p.runs]
    deleted = next(r for r in runs if r.text == "covers")
    inserted = next(r for r in runs if r.text == "addresses")
    assert deleted.font.strike and not inserted.font.strike
    assert inserted.font.underline
    assert inserted.font.color.rgb is not None


def test_a_new_list_item_is_a_bold_list_paragraph_without_markdown() -> None:
    cell = _doc().tables[0].rows[3].cells[2]
    (paragraph,) = cell.paragraphs
    assert paragraph.style is not None and paragraph.style.name == "List Bullet"
    assert paragraph.text == "brokering controls;"
    assert paragraph.runs[0].bold and paragraph.runs[0].font.underline


def test_the_legend_names_every_delegation_in_its_colour() -> None:
    legend = next(p for p in _doc().paragraphs if p.text.startswith("Changes by delegation"))
    for code in ("USA", "RUS", "CHE"):
        assert code in legend.text
    coloured = [r for r in legend.runs if r.text.startswith("\u25a0")]
    assert len({r.font.color.rgb for r in coloured}) == 3


def test_current_text_keeps_list_styles() -> None:
    cell = _doc().tables[0].rows[3].cells[1]
    assert {p.style.name for p in cell.paragraphs if p.style is not None} == {"List Bullet"}


def test_sections_without_proposals_are_listed_at_the_end() -> None:
    doc = _doc()
    assert doc.paragraphs[-1].text == "No proposals: 1, 1.2, 2, 2.2, 3, 3.1"
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert REFERENCE in header and "Original: ENGLISH" in header


def test_every_cell_keeps_a_paragraph_even_for_empty_texts() -> None:
    section = ExportSection(9, "9", "Empty", 1, "")
    proposal = CompilationProposal(1, "USA", (), "submitted", "", (Change("insert", "New."),), 0)
    data = build_compilation_docx(make_meta(), [CompilationRow(section, (proposal,))])
    table = docx.Document(io.BytesIO(data)).tables[0]
    for row in table.rows:
        for cell in row.cells:
            assert cell._tc.xpath("./w:p")
