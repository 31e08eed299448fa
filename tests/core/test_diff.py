"""Specification of the word-level diff (app.core.diff)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import diff as diff_module
from app.core.diff import DiffOp, TooManyTokensError, diff_tokens, ops_as_dicts, word_diff
from app.core.tokenize import tokenize

# -- strategies ---------------------------------------------------------------------

_WORDS = [
    "maintain",
    "appropriate",
    "effective",
    "measures",
    "меры",
    "делегация",
    "\U0001d518\U0001d52b\U0001d526",
    "1540",
]
_PUNCT = [".", ",", ";", "—", "(", ")", "«", "»", "!", "'", "\U0001f600"]
_SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0"]
_TOKEN = st.sampled_from(_WORDS + _PUNCT + _SPACES)
_ALPHABET = st.sampled_from([*"ab cя.,\n—\t", "\U0001d518", "\U0001f600", "\u00a0", "\u0301"])

texts = st.one_of(
    st.lists(_TOKEN, max_size=30).map("".join),
    st.text(alphabet=_ALPHABET, max_size=30),
)


@st.composite
def _edit(draw: st.DrawFn, tokens: list[str]) -> list[str]:
    tokens = list(tokens)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(tokens)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not tokens:
            tokens[at:at] = draw(st.lists(_TOKEN, min_size=1, max_size=3))
        else:
            at = min(at, len(tokens) - 1)
            if action == "delete":
                del tokens[at]
            else:
                tokens[at] = draw(_TOKEN)
    return tokens


@st.composite
def related_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two texts where the second is the first after a few token edits."""
    old = tokenize(draw(texts))
    return "".join(old), "".join(draw(_edit(old)))


text_pairs = st.one_of(related_pairs(), st.tuples(texts, texts))


def _side(ops: list[DiffOp], kinds: set[str]) -> str:
    return "".join(op.text for op in ops if op.op in kinds)


# -- examples ---------------------------------------------------------------------


def test_identical_texts_give_one_equal_op() -> None:
    assert word_diff("maintain measures", "maintain measures") == [
        DiffOp("equal", "maintain measures")
    ]


def test_empty_texts_give_no_ops() -> None:
    assert word_diff("", "") == []


def test_insertion_into_empty_text() -> None:
    assert word_diff("", "new text") == [DiffOp("insert", "new text")]


def test_deleting_everything() -> None:
    assert word_diff("old text", "") == [DiffOp("delete", "old text")]


def test_changes_are_whole_words_not_characters() -> None:
    assert word_diff("the cat sat", "the cap sat") == [
        DiffOp("equal", "the "),
        DiffOp("delete", "cat"),
        DiffOp("insert", "cap"),
        DiffOp("equal", " sat"),
    ]


def test_deleting_one_word_of_the_design_example() -> None:
    ops = word_diff("maintain appropriate effective measures", "maintain effective measures")
    assert DiffOp("delete", "appropriate ") in ops or DiffOp("delete", " appropriate") in ops
    assert _side(ops, {"equal"}) == "maintain effective measures"


def test_cyrillic_and_non_bmp_words_are_tokens() -> None:
    ops = word_diff(
        "меры \U0001d518\U0001d52b\U0001d526 контроля",
        "меры \U0001d518\U0001d52b\U0001d526\U0001d518 контроля",
    )
    assert DiffOp("delete", "\U0001d518\U0001d52b\U0001d526") in ops
    assert DiffOp("insert", "\U0001d518\U0001d52b\U0001d526\U0001d518") in ops


def test_ops_as_dicts_is_json_ready() -> None:
    assert ops_as_dicts([DiffOp("equal", "a "), DiffOp("insert", "b")]) == [
        {"op": "equal", "text": "a "},
        {"op": "insert", "text": "b"},
    ]


def test_diff_op_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DiffOp("equal", "x").text = "y"  # type: ignore[misc]


def test_diff_tokens_works_on_any_hashable_items() -> None:
    runs = diff_tokens([("a", 1), ("b", 2)], [("a", 1), ("c", 3)], semantic=False)
    assert runs == [("equal", [("a", 1)]), ("delete", [("b", 2)]), ("insert", [("c", 3)])]


def test_private_characters_skip_surrogates() -> None:
    chars = [diff_module._char_for_index(i) for i in (0, 0xD800 - 0x101, 0xD800 - 0x100)]
    assert [ord(c) for c in chars] == [0x100, 0xD7FF, 0xE000]
    last = diff_module._char_for_index(diff_module._MAX_TOKENS - 1)
    assert ord(last) == 0x10FFFF
    with pytest.raises(TooManyTokensError):
        diff_module._char_for_index(diff_module._MAX_TOKENS)


def test_more_than_65k_distinct_tokens_are_encoded() -> None:
    old = " ".join(f"w{i}" for i in range(70_000))
    new = old.replace("w69999", "changed")
    ops = word_diff(old, new, timeout=0)
    assert ops[-2:] == [DiffOp("delete", "w69999"), DiffOp("insert", "changed")]


def test_too_many_distinct_tokens_falls_back_to_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diff_module, "_MAX_TOKENS", 3)
    ops = word_diff("a b c d", "a b x d")
    assert _side(ops, {"equal", "delete"}) == "a b c d"
    assert _side(ops, {"equal", "insert"}) == "a b x d"


def test_diff_is_deterministic() -> None:
    old, new = "a b c d e f " * 20, "a x c d y f " * 20
    assert word_diff(old, new) == word_diff(old, new)


# -- properties ----------------------------------------------------------------------


@settings(max_examples=1000, deadline=None)
@given(text_pairs)
def test_equal_and_deleted_text_rebuild_old(pair: tuple[str, str]) -> None:
    old, new = pair
    assert _side(word_diff(old, new), {"equal", "delete"}) == old


@settings(max_examples=1000, deadline=None)
@given(text_pairs)
def test_equal_and_inserted_text_rebuild_new(pair: tuple[str, str]) -> None:
    old, new = pair
    assert _side(word_diff(old, new), {"equal", "insert"}) == new


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_text_against_itself_is_one_equal_op(text: str) -> None:
    assert word_diff(text, text) == ([DiffOp("equal", text)] if text else [])


def _boundaries(tokens: list[str]) -> set[int]:
    positions, at = {0}, 0
    for token in tokens:
        at += len(token)
        positions.add(at)
    return positions


@settings(max_examples=1000, deadline=None)
@given(text_pairs)
def test_ops_are_merged_non_empty_and_cut_at_token_boundaries(pair: tuple[str, str]) -> None:
    old, new = pair
    ops = word_diff(old, new)
    assert all(op.text for op in ops)
    assert all(a.op != b.op for a, b in itertools.pairwise(ops))
    old_cuts, new_cuts = _boundaries(tokenize(old)), _boundaries(tokenize(new))
    old_at = new_at = 0
    for op in ops:
        if op.op != "insert":
            old_at += len(op.text)
            assert old_at in old_cuts
        if op.op != "delete":
            new_at += len(op.text)
            assert new_at in new_cuts
