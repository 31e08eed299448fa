"""A redline between two drafts, each change credited: the database side.

For every section the newer draft pins, the revisions between the one the
older draft pinned and the one the newer pins become ``attribution.Step`` s.
A merged revision's step carries the changes of the proposals it merged
(``RevisionSource`` rows credited ``clean`` or ``chosen``: the proposal's
current version, from its base revision to its text). Proposals credited with
a ``compromise`` or ``bracketed`` resolution are left out on purpose: the
chair wrote that text, so it is credited to the revision's delegation, the
chair's. Removed sections are credited to the merged proposals that deleted
them. All reads are a fixed number of queries, whatever the number of
sections.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.comments.models import Comment
from app.documents.models import SectionRevision
from app.drafts import service as drafts
from app.drafts.models import Draft, DraftSection
from app.exports.attribution import ProposalChange, Step, attribute
from app.exports.builders import Change, NoteComment, ProposalNote, RedlineSection
from app.merges.models import RevisionSource
from app.proposals import service as proposals
from app.proposals.models import Proposal, ProposalKind, ProposalStatus, ProposalVersion
from app.visibility import public_proposals

CREDITED_AS_WRITTEN = ("clean", "chosen")
Pinned = tuple[DraftSection, SectionRevision]
History = dict[int, dict[int, SectionRevision]]


def redline_sections(
    *, session: Session, old: Draft, new: Draft, progress: Callable[[], None] | None = None
) -> list[RedlineSection]:
    """The newer draft's sections in reading order, removed ones after their predecessor."""
    a_rows = drafts.pinned(session=session, draft=old)
    b_rows = drafts.pinned(session=session, draft=new)
    a = {row.section_id: (row, rev) for row, rev in a_rows}
    b_ids = {row.section_id for row, _ in b_rows}
    moved = [
        row.section_id
        for row, rev in b_rows
        if row.section_id not in a or a[row.section_id][1].number != rev.number
    ]
    history = _history(session, moved)
    sources = _sources(session, history)
    removed = _removals(session, [s for s in a if s not in b_ids], a)
    out: list[RedlineSection] = [removed[s] for s in _leading(a_rows, b_ids)]
    for row, rev in b_rows:
        before = a.get(row.section_id)
        out.append(_section(row, rev, before, history, sources))
        out.extend(removed[s] for s in _following(a_rows, row.section_id, b_ids))
        if progress:
            progress()
    return out


def _leading(a_rows: Sequence[Pinned], kept: set[int]) -> list[int]:
    out = []
    for row, _ in a_rows:
        if row.section_id in kept:
            break
        out.append(row.section_id)
    return out


def _following(a_rows: Sequence[Pinned], section_id: int, kept: set[int]) -> list[int]:
    ids = [row.section_id for row, _ in a_rows]
    if section_id not in ids:
        return []
    out = []
    for sid in ids[ids.index(section_id) + 1 :]:
        if sid in kept:
            break
        out.append(sid)
    return out


def _section(
    row: DraftSection,
    rev: SectionRevision,
    before: Pinned | None,
    history: History,
    sources: dict[int, tuple[ProposalChange, ...]],
) -> RedlineSection:
    if before is not None and before[1].number == rev.number:
        changes = (Change("equal", rev.body),) if rev.body else ()
        return RedlineSection(
            row.section_id, row.number, rev.title, row.level, changes, "unchanged"
        )
    old_body = before[1].body if before else ""
    first = before[1].number if before else 0
    steps = _steps(history.get(row.section_id, {}), first, rev, sources)
    return RedlineSection(
        row.section_id,
        row.number,
        rev.title,
        row.level,
        attribute(old_body, rev.body, steps),
        "changed" if before else "added",
    )


def _steps(
    revisions: dict[int, SectionRevision],
    first: int,
    last: SectionRevision,
    sources: dict[int, tuple[ProposalChange, ...]],
) -> list[Step]:
    if last.number <= first:  # comparing with a later draft: one step back
        return [Step("", last.body, _code(last), last.created_at)]
    steps = []
    for number in range(first + 1, last.number + 1):
        rev = revisions.get(number)
        if rev is None:
            continue
        previous = revisions.get(number - 1)
        steps.append(
            Step(
                before=previous.body if previous else "",
                after=rev.body,
                author=_code(rev),
                date=rev.created_at,
                proposals=sources.get(rev.id, ()),
            )
        )
    return steps


def _code(rev: SectionRevision) -> str:
    return rev.delegation.code if rev.delegation else ""


def _history(session: Session, section_ids: Sequence[int]) -> History:
    out: History = defaultdict(dict)
    if section_ids:
        for rev in session.scalars(
            select(SectionRevision).where(SectionRevision.section_id.in_(section_ids))
        ):
            out[rev.section_id][rev.number] = rev
    return out


def _sources(session: Session, history: History) -> dict[int, tuple[ProposalChange, ...]]:
    """For each merged revision, the changes of the proposals it merged as written."""
    merged = {r.id: r for revs in history.values() for r in revs.values() if r.source == "merge"}
    if not merged:
        return {}
    links = session.execute(
        select(RevisionSource.revision_id, RevisionSource.proposal_id).where(
            RevisionSource.revision_id.in_(merged), RevisionSource.how.in_(CREDITED_AS_WRITTEN)
        )
    ).all()
    found = _proposals(session, {pid for _, pid in links})
    out: dict[int, list[ProposalChange]] = defaultdict(list)
    for rev_id, pid in sorted(links):
        if pid not in found:
            continue
        proposal, version = found[pid]
        revs = history.get(merged[rev_id].section_id, {})
        base = revs.get(version.base_revision or 0)
        after = "" if proposal.kind == ProposalKind.DELETE else version.body
        out[rev_id].append(
            ProposalChange(
                base.body if base else "", after, (proposal.delegation.code,), (proposal.id,)
            )
        )
    return {rev_id: tuple(changes) for rev_id, changes in out.items()}


def _proposals(session: Session, ids: set[int]) -> dict[int, tuple[Proposal, ProposalVersion]]:
    if not ids:
        return {}
    found = session.scalars(select(Proposal).where(Proposal.id.in_(ids))).all()
    versions = proposals.current_versions(session=session, proposals=found)
    return {p.id: (p, versions[p.id]) for p in found if p.id in versions}


def _removals(
    session: Session, section_ids: Sequence[int], a: dict[int, Pinned]
) -> dict[int, RedlineSection]:
    """Sections the newer draft no longer has, deleted whole, credited to the deleters."""
    deleters: dict[int, list[Proposal]] = defaultdict(list)
    if section_ids:
        for p in session.scalars(
            select(Proposal)
            .where(
                Proposal.section_id.in_(section_ids),
                Proposal.kind == ProposalKind.DELETE,
                Proposal.status == ProposalStatus.MERGED,
            )
            .order_by(Proposal.id)
        ):
            deleters[p.section_id or 0].append(p)
    out = {}
    for sid in section_ids:
        row, rev = a[sid]
        who = deleters.get(sid, [])
        codes = tuple(sorted({p.delegation.code for p in who}))
        step = Step(
            rev.body,
            "",
            ", ".join(codes),
            max((p.updated_at for p in who), default=None),
            (ProposalChange(rev.body, "", codes, tuple(p.id for p in who)),) if codes else (),
        )
        changes = attribute(rev.body, "", [step])
        out[sid] = RedlineSection(sid, row.number, rev.title, row.level, changes, "removed")
    return out


def proposal_notes(session: Session, ids: Sequence[int]) -> dict[int, ProposalNote]:
    """What the Word comments on these proposals' changes say, as anyone may read it.

    Only submitted proposals (a merged proposal always was) and comments
    everyone may read (``Comment.audience_id`` is None): a redline goes to
    every delegation.
    """
    if not ids:
        return {}
    found = session.scalars(select(Proposal).where(Proposal.id.in_(ids), public_proposals())).all()
    versions = proposals.current_versions(session=session, proposals=found)
    supporters = proposals.supporters(session=session, proposal_ids=[p.id for p in found])
    threads: dict[int, list[NoteComment]] = defaultdict(list)
    for comment in session.scalars(
        select(Comment)
        .where(
            Comment.proposal_id.in_([p.id for p in found]),
            Comment.deleted_at.is_(None),
            Comment.audience_id.is_(None),
        )
        .order_by(Comment.id)
    ):
        threads[comment.proposal_id or 0].append(
            NoteComment(
                comment.delegation.code,
                comment.body,
                comment.created_at,
                comment.resolved_at is not None,
            )
        )
    out = {}
    for p in found:
        decided = None
        if p.decision_note and p.decided_at is not None:
            who = p.decided_by.delegation.code if p.decided_by is not None else "Chair"
            decided = NoteComment(who, p.decision_note, p.decided_at)
        out[p.id] = ProposalNote(
            id=p.id,
            delegation=p.delegation.code,
            supporters=tuple(supporters.get(p.id, ())),
            rationale=versions[p.id].rationale if p.id in versions else "",
            date=p.submitted_at,
            decision=decided,
            discussion=tuple(threads.get(p.id, ())),
        )
    return out
