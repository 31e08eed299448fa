"""After a merge: add the new sections, and carry pending proposals forward.

A pending proposal on a section that moved is re-based when the merge engine
carries its change onto the new text without conflict: it gets a new version
made against the new revision, with the same change. Otherwise it is flagged
``needs_rebase`` for its delegation to revise.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.config import Settings
from app.core.merge import merge as merge_texts
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
    """Re-base or flag every pending proposal on the sections this merge changed."""
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
    for proposal in pending:
        _carry_one(session, proposal, merge, user)


def _carry_one(session: Session, proposal: Proposal, merge: Merge, user: User) -> None:
    section = session.get(Section, proposal.section_id)
    assert section is not None
    version = proposals.current_version(session=session, proposal=proposal)
    inputs = proposals.merge_inputs(session=session, proposals=[proposal])
    result = None
    if section.deleted_at is None and inputs:
        head = documents.get_revision(session=session, section=section)
        result = merge_texts(head.body, inputs)
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
    session.flush()
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
