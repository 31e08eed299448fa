"""``compendium export`` and ``compendium import`` on the test database."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings
from tests.conftest import Api
from tests.exports.rounds import Round, run_round
from tests.exports.test_roundtrip import MERGED_C


@pytest.fixture
def merged(api: Api, guide: dict[str, Any]) -> Round:
    return run_round(api, guide)


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("COMPENDIUM_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPENDIUM_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--format", "md"], lambda b: b.startswith(b"# ") and b"kept for ten years" in b),
        (["--format", "html"], lambda b: b.startswith(b"<!DOCTYPE html>")),
        (["--format", "akn"], lambda b: b"akomaNtoso" in b),
        (["--format", "docx"], lambda b: b.startswith(b"PK")),
        (["--format", "docx", "--compilation"], lambda b: b.startswith(b"PK")),
        (["--format", "html", "--compilation"], lambda b: b"compilation" in b),
    ],
)
def test_export_writes_the_file(
    runner: CliRunner, merged: Round, tmp_path: Path, args: list[str], check: Any
) -> None:
    out = tmp_path / "out.bin"
    result = runner.invoke(cli, ["export", "--draft", str(merged.new), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert check(out.read_bytes())


def test_export_of_a_redline_has_the_delegations_tracked_changes(
    runner: CliRunner, merged: Round, tmp_path: Path
) -> None:
    out = tmp_path / "changes.docx"
    args = [
        "export",
        "--draft",
        str(merged.new),
        "--changes-since",
        str(merged.old),
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert b'w:author="CHE, CPC"' in _document_xml(out.read_bytes())


def test_export_refuses_a_bad_format_or_draft(
    runner: CliRunner, merged: Round, tmp_path: Path
) -> None:
    out = tmp_path / "x"
    bad = runner.invoke(
        cli, ["export", "--draft", str(merged.new), "--format", "pdf", "-o", str(out)]
    )
    assert bad.exit_code != 0 and not out.exists()
    missing = runner.invoke(cli, ["export", "--draft", "999999", "-o", str(out)])
    assert missing.exit_code == 1 and "no draft 999999" in missing.output


def test_import_creates_proposals_of_the_users_delegation(
    runner: CliRunner, api: Api, merged: Round, tmp_path: Path
) -> None:
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    document = docx.Document(io.BytesIO(content))
    paragraph = next(p for p in document.paragraphs if p.text == MERGED_C.strip())
    paragraph.runs[0].text = "Records should be kept for eleven years."
    for run in paragraph.runs[1:]:
        run.text = ""
    path = tmp_path / "revised.docx"
    document.save(str(path))
    args = ["import", str(path), "--draft", str(merged.new), "--user", "delegate.rus"]
    result = runner.invoke(cli, [*args, "--rationale", "Eleven."])
    assert result.exit_code == 0, result.output
    assert "1 proposal(s) created" in result.output
    c = merged.sections["c"]
    [proposal] = api.get(f"/api/proposals?section_id={c['id']}&status=submitted").json()
    assert proposal["delegation"] == "RUS" and proposal["rationale"] == "Eleven."
    assert proposal["body"] == "Records should be kept for eleven years.\n"

    again = runner.invoke(cli, args)  # the same file once more is still a change: allowed
    assert again.exit_code == 0
    unchanged = tmp_path / "clean.docx"
    unchanged.write_bytes(content)
    refused = runner.invoke(
        cli, ["import", str(unchanged), "--draft", str(merged.new), "--user", "delegate.rus"]
    )
    assert refused.exit_code == 1 and "changes nothing" in refused.output
    section = runner.invoke(cli, [*args[:-2], "--user", "observer", "--section", str(c["id"])])
    assert section.exit_code == 1 and "may not propose" in section.output


def _document_xml(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
