"""Where the migrations, the seed text and the web UI lie, installed or in a checkout.

A wheel carries them as package data inside ``app`` (``app/_migrations``,
``app/_content``, ``app/_frontend``: ``pyproject.toml`` maps the top-level
``migrations/``, ``compendium/`` and ``frontend/`` there at build time). A
checkout or an editable install has no such folders and reads the top-level
ones in place. Everything that reads these files asks here, so the process's
working directory never matters. They must lie on disk (Alembic and the static
file server read paths), so a zipped install is not supported.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def migrations() -> Path:
    """The Alembic script folder: ``env.py``, ``script.py.mako``, ``versions/``."""
    return _folder("_migrations", "migrations")


def seed_content() -> Path:
    """The guide's seed text (``guide/*.md``) and ``delegations.yaml``."""
    return _folder("_content", "compendium")


def frontend() -> Path:
    """The web UI: ``index.html``, ``app.css``, ``js/``."""
    return _folder("_frontend", "frontend")


def _folder(packaged: str, in_checkout: str) -> Path:
    installed = files("app") / packaged
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return CHECKOUT / in_checkout
