"""Assemble ``ProposalRead`` for many proposals with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.markdown import render_markdown
from app.core.redline import redline_html
from app.documents.models import Document, Section
from app.proposals import service
from app.proposals.models import Proposal, ProposalKind, ProposalVersion
from app.proposals.schemas import ProposalRead, ProposalVersionRead
from app.visibility import proposal_is_private, readable_versions_from


def read_many(
    *,
    session: Session,
    proposals: Sequence[Proposal],
    viewer: User,
    competing: dict[int, list[int]] | None = None,
) -> list[ProposalRead]:
    """``ProposalRead`` for each proposal, in order; ``competing`` when the caller computed it."""
    if not proposals:
        return []
    versions = service.current_versions(session=session, proposals=proposals)
    bases = service.base_bodies(
        session=session, keys=[(p.section_id, versions[p.id].base_revision) for p in proposals]
    )
    supporters = service.supporters(session=session, proposal_ids=[p.id for p in proposals])
    counts = service.comment_counts(
        session=session, proposal_ids=[p.id for p in proposals], viewer=viewer
    )
    numbers: dict[int, str] = dict(
        session.execute(
            select(Section.id, Section.number).where(
                Section.id.in_({p.section_id for p in proposals if p.section_id})
            )
        ).all()
    )
    slugs: dict[int, str] = dict(session.execute(select(Document.id, Document.slug)).all())
    out = []
    for p in proposals:
        v = versions[p.id]
        base = bases.get((p.section_id, v.base_revision), "") if p.section_id else ""
        new = "" if p.kind == ProposalKind.DELETE else v.body
        out.append(
            ProposalRead(
                id=p.id,
                kind=p.kind.value,
                document=slugs[p.document_id],
                section_id=p.section_id,
                section_number=numbers.get(p.section_id) if p.section_id else None,
                status=p.status.value,
                private=proposal_is_private(p),
                needs_rebase=p.needs_rebase,
                delegation=p.delegation.code,
                author=p.author.username,
                base_revision=v.base_revision,
                title=v.title,
                body=v.body,
                rationale=v.rationale,
                rationale_html=render_markdown(v.rationale),
                version=p.version,
                supporters=supporters.get(p.id, []),
                redline_html=redline_html(base, new),
                decision_note=p.decision_note,
                decided_by=p.decided_by.username if p.decided_by else None,
                decided_at=p.decided_at,
                created_at=p.created_at,
                updated_at=p.updated_at,
                parent_id=p.parent_id,
                after_id=p.after_id,
                competing=(competing or {}).get(p.id, []),
                comment_count=counts.get(p.id, 0),
                meeting_id=p.meeting_id,
            )
        )
    return out


def competing_for(*, session: Session, proposal: Proposal) -> dict[int, list[int]]:
    """For one proposal: the ids of the pending proposals that compete with it."""
    if proposal.section_id is None:
        return {}
    for group in service.competing_groups(
        session=session, section_id=proposal.section_id, also=proposal
    ):
        if proposal.id in group:
            return {proposal.id: sorted(group - {proposal.id})}
    return {}


def read_one(*, session: Session, proposal: Proposal, viewer: User) -> ProposalRead:
    return read_many(
        session=session,
        proposals=[proposal],
        viewer=viewer,
        competing=competing_for(session=session, proposal=proposal),
    )[0]


def versions(*, session: Session, proposal: Proposal, viewer: User) -> list[ProposalVersionRead]:
    """Every version the viewer may read, each with its redline against its own base."""
    rows = session.scalars(
        select(ProposalVersion)
        .where(
            ProposalVersion.proposal_id == proposal.id,
            ProposalVersion.number >= readable_versions_from(viewer, proposal),
        )
        .order_by(ProposalVersion.number)
    ).all()
    bases = service.base_bodies(
        session=session, keys=[(proposal.section_id, v.base_revision) for v in rows]
    )
    authors = {
        u.id: u.username
        for u in session.scalars(select(User).where(User.id.in_({v.author_id for v in rows})))
    }
    out = []
    for v in rows:
        base = bases.get((proposal.section_id, v.base_revision), "") if proposal.section_id else ""
        out.append(
            ProposalVersionRead(
                number=v.number,
                base_revision=v.base_revision,
                title=v.title,
                body=v.body,
                rationale=v.rationale,
                author=authors.get(v.author_id) if v.author_id else None,
                created_at=v.created_at,
                note=v.note,
                redline_html=redline_html(
                    base, "" if proposal.kind == ProposalKind.DELETE else v.body
                ),
            )
        )
    return out
