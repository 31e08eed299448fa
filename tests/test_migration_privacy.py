"""Migration 0004 reads the audit log to tell which existing proposals were never submitted."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from app.auth.service import password_stamp
from app.migrate import upgrade
from tests.dbs import TemplateDB

NOW = "2026-11-01 10:00:00"
ROWS = """
INSERT INTO delegation (id, code, name, kind) VALUES (1, 'USA', 'United States', 'state');
INSERT INTO delegation (id, code, name, kind) VALUES (2, 'CHE', 'Switzerland', 'state');
INSERT INTO user_account (id, username, display_name, delegation_id, role, password_hash,
  is_active, created_at) VALUES (1, 'usa', 'usa', 1, 'delegate', 'hash-1', true, :now);
INSERT INTO access_token (id, token_hash, user_id, created_at, expires_at)
  VALUES (1, 'digest', 1, :now, '2099-01-01 00:00:00');
INSERT INTO document (id, slug, title, created_at) VALUES (1, 'doc', 'Doc', :now);
"""


def _proposal(conn: object, pid: int, status: str) -> None:
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO proposal (id, document_id, kind, status, needs_rebase, delegation_id, "
            "author_id, version, decision_note, created_at, updated_at) VALUES "
            "(:id, 1, 'amend', :status, false, 1, 1, 2, '', :now, :now)"
        ),
        {"id": pid, "status": status, "now": NOW},
    )


def _audit(
    conn: object, action: str, object_id: int, private: bool, kind: str = "proposal"
) -> None:
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO audit_entry (created_at, actor, delegation, action, object_type, "
            "object_id, summary, data) VALUES (:now, 'usa', 'USA', :action, :kind, :oid, '', :data)"
        ),
        {
            "now": NOW,
            "action": action,
            "kind": kind,
            "oid": str(object_id),
            "data": json.dumps({"private": private, "delegation": "USA"}),
        },
    )


def test_withdrawn_drafts_stay_private_and_submitted_ones_keep_their_public_versions(
    template: TemplateDB, tmp_path: Path
) -> None:
    if template.is_postgres:
        url = template.fresh(tmp_path)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in ROWS.strip().split(";\n"):
            conn.execute(text(statement), {"now": NOW})
        _proposal(conn, 1, "withdrawn")  # a draft, revised, then withdrawn
        _audit(conn, "proposal.created", 1, True)
        _audit(conn, "proposal.revised", 1, True)
        _audit(conn, "proposal.withdrawn", 1, False)
        _proposal(conn, 2, "submitted")  # a draft, revised, then submitted
        _audit(conn, "proposal.created", 2, True)
        _audit(conn, "proposal.revised", 2, True)
        _audit(conn, "proposal.submitted", 2, False)
        _proposal(conn, 3, "submitted")  # submitted at once
        _audit(conn, "proposal.created", 3, False)
        conn.execute(
            text(
                "INSERT INTO comment (id, proposal_id, delegation_id, author_id, body, "
                "quote_prefix, quote_suffix, created_at) VALUES "
                "(1, 2, 1, 1, 'internal', '', '', :now)"
            ),
            {"now": NOW},
        )
        _audit(conn, "comment.posted", 1, True, kind="comment")
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as conn:
        proposals = conn.execute(
            text("SELECT id, submitted_at IS NOT NULL, first_public_version FROM proposal")
        ).all()
        audiences = conn.execute(
            text("SELECT action, object_id, audience_id FROM audit_entry ORDER BY id")
        ).all()
        comment = conn.execute(text("SELECT audience_id FROM comment")).scalar_one()
        stamp = conn.execute(text("SELECT password_stamp FROM access_token")).scalar_one()
    engine.dispose()
    if template.is_postgres:
        template.drop(url)
    assert sorted(tuple(p) for p in proposals) == [(1, False, None), (2, True, 2), (3, True, 1)]
    assert [tuple(a) for a in audiences] == [
        ("proposal.created", "1", 1),
        ("proposal.revised", "1", 1),
        ("proposal.withdrawn", "1", 1),  # the withdrawal of a never-submitted draft
        ("proposal.created", "2", 1),
        ("proposal.revised", "2", 1),
        ("proposal.submitted", "2", None),
        ("proposal.created", "3", None),
        ("comment.posted", "1", 1),
    ]
    assert comment == 1
    assert stamp == password_stamp("hash-1")
