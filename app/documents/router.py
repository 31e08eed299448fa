"""HTTP routes of documents, sections, revisions and diffs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.policy import Action, require
from app.core.diff import ops_as_dicts, word_diff
from app.core.markdown import render_markdown
from app.core.redline import redline_html, redline_ops_html
from app.db import SessionDep
from app.deps import CurrentUser, IdPath, SettingsDep
from app.documents import service
from app.documents.models import Section, SectionRevision
from app.documents.schemas import (
    DocumentDetail,
    DocumentRead,
    RevisionRead,
    SectionCreate,
    SectionDiff,
    SectionRead,
    SectionSummary,
    SectionUpdate,
)
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
    error_responses,
)
from app.schemas import MAX_ID

router = APIRouter(prefix="/api", tags=["documents"])
RevisionQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
READ_ERRORS = error_responses(Unauthorized, NotFound)


def section_read(section: Section, rev: SectionRevision, document_slug: str) -> SectionRead:
    return SectionRead(
        id=section.id,
        document=document_slug,
        number=section.number,
        title=rev.title,
        body=rev.body,
        body_html=render_markdown(rev.body),
        revision=rev.number,
        head=section.head,
        parent_id=section.parent_id,
        op_tag=section.op_tag,
        updated_at=rev.created_at,
        delegation=rev.delegation.code if rev.delegation else None,
        etag=service.etag(section.id, rev),
    )


@router.get("/documents", response_model=list[DocumentRead], responses=READ_ERRORS)
def list_documents(session: SessionDep, user: CurrentUser) -> list[DocumentRead]:
    """Every document."""
    return [DocumentRead.model_validate(d) for d in service.list_documents(session=session)]


@router.get("/documents/{slug}", response_model=DocumentDetail, responses=READ_ERRORS)
def get_document(slug: str, session: SessionDep, user: CurrentUser) -> DocumentDetail:
    """One document with its sections in reading order."""
    doc = service.get_document(session=session, slug=slug)
    sections = [
        SectionSummary(
            id=e.section.id,
            number=e.section.number,
            title=e.revision.title,
            revision=e.revision.number,
            parent_id=e.section.parent_id,
            op_tag=e.section.op_tag,
            level=e.level,
        )
        for e in service.outline(session=session, document=doc)
    ]
    return DocumentDetail(id=doc.id, slug=doc.slug, title=doc.title, sections=sections)


@router.post(
    "/documents/{slug}/sections",
    response_model=SectionRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(Unauthorized, Forbidden, NotFound, InvalidInput, PayloadTooLarge),
)
def create_section(
    slug: str,
    payload: SectionCreate,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    response: Response,
) -> SectionRead:
    """Add a section (chair): under ``parent_id``, after ``after_id``, else last."""
    require(user, Action.CREATE_SECTION)
    doc = service.get_document(session=session, slug=slug)
    section, rev = service.create_section(
        session=session,
        document=doc,
        title=payload.title,
        body=payload.body,
        parent_id=payload.parent_id,
        after_id=payload.after_id,
        op_tag=payload.op_tag,
        message=payload.message,
        user=user,
        settings=settings,
    )
    response.headers["ETag"] = service.etag(section.id, rev)
    response.headers["Location"] = f"/api/sections/{section.id}"
    return section_read(section, rev, doc.slug)


@router.get("/sections/{section_id}", response_model=SectionRead, responses=READ_ERRORS)
def get_section(
    section_id: IdPath,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
    revision: RevisionQuery = None,
) -> SectionRead:
    """A section at its current revision, or at ``?revision=N``; the ETag names the revision."""
    section = service.get_section(session=session, section_id=section_id)
    rev = service.get_revision(session=session, section=section, number=revision)
    response.headers["ETag"] = service.etag(section.id, rev)
    return section_read(section, rev, section.document.slug)


@router.put(
    "/sections/{section_id}",
    response_model=SectionRead,
    responses=error_responses(
        Unauthorized,
        Forbidden,
        NotFound,
        PreconditionFailed,
        PreconditionRequired,
        InvalidInput,
        PayloadTooLarge,
    ),
)
def put_section(
    section_id: IdPath,
    payload: SectionUpdate,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    response: Response,
    if_match: Annotated[str | None, Header(description="ETag of the revision you edited")] = None,
) -> SectionRead:
    """Edit a section directly (chair); requires ``If-Match`` with the current ETag."""
    require(user, Action.EDIT_SECTION)
    if not if_match:
        raise PreconditionRequired(
            "If-Match header required: send the ETag of the revision you edited"
        )
    section, rev = service.edit_section(
        session=session,
        section_id=section_id,
        if_match=if_match,
        title=payload.title,
        body=payload.body,
        message=payload.message,
        user=user,
        settings=settings,
    )
    response.headers["ETag"] = service.etag(section.id, rev)
    return section_read(section, rev, section.document.slug)


@router.get(
    "/sections/{section_id}/revisions", response_model=list[RevisionRead], responses=READ_ERRORS
)
def list_revisions(
    section_id: IdPath, session: SessionDep, user: CurrentUser
) -> list[RevisionRead]:
    """The section's history, oldest first."""
    section = service.get_section(session=session, section_id=section_id)
    return [
        RevisionRead(
            number=r.number,
            title=r.title,
            author=r.author.username if r.author else None,
            created_at=r.created_at,
            delegation=r.delegation.code if r.delegation else None,
            message=r.message,
            source=r.source,
            sha256=r.sha256,
        )
        for r in service.list_revisions(session=session, section=section)
    ]


@router.get("/sections/{section_id}/diff", response_model=SectionDiff, responses=READ_ERRORS)
def diff_revisions(
    section_id: IdPath,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> SectionDiff:
    """Word-level diff between two revisions, as a redline (``html``) and as ``ops``."""
    section = service.get_section(session=session, section_id=section_id)
    old = service.get_revision(session=session, section=section, number=from_)
    new = service.get_revision(session=session, section=section, number=to)
    timeout = settings.diff_timeout_seconds
    ops = word_diff(old.body, new.body, timeout=timeout)
    return SectionDiff(
        section_id=section.id,
        from_revision=old.number,
        to_revision=new.number,
        title_html=redline_ops_html(word_diff(old.title, new.title, timeout=timeout)),
        html=redline_html(old.body, new.body, timeout=timeout),
        ops=ops_as_dicts(ops),
    )
