"""The structured redline: accept all gives the new text, reject all the old one.

Texts are realistic Markdown: headings, paragraphs, nested bulleted and
numbered lists, emphasis, strong, inline code, links, Russian with stress
marks, repeated endings. The readings are compared block by block (kind,
level, ordered) and run by run (text and formatting), so a lost emphasis, a
list item read as a paragraph or a stray ``**`` fails.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.diff import word_diff
from app.exports.builders.mdblocks import parse_blocks
from app.exports.builders.model import Change
from app.exports.builders.redline_blocks import accepted, reading_of, rejected, structure
from app.exports.builders.sourcemap import Fmt, blocks_text, source_map

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
