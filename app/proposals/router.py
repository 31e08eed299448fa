"""HTTP routes of proposals: create, read, revise, submit, withdraw, support, decide."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status

from app.core.redline import redline_html
from app.db import SessionDep, end_writes
from app.deps import CurrentUser, IdPath, SettingsDep
from app.documents import service as documents
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    StateConflict,
    Unauthorized,
    error_responses,
)
from app.proposals import service, views
from app.proposals.models import Proposal, ProposalStatus
from app.proposals.schemas import (
    Decision,
    NewSectionProposal,
    ProposalCreate,
    ProposalGroups,
    ProposalRead,
    ProposalRevise,
    ProposalVersionRead,
    RedlineRead,
    RedlineRequest,
)
from app.schemas import MAX_ID

router = APIRouter(prefix="/api", tags=["proposals"])
WRITE_ERRORS = error_responses(
    Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput, PayloadTooLarge
)
READ_ERRORS = error_responses(Unauthorized, NotFound)


def visible_proposal(proposal_id: IdPath, session: SessionDep, user: CurrentUser) -> Proposal:
    """The path's proposal if the user may see it, else 404."""
    return service.get_visible(session=session, proposal_id=proposal_id, user=user)


ProposalDep = Annotated[Proposal, Depends(visible_proposal)]
StatusQuery = Annotated[ProposalStatus | None, Query()]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


@router.post(
    "/sections/{section_id}/proposals",
    response_model=ProposalRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_proposal(
    section_id: IdPath,
    payload: ProposalCreate,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> ProposalRead:
    """Propose a new text for a section (or its deletion) against ``base_revision``."""
    proposal = service.create_amendment(
        session=session, section_id=section_id, user=user, data=payload, settings=settings
    )
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post(
    "/documents/{slug}/proposals",
    response_model=ProposalRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def propose_section(
    slug: str,
    payload: NewSectionProposal,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> ProposalRead:
    """Propose a new section, placed under ``parent_id`` after ``after_id``."""
    doc = documents.get_document(session=session, slug=slug)
    proposal = service.create_addition(
        session=session, document=doc, user=user, data=payload, settings=settings
    )
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.get(
    "/sections/{section_id}/proposals",
    response_model=list[ProposalRead] | ProposalGroups,
    responses=READ_ERRORS,
)
def section_proposals(
    section_id: IdPath,
    session: SessionDep,
    user: CurrentUser,
    status: StatusQuery = None,
    delegation: Annotated[str | None, Query(max_length=8)] = None,
    group: Annotated[Literal["competing"] | None, Query()] = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> list[ProposalRead] | ProposalGroups:
    """A section's proposals; ``group=competing`` puts competing ones side by side."""
    documents.get_section(session=session, section_id=section_id)
    proposals = service.list_proposals(
        session=session,
        user=user,
        section_id=section_id,
        delegation=delegation,
        status=status,
        limit=limit,
        offset=offset,
    )
    groups = service.competing_groups(session=session, section_id=section_id)
    competing = {pid: sorted(g - {pid}) for g in groups for pid in g}
    reads = views.read_many(session=session, proposals=proposals, viewer=user, competing=competing)
    if group != "competing":
        return reads
    by_id = {r.id: r for r in reads}
    grouped = [[by_id[i] for i in sorted(g) if i in by_id] for g in groups]
    grouped = [g for g in grouped if g]
    seen = {r.id for g in grouped for r in g}
    return ProposalGroups(groups=grouped + [[r] for r in reads if r.id not in seen])


@router.get("/proposals", response_model=list[ProposalRead], responses=READ_ERRORS)
def list_proposals(
    session: SessionDep,
    user: CurrentUser,
    section_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    delegation: Annotated[str | None, Query(max_length=8)] = None,
    status: StatusQuery = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ProposalRead]:
    """Proposals visible to you, newest first; filter by section, delegation, status."""
    proposals = service.list_proposals(
        session=session,
        user=user,
        section_id=section_id,
        delegation=delegation,
        status=status,
        limit=limit,
        offset=offset,
    )
    return views.read_many(session=session, proposals=proposals, viewer=user)


@router.get("/proposals/{proposal_id}", response_model=ProposalRead, responses=READ_ERRORS)
def get_proposal(proposal: ProposalDep, session: SessionDep, user: CurrentUser) -> ProposalRead:
    """One proposal, with the pending proposals that compete with it."""
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.get(
    "/proposals/{proposal_id}/versions",
    response_model=list[ProposalVersionRead],
    responses=READ_ERRORS,
)
def proposal_versions(
    proposal: ProposalDep, session: SessionDep, user: CurrentUser
) -> list[ProposalVersionRead]:
    """The proposal's versions you may read, oldest first, each as a redline against its base."""
    return views.versions(session=session, proposal=proposal, viewer=user)


@router.post("/proposals/{proposal_id}/revise", response_model=ProposalRead, responses=WRITE_ERRORS)
def revise_proposal(
    proposal: ProposalDep,
    payload: ProposalRevise,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> ProposalRead:
    """A new version of your delegation's proposal (draft or submitted)."""
    service.revise(session=session, proposal=proposal, user=user, data=payload, settings=settings)
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post("/proposals/{proposal_id}/submit", response_model=ProposalRead, responses=WRITE_ERRORS)
def submit_proposal(proposal: ProposalDep, session: SessionDep, user: CurrentUser) -> ProposalRead:
    """Submit your delegation's draft; the response lists competing proposals."""
    service.submit(session=session, proposal=proposal, user=user)
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post(
    "/proposals/{proposal_id}/withdraw", response_model=ProposalRead, responses=WRITE_ERRORS
)
def withdraw_proposal(
    proposal: ProposalDep, session: SessionDep, user: CurrentUser
) -> ProposalRead:
    """Withdraw your delegation's proposal (before a decision)."""
    service.withdraw(session=session, proposal=proposal, user=user)
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post(
    "/proposals/{proposal_id}/decision", response_model=ProposalRead, responses=WRITE_ERRORS
)
def decide_proposal(
    proposal: ProposalDep, payload: Decision, session: SessionDep, user: CurrentUser
) -> ProposalRead:
    """Accept or reject a submitted proposal, with a note (chair)."""
    service.decide(session=session, proposal=proposal, user=user, data=payload)
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post(
    "/proposals/{proposal_id}/support", response_model=ProposalRead, responses=WRITE_ERRORS
)
def support_proposal(proposal: ProposalDep, session: SessionDep, user: CurrentUser) -> ProposalRead:
    """Co-sponsor another delegation's proposal."""
    service.support(session=session, proposal=proposal, user=user)
    end_writes(session)
    return views.read_one(session=session, proposal=proposal, viewer=user)


@router.post("/redline", response_model=RedlineRead, responses=error_responses(Unauthorized))
def preview_redline(payload: RedlineRequest, user: CurrentUser) -> RedlineRead:
    """Redline of two Markdown texts (the live preview while editing a proposal)."""
    return RedlineRead(html=redline_html(payload.old, payload.new))
