"""Quoted passages are found again on later revisions, or reported orphaned."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.anchor import locate


def test_finds_the_passage_after_text_moved() -> None:
    old = "States should maintain effective controls."
    new = "Participating States should maintain effective controls."
    assert locate(old, "maintain effective", "should ", " controls") == (14, 32)
    start, end = locate(new, "maintain effective", "should ", " controls") or (0, 0)
    assert (start, end) == (28, 46) and new[start:end] == "maintain effective"


def test_prefix_and_suffix_choose_between_repeated_passages() -> None:
    text = "export controls apply; transit controls apply; brokering controls apply"
    assert locate(text, "controls", "transit ", " apply") == (31, 39)
    assert locate(text, "controls", "brokering ", "") == (57, 65)


def test_missing_passage_is_orphaned() -> None:
    assert locate("The passage was rewritten.", "maintain effective") is None
    assert locate("anything", "") is None


@settings(max_examples=300)
@given(st.text(), st.text(min_size=1), st.text(max_size=8), st.text(max_size=8))
def test_a_found_anchor_always_spans_the_exact_quote(
    text: str, exact: str, prefix: str, suffix: str
) -> None:
    found = locate(text, exact, prefix, suffix)
    assert (found is None) == (exact not in text)
    if found:
        assert text[found[0] : found[1]] == exact
