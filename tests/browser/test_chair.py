"""Chair controls: creating, circulating, agreement, silence, meetings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector('.view[aria-busy]')"


def test_chair_runs_silence_procedure_delegate_breaks_it_and_meeting_is_recorded(
    server: str, open_page: Any
) -> None:
    chair = open_page()
    sign_in(chair, server, "chair.esp", then="/drafts")

    # Create a working draft, then circulate it.
    chair.get_by_label("Label").fill("Draft of 10 May 2021")
    chair.get_by_label("Reference").fill("FSC.GAL/42/21")
    chair.get_by_role("button", name="Create draft").click()
    chair.get_by_role("heading", level=1, name="Draft of 10 May 2021").wait_for()
    chair.locator(".pill", has_text="working").first.wait_for()
    chair.get_by_role("button", name="Circulate").click()
    chair.get_by_role("heading", name="Silence procedure").wait_for()
    chair.wait_for_function(IDLE)
    draft_path = chair.evaluate("() => location.hash").lstrip("#")

    # One section ad referendum.
    select = chair.locator(".agreement-select").first
    label = select.get_attribute("aria-label")
    select.select_option("ad_referendum")
    chair.locator(".draft-sections .pill-ad_referendum").first.wait_for()
    chair.reload()
    chair.wait_for_function(IDLE)
    assert chair.get_by_label(label, exact=True).input_value() == "ad_referendum"

    # Silence until some time in the future.
    chair.get_by_label("Silence deadline").fill("2030-06-01T12:00")
    chair.get_by_role("button", name="Start silence procedure").click()
    chair.get_by_role("heading", name="Under silence procedure").wait_for()
    chair.locator(".meta .pill", has_text="under silence").wait_for()
    screenshot(chair, "drafts-silence-1280", full_page=True)

    # A delegate breaks silence.
    delegate = open_page()
    sign_in(delegate, server, "delegate.usa", then=draft_path)
    delegate.get_by_role("heading", name="Under silence procedure").wait_for()
    assert delegate.locator(".agreement-select").count() == 0
    assert delegate.locator(".draft-sections .pill-ad_referendum").count() == 1
    delegate.get_by_label("Objection").fill("Paragraph 3 needs further consultation in capital.")
    delegate.get_by_role("button", name="Break silence").click()
    delegate.get_by_role("heading", name="Objections (silence broken)").wait_for()
    delegate.locator(".meta .pill", has_text="circulated").wait_for()
    objection = delegate.locator(".objection")
    assert objection.count() == 1
    assert "further consultation" in objection.inner_text()
    assert "USA" in objection.inner_text()
    assert delegate.get_by_role("button", name="Break silence").count() == 0
    assert delegate.get_by_label("Revised Word file (.docx)").count() == 1

    # The chair records a meeting and its outcome.
    chair.get_by_role("link", name="Meetings").click()
    chair.get_by_role("heading", level=1, name="Meetings").wait_for()
    chair.wait_for_function(IDLE)
    chair.get_by_label("Title").fill("Informal meeting on the May draft")
    chair.get_by_label("Starts on").fill("2021-05-20")
    chair.get_by_label("Ends on").fill("2021-05-21")
    chair.get_by_label("Format").select_option("hybrid")
    chair.get_by_label("Venue").fill("Hofburg, Vienna")
    chair.get_by_label("Agenda").fill("1. Objection of the United States\n2. Next steps")
    chair.get_by_label("Draft discussed").select_option(label="Draft of 10 May 2021")
    chair.get_by_role("button", name="Record meeting").click()
    card = chair.locator(".meeting", has_text="Informal meeting on the May draft")
    card.wait_for()
    assert "Hybrid" in (card.text_content() or "")
    card.get_by_role("link", name="Draft of 10 May 2021").wait_for()
    card.get_by_label("Outcome of Informal meeting on the May draft").fill(
        "Paragraph 3 bracketed; silence to be renewed."
    )
    card.get_by_role("button", name="Save outcome").click()
    card.locator(".meeting-outcome", has_text="silence to be renewed").wait_for()
    chair.reload()
    chair.wait_for_function(IDLE)
    chair.locator(".meeting-outcome", has_text="silence to be renewed").wait_for()
    screenshot(chair, "meetings-1280", full_page=True)

    # An observer sees the status and objections but no controls.
    observer = open_page()
    sign_in(observer, server, "observer", then=draft_path)
    observer.get_by_role("heading", name="Objections (silence broken)").wait_for()
    assert observer.locator(".draft-sections .pill-ad_referendum").count() == 1
    for name in ("Circulate", "Start silence procedure", "Break silence", "Import"):
        assert observer.get_by_role("button", name=name, exact=True).count() == 0
    assert observer.locator(".agreement-select").count() == 0
    assert observer.locator("input[type=file]").count() == 0
    observer.get_by_role("link", name="Meetings").click()
    observer.get_by_role("heading", level=1, name="Meetings").wait_for()
    observer.wait_for_function(IDLE)
    observer.locator(".meeting-outcome", has_text="silence to be renewed").wait_for()
    assert observer.get_by_role("button", name="Record meeting").count() == 0
    assert observer.get_by_role("button", name="Save outcome").count() == 0
    observer.goto(f"{server}/#/drafts")
    observer.wait_for_function(IDLE)
    assert observer.get_by_role("button", name="Create draft").count() == 0
