"""HTTP routes of comments on sections and on proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.comments import service
from app.comments.models import Comment
from app.comments.schemas import CommentCreate, CommentRead, CommentUpdate
from app.db import SessionDep
from app.deps import CurrentUser, IdPath
from app.documents import service as documents
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    Unauthorized,
    error_responses,
)
from app.proposals.router import ProposalDep

router = APIRouter(prefix="/api", tags=["comments"])
READ_ERRORS = error_responses(Unauthorized, NotFound)
WRITE_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput)


def visible_comment(comment_id: IdPath, session: SessionDep, user: CurrentUser) -> Comment:
    return service.get_comment(session=session, comment_id=comment_id, user=user)


CommentDep = Annotated[Comment, Depends(visible_comment)]


def _read(session: SessionDep, comment: Comment) -> CommentRead:
    if comment.section_id is None:
        return service.read(comment, current_body=None, head=None)
    section = documents.get_section(session=session, section_id=comment.section_id)
    current = documents.get_revision(session=session, section=section)
    return service.read(comment, current_body=current.body, head=current.number)


@router.post(
    "/sections/{section_id}/comments",
    response_model=CommentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def comment_on_section(
    section_id: IdPath, payload: CommentCreate, session: SessionDep, user: CurrentUser
) -> CommentRead:
    """Comment on a section (on the revision read), optionally quoting a passage."""
    section = documents.get_section(session=session, section_id=section_id)
    comment = service.post_on_section(session=session, section=section, user=user, data=payload)
    return _read(session, comment)


@router.get(
    "/sections/{section_id}/comments", response_model=list[CommentRead], responses=READ_ERRORS
)
def section_comments(
    section_id: IdPath, session: SessionDep, user: CurrentUser
) -> list[CommentRead]:
    """A section's comments, oldest first; quotes re-anchored on the current revision."""
    section = documents.get_section(session=session, section_id=section_id)
    current = documents.get_revision(session=session, section=section)
    return [
        service.read(c, current_body=current.body, head=current.number)
        for c in service.list_for(session=session, user=user, section_id=section.id)
    ]


@router.post(
    "/proposals/{proposal_id}/comments",
    response_model=CommentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def comment_on_proposal(
    proposal: ProposalDep, payload: CommentCreate, session: SessionDep, user: CurrentUser
) -> CommentRead:
    """Comment on a proposal."""
    if payload.quote is not None or payload.revision is not None:
        raise InvalidInput("quote and revision apply to comments on sections only")
    comment = service.post_on_proposal(session=session, proposal=proposal, user=user, data=payload)
    return _read(session, comment)


@router.get(
    "/proposals/{proposal_id}/comments", response_model=list[CommentRead], responses=READ_ERRORS
)
def proposal_comments(
    proposal: ProposalDep, session: SessionDep, user: CurrentUser
) -> list[CommentRead]:
    """A proposal's comments, oldest first."""
    return [
        service.read(c, current_body=None, head=None)
        for c in service.list_for(session=session, user=user, proposal_id=proposal.id)
    ]


@router.patch("/comments/{comment_id}", response_model=CommentRead, responses=WRITE_ERRORS)
def edit_comment(
    comment: CommentDep, payload: CommentUpdate, session: SessionDep, user: CurrentUser
) -> CommentRead:
    """Edit your delegation's comment."""
    return _read(
        session, service.edit(session=session, comment=comment, user=user, body=payload.body)
    )


@router.delete("/comments/{comment_id}", response_model=CommentRead, responses=WRITE_ERRORS)
def delete_comment(comment: CommentDep, session: SessionDep, user: CurrentUser) -> CommentRead:
    """Delete your delegation's comment (the thread keeps a placeholder)."""
    return _read(session, service.delete(session=session, comment=comment, user=user))


@router.post("/comments/{comment_id}/resolve", response_model=CommentRead, responses=WRITE_ERRORS)
def resolve_comment(comment: CommentDep, session: SessionDep, user: CurrentUser) -> CommentRead:
    """Mark a comment resolved (a chair or the commenting delegation)."""
    return _read(
        session, service.set_resolved(session=session, comment=comment, user=user, resolved=True)
    )


@router.post("/comments/{comment_id}/reopen", response_model=CommentRead, responses=WRITE_ERRORS)
def reopen_comment(comment: CommentDep, session: SessionDep, user: CurrentUser) -> CommentRead:
    """Reopen a resolved comment."""
    return _read(
        session, service.set_resolved(session=session, comment=comment, user=user, resolved=False)
    )
