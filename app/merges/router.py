"""HTTP routes of merges: preview accepted proposals, then commit with resolutions."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.db import SessionDep
from app.deps import ClockDep, CurrentUser, DatabaseDep, IdPath, SettingsDep
from app.documents import service as documents
from app.drafts import views as draft_views
from app.drafts.schemas import DraftRead
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    Unauthorized,
    error_responses,
)
from app.merges import service, views
from app.merges.schemas import MergeCommit, MergeCreate, MergeRead

router = APIRouter(prefix="/api", tags=["merges"])
ERRORS = error_responses(Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput)


@router.post(
    "/documents/{slug}/merges",
    response_model=MergeRead,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
def preview_merge(
    slug: str, payload: MergeCreate, database: DatabaseDep, session: SessionDep, user: CurrentUser
) -> MergeRead:
    """Preview the merge of accepted proposals: clean sections and conflicts (chair)."""
    # Merge in a read-only session; the write transaction only records the preview.
    with database.session(write=False) as reading:
        doc = documents.get_document(session=reading, slug=slug)
        plan = service.plan_preview(
            session=reading, document=doc, user=user, proposal_ids=payload.proposal_ids
        )
    merge = service.record_preview(session=session, document=doc, user=user, plan=plan)
    return views.read(merge, plan)


@router.get("/merges/{merge_id}", response_model=MergeRead, responses=ERRORS)
def get_merge(merge_id: IdPath, session: SessionDep, user: CurrentUser) -> MergeRead:
    """A merge preview (recomputed; chair)."""
    merge = service.get_merge(session=session, merge_id=merge_id, user=user)
    return views.read(merge, service.replan(session=session, merge=merge))


@router.post("/merges/{merge_id}/commit", response_model=DraftRead, responses=ERRORS)
def commit_merge(
    merge_id: IdPath,
    payload: MergeCommit,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    clock: ClockDep,
) -> DraftRead:
    """Commit a previewed merge with a resolution per conflict; returns the new working draft."""
    merge = service.get_merge(session=session, merge_id=merge_id, user=user)
    draft = service.commit(
        session=session,
        merge=merge,
        user=user,
        resolutions=payload.resolutions,
        label=payload.label,
        reference=payload.reference,
        now=clock(),
        settings=settings,
    )
    return draft_views.read(session=session, draft=draft, now=clock())
