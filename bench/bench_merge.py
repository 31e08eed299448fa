"""Benchmark of the merge preview (DESIGN §7): ``python bench/bench_merge.py``.

Generates the reference corpus deterministically (seeded): 150 sections, about 300 KB
of Markdown, 57 delegations and 2,000 proposals, mostly small word edits that
sometimes overlap, each made against the current revision or an older one. Times
``merge()`` over every section (the whole preview) and, for one section, ``merge()``
against ``git merge-file`` on the same three texts. Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.merge import MergeResult, ProposalInput, merge

SEED = 1540
SECTIONS = 150
SECTION_CHARS = 1_750
PROPOSALS = 2_000
STALE_SHARE = 0.3
DELEGATIONS = [f"D{i:02d}" for i in range(55)] + ["CPC", "1540C"]
VOCABULARY = (
    "states should shall may adopt enforce maintain appropriate effective measures "
    "national control export transit brokering transfer nuclear chemical biological "
    "weapons means delivery related materials accounting security physical protection "
    "border law enforcement legislation regulations implementation report committee "
    "assistance cooperation international regional organizations participating OSCE "
    "resolution 1540 practices guide compendium licensing end-user verification risk "
    "awareness industry academia outreach training customs authorities penalties"
)
WORDS = VOCABULARY.split()


@dataclass
class Section:
    old: str
    current: str
    proposals: list[ProposalInput]


def sentence(rnd: random.Random) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 24))]
    if len(words) > 10:
        words[rnd.randint(3, len(words) - 4)] += ","
    return " ".join(words).capitalize() + "."


def section_text(rnd: random.Random) -> str:
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < SECTION_CHARS:
        if rnd.random() < 0.2:
            paragraphs.append("\n".join(f"- {sentence(rnd)}" for _ in range(3)))
        else:
            paragraphs.append(" ".join(sentence(rnd) for _ in range(rnd.randint(2, 5))))
    return "\n\n".join(paragraphs) + "\n"


def edit(rnd: random.Random, text: str, changes: int) -> str:
    """A few small word edits: replace, insert or delete one to three words."""
    words = text.split(" ")
    for _ in range(changes):
        at = rnd.randrange(len(words))
        span = rnd.randint(1, 3)
        new = [rnd.choice(WORDS) for _ in range(rnd.randint(0, 3))]
        kind = rnd.random()
        if kind < 0.5:
            words[at : at + span] = new or [rnd.choice(WORDS)]
        elif kind < 0.8:
            words[at:at] = new or [rnd.choice(WORDS)]
        elif len(words) > span + 1:
            del words[at : at + span]
    return " ".join(words)


def corpus() -> list[Section]:
    rnd = random.Random(SEED)
    sections = []
    for _ in range(SECTIONS):
        old = section_text(rnd)
        current = edit(rnd, old, rnd.randint(1, 4)) if rnd.random() < 0.5 else old
        sections.append(Section(old, current, []))
    for pid in range(1, PROPOSALS + 1):
        section = rnd.choice(sections)
        base = section.old if rnd.random() < STALE_SHARE else section.current
        text = edit(rnd, base, rnd.choice((1, 1, 1, 2, 2, 3)))
        section.proposals.append(ProposalInput(pid, rnd.choice(DELEGATIONS), base, text))
    return sections


def timed(function: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def preview(sections: list[Section]) -> list[MergeResult]:
    return [merge(s.current, s.proposals) for s in sections]


def bench_preview(sections: list[Section]) -> None:
    size = sum(len(s.current.encode()) for s in sections)
    stale = sum(p.base != s.current for s in sections for p in s.proposals)
    print(
        f"corpus: {len(sections)} sections, {size / 1000:.0f} KB, "
        f"{sum(len(s.proposals) for s in sections)} proposals ({stale} on an older base), "
        f"{len({p.delegation for s in sections for p in s.proposals})} delegations"
    )
    results = preview(sections)
    conflicts = sum(len(r.conflicts) for r in results)
    print(f"result: {sum(r.clean for r in results)} sections clean, {conflicts} conflicts")
    times = timed(lambda: preview(sections), 5)
    print(
        f"merge preview of all proposals: median {statistics.median(times):.3f} s, "
        f"best {min(times):.3f} s (5 runs; target < 2 s)"
    )


def bench_one_section(sections: list[Section]) -> None:
    section = max(sections, key=lambda s: len(s.current))
    ours, theirs = [p for p in section.proposals if p.base == section.current][:2]
    proposals = [ours, theirs]
    runs = 50
    merge_times = timed(lambda: merge(section.current, proposals), runs)
    print(
        f"one section ({len(section.current)} chars, 2 proposals): "
        f"merge() median {statistics.median(merge_times) * 1000:.2f} ms",
        end="",
    )
    git = shutil.which("git")
    if git is None:
        print("; git not installed")
        return
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / name for name in ("ours", "base", "theirs")]
        for path, content in zip(paths, (ours.text, section.current, theirs.text), strict=True):
            path.write_text(content, encoding="utf-8")
        command = [git, "merge-file", "-p", *map(str, paths)]
        git_times = timed(lambda: subprocess.run(command, capture_output=True, check=False), runs)
        verdict = subprocess.run(command, capture_output=True, check=False).returncode
    print(
        f", git merge-file median {statistics.median(git_times) * 1000:.2f} ms "
        f"(process included; conflicts by line, git: {verdict}, "
        f"by word, merge: {len(merge(section.current, proposals).conflicts)})"
    )


def main() -> None:
    sections = corpus()
    bench_preview(sections)
    bench_one_section(sections)


if __name__ == "__main__":
    main()
