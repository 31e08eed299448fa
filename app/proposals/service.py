"""Proposal rules: who may do what, in which state, and what competes with what.

Every command checks the role (policy), ownership (the proposing delegation)
and the lifecycle (``states``), then writes the change and its audit entry in
the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.policy import Action, require, same_delegation
from app.comments.models import Comment
from app.config import Settings
from app.core.lru import Lru
from app.core.merge import ProposalInput, competing
from app.db import utcnow
from app.delegations.models import Delegation
from app.documents import service as documents
from app.documents.models import Document, Section, SectionRevision
from app.errors import Forbidden, InvalidInput, NotFound, StateConflict
from app.meetings.models import Meeting
from app.proposals.models import (
    Proposal,
    ProposalKind,
    ProposalStatus,
    ProposalSupport,
    ProposalVersion,
)
from app.proposals.schemas import Decision, NewSectionProposal, ProposalCreate, ProposalRevise
from app.proposals.states import PENDING, IllegalMove, Move, next_status
from app.visibility import (
    can_read_proposal,
    comments_readable_by,
    proposal_audience,
    proposals_readable_by,
)


def _move(proposal: Proposal, move: Move) -> None:
    try:
        proposal.status = next_status(proposal.status, move)
    except IllegalMove as exc:
        raise StateConflict(str(exc)) from None
    proposal.updated_at = utcnow()


def _record(session: Session, user: User, proposal: Proposal, action: str, summary: str) -> None:
    audit.record(
        session=session,
        actor=user,
        action=f"proposal.{action}",
        object_type="proposal",
        object_id=proposal.id,
        summary=summary,
        data={
            "section_id": proposal.section_id,
            "status": proposal.status.value,
            "delegation": proposal.delegation.code,
        },
        audience_id=proposal_audience(proposal),
    )


def base_revision(*, session: Session, section: Section, number: int) -> SectionRevision:
    """The revision a proposal is made against; 409 if the section never had it."""
    rev = session.scalar(
        select(SectionRevision).where(
            SectionRevision.section_id == section.id, SectionRevision.number == number
        )
    )
    if rev is None:
        raise StateConflict(
            f"section {section.id} has no revision {number} (current: {section.head})"
        )
    return rev


def create_amendment(
    *, session: Session, section_id: int, user: User, data: ProposalCreate, settings: Settings
) -> Proposal:
    """A new text for a section, or its deletion, against ``base_revision``."""
    require(user, Action.PROPOSE)
    section = documents.get_section(session=session, section_id=section_id)
    base = base_revision(session=session, section=section, number=data.base_revision)
    kind = ProposalKind(data.kind)
    body = "" if kind == ProposalKind.DELETE else data.body
    title = base.title if kind == ProposalKind.DELETE or data.title is None else data.title
    documents.check_text(title=title, body=body, settings=settings)
    if kind == ProposalKind.AMEND and body == base.body and title == base.title:
        raise InvalidInput(f"the proposed text is identical to revision {base.number}")
    proposal = Proposal(
        document_id=section.document_id,
        section_id=section.id,
        kind=kind,
        status=ProposalStatus.DRAFT if data.draft else ProposalStatus.SUBMITTED,
        submitted_at=None if data.draft else utcnow(),
        first_public_version=None if data.draft else 1,
        delegation_id=user.delegation_id,
        author_id=user.id,
    )
    return _add_first_version(session, user, proposal, base.number, title, body, data.rationale)


def create_addition(
    *,
    session: Session,
    document: Document,
    user: User,
    data: NewSectionProposal,
    settings: Settings,
) -> Proposal:
    """A proposal to add a new section at a given place."""
    require(user, Action.PROPOSE)
    documents.check_text(title=data.title, body=data.body, settings=settings)
    for ref in (data.parent_id, data.after_id):
        if ref is not None:
            sec = session.get(Section, ref)
            if sec is None or sec.document_id != document.id or sec.deleted_at is not None:
                raise InvalidInput(f"section {ref} is not part of '{document.slug}'")
    proposal = Proposal(
        document_id=document.id,
        section_id=None,
        kind=ProposalKind.ADD,
        status=ProposalStatus.DRAFT if data.draft else ProposalStatus.SUBMITTED,
        submitted_at=None if data.draft else utcnow(),
        first_public_version=None if data.draft else 1,
        delegation_id=user.delegation_id,
        author_id=user.id,
        parent_id=data.parent_id,
        after_id=data.after_id,
    )
    return _add_first_version(session, user, proposal, None, data.title, data.body, data.rationale)


def _add_first_version(
    session: Session,
    user: User,
    proposal: Proposal,
    base: int | None,
    title: str,
    body: str,
    rationale: str,
) -> Proposal:
    session.add(proposal)
    session.flush()
    session.add(
        ProposalVersion(
            proposal_id=proposal.id,
            number=1,
            base_revision=base,
            title=title,
            body=body,
            rationale=rationale,
            author_id=user.id,
            note="created",
        )
    )
    session.flush()
    session.refresh(proposal)
    _record(
        session,
        user,
        proposal,
        "created",
        f"{proposal.delegation.code} {proposal.kind.value} proposal ({proposal.status.value})",
    )
    return proposal


def get_visible(*, session: Session, proposal_id: int, user: User) -> Proposal:
    """The proposal, or 404 — also for another delegation's private work."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or not can_read_proposal(user, proposal):
        raise NotFound(f"no proposal {proposal_id}")
    return proposal


def _own(proposal: Proposal, user: User, verb: str) -> None:
    require(user, Action.PROPOSE)
    if not same_delegation(user, proposal.delegation_id):
        raise Forbidden(
            f"only the {proposal.delegation.code} delegation may {verb} proposal {proposal.id}"
        )


def current_version(*, session: Session, proposal: Proposal) -> ProposalVersion:
    version = session.scalar(
        select(ProposalVersion).where(
            ProposalVersion.proposal_id == proposal.id, ProposalVersion.number == proposal.version
        )
    )
    assert version is not None, "a proposal always has its current version"
    return version


def revise(
    *, session: Session, proposal: Proposal, user: User, data: ProposalRevise, settings: Settings
) -> Proposal:
    """A new version of the proposal; the earlier ones stay readable."""
    _own(proposal, user, "revise")
    _move(proposal, Move.REVISE)
    old = current_version(session=session, proposal=proposal)
    base_number = data.base_revision or old.base_revision
    title = data.title if data.title is not None else old.title
    body = "" if proposal.kind == ProposalKind.DELETE else data.body
    documents.check_text(title=title, body=body, settings=settings)
    if proposal.section_id is not None and base_number is not None:
        section = documents.get_section(session=session, section_id=proposal.section_id)
        base = base_revision(session=session, section=section, number=base_number)
        if proposal.kind == ProposalKind.AMEND and (body, title) == (base.body, base.title):
            raise InvalidInput(f"the proposed text is identical to revision {base.number}")
    proposal.version += 1
    proposal.needs_rebase = False
    session.add(
        ProposalVersion(
            proposal_id=proposal.id,
            number=proposal.version,
            base_revision=base_number,
            title=title,
            body=body,
            rationale=data.rationale if data.rationale is not None else old.rationale,
            author_id=user.id,
            note="revised",
        )
    )
    session.flush()
    _record(session, user, proposal, "revised", f"version {proposal.version}")
    return proposal


def submit(*, session: Session, proposal: Proposal, user: User) -> Proposal:
    """Turn a delegation draft into a submitted proposal everyone can read."""
    _own(proposal, user, "submit")
    _move(proposal, Move.SUBMIT)
    proposal.submitted_at = utcnow()
    proposal.first_public_version = proposal.version
    _record(session, user, proposal, "submitted", f"{proposal.delegation.code} submitted")
    return proposal


def withdraw(*, session: Session, proposal: Proposal, user: User) -> Proposal:
    _own(proposal, user, "withdraw")
    _move(proposal, Move.WITHDRAW)
    _record(session, user, proposal, "withdrawn", f"{proposal.delegation.code} withdrew")
    return proposal


def decide(*, session: Session, proposal: Proposal, user: User, data: Decision) -> Proposal:
    """A chair accepts or rejects a submitted proposal, with a note."""
    require(user, Action.DECIDE)
    _move(proposal, Move.ACCEPT if data.decision == "accept" else Move.REJECT)
    if data.meeting_id is not None:
        meeting = session.get(Meeting, data.meeting_id)
        if meeting is None or meeting.document_id != proposal.document_id:
            raise InvalidInput(f"no meeting {data.meeting_id} for this document")
        proposal.meeting_id = meeting.id
    proposal.decision_note = data.note
    proposal.decided_by_id = user.id
    proposal.decided_at = utcnow()
    session.flush()
    session.refresh(proposal)
    _record(session, user, proposal, f"{data.decision}ed", data.note[:200])
    return proposal


def support(*, session: Session, proposal: Proposal, user: User) -> Proposal:
    """Another delegation co-sponsors the proposal."""
    require(user, Action.SUPPORT)
    if same_delegation(user, proposal.delegation_id):
        raise StateConflict("a delegation cannot co-sponsor its own proposal")
    _move(proposal, Move.SUPPORT)
    exists = session.scalar(
        select(ProposalSupport.id).where(
            ProposalSupport.proposal_id == proposal.id,
            ProposalSupport.delegation_id == user.delegation_id,
        )
    )
    if exists is not None:
        raise StateConflict(f"{user.delegation.code} already supports proposal {proposal.id}")
    session.add(
        ProposalSupport(proposal_id=proposal.id, delegation_id=user.delegation_id, user_id=user.id)
    )
    session.flush()
    _record(session, user, proposal, "supported", f"{user.delegation.code} co-sponsors")
    return proposal


def list_proposals(
    *,
    session: Session,
    user: User,
    section_id: int | None = None,
    delegation: str | None = None,
    status: ProposalStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[Proposal]:
    """Proposals the user may see, newest first, filtered."""
    stmt = select(Proposal).where(proposals_readable_by(user))
    if section_id is not None:
        stmt = stmt.where(Proposal.section_id == section_id)
    if delegation:
        stmt = stmt.join(Delegation, Delegation.id == Proposal.delegation_id).where(
            Delegation.code == delegation.upper()
        )
    if status is not None:
        stmt = stmt.where(Proposal.status == status)
    return session.scalars(stmt.order_by(Proposal.id.desc()).limit(limit).offset(offset)).all()


def current_versions(
    *, session: Session, proposals: Sequence[Proposal]
) -> dict[int, ProposalVersion]:
    """Each proposal's current version, by proposal id, in one query."""
    if not proposals:
        return {}
    rows = session.scalars(
        select(ProposalVersion).where(
            tuple_(ProposalVersion.proposal_id, ProposalVersion.number).in_(
                [(p.id, p.version) for p in proposals]
            )
        )
    )
    return {v.proposal_id: v for v in rows}


def base_bodies(
    *, session: Session, keys: Iterable[tuple[int | None, int | None]]
) -> dict[tuple[int | None, int | None], str]:
    """Section bodies by ``(section_id, revision number)``, in one query."""
    wanted = {(s, n) for s, n in keys if s is not None and n is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(SectionRevision.section_id, SectionRevision.number, SectionRevision.body).where(
            tuple_(SectionRevision.section_id, SectionRevision.number).in_(wanted)
        )
    )
    return {(sid, num): body for sid, num, body in rows}


def supporters(*, session: Session, proposal_ids: Sequence[int]) -> dict[int, list[str]]:
    """Co-sponsoring delegation codes by proposal id, in the order they joined."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = session.scalars(
        select(ProposalSupport)
        .where(ProposalSupport.proposal_id.in_(proposal_ids))
        .order_by(ProposalSupport.id)
    )
    for row in rows:
        out[row.proposal_id].append(row.delegation.code)
    return out


def merge_inputs(*, session: Session, proposals: Sequence[Proposal]) -> list[ProposalInput]:
    """The merge engine's view of proposals on one section: base text → proposed text."""
    versions = current_versions(session=session, proposals=proposals)
    bases = base_bodies(
        session=session, keys=[(p.section_id, versions[p.id].base_revision) for p in proposals]
    )
    return [
        ProposalInput(
            proposal_id=p.id,
            delegation=p.delegation.code,
            base=bases.get((p.section_id, versions[p.id].base_revision), ""),
            text=versions[p.id].body,
        )
        for p in proposals
        if p.section_id is not None and versions[p.id].base_revision is not None
    ]


def competing_groups(
    *, session: Session, section_id: int, also: Proposal | None = None
) -> list[set[int]]:
    """Pending proposals on a section whose changes conflict, as connected groups.

    ``also`` adds one more proposal (e.g. a draft, to show what it would compete with).
    The groups depend only on the section's current text and each proposal's version,
    so they are cached by those: a support, a comment or a reread of an unchanged
    section needs no merge. Versions and revisions are immutable, so the cache key
    says everything, and a miss reads plain rows (no ORM objects): the merge's own
    per-proposal diffs are cached by the engine.
    """
    key_rows = session.execute(
        select(Proposal.id, Proposal.version).where(
            Proposal.section_id == section_id, Proposal.status.in_(PENDING)
        )
    ).all()
    versions = {pid: number for pid, number in key_rows}
    if also is not None:
        versions[also.id] = also.version
    if len(versions) < 2:
        return []
    head = session.scalar(select(Section.head).where(Section.id == section_id))
    if head is None:
        raise NotFound(f"section {section_id} not found")
    key = (section_id, head, tuple(sorted(versions.items())))
    cached = _COMPETING.get(key)
    if cached is None:
        current, inputs = _competition_inputs(session, section_id, head, versions)
        cached = competing(current, inputs)
        _COMPETING.put(key, cached)
    return [set(group) for group in cached]


def _competition_inputs(
    session: Session, section_id: int, head: int, versions: dict[int, int]
) -> tuple[str, list[ProposalInput]]:
    """The section's current text and each proposal version as merge input, in two queries."""
    rows = session.execute(
        select(
            ProposalVersion.proposal_id,
            ProposalVersion.base_revision,
            ProposalVersion.body,
            Delegation.code,
        )
        .join(Proposal, Proposal.id == ProposalVersion.proposal_id)
        .join(Delegation, Delegation.id == Proposal.delegation_id)
        .where(tuple_(ProposalVersion.proposal_id, ProposalVersion.number).in_(versions.items()))
    ).all()
    bodies = base_bodies(
        session=session,
        keys=[(section_id, head)] + [(section_id, base) for _, base, _, _ in rows],
    )
    inputs = [
        ProposalInput(pid, code, bodies.get((section_id, base), ""), body)
        for pid, base, body, code in rows
        if base is not None
    ]
    return bodies.get((section_id, head), ""), inputs


COMPETING_CACHE = 512
_COMPETING: Lru[tuple[object, ...], list[frozenset[int]]] = Lru(COMPETING_CACHE)


def comment_counts(
    *, session: Session, proposal_ids: Sequence[int], viewer: User | None
) -> dict[int, int]:
    """Live comments per proposal that ``viewer`` may read (None: those anyone may read)."""
    readable = comments_readable_by(viewer) if viewer is not None else Comment.audience_id.is_(None)
    rows = session.execute(
        select(Comment.proposal_id, func.count())
        .where(Comment.proposal_id.in_(proposal_ids), Comment.deleted_at.is_(None), readable)
        .group_by(Comment.proposal_id)
    ).all()
    return {pid: int(n) for pid, n in rows if pid is not None}
