"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.models import Base


def test_models_and_migrations_agree(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET summary = 'rewritten'",
        "DELETE FROM audit_entry",
        "UPDATE section_revision SET body = 'rewritten'",
        "DELETE FROM section_revision",
    ],
)
def test_history_tables_refuse_rewrites(db_url: str, statement: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_entry (created_at, actor, action, object_type, object_id, "
                "summary, data) VALUES (CURRENT_TIMESTAMP, 'test', 'x', 'y', '1', '', '{}')"
            )
        )
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
