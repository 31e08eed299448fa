"""Failed sign-ins slow the next ones, per account and per client address.

Each failure is counted under ``user:NAME`` and ``addr:IP``. Past a free
allowance (``ACCOUNT_FREE`` for an account, ``ADDRESS_FREE`` for an address,
which may carry many honest users), every further failure blocks the key for
twice as long as the one before, from 1 s up to ``MAX_BLOCK``; a key with no
failure for ``FORGET_AFTER`` starts again from zero, and a successful sign-in
clears its account. A blocked key answers 429 with ``Retry-After`` *before*
the password is checked, so a flood costs no argon2 work.

Counts live in the database (``sign_in_throttle``), so every worker and
server sees the same ones, and each failure is written in a transaction of
its own: the sign-in request itself fails and rolls back. Every failure and
every block is recorded in the audit log.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import SignInThrottle
from app.db import Database, utcnow
from app.errors import TooManyRequests

ACCOUNT_FREE = 5
ADDRESS_FREE = 30
MAX_BLOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=30)


def keys_for(username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:64]}"]
    if address:
        keys.append(f"addr:{address[:64]}")
    return keys


def _free(key: str) -> int:
    return ACCOUNT_FREE if key.startswith("user:") else ADDRESS_FREE


def block_for(key: str, failures: int) -> timedelta:
    """How long ``failures`` failures in a row block ``key`` (zero within the allowance)."""
    over = failures - _free(key)
    if over <= 0:
        return timedelta(0)
    return min(MAX_BLOCK, timedelta(seconds=2 ** min(over - 1, 20)))


def check(*, session: Session, keys: Sequence[str], now: datetime | None = None) -> None:
    """429 with ``Retry-After`` if any key is blocked now."""
    now = now or utcnow()
    rows = session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))).all()
    waits = [r.blocked_until - now for r in rows if r.blocked_until and r.blocked_until > now]
    if waits:
        seconds = math.ceil(max(waits).total_seconds())
        raise TooManyRequests(
            f"too many failed sign-ins; try again in {seconds} s", retry_after=seconds
        )


def record_failure(*, database: Database, keys: Sequence[str], username: str) -> None:
    """Count a failed sign-in under each key, in a transaction of its own."""
    for attempt in range(2):  # a concurrent first failure may insert the same key
        try:
            with database.session(write=True) as session, session.begin():
                _count(session, keys, username)
            return
        except IntegrityError:
            if attempt:
                raise


def _count(session: Session, keys: Sequence[str], username: str) -> None:
    now = utcnow()
    blocked: dict[str, int] = {}
    for key in keys:
        row = session.get(SignInThrottle, key)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = block_for(key, row.failures)
        if wait:
            row.blocked_until = now + wait
            blocked[key] = math.ceil(wait.total_seconds())
    session.flush()
    audit.record(
        session=session,
        actor=None,
        action="auth.sign_in_failed",
        object_type="user",
        object_id=username[:32],
        summary=f"failed sign-in as '{username[:64]}'"
        + (
            f"; blocked {', '.join(f'{k} for {s} s' for k, s in blocked.items())}"
            if blocked
            else ""
        ),
        data={"keys": list(keys), "blocked_seconds": blocked},
    )


def clear_account(*, session: Session, username: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == keys_for(username, None)[0]))
