"""Merging accepted proposals and reading drafts in a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.helpers import ApiClient
from tests.dbs import TemplateDB

pytestmark = pytest.mark.browser


def test_chair_merges_an_accepted_proposal_into_a_new_draft_and_compares(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    api.call(
        "POST",
        "/documents/bpg-1540/drafts",
        "chair.esp",
        json={"label": "Baseline", "reference": "FSC.GAL/1/21", "circulate": True},
    )
    body = str(api.section(12)["body"])
    proposal = api.propose(12, "delegate.usa", body.replace(" the ", " the agreed ", 1))
    api.call(
        "POST",
        f"/proposals/{proposal['id']}/decision",
        "chair.esp",
        json={"decision": "accept", "note": "fine"},
    )

    page = open_page()
    sign_in(page, server, "chair.esp", then="/merge")
    page.get_by_label(re.compile(rf"proposal {proposal['id']}\b")).check()
    page.get_by_role("button", name="Preview merge").click()
    page.get_by_text("merges cleanly").first.wait_for()
    page.get_by_label("Label of the new draft").fill("Rev.1")
    page.get_by_role("button", name="Commit merge").click()
    page.get_by_role("heading", level=1, name="Rev.1").wait_for()
    assert page.get_by_role("link", name=str(proposal["id"]), exact=True).count() == 1

    page.get_by_label("Compare with").select_option(label="Baseline")
    page.get_by_role("button", name="Compare").click()
    page.locator(".compare-result ins", has_text="agreed").first.wait_for()
    screenshot(page, "draft-compare-1280")

    observer = open_page()
    sign_in(observer, server, "observer", then="/drafts")
    observer.get_by_role("link", name="Baseline").wait_for()
    assert observer.get_by_role("button", name="Create draft").count() == 0


def test_chair_brackets_a_conflict_commits_rev1_and_circulates_it(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    body = str(api.section(12)["body"])
    usa = api.propose(12, "delegate.usa", body.replace(" the ", " the agreed ", 1))
    rus = api.propose(12, "delegate.rus", body.replace(" the ", " the relevant ", 1))
    for p in (usa, rus):
        api.call(
            "POST",
            f"/proposals/{p['id']}/decision",
            "chair.esp",
            json={"decision": "accept", "note": ""},
        )

    page = open_page()
    sign_in(page, server, "chair.esp", then="/merge")
    for p in (usa, rus):
        page.get_by_label(re.compile(rf"proposal {p['id']}\b")).check()
    page.get_by_role("button", name="Preview merge").click()
    page.get_by_label("Keep the alternatives in brackets").first.check()
    screenshot(page, "merge-conflict-1280")
    page.get_by_label("Label of the new draft").fill("Rev.1")
    page.get_by_role("button", name="Commit merge").click()
    page.get_by_role("heading", level=1, name="Rev.1").wait_for()
    page.get_by_role("button", name=re.compile("^Circulate")).click()
    page.get_by_text(re.compile("circulated", re.I)).first.wait_for()

    merged = str(api.section(12)["body"])
    assert merged == body.replace(" the ", " the [USA: agreed / RUS: relevant] ", 1)
    drafts = api.call("GET", "/documents/bpg-1540/drafts", "chair.esp")
    rev1 = next(d for d in drafts if d["label"] == "Rev.1")
    assert rev1["status"] == "circulated"
    pinned = api.call("GET", f"/drafts/{rev1['id']}", "chair.esp")["sections"]
    assert next(s for s in pinned if s["section_id"] == 12)["agreement"] == "bracketed"
