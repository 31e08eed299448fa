"""HTTP routes of meetings."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.db import SessionDep
from app.deps import CurrentUser, IdPath
from app.documents import service as documents
from app.errors import Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from app.meetings import service
from app.meetings.schemas import MeetingCreate, MeetingRead, MeetingUpdate

router = APIRouter(prefix="/api", tags=["meetings"])
ERRORS = error_responses(Unauthorized, Forbidden, NotFound, InvalidInput)


@router.post(
    "/documents/{slug}/meetings",
    response_model=MeetingRead,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def create_meeting(
    slug: str, payload: MeetingCreate, session: SessionDep, user: CurrentUser
) -> MeetingRead:
    """Record a meeting: dates, format, venue, agenda, the draft circulated for it (chair)."""
    doc = documents.get_document(session=session, slug=slug)
    meeting = service.create(session=session, document=doc, user=user, data=payload)
    return service.read(session=session, meeting=meeting)


@router.get("/documents/{slug}/meetings", response_model=list[MeetingRead], responses=ERRORS)
def list_meetings(slug: str, session: SessionDep, user: CurrentUser) -> list[MeetingRead]:
    """The document's meetings, oldest first."""
    doc = documents.get_document(session=session, slug=slug)
    return [
        service.read(session=session, meeting=m)
        for m in service.list_for(session=session, document=doc)
    ]


@router.get("/meetings/{meeting_id}", response_model=MeetingRead, responses=ERRORS)
def get_meeting(meeting_id: IdPath, session: SessionDep, user: CurrentUser) -> MeetingRead:
    """One meeting, with the proposals decided at it."""
    return service.read(
        session=session, meeting=service.get(session=session, meeting_id=meeting_id)
    )


@router.patch("/meetings/{meeting_id}", response_model=MeetingRead, responses=ERRORS)
def update_meeting(
    meeting_id: IdPath, payload: MeetingUpdate, session: SessionDep, user: CurrentUser
) -> MeetingRead:
    """Record the outcome, agenda or circulated draft of a meeting (chair)."""
    meeting = service.get(session=session, meeting_id=meeting_id)
    service.update(session=session, meeting=meeting, user=user, data=payload)
    return service.read(session=session, meeting=meeting)
