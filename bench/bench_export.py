"""Benchmark: the whole reference corpus exported as a DOCX with tracked changes.

Generates 150 sections (about 300 KB of Markdown: paragraphs, bullet lists,
emphasis, some Cyrillic), then a redline with word changes scattered through
every section, credited to several delegations, plus added and removed
sections. Times ``build_docx_redline`` over the whole corpus (best and median
of a few runs). Quality bar (DESIGN.md section 7): under 3 s. Then the
compilation of 1,950 pending proposals (13 on each section) as DOCX and as
HTML, timed once each (bar: under 3 s).

Run: ``.venv/bin/python bench/bench_export.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from app.core.diff import word_diff
from app.exports.builders import (
    Change,
    CompilationProposal,
    CompilationRow,
    ExportMeta,
    ExportSection,
    RedlineSection,
    build_compilation_docx,
    build_compilation_html,
    build_docx_redline,
)

_VOCABULARY = (
    "States should maintain appropriate effective measures to account for secure and "
    "physically protect nuclear chemical biological weapons related materials in production "
    "use storage transport including border controls export licensing national legislation "
    "enforcement outreach industry academia assistance cooperation реализация резолюции"
)
WORDS = _VOCABULARY.split()
DELEGATIONS = ("USA", "RUS", "CHE", "ESP", "BLR", "ARM", "CPC", "1540C")
WHEN = datetime.datetime(2021, 4, 27, 10, 0, tzinfo=datetime.UTC)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words[3] = f"*{words[3]}*"
    return " ".join(words) + "."


def make_body(rng: random.Random, size: int = 1800) -> str:
    """About ``size`` characters of Markdown: paragraphs and a bullet list."""
    blocks: list[str] = []
    while sum(len(b) for b in blocks) < size:
        if rng.random() < 0.2:
            blocks.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))))
        else:
            blocks.append(" ".join(_sentence(rng) for _ in range(rng.randint(2, 5))))
    return "\n\n".join(blocks)


def make_changes(rng: random.Random, body: str) -> tuple[Change, ...]:
    """Replace, delete or insert roughly one word in twelve, by random delegations."""
    changes: list[Change] = []
    for token in body.split(" "):
        roll = rng.random()
        who = rng.choice(DELEGATIONS)
        if roll < 0.04:
            changes += [
                Change("delete", token, who, WHEN),
                Change("insert", rng.choice(WORDS), who, WHEN),
            ]
        elif roll < 0.06:
            changes.append(Change("delete", token + " ", who, WHEN))
            continue
        elif roll < 0.08:
            changes += [
                Change("insert", rng.choice(WORDS) + " ", who, WHEN),
                Change("equal", token),
            ]
        else:
            changes.append(Change("equal", token))
        changes.append(Change("equal", " "))
    return tuple(changes[:-1])


def make_corpus(seed: int = 1540) -> list[RedlineSection]:
    """150 sections (15 chapters of 9 subsections), three added, two removed."""
    rng = random.Random(seed)
    sections: list[RedlineSection] = []
    for index in range(150):
        chapter, sub = divmod(index, 10)
        number = f"{chapter + 1}" if sub == 0 else f"{chapter + 1}.{sub}"
        body = make_body(rng)
        status = (
            "added" if index in (17, 88, 140) else "removed" if index in (45, 120) else "changed"
        )
        who = rng.choice(DELEGATIONS)
        if status == "added":
            changes: tuple[Change, ...] = (Change("insert", body, who, WHEN),)
        elif status == "removed":
            changes = (Change("delete", body, who, WHEN),)
        else:
            changes = make_changes(rng, body)
        level = 1 if sub == 0 else 2
        sections.append(RedlineSection(index, number, f"Section {number}", level, changes, status))  # type: ignore[arg-type]
    return sections


def make_compilation(corpus: list[RedlineSection], per_section: int = 13) -> list[CompilationRow]:
    """Every section with ``per_section`` pending proposals, each amending one word."""
    rng = random.Random(1540)
    rows = []
    number = 0
    for section in corpus:
        body = section.new_body
        proposals = []
        for _ in range(per_section):
            words = body.split(" ")
            at = rng.randrange(len(words))
            words[at] += " " + rng.choice(WORDS)
            who = rng.choice(DELEGATIONS)
            changes = tuple(
                Change(op.op, op.text, "" if op.op == "equal" else who)
                for op in word_diff(body, " ".join(words))
            )
            proposals.append(CompilationProposal(number, who, (), "submitted", "Why.", changes, 0))
            number += 1
        current = ExportSection(section.id, section.number, section.title, section.level, body)
        rows.append(CompilationRow(current, tuple(proposals)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus = make_corpus()
    meta = ExportMeta(
        "Best Practice Guide", "FSC.GAL/23/21/Rev.1", "Rev.1", datetime.date(2021, 4, 27)
    )
    source_kb = sum(len(s.new_body.encode()) for s in corpus) / 1024
    revisions = sum(1 for s in corpus for c in s.changes if c.kind != "equal")
    times: list[float] = []
    size = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        size = len(build_docx_redline(meta, corpus))
        times.append(time.perf_counter() - start)
    print(
        f"corpus: {len(corpus)} sections, {source_kb:.0f} KB Markdown, {revisions} changed segments"
    )
    print(f"docx: {size / 1024:.0f} KB")
    print(
        f"build_docx_redline: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"over {args.runs} runs (target < 3 s)"
    )
    rows = make_compilation(corpus)
    count = sum(len(r.proposals) for r in rows)
    for name, build in (("docx", build_compilation_docx), ("html", build_compilation_html)):
        start = time.perf_counter()
        build(meta, rows)
        took = time.perf_counter() - start
        print(f"compilation {name}, {count} pending proposals: {took:.2f} s (target < 3 s)")


if __name__ == "__main__":
    main()
