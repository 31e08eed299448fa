"""Where LibreOffice is: required in CI, a skip on a developer's machine without it."""

from __future__ import annotations

import os
import shutil

import pytest


def soffice_path() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI to check DOCX exports")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found
