"""A living demo: the 2021 drafting round, seeded once through the real services.

Modelled on the process of spring 2021: the co-chairs (Spain and Belarus)
circulate a draft on 16 March 2021; the United States, Switzerland, the
Russian Federation and the CPC send proposals (two of them compete) and
comments; the group meets online on 27 April 2021. Idempotent: nothing is
added when the demo draft already exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.comments import service as comments
from app.comments.schemas import CommentCreate, Quote
from app.config import Settings
from app.documents import service as documents
from app.documents.models import Document, Section
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.meetings import service as meetings
from app.meetings.models import MeetingFormat
from app.meetings.schemas import MeetingCreate
from app.proposals import service as proposals
from app.proposals.models import Proposal
from app.proposals.schemas import Decision, ProposalCreate
from app.seed import DOCUMENT_SLUG

DRAFT_LABEL = "Draft of 16 March 2021"
CIRCULATED = datetime(2021, 3, 16, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Edit:
    user: str
    number: str
    old: str
    new: str
    rationale: str


EDITS = (
    Edit(
        "delegate.usa",
        "6.2",
        "catch-all principles should also apply",
        "catch-all principles shall also apply",
        "Transit and brokering are where non-State actors find the gaps; the guide should "
        "say so plainly.",
    ),
    Edit(
        "delegate.rus",
        "6.2",
        "catch-all principles should also apply",
        "catch-all principles could, in accordance with national legislation, also apply",
        "Each State decides the scope of its controls; the guide suggests, it does not prescribe.",
    ),
    Edit(
        "delegate.che",
        "8.3",
        "A coordination mechanism should manage the reporting process",
        "A standing interagency coordination mechanism should manage the reporting process",
        "Experience from peer reviews shows that ad hoc arrangements do not last.",
    ),
    Edit(
        "delegate.cpc",
        "7.2",
        "projects should be evaluated jointly",
        "projects should be evaluated jointly by the requesting State and the assistance provider",
        "The CPC can facilitate joint evaluations when both sides agree.",
    ),
)


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _section(session: Session, document: Document, number: str) -> Section:
    return session.scalars(
        select(Section).where(
            Section.document_id == document.id,
            Section.number == number,
            Section.deleted_at.is_(None),
        )
    ).one()


def _propose(session: Session, document: Document, edit: Edit, settings: Settings) -> Proposal:
    section = _section(session, document, edit.number)
    head = documents.get_revision(session=session, section=section)
    body = head.body.replace(edit.old, edit.new, 1)
    if body == head.body:
        raise ValueError(f"demo edit does not apply to section {edit.number}: {edit.old!r}")
    return proposals.create_amendment(
        session=session,
        section_id=section.id,
        user=_user(session, edit.user),
        data=ProposalCreate(base_revision=head.number, body=body, rationale=edit.rationale),
        settings=settings,
    )


def seed_demo_round(*, session: Session, settings: Settings) -> bool:
    """Seed the 2021 round once; return whether anything was added."""
    if session.scalar(select(Draft.id).where(Draft.label == DRAFT_LABEL)) is not None:
        return False
    document = documents.get_document(session=session, slug=DOCUMENT_SLUG)
    chair = _user(session, "chair.esp")
    draft = drafts.snapshot(
        session=session,
        document=document,
        user=chair,
        label=DRAFT_LABEL,
        reference="FSC.GAL/23/21",
        circulate=True,
        now=CIRCULATED,
    )
    usa, _rus, che, cpc = (_propose(session, document, e, settings) for e in EDITS)
    proposals.support(session=session, proposal=cpc, user=_user(session, "delegate.che"))
    proposals.support(session=session, proposal=usa, user=_user(session, "chair.blr"))
    _comment_threads(session, document)
    meeting = meetings.create(
        session=session,
        document=document,
        user=chair,
        data=MeetingCreate(
            title="Informal Group of Friends of UNSCR 1540: the draft Best Practice Guide",
            starts_on=date(2021, 4, 27),
            format=MeetingFormat.ONLINE,
            venue="Video conference",
            agenda="1. Opening by the co-chairs (Spain, Belarus)\n2. Comments on the draft of "
            "16 March 2021\n3. Way ahead",
            draft_id=draft.id,
            outcome="Comments from the United States, Switzerland, the Russian Federation and "
            "the CPC were heard; the co-chairs will prepare Rev.1.",
        ),
    )
    proposals.decide(
        session=session,
        proposal=che,
        user=chair,
        data=Decision(decision="accept", note="Agreed at the meeting.", meeting_id=meeting.id),
    )
    return True


def _comment_threads(session: Session, document: Document) -> None:
    section = _section(session, document, "6.2")
    first = comments.post_on_section(
        session=session,
        section=section,
        user=_user(session, "delegate.rus"),
        data=CommentCreate(
            body="This paragraph goes beyond what the resolution requires.",
            quote=Quote(exact="catch-all principles should also apply", prefix="consider whether "),
        ),
    )
    comments.post_on_section(
        session=session,
        section=section,
        user=_user(session, "delegate.usa"),
        data=CommentCreate(
            body="Operative paragraph 3(d) covers transit and brokering explicitly.",
            parent_id=first.id,
        ),
    )
    comments.post_on_section(
        session=session,
        section=_section(session, document, "8.3"),
        user=_user(session, "delegate.cpc"),
        data=CommentCreate(body="The CPC can share the template used in recent peer reviews."),
    )
