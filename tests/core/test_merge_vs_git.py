"""The merge agrees with ``git merge-file`` where both apply: whole-line edits.

Each generated case is a base of a few lines and two sides ("ours", "theirs") that
replace, delete or insert whole lines, every two changes separated by at least one
unchanged line (git conflicts on adjacent changes, which the word merge would do too
only when no word separates them). Per line: unchanged, changed by one side, changed
by both identically, or changed by both differently. Words are never reused, so both
diffs have one obvious alignment. ``merge(base, [base→ours, base→theirs])`` must give
git's verdict and, when clean, git's text byte for byte. The number of conflicts is not
compared: git folds conflicts fewer than four lines apart into one hunk for display.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from app.core.merge import ProposalInput, merge

GIT = shutil.which("git")
CASES = 200


@dataclass
class Case:
    base: list[str]
    ours: list[str]
    theirs: list[str]


def text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def generate(seed: int) -> Case:
    """Base lines and insertion slots; each changed item follows an unchanged base line."""
    rnd = random.Random(seed)
    fresh = count()

    def new_lines(least: int) -> list[str]:
        return [
            " ".join(f"w{next(fresh)}" for _ in range(rnd.randint(1, 4)))
            for _ in range(rnd.randint(least, 2))
        ]

    case = Case([], [], [])
    may_change = True
    for index in range(rnd.randint(4, 16)):
        original = new_lines(1)[:1] if index % 2 else []  # odd: a line; even: a slot
        kind = rnd.choice(["same", "same", "ours", "theirs", "both", "differ"])
        if not may_change:
            kind = "same"
        least = 0 if original else 1  # a line may be deleted; a slot takes new lines
        ours = new_lines(least) if kind in ("ours", "both", "differ") else original
        theirs = new_lines(least) if kind in ("theirs", "differ") else original
        theirs = ours if kind == "both" else theirs
        case.base += original
        case.ours += ours
        case.theirs += theirs
        if kind != "same":
            may_change = False
        elif original:  # an unchanged line separates what comes next
            may_change = True
    return case


def git_merge(case: Case, tmp_path: Path) -> tuple[int, str]:
    assert GIT is not None
    paths = []
    for name, lines in (("ours", case.ours), ("base", case.base), ("theirs", case.theirs)):
        path = tmp_path / name
        path.write_text(text(lines), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [GIT, "merge-file", "-p", *paths], capture_output=True, text=True, check=False
    )
    assert done.returncode >= 0, done.stderr
    return done.returncode, done.stdout


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("seed", range(CASES))
def test_merge_agrees_with_git_merge_file_on_whole_line_edits(seed: int, tmp_path: Path) -> None:
    case = generate(seed)
    base = text(case.base)
    result = merge(
        base,
        [
            ProposalInput(1, "USA", base, text(case.ours)),
            ProposalInput(2, "RUS", base, text(case.theirs)),
        ],
    )
    conflicts, merged = git_merge(case, tmp_path)
    assert result.clean == (conflicts == 0)
    if result.clean:
        assert result.text() == merged


def test_generated_cases_cover_every_verdict() -> None:
    cases = [generate(seed) for seed in range(CASES)]
    assert any(c.ours != c.base and c.theirs != c.base and c.ours != c.theirs for c in cases)
    assert any(c.ours == c.theirs != c.base for c in cases)
    assert any(len(c.ours) < len(c.base) for c in cases)  # deletions
    assert any(len(c.theirs) > len(c.base) for c in cases)  # insertions


ENDINGS = ("shall report annually.", "shall adopt measures.", "до́лжны принима́ть ме́ры.")


def paragraphs(lines: list[str]) -> str:
    """Each generated line as a Markdown paragraph of sentences that end alike."""
    return "".join(
        f"States {line} {ENDINGS[len(line) % len(ENDINGS)]} Госуда́рства {line.split()[0]}.\n\n"
        for line in lines
    )


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("seed", range(CASES, CASES + 100))
def test_merge_agrees_with_git_merge_file_on_whole_paragraph_edits(
    seed: int, tmp_path: Path
) -> None:
    """Paragraphs joined by blank lines, sentences that repeat their endings, Cyrillic
    with stress marks: git merges line by line, the engine word by word, and both give
    the same verdict and text when an unchanged paragraph separates the changes."""
    case = generate(seed)
    files = {name: paragraphs(getattr(case, name)) for name in ("base", "ours", "theirs")}
    result = merge(
        files["base"],
        [
            ProposalInput(1, "USA", files["base"], files["ours"]),
            ProposalInput(2, "RUS", files["base"], files["theirs"]),
        ],
    )
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    assert GIT is not None
    done = subprocess.run(
        [GIT, "merge-file", "-p", *(str(tmp_path / n) for n in ("ours", "base", "theirs"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.clean == (done.returncode == 0)
    if result.clean:
        assert result.text() == done.stdout
