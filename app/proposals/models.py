"""Proposals: a delegation's suggested text for a section, versioned, with co-sponsors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import Base, UTCDateTime, str_enum, utcnow
from app.delegations.models import Delegation


class ProposalKind(StrEnum):
    AMEND = "amend"
    ADD = "add"
    DELETE = "delete"


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class Proposal(Base):
    """The proposal as it stands; its texts live in :class:`ProposalVersion`."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    kind: Mapped[ProposalKind] = mapped_column(str_enum(ProposalKind, "proposal_kind"))
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status"), index=True
    )
    needs_rebase: Mapped[bool] = mapped_column(default=False)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # Where an "add" proposal puts its new section.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    after_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    version: Mapped[int] = mapped_column(default=1)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    # When the delegation let everyone read it; None while it is (or was, if
    # withdrawn unsubmitted) the delegation's private draft. See app/visibility.py.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The version it was submitted at: earlier versions stay the delegation's own.
    first_public_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delegation: Mapped[Delegation] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[decided_by_id])


class ProposalVersion(Base):
    """One immutable version of a proposal's text; revising adds the next one."""

    __tablename__ = "proposal_version"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    number: Mapped[int]
    base_revision: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")


class ProposalSupport(Base):
    """A co-sponsorship: another delegation joins the proposal."""

    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "delegation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delegation: Mapped[Delegation] = relationship(lazy="joined", innerjoin=True)
