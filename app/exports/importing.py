"""Word files back into proposals: one section's, or every changed section of a draft.

A delegation edits an exported draft in Word, with tracked changes or by
simply retyping, and uploads it. ``parse_docx`` reads the file with every
tracked change accepted; each section is compared with the revision *the
draft pins*, both seen through the same Markdown → Word → Markdown mapping
(the pinned text is exported with ``build_docx`` and read back), so
formatting that mapping loses (link targets, escapes …) is not a change.

A changed section becomes a proposal of the uploader's delegation against
the pinned revision. Its text is the file's change carried onto the pinned
Markdown by the three-way merge (base: the pinned text as Word shows it,
proposal: the file's text), so untouched passages keep their Markdown
exactly; if that change cannot be carried cleanly, the file's text is taken
as it is.

Every check (file type, size, damage, hostile archives: see the limits in
``builders.docx_import``, the document it belongs to, unknown or repeated
sections, nothing changed, text limits) runs before the first proposal is
written, and the caller's single transaction covers the rest:
nothing is ever half-imported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.policy import Action, require
from app.config import Settings
from app.core.merge import ProposalInput, merge
from app.documents import service as documents
from app.documents.models import Document, SectionRevision
from app.drafts import service as drafts
from app.drafts.models import Draft, DraftSection
from app.errors import InvalidInput, NotFound, PayloadTooLarge
from app.exports.builders import (
    DocxImportError,
    ExportSection,
    ImportedDocument,
    ImportedSection,
    build_docx,
    parse_docx,
)
from app.exports.schemas import DOCX_UPLOAD_TYPES
from app.exports.service import meta_for
from app.proposals import service as proposals
from app.proposals.models import Proposal
from app.proposals.schemas import ProposalCreate

Pinned = tuple[DraftSection, SectionRevision]


@dataclass(frozen=True)
class Revised:
    """A section whose text in the file differs from the revision the draft pins."""

    row: DraftSection
    revision: SectionRevision
    title: str | None
    body: str


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and the content type the client declared."""

    data: bytes
    content_type: str | None = None


def _read(
    session: Session, draft: Draft, user: User, upload: Upload, settings: Settings
) -> ImportedDocument:
    require(user, Action.PROPOSE)
    imported = read_docx(upload.data, content_type=upload.content_type, settings=settings)
    check_belongs(session=session, imported=imported, draft=draft)
    return imported


def read_docx(data: bytes, *, content_type: str | None, settings: Settings) -> ImportedDocument:
    """The uploaded file parsed, or 413/422 saying why it cannot be read."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in DOCX_UPLOAD_TYPES:
        raise InvalidInput(f"expected a Word .docx file, got a file of type '{kind}'")
    if len(data) > settings.max_request_bytes:
        raise PayloadTooLarge(f"the file exceeds {settings.max_request_bytes} bytes")
    try:
        return parse_docx(data)
    except DocxImportError as exc:
        raise InvalidInput(exc.message) from None


def check_belongs(*, session: Session, imported: ImportedDocument, draft: Draft) -> None:
    """422 unless the file's reference (and title) are the draft's."""
    if draft.reference and imported.reference and imported.reference != draft.reference:
        raise InvalidInput(
            f"the file belongs to another document: its reference is '{imported.reference}', "
            f"draft {draft.id} ({draft.label}) is '{draft.reference}'"
        )
    title = session.get(Document, draft.document_id)
    if title is not None and imported.title and imported.title != title.title.strip():
        raise InvalidInput(f"the file belongs to another document: its title is '{imported.title}'")


def import_section(
    *,
    session: Session,
    draft: Draft,
    section_id: int,
    user: User,
    upload: Upload,
    rationale: str,
    settings: Settings,
) -> Proposal:
    """One section's revised text in a Word file → a proposal against the draft's revision."""
    found = revised_section(
        session=session,
        draft=draft,
        section_id=section_id,
        user=user,
        upload=upload,
        settings=settings,
    )
    return propose_revised(
        session=session, user=user, found=[found], rationale=rationale, settings=settings
    )[0]


def revised_section(
    *,
    session: Session,
    draft: Draft,
    section_id: int,
    user: User,
    upload: Upload,
    settings: Settings,
) -> Revised:
    """Read-only: the file parsed and compared with the section the draft pins.

    The slow part of an import (parsing, a Word round trip of the pinned text,
    the word diff); routes run it before their write transaction opens.
    """
    imported = _read(session, draft, user, upload, settings)
    pinned = {
        row.section_id: (row, rev) for row, rev in drafts.pinned(session=session, draft=draft)
    }
    if section_id not in pinned:
        raise NotFound(f"section {section_id} is not in draft {draft.id} ({draft.label})")
    row, rev = pinned[section_id]
    got = _pick(imported, row.number)
    normal = _normalised(session, draft, [(row, rev)])[row.number]
    revised = _revised(row, rev, normal, got)
    if revised is None:
        raise InvalidInput(
            f"the file changes nothing in section {row.number} of {draft.label}"
            " (compared with the text the draft pins)"
        )
    return revised


def import_document(
    *,
    session: Session,
    draft: Draft,
    user: User,
    upload: Upload,
    rationale: str,
    settings: Settings,
    progress: Callable[[], None] | None = None,
) -> list[Proposal]:
    """A whole revised draft → one proposal per changed section, all or nothing."""
    found = revised_sections(
        session=session,
        draft=draft,
        user=user,
        upload=upload,
        settings=settings,
        progress=progress,
    )
    return propose_revised(
        session=session, user=user, found=found, rationale=rationale, settings=settings
    )


def revised_sections(
    *,
    session: Session,
    draft: Draft,
    user: User,
    upload: Upload,
    settings: Settings,
    progress: Callable[[], None] | None = None,
) -> list[Revised]:
    """Read-only: every section the file changes, compared with what the draft pins."""
    imported = _read(session, draft, user, upload, settings)
    if not imported.sections:
        raise InvalidInput("the file has no numbered sections; import it on one section instead")
    by_number = {row.number: (row, rev) for row, rev in drafts.pinned(session=session, draft=draft)}
    numbers = [s.number for s in imported.sections]
    repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if repeated:
        raise InvalidInput(f"the file has section(s) {_listed(repeated)} more than once")
    unknown = [n for n in numbers if n not in by_number]
    if unknown:
        raise InvalidInput(
            f"section(s) {_listed(unknown)} of the file are not in {draft.label}; "
            "propose new sections with POST /api/documents/{slug}/proposals"
        )
    normal = _normalised(session, draft, [by_number[n] for n in numbers])
    found = []
    for got in imported.sections:
        row, rev = by_number[got.number]
        revised = _revised(row, rev, normal[got.number], got)
        if revised is not None:
            found.append(revised)
        if progress:
            progress()
    if not found:
        raise InvalidInput(f"the file changes nothing in {draft.label}")
    return found


def _listed(numbers: Sequence[str], most: int = 20) -> str:
    """Section numbers for a message: the first ``most`` of them, then how many in all."""
    shown = ", ".join(numbers[:most])
    return shown if len(numbers) <= most else f"{shown} … ({len(numbers)} in all)"


def _pick(imported: ImportedDocument, number: str) -> ImportedSection:
    matches = [s for s in imported.sections if s.number == number]
    if len(matches) > 1:
        raise InvalidInput(f"the file has section {number} more than once")
    if matches:
        return matches[0]
    preamble = imported.preamble
    has_preamble = preamble is not None and preamble.body_accepted.strip() != ""
    if len(imported.sections) == 1 and not has_preamble:
        return imported.sections[0]
    if not imported.sections and preamble is not None:
        return preamble
    raise InvalidInput(f"the file has no section {number}")


def _normalised(
    session: Session, draft: Draft, pinned: Sequence[Pinned]
) -> dict[str, ImportedSection]:
    """The pinned sections as they read after a trip through Word."""
    sections = [
        ExportSection(row.section_id, row.number, rev.title, row.level, rev.body)
        for row, rev in pinned
    ]
    parsed = parse_docx(build_docx(meta_for(session=session, draft=draft), sections))
    return {s.number: s for s in parsed.sections}


def _revised(
    row: DraftSection, rev: SectionRevision, normal: ImportedSection, got: ImportedSection
) -> Revised | None:
    title = got.title.strip() if got.level else ""
    new_title = title if title and title != normal.title else None
    if got.body_accepted == normal.body_accepted and new_title is None:
        return None
    body = rev.body
    if got.body_accepted != normal.body_accepted:
        body = _carried(rev.body, normal.body_accepted, got.body_accepted)
    if body == rev.body and new_title in (None, rev.title):
        return None
    return Revised(row, rev, new_title, body)


def _carried(pinned: str, seen: str, revised: str) -> str:
    """The change ``seen`` → ``revised`` applied to the pinned Markdown, if it applies cleanly."""
    result = merge(pinned, [ProposalInput(proposal_id=0, delegation="", base=seen, text=revised)])
    return result.text() if result.clean else revised


def propose_revised(
    *,
    session: Session,
    user: User,
    found: Sequence[Revised],
    rationale: str,
    settings: Settings,
) -> list[Proposal]:
    """The writes of an import: one proposal per revised section, in the caller's transaction."""
    try:
        data = [
            ProposalCreate(
                base_revision=r.revision.number, body=r.body, title=r.title, rationale=rationale
            )
            for r in found
        ]
    except ValidationError as exc:
        raise InvalidInput(
            f"the file's text cannot be proposed: {exc.errors()[0]['msg']}"
        ) from None
    for r, d in zip(found, data, strict=True):
        documents.check_text(title=d.title or r.revision.title, body=d.body, settings=settings)
    return [
        proposals.create_amendment(
            session=session, section_id=r.row.section_id, user=user, data=d, settings=settings
        )
        for r, d in zip(found, data, strict=True)
    ]
