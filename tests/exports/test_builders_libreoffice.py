"""Every DOCX export opens in LibreOffice and converts to a non-empty PDF.

Skipped when LibreOffice is missing on a developer machine; in CI (``CI`` set)
a missing LibreOffice fails, so the check cannot silently vanish.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.exports.builders import (
    build_compilation_docx,
    build_docx,
    build_docx_redline,
    parse_docx,
)
from tests.exports.soffice import soffice_path

from .builders_factory import make_compilation, make_meta, make_redline, make_sections

BUILDS: dict[str, Callable[[], bytes]] = {
    "clean": lambda: build_docx(make_meta(), make_sections()),
    "redline": lambda: build_docx_redline(make_meta(), make_redline()),
    "compilation": lambda: build_compilation_docx(make_meta(), make_compilation()),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BUILDS))
def test_docx_export_converts_to_pdf_with_libreoffice(kind: str, tmp_path: Path) -> None:
    soffice = soffice_path()
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(BUILDS[kind]())
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    profile = f"-env:UserInstallation=file://{home}/lo-profile"
    result = subprocess.run(
        [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    pdf = tmp_path / f"{kind}.pdf"
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_libreoffice_keeps_the_tracked_changes_of_the_redline(tmp_path: Path) -> None:
    """Re-saved by LibreOffice, the redline still accepts to new and rejects to old."""
    soffice = soffice_path()
    source = tmp_path / "in" / "redline.docx"
    source.parent.mkdir()
    redline = make_redline()
    source.write_bytes(build_docx_redline(make_meta(), redline))
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "out"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{home}/lo-profile",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    imported = parse_docx((out / "redline.docx").read_bytes())
    assert set(imported.authors) == {"USA", "RUS", "CHE"}
    for got, section in zip(imported.sections, redline, strict=True):
        assert got.body_accepted == section.new_body, section.number
        assert got.body_rejected == section.old_body, section.number
