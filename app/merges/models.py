"""Merges of accepted proposals, and which proposals each merged revision came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class Merge(Base):
    """A merge preview; committing it turns it into revisions and a working draft."""

    __tablename__ = "merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    proposal_ids: Mapped[list[int]] = mapped_column(JSON)
    # Section id → head revision number when the preview was made.
    heads: Mapped[dict[str, int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="preview")
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id"))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RevisionSource(Base):
    """Provenance: a merged revision contains (part of) this proposal's change."""

    __tablename__ = "revision_source"
    __table_args__ = (UniqueConstraint("revision_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("section_revision.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    merge_id: Mapped[int] = mapped_column(ForeignKey("merge.id"))
    how: Mapped[str] = mapped_column(String(16), doc="clean, chosen, compromise or bracketed")
