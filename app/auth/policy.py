"""Who may do what: one table, deny by default.

Role rules live here. Ownership rules (a delegation's own proposals and
comments) are checked by the owning service with :func:`same_delegation`.
"""

from __future__ import annotations

from enum import StrEnum

from app.auth.models import Role, User
from app.errors import Forbidden


class Action(StrEnum):
    READ = "read"
    EDIT_SECTION = "edit_section"
    CREATE_SECTION = "create_section"
    PROPOSE = "propose"
    SUPPORT = "support"
    COMMENT = "comment"
    DECIDE = "decide"
    MERGE = "merge"
    CIRCULATE = "circulate"
    READ_WORKING_DRAFTS = "read_working_drafts"
    EXPORT = "export"
    COMPILE = "compile"
    READ_AUDIT = "read_audit"
    OBJECT_TO_SILENCE = "object_to_silence"
    MANAGE_MEETINGS = "manage_meetings"
    MANAGE_USERS = "manage_users"


_EVERYONE = frozenset(Role)
_WRITERS = frozenset({Role.CHAIR, Role.COORDINATOR, Role.DELEGATE, Role.ADMIN})

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.READ: _EVERYONE,
    Action.EDIT_SECTION: frozenset({Role.CHAIR}),
    Action.CREATE_SECTION: frozenset({Role.CHAIR}),
    Action.PROPOSE: frozenset({Role.DELEGATE, Role.CHAIR}),
    Action.SUPPORT: frozenset({Role.DELEGATE, Role.CHAIR}),
    Action.COMMENT: _WRITERS,
    Action.DECIDE: frozenset({Role.CHAIR}),
    Action.MERGE: frozenset({Role.CHAIR}),
    Action.CIRCULATE: frozenset({Role.CHAIR}),
    Action.READ_WORKING_DRAFTS: frozenset({Role.CHAIR, Role.COORDINATOR}),
    Action.EXPORT: _EVERYONE,
    Action.COMPILE: frozenset({Role.CHAIR, Role.COORDINATOR}),
    Action.READ_AUDIT: frozenset({Role.CHAIR, Role.COORDINATOR, Role.ADMIN}),
    Action.OBJECT_TO_SILENCE: frozenset({Role.DELEGATE, Role.CHAIR}),
    Action.MANAGE_MEETINGS: frozenset({Role.CHAIR}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
}


def can(user: User, action: Action) -> bool:
    return user.role in ALLOWED.get(action, frozenset())


def require(user: User, action: Action) -> None:
    """Raise 403 unless the user's role may perform ``action``."""
    if not can(user, action):
        raise Forbidden(f"role '{user.role.value}' may not {action.value.replace('_', ' ')}")


def same_delegation(user: User, delegation_id: int) -> bool:
    return user.delegation_id == delegation_id
