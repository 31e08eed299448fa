"""Circulation documents on a draft: the redline against an earlier draft for
everyone who may export, the compilation of proposals for chairs and coordinators."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from app.seed import DOCUMENT_TITLE
from tests.browser.conftest import screenshot, sign_in
from tests.browser.helpers import ApiClient
from tests.dbs import TemplateDB

pytestmark = pytest.mark.browser

SLUG = "bpg-1540"


def _round(api: ApiClient) -> dict[str, int]:
    """Circulated drafts Baseline, Interim, Rev.1 (merges a proposal) and Rev.2.

    One proposal stays pending after Rev.1.
    """
    ids = {}
    for label in ("Baseline", "Interim"):
        draft = api.call(
            "POST",
            f"/documents/{SLUG}/drafts",
            "chair.esp",
            json={"label": label, "reference": "", "circulate": True},
        )
        ids[label] = draft["id"]
    body = str(api.section(12)["body"])
    accepted = api.propose(12, "delegate.usa", body.replace(" the ", " the agreed ", 1))
    api.call(
        "POST",
        f"/proposals/{accepted['id']}/decision",
        "chair.esp",
        json={"decision": "accept", "note": "fine"},
    )
    merge = api.call(
        "POST", f"/documents/{SLUG}/merges", "chair.esp", json={"proposal_ids": [accepted["id"]]}
    )
    rev1 = api.call("POST", f"/merges/{merge['id']}/commit", "chair.esp", json={"label": "Rev.1"})
    api.call("POST", f"/drafts/{rev1['id']}/circulate", "chair.esp")
    ids["Rev.1"] = rev1["id"]
    api.propose(8, "delegate.rus", api.replace_first_sentence(8, "A pending Russian proposal"))
    later = api.call(
        "POST",
        f"/documents/{SLUG}/drafts",
        "chair.esp",
        json={"label": "Rev.2", "reference": "", "circulate": True},
    )
    ids["Rev.2"] = later["id"]
    return ids


def _download(page: Any, group: Any, button: str) -> tuple[str, bytes, dict[str, list[str]]]:
    """Click a download button; the file's suggested name, its bytes and the query sent."""
    with (
        page.expect_request(lambda r: "/api/drafts/" in r.url) as sent,
        page.expect_download() as info,
    ):
        group.get_by_role("button", name=button).click()
    download = info.value
    content = Path(download.path()).read_bytes()
    return download.suggested_filename, content, parse_qs(urlsplit(sent.value.url).query)


def _assert_docx(content: bytes) -> None:
    assert content[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        assert "word/document.xml" in docx.namelist()


def _assert_html(content: bytes) -> None:
    text = content.decode()
    assert "<html" in text.lower()
    assert DOCUMENT_TITLE in text


@pytest.mark.parametrize("user", ["coordinator", "chair.blr"])
def test_chair_and_coordinator_download_redline_and_compilation(
    server: str, open_page: Any, template: TemplateDB, user: str
) -> None:
    ids = _round(ApiClient(server, template.tokens))
    rev1 = ids["Rev.1"]
    page = open_page()
    sign_in(page, server, user, then=f"/draft/{rev1}")
    page.get_by_role("heading", level=1, name="Rev.1").wait_for()

    redline = page.get_by_role("group", name="Redline")
    against = redline.get_by_label("Redline against")
    # Only earlier drafts, newest first; the one just before this is chosen.
    assert against.locator("option").all_inner_texts() == ["Interim", "Baseline"]
    assert against.input_value() == str(ids["Interim"])

    name, content, sent = _download(page, redline, "Word")
    assert name == "bpg-1540-rev-1-changes.docx"
    assert sent == {"format": ["docx"], "changes_since": [str(ids["Interim"])]}
    _assert_docx(content)

    redline.get_by_label("Number the lines (for a meeting)").check()
    redline.get_by_label("Word: allow edits only as tracked changes").check()
    name, content, sent = _download(page, redline, "Word")
    assert sent == {
        "format": ["docx"],
        "changes_since": [str(ids["Interim"])],
        "line_numbers": ["true"],
        "protect": ["true"],
    }
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        settings = archive.read("word/settings.xml").decode()
        assert 'w:edit="trackedChanges"' in settings
        assert "w:lnNumType" in archive.read("word/document.xml").decode()
    redline.get_by_label("Number the lines (for a meeting)").uncheck()
    redline.get_by_label("Word: allow edits only as tracked changes").uncheck()

    against.select_option(label="Baseline")
    name, content, sent = _download(page, redline, "HTML")
    assert name == "bpg-1540-rev-1-changes.html"
    assert sent == {"format": ["html"], "changes_since": [str(ids["Baseline"])]}
    _assert_html(content)
    assert "agreed" in content.decode()

    compilation = page.get_by_role("group", name="Compilation of proposals")
    statuses = compilation.get_by_role("group", name="Proposals to include")
    assert statuses.get_by_label("Pending", exact=True).is_checked()
    assert statuses.get_by_label("Accepted, not yet merged", exact=True).is_checked()
    for unchecked in ("Rejected", "Withdrawn", "Merged"):
        assert not statuses.get_by_label(unchecked, exact=True).is_checked()
    since = compilation.get_by_label("Proposals made since")
    assert since.input_value() == ""
    screenshot(page, f"draft-circulation-{user}-1280", full_page=True)

    name, content, sent = _download(page, compilation, "Word")
    assert name == "bpg-1540-rev-1-compilation.docx"
    assert sent == {"format": ["docx"], "status": ["submitted", "accepted"]}
    _assert_docx(content)

    statuses.get_by_label("Merged", exact=True).check()
    since.select_option(label="Baseline")
    compilation.get_by_label("Delegation code").fill("rus")
    name, content, sent = _download(page, compilation, "HTML")
    assert name == "bpg-1540-rev-1-compilation.html"
    assert sent == {
        "format": ["html"],
        "status": ["submitted", "accepted", "merged"],
        "since": [str(ids["Baseline"])],
        "delegation": ["RUS"],
    }
    _assert_html(content)

    # Nothing to include, or a code that cannot be one: said, and nothing is requested.
    for label in ("Pending", "Accepted, not yet merged", "Merged"):
        statuses.get_by_label(label, exact=True).uncheck()
    compilation.get_by_role("button", name="HTML").click()
    compilation.get_by_role("alert").get_by_text("Choose at least one").wait_for()
    statuses.get_by_label("Rejected", exact=True).check()
    compilation.get_by_label("Delegation code").fill("R")
    compilation.get_by_role("button", name="Word").click()
    compilation.get_by_role("alert").get_by_text("delegation code").wait_for()


def test_delegate_sees_the_redline_but_not_the_compilation(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    ids = _round(ApiClient(server, template.tokens))
    page = open_page(width=390, height=844)
    sign_in(page, server, "delegate.rus", then=f"/draft/{ids['Rev.1']}")
    page.get_by_role("heading", level=1, name="Rev.1").wait_for()

    redline = page.get_by_role("group", name="Redline")
    assert redline.get_by_label("Redline against").input_value() == str(ids["Interim"])
    name, content, sent = _download(page, redline, "Word")
    assert name == "bpg-1540-rev-1-changes.docx"
    assert sent == {"format": ["docx"], "changes_since": [str(ids["Interim"])]}
    _assert_docx(content)

    assert page.get_by_role("group", name="Compilation of proposals").count() == 0
    assert page.get_by_label("Proposals made since").count() == 0
    assert page.get_by_role("button", name="Compilation as Word").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "draft-circulation-delegate-390", full_page=True)

    # The first draft has nothing earlier to compare with.
    page.goto(f"{server}/#/draft/{ids['Baseline']}")
    page.get_by_role("heading", level=1, name="Baseline").wait_for()
    page.get_by_text("There is no earlier draft").wait_for()
    assert page.get_by_label("Redline against").count() == 0


def test_compilation_fits_a_phone_and_leaving_mid_load_is_quiet(
    server: str, open_page: Any, template: TemplateDB
) -> None:
    ids = _round(ApiClient(server, template.tokens))
    page = open_page(width=390, height=844)
    sign_in(page, server, "coordinator", then=f"/draft/{ids['Rev.1']}")
    compilation = page.get_by_role("group", name="Compilation of proposals")
    compilation.get_by_role("button", name="Word").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    compilation.scroll_into_view_if_needed()
    screenshot(page, "draft-circulation-coordinator-390")

    # Leave the draft while it (and its list of drafts) is still loading.
    for _ in range(3):
        page.goto(f"{server}/#/draft/{ids['Rev.2']}")
        page.goto(f"{server}/#/drafts")
    page.get_by_role("heading", level=1, name="Drafts").wait_for()
    page.get_by_role("link", name="Rev.2").wait_for()
