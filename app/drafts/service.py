"""Draft rules: snapshots, circulation, agreement status, comparison and silence.

A draft pins one revision of every live section. Working drafts are for
chairs and coordinators. The silence procedure is a small state machine
driven by an injected clock: a draft under silence whose deadline passed
without objection *is* adopted (reads say so at once); ``settle_silences``
records it (status and audit) as soon as something runs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.policy import Action, can, require
from app.documents import service as documents
from app.documents.models import Document, SectionRevision
from app.drafts.models import Agreement, Draft, DraftSection, DraftStatus, SilenceObjection
from app.errors import Forbidden, InvalidInput, NotFound, StateConflict

LIVE = frozenset({DraftStatus.CIRCULATED, DraftStatus.UNDER_SILENCE})


def effective_status(draft: Draft, now: datetime) -> DraftStatus:
    """The status as of ``now``: silence past its deadline means adopted."""
    if (
        draft.status == DraftStatus.UNDER_SILENCE
        and draft.silence_deadline is not None
        and now >= draft.silence_deadline
    ):
        return DraftStatus.ADOPTED
    return draft.status


def _audit(session: Session, user: User | None, draft: Draft, action: str, summary: str) -> None:
    audit.record(
        session=session,
        actor=user,
        action=f"draft.{action}",
        object_type="draft",
        object_id=draft.id,
        summary=summary,
        data={"label": draft.label, "status": draft.status.value},
    )


def latest(*, session: Session, document: Document) -> Draft | None:
    return session.scalar(
        select(Draft).where(Draft.document_id == document.id).order_by(Draft.id.desc()).limit(1)
    )


def snapshot(
    *,
    session: Session,
    document: Document,
    user: User,
    label: str,
    reference: str,
    circulate: bool,
    now: datetime,
    agreement: Mapping[int, Agreement] | None = None,
) -> Draft:
    """Pin the current revision of every section as a new draft."""
    require(user, Action.CIRCULATE)
    previous = latest(session=session, document=document)
    inherited = _agreements(session, previous) if previous else {}
    draft = Draft(
        document_id=document.id,
        label=label,
        reference=reference,
        status=DraftStatus.WORKING,
        previous_id=previous.id if previous else None,
        created_by_id=user.id,
    )
    session.add(draft)
    session.flush()
    for ordinal, entry in enumerate(documents.outline(session=session, document=document)):
        sid, rev = entry.section.id, entry.revision.number
        kept = inherited.get((sid, rev))
        session.add(
            DraftSection(
                draft_id=draft.id,
                section_id=sid,
                revision=rev,
                ordinal=ordinal,
                number=entry.section.number,
                parent_id=entry.section.parent_id,
                level=entry.level,
                agreement=(agreement or {}).get(sid) or kept or Agreement.AGREED,
            )
        )
    session.flush()
    _audit(session, user, draft, "created", f"{label} {reference}".strip())
    if circulate:
        circulate_draft(session=session, draft=draft, user=user, now=now)
    return draft


def _agreements(session: Session, draft: Draft) -> dict[tuple[int, int], Agreement]:
    rows = session.scalars(select(DraftSection).where(DraftSection.draft_id == draft.id))
    return {(r.section_id, r.revision): r.agreement for r in rows}


def circulate_draft(*, session: Session, draft: Draft, user: User, now: datetime) -> Draft:
    """Make a working draft the circulated one; earlier circulated drafts are superseded."""
    require(user, Action.CIRCULATE)
    if draft.status != DraftStatus.WORKING:
        raise StateConflict(f"cannot circulate a draft that is {draft.status.value}")
    for other in session.scalars(
        select(Draft).where(
            Draft.document_id == draft.document_id, Draft.id != draft.id, Draft.status.in_(LIVE)
        )
    ):
        other.status = DraftStatus.SUPERSEDED
        _audit(session, user, other, "superseded", f"by {draft.label}")
    draft.status = DraftStatus.CIRCULATED
    draft.circulated_at = now
    session.flush()
    _audit(session, user, draft, "circulated", f"{draft.label} {draft.reference}".strip())
    return draft


def get_draft(*, session: Session, draft_id: int, user: User) -> Draft:
    """The draft, or 404; a working draft is 403 for all but chairs and coordinators."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    if draft.status == DraftStatus.WORKING and not can(user, Action.READ_WORKING_DRAFTS):
        raise Forbidden("working drafts are visible to chairs and coordinators only")
    return draft


def list_drafts(*, session: Session, document: Document, user: User) -> Sequence[Draft]:
    stmt = select(Draft).where(Draft.document_id == document.id)
    if not can(user, Action.READ_WORKING_DRAFTS):
        stmt = stmt.where(Draft.status != DraftStatus.WORKING)
    return session.scalars(stmt.order_by(Draft.id.desc())).all()


def pinned(*, session: Session, draft: Draft) -> list[tuple[DraftSection, SectionRevision]]:
    """The draft's sections in reading order, each with the revision it pins."""
    rows = session.scalars(
        select(DraftSection).where(DraftSection.draft_id == draft.id).order_by(DraftSection.ordinal)
    ).all()
    revs = (
        {
            (r.section_id, r.number): r
            for r in session.scalars(
                select(SectionRevision).where(
                    tuple_(SectionRevision.section_id, SectionRevision.number).in_(
                        [(r.section_id, r.revision) for r in rows]
                    )
                )
            )
        }
        if rows
        else {}
    )
    return [(r, revs[(r.section_id, r.revision)]) for r in rows]


def set_agreement(
    *, session: Session, draft: Draft, section_id: int, agreement: Agreement, user: User
) -> DraftSection:
    require(user, Action.CIRCULATE)
    row = session.scalar(
        select(DraftSection).where(
            DraftSection.draft_id == draft.id, DraftSection.section_id == section_id
        )
    )
    if row is None:
        raise NotFound(f"section {section_id} is not in draft {draft.id}")
    row.agreement = agreement
    session.flush()
    _audit(session, user, draft, "agreement_set", f"section {row.number}: {agreement.value}")
    return row


def start_silence(
    *, session: Session, draft: Draft, user: User, deadline: datetime, now: datetime
) -> Draft:
    """Put a circulated draft under silence until ``deadline``."""
    require(user, Action.CIRCULATE)
    if effective_status(draft, now) != DraftStatus.CIRCULATED:
        raise StateConflict(
            f"only a circulated draft can be put under silence; this one is "
            f"{effective_status(draft, now).value}"
        )
    if deadline.tzinfo is None:
        raise InvalidInput("the deadline needs a timezone, e.g. 2021-05-10T12:00:00Z")
    if deadline <= now:
        raise InvalidInput("the silence deadline must be in the future")
    draft.status = DraftStatus.UNDER_SILENCE
    draft.silence_deadline = deadline
    session.flush()
    _audit(session, user, draft, "silence_started", f"until {deadline.isoformat()}")
    return draft


def break_silence(
    *, session: Session, draft: Draft, user: User, text: str, now: datetime
) -> SilenceObjection:
    """A delegation objects before the deadline: silence is broken, the draft stays circulated."""
    require(user, Action.OBJECT_TO_SILENCE)
    status = effective_status(draft, now)
    if status != DraftStatus.UNDER_SILENCE:
        raise StateConflict(f"the draft is not under silence (it is {status.value})")
    objection = SilenceObjection(
        draft_id=draft.id, delegation_id=user.delegation_id, user_id=user.id, text=text
    )
    session.add(objection)
    draft.status = DraftStatus.CIRCULATED
    draft.silence_deadline = None
    session.flush()
    _audit(session, user, draft, "silence_broken", f"{user.delegation.code}: {text[:150]}")
    return objection


def settle_silences(*, session: Session, now: datetime) -> list[Draft]:
    """Record the adoption of every draft whose silence ended without objection."""
    adopted = []
    for draft in session.scalars(select(Draft).where(Draft.status == DraftStatus.UNDER_SILENCE)):
        if effective_status(draft, now) == DraftStatus.ADOPTED:
            draft.status = DraftStatus.ADOPTED
            draft.adopted_at = draft.silence_deadline
            _audit(session, None, draft, "adopted", f"{draft.label}: silence not broken")
            adopted.append(draft)
    session.flush()
    return adopted


def objections(*, session: Session, draft: Draft) -> Sequence[SilenceObjection]:
    return session.scalars(
        select(SilenceObjection)
        .where(SilenceObjection.draft_id == draft.id)
        .order_by(SilenceObjection.id)
    ).all()
