"""Triggers that make a history table append-only on SQLite and PostgreSQL.

Only the migrations call these. They live in ``app`` so that a revision can
import them wherever the package is installed. A revision that ran must keep
creating the same triggers: change what new revisions create with new
functions, not by editing these.
"""

from __future__ import annotations

from alembic import op


def forbid_rewrites(table: str) -> None:
    """Refuse UPDATE and DELETE on ``table`` at the database level."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def allow_rewrites(table: str) -> None:
    """Drop the triggers ``forbid_rewrites`` created on ``table``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
