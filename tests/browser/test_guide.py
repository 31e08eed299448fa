"""Reading the guide in a browser: sign-in, contents, a section, roles."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.helpers import ApiClient
from tests.dbs import TemplateDB

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_delegate_signs_in_reads_contents_and_opens_a_section(
    server: str, open_page: Any, width: int
) -> None:
    page = open_page(width=width, height=900 if width > 400 else 844)
    sign_in(page, server, "delegate.usa")

    bar = page.locator("#topbar")
    assert "Delegate of the United States" in bar.inner_text()
    assert bar.get_by_text("USA", exact=True).is_visible()
    toc = page.get_by_role("navigation", name="Table of contents")
    for group in ("Introduction", "OP 1\u20132", "OP 3(a)", "OP 3(d)", "OP 6\u201310", "Annexes"):
        assert toc.get_by_role("heading", name=re.compile(re.escape(group))).count() == 1
    screenshot(page, f"guide-{width}")

    toc.get_by_role("link", name=re.compile(r"^1\.1\s+Purpose and scope")).click()
    page.get_by_role(
        "heading", level=1, name=re.compile("Purpose and scope of the Compendium")
    ).wait_for()
    body = page.locator("#section-body")
    assert "working reference for the officials" in body.inner_text()
    assert "Revision 1" in page.locator(".section-meta").inner_text()
    assert page.get_by_role("link", name="Propose a change").first.is_visible()
    assert (
        page.get_by_role("tab", name=re.compile("Proposals")).get_attribute("aria-selected")
        == "true"
    )
    screenshot(page, f"section-{width}")

    if width < 600:
        toggle = page.get_by_role("button", name="Contents")
        assert not page.locator("#sidebar").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#sidebar").is_visible()
    else:
        assert page.locator("#sidebar").is_visible()
        assert not page.get_by_role("button", name="Contents").is_visible()


def test_history_tab_compares_two_revisions_after_a_chair_edits(
    server: str, open_page: Any
) -> None:
    page = open_page()
    sign_in(page, server, "chair.esp", then="/section/3")
    page.get_by_role("link", name="Edit text").click()
    body = page.get_by_label("Text (Markdown)")
    body.fill("A new opening paragraph.\n\n" + body.input_value())
    page.get_by_label("Message for the history").fill("Opening paragraph added")
    page.get_by_role("button", name="Save revision").click()
    page.locator(".section-meta", has_text="Revision 2").wait_for()
    assert "A new opening paragraph." in page.locator("#section-body").inner_text()

    page.get_by_role("tab", name="History").click()
    page.get_by_text("Opening paragraph added").wait_for()
    page.get_by_role("button", name="Compare").click()
    result = page.locator(".compare-result")
    result.locator("ins", has_text="A new opening paragraph.").wait_for()
    page.get_by_role("link", name="View revision 1").click()
    page.get_by_text("You are reading revision 1").wait_for()
    assert "A new opening paragraph." not in page.locator("#section-body").inner_text()


def test_chair_edit_with_stale_etag_is_refused_with_a_readable_message(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    page = open_page()
    sign_in(page, server, "chair.esp", then="/section/4/edit")
    page.get_by_label("Text (Markdown)").wait_for()
    current = api.section(4)
    api.call(
        "PUT",
        "/sections/4",
        "chair.blr",
        headers={"If-Match": current["etag"]},
        json={"title": current["title"], "body": current["body"] + "\nMore.\n", "message": ""},
    )
    page.get_by_label("Text (Markdown)").fill("Conflicting text.")
    page.get_by_role("button", name="Save revision").click()
    page.get_by_role("alert").filter(has_text="Someone changed this section").wait_for()


def test_observer_sees_no_write_controls(server: str, open_page: Any, template: TemplateDB) -> None:
    api = ApiClient(server, template.tokens)
    api.propose(2, "delegate.usa", api.replace_first_sentence(2, "The Compendium is a reference"))
    page = open_page()
    sign_in(page, server, "observer", then="/section/2")
    page.locator(".proposal-card").first.wait_for()
    page.get_by_role("tab", name=re.compile("Comments")).click()
    page.locator(".comments .empty, .comments .thread").first.wait_for()

    assert "observer" in page.locator("#topbar").inner_text().lower()
    for name in ("Propose a change", "Propose deletion", "Propose a new section", "Edit text"):
        assert page.get_by_role("link", name=name).count() == 0, name
    for name in (
        "Comment on selection",
        "Post comment",
        "Support",
        "Withdraw…",
        "Accept…",
        "Reject…",
        "Revise",
        "Reply",
        "Resolve",
    ):
        assert page.get_by_role("button", name=name).count() == 0, name
    assert page.locator("textarea, .card-footer .actions").count() == 0
    page.get_by_role("tab", name=re.compile("Proposals")).click()
    screenshot(page, "section-observer-1280")
