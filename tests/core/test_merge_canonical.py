"""The merge on real drafting text: one canonical place per change, whole words, bounded cost.

Realistic texts: numbered paragraphs whose sentences end alike ("… annually."),
bullet lists, and Russian with stress marks (U+0301 after a vowel).
"""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from app.core.merge import Alternative, Clean, MergeResult, ProposalInput, merge
from app.core.tokenize import tokenize

ACUTE = "\u0301"
BASE = "1. States shall adopt measures.\n\n2. States shall report annually.\n"
SENTENCES = [
    "States shall report annually.",
    "States shall adopt measures.",
    "Госуда́рства должны́ принима́ть ме́ры.",
    "Контро́ль осуществля́ется ежего́дно.",
    "- export controls",
    "- border controls",
    "The Committee shall review the report annually.",
]
ADDED = [
    " They shall also publish the report.",
    " Госуда́рства публику́ют отчёт.",
    " The report is public.",
    "\n\n3. States shall cooperate.",
    "\n- transit controls",
]


def inputs(*texts: tuple[int, str, str, str]) -> list[ProposalInput]:
    return [ProposalInput(pid, code, base, text) for pid, code, base, text in texts]


def credited(result: MergeResult, piece: str) -> list[tuple[int, ...]]:
    """The proposals credited with each clean segment that contains ``piece``."""
    return [s.proposal_ids for s in result.segments if isinstance(s, Clean) and piece in s.text]


# --- the reproductions of the issue ----------------------------------------------------


def test_an_identical_sentence_added_by_two_proposals_appears_once_credited_to_both() -> None:
    usa = BASE.replace("annually.", "annually. They shall also publish the report.")
    rus = usa.replace("adopt", "take")
    result = merge(BASE, inputs((1, "USA", BASE, usa), (2, "RUS", BASE, rus)))
    assert result.clean
    assert result.text() == rus
    assert result.text().count("publish the report") == 1
    assert credited(result, "publish the report") == [(1, 2)]
    assert credited(result, "take") == [(2,)]


def test_an_identical_paragraph_added_by_two_proposals_appears_once() -> None:
    usa = BASE + "\n3. States shall cooperate.\n"
    rus = usa.replace("adopt", "take")
    result = merge(BASE, inputs((1, "USA", BASE, usa), (2, "RUS", BASE, rus)))
    assert result.clean and result.text() == rus
    assert result.text().count("cooperate") == 1


def test_two_different_sentences_added_at_one_point_conflict() -> None:
    usa = BASE.replace("annually.", "annually. USA text.")
    rus = BASE.replace("annually.", "annually. RUS text.").replace("adopt", "take")
    result = merge(BASE, inputs((1, "USA", BASE, usa), (2, "RUS", BASE, rus)))
    assert not result.clean
    (conflict,) = result.conflicts
    assert {a.delegations for a in conflict.alternatives} == {("USA",), ("RUS",)}


def test_a_stress_mark_belongs_to_its_word() -> None:
    assert tokenize(f"ре{ACUTE}зюме, нет") == [f"ре{ACUTE}зюме", ",", " ", "нет"]
    assert len(tokenize("cafe\u0301 \u0915\u093e")) == 3  # a decomposed accent, a vowel sign


def test_edits_on_each_side_of_a_stress_mark_in_one_word_conflict() -> None:
    base = f"Резолю{ACUTE}ция принята.\n"
    usa = f"Ризолю{ACUTE}ция принята.\n"
    rus = f"Резолю{ACUTE}цию принята.\n"
    result = merge(base, inputs((1, "USA", base, usa), (2, "RUS", base, rus)))
    assert not result.clean  # never "Ризолю́цию", which nobody proposed


def test_a_full_rewrite_of_the_largest_section_merges_with_a_coarse_but_true_result() -> None:
    rnd = random.Random(7)
    base = "\n\n".join(
        " ".join(rnd.choice(SENTENCES) for _ in range(4)) for _ in range(1500)
    )  # about 190 KB
    rewrite = "\n\n".join(
        " ".join(rnd.choice(SENTENCES[::-1]) + " Rewritten." for _ in range(4)) for _ in range(1500)
    )
    assert len(base) > 150_000
    alone = merge(base, inputs((1, "USA", base, rewrite)))
    assert alone.clean and alone.text() == rewrite
    edited = base.replace("annually", "yearly", 1)
    both = merge(edited, inputs((1, "USA", base, rewrite), (2, "RUS", base, edited)))
    assert not both.clean  # a rewrite of everything conflicts with any other change


# --- properties on realistic text ---------------------------------------------------------


@st.composite
def paragraphs(draw: st.DrawFn) -> list[str]:
    """2–5 distinct paragraphs of sentences that often end alike.

    Distinct: where a whole paragraph repeats, which copy a proposal changed is
    ambiguous to any diff (git's included), and two proposals may pick differently.
    """
    sentence = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map(" ".join)
    return draw(st.lists(sentence, min_size=2, max_size=5, unique=True))


def joined(paras: list[str]) -> str:
    return "\n\n".join(paras) + "\n"


@st.composite
def identical_change_with_an_edit_elsewhere(
    draw: st.DrawFn,
) -> tuple[str, str, str, str]:
    """base; a change made alone; the same change plus an edit in another paragraph.

    The other edit is separated from the change by unchanged words: an edit that
    only whitespace separates from it would touch it, and be one different change.
    """
    paras = draw(paragraphs())
    at = draw(st.integers(0, len(paras) - 1))
    elsewhere = draw(st.integers(0, len(paras) - 1).filter(lambda i: i != at))
    added = draw(st.sampled_from(ADDED))
    changed = list(paras)
    changed[at] = paras[at] + added
    both = list(changed)
    both[elsewhere] = changed[elsewhere] + " Amended."  # past at least one unchanged word
    return joined(paras), joined(changed), joined(both), added


@given(identical_change_with_an_edit_elsewhere(), st.booleans())
def test_an_identical_change_appears_once_credited_to_both(
    case: tuple[str, str, str, str], swap: bool
) -> None:
    base, alone, also, added = case
    ids = (2, 1) if swap else (1, 2)
    result = merge(base, inputs((ids[0], "USA", base, alone), (ids[1], "RUS", base, also)))
    assert result.clean
    assert result.text() == also
    assert result.text().count(added.strip()) == base.count(added.strip()) + 1
    assert (1, 2) in credited(result, added.strip()[-8:])


@given(paragraphs(), st.data())
def test_different_insertions_at_one_point_conflict_whatever_else_changes(
    paras: list[str], data: st.DataObject
) -> None:
    base = joined(paras)
    at = data.draw(st.integers(0, len(paras) - 1))
    first, second = data.draw(st.lists(st.sampled_from(ADDED), min_size=2, max_size=2, unique=True))
    usa, rus = list(paras), list(paras)
    usa[at] += first
    rus[at] += second
    other = data.draw(st.integers(0, len(paras) - 1))
    if other != at and data.draw(st.booleans()):
        rus[other] = "Amended: " + rus[other]
    result = merge(base, inputs((1, "USA", base, joined(usa)), (2, "RUS", base, joined(rus))))
    assert not result.clean


@given(paragraphs(), st.data())
def test_swapping_proposal_ids_changes_nothing_but_the_ids(
    paras: list[str], data: st.DataObject
) -> None:
    base = joined(paras)
    texts = [
        joined([p + data.draw(st.sampled_from(["", *ADDED])) for p in paras]) for _ in range(2)
    ]
    one = merge(base, inputs((1, "USA", base, texts[0]), (2, "RUS", base, texts[1])))
    two = merge(base, inputs((2, "USA", base, texts[0]), (1, "RUS", base, texts[1])))
    assert one.clean == two.clean
    relabel = {1: 2, 2: 1}
    assert [_shape(s, relabel) for s in one.segments] == [_shape(s, {}) for s in two.segments]


def _shape(segment: object, relabel: dict[int, int]) -> object:
    if isinstance(segment, Clean):
        return (
            "clean",
            segment.text,
            tuple(sorted(relabel.get(i, i) for i in segment.proposal_ids)),
        )
    alternatives = getattr(segment, "alternatives", ())
    return (
        "conflict",
        frozenset(
            (a.text, tuple(sorted(relabel.get(i, i) for i in a.proposal_ids)), a.delegations)
            for a in alternatives
        ),
    )


WORDS_WITH_MARKS = [
    f"ре{ACUTE}зюме",
    f"госуда{ACUTE}рства",
    f"ме{ACUTE}ры",
    f"re{ACUTE}sume{ACUTE}",
]


@given(st.sampled_from(WORDS_WITH_MARKS), st.data())
def test_an_edit_on_each_side_of_a_combining_mark_conflicts(word: str, data: st.DataObject) -> None:
    mark = word.index(ACUTE)
    left = word[: mark - 1] + "X" + word[mark:]  # changes the letter the mark sits on
    right = word[: mark + 1] + "Y" + word[mark + 2 :]  # the letter after the mark
    base = f"Слово {word} здесь.\n"
    result = merge(
        base,
        inputs(
            (1, "USA", base, base.replace(word, left)), (2, "RUS", base, base.replace(word, right))
        ),
    )
    assert not result.clean
    assert all(isinstance(a, Alternative) for c in result.conflicts for a in c.alternatives)
