"""Proposals in a browser: propose with a live redline, drafts, support,
withdraw, revise, competing proposals side by side, the chair's queue."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.helpers import ApiClient
from tests.dbs import TemplateDB

pytestmark = pytest.mark.browser


def test_delegate_proposes_with_live_redline_and_chair_accepts_from_queue(
    server: str, open_page: Any
) -> None:
    page = open_page()
    sign_in(page, server, "delegate.usa", then="/section/7")
    page.get_by_role("link", name="Propose a change").first.click()
    text = page.get_by_label("Text (Markdown)")
    text.wait_for()
    text.fill(
        text.input_value().replace(
            "States are to refrain", "participating States are to refrain", 1
        )
    )
    preview = page.locator(".preview-body")
    preview.locator("ins", has_text="participating").wait_for()
    page.get_by_label("Rationale").fill("Use OSCE terminology.")
    screenshot(page, "propose-1280")
    page.get_by_role("button", name="Submit proposal").click()

    page.get_by_role("heading", level=1, name=re.compile(r"Proposal \d+ on § 2\.1")).wait_for()
    card = page.locator(".proposal-card")
    assert "Submitted" in card.locator(".pill").first.inner_text().title()
    assert card.locator("ins", has_text="participating").count() == 1
    assert card.get_by_role("button", name="Withdraw…").is_visible()
    assert card.get_by_role("button", name="Support").count() == 0
    proposal_url = page.url

    chair = open_page()
    sign_in(chair, server, "chair.esp", then="/queue")
    queued = chair.locator(".proposal-card", has_text="Use OSCE terminology.")
    queued.wait_for()
    screenshot(chair, "queue-1280")
    queued.get_by_role("button", name="Accept…").click()
    chair.get_by_label("Note to the delegations").fill("Agreed at the meeting.")
    chair.get_by_role("button", name="Accept proposal").click()
    chair.get_by_text("Nothing in the queue.").wait_for()

    page.goto(proposal_url)
    page.reload()
    page.locator(".proposal-card .pill", has_text=re.compile("accepted", re.I)).wait_for()
    assert "Agreed at the meeting." in page.locator(".decision").inner_text()
    assert page.get_by_role("button", name="Withdraw…").count() == 0


def test_delegation_draft_is_kept_private_then_submitted(server: str, open_page: Any) -> None:
    page = open_page()
    sign_in(page, server, "delegate.che", then="/section/8/propose")
    text = page.get_by_label("Text (Markdown)")
    text.fill(text.input_value() + "\nA Swiss example of good practice.\n")
    page.locator(".preview-body ins").first.wait_for()
    page.get_by_label("Rationale").fill("Add an example.")
    page.get_by_role("button", name="Keep as delegation draft").click()
    card = page.locator(".proposal-card")
    card.locator(".pill", has_text=re.compile("delegation draft", re.I)).wait_for()
    draft_url = page.url

    other = open_page()
    sign_in(other, server, "delegate.rus", then="/section/8")
    other.get_by_text("No proposals on this section yet.").wait_for()

    card.get_by_role("button", name="Submit").click()
    card = page.locator(".proposal-card")
    page.locator(".proposal-card .pill", has_text=re.compile("submitted", re.I)).wait_for()
    assert page.url == draft_url


def test_other_delegation_supports_and_owner_withdraws(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    proposal = api.propose(
        2, "delegate.usa", api.replace_first_sentence(2, "The Compendium is a reference")
    )

    che = open_page()
    sign_in(che, server, "delegate.che", then=f"/proposal/{proposal['id']}")
    che.get_by_role("button", name="Support").click()
    che.locator(".supporters", has_text="CHE").wait_for()
    assert che.get_by_role("button", name="Support").count() == 0
    assert che.get_by_role("button", name="Withdraw…").count() == 0
    assert che.get_by_role("link", name="Revise").count() == 0

    usa = open_page(width=390, height=844)
    sign_in(usa, server, "delegate.usa", then="/section/2")
    card = usa.locator(f"#proposal-{proposal['id']}")
    card.wait_for()
    assert card.locator(".supporters", has_text="CHE").is_visible()
    screenshot(usa, "section-proposals-390", full_page=True)
    card.get_by_role("button", name="Withdraw…").click()
    usa.get_by_role("button", name="Withdraw proposal").click()
    usa.locator(
        f"#proposal-{proposal['id']} .pill", has_text=re.compile("withdrawn", re.I)
    ).wait_for()


def test_revising_a_proposal_makes_a_new_version(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    proposal = api.propose(3, "delegate.rus", api.replace_first_sentence(3, "First wording"))
    page = open_page()
    sign_in(page, server, "delegate.rus", then=f"/proposal/{proposal['id']}")
    page.get_by_role("link", name="Revise").click()
    text = page.get_by_label("Text (Markdown)")
    text.wait_for()
    text.fill(text.input_value().replace("First wording", "Second wording", 1))
    page.get_by_label("Rationale").fill("Improved after consultations.")
    page.get_by_role("button", name="Save new version").click()
    page.locator(".proposal-card .chip", has_text="version 2").wait_for()
    page.get_by_role("tab", name="Versions").click()
    page.get_by_role("heading", name="Version 1").wait_for()


def test_competing_proposals_read_side_by_side(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    body = str(api.section(7)["body"])
    api.propose(7, "delegate.usa", body.replace("States are", "participating States are", 1))
    api.propose(7, "delegate.rus", body.replace("States are", "Member States are", 1))
    api.propose(9, "delegate.che", str(api.section(9)["body"]) + "\nUnrelated.\n")

    page = open_page()
    sign_in(page, server, "chair.blr", then="/section/7")
    page.locator(".proposal-card").nth(1).wait_for()
    page.get_by_label("Delegation").select_option("RUS")
    from playwright.sync_api import expect

    expect(page.locator(".proposal-card")).to_have_count(1)
    assert "RUS" in page.locator(".proposal-card .badge").first.inner_text()
    page.get_by_label("Delegation").select_option("")
    page.get_by_label("Competing proposals side by side").check()
    group = page.locator(".compete-group")
    group.wait_for()
    assert "2 competing proposals" in group.inner_text()
    assert group.locator(".proposal-card").count() == 2
    group.scroll_into_view_if_needed()
    screenshot(page, "competing-1280")


def test_open_section_updates_live_when_another_delegation_acts(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    page = open_page()
    sign_in(page, server, "delegate.che", then="/section/7")
    page.get_by_text("No proposals on this section yet.").wait_for()
    page.locator(".live-live").wait_for()

    api = ApiClient(server, template.tokens)
    proposal = api.propose(7, "delegate.usa", str(api.section(7)["body"]) + "\nLive paragraph.\n")
    page.locator(f"#proposal-{proposal['id']}").wait_for()

    api.call("POST", "/sections/7/comments", "delegate.rus", json={"body": "Seen live"})
    page.get_by_role("tab", name=re.compile("Comments")).click()
    page.get_by_text("Seen live").wait_for()
