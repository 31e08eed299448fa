"""The guide's rules: reading order, numbering, revisions and optimistic locking."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.config import Settings
from app.documents.models import Document, Section, SectionRevision
from app.errors import InvalidInput, NotFound, PayloadTooLarge, PreconditionFailed


def content_sha256(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def etag(section_id: int, revision: SectionRevision) -> str:
    """Strong ETag: changes with every revision of the section."""
    return f'"s{section_id}-r{revision.number}-{revision.sha256[:16]}"'


@dataclass(frozen=True)
class OutlineEntry:
    section: Section
    revision: SectionRevision
    level: int


def get_document(*, session: Session, slug: str) -> Document:
    doc = session.scalar(select(Document).where(Document.slug == slug))
    if doc is None:
        raise NotFound(f"no document '{slug}'")
    return doc


def list_documents(*, session: Session) -> Sequence[Document]:
    return session.scalars(select(Document).order_by(Document.id)).all()


def get_section(*, session: Session, section_id: int, for_update: bool = False) -> Section:
    stmt = select(Section).where(Section.id == section_id, Section.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    section = session.scalar(stmt)
    if section is None:
        raise NotFound(f"no section {section_id}")
    return section


def get_revision(
    *, session: Session, section: Section, number: int | None = None
) -> SectionRevision:
    """A revision of the section (the current one by default), or 404."""
    wanted = section.head if number is None else number
    rev = session.scalar(
        select(SectionRevision).where(
            SectionRevision.section_id == section.id, SectionRevision.number == wanted
        )
    )
    if rev is None:
        raise NotFound(f"section {section.id} has no revision {wanted}")
    return rev


def list_revisions(*, session: Session, section: Section) -> Sequence[SectionRevision]:
    return session.scalars(
        select(SectionRevision)
        .where(SectionRevision.section_id == section.id)
        .order_by(SectionRevision.number)
    ).all()


def outline(*, session: Session, document: Document) -> list[OutlineEntry]:
    """Every live section with its current revision, in reading order (two queries)."""
    sections = session.scalars(
        select(Section).where(Section.document_id == document.id, Section.deleted_at.is_(None))
    ).all()
    heads = {
        rev.section_id: rev
        for rev in session.scalars(
            select(SectionRevision)
            .join(Section, Section.id == SectionRevision.section_id)
            .where(Section.document_id == document.id, SectionRevision.number == Section.head)
        )
    }
    children: dict[int | None, list[Section]] = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s)
    out: list[OutlineEntry] = []

    def walk(parent: int | None, level: int) -> None:
        for s in sorted(children.get(parent, []), key=lambda x: (x.position, x.id)):
            out.append(OutlineEntry(s, heads[s.id], level))
            walk(s.id, level + 1)

    walk(None, 1)
    return out


def renumber(*, session: Session, document: Document) -> None:
    """Recompute every section's number from its place in the tree (ids stay)."""
    sections = session.scalars(
        select(Section).where(Section.document_id == document.id, Section.deleted_at.is_(None))
    ).all()
    children: dict[int | None, list[Section]] = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s)

    def walk(parent: int | None, prefix: str) -> None:
        for i, s in enumerate(sorted(children.get(parent, []), key=lambda x: (x.position, x.id))):
            s.position = i
            s.number = f"{prefix}{i + 1}"
            walk(s.id, f"{s.number}.")

    walk(None, "")
    session.flush()


def check_text(*, title: str, body: str, settings: Settings) -> None:
    if len(body) > settings.max_section_chars:
        raise PayloadTooLarge(f"section body exceeds {settings.max_section_chars} characters")
    if not title.strip():
        raise InvalidInput("title must not be blank")


def add_revision(
    *,
    session: Session,
    section: Section,
    title: str,
    body: str,
    author: User | None,
    message: str,
    source: str,
    delegation_id: int | None = None,
) -> SectionRevision:
    """Append the next revision and move the section's head to it.

    The caller holds the section row (``get_section(for_update=True)``); the
    unique (section, number) constraint is the backstop if it does not.
    """
    rev = SectionRevision(
        section_id=section.id,
        number=section.head + 1 if section.head else 1,
        title=title,
        body=body,
        author_id=author.id if author else None,
        delegation_id=delegation_id
        if delegation_id is not None
        else (author.delegation_id if author else None),
        message=message,
        source=source,
        sha256=content_sha256(title, body),
    )
    session.add(rev)
    section.head = rev.number
    session.flush()
    return rev


def edit_section(
    *,
    session: Session,
    section_id: int,
    if_match: str,
    title: str,
    body: str,
    message: str,
    user: User,
    settings: Settings,
) -> tuple[Section, SectionRevision]:
    """A chair's direct edit: a new revision if ``if_match`` names the current one."""
    check_text(title=title, body=body, settings=settings)
    section = get_section(session=session, section_id=section_id, for_update=True)
    current = get_revision(session=session, section=section)
    if etag(section.id, current) not in _etag_list(if_match):
        raise PreconditionFailed(
            f"section {section.id} has moved on to revision {current.number}; "
            "reload it and apply your edit again"
        )
    if current.title == title and current.body == body:
        raise InvalidInput(f"nothing changed: the text is identical to revision {current.number}")
    rev = add_revision(
        session=session,
        section=section,
        title=title,
        body=body,
        author=user,
        message=message,
        source="edit",
    )
    audit.record(
        session=session,
        actor=user,
        action="section.edited",
        object_type="section",
        object_id=section.id,
        summary=f"{section.number} {title} → revision {rev.number}",
        data={"revision": rev.number, "message": message},
    )
    return section, rev


def _etag_list(header: str) -> set[str]:
    return {part.strip() for part in header.split(",") if part.strip()}


def create_section(
    *,
    session: Session,
    document: Document,
    title: str,
    body: str,
    parent_id: int | None,
    after_id: int | None,
    op_tag: str | None,
    message: str,
    user: User | None,
    settings: Settings,
    source: str = "edit",
) -> tuple[Section, SectionRevision]:
    """A new section under ``parent_id``, placed after ``after_id`` (default: last)."""
    check_text(title=title, body=body, settings=settings)
    # Serialise structural changes of one document (positions, numbers).
    session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
    parent = _sibling_parent(session=session, document=document, parent_id=parent_id)
    position = _position_after(session=session, document=document, parent=parent, after_id=after_id)
    section = Section(
        document_id=document.id,
        parent_id=parent.id if parent else None,
        position=position,
        number="",
        op_tag=op_tag if op_tag is not None else (parent.op_tag if parent else None),
        head=0,
    )
    session.add(section)
    session.flush()
    rev = add_revision(
        session=session,
        section=section,
        title=title,
        body=body,
        author=user,
        message=message or "New section",
        source=source,
    )
    renumber(session=session, document=document)
    audit.record(
        session=session,
        actor=user,
        action="section.created",
        object_type="section",
        object_id=section.id,
        summary=f"{section.number} {title}",
        data={"parent_id": section.parent_id, "after_id": after_id},
    )
    return section, rev


def _sibling_parent(
    *, session: Session, document: Document, parent_id: int | None
) -> Section | None:
    if parent_id is None:
        return None
    parent = session.get(Section, parent_id)
    if parent is None or parent.document_id != document.id or parent.deleted_at is not None:
        raise InvalidInput(f"parent_id {parent_id} is not a section of '{document.slug}'")
    if parent.parent_id is not None:
        raise InvalidInput("sections nest two levels deep; choose a top-level parent")
    return parent


def _position_after(
    *, session: Session, document: Document, parent: Section | None, after_id: int | None
) -> int:
    parent_filter = (
        Section.parent_id.is_(None) if parent is None else Section.parent_id == parent.id
    )
    siblings = session.scalars(
        select(Section)
        .where(Section.document_id == document.id, Section.deleted_at.is_(None), parent_filter)
        .order_by(Section.position, Section.id)
    ).all()
    if after_id is None:
        return len(siblings)
    index = next((i for i, s in enumerate(siblings) if s.id == after_id), None)
    if index is None:
        raise InvalidInput(f"after_id {after_id} is not a sibling under the given parent")
    for s in siblings[index + 1 :]:
        s.position += 1
    return index + 1
