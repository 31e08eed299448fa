"""Passwords (argon2), opaque bearer tokens stored as keyed hashes, and taking access away.

A token is valid while it is unexpired, unrevoked, its user active, and the
user's password unchanged since it was issued (``password_stamp``). Signing
out revokes one token; changing a password revokes the user's other tokens;
an admin's deactivation or password reset revokes all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import AccessToken, Role, StreamTicket, User
from app.config import Settings
from app.db import utcnow
from app.delegations import service as delegations
from app.delegations.models import Delegation
from app.errors import InvalidInput, NotFound, StateConflict, Unauthorized

# argon2id with the minimum OWASP's password storage guidance recommends: 19 MiB,
# 2 passes, 1 lane (about 30 ms on one core of the reference machine). Hashes
# carry their parameters, so older ones (argon2-cffi's defaults, 64 MiB) still
# verify. At most HASHING_AT_ONCE hashes run at once per process: a flood of
# sign-ins queues here with bounded memory and leaves a core to everyone else.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
HASHING_AT_ONCE = 2
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
# Verified against when the user does not exist, so a wrong name costs as
# much time as a wrong password and names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
STREAM_TICKET_TTL = timedelta(seconds=60)
MIN_PASSWORD = 8
MAX_PASSWORD = 256


def hash_password(password: str) -> str:
    check_password_rules(password)
    with _hashing:
        return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password must have at most {MAX_PASSWORD} characters")


def password_stamp(password_hash: str) -> str:
    """A short digest of the hash: tokens issued under another password no longer match."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _token_digest(token: str, settings: Settings) -> str:
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def authenticate(*, session: Session, username: str, password: str) -> User:
    """The active user with these credentials, or 401 (read-only: call before writing)."""
    user = session.scalar(select(User).where(User.username == username))
    if not password_matches(user, password) or user is None or not user.is_active:
        raise Unauthorized("Incorrect username or password")
    return user


def password_matches(user: User | None, password: str) -> bool:
    """Argon2 verification, as slow for an unknown user as for a wrong password."""
    try:
        with _hashing:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def issue_token(*, session: Session, user: User, settings: Settings) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AccessToken(
            token_hash=_token_digest(token, settings),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=settings.token_ttl_hours),
            password_stamp=password_stamp(user.password_hash),
        )
    )
    session.flush()
    return token


def is_valid(token: AccessToken) -> bool:
    """Unrevoked, unexpired, its user active, and issued under the current password."""
    return (
        token.revoked_at is None
        and token.expires_at > utcnow()
        and token.user.is_active
        and hmac.compare_digest(token.password_stamp, password_stamp(token.user.password_hash))
    )


def access_for_token(*, session: Session, token: str, settings: Settings) -> AccessToken:
    """The valid token row (with its user) for a bearer token, or 401."""
    row = session.scalar(
        select(AccessToken).where(AccessToken.token_hash == _token_digest(token, settings))
    )
    if row is None or not is_valid(row):
        raise Unauthorized("Invalid or expired token")
    return row


def token_still_valid(*, session: Session, token_id: int) -> bool:
    row = session.get(AccessToken, token_id)
    return row is not None and is_valid(row)


def user_for_token(*, session: Session, token: str, settings: Settings) -> User:
    """The user a bearer token belongs to, or 401 if it is unknown, expired or revoked."""
    return access_for_token(session=session, token=token, settings=settings).user


def issue_stream_ticket(*, session: Session, token_id: int, settings: Settings) -> str:
    """A pass for one event-stream connection, valid ``STREAM_TICKET_TTL`` and used once."""
    ticket = secrets.token_urlsafe(32)
    session.add(
        StreamTicket(
            ticket_hash=_token_digest(ticket, settings),
            token_id=token_id,
            expires_at=utcnow() + STREAM_TICKET_TTL,
        )
    )
    session.flush()
    return ticket


def redeem_stream_ticket(*, session: Session, ticket: str, settings: Settings) -> AccessToken:
    """Use up a stream ticket: the valid token it was issued for, or 401."""
    now = utcnow()
    digest = _token_digest(ticket, settings)
    used = session.execute(
        update(StreamTicket)
        .where(
            StreamTicket.ticket_hash == digest,
            StreamTicket.used_at.is_(None),
            StreamTicket.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token_id = session.scalar(
        select(StreamTicket.token_id).where(StreamTicket.ticket_hash == digest)
    )
    row = session.get(AccessToken, token_id) if token_id is not None else None
    if not getattr(used, "rowcount", 0) or row is None or not is_valid(row):
        raise Unauthorized("Invalid, used or expired stream ticket")
    return row


def revoke_tokens(*, session: Session, user_id: int, keep_id: int | None = None) -> int:
    """Revoke every live token of a user but ``keep_id``; how many were revoked."""
    stmt = update(AccessToken).where(
        AccessToken.user_id == user_id,
        AccessToken.revoked_at.is_(None),
        AccessToken.expires_at > utcnow(),
    )
    if keep_id is not None:
        stmt = stmt.where(AccessToken.id != keep_id)
    result = session.execute(
        stmt.values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_token(*, session: Session, token_id: int) -> AccessToken:
    """Revoke one token; 404 if unknown, 409 if it was already revoked."""
    row = session.get(AccessToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is not None:
        raise StateConflict(f"token {token_id} is already revoked")
    row.revoked_at = utcnow()
    session.flush()
    return row


def list_tokens(*, session: Session, user_id: int) -> Sequence[AccessToken]:
    """A user's tokens, newest first (revoked and expired ones included)."""
    return session.scalars(
        select(AccessToken).where(AccessToken.user_id == user_id).order_by(AccessToken.id.desc())
    ).all()


def set_password(
    *, session: Session, user: User, password: str, keep_token_id: int | None = None
) -> None:
    """A new password; every token but ``keep_token_id`` stops working."""
    reset_password(
        session=session,
        user=user,
        password_hash=hash_password(password),
        keep_token_id=keep_token_id,
    )


def set_active(*, session: Session, user: User, active: bool) -> None:
    """Deactivate (every token stops working) or reactivate a user."""
    if user.is_active == active:
        raise StateConflict(
            f"user '{user.username}' is already {'active' if active else 'inactive'}"
        )
    user.is_active = active
    if not active:
        revoke_tokens(session=session, user_id=user.id)
    session.flush()


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def get_user_by_name(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


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
    return create_user_hashed(
        session=session,
        username=username,
        delegation_code=delegation_code,
        role=role,
        password_hash=hash_password(password),
        display_name=display_name,
    )


# --- Administration: listing accounts, changing them, and reading their tokens ---


class TokenState(StrEnum):
    """Why a token works or not, in the order the checks apply."""

    LIVE = "live"
    REVOKED = "revoked"  # signed out, or revoked by an admin, a deactivation or a reset
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # issued under a password changed since


def token_state(token: AccessToken) -> TokenState:
    """The token's state; an unrevoked token of a deactivated user counts as revoked."""
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.expires_at <= utcnow():
        return TokenState.EXPIRED
    if not hmac.compare_digest(token.password_stamp, password_stamp(token.user.password_hash)):
        return TokenState.SUPERSEDED
    return TokenState.LIVE if token.user.is_active else TokenState.REVOKED


def live_token_counts(*, session: Session, user_ids: Sequence[int]) -> dict[int, int]:
    """How many valid tokens each of these users holds (0 for none)."""
    counts = dict.fromkeys(user_ids, 0)
    if not counts:
        return counts
    candidates = session.scalars(
        select(AccessToken).where(
            AccessToken.user_id.in_(list(counts)),
            AccessToken.revoked_at.is_(None),
            AccessToken.expires_at > utcnow(),
        )
    ).all()
    for token in candidates:
        if is_valid(token):
            counts[token.user_id] += 1
    return counts


def list_users(
    *, session: Session, delegation_code: str | None = None, active: bool | None = None
) -> Sequence[User]:
    """Users by delegation code and username, optionally of one delegation or activity."""
    stmt = select(User).join(User.delegation)
    if delegation_code is not None:
        stmt = stmt.where(Delegation.code == delegation_code)
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    return session.scalars(stmt.order_by(Delegation.code, User.username)).all()


@dataclass(frozen=True)
class AccountChange:
    """What :func:`change_account` changed (``field: (old, new)``) and the tokens it revoked."""

    changes: dict[str, tuple[str, str]]
    tokens_revoked: int


def change_account(
    *,
    session: Session,
    user: User,
    display_name: str | None = None,
    role: Role | None = None,
    delegation_code: str | None = None,
) -> AccountChange:
    """Rename, or move to another role or delegation: the latter two revoke every token."""
    changes: dict[str, tuple[str, str]] = {}
    if display_name is not None and display_name != user.display_name:
        changes["display_name"] = (user.display_name, display_name)
        user.display_name = display_name
    if role is not None and role != user.role:
        changes["role"] = (user.role.value, role.value)
        user.role = role
    if delegation_code is not None and delegation_code != user.delegation.code:
        delegation = delegations.get_delegation(session=session, code=delegation_code)
        changes["delegation"] = (user.delegation.code, delegation.code)
        user.delegation_id = delegation.id
        user.delegation = delegation
    revoked = 0
    if "role" in changes or "delegation" in changes:
        # The tokens were granted to other permissions: sign in again to get the new ones.
        revoked = revoke_tokens(session=session, user_id=user.id)
    session.flush()
    return AccountChange(changes=changes, tokens_revoked=revoked)


def create_user_hashed(
    *,
    session: Session,
    username: str,
    delegation_code: str,
    role: Role,
    password_hash: str,
    display_name: str | None = None,
) -> User:
    """As :func:`create_user`, with the password hashed beforehand (:func:`hash_password`).

    Argon2 is slow by design: hashing before the write transaction starts keeps
    SQLite's write lock short.
    """
    delegation = delegations.get_delegation(session=session, code=delegation_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StateConflict(f"user '{username}' already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        delegation_id=delegation.id,
        role=role,
        password_hash=password_hash,
    )
    session.add(user)
    session.flush()
    return user


def reset_password(
    *, session: Session, user: User, password_hash: str, keep_token_id: int | None = None
) -> int:
    """A password hashed beforehand: every token but ``keep_token_id`` stops; how many did."""
    user.password_hash = password_hash
    revoked = revoke_tokens(session=session, user_id=user.id, keep_id=keep_token_id)
    if keep_token_id is not None:
        kept = session.get(AccessToken, keep_token_id)
        if kept is not None:
            kept.password_stamp = password_stamp(password_hash)
    session.flush()
    return revoked
