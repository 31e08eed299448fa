"""Drafts as clients read them, and the comparison of two drafts."""

from __future__ import annotations

from datetime import datetime
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.markdown import render_markdown
from app.core.redline import redline_html
from app.documents.models import Document, SectionRevision
from app.drafts import service
from app.drafts.models import Draft, DraftSection
from app.drafts.schemas import (
    DraftComparison,
    DraftRead,
    DraftSectionRead,
    ObjectionRead,
    SectionComparison,
)
from app.meetings.models import Meeting
from app.merges.models import Merge

Pinned = dict[int, tuple[DraftSection, SectionRevision]]


def read(*, session: Session, draft: Draft, now: datetime) -> DraftRead:
    slug = session.scalar(select(Document.slug).where(Document.id == draft.document_id)) or ""
    merge = session.scalar(select(Merge).where(Merge.draft_id == draft.id))
    meetings = session.scalars(select(Meeting.id).where(Meeting.draft_id == draft.id)).all()
    status = service.effective_status(draft, now)
    return DraftRead(
        id=draft.id,
        document=slug,
        label=draft.label,
        reference=draft.reference,
        status=status.value,
        previous_id=draft.previous_id,
        created_by=draft.created_by.username if draft.created_by else None,
        created_at=draft.created_at,
        circulated_at=draft.circulated_at,
        silence_deadline=draft.silence_deadline,
        adopted_at=draft.adopted_at or (draft.silence_deadline if status == "adopted" else None),
        objections=[
            ObjectionRead(
                id=o.id, delegation=o.delegation.code, text=o.text, created_at=o.created_at
            )
            for o in service.objections(session=session, draft=draft)
        ],
        meetings=list(meetings),
        provenance=sorted(merge.proposal_ids) if merge else [],
        sections=[
            DraftSectionRead(
                section_id=row.section_id,
                number=row.number,
                title=rev.title,
                revision=rev.number,
                level=row.level,
                parent_id=row.parent_id,
                agreement=row.agreement.value,
            )
            for row, rev in service.pinned(session=session, draft=draft)
        ],
    )


def _moved(a: Pinned, b: Pinned, order_a: list[int], order_b: list[int]) -> set[int]:
    """Sections whose place changed: a new parent, or outside the longest common order."""
    common_a = [s for s in order_a if s in b]
    common_b = [s for s in order_b if s in a]
    matcher = SequenceMatcher(a=common_a, b=common_b, autojunk=False)
    kept = {s for blk in matcher.get_matching_blocks() for s in common_a[blk.a : blk.a + blk.size]}
    reparented = {s for s in common_b if a[s][0].parent_id != b[s][0].parent_id}
    return (set(common_b) - kept) | reparented


def compare(*, session: Session, old: Draft, new: Draft) -> DraftComparison:
    """Per-section redlines from ``old`` to ``new``, with added, removed and moved sections."""
    a_rows = service.pinned(session=session, draft=old)
    b_rows = service.pinned(session=session, draft=new)
    a: Pinned = {row.section_id: (row, rev) for row, rev in a_rows}
    b: Pinned = {row.section_id: (row, rev) for row, rev in b_rows}
    moved = _moved(a, b, [r.section_id for r, _ in a_rows], [r.section_id for r, _ in b_rows])
    out = []
    for sid, (row, rev) in b.items():
        if sid not in a:
            out.append(_entry(sid, "added", None, (row, rev), redline_html("", rev.body)))
            continue
        before = a[sid]
        same = before[1].number == rev.number
        change = "moved" if sid in moved else ("unchanged" if same else "changed")
        html = render_markdown(rev.body) if same else redline_html(before[1].body, rev.body)
        out.append(_entry(sid, change, before, (row, rev), html))
    for sid, before in a.items():
        if sid not in b:
            out.append(_entry(sid, "removed", before, None, redline_html(before[1].body, "")))
    return DraftComparison(from_draft=old.id, to_draft=new.id, sections=out)


def _entry(
    sid: int,
    change: str,
    before: tuple[DraftSection, SectionRevision] | None,
    after: tuple[DraftSection, SectionRevision] | None,
    html: str,
) -> SectionComparison:
    return SectionComparison(
        section_id=sid,
        change=change,
        number_from=before[0].number if before else None,
        number_to=after[0].number if after else None,
        title_from=before[1].title if before else None,
        title_to=after[1].title if after else None,
        revision_from=before[1].number if before else None,
        revision_to=after[1].number if after else None,
        html=html,
    )
