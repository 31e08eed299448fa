"""Aligning two token strings for the merge: lines first, then words, at a bounded cost.

Each token is one code point (see ``app.core.merge``'s codec); ``blank`` and
``breaks`` say which code points are whitespace and which whitespace ends a line.
:class:`Aligner` gives the hunks that turn one string into the other, each at its
canonical (rightmost) place. Pure: no web or database imports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from diff_match_patch import diff_match_patch

from app.core.diff import unique_anchors

LINE_MYERS = 400  # lines in a stretch between anchors aligned by a minimal line diff
WORD_MYERS = 1_500  # non-blank tokens in a changed stretch diffed word by word
WORD_BUDGET = 4_000_000  # sum of squared stretch sizes word-diffed in one text pair


class Aligner:
    """Token diff with a bounded, deterministic cost and one canonical place per hunk.

    1. **Lines** (runs of tokens ending with a whitespace token that holds a line
       break: paragraphs and list items) are aligned first, the way patience diff
       does: lines that occur once in each text are matched in order (longest
       increasing subsequence), and the stretches between matched lines are aligned
       by a minimal line diff when they hold at most ``LINE_MYERS`` lines (else left
       unmatched).
       Equal leading and trailing lines match first.
    2. Within each changed stretch of lines, the common prefix and suffix tokens are
       trimmed and **words** are aligned (non-blank tokens, minimal
       Myers diff), then the tokens between matched words, so keeping two spaces
       never wins over keeping a word. A stretch of more than ``WORD_MYERS``
       non-blank tokens, or one that would take the section past ``WORD_BUDGET``
       (the sum of squared stretch sizes: Myers' worst case), becomes one coarse
       hunk instead: it replaces the whole stretch, so it may conflict where a
       finer diff would not, but it never blends two changes.
    3. Every hunk is slid to its **rightmost** equivalent place (see ``slide_right``).

    Every limit depends only on the texts, never on a clock, so the same texts always
    give the same hunks; the cost is at most linear in the text plus
    ``WORD_BUDGET`` and ``LINE_MYERS**2`` units of Myers work.
    """

    def __init__(self, blank: set[str], breaks: set[str]) -> None:
        self._engine = diff_match_patch()
        self._engine.Diff_Timeout = 0  # no deadline: minimal, deterministic alignment
        self._blank = blank
        self._breaks = breaks

    def hunks(self, old: str, new: str) -> list[tuple[int, int, str]]:
        """The changes old→new as disjoint ``(start, end, replacement)`` hunks, in order."""
        spans: list[tuple[int, int, str]] = []
        budget = [WORD_BUDGET]
        for l0, l1, m0, m1 in self._line_gaps(old, new):
            old_part, new_part = old[l0:l1], new[m0:m1]
            if old_part == new_part:
                continue
            for start, end, text in self._word_hunks(old_part, new_part, budget):
                spans.append((l0 + start, l0 + end, text))
        return slide_right(old, spans)

    # -- lines ---------------------------------------------------------------------

    def _lines(self, tokens: str) -> list[str]:
        """``tokens`` cut after every whitespace token that holds a line break."""
        lines: list[str] = []
        start = 0
        for i, char in enumerate(tokens):
            if char in self._breaks:
                lines.append(tokens[start : i + 1])
                start = i + 1
        if start < len(tokens):
            lines.append(tokens[start:])
        return lines

    def _line_gaps(self, old: str, new: str) -> Iterator[tuple[int, int, int, int]]:
        """Token regions ``old[l0:l1]``, ``new[m0:m1]`` between matched lines, in order."""
        old_lines, new_lines = self._lines(old), self._lines(new)
        old_at = _offsets(old_lines)
        new_at = _offsets(new_lines)
        prev_o = prev_n = 0
        for o, n in _matched_lines(old_lines, new_lines, self._engine):
            yield old_at[prev_o], old_at[o], new_at[prev_n], new_at[n]
            prev_o, prev_n = o + 1, n + 1
        yield old_at[prev_o], old_at[len(old_lines)], new_at[prev_n], new_at[len(new_lines)]

    # -- words ---------------------------------------------------------------------

    def _word_hunks(self, old: str, new: str, budget: list[int]) -> Iterator[tuple[int, int, str]]:
        """Hunks of one changed stretch: minimal word diff, or one coarse hunk."""
        engine = self._engine
        head = engine.diff_commonPrefix(old, new)
        tail = engine.diff_commonSuffix(old[head:], new[head:])
        old, new = old[head : len(old) - tail], new[head : len(new) - tail]
        size = sum(c not in self._blank for c in old) + sum(c not in self._blank for c in new)
        if size > WORD_MYERS or size * size > budget[0]:
            yield head, head + len(old), new
            return
        budget[0] -= size * size
        for o0, o1, n0, n1 in self._gaps(old, new):
            if old[o0:o1] != new[n0:n1]:
                for start, end, text in self._token_hunks(old[o0:o1], new[n0:n1]):
                    yield head + o0 + start, head + o0 + end, text

    def _gaps(self, old: str, new: str) -> Iterator[tuple[int, int, int, int]]:
        """Regions ``old[o0:o1]``, ``new[n0:n1]`` between words the word diff matched."""
        old_at = [i for i, char in enumerate(old) if char not in self._blank]
        new_at = [i for i, char in enumerate(new) if char not in self._blank]
        words = self._engine.diff_main(
            "".join(old[i] for i in old_at), "".join(new[i] for i in new_at), False
        )
        o_end = n_end = wi = wj = 0
        for op, data in words:
            size = len(data)
            if op == diff_match_patch.DIFF_DELETE:
                wi += size
                continue
            if op == diff_match_patch.DIFF_INSERT:
                wj += size
                continue
            yield o_end, old_at[wi], n_end, new_at[wj]
            o_end, n_end = old_at[wi + size - 1] + 1, new_at[wj + size - 1] + 1
            if old[old_at[wi] : o_end] != new[new_at[wj] : n_end]:  # spacing changed
                for m in range(1, size):
                    o, n = wi + m, wj + m
                    yield old_at[o - 1] + 1, old_at[o], new_at[n - 1] + 1, new_at[n]
            wi, wj = wi + size, wj + size
        yield o_end, len(old), n_end, len(new)

    def _token_hunks(self, old: str, new: str) -> Iterator[tuple[int, int, str]]:
        """A token diff of two short stretches, as (start, end, replacement) hunks."""
        pos, start, inserted = 0, -1, ""
        for op, data in self._engine.diff_main(old, new, False):
            if op == diff_match_patch.DIFF_EQUAL:
                if start >= 0:
                    yield start, pos, inserted
                    start, inserted = -1, ""
                pos += len(data)
                continue
            start = pos if start < 0 else start
            if op == diff_match_patch.DIFF_DELETE:
                pos += len(data)
            else:
                inserted += data
        if start >= 0:
            yield start, pos, inserted


def _offsets(lines: Sequence[str]) -> list[int]:
    """Token offset of each line, and the total length last."""
    at = [0]
    for line in lines:
        at.append(at[-1] + len(line))
    return at


def _matched_lines(
    old: Sequence[str], new: Sequence[str], engine: diff_match_patch
) -> list[tuple[int, int]]:
    """Pairs of equal lines (old index, new index), increasing in both.

    Equal leading and trailing lines match; between them, lines unique in both texts
    anchor the alignment (patience), and between anchors a minimal line diff runs when
    the stretch holds at most ``LINE_MYERS`` lines.
    """
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    pairs = [(i, i) for i in range(head)]
    o_end, n_end = len(old) - tail, len(new) - tail
    for o, n in _matched_middle(old[head:o_end], new[head:n_end], engine):
        pairs.append((head + o, head + n))
    pairs.extend((o_end + k, n_end + k) for k in range(tail))
    return pairs


def _matched_middle(
    old: Sequence[str], new: Sequence[str], engine: diff_match_patch
) -> list[tuple[int, int]]:
    anchors = unique_anchors(old, new)
    pairs: list[tuple[int, int]] = []
    prev_o = prev_n = 0
    for o, n in [*anchors, (len(old), len(new))]:
        pairs.extend(_myers_lines(old[prev_o:o], new[prev_n:n], prev_o, prev_n, engine))
        if o < len(old):
            pairs.append((o, n))
        prev_o, prev_n = o + 1, n + 1
    return pairs


def _myers_lines(
    old: Sequence[str], new: Sequence[str], o_at: int, n_at: int, engine: diff_match_patch
) -> list[tuple[int, int]]:
    """Equal lines of a minimal line diff (nothing for stretches over ``LINE_MYERS``)."""
    if not old or not new or len(old) + len(new) > LINE_MYERS:
        return []
    codes: dict[str, str] = {}

    def encode(lines: Sequence[str]) -> str:
        return "".join(codes.setdefault(x, chr(0x100 + len(codes))) for x in lines)

    pairs: list[tuple[int, int]] = []
    i = j = 0
    for op, data in engine.diff_main(encode(old), encode(new), False):
        if op == diff_match_patch.DIFF_EQUAL:
            pairs.extend((o_at + i + k, n_at + j + k) for k in range(len(data)))
        if op != diff_match_patch.DIFF_INSERT:
            i += len(data)
        if op != diff_match_patch.DIFF_DELETE:
            j += len(data)
    return pairs


def slide_right(tokens: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Each hunk moved to its rightmost equivalent place, never past the hunk after it.

    The canonical position. A hunk replacing ``tokens[s:e]`` by ``new`` gives the same
    text as one replacing ``tokens[s+1:e+1]`` by ``new[1:] + tokens[e]`` exactly when
    ``tokens[s]`` equals the first token of ``new + tokens[e]``: inserting ". They
    report" before the "." of "annually." is inserting " They report." after it.
    Equally minimal diffs may place such a hunk anywhere along the run; sliding every
    hunk of every diff (proposals' and the current text's) to one end makes identical
    changes land on identical places, so they are recognised as one, and different
    insertions at one point always touch. The right end, like git's diff compaction:
    an added sentence then follows the full stop it was written after, and a deleted
    word takes the space after it ("appropriate "), as readers expect.
    """
    out: list[tuple[int, int, str]] = []
    ceiling = len(tokens)
    for start, end, new in reversed(spans):
        while end < ceiling:
            after = tokens[end]
            first = new[0] if new else after  # the first token of new + after
            if first != tokens[start]:  # for an insertion, tokens[start] is after
                break
            new = new[1:] + after if new else ""
            start, end = start + 1, end + 1
        out.append((start, end, new))
        ceiling = start
    return out[::-1]
