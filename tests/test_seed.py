"""Seeding: delegations, the guide from compendium/, demo users; idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.config import Settings
from app.db import Database
from app.delegations.models import Delegation, DelegationKind
from app.documents.models import Section, SectionRevision
from app.seed import read_guide, seed_all
from tests.dbs import settings_for


def test_guide_source_is_substantial_and_well_formed() -> None:
    sections = read_guide()
    numbers = [s.number for s in sections]
    assert len(numbers) == len(set(numbers))
    subsections = [s for s in sections if s.parent_number]
    assert len(subsections) >= 30
    assert {s.parent_number for s in subsections} <= set(numbers)
    assert all(len(s.body.split()) >= 150 for s in subsections)
    assert {"OP3(a)", "OP3(b)", "OP3(c)", "OP3(d)", "OP1-OP2", "OP6-OP10"} <= {
        s.op_tag for s in sections
    }


def _counts(settings: Settings) -> tuple[int, int, int, int]:
    database = Database(settings)
    with database.session(write=False) as session:
        states = session.scalar(select(func.count()).where(Delegation.kind == DelegationKind.STATE))
        delegations = session.scalar(select(func.count()).select_from(Delegation))
        sections = session.scalar(select(func.count()).select_from(Section))
        revisions = session.scalar(select(func.count()).select_from(SectionRevision))
    database.dispose()
    return int(states or 0), int(delegations or 0), int(sections or 0), int(revisions or 0)


def test_seed_has_57_states_cpc_1540c_and_is_idempotent(db_url: str) -> None:
    settings = settings_for(db_url)
    before = _counts(settings)
    assert before[0] == 57 and before[1] == 59
    database = Database(settings)
    with database.session(write=True) as session, session.begin():
        counts = seed_all(session=session, settings=settings)
        codes = set(session.scalars(select(Delegation.code)))
    database.dispose()
    assert counts["sections"] == 0
    assert {"USA", "CHE", "RUS", "ESP", "BLR", "ARM", "CPC", "1540C"} <= codes
    assert _counts(settings) == before
