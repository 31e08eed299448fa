"""Test databases: one migrated, seeded template per run, a fresh copy per test.

SQLite: the template is a file, each test copies it. PostgreSQL (when
``COMPENDIUM_TEST_DATABASE_URL`` is set): the template is a database and each
test gets ``CREATE DATABASE … TEMPLATE``. Either way the schema comes from the
real Alembic migrations.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.auth import service as auth_service
from app.auth.models import User
from app.config import Settings
from app.db import Database
from app.migrate import upgrade
from app.seed import DEMO_USERS, seed_all

PG_ENV = "COMPENDIUM_TEST_DATABASE_URL"


def settings_for(url: str) -> Settings:
    return Settings(environment="test", database_url=url, secret_key="test-secret-key-0123456789")


@dataclass
class TemplateDB:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def fresh(self, tmp: Path) -> str:
        if not self.is_postgres:
            path = tmp / "test.db"
            shutil.copyfile(make_url(self.url).database or "", path)
            return f"sqlite:///{path}"
        name = f"ct_{uuid.uuid4().hex[:12]}"
        _pg_admin(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{make_url(self.url).database}"')
        self.created.append(name)
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.is_postgres:
            name = make_url(url).database
            _pg_admin(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(any_url: str, sql: str) -> None:
    engine = create_engine(any_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def build_template(tmp: Path, worker: str) -> TemplateDB:
    base = os.environ.get(PG_ENV)
    if base:
        name = f"ctmpl_{worker}_{os.getpid()}"
        _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(base, f'CREATE DATABASE "{name}"')
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'template.db'}"
    upgrade(url)
    settings = settings_for(url)
    database = Database(settings)
    template = TemplateDB(url=url)
    with database.session(write=True) as session, session.begin():
        seed_all(session=session, settings=settings)
        for demo in DEMO_USERS:
            user = session.query(User).filter_by(username=demo.username).one()
            template.tokens[demo.username] = auth_service.issue_token(
                session=session, user=user, settings=settings
            )
    database.dispose()
    return template


def drop_template(template: TemplateDB) -> None:
    if template.is_postgres:
        base = os.environ[PG_ENV]
        _pg_admin(base, f'DROP DATABASE IF EXISTS "{make_url(template.url).database}" WITH (FORCE)')
