"""Word files back into proposals: one section's, or every changed section of a draft.

A delegation edits an exported draft in Word, with tracked changes or by
simply retyping, and uploads it. ``parse_docx`` reads the file with every
tracked change accepted; each section is compared with the revision *the
draft pins*, both seen through the same Markdown → Word → Markdown mapping
(the pinned text is exported with ``build_docx`` and read back), so
formatting that mapping loses (escapes, list start numbers …) is not a change.

A changed section becomes a proposal of the uploader's delegation against
the pinned revision. Its text is the file's change carried onto the pinned
Markdown by the three-way merge (base: the pinned text as Word shows it,
proposal: the file's text), so untouched passages keep their Markdown
exactly; if that change cannot be carried cleanly, the file's text is taken
as it is.

The file's text keeps its formatting (bold, italic, code, links, lists,
headings: see ``builders.docx_import``). Word comments anchored in a
proposed section become comments on its proposal, written by the uploader
in the same transaction: ``Word comment by <author>: <text>``, quoting the
text the comment was anchored on, a reply as a reply to what it answers, a
comment Word marks done resolved; the comments a redline export wrote
itself (``_Echoes``) are left out. Whatever could not be carried over is
said in ``Revised.not_carried``, one readable note each ("Section 3.2: an
image was not imported", "2 Word comments outside any section were not
imported"): a section's own notes go with its proposal; notes about the
rest of the file (content before the first section, sections whose text is
unchanged, comments with no proposal to go on) go with the first proposal
of a document import.

Every check (file type, size, damage, hostile archives: see the limits in
``builders.docx_import``, the document it belongs to, unknown or repeated
sections, nothing changed, text limits) runs before the first proposal is
written, and the caller's single transaction covers the rest:
nothing is ever half-imported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.policy import Action, require
from app.comments import service as comments
from app.comments.schemas import CommentCreate, Quote
from app.config import Settings
from app.core.merge import ProposalInput, merge
from app.core.tokenize import normalize_text
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
from app.exports.builders.docx_redline import NOTE_HEAD
from app.exports.builders.model import ImportedComment
from app.exports.schemas import DOCX_UPLOAD_TYPES
from app.exports.service import meta_for
from app.proposals import service as proposals
from app.proposals.models import Proposal
from app.proposals.schemas import ProposalCreate

Pinned = tuple[DraftSection, SectionRevision]
# CommentCreate's limits: longer comment bodies and quotes are cut, not refused.
MAX_COMMENT_BODY = 20_000
MAX_QUOTE = 5_000
MAX_QUOTE_CONTEXT = 200
MAX_NOTES_IN_MESSAGE = 5
# The first line of the Word comment a redline export writes on a proposal's changes.


@dataclass(frozen=True)
class Revised:
    """A section whose text in the file differs from the revision the draft pins.

    ``comments``: the Word comments to post on its proposal; ``not_carried``:
    notes on what the import could not carry over (see the module).
    """

    row: DraftSection
    revision: SectionRevision
    title: str | None
    body: str
    comments: tuple[ImportedComment, ...] = ()
    not_carried: tuple[str, ...] = ()


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
    notes = _section_notes(row.number, got)
    echoes = _Echoes()
    own = echoes.own(got.comments)
    others = sum(len(echoes.own(group)) for group in _other_comments(imported, got))
    if others:
        notes.append(_comments_not_imported(others, f"outside section {row.number}"))
    if revised is None:
        if own:
            notes.append(_unattached(row.number, len(own)))
        raise InvalidInput(
            f"the file changes nothing in section {row.number} of {draft.label}"
            " (compared with the text the draft pins)" + _aside(notes + echoes.notes())
        )
    return replace(revised, comments=own, not_carried=tuple(notes + echoes.notes()))


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
    found: list[Revised] = []
    unchanged: list[str] = []  # notes on sections no proposal is made for
    echoes = _Echoes()
    for got in imported.sections:
        row, rev = by_number[got.number]
        revised = _revised(row, rev, normal[got.number], got)
        notes = _section_notes(got.number, got)
        own = echoes.own(got.comments)
        if revised is not None:
            found.append(replace(revised, comments=own, not_carried=tuple(notes)))
        else:
            unchanged += notes
            if own:
                unchanged.append(_unattached(got.number, len(own)))
        if progress:
            progress()
    elsewhere = [
        *_before_sections(imported),
        *unchanged,
        *_stray_comments(imported, echoes),
        *echoes.notes(),
    ]
    if not found:
        raise InvalidInput(f"the file changes nothing in {draft.label}" + _aside(elsewhere))
    found[0] = replace(found[0], not_carried=found[0].not_carried + tuple(elsewhere))
    return found


def _section_notes(number: str, section: ImportedSection) -> list[str]:
    return [f"Section {number}: {note}" for note in section.not_carried]


def _before_sections(imported: ImportedDocument) -> list[str]:
    preamble = imported.preamble
    if preamble is not None and (preamble.body_accepted.strip() or preamble.not_carried):
        return ["The text before the first numbered section was not imported"]
    return []


def _stray_comments(imported: ImportedDocument, echoes: _Echoes) -> list[str]:
    preamble = imported.preamble
    groups = [imported.stray_comments, preamble.comments if preamble else ()]
    outside = sum(len(echoes.own(group)) for group in groups)
    return [_comments_not_imported(outside, "outside any section")] if outside else []


def _other_comments(
    imported: ImportedDocument, but: ImportedSection
) -> list[tuple[ImportedComment, ...]]:
    """The comments of every section (the preamble too) but ``but``, and the stray ones."""
    sections = [*imported.sections, *([imported.preamble] if imported.preamble else [])]
    return [*(s.comments for s in sections if s is not but), imported.stray_comments]


@dataclass
class _Echoes:
    """Word comments a redline export wrote itself, left out of an import.

    The redline (``builders.docx_redline``) puts a comment on each proposal's
    changes, by the proposing delegation, reading "Proposal 12 by USA[,
    supported by …]." and then the rationale, with the decision and the
    discussion as replies. A returned redline carries them back: they are
    not the delegation's new comments, so they and their replies are left
    out, and a note says so.
    """

    proposals: list[str] = field(default_factory=list)
    replies: int = 0

    def own(self, found: Sequence[ImportedComment]) -> tuple[ImportedComment, ...]:
        """``found`` without the export's notes and their replies (parents come first)."""
        left_out: set[str] = set()
        kept = []
        for comment in found:
            number = None if comment.parent else _export_note(comment)
            if comment.parent and comment.parent in left_out:
                left_out.add(comment.id)
                self.replies += 1
            elif number is not None:
                left_out.add(comment.id)
                self.proposals.append(number)
            else:
                kept.append(comment)
        return tuple(kept)

    def notes(self) -> list[str]:
        if not self.proposals:
            return []
        ids = list(dict.fromkeys(self.proposals))
        which = f"proposal{'s' if len(ids) > 1 else ''} {', '.join(ids)}"
        replies = ""
        if self.replies:
            replies = f" and {self.replies} {'reply' if self.replies == 1 else 'replies'} to them"
        return [f"The redline's own Word comments on {which}{replies} were not imported again"]


def _export_note(comment: ImportedComment) -> str | None:
    """The proposal id if ``comment`` is a redline export's note on a proposal."""
    first = comment.text.strip().split("\n", 1)[0]
    match = NOTE_HEAD.fullmatch(first)
    return match.group(1) if match and match.group(2) == comment.author else None


def _comments_not_imported(count: int, where: str = "") -> str:
    """``"1 Word comment <where> was not imported"``, or ``"3 Word comments …"``."""
    where = f" {where}" if where else ""
    if count == 1:
        return f"1 Word comment{where} was not imported"
    return f"{count} Word comments{where} were not imported"


def _unattached(number: str, count: int) -> str:
    return (
        f"Section {number}: {_comments_not_imported(count)}: the section's text is unchanged, "
        f"so there is no proposal to put {'it' if count == 1 else 'them'} on"
    )


def _aside(notes: Sequence[str]) -> str:
    """Notes for an error message, the first few of them."""
    if not notes:
        return ""
    shown = "; ".join(notes[:MAX_NOTES_IN_MESSAGE])
    more = f"; … ({len(notes)} in all)" if len(notes) > MAX_NOTES_IN_MESSAGE else ""
    return f" (not carried over: {shown}{more})"


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
    """The change ``seen`` → ``revised`` applied to the pinned Markdown, if it applies cleanly.

    Word does not show the pinned text's final newlines: they are set aside
    (so text added at the end does not conflict with them) and kept.
    """
    core = pinned.rstrip("\n")
    tail = pinned[len(core) :] if not seen.endswith("\n") else ""
    base = core if tail else pinned
    result = merge(base, [ProposalInput(proposal_id=0, delegation="", base=seen, text=revised)])
    text = result.text() if result.clean else revised
    return text + tail if text.strip() else text


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
    posts = [[(c, _comment_data(c)) for c in r.comments] for r in found]
    created = [
        proposals.create_amendment(
            session=session, section_id=r.row.section_id, user=user, data=d, settings=settings
        )
        for r, d in zip(found, data, strict=True)
    ]
    for proposal, section_posts in zip(created, posts, strict=True):
        _post_comments(session=session, user=user, proposal=proposal, posts=section_posts)
    return created


def _comment_data(comment: ImportedComment) -> CommentCreate:
    """A Word comment as a comment of ours, cut to fit (validated before any write)."""
    who = f"Word comment by {comment.author}" if comment.author.strip() else "Word comment"
    body = _cut(f"{who}: {comment.text.strip() or '(no text)'}", MAX_COMMENT_BODY)
    exact = _cut(comment.quote.strip(), MAX_QUOTE)
    try:
        quote = (
            Quote(
                exact=exact,
                prefix=normalize_text(comment.prefix)[-MAX_QUOTE_CONTEXT:],
                suffix=normalize_text(comment.suffix)[:MAX_QUOTE_CONTEXT],
            )
            if exact
            else None
        )
        return CommentCreate(body=body, quote=quote)
    except ValidationError as exc:
        raise InvalidInput(f"a Word comment cannot be imported: {exc.errors()[0]['msg']}") from None


def _cut(text: str, limit: int) -> str:
    """``text`` in its stored (NFC) form, cut to ``limit`` characters with an ellipsis."""
    normal = normalize_text(text)
    return normal if len(normal) <= limit else normal[: limit - 1] + "\u2026"


def _post_comments(
    *,
    session: Session,
    user: User,
    proposal: Proposal,
    posts: Sequence[tuple[ImportedComment, CommentCreate]],
) -> None:
    """Post a section's Word comments on its proposal: replies as replies, done resolved."""
    posted: dict[str, int] = {}
    for source, data in posts:  # parents come first (see builders.docx_import)
        parent = posted.get(source.parent) if source.parent else None
        payload = data.model_copy(update={"parent_id": parent}) if parent else data
        comment = comments.post_on_proposal(
            session=session, proposal=proposal, user=user, data=payload
        )
        posted[source.id] = comment.id
        if source.done:
            comments.set_resolved(session=session, comment=comment, user=user, resolved=True)
