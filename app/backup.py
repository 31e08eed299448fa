"""Back up, restore and copy the database: consistent while the server writes.

- **SQLite.** ``backup`` runs SQLite's online backup API
  (``sqlite3.Connection.backup``) in one step, that is inside one read
  transaction: the copy is the database as of one commit, and in WAL mode the
  server goes on writing meanwhile. The copy is written beside PATH, switched
  to a rollback journal (one self-contained file), checked with ``PRAGMA
  integrity_check`` and only then renamed to PATH. ``restore`` copies it back
  with the same API.
- **PostgreSQL.** ``pg_dump --format=custom`` (one snapshot by construction)
  and ``pg_restore --no-owner --single-transaction``. The tools come from the
  server's own major version when installed (``/usr/lib/postgresql/N/bin``),
  else from ``PATH`` if at least as new as the server; the password goes
  through ``PGPASSWORD``, never on a command line.
- **Copy** (``copy_database``): every table of the models, in foreign-key
  order, read in one snapshot and written in batches in one transaction,
  ids preserved, into a database of either kind that the copy migrates
  itself; PostgreSQL sequences are then moved past the copied ids. A row whose
  parent in the same table comes later (a section moved under a newer one) is
  written without it and linked once its parent exists. The append-only
  triggers allow INSERT, so history tables copy like any other.

A restore or copy goes only into an empty database: nothing is merged or
overwritten. Tokens stay valid only under the same ``COMPENDIUM_SECRET_KEY``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Integer, Table, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.db import make_engine
from app.migrate import head_revision, upgrade
from app.models import Base

BATCH = 1000
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_BINARIES = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup, restore or copy that cannot be done; the message says why and what to do."""


def backup(*, settings: Settings, path: Path) -> None:
    """Write a consistent copy of the configured database to ``path`` (replaced atomically)."""
    sqlite_file = _sqlite_file(settings.database_url)
    if sqlite_file is not None and not sqlite_file.is_file():
        raise BackupError(f"no database at {sqlite_file}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if _is_sqlite(settings.database_url):
            _sqlite_backup(settings, partial)
        else:
            _pg_dump(settings, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def restore(*, settings: Settings, path: Path) -> None:
    """Load the backup at ``path`` into the configured database, which must be empty."""
    kind = _backup_kind(path)
    wanted = "sqlite" if _is_sqlite(settings.database_url) else "postgresql"
    if kind != wanted:
        raise BackupError(
            f"{path} is a {kind} backup and the database is {wanted}; restore it into a "
            "database of its kind, then use `compendium db copy --to URL`"
        )
    engine = make_engine(settings)
    try:
        _require_no_tables(engine, "restore")
        if kind == "sqlite":
            _sqlite_restore(engine, path)
    finally:
        engine.dispose()
    if kind == "postgresql":
        _pg_restore(settings, path)


def copy_database(*, settings: Settings, target_url: str) -> dict[str, int]:
    """Copy every table from the configured database to ``target_url``; rows per table."""
    if make_url(target_url) == make_url(settings.database_url):
        raise BackupError("the target is the configured database itself")
    source = make_engine(settings)
    target = make_engine(settings.model_copy(update={"database_url": target_url}))
    try:
        _require_at_head(source, "the source database")
        _prepare_target(target, target_url)
        with source.connect() as src, target.connect() as dst:
            if src.dialect.name == "postgresql":  # one snapshot of every table
                src.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            else:
                dst.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with src.begin(), dst.begin():
                counts = {t.name: _copy_table(src, dst, t) for t in Base.metadata.sorted_tables}
                _check_counts(dst, counts)
                if dst.dialect.name == "postgresql":
                    _reset_sequences(dst)
        return counts
    finally:
        source.dispose()
        target.dispose()


# SQLite


def _sqlite_backup(settings: Settings, partial: Path) -> None:
    engine = make_engine(settings)
    try:
        source = engine.raw_connection()
        target = sqlite3.connect(partial)
        try:
            # One step (pages=-1): a single read transaction, so one commit's state.
            _sqlite3(source.driver_connection).backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(target, partial)
        finally:
            target.close()
            source.close()
    finally:
        engine.dispose()


def _sqlite_restore(engine: Engine, path: Path) -> None:
    backup_db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_integrity(backup_db, path)
        target = engine.raw_connection()
        try:
            backup_db.backup(_sqlite3(target.driver_connection))
        finally:
            target.close()
    finally:
        backup_db.close()


def _sqlite3(conn: Any) -> sqlite3.Connection:
    assert isinstance(conn, sqlite3.Connection)
    return conn


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(result[:5])}")


# PostgreSQL


def _pg_dump(settings: Settings, partial: Path) -> None:
    tool = _pg_tool("pg_dump", _server_major(settings))
    conninfo, env = _libpq(settings.database_url)
    _run([tool, "--format=custom", f"--file={partial}", f"--dbname={conninfo}"], env)


def _pg_restore(settings: Settings, path: Path) -> None:
    tool = _pg_tool("pg_restore", _server_major(settings))
    conninfo, env = _libpq(settings.database_url)
    args = ["--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={conninfo}"]
    _run([tool, *args, str(path)], env)


def _server_major(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SHOW server_version_num")) or 0) // 10000
    finally:
        engine.dispose()


def _pg_tool(name: str, server_major: int) -> str:
    """``name`` of the server's major version if installed, else the newest not older."""
    found: dict[int, str] = {}
    candidates = [str(p) for p in PG_BINARIES.glob(f"*/bin/{name}")]
    on_path = shutil.which(name)
    for candidate in [*candidates, *([on_path] if on_path else [])]:
        major = _tool_major(candidate)
        if major is not None:
            found.setdefault(major, candidate)
    if server_major in found:
        return found[server_major]
    newer = [major for major in found if major > server_major]
    if newer:
        return found[max(newer)]
    raise BackupError(
        f"no {name} for PostgreSQL {server_major} or newer "
        f"(found: {sorted(found) or 'none'}); install postgresql-client-{server_major}"
    )


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\b(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and an environment carrying it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = Path(cmd[0]).name
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


# Copy


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    """Rows in primary-key order, in batches; same-table parents that come later linked last."""
    (pk,) = table.primary_key.columns
    self_refs = [fk.parent.key for fk in table.foreign_keys if fk.column.table is table]
    later: list[tuple[Any, str, Any]] = []
    count = 0
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(pk))
    for rows in result.partitions():
        batch = [dict(row._mapping) for row in rows]
        for values in batch:
            for key in self_refs:
                if values[key] is not None and values[key] >= values[pk.key]:
                    later.append((values[pk.key], key, values[key]))
                    values[key] = None
        dst.execute(table.insert(), batch)
        count += len(batch)
    for ident, key, parent in later:
        dst.execute(table.update().where(pk == ident).values({key: parent}))
    return count


def _check_counts(dst: Connection, counts: dict[str, int]) -> None:
    for table in Base.metadata.sorted_tables:
        written = dst.scalar(select(func.count()).select_from(table))
        if written != counts[table.name]:
            raise BackupError(f"{table.name}: {written} rows written, {counts[table.name]} read")


def _reset_sequences(dst: Connection) -> None:
    """Move each serial id's sequence past the copied ids, so new rows get new ids."""
    quote = dst.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        (pk,) = table.primary_key.columns
        if not isinstance(pk.type, Integer):
            continue
        sequence = dst.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": pk.name},
        )
        if sequence:
            top = dst.scalar(text(f"SELECT MAX({quote(pk.name)}) FROM {quote(table.name)}"))
            dst.execute(
                text("SELECT setval(:sequence, :next, false)"),
                {"sequence": sequence, "next": int(top or 0) + 1},
            )


def _prepare_target(engine: Engine, url: str) -> None:
    """Migrate an empty target; accept one already at head without rows; refuse the rest."""
    if not inspect(engine).get_table_names():
        upgrade(url)
        return
    _require_at_head(engine, "the target database")
    with engine.connect() as conn:
        filled = [
            t.name
            for t in Base.metadata.sorted_tables
            if conn.scalar(select(func.count()).select_from(t))
        ]
    if filled:
        raise BackupError(
            f"the target database is not empty (rows in {', '.join(filled[:5])}); "
            "copy only into an empty database"
        )


# Checks shared by the three


def database_revision(engine: Engine) -> str | None:
    """The migration the database is at (``alembic_version``); None if never migrated."""
    try:
        with engine.connect() as conn:
            current = conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        return None
    return str(current) if current is not None else None


def _require_at_head(engine: Engine, what: str) -> None:
    current = database_revision(engine)
    head = head_revision()
    if current != head:
        raise BackupError(
            f"{what} is at revision {current or '(none)'}, this code at {head}; "
            "run `compendium db upgrade` on it first"
        )


def _require_no_tables(engine: Engine, verb: str) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"the database is not empty ({len(tables)} tables: {shown}); "
            f"{verb} only into an empty database"
        )


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom archive")


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``file:`` URIs included); None for PostgreSQL or memory."""
    parsed = make_url(url)
    name = (parsed.database or "").removeprefix("file:").split("?", 1)[0]
    if parsed.get_backend_name() != "sqlite" or name in {"", ":memory:"}:
        return None
    return Path(name)
