"""What an admin (or the command line) does to accounts, tokens and delegations.

The rules themselves live in ``app.auth.service`` and
``app.delegations.service``; this module adds the two that concern the acting
admin (no deactivating, or changing the role of, one's own account: a
server must keep an admin), builds the read models, and audits every change
as ``admin.*`` in the same transaction — with no password in any entry.
``actor`` is the signed-in admin, or None for the command line ("system").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.admin.schemas import AccessTokenRead, AdminUserRead, DelegationRead
from app.audit import service as audit
from app.auth import service as accounts
from app.auth.models import Role, User
from app.delegations import service as delegations
from app.delegations.models import DelegationKind
from app.errors import StateConflict


def _record(
    session: Session,
    actor: User | None,
    action: str,
    target: User,
    summary: str,
    data: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=f"admin.{action}",
        object_type="user",
        object_id=target.id,
        summary=summary,
        data={"username": target.username} | (data or {}),
    )


def _is_self(actor: User | None, user: User) -> bool:
    return actor is not None and actor.id == user.id


def _actions(actor: User | None, user: User) -> list[str]:
    actions = ["update", "reset_password", "revoke_tokens"]
    if not user.is_active:
        actions.insert(0, "reactivate")
    elif not _is_self(actor, user):
        actions.insert(0, "deactivate")
    return actions


def _read(actor: User | None, user: User, live_tokens: int) -> AdminUserRead:
    return AdminUserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        delegation=user.delegation.code,
        is_active=user.is_active,
        created_at=user.created_at,
        live_tokens=live_tokens,
        actions=_actions(actor, user),
    )


def list_users(
    *,
    session: Session,
    actor: User | None,
    delegation: str | None = None,
    active: bool | None = None,
) -> list[AdminUserRead]:
    """Users by delegation and name, each with its count of live tokens."""
    users = accounts.list_users(session=session, delegation_code=delegation, active=active)
    live = accounts.live_token_counts(session=session, user_ids=[u.id for u in users])
    return [_read(actor, u, live[u.id]) for u in users]


def read_user(*, session: Session, actor: User | None, user: User) -> AdminUserRead:
    live = accounts.live_token_counts(session=session, user_ids=[user.id])
    return _read(actor, user, live[user.id])


def create_user(
    *,
    session: Session,
    actor: User | None,
    username: str,
    delegation: str,
    role: Role,
    password_hash: str,
    display_name: str | None = None,
) -> User:
    """A new account (its password hashed beforehand by ``accounts.hash_password``)."""
    user = accounts.create_user_hashed(
        session=session,
        username=username,
        delegation_code=delegation,
        role=role,
        password_hash=password_hash,
        display_name=display_name,
    )
    summary = f"{username} added to {delegation} as {role.value}"
    _record(
        session,
        actor,
        "user_created",
        user,
        summary,
        {"delegation": delegation, "role": role.value},
    )
    return user


def update_user(
    *,
    session: Session,
    actor: User | None,
    user: User,
    display_name: str | None = None,
    role: Role | None = None,
    delegation: str | None = None,
) -> User:
    """Rename, or change role or delegation (which signs the user out everywhere)."""
    if role is not None and role != user.role and _is_self(actor, user):
        raise StateConflict("you cannot change your own role: ask another admin")
    change = accounts.change_account(
        session=session,
        user=user,
        display_name=display_name,
        role=role,
        delegation_code=delegation,
    )
    if change.changes:
        fields = ", ".join(change.changes)
        summary = f"{user.username}: {fields} changed; {change.tokens_revoked} token(s) revoked"
        data = {"changes": change.changes, "tokens_revoked": change.tokens_revoked}
        _record(session, actor, "user_updated", user, summary, data)
    return user


def set_active(*, session: Session, actor: User | None, user: User, active: bool) -> User:
    """Reactivate, or deactivate (every token of the user stops working at once)."""
    if not active and _is_self(actor, user):
        raise StateConflict("you cannot deactivate your own account: ask another admin")
    live = accounts.live_token_counts(session=session, user_ids=[user.id])[user.id]
    accounts.set_active(session=session, user=user, active=active)
    if active:
        _record(session, actor, "user_reactivated", user, f"{user.username} reactivated")
    else:
        summary = f"{user.username} deactivated; {live} live token(s) revoked"
        _record(session, actor, "user_deactivated", user, summary, {"tokens_revoked": live})
    return user


def reset_password(*, session: Session, actor: User | None, user: User, password_hash: str) -> int:
    """A new password (hashed beforehand); every token of the user stops working."""
    revoked = accounts.reset_password(session=session, user=user, password_hash=password_hash)
    summary = f"password of {user.username} reset; {revoked} token(s) revoked"
    _record(session, actor, "password_reset", user, summary, {"tokens_revoked": revoked})
    return revoked


def list_tokens(*, session: Session, user: User, limit: int = 100) -> list[AccessTokenRead]:
    """The user's newest tokens with their state; never a token or its hash."""
    return [
        AccessTokenRead(
            id=t.id,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            state=accounts.token_state(t),
        )
        for t in accounts.list_tokens(session=session, user_id=user.id)[:limit]
    ]


def revoke_token(*, session: Session, actor: User | None, token_id: int) -> None:
    """Revoke one token (404 unknown, 409 already revoked)."""
    token = accounts.revoke_token(session=session, token_id=token_id)
    user = token.user
    summary = f"token {token_id} of {user.username} revoked"
    _record(session, actor, "token_revoked", user, summary, {"token_id": token_id})


def revoke_tokens(*, session: Session, actor: User | None, user: User) -> int:
    """Sign the user out everywhere; how many live tokens that revoked."""
    revoked = accounts.revoke_tokens(session=session, user_id=user.id)
    summary = f"{user.username} signed out everywhere; {revoked} token(s) revoked"
    _record(session, actor, "tokens_revoked", user, summary, {"tokens_revoked": revoked})
    return revoked


def _delegation_read(m: delegations.Membership) -> DelegationRead:
    d = m.delegation
    return DelegationRead(
        code=d.code, name=d.name, kind=d.kind, members=m.members, active_members=m.active_members
    )


def list_delegations(*, session: Session) -> list[DelegationRead]:
    """Every delegation by code, with its member counts."""
    return [_delegation_read(m) for m in delegations.list_memberships(session=session)]


def read_delegation(*, session: Session, code: str) -> DelegationRead:
    return _delegation_read(delegations.membership(session=session, code=code))


def create_delegation(
    *, session: Session, actor: User | None, code: str, name: str, kind: DelegationKind
) -> DelegationRead:
    """A new participating State or organisation."""
    delegations.create_delegation(session=session, code=code, name=name, kind=kind)
    audit.record(
        session=session,
        actor=actor,
        action="admin.delegation_created",
        object_type="delegation",
        object_id=code,
        summary=f"{code} ({name}, {kind.value}) added",
        data={"name": name, "kind": kind.value},
    )
    return read_delegation(session=session, code=code)


def update_delegation(
    *,
    session: Session,
    actor: User | None,
    code: str,
    name: str | None = None,
    kind: DelegationKind | None = None,
) -> DelegationRead:
    """Rename or re-classify a delegation; its code never changes."""
    delegation = delegations.get_delegation(session=session, code=code)
    changes = delegations.update_delegation(
        session=session, delegation=delegation, name=name, kind=kind
    )
    if changes:
        audit.record(
            session=session,
            actor=actor,
            action="admin.delegation_updated",
            object_type="delegation",
            object_id=code,
            summary=f"{code}: {', '.join(changes)} changed",
            data={"changes": changes},
        )
    return read_delegation(session=session, code=code)
