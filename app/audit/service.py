"""Append to and read the audit log. Every state change calls :func:`record`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import User
from app.visibility import audit_readable_by


def record(
    *,
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | str,
    summary: str = "",
    data: dict[str, Any] | None = None,
    audience_id: int | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it lands or fails with the change).

    ``audience_id``: the only delegation that may read it (its private work, see
    ``app/visibility.py``); None for everyone allowed to read the log.
    """
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        delegation=actor.delegation.code if actor else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        data=data or {},
        audience_id=audience_id,
    )
    session.add(entry)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Wakes every worker's event stream (app/events); delivered only on commit.
        session.execute(text("SELECT pg_notify('compendium_events', :id)"), {"id": str(entry.id)})
    return entry


def list_entries(
    *,
    session: Session,
    viewer: User | None,
    action: str | None = None,
    delegation: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> Sequence[AuditEntry]:
    """Newest first, filtered; ``after_id`` pages forward for event consumers.

    ``viewer``: only entries that user may read; None for every entry (the event
    hub, which filters per stream).
    """
    stmt = select(AuditEntry)
    if viewer is not None:
        stmt = stmt.where(audit_readable_by(viewer))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if delegation:
        stmt = stmt.where(AuditEntry.delegation == delegation)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if since:
        stmt = stmt.where(AuditEntry.created_at >= since)
    if after_id is not None:
        return session.scalars(
            stmt.where(AuditEntry.id > after_id).order_by(AuditEntry.id).limit(limit)
        ).all()
    return session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit)).all()
