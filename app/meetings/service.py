"""Meeting rules: chairs record meetings; everyone reads them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.policy import Action, require
from app.documents.models import Document
from app.drafts.models import Draft
from app.errors import InvalidInput, NotFound
from app.meetings.models import Meeting
from app.meetings.schemas import MeetingCreate, MeetingRead, MeetingUpdate
from app.proposals.models import Proposal


def _check_draft(session: Session, document: Document, draft_id: int | None) -> None:
    if draft_id is not None:
        draft = session.get(Draft, draft_id)
        if draft is None or draft.document_id != document.id:
            raise InvalidInput(f"draft {draft_id} is not a draft of '{document.slug}'")


def create(*, session: Session, document: Document, user: User, data: MeetingCreate) -> Meeting:
    require(user, Action.MANAGE_MEETINGS)
    _check_draft(session, document, data.draft_id)
    meeting = Meeting(
        document_id=document.id,
        title=data.title,
        starts_on=data.starts_on,
        ends_on=data.ends_on or data.starts_on,
        format=data.format,
        venue=data.venue,
        agenda=data.agenda,
        draft_id=data.draft_id,
        outcome=data.outcome,
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="meeting.created",
        object_type="meeting",
        object_id=meeting.id,
        summary=f"{data.title} ({data.starts_on.isoformat()})",
    )
    return meeting


def update(*, session: Session, meeting: Meeting, user: User, data: MeetingUpdate) -> Meeting:
    require(user, Action.MANAGE_MEETINGS)
    document = session.get(Document, meeting.document_id)
    assert document is not None
    for field in data.model_fields_set:
        if field == "draft_id":
            _check_draft(session, document, data.draft_id)
        setattr(meeting, field, getattr(data, field))
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="meeting.updated",
        object_type="meeting",
        object_id=meeting.id,
        summary=", ".join(sorted(data.model_fields_set)),
    )
    return meeting


def get(*, session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


def list_for(*, session: Session, document: Document) -> Sequence[Meeting]:
    return session.scalars(
        select(Meeting)
        .where(Meeting.document_id == document.id)
        .order_by(Meeting.starts_on, Meeting.id)
    ).all()


def read(*, session: Session, meeting: Meeting) -> MeetingRead:
    slug = session.scalar(select(Document.slug).where(Document.id == meeting.document_id))
    decided = session.scalars(
        select(Proposal.id).where(Proposal.meeting_id == meeting.id).order_by(Proposal.id)
    ).all()
    return MeetingRead(
        id=meeting.id,
        document=slug or "",
        title=meeting.title,
        starts_on=meeting.starts_on,
        ends_on=meeting.ends_on,
        format=meeting.format.value,
        venue=meeting.venue,
        agenda=meeting.agenda,
        draft_id=meeting.draft_id,
        outcome=meeting.outcome,
        proposal_ids=list(decided),
        created_at=meeting.created_at,
    )
