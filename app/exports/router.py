"""HTTP routes of exports: draft downloads, redlines, the compilation, Word imports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from app.db import SessionDep
from app.deps import CurrentUser, DatabaseDep, IdPath, SettingsDep
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    StateConflict,
    Unauthorized,
    error_responses,
)
from app.exports import importing, service
from app.exports.schemas import (
    DOCX_MEDIA_TYPE,
    CompilationFormat,
    CompiledStatus,
    ExportFormat,
    ImportedProposalRead,
)
from app.proposals import views as proposal_views
from app.proposals.models import ProposalStatus
from app.proposals.schemas import ProposalRead
from app.schemas import MAX_ID

router = APIRouter(prefix="/api", tags=["exports"])
IMPORT_ERRORS = error_responses(
    Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput, PayloadTooLarge
)


def _file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    ok: dict[int | str, dict[str, Any]] = {
        200: {
            "description": "The file, as an attachment",
            "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types},
        }
    }
    return ok | error_responses(Unauthorized, Forbidden, NotFound, InvalidInput)


def exportable(draft_id: IdPath, session: SessionDep, user: CurrentUser) -> Draft:
    return service.exportable_draft(session=session, draft_id=draft_id, user=user)


def compilable(draft_id: IdPath, session: SessionDep, user: CurrentUser) -> Draft:
    return service.compilable_draft(session=session, draft_id=draft_id, user=user)


def _download(file: service.ExportFile) -> Response:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.get(
    "/drafts/{draft_id}/export",
    response_class=Response,
    responses=_file_responses(*service.MEDIA_TYPES.values()),
)
def export_draft(
    draft: Annotated[Draft, Depends(exportable)],
    session: SessionDep,
    user: CurrentUser,
    fmt: Annotated[ExportFormat, Query(alias="format")] = "docx",
    changes_since: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    line_numbers: Annotated[
        bool, Query(description="Number the lines (docx) or paragraphs (html) for a meeting")
    ] = False,
    comments: Annotated[
        bool, Query(description="Redline docx: a Word comment per proposal with its reasons")
    ] = True,
    threads: Annotated[
        bool, Query(description="Redline docx: the chair's note and discussion as replies")
    ] = False,
    protect: Annotated[
        bool, Query(description="Redline docx: Word allows editing only with changes tracked")
    ] = False,
) -> Response:
    """Download a draft as md, html, docx or akn; with changes_since, a redline (docx, html).

    Every docx and html carries the document symbol, the date and "Original: ENGLISH"; docx
    pages are numbered "Page x of y".
    """
    since = (
        drafts.get_draft(session=session, draft_id=changes_since, user=user)
        if changes_since is not None
        else None
    )
    furnishing = service.Furnishing(line_numbers, comments, threads, protect)
    return _download(
        service.export_draft(
            session=session, draft=draft, fmt=fmt, changes_since=since, furnishing=furnishing
        )
    )


@router.get(
    "/drafts/{draft_id}/compilation",
    response_class=Response,
    responses=_file_responses(service.MEDIA_TYPES["html"], DOCX_MEDIA_TYPE),
)
def compilation(
    draft: Annotated[Draft, Depends(compilable)],
    session: SessionDep,
    user: CurrentUser,
    fmt: Annotated[CompilationFormat, Query(alias="format")] = "html",
    status: Annotated[
        list[CompiledStatus] | None,
        Query(description="Repeatable. Default: submitted (pending) and accepted (not merged)"),
    ] = None,
    since: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Only proposals submitted after this draft went out"),
    ] = None,
    delegation: Annotated[
        str | None,
        Query(min_length=2, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", description="A code"),
    ] = None,
) -> Response:
    """Download the compilation: a row per paragraph the chosen proposals change.

    For chairs and coordinators. Each row gives the paragraph reference (``6.2 ¶3``), the
    current paragraph and each proposal's version of it as a redline coloured by delegation,
    with supporters, rationale, status and the chair's note.
    """
    which = service.CompilationFilter(
        statuses=tuple(ProposalStatus(s) for s in dict.fromkeys(status))
        if status
        else service.DEFAULT_COMPILED,
        since=drafts.get_draft(session=session, draft_id=since, user=user) if since else None,
        delegation=delegation.upper() if delegation else None,
    )
    if which.since is not None and which.since.document_id != draft.document_id:
        raise InvalidInput(f"draft {which.since.id} is a draft of another document")
    return _download(service.compile_proposals(session=session, draft=draft, fmt=fmt, which=which))


@router.post(
    "/sections/{section_id}/proposals/import",
    response_model=ImportedProposalRead,
    status_code=status.HTTP_201_CREATED,
    responses=IMPORT_ERRORS,
)
def import_section(
    section_id: IdPath,
    file: Annotated[UploadFile, File(description="A .docx exported from the draft")],
    draft_id: Annotated[int, Form(ge=1, le=MAX_ID, description="The draft the file came from")],
    database: DatabaseDep,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    rationale: Annotated[str, Form(max_length=20_000)] = "",
) -> ImportedProposalRead:
    """Turn a Word file with this section's revised text into your delegation's proposal.

    The text keeps bold, italic, code, links, lists and headings; tracked
    changes read as accepted. Word comments anchored in the section become
    comments on the proposal (`Word comment by <author>: <text>`, quoting the
    anchored text; replies as replies). `not_carried` lists what the file
    held that could not be carried over: images, tables (imported as plain
    paragraphs), text boxes, footnotes, comments elsewhere in the file …
    """
    upload = _upload(file, settings.max_request_bytes)
    # Parse and compare in a read-only session: the write transaction opens after.
    with database.session(write=False) as reading:
        draft = drafts.get_draft(session=reading, draft_id=draft_id, user=user)
        found = importing.revised_section(
            session=reading,
            draft=draft,
            section_id=section_id,
            user=user,
            upload=upload,
            settings=settings,
        )
    (proposal,) = importing.propose_revised(
        session=session, user=user, found=[found], rationale=rationale, settings=settings
    )
    read = proposal_views.read_one(session=session, proposal=proposal, viewer=user)
    return _with_notes(read, found)


@router.post(
    "/drafts/{draft_id}/import",
    response_model=list[ImportedProposalRead],
    status_code=status.HTTP_201_CREATED,
    responses=IMPORT_ERRORS,
)
def import_document(
    draft_id: IdPath,
    file: Annotated[UploadFile, File(description="A .docx exported from this draft")],
    database: DatabaseDep,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    rationale: Annotated[str, Form(max_length=20_000)] = "",
) -> list[ImportedProposalRead]:
    """Turn a revised Word file of the whole draft into one proposal per changed section.

    All or nothing. Texts keep bold, italic, code, links, lists and headings;
    tracked changes read as accepted. Word comments anchored in a changed
    section become comments on its proposal (`Word comment by <author>:
    <text>`, quoting the anchored text; replies as replies); the comments a
    redline export wrote itself on proposals are not imported again.

    `not_carried` lists what the file held that could not be carried over.
    Each proposal carries its own section's notes ("Section 3.2: an image
    was not imported"); notes about the rest of the file (text before the
    first numbered section, unchanged sections, Word comments with no
    proposal to go on) go on the **first** proposal only, so the notes of all
    returned proposals together list everything once.
    """
    upload = _upload(file, settings.max_request_bytes)
    with database.session(write=False) as reading:
        draft = service.exportable_draft(session=reading, draft_id=draft_id, user=user)
        found = importing.revised_sections(
            session=reading, draft=draft, user=user, upload=upload, settings=settings
        )
    proposals = importing.propose_revised(
        session=session, user=user, found=found, rationale=rationale, settings=settings
    )
    reads = proposal_views.read_many(session=session, proposals=proposals, viewer=user)
    return [_with_notes(read, r) for read, r in zip(reads, found, strict=True)]


def _with_notes(read: ProposalRead, found: importing.Revised) -> ImportedProposalRead:
    return ImportedProposalRead(**read.model_dump(), not_carried=list(found.not_carried))


def _upload(file: UploadFile, limit: int) -> importing.Upload:
    # Read one byte past the limit so an oversized file is refused, not truncated.
    return importing.Upload(file.file.read(limit + 1), file.content_type)
