"""The structured redline: accept all gives the new text, reject all the old one.

Checked twice: on the paragraph model, and on the tracked-change DOCX itself
with a reader of our own (``read_word``) that applies Word's rules for
``w:ins``, ``w:del``, ``w:rPrChange``, ``w:pPrChange`` and paragraph marks.

Texts are realistic Markdown: headings, paragraphs, nested bulleted and
numbered lists, emphasis, strong, inline code, links, Russian with stress
marks, repeated endings. The readings are compared block by block (kind,
level, ordered) and run by run (text and formatting), so a lost emphasis, a
list item read as a paragraph or a stray ``**`` fails.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from app.core.diff import word_diff
from app.exports.builders import RedlineSection, build_docx_redline, redline_blocks
from app.exports.builders.docx_markdown import block_style
from app.exports.builders.html_redline import paras_html
from app.exports.builders.mdblocks import parse_blocks
from app.exports.builders.model import Change
from app.exports.builders.redline_blocks import accepted, reading_of, rejected, structure
from app.exports.builders.sourcemap import Fmt, blocks_text, source_map

from .builders_factory import make_meta
from .test_builders_html import _check

PROPERTY = settings(max_examples=400, deadline=None)

WORDS = [
    "States",
    "shall",
    "adopt",
    "effective",
    "measures",
    "export",
    "controls",
    "annually",
    "report",
    "the",
    "of",
    "and",
    "госуда́рства",
    "примени́ть",
    "ме́ры",
    "контро́ль",
    "ме́ры",
    "State's",
    "1540",
    "(2004)",
]
STYLED = [
    "**strong words**",
    "*grounds for suspecting*",
    "`code`",
    "[the Committee](https://www.un.org/en/sc/1540/)",
    "**ме́ры** контро́ля",
    "_underscored_",
    "\\*escaped\\*",
    "&amp;",
]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS + STYLED), min_size=1, max_size=8))
    end = draw(st.sampled_from([".", ";", ":", " annually.", ""]))
    return " ".join(words) + end


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["para", "para", "heading", "bullets", "numbers", "quote"]))
    if kind == "heading":
        return "#" * draw(st.integers(1, 4)) + " " + draw(sentences())
    if kind == "quote":
        return "> " + draw(sentences())
    if kind == "para":
        lines = draw(st.lists(sentences(), min_size=1, max_size=3))
        return "\n".join(lines)  # soft line breaks inside a paragraph
    items = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        marker = f"{number}." if kind == "numbers" else "-"
        items.append(f"{marker} {draw(sentences())}")
        if draw(st.booleans()):
            nested = "1." if draw(st.booleans()) else "-"
            items.append(f"   {nested} {draw(sentences())}")
    return "\n".join(items)


@st.composite
def documents(draw: st.DrawFn) -> str:
    return "\n\n".join(draw(st.lists(blocks(), min_size=1, max_size=5))) + "\n"


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` after a few edits a delegation would make."""
    parts = text.split(" ")
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["word", "style", "drop", "paragraph", "item", "join"]))
        at = draw(st.integers(0, max(len(parts) - 1, 0)))
        if action == "word":
            parts.insert(at, draw(st.sampled_from(WORDS)))
        elif action == "style" and parts[at].isalpha():
            parts[at] = draw(st.sampled_from(["**{}**", "*{}*", "`{}`"])).format(parts[at])
        elif action == "drop" and len(parts) > 1:
            parts.pop(at)
        elif action == "paragraph":
            parts.insert(at, "\n\n" + draw(sentences()) + "\n\n")
        elif action == "item":
            parts.insert(at, "\n\n- " + draw(sentences()) + "\n\n")
        elif action == "join":
            parts[at] = parts[at].replace("\n\n", " ", 1)
    return " ".join(parts)


def changes_between(old: str, new: str) -> list[Change]:
    return [Change(op.op, op.text, "" if op.op == "equal" else "RUS") for op in word_diff(old, new)]


@PROPERTY
@given(documents())
def test_the_source_map_reads_what_the_clean_export_reads(text: str) -> None:
    found, glyphs = source_map(text)
    expected = [
        [(i.text, Fmt(i.bold, i.italic, i.code, i.href)) for i in block.inlines]
        for block in parse_blocks(text)
    ]
    assert len(glyphs) == len(text)
    got = blocks_text(found, glyphs)
    assert [g for g, b in zip(got, found, strict=True) if b.kind != "rule"] == expected


@PROPERTY
@given(st.data())
def test_accept_all_gives_the_new_text_and_reject_all_the_old(data: st.DataObject) -> None:
    old = data.draw(documents())
    new = data.draw(edited(old))
    paras = structure(changes_between(old, new))
    assert accepted(paras) == reading_of(new)
    assert rejected(paras) == reading_of(old)


def _per_character(builder: Any, change: Change, credit: Any, olds: Any, news: Any) -> None:
    for og, ng in zip(olds, news, strict=True):
        redline_blocks._step(builder, change, credit, og, ng)


@PROPERTY
@given(st.data())
def test_unchanged_stretches_read_as_they_do_character_by_character(data: st.DataObject) -> None:
    """The fast path over unchanged text builds exactly the paragraphs of the slow one."""
    old = data.draw(documents())
    new = data.draw(edited(old))
    changes = changes_between(old, new)
    fast = structure(changes)
    stretch = redline_blocks._equal_stretch
    redline_blocks._equal_stretch = _per_character  # type: ignore[assignment]
    try:
        slow = structure(changes)
    finally:
        redline_blocks._equal_stretch = stretch  # type: ignore[assignment]
    assert fast == slow


def test_emphasis_added_is_a_formatting_change_not_a_rewrite() -> None:
    old = "The State has grounds for suspecting a transfer.\n"
    new = "The State has *grounds for suspecting* a transfer.\n"
    (para,) = structure(changes_between(old, new))
    assert [(r.kind, r.text, r.fmt.italic, r.old_fmt) for r in para.runs] == [
        ("equal", "The State has ", False, None),
        ("equal", "grounds for suspecting", True, Fmt()),
        ("equal", " a transfer.", False, None),
    ]
    assert para.runs[1].author == "RUS"


def test_a_new_list_item_is_an_inserted_item_without_its_marker() -> None:
    old = "Measures:\n\n1. licensing;\n2. border controls.\n"
    new = "Measures:\n\n1. licensing;\n2. **brokering** controls;\n3. border controls.\n"
    paras = structure(changes_between(old, new))
    texts = ["".join(r.text for r in p.runs) for p in paras]
    assert not any(mark in t for t in texts for mark in ("**", "1.", "2.", "3."))
    kinds = [(p.props.kind if p.props else None) for p in paras]
    assert kinds.count("list_item") >= 3
    assert accepted(paras) == reading_of(new)
    assert rejected(paras) == reading_of(old)


def test_a_deleted_paragraph_is_deleted_with_its_mark() -> None:
    old = "First.\n\nGone paragraph.\n\nLast.\n"
    new = "First.\n\nLast.\n"
    paras = structure(changes_between(old, new))
    gone = [p for p in paras if any(r.text == "Gone paragraph." for r in p.runs)]
    assert gone and all(r.kind == "delete" for r in gone[0].runs)
    assert any(p.mark == "delete" for p in paras)


# ---------------------------------------------------------------- the Word file itself

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WordReading = list[tuple[str, list[tuple[str, bool, bool, bool, bool]]]]


def _style_names(archive: zipfile.ZipFile) -> dict[str, str]:
    styles = etree.fromstring(archive.read("word/styles.xml"))
    return {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val") for s in styles.iter(f"{W}style")
    }


def _props(r_pr: Any) -> tuple[bool, bool, bool]:
    if r_pr is None:
        return False, False, False
    fonts = r_pr.find(f"{W}rFonts")
    mono = fonts is not None and fonts.get(f"{W}ascii") == "Courier New"
    return r_pr.find(f"{W}b") is not None, r_pr.find(f"{W}i") is not None, mono


def read_word(data: bytes, *, accept: bool) -> WordReading:
    """Our own reader of w:ins/w:del/w:rPrChange/w:pPrChange: accept or reject all."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
        names = _style_names(archive)
    out: WordReading = []
    runs: list[tuple[str, bool, bool, bool, bool]] = []
    for p in body.iter(f"{W}p"):
        p_pr = p.find(f"{W}pPr")
        mark = p_pr.find(f"{W}rPr") if p_pr is not None else None
        mark_kind = None
        if mark is not None:
            mark_kind = "ins" if mark.find(f"{W}ins") is not None else "del"
        for r in p.iter(f"{W}r"):
            parent = r.getparent()
            linked = parent.tag == f"{W}hyperlink" or parent.getparent().tag == f"{W}hyperlink"
            if (parent.tag == f"{W}ins" and not accept) or (parent.tag == f"{W}del" and accept):
                continue
            r_pr = r.find(f"{W}rPr")
            change = r_pr.find(f"{W}rPrChange") if r_pr is not None else None
            props = _props(change.find(f"{W}rPr") if change is not None and not accept else r_pr)
            text = "".join(
                "\n" if node.tag == f"{W}br" else node.text or ""
                for node in r
                if node.tag in (f"{W}t", f"{W}delText", f"{W}br")
            )
            if not text:
                continue
            piece = (text, *props, linked)
            if runs and runs[-1][1:] == piece[1:]:
                runs[-1] = (runs[-1][0] + text, *piece[1:])
            else:
                runs.append(piece)
        if mark_kind == ("del" if accept else "ins"):
            continue  # this paragraph joins the next one
        style = p_pr.find(f"{W}pStyle") if p_pr is not None else None
        old = p_pr.find(f"{W}pPrChange") if p_pr is not None else None
        if not accept and old is not None:
            style = old.find(f"{W}pPr/{W}pStyle")
        name = names.get(style.get(f"{W}val"), "Normal") if style is not None else "Normal"
        out.append((name.lower(), runs))  # Word keeps built-in names in lower case
        runs = []
    return out


def expected_word(markdown: str) -> WordReading:
    blocks, glyphs = source_map(markdown)
    out: WordReading = []
    for block, runs in zip(blocks, blocks_text(blocks, glyphs), strict=True):
        style = "Normal" if block.kind == "paragraph" else block_style(block) or "Normal"
        out.append(
            (style.lower(), [(text, f.bold, f.italic, f.code, bool(f.href)) for text, f in runs])
        )
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_tracked_docx_accepted_is_the_new_text_and_rejected_the_old(
    data: st.DataObject,
) -> None:
    old = data.draw(documents())
    new = data.draw(edited(old))
    section = RedlineSection(1, "1", "Scope", 1, tuple(changes_between(old, new)), "changed")
    # A document always ends with a paragraph mark Word will not delete: an
    # unchanged section follows, as in every real guide.
    last = RedlineSection(2, "2", "End", 1, (Change("equal", "Fin."),), "unchanged")
    docx_bytes = build_docx_redline(make_meta(), [section, last])
    heading = ("heading 1", [("1 Scope", False, False, False, False)])
    end = [
        ("heading 1", [("2 End", False, False, False, False)]),
        ("normal", [("Fin.", *[False] * 4)]),
    ]
    title = read_word(docx_bytes, accept=True)[:2]  # the title block
    assert read_word(docx_bytes, accept=True) == [*title, heading, *expected_word(new), *end]
    assert read_word(docx_bytes, accept=False) == [*title, heading, *expected_word(old), *end]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_html_redline_is_balanced_and_free_of_markdown(data: st.DataObject) -> None:
    old = data.draw(documents())
    new = data.draw(edited(old))
    html = paras_html(structure(changes_between(old, new)))
    checker = _check(html)
    assert not checker.errors and not checker.stack, html
    visible = "".join(t for text in (old, new) for _, runs in reading_of(text) for t, _ in runs)
    for syntax in ("**", "]("):  # only where a text shows it literally (an unmatched **)
        assert syntax not in html or syntax in visible, html
