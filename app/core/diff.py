"""Word-level diff on top of diff-match-patch.

Algorithm: like diff-match-patch's ``linesToChars`` but over tokens. Each
distinct token (``app.core.tokenize``: word run, whitespace run or single
punctuation) is mapped to one private character, the two encoded strings are
diffed with ``diff_main`` (Myers bisection, ``checklines=False``,
``Diff_Timeout = timeout``), ``diff_cleanupSemantic`` groups the result into
human-sized edits, and every character is mapped back to its token. Because
each character *is* one token, every edit boundary is a token boundary.

Characters are assigned in order of first appearance starting at U+0100 and
skipping the surrogate block U+D800-U+DFFF, which leaves room for about 1.1
million distinct tokens; beyond that ``word_diff`` falls back to a
character-level diff (same invariants, finer grain).

Invariants (property-tested):

* the ``equal`` and ``delete`` texts, joined in order, give ``old``;
  the ``equal`` and ``insert`` texts give ``new``;
* no op is empty and no two neighbouring ops have the same kind;
* ``word_diff(t, t)`` is ``[DiffOp("equal", t)]`` (``[]`` for ``""``);
* the result is deterministic and its cost bounded by the texts' sizes: long
  stretches are anchored on unique items (patience diff) and a long stretch
  without anchors is one deletion and one insertion (see ``_run_dmp``).

``diff_tokens`` exposes the same machinery for any sequence of hashable
items; the redline uses it on inline items that carry their formatting.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from diff_match_patch import diff_match_patch

from app.core.tokenize import tokens

__all__ = ["DiffOp", "OpKind", "TooManyTokensError", "diff_tokens", "ops_as_dicts", "word_diff"]

OpKind = Literal["equal", "insert", "delete"]
H = TypeVar("H", bound=Hashable)

_FIRST_CODE_POINT = 0x100
_SURROGATES = range(0xD800, 0xE000)
_MAX_TOKENS = 0x110000 - _FIRST_CODE_POINT - len(_SURROGATES)
_KIND: dict[int, OpKind] = {
    diff_match_patch.DIFF_EQUAL: "equal",
    diff_match_patch.DIFF_INSERT: "insert",
    diff_match_patch.DIFF_DELETE: "delete",
}


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of a diff: ``text`` is kept (equal), added (insert) or removed (delete)."""

    op: OpKind
    text: str


class TooManyTokensError(ValueError):
    """More distinct tokens than there are usable code points."""


def _char_for_index(index: int) -> str:
    """The private character for the ``index``-th distinct token (never a surrogate)."""
    if not 0 <= index < _MAX_TOKENS:
        raise TooManyTokensError(f"cannot encode token number {index}")
    code_point = _FIRST_CODE_POINT + index
    if code_point >= _SURROGATES.start:
        code_point += len(_SURROGATES)
    return chr(code_point)


def _encode(items: Sequence[H], codes: dict[H, str], table: dict[str, H]) -> str:
    chars: list[str] = []
    for item in items:
        char = codes.get(item)
        if char is None:
            char = _char_for_index(len(table))
            codes[item] = char
            table[char] = item
        chars.append(char)
    return "".join(chars)


MYERS_LIMIT = 2_000  # items on both sides of a stretch diffed by Myers without anchors


def _run_dmp(old: str, new: str, *, timeout: float, semantic: bool) -> list[tuple[int, str]]:
    """A diff whose cost is bounded by the texts alone, never by a clock.

    Stretches of at most ``MYERS_LIMIT`` items get diff-match-patch's minimal diff
    (no deadline). Longer ones are first anchored on items that occur once in each
    (patience diff); a stretch still too long and without such anchors becomes one
    deletion and one insertion. ``timeout`` is kept for callers and ignored.
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = _anchored(dmp, old, new)
    dmp.diff_cleanupMerge(diffs)
    if semantic:
        dmp.diff_cleanupSemantic(diffs)
    return diffs


def _anchored(dmp: diff_match_patch, old: str, new: str) -> list[tuple[int, str]]:
    head = dmp.diff_commonPrefix(old, new)
    tail = dmp.diff_commonSuffix(old[head:], new[head:])
    out: list[tuple[int, str]] = [(diff_match_patch.DIFF_EQUAL, old[:head])] if head else []
    mid_old, mid_new = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(mid_old) + len(mid_new) <= MYERS_LIMIT:
        out.extend(dmp.diff_main(mid_old, mid_new, False))
    else:
        anchors = unique_anchors(mid_old, mid_new)
        if not anchors:
            out.extend(
                (kind, text)
                for kind, text in (
                    (diff_match_patch.DIFF_DELETE, mid_old),
                    (diff_match_patch.DIFF_INSERT, mid_new),
                )
                if text
            )
        o = n = 0
        for ao, an in anchors:
            out.extend(_anchored(dmp, mid_old[o:ao], mid_new[n:an]))
            out.append((diff_match_patch.DIFF_EQUAL, mid_old[ao]))
            o, n = ao + 1, an + 1
        if anchors:
            out.extend(_anchored(dmp, mid_old[o:], mid_new[n:]))
    if tail:
        out.append((diff_match_patch.DIFF_EQUAL, old[len(old) - tail :]))
    return out


def unique_anchors(old: Sequence[H], new: Sequence[H]) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of items occurring once in each, in the longest order both share.

    Patience diff's anchors: the longest subsequence of the unique common items that is
    increasing in both sequences, found by patience sorting in O(n log n).
    """
    counts: dict[H, list[int]] = {}
    for item in old:
        counts.setdefault(item, [0, 0])[0] += 1
    for item in new:
        counts.setdefault(item, [0, 0])[1] += 1
    where = {item: j for j, item in enumerate(new) if counts[item] == [1, 1]}
    pairs = [(i, where[item]) for i, item in enumerate(old) if item in where]
    tops: list[int] = []  # tops[k]: the pair ending the best chain of length k + 1
    tops_new: list[int] = []
    back = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tops_new, j)
        back[index] = tops[k - 1] if k else -1
        if k == len(tops):
            tops.append(index)
            tops_new.append(j)
        else:
            tops[k], tops_new[k] = index, j
    chain: list[tuple[int, int]] = []
    index = tops[-1] if tops else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def diff_tokens(
    old: Sequence[H], new: Sequence[H], *, timeout: float = 1.0, semantic: bool = True
) -> list[tuple[OpKind, list[H]]]:
    """Diff two sequences of hashable items; runs are merged and never empty.

    Raises ``TooManyTokensError`` if the inputs hold more distinct items than
    can be encoded (about 1.1 million).
    """
    codes: dict[H, str] = {}
    table: dict[str, H] = {}
    diffs = _run_dmp(
        _encode(old, codes, table), _encode(new, codes, table), timeout=timeout, semantic=semantic
    )
    result: list[tuple[OpKind, list[H]]] = []
    for code, chars in diffs:
        if not chars:
            continue
        kind = _KIND[code]
        items = [table[c] for c in chars]
        if result and result[-1][0] == kind:
            result[-1][1].extend(items)
        else:
            result.append((kind, items))
    return result


def _merge(pairs: list[tuple[OpKind, str]]) -> list[DiffOp]:
    merged: list[DiffOp] = []
    for kind, text in pairs:
        if not text:
            continue
        if merged and merged[-1].op == kind:
            merged[-1] = DiffOp(kind, merged[-1].text + text)
        else:
            merged.append(DiffOp(kind, text))
    return merged


def word_diff(old: str, new: str, *, timeout: float = 1.0) -> list[DiffOp]:
    """Word-level diff of ``old`` into ``new`` with semantic cleanup."""
    try:
        runs = diff_tokens(tokens(old), tokens(new), timeout=timeout)
    except TooManyTokensError:
        chars = _run_dmp(old, new, timeout=timeout, semantic=True)
        return _merge([(_KIND[code], text) for code, text in chars])
    return _merge([(kind, "".join(tokens)) for kind, tokens in runs])


def ops_as_dicts(ops: Sequence[DiffOp]) -> list[dict[str, str]]:
    """JSON-ready form: ``[{"op": "equal", "text": "..."}, ...]``."""
    return [{"op": op.op, "text": op.text} for op in ops]
