"""Word-granular three-way merge of proposals onto a section's current text (DESIGN §3).

Algorithm
---------
1. Texts are split by :func:`app.core.tokenize.tokenize` (words with their combining
   marks, whitespace runs, punctuation) and every distinct token is encoded as one
   code point, so diff-match-patch's ``diff_main`` diffs token sequences, with
   ``Diff_Timeout = 0`` (Myers' bisection: minimal and deterministic) and without
   semantic cleanup. :class:`app.core.align.Aligner` aligns lines first (patience anchors), then
   words within changed stretches, under a cost bound that depends only on the texts
   (a stretch too large to diff finely becomes one coarse hunk, which may conflict
   but never blends). ``patch_apply`` is never used: it matches fuzzily and would
   merge what conflicts.
2. A diff becomes *hunks*: a region ``[start, end)`` of the old tokens replaced by new
   tokens (a pure insertion has ``start == end``). **Canonical position:** every hunk
   is slid to the rightmost place where it gives the same text (``app.core.align.slide_right``),
   so the verdict never depends on which of several equally minimal alignments the
   diff picked: an identical change made by two proposals lands on one place and is
   one change, and two different insertions at one point always touch.
3. Carrying a proposal onto ``current``: its hunks (base→text) and the hunks
   base→current are grouped by the touch rule below. A group holding only proposal
   hunks is shifted onto ``current`` through the unchanged tokens. A group holding
   both is *stale*: one edit of the group's region of ``current`` whose alternatives
   are the current text and the proposal's version of that region (its own hunks
   applied to the base). If the two are equal the change is already in ``current``
   and the proposal contributes nothing there.
4. All proposals' edits over ``current`` are grouped by the same rule, transitively.
   A group without stale edits in which one proposal's edits include every other
   proposal's (identical changes, or one proposal's change plus its own neighbouring
   edit) is clean: it reads as that proposal proposed, each distinct edit credited to
   every proposal making it. Otherwise every proposal gives one alternative: the
   group's region of ``current`` with only that proposal's edits applied; equal texts
   are one alternative credited to every proposal giving it. A group with one
   alternative is :class:`Clean`; any other group, and any group holding a stale edit,
   is a :class:`Conflict` (a stale edit adds the current text as an alternative with
   ``proposal_ids == ()``).
5. Outside every group the current text is copied untouched.

Touch rule (whitespace does not separate)
-----------------------------------------
Two hunks conflict when their regions overlap or touch, and they *touch* when no
unchanged **non-whitespace** token (a word or a punctuation mark) lies between them;
two insertions at one point therefore touch. Whitespace alone does not separate,
because where a deleted word's neighbouring space goes is an arbitrary choice of the
alignment: deleting "appropriate" from "maintain appropriate effective measures" may
remove ``"appropriate "`` or ``" appropriate"``. With the rule, deleting "appropriate"
and deleting "effective" conflict under every alignment, while changes with at least
one unchanged word or punctuation mark between them merge cleanly.

Invariants (property-tested in ``tests/core/test_merge.py``)
------------------------------------------------------------
* The result does not depend on the order of the proposals: proposals are diffed
  independently, never applied one after another, and everything is sorted by
  position and proposal id.
* No proposals give ``current``; a proposal equal to its base contributes nothing;
  a single proposal whose base is ``current`` merges to exactly its text.
* Text outside every change is copied from ``current``: joining every segment's
  ``base_text`` rebuilds ``current``.
* Nothing is guessed: different changes that overlap or touch are always a Conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.core.align import Aligner
from app.core.lru import Lru
from app.core.tokenize import tokens

__all__ = [
    "Alternative",
    "Clean",
    "Conflict",
    "MergeResult",
    "ProposalInput",
    "Segment",
    "bracket",
    "carry_each",
    "competing",
    "merge",
]


@dataclass(frozen=True)
class ProposalInput:
    """A proposal to merge: the change from ``base`` to ``text`` made by a delegation."""

    proposal_id: int
    delegation: str
    base: str
    text: str


@dataclass(frozen=True)
class Alternative:
    """One way to fill a conflict region; ``proposal_ids == ()`` is the current text."""

    text: str
    proposal_ids: tuple[int, ...]
    delegations: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """A region of the current text that proposals change in different ways."""

    base_text: str
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Clean:
    """A span of the merged text, and the proposals that produced it (none: unchanged).

    ``base_text`` is the current text the span replaces (equal to ``text`` when
    unchanged). A clean deletion is a segment with ``text == ""``, kept for provenance.
    """

    text: str
    proposal_ids: tuple[int, ...] = ()
    delegations: tuple[str, ...] = ()
    base_text: str = ""


Segment = Clean | Conflict


@dataclass(frozen=True)
class MergeResult:
    """The merged section as a sequence of clean spans and conflicts, in text order."""

    segments: tuple[Segment, ...]

    @property
    def clean(self) -> bool:
        """True when no conflict remains."""
        return not self.conflicts

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        """The conflicts in text order; ``resolved_text`` indexes them from 0."""
        return tuple(s for s in self.segments if isinstance(s, Conflict))

    def text(self) -> str:
        """The merged text; raises ValueError while conflicts remain."""
        if not self.clean:
            raise ValueError(f"merge has {len(self.conflicts)} unresolved conflict(s)")
        return "".join(s.text for s in self.segments if isinstance(s, Clean))

    def resolved_text(self, choices: Mapping[int, str]) -> str:
        """The merged text with conflict ``i`` replaced by ``choices[i]`` (every one needed)."""
        count = len(self.conflicts)
        if set(choices) != set(range(count)):
            raise ValueError(f"choices must resolve exactly conflicts 0..{count - 1}")
        parts: list[str] = []
        index = 0
        for segment in self.segments:
            if isinstance(segment, Clean):
                parts.append(segment.text)
            else:
                parts.append(choices[index])
                index += 1
        return "".join(parts)


def bracket(conflict: Conflict) -> str:
    """Diplomatic bracketed text for a conflict, e.g. ``[Current: a / CHE, USA: b / RUS: c]``.

    Alternatives keep their order; each is labelled with its delegations (sorted,
    joined by ", ") or ``Current`` for the current text. Whitespace that opens or
    closes every non-blank alternative is moved outside the brackets, so the result
    can replace the conflict region as is; inside, each text is shown stripped. An
    empty alternative reads ``(delete)``, a whitespace-only one ``(space)``. Texts are
    not escaped: a "/" or "]" inside an alternative is shown as written.
    """
    filled = [a.text for a in conflict.alternatives if a.text.strip()]
    lead = _shared_edge([t[: len(t) - len(t.lstrip())] for t in filled])
    trail = _shared_edge([t[len(t.rstrip()) :][::-1] for t in filled])[::-1]
    body = " / ".join(
        f"{', '.join(a.delegations) or 'Current'}: {_shown(a.text)}" for a in conflict.alternatives
    )
    return f"{lead}[{body}]{trail}"


def _shared_edge(edges: list[str]) -> str:
    """The longest common prefix of ``edges`` ("" for none)."""
    if not edges:
        return ""
    shortest = min(edges, key=len)
    for i, char in enumerate(shortest):
        if any(edge[i] != char for edge in edges):
            return shortest[:i]
    return shortest


def _shown(text: str) -> str:
    if not text:
        return "(delete)"
    return text.strip() or "(space)"


# --- token encoding and diffing ---------------------------------------------------


class _Codec:
    """Maps each distinct token to one code point, so a str of code points is a token list."""

    def __init__(self) -> None:
        self._char: dict[str, str] = {}
        self._token: dict[str, str] = {}
        self.blank: set[str] = set()
        self.breaks: set[str] = set()  # whitespace tokens that end a line

    def encode(self, text: str) -> str:
        return self.encode_tokens(tokens(text))

    def _new_char(self, token: str) -> str:
        index = len(self._char)
        if index >= 0x110000 - 0x800:
            raise ValueError("too many distinct tokens to merge")
        char = chr(index + 0x800 if index >= 0xD800 else index)  # skip surrogates
        self._char[token] = char
        self._token[char] = token
        if token.isspace():
            self.blank.add(char)
            if "\n" in token:
                self.breaks.add(char)
        return char

    def encode_tokens(self, items: Iterable[str]) -> str:
        get, new = self._char.get, self._new_char
        return "".join([get(token) or new(token) for token in items])

    def decode(self, encoded: str) -> str:
        return "".join(map(self._token.__getitem__, encoded))

    def tokens_of(self, encoded: str) -> tuple[str, ...]:
        return tuple(map(self._token.__getitem__, encoded))

    def separators(self, encoded: str) -> list[int]:
        """``sep[i]`` = number of non-whitespace tokens in ``encoded[:i]``."""
        counts = [0] * (len(encoded) + 1)
        running = 0
        blank = self.blank
        for i, char in enumerate(encoded, 1):
            if char not in blank:
                running += 1
            counts[i] = running
        return counts


@dataclass(frozen=True, slots=True)
class _Edit:
    """Tokens ``[start, end)`` replaced by ``new`` by proposal ``owner``.

    ``moved`` marks a hunk of base→current (its owner is meaningless); ``stale`` an edit
    that touches such a hunk, so the current text is one of its alternatives.
    """

    start: int
    end: int
    new: str
    owner: int
    moved: bool = False
    stale: bool = False


def _groups(edits: Iterable[_Edit], sep: Sequence[int]) -> list[list[_Edit]]:
    """Split edits sorted by start into maximal groups that overlap or touch, transitively."""
    groups: list[list[_Edit]] = []
    end = 0
    for edit in edits:
        if groups and sep[edit.start] <= sep[end]:  # no non-blank token in [end, start)
            groups[-1].append(edit)
            end = max(end, edit.end)
        else:
            groups.append([edit])
            end = edit.end
    return groups


def _apply(tokens: str, start: int, end: int, edits: Iterable[_Edit]) -> str:
    """``tokens[start:end]`` with the given sorted, disjoint edits applied."""
    parts: list[str] = []
    pos = start
    for edit in edits:
        parts.append(tokens[pos : edit.start])
        parts.append(edit.new)
        pos = edit.end
    parts.append(tokens[pos:end])
    return "".join(parts)


# --- carrying a proposal onto the current text --------------------------------------


@dataclass(frozen=True, slots=True)
class _Base:
    """A base text a proposal was made against, and how current moved since."""

    tokens: str
    sep: list[int]
    moved: list[_Edit]


def _carry(change: list[_Edit], base: _Base, current: str) -> list[_Edit]:
    """A proposal's hunks over its base, as edits over the current tokens."""
    if not base.moved:
        return change
    edits: list[_Edit] = []
    shift = 0
    both = sorted(change + base.moved, key=lambda e: (e.start, e.end, e.moved))
    for group in _groups(both, base.sep):
        own = [e for e in group if not e.moved]
        start, end = group[0].start, max(e.end for e in group)
        before = shift
        shift += sum(len(e.new) - (e.end - e.start) for e in group if e.moved)
        if len(own) == len(group):
            edits.extend(_Edit(e.start + shift, e.end + shift, e.new, e.owner) for e in own)
        elif own:
            proposed = _apply(base.tokens, start, end, own)
            if proposed != current[start + before : end + shift]:
                edits.append(_Edit(start + before, end + shift, proposed, own[0].owner, stale=True))
    return edits


# --- combining every proposal's edits --------------------------------------------------


def _included(group: list[_Edit]) -> dict[tuple[int, int, str], set[int]] | None:
    """The group's distinct edits and who makes each, when it is clean by inclusion.

    Clean by inclusion: no stale edit, and one proposal's edits include every other
    proposal's; the region then reads exactly as that proposal proposed, every other
    proposal's change is in it, and each distinct edit is credited to all making it.
    None otherwise.
    """
    if any(e.stale for e in group):
        return None
    owners: dict[tuple[int, int, str], set[int]] = {}
    for edit in group:
        owners.setdefault((edit.start, edit.end, edit.new), set()).add(edit.owner)
    by_owner: dict[int, set[tuple[int, int, str]]] = {}
    for key, ids in owners.items():
        for owner in ids:
            by_owner.setdefault(owner, set()).add(key)
    if any(keys == owners.keys() for keys in by_owner.values()):
        return owners
    return None


def _readings(group: list[_Edit], current: str) -> dict[str, set[int]]:
    """Each distinct (encoded) text of the group's region and the proposals giving it.

    Every proposal gives the region of ``current`` with only its own edits applied; a
    stale edit adds the current text itself, given by no proposal.
    """
    start, end = group[0].start, max(e.end for e in group)
    by_owner: dict[int, list[_Edit]] = {}
    for edit in group:
        by_owner.setdefault(edit.owner, []).append(edit)
    texts: dict[str, set[int]] = {}
    if any(e.stale for e in group):
        texts[current[start:end]] = set()
    for owner, edits in by_owner.items():
        texts.setdefault(_apply(current, start, end, edits), set()).add(owner)
    return texts


def _group_segments(
    group: list[_Edit], current: str, codec: _Codec, delegation: Mapping[int, str]
) -> list[Segment]:
    """One group of edits over current: its clean pieces, or one Clean span or Conflict."""
    owners = _included(group)
    if owners is not None:
        return _pieces(sorted(owners.items()), current, codec, delegation)
    start, end = group[0].start, max(e.end for e in group)
    region = codec.decode(current[start:end])
    alternatives = sorted(
        (
            _alternative(codec.decode(text), owners, delegation)
            for text, owners in _readings(group, current).items()
        ),
        key=lambda a: (a.proposal_ids != (), a.proposal_ids),
    )
    if len(alternatives) == 1:
        only = alternatives[0]
        return [Clean(only.text, only.proposal_ids, only.delegations, region)]
    return [Conflict(region, tuple(alternatives))]


def _pieces(
    edits: list[tuple[tuple[int, int, str], set[int]]],
    current: str,
    codec: _Codec,
    delegation: Mapping[int, str],
) -> list[Segment]:
    """Disjoint sorted edits as Clean segments, one per run of edits made by the same
    proposals (with the whitespace between them), and the unchanged text between runs."""
    runs: list[tuple[set[int], list[_Edit]]] = []
    for (start, end, new), ids in edits:
        edit = _Edit(start, end, new, 0)
        if runs and runs[-1][0] == ids:
            runs[-1][1].append(edit)
        else:
            runs.append((ids, [edit]))
    out: list[Segment] = []
    pos = edits[0][0][0]
    for ids, run in runs:
        start, end = run[0].start, run[-1].end
        if start > pos:
            kept = codec.decode(current[pos:start])
            out.append(Clean(kept, (), (), kept))
        credit = _alternative(codec.decode(_apply(current, start, end, run)), ids, delegation)
        base_text = codec.decode(current[start:end])
        out.append(Clean(credit.text, credit.proposal_ids, credit.delegations, base_text))
        pos = end
    return out


def _alternative(text: str, owners: set[int], delegation: Mapping[int, str]) -> Alternative:
    ids = tuple(sorted(owners))
    return Alternative(text, ids, tuple(sorted({delegation[i] for i in ids})))


def _segments(
    edits: list[_Edit], current: str, codec: _Codec, delegation: Mapping[int, str]
) -> tuple[Segment, ...]:
    """Groups of edits become segments; the current text between them is copied."""
    segments: list[Segment] = []
    pos = 0
    edits.sort(key=lambda e: (e.start, e.end, e.owner))
    for group in _groups(edits, codec.separators(current)):
        start, end = group[0].start, max(e.end for e in group)
        if start > pos:
            kept = codec.decode(current[pos:start])
            segments.append(Clean(kept, (), (), kept))
        segments.extend(_group_segments(group, current, codec, delegation))
        pos = end
    if pos < len(current) or not segments:
        kept = codec.decode(current[pos:])
        segments.append(Clean(kept, (), (), kept))
    return tuple(segments)


def merge(current: str, proposals: Sequence[ProposalInput]) -> MergeResult:
    """Merge every proposal onto ``current``: clean spans and conflicts, order-independent.

    Raises ValueError when two proposals share a ``proposal_id``.
    """
    codec, tokens, edits = _edits(current, proposals)
    delegation = {p.proposal_id: p.delegation for p in proposals}
    return MergeResult(_segments(edits, tokens, codec, delegation))


def carry_each(current: str, proposals: Sequence[ProposalInput]) -> dict[int, MergeResult]:
    """Each proposal merged alone onto ``current``: ``merge(current, [p])`` for every p.

    Carrying pending proposals forward after a merge asks this of every proposal
    on a section; the current text and the bases shared by several proposals are
    encoded and diffed once instead of once per proposal.
    """
    codec, tokens, edits = _edits(current, proposals)
    own: dict[int, list[_Edit]] = {}
    for edit in edits:
        own.setdefault(edit.owner, []).append(edit)
    return {
        p.proposal_id: MergeResult(
            _segments(own.get(p.proposal_id, []), tokens, codec, {p.proposal_id: p.delegation})
        )
        for p in proposals
    }


def competing(current: str, proposals: Sequence[ProposalInput]) -> list[frozenset[int]]:
    """The proposals that compete, as connected groups: exactly ``merge()``'s verdict.

    Two proposals compete when they give different alternatives of one conflict;
    groups join through shared proposals. A conflict between a single proposal and
    the current text (a stale change) is no competition. The texts of the merge are
    not built, so this costs a fraction of ``merge()``.
    """
    codec, tokens, edits = _edits(current, proposals)
    edits.sort(key=lambda e: (e.start, e.end, e.owner))
    groups: list[set[int]] = []
    for group in _groups(edits, codec.separators(tokens)):
        if len({e.owner for e in group}) < 2 or _included(group) is not None:
            continue
        readings = _readings(group, tokens)
        if len(readings) < 2:
            continue
        ids = set().union(*readings.values())
        touching = [g for g in groups if g & ids]
        groups = [g for g in groups if not g & ids] + [ids.union(*touching)]
    return [frozenset(g) for g in groups]


def _edits(current: str, proposals: Sequence[ProposalInput]) -> tuple[_Codec, str, list[_Edit]]:
    """Every proposal's edits over the encoded current text."""
    ids = [p.proposal_id for p in proposals]
    if len(set(ids)) != len(ids):
        raise ValueError("proposal ids must be unique")
    codec = _Codec()
    tokens = codec.encode(current)
    bases: dict[str, _Base] = {}
    edits: list[_Edit] = []
    for proposal in sorted(proposals, key=lambda p: p.proposal_id):
        if proposal.text == proposal.base:
            continue
        base = bases.get(proposal.base)
        if base is None:
            base = bases[proposal.base] = _load_base(proposal.base, current, tokens, codec)
        change = [
            _Edit(start, end, codec.encode_tokens(new), proposal.proposal_id)
            for start, end, new in hunks(proposal.base, proposal.text)
        ]
        edits.extend(_carry(change, base, tokens))
    return codec, tokens, edits


def _load_base(text: str, current: str, encoded_current: str, codec: _Codec) -> _Base:
    """A base text, encoded, and how ``current`` moved since (nothing when it is current)."""
    if text == current:
        return _Base(encoded_current, codec.separators(encoded_current), [])
    encoded = codec.encode(text)
    moved = [
        _Edit(s, e, codec.encode_tokens(new), 0, moved=True) for s, e, new in hunks(text, current)
    ]
    return _Base(encoded, codec.separators(encoded), moved)


# --- hunks, computed once per pair of texts ---------------------------------------------

_Hunks = tuple[tuple[int, int, tuple[str, ...]], ...]
HUNK_CACHE = 4096


def hunks(old: str, new: str) -> _Hunks:
    """The hunks old→new in token terms, cached by a digest of both texts.

    A section's pending proposals are merged again whenever one of them changes
    (competing groups, previews, re-bases); each proposal's own diff does not change,
    so it is computed once. The alignment depends only on which tokens are equal,
    never on the code points a codec gives them, so hunks found under one codec
    hold under every other. Keys are digests, not the texts, so the cache holds
    only the hunks' replacement tokens.
    """
    key = _digest(old, new)
    found = HUNKS.get(key)
    if found is None:
        codec = _Codec()
        aligner = Aligner(codec.blank, codec.breaks)
        found = tuple(
            (start, end, codec.tokens_of(replacement))
            for start, end, replacement in aligner.hunks(codec.encode(old), codec.encode(new))
        )
        HUNKS.put(key, found)
    return found


def _digest(old: str, new: str) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    for text in (old, new):
        data = text.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()


HUNKS: Lru[bytes, _Hunks] = Lru(HUNK_CACHE)  # shared by every merge in the process
