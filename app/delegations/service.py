"""Delegation rules: codes, names and kinds, and how many users each has.

A delegation's code is what proposals, comments, exports and Word authors
show ("USA", "CPC", "1540C"), so it is fixed once created: 2 to 8 capital
letters or digits. Name and kind may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.delegations.models import Delegation, DelegationKind
from app.errors import InvalidInput, NotFound, StateConflict

CODE_PATTERN = r"^[A-Z0-9]{2,8}$"
MAX_NAME = 120


@dataclass(frozen=True)
class Membership:
    """A delegation with the number of its user accounts (all, and active ones)."""

    delegation: Delegation
    members: int
    active_members: int


def check_code(code: str) -> None:
    if not re.fullmatch(CODE_PATTERN, code):
        raise InvalidInput(f"delegation code '{code}' must be 2 to 8 capital letters or digits")


def check_name(name: str) -> None:
    if not name.strip() or len(name) > MAX_NAME:
        raise InvalidInput(f"delegation name must have 1 to {MAX_NAME} characters")


def get_delegation(*, session: Session, code: str) -> Delegation:
    delegation = session.scalar(select(Delegation).where(Delegation.code == code))
    if delegation is None:
        raise NotFound(f"no delegation with code '{code}'")
    return delegation


def list_memberships(*, session: Session, code: str | None = None) -> list[Membership]:
    """Every delegation (or the one with ``code``) by code, with its member counts."""
    members = func.count(User.id)
    active = func.coalesce(func.sum(case((User.is_active.is_(True), 1), else_=0)), 0)
    stmt = (
        select(Delegation, members, active)
        .outerjoin(User, User.delegation_id == Delegation.id)
        .group_by(Delegation.id)
        .order_by(Delegation.code)
    )
    if code is not None:
        stmt = stmt.where(Delegation.code == code)
    return [Membership(d, int(n), int(a)) for d, n, a in session.execute(stmt).all()]


def membership(*, session: Session, code: str) -> Membership:
    """One delegation with its member counts, or 404."""
    found = list_memberships(session=session, code=code)
    if not found:
        raise NotFound(f"no delegation with code '{code}'")
    return found[0]


def create_delegation(
    *, session: Session, code: str, name: str, kind: DelegationKind
) -> Delegation:
    """A new delegation; 422 for a malformed code or name, 409 if the code is taken."""
    check_code(code)
    check_name(name)
    if session.scalar(select(Delegation.id).where(Delegation.code == code)) is not None:
        raise StateConflict(f"delegation '{code}' already exists")
    delegation = Delegation(code=code, name=name, kind=kind)
    session.add(delegation)
    session.flush()
    return delegation


def update_delegation(
    *,
    session: Session,
    delegation: Delegation,
    name: str | None = None,
    kind: DelegationKind | None = None,
) -> dict[str, tuple[str, str]]:
    """Rename or re-classify a delegation; what changed, as ``field: (old, new)``."""
    changes: dict[str, tuple[str, str]] = {}
    if name is not None and name != delegation.name:
        check_name(name)
        changes["name"] = (delegation.name, name)
        delegation.name = name
    if kind is not None and kind != delegation.kind:
        changes["kind"] = (delegation.kind.value, kind.value)
        delegation.kind = kind
    session.flush()
    return changes
