"""Backups are one consistent moment, restores give back the same rows, copies serve.

SQLite tests run on every backend (they build their own seeded SQLite file);
PostgreSQL ones need ``COMPENDIUM_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.backup import BackupError, backup, copy_database, restore
from app.main import create_app
from app.migrate import head_revision
from app.models import Base
from tests.conftest import Api
from tests.dbs import PG_ENV, TemplateDB, _pg_admin, build_template, settings_for
from tests.live import live_server

APPEND_ONLY = ("audit_entry", "section_revision", "proposal_version")


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> TemplateDB:
    """A migrated, seeded SQLite file with demo tokens, whichever backend the suite runs on."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv(PG_ENV, raising=False)
        return build_template(tmp_path_factory.mktemp("sqlite-template"), "backup")


@pytest.fixture
def sqlite_url(sqlite_template: TemplateDB, tmp_path: Path) -> str:
    path = tmp_path / "source.db"
    shutil.copyfile(make_url(sqlite_template.url).database or "", path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_pg(template: TemplateDB) -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards)."""
    if not template.is_postgres:
        pytest.skip(f"PostgreSQL only (set {PG_ENV})")
    name = f"cb_{uuid.uuid4().hex[:12]}"
    _pg_admin(template.url, f'CREATE DATABASE "{name}"')
    yield make_url(template.url).set(database=name).render_as_string(hide_password=False)
    _pg_admin(template.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, as the models read them (any backend)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }
        out["alembic_version"] = [
            tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))
        ]
    engine.dispose()
    return out


def serves_the_guide(url: str, tokens: dict[str, str]) -> None:
    """An app on ``url`` reads the guide and takes a new proposal (ids keep counting)."""
    app = create_app(settings_for(url))
    with TestClient(app) as client:
        api = Api(client, tokens)
        guide = api.get("/api/documents/bpg-1540")
        assert guide.status_code == 200, guide.text
        section = guide.json()["sections"][3]["id"]
        base = api.get(f"/api/sections/{section}").json()["revision"]
        created = api.post(
            f"/api/sections/{section}/proposals",
            user="delegate.usa",
            json={"base_revision": base, "body": "A text after the copy.", "rationale": "Why."},
        )
        assert created.status_code == 201, created.text
        assert api.get("/api/ready", user=None).status_code == 200
    app.state.database.dispose()


def _write_until(
    base: str, tokens: dict[str, str], stop: threading.Event, acked: list[int]
) -> None:
    """Proposals and comments through the API until ``stop``; ``acked`` collects the 201s."""
    with httpx.Client(base_url=base, timeout=30) as client:
        usa = {"Authorization": f"Bearer {tokens['delegate.usa']}"}
        che = {"Authorization": f"Bearer {tokens['delegate.che']}"}
        sections = client.get("/api/documents/bpg-1540", headers=usa).json()["sections"]
        i = 0
        while not stop.is_set():
            section = sections[i % len(sections)]["id"]
            base_rev = client.get(f"/api/sections/{section}", headers=usa).json()["revision"]
            proposal = client.post(
                f"/api/sections/{section}/proposals",
                headers=usa,
                json={"base_revision": base_rev, "body": f"Text {i}.", "rationale": "Load."},
            )
            comment = client.post(
                f"/api/sections/{section}/comments", headers=che, json={"body": f"Note {i}."}
            )
            acked.extend(r.status_code for r in (proposal, comment) if r.status_code == 201)
            i += 1


def _assert_one_moment(backup_file: Path, final: sqlite3.Connection, seeded: dict[str, int]) -> int:
    """The backup is sound and is the history up to one point; returns its last audit id."""
    db = sqlite3.connect(backup_file)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    ids = [r[0] for r in db.execute("SELECT id FROM audit_entry ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1))
    for table in APPEND_ONLY:  # history is a prefix of the final history
        top = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        query = f"SELECT * FROM {table} WHERE id <= ? ORDER BY id"
        assert db.execute(query, (top,)).fetchall() == final.execute(query, (top,)).fetchall()
    # Each change and its audit entry were committed together, so they travel together.
    for kind, action in (("proposal", "proposal.created"), ("comment", "comment.posted")):
        made = {r[0] for r in db.execute(f"SELECT id FROM {kind} WHERE id > ?", (seeded[kind],))}
        audited = {
            int(r[0])
            for r in db.execute("SELECT object_id FROM audit_entry WHERE action = ?", (action,))
        }
        assert made and made == {i for i in audited if i > seeded[kind]}
    assert db.execute(
        "SELECT count(*) FROM proposal p WHERE NOT EXISTS "
        "(SELECT 1 FROM proposal_version v WHERE v.proposal_id = p.id)"
    ).fetchone() == (0,)
    db.close()
    return ids[-1]


def test_sqlite_backup_while_the_server_writes_is_one_consistent_moment(
    sqlite_url: str, sqlite_template: TemplateDB, tmp_path: Path
) -> None:
    stop, acked = threading.Event(), []
    files = [tmp_path / f"during-{i}.db" for i in range(3)]
    with live_server(sqlite_url) as base:
        writer = threading.Thread(
            target=_write_until, args=(base, sqlite_template.tokens, stop, acked)
        )
        writer.start()
        try:
            deadline = time.monotonic() + 30
            for file in files:
                seen = len(acked)
                while len(acked) < seen + 4 and time.monotonic() < deadline:
                    time.sleep(0.01)
                backup(settings=settings_for(sqlite_url), path=file)
        finally:
            stop.set()
            writer.join(timeout=30)
    final = sqlite3.connect(make_url(sqlite_url).database or "")
    last = final.execute("SELECT max(id) FROM audit_entry").fetchone()[0]
    seed = sqlite3.connect(make_url(sqlite_template.url).database or "")
    seeded = {
        k: seed.execute(f"SELECT coalesce(max(id), 0) FROM {k}").fetchone()[0]
        for k in ("proposal", "comment")
    }
    seed.close()
    tops = [_assert_one_moment(file, final, seeded) for file in files]
    final.close()
    assert len(acked) >= 12
    assert tops == sorted(tops) and tops[-1] < last  # taken while writes went on


def test_a_quiet_sqlite_backup_restores_to_an_identical_database(
    sqlite_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "quiet.db"
    backup(settings=settings_for(sqlite_url), path=file)
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    restore(settings=settings_for(restored), path=file)
    assert rows(restored) == rows(sqlite_url)
    assert not (tmp_path / "quiet.db.partial").exists()


def test_restore_refuses_a_database_with_tables(sqlite_url: str, tmp_path: Path) -> None:
    file = tmp_path / "b.db"
    backup(settings=settings_for(sqlite_url), path=file)
    with pytest.raises(BackupError, match="not empty"):
        restore(settings=settings_for(sqlite_url), path=file)


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(BackupError, match="neither a SQLite database nor a pg_dump"):
        restore(settings=settings_for(f"sqlite:///{tmp_path / 'new.db'}"), path=junk)


def test_backup_refuses_a_missing_sqlite_file(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database at"):
        backup(settings=settings_for(f"sqlite:///{tmp_path / 'absent.db'}"), path=tmp_path / "b")
    assert not (tmp_path / "absent.db").exists()


def test_postgresql_backup_restores_to_an_identical_database(
    empty_pg: str, db_url: str, template: TemplateDB, tmp_path: Path
) -> None:
    serves_the_guide(db_url, template.tokens)  # some writes beyond the seed
    file = tmp_path / "pg.dump"
    backup(settings=settings_for(db_url), path=file)
    assert file.read_bytes().startswith(b"PGDMP")
    restore(settings=settings_for(empty_pg), path=file)
    assert rows(empty_pg) == rows(db_url)
    serves_the_guide(empty_pg, template.tokens)
    with pytest.raises(BackupError, match="not empty"):
        restore(settings=settings_for(empty_pg), path=file)


def test_a_sqlite_backup_is_not_restored_into_postgresql(
    sqlite_url: str, empty_pg: str, tmp_path: Path
) -> None:
    file = tmp_path / "b.db"
    backup(settings=settings_for(sqlite_url), path=file)
    with pytest.raises(BackupError, match="db copy"):
        restore(settings=settings_for(empty_pg), path=file)


def _move_an_old_section_under_a_new_one(url: str) -> None:
    """A parent with a higher id than its child: the copy must link it afterwards."""
    engine = create_engine(url)
    with engine.begin() as conn:
        parent = conn.scalar(text("SELECT max(id) FROM section WHERE parent_id IS NULL"))
        child = conn.scalar(
            text(
                "SELECT min(id) FROM section WHERE id < :p AND id NOT IN "
                "(SELECT parent_id FROM section WHERE parent_id IS NOT NULL)"
            ),
            {"p": parent},
        )
        conn.execute(
            text("UPDATE section SET parent_id = :p WHERE id = :c"), {"p": parent, "c": child}
        )
    engine.dispose()


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_db_copy_from_sqlite_gives_identical_tables_that_serve(
    target_kind: str,
    sqlite_url: str,
    sqlite_template: TemplateDB,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    target = (
        request.getfixturevalue("empty_pg")
        if target_kind == "postgresql"
        else f"sqlite:///{tmp_path / 'copy.db'}"
    )
    _move_an_old_section_under_a_new_one(sqlite_url)
    counts = copy_database(settings=settings_for(sqlite_url), target_url=target)
    assert counts["section"] == 49 and counts["delegation"] == 59
    assert rows(target) == rows(sqlite_url)
    serves_the_guide(target, sqlite_template.tokens)


def test_db_copy_from_postgresql_to_sqlite(
    db_url: str, template: TemplateDB, tmp_path: Path
) -> None:
    if not template.is_postgres:
        pytest.skip(f"PostgreSQL only (set {PG_ENV})")
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    copy_database(settings=settings_for(db_url), target_url=target)
    assert rows(target) == rows(db_url)
    serves_the_guide(target, template.tokens)


def test_db_copy_refuses_a_target_with_rows_and_a_source_behind(
    sqlite_url: str, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(make_url(sqlite_url).database or "", other)
    with pytest.raises(BackupError, match="not empty"):
        copy_database(settings=settings_for(sqlite_url), target_url=f"sqlite:///{other}")
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    engine.dispose()
    with pytest.raises(BackupError, match=f"at revision 0003, this code at {head_revision()}"):
        copy_database(
            settings=settings_for(sqlite_url), target_url=f"sqlite:///{tmp_path / 'n.db'}"
        )
