"""Exports of a draft: the builders' records filled from the database.

The route and the command line call the same functions: ``export_draft``
(Markdown, HTML, DOCX, Akoma Ntoso; with ``changes_since`` a redline whose
changes are credited by ``attribution``) and ``compile_proposals`` (the
compilation table). Each returns an :class:`ExportFile`; ``progress`` is
called once per section, for the command line's progress bar.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.policy import Action, require
from app.core.diff import word_diff
from app.core.markdown import render_markdown
from app.delegations.models import Delegation
from app.documents.models import Document
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.errors import InvalidInput
from app.exports import builders
from app.exports.builders import (
    Change,
    CompilationProposal,
    CompilationRow,
    ExportMeta,
    ExportSection,
    RedlineSection,
)
from app.exports.history import proposal_notes, redline_sections
from app.exports.schemas import DOCX_MEDIA_TYPE as DOCX
from app.exports.schemas import CompilationFormat, ExportFormat
from app.proposals import service as proposals
from app.proposals.models import Proposal, ProposalKind, ProposalStatus
from app.visibility import public_proposals

Progress = Callable[[], None]
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": DOCX,
    "akn": "application/akn+xml",
}
EXTENSIONS = {"md": "md", "html": "html", "docx": "docx", "akn": "akn.xml"}


@dataclass(frozen=True)
class ExportFile:
    """A file to download."""

    content: bytes
    media_type: str
    filename: str


def exportable_draft(*, session: Session, draft_id: int, user: User) -> Draft:
    """The draft if the user may see and export it (404, 403)."""
    draft = drafts.get_draft(session=session, draft_id=draft_id, user=user)
    require(user, Action.EXPORT)
    return draft


def compilable_draft(*, session: Session, draft_id: int, user: User) -> Draft:
    """The draft if the user may prepare its compilation: chairs and coordinators."""
    draft = drafts.get_draft(session=session, draft_id=draft_id, user=user)
    require(user, Action.COMPILE)
    return draft


@dataclass(frozen=True)
class Furnishing:
    """Options of a download beyond its format (see ``RedlineOptions``).

    ``line_numbers``: numbered lines (Word) or paragraphs (HTML) for a meeting;
    ``comments``: in a Word redline, a comment per proposal with its rationale
    and supporters; ``threads``: the chair's note and the discussion as
    replies; ``protect``: the reader may edit only with changes tracked.
    """

    line_numbers: bool = False
    comments: bool = True
    threads: bool = False
    protect: bool = False


def meta_for(*, session: Session, draft: Draft, line_numbers: bool = False) -> ExportMeta:
    """Title block and page header of a draft's exports."""
    document = session.get(Document, draft.document_id)
    assert document is not None
    when = draft.circulated_at or draft.created_at
    return ExportMeta(
        document_title=document.title,
        reference=draft.reference,
        label=draft.label,
        date=when.date(),
        line_numbers=line_numbers,
    )


def slugify(text: str) -> str:
    """``"Rev.1"`` → ``"rev-1"``: ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def filename_for(*, session: Session, draft: Draft, ext: str, suffix: str = "") -> str:
    """``bpg-1540-rev-1.docx``: the document slug, the draft label, a suffix."""
    slug = session.scalar(select(Document.slug).where(Document.id == draft.document_id)) or ""
    stem = "-".join(p for p in (slugify(slug), slugify(draft.label), suffix) if p)
    return f"{stem or f'draft-{draft.id}'}.{ext}"


def export_sections(
    *, session: Session, draft: Draft, html: bool, progress: Progress | None = None
) -> list[ExportSection]:
    """The draft's pinned sections in reading order (``body_html`` rendered if asked)."""
    out = []
    for row, rev in drafts.pinned(session=session, draft=draft):
        out.append(
            ExportSection(
                id=row.section_id,
                number=row.number,
                title=rev.title,
                level=row.level,
                body=rev.body,
                body_html=render_markdown(rev.body) if html else "",
            )
        )
        if progress:
            progress()
    return out


def export_draft(
    *,
    session: Session,
    draft: Draft,
    fmt: ExportFormat,
    changes_since: Draft | None = None,
    furnishing: Furnishing | None = None,
    progress: Progress | None = None,
) -> ExportFile:
    """The draft as a file; with ``changes_since``, a redline (DOCX or HTML only)."""
    furnishing = furnishing or Furnishing()
    meta = meta_for(session=session, draft=draft, line_numbers=furnishing.line_numbers)
    if changes_since is not None:
        return _redline(session, draft, changes_since, fmt, meta, furnishing, progress)
    sections = export_sections(session=session, draft=draft, html=fmt == "html", progress=progress)
    content: bytes
    if fmt == "md":
        content = builders.build_markdown(meta, sections).encode()
    elif fmt == "html":
        content = builders.build_html(meta, sections).encode()
    elif fmt == "docx":
        content = builders.build_docx(meta, sections)
    else:
        content = builders.build_akn(meta, sections).encode()
    name = filename_for(session=session, draft=draft, ext=EXTENSIONS[fmt])
    return ExportFile(content, MEDIA_TYPES[fmt], name)


def _redline(
    session: Session,
    draft: Draft,
    since: Draft,
    fmt: ExportFormat,
    meta: ExportMeta,
    furnishing: Furnishing,
    progress: Progress | None,
) -> ExportFile:
    if fmt not in ("docx", "html"):
        raise InvalidInput("changes_since is available for the docx and html formats only")
    if since.document_id != draft.document_id:
        raise InvalidInput(f"draft {since.id} is a draft of another document")
    sections = redline_sections(session=session, old=since, new=draft, progress=progress)
    name = filename_for(session=session, draft=draft, ext=fmt, suffix="changes")
    if fmt == "docx":
        credited = {pid for s in sections for c in s.changes for pid in c.sources}
        options = builders.RedlineOptions(
            notes=proposal_notes(session, sorted(credited)) if furnishing.comments else {},
            threads=furnishing.threads,
            protect=furnishing.protect,
        )
        return ExportFile(builders.build_docx_redline(meta, sections, options), DOCX, name)
    html = builders.build_html_redline(meta, [_rendered_if_unchanged(s) for s in sections])
    return ExportFile(html.encode(), MEDIA_TYPES["html"], name)


def _rendered_if_unchanged(section: RedlineSection) -> RedlineSection:
    # Unchanged sections read as text; changed ones show the coloured source redline.
    if section.status != "unchanged":
        return section
    return RedlineSection(
        section.id,
        section.number,
        section.title,
        section.level,
        section.changes,
        section.status,
        render_markdown(section.new_body),
    )


DEFAULT_COMPILED = (ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED)


@dataclass(frozen=True)
class CompilationFilter:
    """Which proposals a compilation lists.

    ``statuses``: pending (submitted) and accepted-not-yet-merged by default;
    ``since``: only proposals submitted after that draft was circulated (or
    made, if it never was); ``delegation``: only that delegation's proposals.
    """

    statuses: tuple[ProposalStatus, ...] = DEFAULT_COMPILED
    since: Draft | None = None
    delegation: str | None = None


def compile_proposals(
    *,
    session: Session,
    draft: Draft,
    fmt: CompilationFormat,
    which: CompilationFilter | None = None,
    progress: Progress | None = None,
) -> ExportFile:
    """The compilation table: a row per paragraph the chosen proposals change."""
    meta = meta_for(session=session, draft=draft)
    rows = compilation_rows(
        session=session, draft=draft, which=which or CompilationFilter(), progress=progress
    )
    name = filename_for(session=session, draft=draft, ext=fmt, suffix="compilation")
    if fmt == "docx":
        return ExportFile(builders.build_compilation_docx(meta, rows), DOCX, name)
    return ExportFile(
        builders.build_compilation_html(meta, rows).encode(), MEDIA_TYPES["html"], name
    )


def compilation_rows(
    *,
    session: Session,
    draft: Draft,
    which: CompilationFilter,
    progress: Progress | None = None,
) -> list[CompilationRow]:
    """Every pinned section with the chosen proposals anyone may read, oldest first."""
    sections = export_sections(session=session, draft=draft, html=False)
    query = select(Proposal).where(
        Proposal.section_id.in_([s.id for s in sections]),
        public_proposals(),
        Proposal.status.in_(which.statuses),
    )
    if which.since is not None:
        since = which.since.circulated_at or which.since.created_at
        query = query.where(Proposal.submitted_at > since)
    if which.delegation:
        query = query.join(Delegation, Delegation.id == Proposal.delegation_id).where(
            Delegation.code == which.delegation
        )
    found = session.scalars(query.order_by(Proposal.id)).all()
    by_section: dict[int, list[CompilationProposal]] = defaultdict(list)
    for entry in _compiled(session, found):
        by_section[entry[0]].append(entry[1])
    rows = []
    for section in sections:
        rows.append(CompilationRow(section, tuple(by_section.get(section.id, ()))))
        if progress:
            progress()
    return rows


def _compiled(
    session: Session, found: Sequence[Proposal]
) -> Iterable[tuple[int, CompilationProposal]]:
    if not found:
        return
    versions = proposals.current_versions(session=session, proposals=found)
    bases = proposals.base_bodies(
        session=session, keys=[(p.section_id, versions[p.id].base_revision) for p in found]
    )
    supporters = proposals.supporters(session=session, proposal_ids=[p.id for p in found])
    counts = proposals.comment_counts(
        session=session, proposal_ids=[p.id for p in found], viewer=None
    )
    for p in found:
        assert p.section_id is not None
        version = versions[p.id]
        base = bases.get((p.section_id, version.base_revision or 0), "")
        new = "" if p.kind == ProposalKind.DELETE else version.body
        code = p.delegation.code
        yield (
            p.section_id,
            CompilationProposal(
                id=p.id,
                delegation=code,
                supporters=tuple(supporters.get(p.id, ())),
                status=p.status.value,
                rationale=version.rationale,
                changes=_changes(base, new, code, version.created_at),
                comment_count=counts.get(p.id, 0),
                decision_note=p.decision_note,
            ),
        )


def _changes(base: str, new: str, code: str, when: datetime) -> tuple[Change, ...]:
    return tuple(
        Change(op.op, op.text, "" if op.op == "equal" else code, None if op.op == "equal" else when)
        for op in word_diff(base, new)
    )
