"""Passwords (argon2) and opaque bearer tokens stored as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import AccessToken, Role, User
from app.config import Settings
from app.db import utcnow
from app.delegations.models import Delegation
from app.errors import InvalidInput, NotFound, StateConflict, Unauthorized

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as
# much time as a wrong password and names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_digest(token: str, settings: Settings) -> str:
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def authenticate(*, session: Session, username: str, password: str) -> User:
    """The active user with these credentials, or 401."""
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("Incorrect username or password") from None
    if user is None or not user.is_active:
        raise Unauthorized("Incorrect username or password")
    return user


def issue_token(*, session: Session, user: User, settings: Settings) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AccessToken(
            token_hash=_token_digest(token, settings),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=settings.token_ttl_hours),
        )
    )
    session.flush()
    return token


def user_for_token(*, session: Session, token: str, settings: Settings) -> User:
    """The user a bearer token belongs to, or 401 if it is unknown, expired or revoked."""
    row = session.scalar(
        select(AccessToken).where(AccessToken.token_hash == _token_digest(token, settings))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthorized("Invalid or expired token")
    if not row.user.is_active:
        raise Unauthorized("Invalid or expired token")
    return row.user


def create_user(
    *,
    session: Session,
    username: str,
    delegation_code: str,
    role: Role,
    password: str,
    display_name: str | None = None,
) -> User:
    """A new user in an existing delegation; 409 if the name is taken."""
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters")
    delegation = session.scalar(select(Delegation).where(Delegation.code == delegation_code))
    if delegation is None:
        raise NotFound(f"no delegation with code '{delegation_code}'")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StateConflict(f"user '{username}' already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        delegation_id=delegation.id,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user
