"""Median and p95 time of redlining a 20 KB Markdown section with scattered edits.

Run: ``.venv/bin/python bench/bench_redline.py``. Prints figures only; no asserts.
The corpus is generated with a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import random
import statistics
import time

from app.core.redline import _parse, redline_html

WORDS = [
    *["the", "participating", "States", "shall", "maintain", "appropriate", "effective"],
    *["measures", "export", "control", "brokering", "transit", "financing", "of"],
    *["proliferation", "and", "or", "implementation", "resolution", "1540", "national"],
    *["legislation", "enforcement", "border", "нераспространение", "делегация"],
    "\U0001d518\U0001d52b\U0001d526",
]
REPETITIONS = 50
TARGET_BYTES = 20_000


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = f"[{rng.choice(WORDS)}](https://osce.org/x)"
    return " ".join(words).capitalize() + "."


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return "## " + _sentence(rng)
    if roll < 0.3:
        return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5)))
    if roll < 0.35:
        return "| a | b |\n|---|---|\n" + "\n".join(
            f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} |" for _ in range(3)
        )
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))


def make_section(rng: random.Random) -> str:
    blocks: list[str] = []
    while sum(len(b.encode()) + 2 for b in blocks) < TARGET_BYTES:
        blocks.append(_block(rng))
    return "\n\n".join(blocks)


def scatter_edits(text: str, rng: random.Random, *, edits: int = 25) -> str:
    """Replace, delete or insert a word at ``edits`` random places."""
    words = text.split(" ")
    for _ in range(edits):
        at = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.4:
            words[at] = rng.choice(WORDS)
        elif roll < 0.7:
            del words[at]
        else:
            words.insert(at, rng.choice(WORDS))
    return " ".join(words)


def _measure(old: str, new: str, *, cold: bool) -> tuple[float, float]:
    samples: list[float] = []
    for _ in range(REPETITIONS):
        if cold:
            _parse.cache_clear()
        start = time.perf_counter()
        redline_html(old, new)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[round(0.95 * len(samples)) - 1]


def main() -> None:
    rng = random.Random(1540)
    old = make_section(rng)
    new = scatter_edits(old, rng)
    redline_html(old, new)  # warm-up: imports, regex compilation
    print(f"section: {len(old.encode())} bytes old, {len(new.encode())} bytes new, 25 edits")
    for label, cold in (("cold, both texts parsed", True), ("warm, parse cache hit", False)):
        median, p95 = _measure(old, new, cold=cold)
        print(f"redline_html x{REPETITIONS} ({label}): median {median:.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    main()
