"""Word-level tokens: the grain of every diff, redline and merge.

A text is split into maximal runs of word characters, maximal runs of
whitespace, and single other characters (punctuation, symbols). Invariants:

* ``"".join(tokenize(text)) == text`` for every string (including non-BMP
  characters and Cyrillic), so no diff or merge can lose a character;
* tokenizing is deterministic and context-free, so the same text always
  yields the same tokens.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace and punctuation tokens."""
    return _TOKEN.findall(text)
