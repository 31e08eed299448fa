"""Word-level tokens: the grain of every diff, redline and merge.

A text is split into maximal runs of word characters, maximal runs of
whitespace, and single other characters (punctuation, symbols). A word
character is a letter, a digit, the underscore or a **combining mark**
(Unicode category M: Mn, Mc, Me): a stress mark in Russian (``ре́зюме``), a
decomposed Latin accent, Arabic harakat or a Devanagari vowel sign belongs to
its word, so an unchanged mark can never separate two edits inside one word.
Python's ``re`` has no class for marks (its ``\\w`` is ``str.isalnum`` and
``_``), so the pattern uses the ``regex`` package's ``\\p{M}``, which follows
the Unicode version it ships rather than a hand-kept table.

Invariants:

* ``"".join(tokenize(text)) == text`` for every string (including non-BMP
  characters and Cyrillic), so no diff or merge can lose a character;
* tokenizing is deterministic and context-free, so the same text always
  yields the same tokens;
* a combining mark is part of the word token it stands in (or starts one).

>>> tokenize("Госуда́рства, ре́зюме")
['Госуда́рства', ',', ' ', 'ре́зюме']
>>> len(tokenize("e\\u0301te\\u0301"))  # decomposed accents stay inside the word
1

Texts are NFC-normalised where they enter the service (``normalize_text``:
the API's ``Text`` type, Word import, seed), so the same word typed two
ways is one token.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

import regex

_TOKEN = regex.compile(r"[\w\p{M}]+|\s+|[^\w\s\p{M}]")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace and punctuation tokens."""
    tokens: list[str] = _TOKEN.findall(text)
    return tokens


@functools.lru_cache(maxsize=1024)
def tokens(text: str) -> tuple[str, ...]:
    """``tokenize(text)``, cached and interned: the diff, the merge and the
    compilation tokenize a section's current text once for all its proposals.

    Interned, the cache holds each distinct word once: 1,024 texts of a few
    thousand tokens cost a few MB.
    """
    return tuple(map(sys.intern, tokenize(text)))


def normalize_text(text: str) -> str:
    """The canonical (NFC) form every stored text takes."""
    return unicodedata.normalize("NFC", text)
