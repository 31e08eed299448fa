"""Comment rules: who may post, edit, delete, resolve; quotes re-anchored on read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import Role, User
from app.auth.policy import Action, require, same_delegation
from app.comments.models import Comment
from app.comments.schemas import Anchor, CommentCreate, CommentRead, QuoteRead
from app.core.anchor import locate
from app.core.markdown import render_markdown
from app.db import utcnow
from app.documents import service as documents
from app.documents.models import Section
from app.errors import Forbidden, InvalidInput, NotFound, StateConflict
from app.proposals import service as proposals
from app.proposals.models import Proposal
from app.visibility import can_read_comment, comment_audience, comments_readable_by

DELETED_BODY = "(comment deleted)"


def _record(session: Session, user: User, comment: Comment, action: str) -> None:
    audit.record(
        session=session,
        actor=user,
        action=f"comment.{action}",
        object_type="comment",
        object_id=comment.id,
        summary=comment.body[:120] if action != "deleted" else "",
        data={"section_id": comment.section_id, "proposal_id": comment.proposal_id},
        audience_id=comment.audience_id,
    )


def _check_parent(
    session: Session, user: User, data: CommentCreate, **target: int | None
) -> Comment | None:
    if data.parent_id is None:
        return None
    parent = session.get(Comment, data.parent_id)
    if (
        parent is None
        or not can_read_comment(user, parent)
        or any(getattr(parent, k) != v for k, v in target.items())
    ):
        raise InvalidInput(f"parent_id {data.parent_id} is not a comment in this thread")
    return parent


def post_on_section(
    *, session: Session, section: Section, user: User, data: CommentCreate
) -> Comment:
    """A comment on the revision the user read, optionally quoting a passage of it."""
    require(user, Action.COMMENT)
    number = data.revision or section.head
    rev = documents.get_revision(session=session, section=section, number=number)
    if data.quote and locate(rev.body, data.quote.exact) is None:
        raise InvalidInput(f"the quoted passage is not in revision {number} of the section")
    _check_parent(session, user, data, section_id=section.id, proposal_id=None)
    comment = _new(user, data, section_id=section.id, revision=number)
    session.add(comment)
    session.flush()
    _record(session, user, comment, "posted")
    return comment


def post_on_proposal(
    *, session: Session, proposal: Proposal, user: User, data: CommentCreate
) -> Comment:
    require(user, Action.COMMENT)
    parent = _check_parent(session, user, data, section_id=None, proposal_id=proposal.id)
    comment = _new(user, data, proposal_id=proposal.id)
    # Talk about a private draft stays within the delegation, even once submitted,
    # and so does a reply to it.
    comment.audience_id = comment_audience(proposal, parent)
    session.add(comment)
    session.flush()
    _record(session, user, comment, "posted")
    return comment


def _new(user: User, data: CommentCreate, **target: int | None) -> Comment:
    quote = data.quote
    return Comment(
        **target,
        parent_id=data.parent_id,
        delegation_id=user.delegation_id,
        author_id=user.id,
        body=data.body,
        quote_exact=quote.exact if quote else None,
        quote_prefix=quote.prefix if quote else "",
        quote_suffix=quote.suffix if quote else "",
    )


def get_comment(*, session: Session, comment_id: int, user: User) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or not can_read_comment(user, comment):
        raise NotFound(f"no comment {comment_id}")
    if comment.proposal_id is not None:  # hides comments on another delegation's draft
        proposals.get_visible(session=session, proposal_id=comment.proposal_id, user=user)
    return comment


def _own(comment: Comment, user: User, verb: str) -> None:
    require(user, Action.COMMENT)
    if not same_delegation(user, comment.delegation_id):
        raise Forbidden(f"only the {comment.delegation.code} delegation may {verb} this comment")
    if comment.deleted_at is not None:
        raise StateConflict("the comment was deleted")


def edit(*, session: Session, comment: Comment, user: User, body: str) -> Comment:
    _own(comment, user, "edit")
    comment.body = body
    comment.edited_at = utcnow()
    session.flush()
    _record(session, user, comment, "edited")
    return comment


def delete(*, session: Session, comment: Comment, user: User) -> Comment:
    """Soft delete: the thread keeps its shape, the text is gone."""
    _own(comment, user, "delete")
    comment.deleted_at = utcnow()
    session.flush()
    _record(session, user, comment, "deleted")
    return comment


def set_resolved(*, session: Session, comment: Comment, user: User, resolved: bool) -> Comment:
    """Resolve or reopen: the commenting delegation or a chair."""
    require(user, Action.COMMENT)
    if user.role != Role.CHAIR and not same_delegation(user, comment.delegation_id):
        raise Forbidden("only a chair or the commenting delegation may resolve or reopen")
    if (comment.resolved_at is not None) == resolved:
        raise StateConflict(f"the comment is already {'resolved' if resolved else 'open'}")
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = user.id if resolved else None
    session.flush()
    _record(session, user, comment, "resolved" if resolved else "reopened")
    return comment


def list_for(
    *,
    session: Session,
    user: User,
    section_id: int | None = None,
    proposal_id: int | None = None,
) -> Sequence[Comment]:
    """The thread the user may read, oldest first."""
    stmt = select(Comment).where(comments_readable_by(user)).order_by(Comment.id)
    if section_id is not None:
        stmt = stmt.where(Comment.section_id == section_id)
    if proposal_id is not None:
        stmt = stmt.where(Comment.proposal_id == proposal_id)
    return session.scalars(stmt).all()


def read(comment: Comment, *, current_body: str | None, head: int | None) -> CommentRead:
    """The comment as clients see it, its quote re-anchored on ``current_body``."""
    quote = anchor = None
    orphaned = False
    if comment.quote_exact is not None and comment.deleted_at is None:
        quote = QuoteRead(
            exact=comment.quote_exact, prefix=comment.quote_prefix, suffix=comment.quote_suffix
        )
        if current_body is not None and head is not None:
            found = locate(
                current_body, comment.quote_exact, comment.quote_prefix, comment.quote_suffix
            )
            orphaned = found is None
            anchor = Anchor(start=found[0], end=found[1], revision=head) if found else None
    deleted = comment.deleted_at is not None
    body = DELETED_BODY if deleted else comment.body
    return CommentRead(
        id=comment.id,
        section_id=comment.section_id,
        proposal_id=comment.proposal_id,
        parent_id=comment.parent_id,
        revision=comment.revision,
        delegation=comment.delegation.code,
        author=comment.author.username,
        body=body,
        body_html=render_markdown(body),
        quote=quote,
        anchor=anchor,
        orphaned=orphaned,
        resolved=comment.resolved_at is not None,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        deleted=deleted,
        private=comment.audience_id is not None,
    )
