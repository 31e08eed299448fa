"""Plan a merge: group accepted proposals by section and run the merge engine.

Planning reads only; it is run for the preview and again, identically, at
commit (accepted proposals cannot change, and the commit refuses sections
whose head moved), so the preview is exactly what gets committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.merge import Alternative, Conflict, MergeResult, merge
from app.documents import service as documents
from app.documents.models import Document, Section, SectionRevision
from app.errors import InvalidInput, StateConflict
from app.proposals import service as proposals
from app.proposals.models import Proposal, ProposalKind, ProposalStatus, ProposalVersion
from app.visibility import proposals_readable_by


@dataclass(frozen=True)
class SectionPlan:
    section: Section
    head: SectionRevision
    proposals: tuple[Proposal, ...]
    body: MergeResult
    title: str | Conflict  # the merged title, or the conflict between title changes
    deletes: bool  # a deletion proposal is part of the merge

    def conflict_ids(self) -> list[str]:
        ids = [f"{self.section.id}.{i}" for i in range(len(self.body.conflicts))]
        return ids + ([f"{self.section.id}.title"] if isinstance(self.title, Conflict) else [])


@dataclass(frozen=True)
class Addition:
    proposal: Proposal
    version: ProposalVersion


@dataclass(frozen=True)
class MergePlan:
    sections: tuple[SectionPlan, ...]
    additions: tuple[Addition, ...]

    @property
    def clean(self) -> bool:
        return all(not p.conflict_ids() for p in self.sections)


def load_accepted(
    *, session: Session, document: Document, ids: Sequence[int], user: User | None
) -> list[Proposal]:
    """The proposals to merge: all must exist in the document and be accepted.

    Another delegation's private work is reported missing, like an unknown id
    (``user`` None: a merge already previewed, whose proposals were all public).
    """
    wanted = sorted(set(ids))
    stmt = select(Proposal).where(Proposal.id.in_(wanted))
    if user is not None:
        stmt = stmt.where(proposals_readable_by(user))
    found = {p.id: p for p in session.scalars(stmt)}
    missing = [i for i in wanted if i not in found or found[i].document_id != document.id]
    if missing:
        raise InvalidInput(f"no proposals {missing} in '{document.slug}'")
    not_accepted = [
        f"{i} ({found[i].status.value})"
        for i in wanted
        if found[i].status != ProposalStatus.ACCEPTED
    ]
    if not_accepted:
        raise StateConflict(f"only accepted proposals can be merged: {', '.join(not_accepted)}")
    return [found[i] for i in wanted]


def plan_merge(*, session: Session, document: Document, accepted: Sequence[Proposal]) -> MergePlan:
    by_section: dict[int, list[Proposal]] = defaultdict(list)
    additions = []
    versions = proposals.current_versions(
        session=session, proposals=[p for p in accepted if p.kind == ProposalKind.ADD]
    )
    for p in accepted:
        if p.kind == ProposalKind.ADD:
            additions.append(Addition(p, versions[p.id]))
        elif p.section_id is not None:
            by_section[p.section_id].append(p)
    plans = [_plan_section(session, section_id, group) for section_id, group in by_section.items()]
    plans.sort(key=lambda pl: [int(x) for x in pl.section.number.split(".")])
    return MergePlan(sections=tuple(plans), additions=tuple(additions))


def _plan_section(session: Session, section_id: int, group: list[Proposal]) -> SectionPlan:
    section = documents.get_section(session=session, section_id=section_id)
    head = documents.get_revision(session=session, section=section)
    inputs = proposals.merge_inputs(session=session, proposals=group)
    versions = proposals.current_versions(session=session, proposals=group)
    titles = {p.id: versions[p.id].title for p in group if p.kind == ProposalKind.AMEND}
    return SectionPlan(
        section=section,
        head=head,
        proposals=tuple(group),
        body=merge(head.body, inputs),
        title=_merge_titles(head.title, titles, {p.id: p.delegation.code for p in group}),
        deletes=any(p.kind == ProposalKind.DELETE for p in group),
    )


def _merge_titles(current: str, titles: dict[int, str], codes: dict[int, str]) -> str | Conflict:
    """One new title if the proposals that change it agree; else a conflict."""
    changes: dict[str, list[int]] = defaultdict(list)
    for pid, title in sorted(titles.items()):
        if title != current:
            changes[title].append(pid)
    if not changes:
        return current
    if len(changes) == 1:
        return next(iter(changes))
    alternatives = [Alternative(current, (), ())] + [
        Alternative(t, tuple(ids), tuple(sorted({codes[i] for i in ids})))
        for t, ids in sorted(changes.items(), key=lambda kv: kv[1][0])
    ]
    return Conflict(base_text=current, alternatives=tuple(alternatives))


def conflicts_of(plan: SectionPlan) -> list[tuple[str, str, Conflict]]:
    """``(conflict id, kind, conflict)`` for every conflict of a section plan."""
    out = [(f"{plan.section.id}.{i}", "body", c) for i, c in enumerate(plan.body.conflicts)]
    if isinstance(plan.title, Conflict):
        out.append((f"{plan.section.id}.title", "title", plan.title))
    return out
