"""Re-anchor a quoted passage on a later text (the W3C TextQuoteSelector idea).

A comment quotes ``exact`` with a little ``prefix`` and ``suffix`` context.
On a newer revision the passage is found again by exact match; when it occurs
several times, the occurrence whose surroundings agree longest with the
prefix and suffix wins (ties: the earliest). No occurrence: ``None`` — the
comment is orphaned. Deterministic, and the result always satisfies
``text[start:end] == exact``.
"""

from __future__ import annotations


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def locate(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """``(start, end)`` of the best occurrence of ``exact`` in ``text``, or ``None``."""
    if not exact:
        return None
    best: tuple[int, int] | None = None
    best_score = -1
    start = text.find(exact)
    while start != -1:
        end = start + len(exact)
        score = _common_suffix(text[max(0, start - len(prefix)) : start], prefix) + _common_prefix(
            text[end : end + len(suffix)], suffix
        )
        if score > best_score:
            best, best_score = (start, end), score
        start = text.find(exact, start + 1)
    return best
