"""After a merge: add the new sections, and carry pending proposals forward.

A pending proposal on a section that moved is re-based when the merge engine
carries its change onto the new text without conflict: it gets a new version
made against the new revision, with the same change. Otherwise it is flagged
``needs_rebase`` for its delegation to revise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.config import Settings
from app.core.merge import MergeResult, ProposalInput, carry_each
from app.documents import service as documents
from app.documents.models import Document, Section
from app.errors import InvalidInput
from app.merges.models import Merge, RevisionSource
from app.merges.plan import Addition
from app.proposals import service as proposals
from app.proposals.models import Proposal, ProposalVersion
from app.proposals.states import PENDING, Move, next_status


def add_sections(
    *,
    session: Session,
    merge: Merge,
    additions: Sequence[Addition],
    user: User,
    document: Document,
    settings: Settings,
) -> None:
    """Create the sections that accepted "add" proposals ask for."""
    for add in additions:
        p, v = add.proposal, add.version
        try:
            section, rev = documents.create_section(
                session=session,
                document=document,
                title=v.title,
                body=v.body,
                parent_id=p.parent_id,
                after_id=p.after_id,
                op_tag=None,
                message=f"Merge #{merge.id}: proposal {p.id}",
                user=user,
                settings=settings,
                source="merge",
            )
        except InvalidInput:  # its anchor section is gone: add it at the end of its parent
            section, rev = documents.create_section(
                session=session,
                document=document,
                title=v.title,
                body=v.body,
                parent_id=p.parent_id,
                after_id=None,
                op_tag=None,
                message=f"Merge #{merge.id}: proposal {p.id}",
                user=user,
                settings=settings,
                source="merge",
            )
        p.section_id = section.id
        session.add(
            RevisionSource(
                revision_id=rev.id,
                proposal_id=p.id,
                merge_id=merge.id,
                delegation_id=p.delegation_id,
                how="clean",
            )
        )
    session.flush()


def forward(*, session: Session, section_ids: Sequence[int], merge: Merge, user: User) -> None:
    """Re-base or flag every pending proposal on the sections this merge changed.

    Reads in a fixed number of queries and carries each section's proposals in
    one pass of the engine (``carry_each``), then writes proposal by proposal.
    """
    if not section_ids:
        return
    pending = session.scalars(
        select(Proposal)
        .where(
            Proposal.section_id.in_(section_ids),
            Proposal.status.in_(PENDING),
            Proposal.id.not_in(merge.proposal_ids),
        )
        .order_by(Proposal.id)
    ).all()
    if not pending:
        return
    versions = proposals.current_versions(session=session, proposals=pending)
    sections = {
        s.id: s for s in session.scalars(select(Section).where(Section.id.in_(section_ids)))
    }
    heads = proposals.base_bodies(session=session, keys=[(s.id, s.head) for s in sections.values()])
    section_of = {p.id: p.section_id for p in pending}
    by_section: dict[int, list[ProposalInput]] = defaultdict(list)
    for one in proposals.merge_inputs(session=session, proposals=pending):
        section_id = section_of[one.proposal_id]
        assert section_id is not None  # pending on one of section_ids
        by_section[section_id].append(one)
    carried: dict[int, MergeResult] = {}
    for section_id, inputs in by_section.items():
        section = sections[section_id]
        if section.deleted_at is None:
            carried.update(carry_each(heads.get((section_id, section.head), ""), inputs))
    for proposal in pending:
        assert proposal.section_id is not None
        _carry_one(
            session,
            proposal,
            versions[proposal.id],
            sections[proposal.section_id],
            carried.get(proposal.id),
            merge,
            user,
        )


def _carry_one(
    session: Session,
    proposal: Proposal,
    version: ProposalVersion,
    section: Section,
    result: MergeResult | None,
    merge: Merge,
    user: User,
) -> None:
    if result is None or not result.clean:
        proposal.needs_rebase = True
        action, summary = "needs_rebase", f"conflicts with merge #{merge.id}"
    else:
        proposal.status = next_status(proposal.status, Move.REBASE)
        proposal.version += 1
        session.add(
            ProposalVersion(
                proposal_id=proposal.id,
                number=proposal.version,
                base_revision=section.head,
                title=version.title,
                body=result.text(),
                rationale=version.rationale,
                author_id=user.id,
                note=f"re-based after merge #{merge.id}",
            )
        )
        action, summary = "rebased", f"onto revision {section.head} after merge #{merge.id}"
    audit.record(
        session=session,
        actor=user,
        action=f"proposal.{action}",
        object_type="proposal",
        object_id=proposal.id,
        summary=summary,
        data={
            "section_id": proposal.section_id,
            "delegation": proposal.delegation.code,
            "status": proposal.status.value,
        },
    )
