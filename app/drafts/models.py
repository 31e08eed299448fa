"""Drafts: named snapshots pinning one revision of every section, and silence."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import Base, UTCDateTime, str_enum, utcnow
from app.delegations.models import Delegation


class DraftStatus(StrEnum):
    WORKING = "working"
    CIRCULATED = "circulated"
    UNDER_SILENCE = "under_silence"
    ADOPTED = "adopted"
    SUPERSEDED = "superseded"


class Agreement(StrEnum):
    AGREED = "agreed"
    BRACKETED = "bracketed"
    AD_REFERENDUM = "ad_referendum"


class Draft(Base):
    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[DraftStatus] = mapped_column(str_enum(DraftStatus, "draft_status"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    silence_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(lazy="joined")


class DraftSection(Base):
    """One section as the draft pins it: which revision, where, how agreed."""

    __tablename__ = "draft_section"
    __table_args__ = (UniqueConstraint("draft_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    revision: Mapped[int]
    ordinal: Mapped[int] = mapped_column(doc="Reading order within the draft")
    number: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    level: Mapped[int]
    agreement: Mapped[Agreement] = mapped_column(str_enum(Agreement, "agreement"))


class SilenceObjection(Base):
    """A delegation breaks silence with a written objection."""

    __tablename__ = "silence_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delegation: Mapped[Delegation] = relationship(lazy="joined", innerjoin=True)
