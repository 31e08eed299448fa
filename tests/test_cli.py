"""The command line a newcomer and an operator use: migrate, seed, add users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("COMPENDIUM_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_upgrade_seed_twice_and_add_a_user(sqlite_env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert "new sections: 49" in first.output and "chair.esp" in first.output
    assert "demo round of 2021 seeded" in first.output
    again = runner.invoke(app, ["seed"])
    assert again.exit_code == 0 and "new sections: 0" in again.output
    assert "demo round" not in again.output
    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "jane",
            "--delegation",
            "ARM",
            "--role",
            "delegate",
            "--password",
            "long-enough-pw",
        ],
    )
    assert added.exit_code == 0, added.output
    dup = runner.invoke(
        app,
        [
            "user",
            "add",
            "jane",
            "--delegation",
            "ARM",
            "--role",
            "delegate",
            "--password",
            "long-enough-pw",
        ],
    )
    assert dup.exit_code == 1 and "already exists" in dup.output
    bad = runner.invoke(
        app,
        [
            "user",
            "add",
            "x",
            "--delegation",
            "XXX",
            "--role",
            "delegate",
            "--password",
            "long-enough-pw",
        ],
    )
    assert bad.exit_code == 1 and "no delegation with code 'XXX'" in bad.output
