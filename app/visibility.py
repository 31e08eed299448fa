"""Who may read what: the one rule for a delegation's private work.

A delegation's private work is

- a proposal it never submitted (``Proposal.submitted_at`` is None), in any
  status: a draft, and a draft withdrawn before submission, stay private;
- the versions a proposal went through before it was submitted
  (``number < Proposal.first_public_version``);
- a comment written on such a proposal while it was private
  (``Comment.audience_id``): submitting the proposal later does not publish
  the delegation's internal discussion;
- every audit entry, and so every live event, about either
  (``AuditEntry.audience_id``).

Only members of that delegation may read it: not chairs, coordinators or
admins of other delegations.

Account activity (audit entries ``auth.*`` and ``admin.*``: sign-ins that
failed, sign-outs, password changes, users deactivated) is read by admins
only, in the audit log and on the event stream. Everything else is readable by whoever the role
table (``auth/policy.py``) lets use the route. Every read path (lists,
details, versions, comments, audit, events, exports, compilation, merge)
asks this module, either per object (``can_read_*``) or as a SQL condition
(``*_readable_by``), and an object a user may not read answers exactly as an
object that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.comments.models import Comment
from app.proposals.models import Proposal


def proposal_is_private(proposal: Proposal) -> bool:
    return proposal.submitted_at is None


def proposal_audience(proposal: Proposal) -> int | None:
    """The only delegation that may read the proposal (and news of it), or None for all."""
    return proposal.delegation_id if proposal_is_private(proposal) else None


def can_read_proposal(user: User, proposal: Proposal) -> bool:
    return _in_audience(user, proposal_audience(proposal))


def readable_versions_from(user: User, proposal: Proposal) -> int:
    """The first version number of ``proposal`` the user may read."""
    if proposal.delegation_id == user.delegation_id or proposal.first_public_version is None:
        return 1
    return proposal.first_public_version


def proposals_readable_by(user: User) -> ColumnElement[bool]:
    return or_(Proposal.submitted_at.is_not(None), Proposal.delegation_id == user.delegation_id)


def public_proposals() -> ColumnElement[bool]:
    """Proposals anyone may read: what documents circulated to all may list."""
    return Proposal.submitted_at.is_not(None)


def comment_audience(proposal: Proposal, parent: Comment | None) -> int | None:
    """Who may read a new comment on a proposal: as the proposal, or a private parent."""
    if parent is not None and parent.audience_id is not None:
        return parent.audience_id
    return proposal_audience(proposal)


def can_read_comment(user: User, comment: Comment) -> bool:
    return _in_audience(user, comment.audience_id)


def comments_readable_by(user: User) -> ColumnElement[bool]:
    return or_(Comment.audience_id.is_(None), Comment.audience_id == user.delegation_id)


ACCOUNT_ACTIONS = ("auth.", "admin.")


def sees_account_activity(role: Role) -> bool:
    return role == Role.ADMIN


def is_account_activity(action: str) -> bool:
    return action.startswith(ACCOUNT_ACTIONS)


def audit_readable_by(user: User) -> ColumnElement[bool]:
    mine = or_(AuditEntry.audience_id.is_(None), AuditEntry.audience_id == user.delegation_id)
    if sees_account_activity(user.role):
        return mine
    return and_(mine, *(AuditEntry.action.not_like(f"{p}%") for p in ACCOUNT_ACTIONS))


def audience_admits(audience_id: int | None, delegation_id: int) -> bool:
    """The rule itself, for readers holding ids only (the event stream)."""
    return audience_id is None or audience_id == delegation_id


def event_admits(action: str, audience_id: int | None, delegation_id: int, role: Role) -> bool:
    """May a stream of a user in ``delegation_id`` with ``role`` carry this entry?"""
    if is_account_activity(action) and not sees_account_activity(role):
        return False
    return audience_admits(audience_id, delegation_id)


def _in_audience(user: User, audience_id: int | None) -> bool:
    return audience_admits(audience_id, user.delegation_id)
