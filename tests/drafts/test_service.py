"""Silence ends in a recorded adoption: status stored and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.db import Database
from app.documents import service as documents
from app.drafts import service as drafts
from app.drafts.models import DraftStatus
from tests.dbs import settings_for

T0 = datetime(2021, 4, 27, 12, 0, tzinfo=UTC)


def test_settle_silences_records_adoption_after_the_deadline(db_url: str) -> None:
    database = Database(settings_for(db_url))
    with database.session(write=True) as session, session.begin():
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
        drafts.start_silence(
            session=session, draft=draft, user=chair, deadline=T0 + timedelta(days=2), now=T0
        )
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
    from fastapi.testclient import TestClient

    from app.drafts.ticker import settle_once
    from app.main import create_app

    app = create_app(settings_for(db_url))
    with TestClient(app):
        database = app.state.database
        with database.session(write=True) as session, session.begin():
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
            drafts.start_silence(
                session=session, draft=draft, user=chair, deadline=T0 + timedelta(hours=1), now=T0
            )
        app.state.clock = lambda: T0 + timedelta(hours=2)
        assert settle_once(app) == 1
        assert settle_once(app) == 0
