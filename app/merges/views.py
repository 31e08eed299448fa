"""A merge plan as clients read it."""

from __future__ import annotations

from app.core.merge import Conflict, bracket
from app.merges.models import Merge
from app.merges.plan import MergePlan, SectionPlan, conflicts_of
from app.merges.schemas import (
    AdditionRead,
    AlternativeRead,
    ConflictRead,
    MergeRead,
    SectionMerge,
)


def _conflict(cid: str, kind: str, conflict: Conflict) -> ConflictRead:
    return ConflictRead(
        id=cid,
        kind=kind,
        base_text=conflict.base_text,
        bracketed=bracket(conflict),
        alternatives=[
            AlternativeRead(
                text=a.text, proposal_ids=list(a.proposal_ids), delegations=list(a.delegations)
            )
            for a in conflict.alternatives
        ],
    )


def _section(plan: SectionPlan) -> SectionMerge:
    body = plan.body
    shown = (
        body.text()
        if body.clean
        else body.resolved_text({i: bracket(c) for i, c in enumerate(body.conflicts)})
    )
    title = plan.title if isinstance(plan.title, str) else bracket(plan.title)
    conflicts = conflicts_of(plan)
    return SectionMerge(
        section_id=plan.section.id,
        number=plan.section.number,
        title=plan.head.title,
        head_revision=plan.head.number,
        proposal_ids=[p.id for p in plan.proposals],
        merged_body=shown,
        merged_title=title,
        clean=not conflicts,
        deletes_section=plan.deletes and body.clean and not shown.strip(),
        conflicts=[_conflict(cid, kind, c) for cid, kind, c in conflicts],
    )


def read(merge: Merge, plan: MergePlan) -> MergeRead:
    return MergeRead(
        id=merge.id,
        status=merge.status,
        proposal_ids=merge.proposal_ids,
        clean=plan.clean,
        sections=[_section(s) for s in plan.sections],
        additions=[
            AdditionRead(
                proposal_id=a.proposal.id,
                delegation=a.proposal.delegation.code,
                title=a.version.title,
                body=a.version.body,
                parent_id=a.proposal.parent_id,
                after_id=a.proposal.after_id,
            )
            for a in plan.additions
        ],
        created_at=merge.created_at,
        draft_id=merge.draft_id,
    )
