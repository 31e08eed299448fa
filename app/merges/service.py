"""Merge rules: preview accepted proposals, resolve conflicts, commit in one transaction.

Commit writes, for every changed section, one revision whose provenance
(``RevisionSource``) lists the proposals it contains; marks the proposals
merged; makes a new working draft; and carries pending proposals on changed
sections forward (re-based where they still merge cleanly, else flagged
``needs_rebase``). It refuses when a section moved since the preview or a
conflict is unresolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.policy import Action, require
from app.config import Settings
from app.core.merge import Clean, Conflict, bracket
from app.documents import service as documents
from app.documents.models import Document
from app.drafts import service as drafts
from app.drafts.models import Agreement, Draft
from app.errors import InvalidInput, NotFound, StateConflict
from app.merges import carry
from app.merges.models import Merge, RevisionSource
from app.merges.plan import MergePlan, SectionPlan, conflicts_of, load_accepted, plan_merge
from app.merges.schemas import Resolution
from app.proposals.models import Proposal
from app.proposals.states import Move, next_status


def plan_preview(
    *, session: Session, document: Document, user: User, proposal_ids: list[int]
) -> MergePlan:
    """Read-only: the merge of accepted proposals (the slow part; run it before writing)."""
    require(user, Action.MERGE)
    accepted = load_accepted(session=session, document=document, ids=proposal_ids, user=user)
    return plan_merge(session=session, document=document, accepted=accepted)


def record_preview(*, session: Session, document: Document, user: User, plan: MergePlan) -> Merge:
    """Keep a planned merge as a preview; commit re-checks that no section moved since."""
    require(user, Action.MERGE)
    accepted = {p.id for s in plan.sections for p in s.proposals} | {
        a.proposal.id for a in plan.additions
    }
    row = Merge(
        document_id=document.id,
        created_by_id=user.id,
        proposal_ids=sorted(accepted),
        heads={str(p.section.id): p.head.number for p in plan.sections},
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="merge.previewed",
        object_type="merge",
        object_id=row.id,
        summary=f"{len(accepted)} proposals",
        data={"proposal_ids": row.proposal_ids, "clean": plan.clean},
    )
    return row


def get_merge(*, session: Session, merge_id: int, user: User) -> Merge:
    require(user, Action.MERGE)
    row = session.get(Merge, merge_id)
    if row is None:
        raise NotFound(f"no merge {merge_id}")
    return row


def replan(*, session: Session, merge: Merge) -> MergePlan:
    document = session.get(Document, merge.document_id)
    assert document is not None
    accepted = load_accepted(session=session, document=document, ids=merge.proposal_ids, user=None)
    return plan_merge(session=session, document=document, accepted=accepted)


def _check_unmoved(session: Session, merge: Merge) -> None:
    for sid, head in merge.heads.items():
        section = documents.get_section(session=session, section_id=int(sid), for_update=True)
        if section.head != head:
            raise StateConflict(
                f"section {section.number} moved to revision {section.head} since the preview "
                f"(made on revision {head}); preview the merge again"
            )


def _resolve(cid: str, conflict: Conflict, res: Resolution) -> tuple[str, set[int], str]:
    """The text chosen for one conflict, the proposals it credits, and how."""
    every = {pid for alt in conflict.alternatives for pid in alt.proposal_ids}
    if res.bracket:
        return bracket(conflict), every, "bracketed"
    if res.text is not None:
        return res.text, every, "compromise"
    if res.choose == 0:
        return conflict.base_text, set(), "chosen"
    for alt in conflict.alternatives:
        if res.choose in alt.proposal_ids:
            return alt.text, set(alt.proposal_ids), "chosen"
    raise InvalidInput(f"conflict {cid}: proposal {res.choose} is not one of its alternatives")


# How directly a merged revision carries a proposal's own words.
_STRENGTH = {"chosen": 0, "clean": 1, "compromise": 2, "bracketed": 3}


def _apply_section(
    session: Session,
    merge: Merge,
    plan: SectionPlan,
    resolutions: Mapping[str, Resolution],
    user: User,
    now: datetime,
) -> tuple[bool, bool]:
    """Write the section's merged revision; return (changed, bracketed)."""
    credited: dict[int, str] = {
        pid: "clean"
        for seg in plan.body.segments
        if isinstance(seg, Clean)
        for pid in seg.proposal_ids
    }
    choices: dict[int, str] = {}
    title, bracketed = plan.title if isinstance(plan.title, str) else plan.head.title, False
    for cid, kind, conflict in conflicts_of(plan):
        text, ids, how = _resolve(cid, conflict, resolutions[cid])
        for pid in ids:  # keep the strongest claim: its own words beat the chair's
            if _STRENGTH[how] < _STRENGTH[credited.get(pid, "bracketed")] or pid not in credited:
                credited[pid] = how
        bracketed |= how == "bracketed"
        if kind == "title":
            title = text
        else:
            choices[len(choices)] = text
    body = plan.body.resolved_text(choices) if plan.body.conflicts else plan.body.text()
    if plan.deletes and not body.strip():
        plan.section.deleted_at = now
        _credit(session, merge, plan.head.id, plan, credited)
        return True, False
    if (body, title) == (plan.head.body, plan.head.title):
        return False, bracketed
    rev = documents.add_revision(
        session=session,
        section=plan.section,
        title=title,
        body=body,
        author=user,
        message=f"Merge #{merge.id}: proposals {', '.join(map(str, sorted(credited)))}",
        source="merge",
    )
    _credit(session, merge, rev.id, plan, credited)
    return True, bracketed


def _credit(
    session: Session, merge: Merge, revision_id: int, plan: SectionPlan, credited: Mapping[int, str]
) -> None:
    by_id = {p.id: p for p in plan.proposals}
    for pid, how in sorted(credited.items()):
        session.add(
            RevisionSource(
                revision_id=revision_id,
                proposal_id=pid,
                merge_id=merge.id,
                delegation_id=by_id[pid].delegation_id,
                how=how,
            )
        )


def commit(
    *,
    session: Session,
    merge: Merge,
    user: User,
    resolutions: Mapping[str, Resolution],
    label: str,
    reference: str,
    now: datetime,
    settings: Settings,
) -> Draft:
    """Apply a previewed merge: revisions, merged proposals, a new working draft."""
    require(user, Action.MERGE)
    if merge.status != "preview":
        raise StateConflict(f"merge {merge.id} was already committed")
    _check_unmoved(session, merge)
    plan = replan(session=session, merge=merge)
    _check_resolutions(plan, resolutions)
    changed, agreement = [], {}
    for section_plan in plan.sections:
        did_change, bracketed = _apply_section(session, merge, section_plan, resolutions, user, now)
        if did_change:
            changed.append(section_plan.section.id)
        if bracketed:
            agreement[section_plan.section.id] = Agreement.BRACKETED
    document = session.get(Document, merge.document_id)
    assert document is not None
    carry.add_sections(
        session=session,
        merge=merge,
        additions=plan.additions,
        user=user,
        document=document,
        settings=settings,
    )
    documents.renumber(session=session, document=document)
    for proposal in session.scalars(select(Proposal).where(Proposal.id.in_(merge.proposal_ids))):
        proposal.status = next_status(proposal.status, Move.MERGE)
        proposal.updated_at = now
    session.flush()
    carry.forward(session=session, section_ids=changed, merge=merge, user=user)
    draft = drafts.snapshot(
        session=session,
        document=document,
        user=user,
        label=label,
        reference=reference,
        circulate=False,
        now=now,
        agreement=agreement,
    )
    merge.status, merge.committed_at, merge.draft_id = "committed", now, draft.id
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="merge.committed",
        object_type="merge",
        object_id=merge.id,
        summary=f"{label}: {len(merge.proposal_ids)} proposals",
        data={"draft_id": draft.id, "proposal_ids": merge.proposal_ids, "sections": changed},
    )
    return draft


def _check_resolutions(plan: MergePlan, resolutions: Mapping[str, Resolution]) -> None:
    needed = {cid for p in plan.sections for cid in p.conflict_ids()}
    unknown = sorted(set(resolutions) - needed)
    if unknown:
        raise InvalidInput(f"no conflicts with ids {unknown} in this merge")
    missing = sorted(needed - set(resolutions))
    if missing:
        raise StateConflict(f"unresolved conflicts: {', '.join(missing)}")
