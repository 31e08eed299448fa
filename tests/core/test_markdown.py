"""Specification of safe Markdown rendering (app.core.markdown)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.markdown import (
    escape,
    is_allowed_image_src,
    is_allowed_link,
    render_inline,
    render_markdown,
)
from tests.core.xss_payloads import PAYLOADS, assert_html_safe

# -- links ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://osce.org/x",
        "http://osce.org",
        "HTTPS://OSCE.ORG",
        "mailto:secretariat@osce.org",
        "#section-3",
        "#",
    ],
)
def test_allowed_links(url: str) -> None:
    assert is_allowed_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "jav&#x61;script:alert(1)",
        "jav&amp;#x61;script:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        " javascript:alert(1)",
        "java\u200bscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "/relative",
        "relative.html",
        "//evil.example",
        "",
        "https%3A//x",
    ],
)
def test_refused_links(url: str) -> None:
    assert not is_allowed_link(url)


def test_images_allow_only_http_and_https() -> None:
    assert is_allowed_image_src("https://osce.org/logo.png")
    assert is_allowed_image_src("http://osce.org/logo.png")
    assert not is_allowed_image_src("mailto:a@b.org")
    assert not is_allowed_image_src("#anchor")
    assert not is_allowed_image_src("data:image/png;base64,AAAA")


def test_http_link_renders_as_anchor() -> None:
    assert render_markdown("[OSCE](https://osce.org)") == (
        '<p><a href="https://osce.org">OSCE</a></p>\n'
    )


def test_mailto_and_anchor_links_render() -> None:
    html = render_markdown("[mail](mailto:a@b.org) and [see](#annex-1)")
    assert '<a href="mailto:a@b.org">mail</a>' in html
    assert '<a href="#annex-1">see</a>' in html


def test_javascript_link_renders_as_text() -> None:
    assert render_markdown("[click me](javascript:alert(1))") == "<p>click me</p>\n"


def test_entity_encoded_scheme_is_refused() -> None:
    assert render_markdown("[x](jav&#x61;script:alert(1))") == "<p>x</p>\n"


def test_mixed_case_data_and_vbscript_schemes_are_refused() -> None:
    for url in ("JaVaScRiPt:alert(1)", "data:text/html,hi", "VBScript:msgbox(1)"):
        assert render_markdown(f"[x]({url})") == "<p>x</p>\n"


def test_relative_links_are_dropped_to_text() -> None:
    assert render_markdown("[annex](annex.html) [root](/x)") == "<p>annex root</p>\n"


def test_javascript_autolink_renders_as_plain_text() -> None:
    assert render_markdown("<javascript:alert(1)>") == "<p>javascript:alert(1)</p>\n"


def test_http_autolink_renders_as_anchor() -> None:
    assert '<a href="https://osce.org">' in render_markdown("<https://osce.org>")


def test_reference_definition_with_javascript_is_refused() -> None:
    assert render_markdown("[x][r]\n\n[r]: javascript:alert(1)") == "<p>x</p>\n"


def test_refused_link_keeps_inner_formatting() -> None:
    assert render_markdown("[*a* `b`](javascript:x)") == "<p><em>a</em> <code>b</code></p>\n"


def test_http_image_is_kept() -> None:
    html = render_markdown("![map](https://osce.org/map.png)")
    assert '<img src="https://osce.org/map.png" alt="map" />' in html


def test_refused_image_renders_alt_text() -> None:
    assert render_markdown("![the *map*](javascript:alert(1))") == "<p>the <em>map</em></p>\n"
    assert render_markdown("![map](map.png)") == "<p>map</p>\n"


# -- raw HTML and structure -----------------------------------------------------


def test_raw_html_is_escaped_not_rendered() -> None:
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_html_block_is_escaped() -> None:
    assert "<div" not in render_markdown("<div onclick=x>\nhello\n</div>\n")


def test_commonmark_structure_renders() -> None:
    html = render_markdown("# Title\n\n- *one*\n- **two**\n\n> quote\n")
    assert "<h1>Title</h1>" in html
    assert "<li><em>one</em></li>" in html
    assert "<li><strong>two</strong></li>" in html
    assert "<blockquote>" in html


def test_tables_and_strikethrough_are_enabled() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| ~~x~~ | y |\n")
    assert '<th style="text-align:left">a</th>' in html
    assert "<s>x</s>" in html


def test_typographer_and_linkify_are_off() -> None:
    assert render_markdown('"quote" -- https://osce.org') == (
        "<p>&quot;quote&quot; -- https://osce.org</p>\n"
    )


def test_render_inline_has_no_block_elements() -> None:
    assert render_inline("# *Title* of [the](https://osce.org) guide") == (
        '# <em>Title</em> of <a href="https://osce.org">the</a> guide'
    )


def test_render_inline_refuses_javascript_links() -> None:
    assert render_inline("[x](javascript:alert(1))") == "x"


def test_escape_matches_renderer() -> None:
    assert escape('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;'"


# -- XSS corpus --------------------------------------------------------------------


def test_corpus_has_at_least_forty_payloads() -> None:
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def _embedded(payload: str) -> str:
    return (
        f"# Guide {payload}\n\nIntro text.\n\n{payload}\n\n"
        f"- item {payload}\n  - nested {payload}\n\n"
        f"> quoted {payload}\n\n| a | b |\n|---|---|\n| {payload} | x |\n\n"
        f"*{payload}* and [{payload}](https://osce.org) end.\n"
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_safely(payload: str) -> None:
    assert_html_safe(render_markdown(payload))
    assert_html_safe(render_inline(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_embedded_in_document_renders_safely(payload: str) -> None:
    assert_html_safe(render_markdown(_embedded(payload)))


_FRAGMENTS = [
    "<", ">", "/", "script", "img", "svg", " src=", " onerror=", "on", "=", '"', "'",
    "[", "]", "(", ")", "![", "](", "javascript", "java", "script:", ":", "data:",
    "vbscript:", "&#x61;", "&#58;", "&colon;", "&amp;", "\t", "\n", " ", "`", "*",
    "#", "- ", "> ", "|", "\\", "alert(1)", "https://x.org", "\x01", "\u200b",
]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=20).map("".join))
def test_any_mix_of_dangerous_fragments_renders_safely(text: str) -> None:
    assert_html_safe(render_markdown(text))
    assert_html_safe(render_inline(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_renders_safely(text: str) -> None:
    assert_html_safe(render_markdown(text))


def test_rendering_is_deterministic() -> None:
    text = _embedded("[x](https://osce.org) *y*")
    assert render_markdown(text) == render_markdown(text)
