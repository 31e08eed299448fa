"""Comments in a browser: quoting a selected passage, replies, resolve."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.helpers import ApiClient
from tests.dbs import TemplateDB

pytestmark = pytest.mark.browser

SELECT_WORDS = """
([root, words]) => {
  const text = root.textContent;
  const at = text.indexOf(words);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let pos = 0, range = document.createRange(), started = false;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const end = pos + n.data.length;
    if (!started && at < end) { range.setStart(n, at - pos); started = true; }
    if (started && at + words.length <= end) { range.setEnd(n, at + words.length - pos); break; }
    pos = end;
  }
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
"""


def select_passage(page: Any, body: Any, passage: str) -> None:
    """Select ``passage`` in the section body until the screen has noticed it.

    The text and the screen's selection listener may arrive after the body
    element itself, so the selection is repeated until the quote button is
    enabled (bounded: ten tries).
    """
    body.get_by_text(passage, exact=False).first.wait_for()
    quote = page.get_by_role("button", name="Comment on selection")
    for _ in range(10):
        page.evaluate(SELECT_WORDS, [body.element_handle(), passage])
        try:
            page.wait_for_function(
                "b => b.getAttribute('aria-disabled') === 'false'",
                arg=quote.element_handle(),
                timeout=1000,
            )
            return
        except Exception:  # not noticed yet: select again
            continue
    raise AssertionError("the section screen never noticed the selection")


def test_comment_on_a_selected_passage_is_quoted_and_highlighted(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    api = ApiClient(server, template.tokens)
    page = open_page()
    sign_in(page, server, "delegate.che", then="/section/2")
    body = page.locator("#section-body")
    body.wait_for()
    passage = "licensing officers in trade and industry ministries"
    select_passage(page, body, passage)
    page.get_by_role("button", name="Comment on selection").click()
    assert page.locator(".quote-preview blockquote").inner_text() == passage
    page.get_by_label("Comment on this section").fill("Should *customs* be named here too?")
    page.get_by_role("button", name="Post comment").click()

    thread = page.locator(".thread", has_text="Should customs be named here too?")
    thread.wait_for()
    assert thread.locator("em", has_text="customs").count() == 1
    assert thread.locator("blockquote").inner_text() == passage
    body.locator("mark.quote-mark", has_text="licensing officers").first.wait_for()
    stored = api.call("GET", "/sections/2/comments", "observer")[0]["quote"]
    assert stored["exact"] == passage
    assert stored["prefix"].endswith("ministries of justice, ")
    assert stored["suffix"].startswith(", inspectors")
    screenshot(page, "comments-1280")

    usa = open_page()
    sign_in(usa, server, "delegate.usa", then="/section/2?tab=comments")
    usa_thread = usa.locator(".thread", has_text="Should customs be named")
    usa_thread.get_by_role("button", name="Reply").click()
    usa.get_by_label("Reply").fill("Yes, agreed.")
    usa.get_by_role("button", name="Post reply").click()
    usa.locator(".replies", has_text="Yes, agreed.").wait_for()
    assert usa_thread.get_by_role("button", name="Edit").count() == 1  # only on its own reply
    assert usa_thread.get_by_role("button", name="Resolve").count() == 0  # CHE's thread

    page.reload()
    page.get_by_role("tab", name=re.compile("Comments")).click()
    thread.get_by_role("button", name="Resolve").click()
    page.get_by_text("All threads are resolved.").wait_for()
    assert page.locator("#section-body mark.quote-mark").count() == 0
    page.get_by_label("Show resolved threads").check()
    page.locator(".thread.resolved").get_by_role("button", name="Reopen").wait_for()
