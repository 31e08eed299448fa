"""Comments on a section (tied to the revision read) or on a proposal, in threads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import Base, UTCDateTime, utcnow
from app.delegations.models import Delegation


class Comment(Base):
    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("(section_id IS NULL) <> (proposal_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    revision: Mapped[int | None] = mapped_column(doc="Section revision the comment was made on")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    # The only delegation that may read it (talk about its own private draft);
    # None for everyone. Fixed when posted. See app/visibility.py.
    audience_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    quote_exact: Mapped[str | None] = mapped_column(Text)
    quote_prefix: Mapped[str] = mapped_column(String(200), default="")
    quote_suffix: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    delegation: Mapped[Delegation] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[delegation_id]
    )
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
