"""Specification of the word-granular three-way merge (DESIGN §3), examples and properties."""

# Fraktur letters are deliberate here: non-BMP text must merge without loss.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.align import Aligner
from app.core.merge import HUNKS as HUNK_CACHE
from app.core.merge import (
    Alternative,
    Clean,
    Conflict,
    ProposalInput,
    _Codec,
    bracket,
    carry_each,
    competing,
    hunks,
    merge,
)

PROPERTY = settings(max_examples=1000, deadline=None)

BASE_WORDS = [f"w{i}" for i in range(12)]
NEW_WORDS = [f"n{i}" for i in range(8)]
OTHER_WORDS = [f"o{i}" for i in range(8)]
MIXED_TOKENS = ["a", "b", "the", "мера", "и", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🙂", ",", ".", "x1"]
DELEGATIONS = ["USA", "RUS", "CHE", "ESP", "BLR"]

DESIGN_BASE = "maintain appropriate effective measures"


def proposal(pid: int, base: str, text: str, delegation: str | None = None) -> ProposalInput:
    return ProposalInput(pid, delegation or DELEGATIONS[pid % len(DELEGATIONS)], base, text)


# --- word-list edits: the test oracle ---------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Words ``[start, end)`` of a word list replaced by ``words``."""

    start: int
    end: int
    words: tuple[str, ...]


def apply_edits(words: Sequence[str], edits: Sequence[Edit]) -> str:
    out: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.extend(words[pos : edit.start])
        out.extend(edit.words)
        pos = edit.end
    out.extend(words[pos:])
    return " ".join(out)


@st.composite
def separated_edits(draw: st.DrawFn, n_words: int, vocabulary: list[str]) -> list[Edit]:
    """Real changes of a word list, each pair separated by at least one unchanged word."""
    edits: list[Edit] = []
    pos = 0
    while pos <= n_words and len(edits) < 4:
        start = draw(st.integers(pos, n_words))
        end = draw(st.integers(start, min(n_words, start + 2)))
        new = draw(st.lists(st.sampled_from(vocabulary), max_size=2, unique=True))
        if start == end and not new:
            break
        edits.append(Edit(start, end, tuple(new)))
        pos = end + 1
        if draw(st.booleans()):
            break
    return edits


@st.composite
def single_edit(draw: st.DrawFn, n_words: int, vocabulary: list[str]) -> Edit:
    """One real change of a word list of ``n_words`` words."""
    start = draw(st.integers(0, n_words))
    end = draw(st.integers(start, min(n_words, start + 2)))
    new = draw(
        st.lists(
            st.sampled_from(vocabulary), min_size=1 if start == end else 0, max_size=2, unique=True
        )
    )
    return Edit(start, end, tuple(new))


@st.composite
def word_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 8) -> list[str]:
    return draw(
        st.lists(st.sampled_from(BASE_WORDS), min_size=min_size, max_size=max_size, unique=True)
    )


@st.composite
def mutated(draw: st.DrawFn, words: list[str]) -> list[str]:
    """A few random word edits (words may repeat: alignments can be ambiguous)."""
    out = list(words)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        index = draw(st.integers(0, len(out)))
        word = draw(st.sampled_from(MIXED_TOKENS))
        if kind == "insert":
            out.insert(index, word)
        elif index < len(out):
            out[index : index + 1] = [] if kind == "delete" else [word]
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, list[ProposalInput]]:
    """A current text and up to 4 proposals, some made on an older base, often overlapping."""
    old = draw(st.lists(st.sampled_from(MIXED_TOKENS), max_size=7))
    current = draw(mutated(old)) if draw(st.booleans()) else old
    proposals = []
    for pid in range(1, draw(st.integers(0, 4)) + 1):
        base = draw(st.sampled_from([old, current]))
        proposals.append(proposal(pid, " ".join(base), " ".join(draw(mutated(base)))))
    return " ".join(current), proposals


free_text = st.lists(st.sampled_from([*"ab и мы,.\n🙂𝔘-", "  ", "ab"]), max_size=16).map("".join)


# --- the DESIGN example -----------------------------------------------------------------


def test_design_example_deleting_neighbouring_words_is_a_conflict() -> None:
    usa = proposal(1, DESIGN_BASE, "maintain effective measures", "USA")
    rus = proposal(2, DESIGN_BASE, "maintain appropriate measures", "RUS")
    result = merge(DESIGN_BASE, [usa, rus])
    assert not result.clean
    (conflict,) = result.conflicts
    assert [a.delegations for a in conflict.alternatives] == [("USA",), ("RUS",)]
    assert result.resolved_text({0: bracket(conflict)}) == (
        "maintain [USA: effective / RUS: appropriate] measures"
    )
    with pytest.raises(ValueError):
        result.text()


def test_patch_apply_would_silently_produce_text_no_delegation_proposed() -> None:
    dmp = diff_match_patch()
    usa = dmp.patch_make(DESIGN_BASE, "maintain effective measures")
    rus = dmp.patch_make(DESIGN_BASE, "maintain appropriate measures")
    text, applied_usa = dmp.patch_apply(usa, DESIGN_BASE)
    text, applied_rus = dmp.patch_apply(rus, text)
    assert all(applied_usa) and all(applied_rus)
    assert text == "maintain measures"  # what patch_apply makes of it
    result = merge(
        DESIGN_BASE,
        [
            proposal(1, DESIGN_BASE, "maintain effective measures", "USA"),
            proposal(2, DESIGN_BASE, "maintain appropriate measures", "RUS"),
        ],
    )
    assert len(result.conflicts) == 1


@pytest.mark.parametrize(
    ("usa", "rus"),
    [
        ("maintain effective measures", "maintain appropriate measures"),
        ("maintain  effective measures", "maintain appropriate  measures"),  # space kept
        ("maintain appropriate strong measures", "maintain weak effective measures"),
        ("maintain appropriate effective, measures", "maintain appropriate measures"),
        ("maintain appropriate new effective measures", "maintain appropriate measures"),
    ],
)
def test_changes_separated_only_by_whitespace_conflict(usa: str, rus: str) -> None:
    result = merge(DESIGN_BASE, [proposal(1, DESIGN_BASE, usa), proposal(2, DESIGN_BASE, rus)])
    assert len(result.conflicts) == 1


def test_changes_separated_by_one_unchanged_word_merge_cleanly() -> None:
    base = "maintain appropriate and effective measures"
    usa = proposal(1, base, "maintain and effective measures", "USA")
    rus = proposal(2, base, "maintain appropriate and measures", "RUS")
    result = merge(base, [usa, rus])
    assert result.text() == "maintain and measures"
    credited = [s.delegations for s in result.segments if isinstance(s, Clean) and s.proposal_ids]
    assert credited == [("USA",), ("RUS",)]


def test_an_unchanged_punctuation_mark_separates_changes() -> None:
    base = "export, transit"
    result = merge(
        base, [proposal(1, base, "exports, transit"), proposal(2, base, "export, brokering")]
    )
    assert result.text() == "exports, brokering"


def test_two_insertions_at_one_point_conflict_unless_identical() -> None:
    base = "states should act"
    a = proposal(1, base, "states should promptly act", "USA")
    b = proposal(2, base, "states should firmly act", "RUS")
    c = proposal(3, base, "states should promptly act", "CHE")
    assert len(merge(base, [a, b]).conflicts) == 1
    result = merge(base, [a, c])
    assert result.text() == "states should promptly act"
    (change,) = [s for s in result.segments if isinstance(s, Clean) and s.proposal_ids]
    assert (change.proposal_ids, change.delegations) == ((1, 3), ("CHE", "USA"))


def test_conflict_alternatives_are_grouped_by_identical_text() -> None:
    usa = proposal(1, DESIGN_BASE, "maintain effective measures", "USA")
    che = proposal(2, DESIGN_BASE, "maintain effective measures", "CHE")
    rus = proposal(3, DESIGN_BASE, "maintain appropriate measures", "RUS")
    (conflict,) = merge(DESIGN_BASE, [rus, che, usa]).conflicts
    assert conflict.alternatives == (
        Alternative("effective ", (1, 2), ("CHE", "USA")),
        Alternative("appropriate ", (3,), ("RUS",)),
    )
    assert bracket(conflict) == "[CHE, USA: effective / RUS: appropriate] "


# --- stale proposals ----------------------------------------------------------------------


def test_stale_proposal_far_from_what_moved_merges_onto_current() -> None:
    old = "States shall adopt laws. They should report annually."
    current = "States shall adopt and enforce laws. They should report annually."
    stale = proposal(1, old, "States shall adopt laws. They should report biennially.")
    assert merge(current, [stale]).text() == (
        "States shall adopt and enforce laws. They should report biennially."
    )


def test_stale_proposal_touching_what_moved_conflicts_with_the_current_text() -> None:
    old = "States shall adopt laws."
    current = "States shall adopt effective laws."
    stale = proposal(1, old, "States shall enact laws.", "RUS")
    (conflict,) = merge(current, [stale]).conflicts
    assert conflict.base_text == "adopt effective "
    assert conflict.alternatives == (
        Alternative("adopt effective ", (), ()),
        Alternative("enact ", (1,), ("RUS",)),
    )
    assert bracket(conflict) == "[Current: adopt effective / RUS: enact] "


def test_stale_proposal_already_applied_contributes_nothing() -> None:
    old = "States shall adopt laws."
    current = "States shall enact laws."
    result = merge(current, [proposal(1, old, "States shall enact laws.")])
    assert result.text() == current
    assert all(not s.proposal_ids for s in result.segments if isinstance(s, Clean))


def test_stale_and_fresh_proposals_conflict_together() -> None:
    old = "adopt laws now"
    current = "adopt strict laws now"
    fresh = proposal(1, current, "adopt strict national laws now", "USA")
    stale = proposal(2, old, "adopt laws today", "RUS")
    stale_far = proposal(3, old, "enact laws now", "CHE")
    result = merge(current, [fresh, stale, stale_far])
    (conflict,) = result.conflicts
    assert conflict.base_text == "adopt strict "
    assert [a.text for a in conflict.alternatives] == [
        "adopt strict ",
        "adopt strict national ",  # USA inserts right after the word that moved
        "enact ",  # CHE's text for the region, made on the old base
    ]
    assert [a.proposal_ids for a in conflict.alternatives] == [(), (1,), (3,)]
    assert result.resolved_text({0: "enact strict "}) == "enact strict laws today"


@PROPERTY
@given(st.data())
def test_stale_proposal_merges_when_far_and_conflicts_when_touching(data: st.DataObject) -> None:
    words = data.draw(word_lists(min_size=3))
    moved = data.draw(single_edit(len(words), OTHER_WORDS))
    change = data.draw(single_edit(len(words), NEW_WORDS))
    old, current = " ".join(words), apply_edits(words, [moved])
    text = apply_edits(words, [change])
    result = merge(current, [proposal(1, old, text)])
    if text == current:  # the same deletion: already applied
        assert result.text() == current
    elif change.start > moved.end or moved.start > change.end:
        assert result.text() == apply_edits(words, [moved, change])
    else:
        (conflict,) = result.conflicts
        assert conflict.alternatives[0] == Alternative(conflict.base_text, (), ())
        assert conflict.alternatives[1].proposal_ids == (1,)


# --- the properties of DESIGN §3 ---------------------------------------------------------


@PROPERTY
@given(free_text, free_text)
def test_single_proposal_on_current_merges_to_exactly_its_text(current: str, text: str) -> None:
    assert merge(current, [proposal(7, current, text)]).text() == text


@PROPERTY
@given(free_text, free_text)
def test_proposal_identical_to_its_base_contributes_nothing(current: str, base: str) -> None:
    result = merge(current, [proposal(1, base, base)])
    assert result == merge(current, [])
    assert result.text() == current
    assert all(s.proposal_ids == () for s in result.segments if isinstance(s, Clean))


def test_no_proposals_leave_current_unchanged() -> None:
    assert merge("", []).text() == ""
    assert merge("Раздел 1 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂", []).text() == "Раздел 1 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂"


@PROPERTY
@given(st.data())
def test_separated_edits_all_survive(data: st.DataObject) -> None:
    words = data.draw(word_lists())
    edits = data.draw(separated_edits(len(words), NEW_WORDS))
    owners = [data.draw(st.integers(1, 3)) for _ in edits]
    current = " ".join(words)
    proposals = [
        proposal(
            pid,
            current,
            apply_edits(words, [e for e, o in zip(edits, owners, strict=True) if o == pid]),
        )
        for pid in sorted(set(owners))
    ]
    result = merge(current, proposals)
    assert result.text() == apply_edits(words, edits)
    changed = [s for s in result.segments if isinstance(s, Clean) and s.proposal_ids]
    assert sorted(s.proposal_ids[0] for s in changed) == sorted(owners)


@PROPERTY
@given(st.data())
def test_touching_or_overlapping_edits_conflict(data: st.DataObject) -> None:
    words = data.draw(word_lists(min_size=2))
    n = len(words)
    a_start = data.draw(st.integers(0, n))
    a_end = data.draw(st.integers(a_start, n))
    b_start = data.draw(st.integers(0, a_end))  # b starts before a ends ...
    b_end = data.draw(st.integers(max(b_start, a_start), n))  # ... and ends after a starts
    a_new = data.draw(st.lists(st.sampled_from(NEW_WORDS), max_size=2, unique=True))
    b_new = data.draw(st.lists(st.sampled_from(OTHER_WORDS), max_size=2, unique=True))
    a = apply_edits(words, [Edit(a_start, a_end, tuple(a_new))])
    b = apply_edits(words, [Edit(b_start, b_end, tuple(b_new))])
    current = " ".join(words)
    assume(a != current and b != current)
    result = merge(current, [proposal(1, current, a), proposal(2, current, b)])
    if a == b:
        assert result.text() == a
        assert any(s.proposal_ids == (1, 2) for s in result.segments if isinstance(s, Clean))
    else:
        (conflict,) = result.conflicts
        resolutions = {result.resolved_text({0: alt.text}) for alt in conflict.alternatives}
        assert resolutions == {a, b}


@PROPERTY
@given(st.data())
def test_identical_changes_from_two_delegations_merge_cleanly_credited_to_both(
    data: st.DataObject,
) -> None:
    words = data.draw(word_lists())
    edit = data.draw(single_edit(len(words), NEW_WORDS))
    current = " ".join(words)
    text = apply_edits(words, [edit])
    result = merge(current, [proposal(1, current, text, "USA"), proposal(2, current, text, "RUS")])
    assert result.text() == text
    (change,) = [s for s in result.segments if isinstance(s, Clean) and s.proposal_ids]
    assert (change.proposal_ids, change.delegations) == ((1, 2), ("RUS", "USA"))


@PROPERTY
@given(st.data())
def test_result_does_not_depend_on_proposal_order(data: st.DataObject) -> None:
    current, proposals = data.draw(scenarios())
    shuffled = data.draw(st.permutations(proposals))
    assert merge(current, proposals) == merge(current, shuffled)


@PROPERTY
@given(scenarios())
def test_text_outside_every_change_is_current_untouched(
    scenario: tuple[str, list[ProposalInput]],
) -> None:
    current, proposals = scenario
    result = merge(current, proposals)
    assert "".join(s.base_text for s in result.segments) == current
    pos = 0
    for segment in result.segments:
        if isinstance(segment, Clean) and not segment.proposal_ids:
            assert current[pos : pos + len(segment.text)] == segment.text
        pos += len(segment.base_text)


@PROPERTY
@given(scenarios())
def test_conflicts_are_well_formed(scenario: tuple[str, list[ProposalInput]]) -> None:
    current, proposals = scenario
    for conflict in merge(current, proposals).conflicts:
        texts = [a.text for a in conflict.alternatives]
        assert len(set(texts)) == len(texts) >= 2  # distinct changes only
        ids = [i for a in conflict.alternatives for i in a.proposal_ids]
        assert len(set(ids)) == len(ids)  # a proposal backs one alternative
        for index, alternative in enumerate(conflict.alternatives):
            assert alternative.proposal_ids == tuple(sorted(alternative.proposal_ids))
            if not alternative.proposal_ids:  # the current text comes first
                assert (index, alternative.text) == (0, conflict.base_text)


def competing_by_merge(current: str, proposals: list[ProposalInput]) -> set[frozenset[int]]:
    """Competing groups read off merge()'s conflicts, the plain way."""
    groups: list[set[int]] = []
    for conflict in merge(current, proposals).conflicts:
        ids = {i for a in conflict.alternatives for i in a.proposal_ids}
        if len(ids) < 2:
            continue
        joined = set(ids)
        for group in [g for g in groups if g & ids]:
            joined |= group
            groups.remove(group)
        groups.append(joined)
    return {frozenset(g) for g in groups}


@PROPERTY
@given(scenarios())
def test_competing_is_exactly_the_merge_verdict(scenario: tuple[str, list[ProposalInput]]) -> None:
    current, proposals = scenario
    assert set(competing(current, proposals)) == competing_by_merge(current, proposals)


@PROPERTY
@given(scenarios())
def test_carrying_each_is_merging_each_alone(scenario: tuple[str, list[ProposalInput]]) -> None:
    current, proposals = scenario
    carried = carry_each(current, proposals)
    assert carried == {p.proposal_id: merge(current, [p]) for p in proposals}


def test_competing_names_rivals_and_leaves_out_a_lone_stale_change() -> None:
    usa = proposal(1, DESIGN_BASE, "maintain effective measures", "USA")
    rus = proposal(2, DESIGN_BASE, "maintain appropriate measures", "RUS")
    che = proposal(3, DESIGN_BASE, "maintain appropriate effective measures.", "CHE")
    stale = proposal(
        4, "ensure appropriate effective measures", "keep appropriate effective measures"
    )
    assert competing(DESIGN_BASE, [usa, rus, che]) == [frozenset({1, 2})]
    assert competing(DESIGN_BASE, [stale, che]) == []


@PROPERTY
@given(scenarios(), scenarios())
def test_hunks_do_not_depend_on_how_a_codec_numbers_tokens(
    first: tuple[str, list[ProposalInput]], second: tuple[str, list[ProposalInput]]
) -> None:
    """The cache's claim: hunks found under one numbering of tokens hold under any.

    A codec that has already numbered other texts (``first``) gives the tokens of
    ``second`` other code points; the alignment it finds, read back as tokens, is
    the cached one.
    """
    current, proposals = second
    codec = _Codec()
    for text in [first[0], *(p.text for p in first[1]), current]:
        codec.encode(text)
    aligner = Aligner(codec.blank, codec.breaks)
    HUNK_CACHE.clear()
    for p in proposals:
        found = aligner.hunks(codec.encode(p.base), codec.encode(p.text))
        in_tokens = tuple((s, e, codec.tokens_of(new)) for s, e, new in found)
        assert hunks(p.base, p.text) == in_tokens


# --- results, resolution and brackets ---------------------------------------------------


def test_resolved_text_replaces_each_conflict_and_needs_every_one() -> None:
    result = merge(
        DESIGN_BASE,
        [
            proposal(1, DESIGN_BASE, "maintain effective measures"),
            proposal(2, DESIGN_BASE, "maintain appropriate measures"),
        ],
    )
    assert result.resolved_text({0: "appropriate and effective "}) == (
        "maintain appropriate and effective measures"
    )
    with pytest.raises(ValueError):
        result.resolved_text({})
    with pytest.raises(ValueError):
        result.resolved_text({0: "", 1: ""})


def test_duplicate_proposal_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        merge("a", [proposal(1, "a", "b"), proposal(1, "a", "c")])


def test_bracket_labels_deletion_and_current_text() -> None:
    conflict = Conflict(
        "appropriate effective ",
        (
            Alternative("appropriate effective ", (), ()),
            Alternative("", (4,), ("USA",)),
            Alternative(" robust ", (2, 5), ("CHE", "ESP")),
        ),
    )
    assert bracket(conflict) == (
        "[Current: appropriate effective / USA: (delete) / CHE, ESP: robust] "
    )


def test_cyrillic_and_non_bmp_text_merge_without_loss() -> None:
    base = "Государства 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 принимают меры."
    rus = proposal(1, base, "Государства 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 принимают эффективные меры.", "RUS")
    usa = proposal(2, base, "Государства 𝔘𝔫𝔦 🙂 принимают меры.", "USA")
    assert merge(base, [rus, usa]).text() == "Государства 𝔘𝔫𝔦 🙂 принимают эффективные меры."
    blr = proposal(3, base, "Государства 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 принимают надлежащие меры.", "BLR")
    result = merge(base, [rus, blr])
    (conflict,) = result.conflicts
    assert result.resolved_text({0: bracket(conflict)}) == (
        "Государства 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 принимают [RUS: эффективные / BLR: надлежащие] меры."
    )


def test_emoji_touching_a_word_is_its_own_token() -> None:
    base = "🙂agreed🙂"
    result = merge(base, [proposal(1, base, "🎉agreed🙂"), proposal(2, base, "🙂agreed🎉")])
    assert result.text() == "🎉agreed🎉"
