"""LibreOffice in tests: required in CI, a skip on a developer's machine without it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice_path() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI to check DOCX exports")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def libreoffice_convert(source: Path, target: str, outdir: Path) -> Path:
    """Convert ``source`` with headless LibreOffice (its own profile); the converted file."""
    soffice = soffice_path()
    home = outdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{home}/lo-profile",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    converted = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert converted.exists(), result.stdout.decode(errors="replace")
    return converted
