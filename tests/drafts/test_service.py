"""Silence ends in a recorded adoption: status stored and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import User
from app.db import Database
from app.documents import service as documents
from app.drafts import service as drafts
from app.drafts.models import Draft, DraftStatus
from tests.dbs import settings_for

T0 = datetime(2021, 4, 27, 12, 0, tzinfo=UTC)


def draft_under_silence(session: Session, *, until: datetime) -> Draft:
    """A circulated draft of the seeded guide, put under silence at T0 by a chair."""
    chair = session.scalars(select(User).where(User.username == "chair.esp")).one()
    doc = documents.get_document(session=session, slug="bpg-1540")
    draft = drafts.snapshot(
        session=session,
        document=doc,
        user=chair,
        label="Rev.1",
        reference="",
        circulate=True,
        now=T0,
    )
    drafts.start_silence(session=session, draft=draft, user=chair, deadline=until, now=T0)
    return draft


def test_settle_silences_records_adoption_after_the_deadline(db_url: str) -> None:
    database = Database(settings_for(db_url))
    with database.session(write=True) as session, session.begin():
        draft = draft_under_silence(session, until=T0 + timedelta(days=2))
        assert drafts.settle_silences(session=session, now=T0 + timedelta(days=1)) == []
        settled = drafts.settle_silences(session=session, now=T0 + timedelta(days=2))
        assert [d.id for d in settled] == [draft.id]
        assert draft.status == DraftStatus.ADOPTED and draft.adopted_at == T0 + timedelta(days=2)
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "draft.adopted")
        ).one()
        assert entry.object_id == str(draft.id) and entry.actor == "system"
    database.dispose()


def test_the_ticker_settles_through_the_app_clock(db_url: str) -> None:
    """One pass of the ticker reads the app's clock (the app is not started: no
    background ticker races the pass under test)."""
    from app.drafts.ticker import settle_once
    from app.main import create_app

    app = create_app(settings_for(db_url))
    database = app.state.database
    try:
        with database.session(write=True) as session, session.begin():
            draft_under_silence(session, until=T0 + timedelta(hours=1))
        app.state.clock = lambda: T0 + timedelta(minutes=30)
        assert settle_once(app) == 0  # the app's clock says the deadline is ahead
        app.state.clock = lambda: T0 + timedelta(hours=2)
        assert settle_once(app) == 1
        assert settle_once(app) == 0
    finally:
        database.dispose()
