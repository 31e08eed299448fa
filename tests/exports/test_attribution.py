"""Crediting each change of a redline to the delegation whose proposal made it."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.exports.attribution import ProposalChange, Step, attribute
from app.exports.builders import Change

BASE = "States should maintain appropriate effective measures to account for items.\n"
SEED = datetime(2021, 3, 1, tzinfo=UTC)
EDIT = datetime(2021, 3, 10, tzinfo=UTC)
MERGE = datetime(2021, 4, 27, 10, tzinfo=UTC)


def changed(changes: tuple[Change, ...]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.text, c.author) for c in changes if c.kind != "equal"]


def test_a_clean_change_is_credited_to_its_proposal() -> None:
    new = BASE.replace("appropriate ", "")
    step = Step(BASE, new, "ESP", MERGE, (ProposalChange(BASE, new, ("USA",)),))
    result = attribute(BASE, new, [step])
    assert changed(result) == [("delete", "appropriate ", "USA")]
    assert [c.date for c in result if c.kind != "equal"] == [MERGE]


def test_identical_changes_by_two_delegations_are_credited_to_both() -> None:
    new = BASE.replace("items", "materials")
    step = Step(
        BASE,
        new,
        "ESP",
        MERGE,
        (ProposalChange(BASE, new, ("CPC",)), ProposalChange(BASE, new, ("CHE",))),
    )
    assert changed(attribute(BASE, new, [step])) == [
        ("delete", "items", "CHE, CPC"),
        ("insert", "materials", "CHE, CPC"),
    ]


def test_bracketed_text_is_the_chairs() -> None:
    new = BASE.replace("appropriate effective", "[USA: effective / RUS: appropriate]")
    step = Step(BASE, new, "ESP", MERGE)  # bracketing proposals are not passed as written
    assert {a for _, _, a in changed(attribute(BASE, new, [step]))} == {"ESP"}


def test_a_chairs_edit_and_a_later_merge_are_told_apart() -> None:
    edited = BASE.replace("States", "All States")
    merged = edited.replace("items", "materials")
    steps = [
        Step(BASE, edited, "BLR", EDIT),
        Step(edited, merged, "ESP", MERGE, (ProposalChange(edited, merged, ("USA",)),)),
    ]
    result = attribute(BASE, merged, steps)
    assert changed(result) == [
        ("insert", "All ", "BLR"),
        ("delete", "items", "USA"),
        ("insert", "materials", "USA"),
    ]
    assert [c.date for c in result if c.kind != "equal"] == [EDIT, MERGE, MERGE]


def test_a_proposal_made_on_an_older_text_is_still_matched() -> None:
    # USA proposed on the seed text; the chair edited elsewhere before the merge.
    proposed = BASE.replace("maintain", "establish")
    edited = BASE + "Second paragraph.\n"
    merged = edited.replace("maintain", "establish")
    steps = [
        Step(BASE, edited, "ESP", EDIT),
        Step(edited, merged, "ESP", MERGE, (ProposalChange(BASE, proposed, ("USA",)),)),
    ]
    assert changed(attribute(BASE, merged, steps)) == [
        ("delete", "maintain", "USA"),
        ("insert", "establish", "USA"),
        ("insert", "Second paragraph.\n", "ESP"),
    ]


def test_the_latest_step_wins_when_two_steps_made_the_same_change() -> None:
    new = BASE.replace("items", "goods")
    steps = [
        Step(BASE, new, "ESP", EDIT, (ProposalChange(BASE, new, ("RUS",)),)),
        Step(new, new, "ESP", MERGE, (ProposalChange(BASE, new, ("CHE",)),)),
    ]
    assert {a for _, _, a in changed(attribute(BASE, new, steps))} == {"CHE"}


def test_no_steps_gives_uncredited_changes() -> None:
    result = attribute("a b", "a c", [])
    assert {(c.author, c.date) for c in result if c.kind != "equal"} == {("", None)}


def test_an_added_section_is_inserted_whole_by_its_proposal() -> None:
    step = Step("", "New text.\n", "ESP", MERGE, (ProposalChange("", "New text.\n", ("CHE",)),))
    assert changed(attribute("", "New text.\n", [step])) == [("insert", "New text.\n", "CHE")]


words = st.lists(st.sampled_from(["States", "should", "items", "a", ",", " ", "\n\n", "b"]))


@given(words, words, words)
def test_joining_segments_gives_back_both_texts(a: list[str], b: list[str], c: list[str]) -> None:
    old, mid, new = "".join(a), "".join(b), "".join(c)
    steps = [
        Step(old, mid, "ESP", EDIT),
        Step(mid, new, "BLR", MERGE, (ProposalChange(old, new, ("USA",)),)),
    ]
    result = attribute(old, new, steps)
    assert "".join(x.text for x in result if x.kind != "delete") == new
    assert "".join(x.text for x in result if x.kind != "insert") == old
    assert attribute(old, new, steps) == result
    assert all(x.author in {"ESP", "BLR", "USA"} for x in result if x.kind != "equal")


def test_the_same_word_deleted_at_two_places_is_credited_by_place() -> None:
    old = "The guide covers the export controls and the border controls of the States.\n"
    by_usa = old.replace("and the border", "and border")
    by_rus = old.replace("of the States", "of States")
    new = by_usa.replace("of the States", "of States")
    step = Step(
        old,
        new,
        "ESP",
        MERGE,
        (ProposalChange(old, by_usa, ("USA",)), ProposalChange(old, by_rus, ("RUS",))),
    )
    assert changed(attribute(old, new, [step])) == [
        ("delete", "the ", "USA"),
        ("delete", "the ", "RUS"),
    ]


def test_a_chairs_edit_of_a_word_a_proposal_changed_elsewhere_stays_the_chairs() -> None:
    old = "States should act. States should report.\n"
    edited = old.replace("should act", "must act")
    merged = edited.replace("should report", "must report")
    steps = [
        Step(old, edited, "BLR", EDIT),
        Step(
            edited,
            merged,
            "ESP",
            MERGE,
            (ProposalChange(old, old.replace("should report", "must report"), ("USA",)),),
        ),
    ]
    assert changed(attribute(old, merged, steps)) == [
        ("delete", "should", "BLR"),
        ("insert", "must", "BLR"),
        ("delete", "should", "USA"),
        ("insert", "must", "USA"),
    ]
