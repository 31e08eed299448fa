"""Users (each in one delegation, with one role) and their bearer tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, str_enum, utcnow
from app.delegations.models import Delegation


class Role(StrEnum):
    CHAIR = "chair"
    COORDINATOR = "coordinator"
    DELEGATE = "delegate"
    OBSERVER = "observer"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delegation: Mapped[Delegation] = relationship(lazy="joined", innerjoin=True)


class AccessToken(Base):
    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # A digest of the password hash the token was issued under: any change of
    # password (API, CLI or by hand in the database) invalidates older tokens.
    password_stamp: Mapped[str] = mapped_column(String(16), default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class StreamTicket(Base):
    """A single-use, short-lived pass that opens one event stream for a token.

    Browsers' EventSource cannot send headers; the ticket goes in the URL
    instead of the bearer token, and is worthless once used or after a minute.
    """

    __tablename__ = "stream_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("access_token.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SignInThrottle(Base):
    """Failed sign-ins counted per account (``user:NAME``) and per address (``addr:IP``)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
