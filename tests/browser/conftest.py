"""Browser fixtures: Debian's Chromium driven by Playwright, a live server per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "compendium-demo"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        _missing("playwright is not installed")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need Chromium: {why}")
    pytest.skip(f"browser tests need Chromium: {why}")


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    with live_server(db_url) as base:
        yield base


class Problems(list[str]):
    """Script errors and CSP violations a page reported."""


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """``open_page(width=1280)`` → a fresh page (own session storage) that records problems."""
    contexts: list[Any] = []
    problems = Problems()

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda msg: (
                problems.append(f"console: {msg.text}")
                if "Content Security Policy" in msg.text or "Uncaught" in msg.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


def sign_in(page: Any, base: str, username: str, *, then: str = "") -> None:
    """Sign in through the form and wait for the guide (or ``then``, a hash route)."""
    page.goto(f"{base}/#/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.get_by_role("navigation", name="Table of contents").wait_for()
    if then:
        page.goto(f"{base}/#{then}")
        page.wait_for_function("() => !document.querySelector('.view[aria-busy]')")


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
