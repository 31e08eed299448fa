"""Administration and the account screen in a browser.

An admin deactivates a delegate while the delegate reads a section: the
delegate's open page loses access — its event stream is re-checked on the
server, the reconnect is refused, and the page lands on the sign-in screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.live import live_server

pytestmark = pytest.mark.browser

# A short re-check so the test does not wait the default 20 s for an open stream.
RECHECK_SECONDS = "2"


@pytest.fixture
def quick_server(db_url: str) -> Iterator[str]:
    with live_server(db_url, env={"COMPENDIUM_STREAM_RECHECK_SECONDS": RECHECK_SECONDS}) as base:
        yield base


def user_row(page: Any, username: str) -> Any:
    return page.locator(f'tr[data-username="{username}"]')


def test_admin_deactivates_a_delegate_whose_open_page_then_loses_access(
    quick_server: str, open_page: Any
) -> None:
    delegate = open_page()
    sign_in(delegate, quick_server, "delegate.rus", then="/section/3")
    delegate.locator(".live-live").wait_for()

    admin = open_page()
    sign_in(admin, quick_server, "admin")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    admin.get_by_role("heading", level=1, name="Administration").wait_for()
    row = user_row(admin, "delegate.rus")
    row.get_by_text("Active", exact=True).wait_for()
    assert row.locator("td.num").inner_text() == "2"  # this browser's and the fixtures' token
    row.get_by_role("button", name="Deactivate delegate.rus").click()
    admin.get_by_text("Deactivate delegate.rus? They are signed out everywhere").wait_for()
    admin.get_by_role("button", name="Deactivate", exact=True).click()
    user_row(admin, "delegate.rus").get_by_text("Inactive", exact=True).wait_for()
    assert user_row(admin, "delegate.rus").locator("td.num").inner_text() == "0"
    reactivate = user_row(admin, "delegate.rus").get_by_role("button", name="Reactivate")
    assert reactivate.is_visible()

    delegate.get_by_role("heading", level=1, name="Sign in").wait_for(timeout=60_000)
    assert "#/login" in delegate.url
    assert delegate.get_by_text("Your session has ended").is_visible()
    assert not delegate.get_by_role("button", name="Sign out").is_visible()

    reactivate.click()
    user_row(admin, "delegate.rus").get_by_text("Active", exact=True).wait_for()
    sign_in(delegate, quick_server, "delegate.rus")


def test_admin_adds_a_user_and_a_delegation_and_resets_a_password(
    server: str, open_page: Any
) -> None:
    admin = open_page()
    sign_in(admin, server, "admin", then="/admin")
    form = admin.locator("form", has=admin.get_by_role("heading", name="Add a delegation"))
    form.get_by_label("Code").fill("XK")
    form.get_by_label("Name").fill("Kosovo")
    form.get_by_role("button", name="Add delegation").click()
    admin.locator(".delegations-table").get_by_text("Kosovo", exact=True).wait_for()

    form = admin.locator("form", has=admin.get_by_role("heading", name="Add a user"))
    form.get_by_label("Username").fill("delegate.xk")
    form.get_by_label("Display name").fill("Delegate of Kosovo")
    form.get_by_label("Delegation").select_option("XK")
    form.get_by_label("First password").fill("kosovo-passphrase")
    form.get_by_role("button", name="Add user").click()
    row = user_row(admin, "delegate.xk")
    row.wait_for()
    assert "Delegate of Kosovo" in row.inner_text() and "XK" in row.inner_text()

    admin.get_by_label("Delegation", exact=True).first.select_option("CPC")
    admin.get_by_text("3 users", exact=True).wait_for()
    assert not user_row(admin, "delegate.xk").is_visible()
    admin.evaluate("window.scrollTo(0, 0)")
    screenshot(admin, "admin")

    user_row(admin, "delegate.cpc").get_by_role("button", name="Reset password").click()
    admin.get_by_label("New password for delegate.cpc").fill("short")
    admin.get_by_role("button", name="Set password", exact=True).click()
    assert admin.get_by_label("New password for delegate.cpc").evaluate("e => !e.validity.valid")
    admin.get_by_label("New password for delegate.cpc").fill("reset-by-the-admin")
    admin.get_by_role("button", name="Set password", exact=True).click()
    admin.get_by_text("Password of delegate.cpc reset").wait_for()

    other = open_page()
    other.goto(f"{server}/#/login")
    other.get_by_label("Username").fill("delegate.cpc")
    other.get_by_label("Password").fill("reset-by-the-admin")
    other.get_by_role("button", name="Sign in").click()
    other.get_by_role("button", name="Sign out").wait_for()


def test_only_admins_see_the_admin_link(server: str, open_page: Any) -> None:
    observer = open_page()
    sign_in(observer, server, "observer")
    nav = observer.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Guide").is_visible()
    assert nav.get_by_role("link", name="Admin").count() == 0
    observer.goto(f"{server}/#/admin")
    observer.get_by_role("alert").get_by_text("may not manage users").wait_for()

    admin = open_page()
    sign_in(admin, server, "admin")
    assert admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").count()


def test_a_user_changes_their_password_from_the_account_screen(server: str, open_page: Any) -> None:
    page = open_page()
    sign_in(page, server, "delegate.che")
    page.locator("#topbar").get_by_role("link", name="Delegate of Switzerland").click()
    page.get_by_role("heading", level=1, name="Your account").wait_for()
    assert "CHE" in page.locator(".account-facts").inner_text()

    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("swiss-passphrase")
    page.get_by_label("Repeat the new password").fill("swiss-passphrase-2")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("The new passwords do not match.").wait_for()

    page.get_by_label("Repeat the new password").fill("swiss-passphrase")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("The current password is not correct.").wait_for()

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Password changed.").wait_for()
    screenshot(page, "account")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", level=1, name="Sign in").wait_for()
    page.get_by_label("Username").fill("delegate.che")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Unknown username or wrong password.").wait_for()
    page.get_by_label("Password").fill("swiss-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    assert re.search(r"Delegate of Switzerland", page.locator("#topbar").inner_text())
