"""The reference corpus in a real database, for the service benchmark.

:func:`fresh_database` gives a migrated, empty database: a SQLite file in a
temporary folder, or a PostgreSQL database ``bench_<random hex>`` created on
``127.0.0.1:5432`` and dropped with ``DROP DATABASE … WITH (FORCE)`` afterwards.

:func:`build` fills it through the service layer, in a few transactions and
without HTTP (building is not what is measured):

- the seed (delegations, the 49 sections of the guide, the demo users) and one
  delegate per participating State (57);
- the guide grown to 150 sections: 101 more subsections of Markdown prose
  (paragraphs, headings, bullet and numbered lists, about 1.5-2.5 KB each),
  generated deterministically from ``random.Random(1540)``;
- "Draft of 16 March 2021", circulated; then a first round: one proposal per
  section (a few word edits by a State), accepted and merged by the chair
  (``chair.esp``), and the merge's working draft circulated as Rev.1. The
  tracked-change export of Rev.1 ``changes_since`` the March draft thus has
  word changes in every section, credited to delegations;
- :meth:`Corpus.grow_to` then adds pending proposals by the States until the
  corpus holds N of them (cumulative: 10, then 100, 500, 2,000). They are
  mostly small word edits (replace, insert or delete a word or a phrase);
  about one edit in four lands on or next to a word an earlier proposal on the
  same section changed, so some proposals compete; one in five is made against
  the March draft's revision (an older base); one in four is accepted by the
  chair and one in five is co-sponsored by another State. A few "hot"
  sections draw six times the share of the others.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import Role, User
from app.config import Settings
from app.db import Database
from app.delegations.models import Delegation, DelegationKind
from app.documents import service as documents
from app.documents.models import Document, Section, SectionRevision
from app.drafts import service as drafts
from app.merges import service as merges
from app.migrate import upgrade
from app.proposals import service as proposals
from app.proposals.models import Proposal
from app.proposals.schemas import Decision, ProposalCreate
from app.seed import DOCUMENT_SLUG, seed_all
from tests.dbs import settings_for

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SEED = 1540
SECTIONS = 150
SIZES = (10, 100, 500, 2000)
PASSWORD = "bench-password-0123"
CHAIR = "chair.esp"
READER = "delegate.usa"  # a demo delegate: the reader of the throughput and read timings
ACCEPT_EVERY = 4
SUPPORT_EVERY = 5
STALE_SHARE = 0.2
OVERLAP_SHARE = 0.25
HOT_SECTIONS = 10
HOT_WEIGHT = 6
DRAFT_A = ("Draft of 16 March 2021", "FSC.GAL/23/21", datetime(2021, 3, 16, 10, tzinfo=UTC))
REV_1 = ("Rev.1", "FSC.GAL/23/21/Rev.1", datetime(2021, 5, 10, 10, tzinfo=UTC))

# ------------------------------------------------------------------ prose

SUBJECTS = (
    "States",
    "Participating States",
    "Competent authorities",
    "National regulators",
    "Customs services",
    "Licensing authorities",
    "Law enforcement agencies",
    "Operators of facilities",
    "Exporters",
    "Research institutions",
    "The national point of contact",
    "Interagency working groups",
    "Border guards",
    "Prosecutors",
    "Industry associations",
)
MODALS = ("should", "may", "could", "are encouraged to", "should, where appropriate,")
VERBS = (
    "review",
    "establish",
    "maintain",
    "strengthen",
    "update",
    "publish",
    "coordinate",
    "assess",
    "verify",
    "document",
    "share",
    "implement",
    "enforce",
    "promote",
)
OBJECTS = (
    "licensing procedures",
    "national control lists",
    "records of sensitive materials",
    "risk assessments",
    "end-user certificates",
    "national laws",
    "transit controls",
    "transport security plans",
    "training programmes",
    "outreach activities",
    "inspection schedules",
    "reporting obligations",
    "information on good practices",
    "penalties for violations",
    "physical protection measures",
    "brokering registers",
    "accounting systems for nuclear material",
)
QUALIFIERS = (
    "on a regular basis",
    "in accordance with national legislation",
    "in cooperation with industry",
    "with the support of the Conflict Prevention Centre",
    "taking into account the risks involved",
    "at least once a year",
    "in line with resolution 1540 (2004)",
    "where resources allow",
    "without undue delay",
    "in consultation with the 1540 Committee",
)
CONNECTORS = (
    "In practice,",
    "Where possible,",
    "In several participating States,",
    "As a rule,",
    "For this purpose,",
    "In addition,",
    "Moreover,",
)
PARTICIPLES = ("reviewed", "documented", "shared", "updated", "verified", "published")
RISKS = (
    "sensitive items reach non-State actors",
    "controls are circumvented through transit",
    "materials are diverted from legitimate use",
    "brokers operate outside any licensing system",
    "intangible transfers of technology go unnoticed",
)
TOPICS = (
    "Licensing of dual-use goods",
    "Transit and trans-shipment",
    "End-user verification",
    "Security of radioactive sources",
    "Biosecurity in laboratories",
    "Chemical inventories",
    "Outreach to industry",
    "Customs risk profiling",
    "Interagency coordination",
    "Penalties and enforcement",
    "Peer review",
    "Assistance requests",
    "Intangible technology transfer",
    "Brokering controls",
)
ASPECTS = (
    "legal basis",
    "institutional arrangements",
    "practical experience",
    "regional cooperation",
    "training and awareness",
    "record keeping",
    "review and evaluation",
    "information sharing",
)

# Edits: replacement words, phrases to insert, and the words a delegation may change.
REPLACEMENTS = {
    "should": ("shall", "could", "may"),
    "may": ("should", "could", "can"),
    "could": ("should", "may"),
    "regular": ("periodic", "annual", "systematic"),
    "national": ("domestic", "relevant national"),
    "sensitive": ("high-risk", "controlled"),
    "effective": ("appropriate effective", "robust"),
    "review": ("assess", "evaluate"),
    "establish": ("set up", "put in place"),
    "maintain": ("keep", "develop and maintain"),
    "strengthen": ("reinforce", "improve"),
    "share": ("exchange", "make available"),
    "encouraged": ("invited", "urged"),
    "risks": ("threats", "risks and threats"),
}
INSERTS = (
    "where appropriate",
    "in accordance with national legislation",
    "effective",
    "and regional",
    "as a matter of priority",
    "relevant",
    "voluntarily",
    "with full respect for human rights",
)
FALLBACKS = ("relevant", "appropriate", "competent", "specific", "key", "existing")
WORD = re.compile(r"^[A-Za-z][a-z-]+[,.;:]?$")


def sentence(rnd: random.Random) -> str:
    """One sentence of guide prose from a few templates."""
    pattern = rnd.randrange(5)
    if pattern == 0:
        return (
            f"{rnd.choice(SUBJECTS)} {rnd.choice(MODALS)} {rnd.choice(VERBS)} "
            f"{rnd.choice(OBJECTS)} {rnd.choice(QUALIFIERS)}."
        )
    if pattern == 1:
        subject = rnd.choice(SUBJECTS)
        subject = subject if subject.startswith("The") else subject.lower()
        subject = subject[0].lower() + subject[1:]
        return (
            f"{rnd.choice(CONNECTORS)} {subject} {rnd.choice(MODALS)} {rnd.choice(VERBS)} "
            f"{rnd.choice(OBJECTS)} and {rnd.choice(OBJECTS)}."
        )
    if pattern == 2:
        obj = rnd.choice(OBJECTS)
        return (
            f"{obj[0].upper()}{obj[1:]} should be {rnd.choice(PARTICIPLES)} "
            f"{rnd.choice(QUALIFIERS)}."
        )
    if pattern == 3:
        return (
            f"This helps to {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} and reduces the risk "
            f"that {rnd.choice(RISKS)}."
        )
    return (
        f"Experience shows that {rnd.choice(OBJECTS)} are more effective when "
        f"{rnd.choice(SUBJECTS).lower()} {rnd.choice(VERBS)} them {rnd.choice(QUALIFIERS)}."
    )


def paragraph(rnd: random.Random) -> str:
    return " ".join(sentence(rnd) for _ in range(rnd.randint(3, 5)))


def section_body(rnd: random.Random) -> str:
    """About 1.5-2.5 KB of Markdown: paragraphs, a heading, a bullet or numbered list."""
    target = rnd.randint(1500, 2500)
    blocks = [paragraph(rnd)]
    while sum(len(b) + 2 for b in blocks) < target - 150:
        roll = rnd.random()
        if roll < 0.2:
            blocks.append(f"### {rnd.choice(ASPECTS).capitalize()}")
            blocks.append(paragraph(rnd))
        elif roll < 0.4:
            numbered = rnd.random() < 0.4
            items = [
                f"{f'{i + 1}.' if numbered else '-'} **{rnd.choice(ASPECTS).capitalize()}.** "
                f"{sentence(rnd)}"
                for i in range(rnd.randint(2, 4))
            ]
            blocks.append("Suggested practices include:")
            blocks.append("\n".join(items))
        else:
            blocks.append(paragraph(rnd))
    return "\n\n".join(blocks) + "\n"


def section_title(rnd: random.Random) -> str:
    return f"{rnd.choice(TOPICS)}: {rnd.choice(ASPECTS)}"


def edit(rnd: random.Random, body: str, changes: int, hotspots: list[int]) -> str:
    """``changes`` small edits of plain words; some on or next to earlier ones (``hotspots``).

    Replace a word or a two-word phrase, insert a word or phrase, delete a word
    or two. Markdown markers (``-``, ``1.``, ``###``, ``**``) are never touched.
    """
    words = body.split(" ")
    for _ in range(changes):
        plain = [i for i, w in enumerate(words) if WORD.match(w)]
        if hotspots and rnd.random() < OVERLAP_SHARE:
            at = min(max(rnd.choice(hotspots) + rnd.randint(-1, 1), 0), len(words) - 1)
            if not WORD.match(words[at]):
                at = rnd.choice(plain)
        else:
            at = rnd.choice(plain)
        hotspots.append(at)
        word = words[at]
        stem, tail = word.rstrip(",.;:"), word[len(word.rstrip(",.;:")) :]
        roll = rnd.random()
        if roll < 0.5:
            choices = REPLACEMENTS.get(stem.lower())
            new = rnd.choice(choices or FALLBACKS)
            if stem[0].isupper():
                new = new[0].upper() + new[1:]
            words[at] = new + tail
        elif roll < 0.8:
            words[at] = f"{word} {rnd.choice(INSERTS)}" if not tail else f"{stem} {word}"
        elif not tail and at + 1 < len(words) and WORD.match(words[at + 1]):
            del words[at]  # the next word stays, with its punctuation
        else:
            words[at] = f"{stem} and {rnd.choice(INSERTS)}{tail}"
    return " ".join(words)


# ------------------------------------------------------------------ databases


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """A migrated, empty database of ``kind`` (``sqlite`` or ``postgresql``); yields its URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-service-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    ensure_postgres()
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ensure_postgres() -> None:
    """Start the local cluster if nothing answers on 5432 (as ``bench.soak`` does)."""
    engine = create_engine(PG_ADMIN)
    try:
        with engine.connect():
            return
    except Exception:
        versions = os.listdir("/etc/postgresql")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"], check=True
        )
        time.sleep(2)
    finally:
        engine.dispose()


# ------------------------------------------------------------------ the corpus


@dataclass
class SectionText:
    """A section's current text and the March draft's (the older base)."""

    id: int
    head: int
    body: str
    old_revision: int
    old_body: str
    weight: int = 1


@dataclass
class Corpus:
    """The reference corpus in one database, growing in pending proposals."""

    url: str
    settings: Settings
    database: Database
    rnd: random.Random
    sections: list[SectionText]
    states: list[str]  # delegates' usernames, one per participating State
    tokens: dict[str, str]  # "chair" and "reader"
    draft_old: int  # the March draft
    draft_new: int  # Rev.1, circulated
    round_one: int  # proposals merged into Rev.1
    pending: int = 0  # proposals added by grow_to
    accepted: list[int] = field(default_factory=list)
    hotspots: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def grow_to(self, count: int) -> float:
        """Add proposals until ``count`` were added in all; return the seconds it took."""
        started = time.perf_counter()
        with self.database.session(write=True) as session, session.begin():
            users = {
                u.username: u
                for u in session.scalars(select(User).where(User.username.in_(self.states)))
            }
            chair = _user(session, CHAIR)
            weights = [s.weight for s in self.sections]
            while self.pending < count:
                self.pending += 1
                self._add_one(session, users, chair, weights)
        return time.perf_counter() - started

    def _add_one(
        self, session: Session, users: dict[str, User], chair: User, weights: list[int]
    ) -> None:
        rnd = self.rnd
        section = rnd.choices(self.sections, weights)[0]
        stale = rnd.random() < STALE_SHARE
        number, base = (
            (section.old_revision, section.old_body) if stale else (section.head, section.body)
        )
        author = users[rnd.choice(self.states)]
        changes = rnd.choice((1, 1, 1, 2, 2, 3))
        body = edit(rnd, base, changes, self.hotspots[(section.id, number)])
        if body == base:
            body = base.rstrip("\n") + " Participating States may share their experience.\n"
        proposal = proposals.create_amendment(
            session=session,
            section_id=section.id,
            user=author,
            data=ProposalCreate(
                base_revision=number, body=body, rationale=sentence(rnd), title=None
            ),
            settings=self.settings,
        )
        if self.pending % SUPPORT_EVERY == 0:
            backer = users[rnd.choice([s for s in self.states if s != author.username])]
            proposals.support(session=session, proposal=proposal, user=backer)
        if self.pending % ACCEPT_EVERY == 0:
            proposals.decide(
                session=session,
                proposal=proposal,
                user=chair,
                data=Decision(decision="accept", note="Agreed by the informal group."),
            )
            self.accepted.append(proposal.id)

    def busiest_section(self) -> tuple[int, int]:
        """The section with the most proposals (any status) and how many it has."""
        with self.database.session(write=False) as session:
            section_id, count = session.execute(
                select(Proposal.section_id, func.count())
                .where(Proposal.section_id.is_not(None))
                .group_by(Proposal.section_id)
                .order_by(func.count().desc(), Proposal.section_id)
                .limit(1)
            ).one()
        assert section_id is not None
        return section_id, int(count)

    def dispose(self) -> None:
        self.database.dispose()


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def add_state_delegates(
    session: Session, *, prefix: str, password_hash: str, limit: int | None = None
) -> list[User]:
    """One delegate (``<prefix>.<code>``) for each participating State, by code."""
    codes = list(
        session.scalars(
            select(Delegation.code)
            .where(Delegation.kind == DelegationKind.STATE)
            .order_by(Delegation.code)
        )
    )[:limit]
    return [
        auth_service.create_user_hashed(
            session=session,
            username=f"{prefix}.{code.lower()}",
            delegation_code=code,
            role=Role.DELEGATE,
            password_hash=password_hash,
        )
        for code in codes
    ]


def build(url: str) -> Corpus:
    """Seed, add the States' delegates, grow the guide, make the March draft and Rev.1."""
    settings = settings_for(url)
    database = Database(settings)
    rnd = random.Random(SEED)
    password_hash = auth_service.hash_password(PASSWORD)  # Argon2 once, for every delegate
    with database.session(write=True) as session, session.begin():
        seed_all(session=session, settings=settings)
        states = [
            user.username
            for user in add_state_delegates(session, prefix="bench", password_hash=password_hash)
        ]
        document = documents.get_document(session=session, slug=DOCUMENT_SLUG)
        _grow_guide(session, document, settings, rnd)
        chair = _user(session, CHAIR)
        label, reference, when = DRAFT_A
        draft_old = drafts.snapshot(
            session=session,
            document=document,
            user=chair,
            label=label,
            reference=reference,
            circulate=True,
            now=when,
        )
        old_revisions = {
            row.section_id: rev for row, rev in drafts.pinned(session=session, draft=draft_old)
        }
        round_one = _first_round(session, chair, states, old_revisions, settings, rnd)
        label, reference, when = REV_1
        merge = merges.record_preview(
            session=session,
            document=document,
            user=chair,
            plan=merges.plan_preview(
                session=session, document=document, user=chair, proposal_ids=round_one
            ),
        )
        draft_new = merges.commit(
            session=session,
            merge=merge,
            user=chair,
            resolutions={},
            label=label,
            reference=reference,
            now=when,
            settings=settings,
        )
        drafts.circulate_draft(session=session, draft=draft_new, user=chair, now=when)
        sections = [
            SectionText(
                id=row.section_id,
                head=rev.number,
                body=rev.body,
                old_revision=old_revisions[row.section_id].number,
                old_body=old_revisions[row.section_id].body,
            )
            for row, rev in drafts.pinned(session=session, draft=draft_new)
        ]
        for hot in rnd.sample(sections, HOT_SECTIONS):
            hot.weight = HOT_WEIGHT
        tokens = {
            "chair": auth_service.issue_token(session=session, user=chair, settings=settings),
            "reader": auth_service.issue_token(
                session=session, user=_user(session, READER), settings=settings
            ),
        }
        ids = (draft_old.id, draft_new.id)
    return Corpus(
        url=url,
        settings=settings,
        database=database,
        rnd=rnd,
        sections=sections,
        states=states,
        tokens=tokens,
        draft_old=ids[0],
        draft_new=ids[1],
        round_one=len(round_one),
    )


def _grow_guide(
    session: Session, document: Document, settings: Settings, rnd: random.Random
) -> None:
    """Add subsections under the substantive chapters until the guide has ``SECTIONS``."""
    chapters = session.scalars(
        select(Section)
        .where(Section.document_id == document.id, Section.parent_id.is_(None))
        .order_by(Section.position)
    ).all()
    substantive = [c for c in chapters if c.number not in ("1", str(len(chapters)))]
    live = session.scalar(
        select(func.count())
        .select_from(Section)
        .where(Section.document_id == document.id, Section.deleted_at.is_(None))
    )
    for i in range(SECTIONS - int(live or 0)):
        documents.create_section(
            session=session,
            document=document,
            title=section_title(rnd),
            body=section_body(rnd),
            parent_id=substantive[i % len(substantive)].id,
            after_id=None,
            op_tag=None,
            message="Reference corpus",
            user=None,
            settings=settings,
            source="seed",
        )


def _first_round(
    session: Session,
    chair: User,
    states: list[str],
    old_revisions: dict[int, SectionRevision],
    settings: Settings,
    rnd: random.Random,
) -> list[int]:
    """One accepted proposal per section, by a State, a few word edits each."""
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(states)))}
    made = []
    for section_id in sorted(old_revisions):
        section = documents.get_section(session=session, section_id=section_id)
        head = documents.get_revision(session=session, section=section)
        body = edit(rnd, head.body, rnd.randint(2, 4), [])
        if body == head.body:
            continue
        proposal = proposals.create_amendment(
            session=session,
            section_id=section_id,
            user=users[rnd.choice(states)],
            data=ProposalCreate(base_revision=head.number, body=body, rationale=sentence(rnd)),
            settings=settings,
        )
        proposals.decide(
            session=session,
            proposal=proposal,
            user=chair,
            data=Decision(decision="accept", note="Agreed at the meeting of 27 April 2021."),
        )
        made.append(proposal.id)
    return made
