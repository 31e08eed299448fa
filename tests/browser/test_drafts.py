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
