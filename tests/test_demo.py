"""The living demo: the 2021 round is seeded once, through the real services."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import Database
from app.demo import seed_demo_round
from app.main import create_app
from tests.conftest import Api
from tests.dbs import TemplateDB, settings_for


def test_demo_round_is_alive_and_seeded_once(db_url: str, template: TemplateDB) -> None:
    settings = settings_for(db_url)
    database = Database(settings)
    for expected in (True, False):
        with database.session(write=True) as session, session.begin():
            assert seed_demo_round(session=session, settings=settings) is expected
    database.dispose()
    app = create_app(settings)
    with TestClient(app) as client:
        api = Api(client, template.tokens)
        drafts = api.get("/api/documents/bpg-1540/drafts").json()
        assert [(d["label"], d["status"]) for d in drafts] == [
            ("Draft of 16 March 2021", "circulated")
        ]
        proposals = api.get("/api/proposals").json()
        assert sorted(p["delegation"] for p in proposals) == ["CHE", "CPC", "RUS", "USA"]
        by = {p["delegation"]: p for p in proposals}
        usa = api.get(f"/api/proposals/{by['USA']['id']}").json()
        assert usa["competing"] == [by["RUS"]["id"]] and usa["supporters"] == ["BLR"]
        assert by["CHE"]["status"] == "accepted" and by["CPC"]["supporters"] == ["CHE"]
        meetings = api.get("/api/documents/bpg-1540/meetings").json()
        assert meetings[0]["starts_on"] == "2021-04-27" and meetings[0]["format"] == "online"
        assert meetings[0]["proposal_ids"] == [by["CHE"]["id"]]
        thread = api.get(f"/api/sections/{usa['section_id']}/comments").json()
        assert [c["delegation"] for c in thread] == ["RUS", "USA"]
        assert thread[0]["anchor"] is not None and thread[1]["parent_id"] == thread[0]["id"]
    app.state.database.dispose()
