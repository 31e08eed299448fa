"""Specification of the redline over rendered Markdown (app.core.redline)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.diff import DiffOp, word_diff
from app.core.markdown import render_markdown
from app.core.redline import redline_html, redline_ops_html
from tests.core.xss_payloads import PAYLOADS, assert_html_safe

_VOID = frozenset({"img", "br", "hr"})
_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
    | {"table", "thead", "tbody", "tr", "th", "td", "hr", "div"}
)


class _StructureChecker(HTMLParser):
    """Records every way the HTML is not well-formed or ins/del cross blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marks = [t for t in self.stack if t in ("ins", "del")]
        if tag in _BLOCKS and marks:
            self.problems.append(f"<{tag}> inside <{marks[-1]}>")
        if tag in ("ins", "del") and marks:
            self.problems.append(f"<{tag}> inside <{marks[-1]}>")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def assert_well_formed(html: str) -> None:
    checker = _StructureChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{checker.problems} in:\n{html}"
    assert not checker.stack, f"unclosed {checker.stack} in:\n{html}"


class _TextView(HTMLParser):
    """The text a reader sees when one kind of change (ins or del) is dropped."""

    def __init__(self, drop: str) -> None:
        super().__init__(convert_charrefs=True)
        self.drop, self.depth, self.parts = drop, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == self.drop

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == self.drop

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def _text(html: str, *, drop: str = "") -> str:
    view = _TextView(drop)
    view.feed(html)
    view.close()
    return " ".join("".join(view.parts).split())


def _has_marks(html: str) -> bool:
    return re.search(r"<(ins|del)\b", html) is not None


# -- examples ---------------------------------------------------------------------


def test_redline_of_identical_text_is_the_rendered_markdown() -> None:
    text = "# Title\n\n- a\n- *b*\n\n> q\n"
    assert redline_html(text, text) == render_markdown(text)


def test_inserted_word_is_wrapped_in_ins() -> None:
    assert redline_html("maintain measures", "maintain effective measures") == (
        "<p>maintain <ins>effective </ins>measures</p>\n"
    )


def test_deleted_word_is_wrapped_in_del() -> None:
    assert redline_html("maintain appropriate measures", "maintain measures") == (
        "<p>maintain <del>appropriate </del>measures</p>\n"
    )


def test_redline_keeps_heading_level() -> None:
    assert redline_html("## Export control", "## Export controls") == (
        "<h2>Export <del>control</del><ins>controls</ins></h2>\n"
    )


def test_redline_keeps_list_structure() -> None:
    html = redline_html("- one\n- two\n- three\n", "- one\n- two more\n- three\n")
    assert html == "<ul>\n<li>one</li>\n<li>two<ins> more</ins></li>\n<li>three</li>\n</ul>\n"


def test_inserted_list_item_is_marked_inside_the_same_list() -> None:
    html = redline_html("- alpha\n- gamma\n", "- alpha\n- beta\n- gamma\n")
    assert html == (
        '<ul>\n<li>alpha</li>\n<li class="redline-ins"><ins>beta</ins></li>\n'
        "<li>gamma</li>\n</ul>\n"
    )


def test_deleted_paragraph_is_marked_with_class_and_del() -> None:
    html = redline_html("First.\n\nSecond *one*.\n", "First.\n")
    assert html == '<p>First.</p>\n<p class="redline-del"><del>Second <em>one</em>.</del></p>\n'


def test_emphasis_survives_inside_changes() -> None:
    html = redline_html("The *quick brown* fox", "The *quick red* fox")
    assert html == "<p>The <em>quick <del>brown</del><ins>red</ins></em> fox</p>\n"


def test_formatting_change_shows_as_delete_and_insert() -> None:
    html = redline_html("a *word* here", "a **word** here")
    assert html == "<p>a <em><del>word</del></em><strong><ins>word</ins></strong> here</p>\n"


def test_link_target_change_is_visible() -> None:
    html = redline_html("see [annex](https://a.org)", "see [annex](https://b.org)")
    assert '<a href="https://a.org"><del>annex</del></a>' in html
    assert '<a href="https://b.org"><ins>annex</ins></a>' in html


def test_changed_table_cell_keeps_the_table() -> None:
    old = "| State | Status |\n|---|---|\n| A | draft |\n"
    new = "| State | Status |\n|---|---|\n| A | final |\n| B | new |\n"
    html = redline_html(old, new)
    assert "<td><del>draft</del><ins>final</ins></td>" in html
    assert '<tr class="redline-ins">' in html
    assert html.count("<table>") == 1
    assert_well_formed(html)


def test_code_block_is_word_diffed_inside_pre() -> None:
    html = redline_html("```py\nx = 1\n```\n", "```py\nx = 2\n```\n")
    assert html == '<pre><code class="language-py">x = <del>1</del><ins>2</ins>\n</code></pre>\n'


def test_heading_level_change_replaces_the_block() -> None:
    html = redline_html("# Title", "## Title")
    deleted = '<h1 class="redline-del"><del>Title</del></h1>\n'
    assert html == deleted + '<h2 class="redline-ins"><ins>Title</ins></h2>\n'


def test_edited_paragraph_pairs_with_its_old_version_not_a_new_neighbour() -> None:
    old = "States shall adopt measures.\n\nEnd.\n"
    new = "A new opening paragraph.\n\nStates shall adopt effective measures.\n\nEnd.\n"
    html = redline_html(old, new)
    assert html.startswith('<p class="redline-ins"><ins>A new opening paragraph.</ins></p>\n')
    assert "<p>States shall adopt <ins>effective </ins>measures.</p>" in html


def test_inserted_horizontal_rule_is_marked_by_class() -> None:
    assert '<hr class="redline-ins" />' in redline_html("a", "a\n\n---\n")


def test_deleted_image_is_wrapped_in_del() -> None:
    html = redline_html("x ![map](https://osce.org/m.png) y", "x y")
    assert '<del><img src="https://osce.org/m.png" alt="map" /> </del>' in html


def test_nested_list_change_stays_inside_nested_list() -> None:
    html = redline_html("- a\n  - b\n", "- a\n  - b c\n")
    assert html == "<ul>\n<li>a\n<ul>\n<li>b<ins> c</ins></li>\n</ul>\n</li>\n</ul>\n"


def test_redline_is_deterministic() -> None:
    old = "# T\n\n" + "word " * 200 + "\n\n- a\n- b\n"
    new = "# T!\n\n" + "word " * 150 + "other " * 50 + "\n\n- b\n- c\n"
    assert redline_html(old, new) == redline_html(old, new)


def test_redline_ops_html_escapes_and_wraps() -> None:
    ops = [DiffOp("equal", "a <b> "), DiffOp("delete", "x&y"), DiffOp("insert", '"z"')]
    assert redline_ops_html(ops) == "a &lt;b&gt; <del>x&amp;y</del><ins>&quot;z&quot;</ins>"


def test_redline_ops_html_of_a_title_diff() -> None:
    html = redline_ops_html(word_diff("Export control", "Export controls"))
    assert html == "Export <del>control</del><ins>controls</ins>"


# -- safety ------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_redline_of_payloads_is_safe(payload: str) -> None:
    benign = "Participating States *shall* maintain [measures](https://osce.org)."
    for old, new in [(benign, payload), (payload, benign), (payload, payload + " x")]:
        html = redline_html(old, new)
        assert_html_safe(html)
        assert_well_formed(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_redline_of_payloads_inside_documents_is_safe(payload: str) -> None:
    old = f"# Guide\n\n- item one\n- item {payload}\n\nText {payload} here.\n"
    new = f"# Guide {payload}\n\n- item one\n- item two {payload}\n\nText here {payload}.\n"
    assert_html_safe(redline_html(old, new))


# -- properties --------------------------------------------------------------------

FRAKTUR = "\U0001d518\U0001d52b\U0001d526"  # non-BMP word characters
_FRAGMENTS = [
    "word", "more", "Слово", "мера", FRAKTUR, "1540", " ", " ", "\n", "\n\n", ".", ",",
    "# ", "## ", "- ", "  - ", "1. ", "> ", "    ", "```\n", "*", "**", "_", "`", "~~",
    "[", "](https://x.org)", "](javascript:x)", "![", "|", "|---|---|\n", "---\n",
    "\\", "<b>", "&amp;", "  \n",
]  # fmt: skip
_FRAGMENT = st.sampled_from(_FRAGMENTS)
_markdown = st.lists(_FRAGMENT, max_size=24)


@st.composite
def _markdown_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two Markdown texts, usually the second an edit of the first."""
    old = draw(_markdown)
    if draw(st.booleans()):
        return "".join(old), "".join(draw(_markdown))
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(new)))
        if draw(st.booleans()) or not new:
            new.insert(at, draw(_FRAGMENT))
        else:
            del new[min(at, len(new) - 1)]
    return "".join(old), "".join(new)


@settings(max_examples=1000, deadline=None)
@given(_markdown.map("".join))
def test_redline_of_a_text_against_itself_has_no_marks(text: str) -> None:
    html = redline_html(text, text)
    assert not _has_marks(html)
    assert html == render_markdown(text)


@settings(max_examples=1000, deadline=None)
@given(_markdown_pairs())
def test_redline_is_well_formed_and_safe(pair: tuple[str, str]) -> None:
    html = redline_html(*pair)
    assert_well_formed(html)
    assert_html_safe(html)


@settings(max_examples=1000, deadline=None)
@given(_markdown_pairs())
def test_dropping_deletions_gives_new_text_and_dropping_insertions_old(
    pair: tuple[str, str],
) -> None:
    old, new = pair
    html = redline_html(old, new)
    assert _text(html, drop="del") == _text(render_markdown(new))
    assert _text(html, drop="ins") == _text(render_markdown(old))
