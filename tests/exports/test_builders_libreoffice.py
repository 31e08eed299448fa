"""Every DOCX export opens in LibreOffice and converts to a non-empty PDF.

Skipped when LibreOffice is missing on a developer machine; in CI (``CI`` set)
a missing LibreOffice fails, so the check cannot silently vanish.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.exports.builders import (
    build_compilation_docx,
    build_docx,
    build_docx_redline,
    parse_docx,
)
from tests.exports.soffice import libreoffice_convert

from .builders_factory import make_compilation, make_meta, make_redline, make_sections

BUILDS: dict[str, Callable[[], bytes]] = {
    "clean": lambda: build_docx(make_meta(), make_sections()),
    "redline": lambda: build_docx_redline(make_meta(), make_redline()),
    "compilation": lambda: build_compilation_docx(make_meta(), make_compilation()),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BUILDS))
def test_docx_export_converts_to_pdf_with_libreoffice(kind: str, tmp_path: Path) -> None:
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(BUILDS[kind]())
    pdf = libreoffice_convert(source, "pdf", tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_libreoffice_keeps_the_tracked_changes_of_the_redline(tmp_path: Path) -> None:
    """Re-saved by LibreOffice, the redline still accepts to new and rejects to old."""
    source = tmp_path / "in" / "redline.docx"
    source.parent.mkdir()
    redline = make_redline()
    source.write_bytes(build_docx_redline(make_meta(), redline))
    saved = libreoffice_convert(source, "docx:MS Word 2007 XML", tmp_path / "out")
    imported = parse_docx(saved.read_bytes())
    assert set(imported.authors) == {"USA", "RUS", "CHE"}
    for got, section in zip(imported.sections, redline, strict=True):
        assert got.body_accepted == section.new_body, section.number
        assert got.body_rejected == section.old_body, section.number
