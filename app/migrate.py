"""Run the Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app import resources


def alembic_config(url: str) -> Config:
    """Alembic's settings, built here: an installed package has no ``alembic.ini``.

    ``alembic.ini`` stays in the repository for the ``alembic`` command line.
    """
    config = Config()
    config.set_main_option("script_location", str(resources.migrations()).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logging"] = False
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest revision of the migration scripts: what ``upgrade`` brings a database to."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return head
