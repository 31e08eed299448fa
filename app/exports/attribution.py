"""Who made each change of a redline between two drafts: pure, no database.

Input: a section's body in the older draft (``old``), in the newer one
(``new``), and the revisions in between as :class:`Step` s, oldest first. Each
step has its own before and after text, the delegation that wrote the
revision (the chair's, for an edit or a merge) and its time, and, for a merge,
the changes of the proposals it merged (:class:`ProposalChange`: the
proposal's base text and its text, and the delegations credited).

Algorithm
---------
1. ``word_diff(old, new)`` gives the redline's segments. Each ``insert``
   (``delete``) segment is located in ``new`` (``old``) by its words (the
   non-whitespace tokens: words and punctuation) and the three words on
   either side of it, its *context*.
2. Candidates: every proposal of every step whose own change
   (``word_diff(base, text)``) inserted (deleted) a run containing the
   segment's words, contiguously, and every step whose own change (before →
   after) did; whitespace does not count, so where a neighbouring space went
   does not matter. Each candidate scores how many context words it shares
   with the segment (0 to 6, taken at the best of its occurrences), so the same
   word deleted at two places is told apart.
3. The best score wins; on a tie, a proposal beats a step's own change (a
   merge's own change contains its proposals'), and a later step beats an
   earlier one. Every proposal of that step with that score is credited:
   identical changes by CHE and CPC give ``"CHE, CPC"`` (sorted, joined
   with ``", "``), and the change lists both proposals' ids (``sources``).
   A step's own change is credited to the step's delegation: the chair's for
   an edit, a compromise or a bracketed text the chair wrote.
   No candidate at all: the newest step's delegation.
4. The date is the date of the step credited.

Invariants: joining ``equal`` + ``insert`` segments gives ``new``, ``equal`` +
``delete`` gives ``old``; the result depends only on the inputs (diffs are
deterministic and every choice above is a total order).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.core.diff import DiffOp, word_diff
from app.core.tokenize import tokenize
from app.exports.builders import Change

CONTEXT = 3


@dataclass(frozen=True)
class ProposalChange:
    """A merged proposal's change: its base text → its text, by these delegations."""

    before: str
    after: str
    delegations: tuple[str, ...]
    proposal_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Step:
    """One revision between the two drafts."""

    before: str
    after: str
    author: str
    date: datetime.datetime | None
    proposals: tuple[ProposalChange, ...] = ()


@dataclass(frozen=True)
class _Run:
    """An inserted or deleted run, located in the word list of its side's text."""

    kind: str
    text: str
    words: tuple[str, ...]
    start: int
    stop: int


@functools.lru_cache(maxsize=256)
def _words(text: str) -> tuple[str, ...]:
    """The non-whitespace tokens; cached, as every proposal of a merge shares its base."""
    return tuple(t for t in tokenize(text) if not t.isspace())


def _located(old: str, new: str) -> Iterator[tuple[DiffOp, _Run]]:
    """``word_diff(old, new)`` with each op's place among the words of its side."""
    old_words = _words(old)
    sides = {"equal": old_words, "delete": old_words, "insert": _words(new)}
    at = {"old": 0, "new": 0}
    for op in word_diff(old, new):
        count = len(_words(op.text))
        side = "new" if op.op == "insert" else "old"
        start = at[side]
        yield op, _Run(op.op, op.text, sides[op.op], start, start + count)
        for moved in ("old", "new") if op.op == "equal" else (side,):
            at[moved] += count


def _shared(a: Sequence[str], b: Sequence[str]) -> int:
    """How many leading items ``a`` and ``b`` share, up to ``CONTEXT``."""
    n = 0
    for x, y in zip(a[:CONTEXT], b[:CONTEXT], strict=False):
        if x != y:
            break
        n += 1
    return n


def _score(run: _Run, seg: _Run) -> int | None:
    """Context words shared if ``run`` contains the segment, else None."""
    if run.kind != seg.kind:
        return None
    want = seg.words[seg.start : seg.stop]
    have = run.words[run.start : run.stop]
    if not want:  # whitespace only (a paragraph break): match it literally
        offsets = [0] if seg.text in run.text else []
    else:
        n = len(want)
        offsets = [o for o in range(len(have) - n + 1) if have[o : o + n] == want]
    best = None
    for o in offsets:
        left = _shared(run.words[: run.start + o][::-1], seg.words[: seg.start][::-1])
        right = _shared(run.words[run.start + o + len(want) :], seg.words[seg.stop :])
        best = max(best or 0, left + right)
    return best


class _Changes:
    """The runs of each (before, after) pair, diffed once per call."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], list[_Run]] = {}

    def score(self, before: str, after: str, seg: _Run) -> int | None:
        runs = self._cache.get((before, after))
        if runs is None:
            runs = [run for op, run in _located(before, after) if op.op != "equal"]
            self._cache[(before, after)] = runs
        scores = [s for s in (_score(run, seg) for run in runs) if s is not None]
        return max(scores) if scores else None


def _credit(
    seg: _Run, steps: Sequence[Step], changes: _Changes
) -> tuple[str, Step | None, tuple[int, ...]]:
    """The author, the step and the proposals credited with one insert or delete segment."""
    # (score, 1 for a proposal or 0 for a step's own change, step index) → who
    found: list[tuple[tuple[int, int, int], tuple[str, ...], tuple[int, ...]]] = []
    for index, step in enumerate(steps):
        for p in step.proposals:
            score = changes.score(p.before, p.after, seg)
            if score is not None:
                found.append(((score, 1, index), p.delegations, p.proposal_ids))
        own = changes.score(step.before, step.after, seg)
        if own is not None:
            found.append(((own, 0, index), (step.author,), ()))
    if not found:
        newest = steps[-1] if steps else None
        return (newest.author if newest else ""), newest, ()
    best = max(rank for rank, _, _ in found)
    codes = {code for rank, who, _ in found if rank == best for code in who}
    ids = sorted({pid for rank, _, pids in found if rank == best for pid in pids})
    return ", ".join(sorted(codes)), steps[best[2]], tuple(ids)


def attribute(old: str, new: str, steps: Sequence[Step]) -> tuple[Change, ...]:
    """The redline ``old`` → ``new``, each change credited to a delegation and dated."""
    changes = _Changes()
    out: list[Change] = []
    for op, seg in _located(old, new):
        if op.op == "equal":
            out.append(Change("equal", op.text))
            continue
        author, step, ids = _credit(seg, steps, changes)
        out.append(Change(op.op, op.text, author, step.date if step else None, ids))
    return tuple(out)
