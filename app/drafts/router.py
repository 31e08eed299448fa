"""HTTP routes of drafts: snapshot, circulate, read, compare, agreement, silence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.db import SessionDep
from app.deps import ClockDep, CurrentUser, IdPath
from app.documents import service as documents
from app.drafts import service, views
from app.drafts.models import Draft
from app.drafts.schemas import (
    AgreementUpdate,
    DraftComparison,
    DraftCreate,
    DraftRead,
    DraftSummary,
    ObjectionCreate,
    SilenceStart,
)
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    Unauthorized,
    error_responses,
)

router = APIRouter(prefix="/api", tags=["drafts"])
READ_ERRORS = error_responses(Unauthorized, Forbidden, NotFound)
WRITE_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput)


def visible_draft(draft_id: IdPath, session: SessionDep, user: CurrentUser) -> Draft:
    return service.get_draft(session=session, draft_id=draft_id, user=user)


DraftDep = Annotated[Draft, Depends(visible_draft)]


@router.post(
    "/documents/{slug}/drafts",
    response_model=DraftRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_draft(
    slug: str, payload: DraftCreate, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> DraftRead:
    """Snapshot the current revision of every section as a draft (chair); optionally circulate."""
    doc = documents.get_document(session=session, slug=slug)
    draft = service.snapshot(
        session=session,
        document=doc,
        user=user,
        label=payload.label,
        reference=payload.reference,
        circulate=payload.circulate,
        now=clock(),
    )
    return views.read(session=session, draft=draft, now=clock())


@router.get("/documents/{slug}/drafts", response_model=list[DraftSummary], responses=READ_ERRORS)
def list_drafts(
    slug: str, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> list[DraftSummary]:
    """The document's drafts you may see, newest first."""
    doc = documents.get_document(session=session, slug=slug)
    return [
        DraftSummary(
            id=d.id,
            label=d.label,
            reference=d.reference,
            status=service.effective_status(d, clock()).value,
            created_at=d.created_at,
        )
        for d in service.list_drafts(session=session, document=doc, user=user)
    ]


@router.get("/drafts/{draft_id}", response_model=DraftRead, responses=READ_ERRORS)
def get_draft(draft: DraftDep, session: SessionDep, clock: ClockDep) -> DraftRead:
    """A draft with its pinned sections, agreement status, objections and provenance."""
    return views.read(session=session, draft=draft, now=clock())


@router.get(
    "/drafts/{draft_id}/compare/{other_id}", response_model=DraftComparison, responses=READ_ERRORS
)
def compare_drafts(
    draft: DraftDep, other_id: IdPath, session: SessionDep, user: CurrentUser
) -> DraftComparison:
    """Per-section redlines from this draft to another, with added, removed and moved sections."""
    other = service.get_draft(session=session, draft_id=other_id, user=user)
    return views.compare(session=session, old=draft, new=other)


@router.post("/drafts/{draft_id}/circulate", response_model=DraftRead, responses=WRITE_ERRORS)
def circulate(
    draft: DraftDep, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> DraftRead:
    """Circulate a working draft (chair); the previously circulated one is superseded."""
    service.circulate_draft(session=session, draft=draft, user=user, now=clock())
    return views.read(session=session, draft=draft, now=clock())


@router.put(
    "/drafts/{draft_id}/sections/{section_id}/agreement",
    response_model=DraftRead,
    responses=WRITE_ERRORS,
)
def set_agreement(
    draft: DraftDep,
    section_id: IdPath,
    payload: AgreementUpdate,
    session: SessionDep,
    user: CurrentUser,
    clock: ClockDep,
) -> DraftRead:
    """Set a section's agreement status in this draft (chair)."""
    service.set_agreement(
        session=session, draft=draft, section_id=section_id, agreement=payload.agreement, user=user
    )
    return views.read(session=session, draft=draft, now=clock())


@router.post("/drafts/{draft_id}/silence", response_model=DraftRead, responses=WRITE_ERRORS)
def start_silence(
    draft: DraftDep, payload: SilenceStart, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> DraftRead:
    """Put a circulated draft under silence until a deadline (chair)."""
    service.start_silence(
        session=session, draft=draft, user=user, deadline=payload.deadline, now=clock()
    )
    return views.read(session=session, draft=draft, now=clock())


@router.post(
    "/drafts/{draft_id}/objections",
    response_model=DraftRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def break_silence(
    draft: DraftDep,
    payload: ObjectionCreate,
    session: SessionDep,
    user: CurrentUser,
    clock: ClockDep,
) -> DraftRead:
    """Break silence with a written objection, before the deadline."""
    service.break_silence(session=session, draft=draft, user=user, text=payload.text, now=clock())
    return views.read(session=session, draft=draft, now=clock())
