# ruff: noqa: RUF001
# (Cyrillic vocabulary, lookalike letters included, is the point of this benchmark.)
"""Worst-case cost of ``merge()`` and ``redline_html()`` against section size (DESIGN §7).

Run: ``python -m bench.bench_sizes`` (also part of ``python -m bench``). Prints a table;
asserts nothing. Sections of about 2, 10, 20, 50 and 200 KB of Markdown are generated
with a fixed seed: paragraphs, bullet and numbered lists, a share of Russian sentences
with stress marks (a combining acute after the vowel) and sentences ending alike
("… annually."). For each size, two three-way cases (base, current, proposal):

- ``scattered``: the chair made 5 word edits, the proposal 10 others and one sentence;
- ``rewrite``: the proposal replaces every sentence (same blocks), the chair made 3
  word edits.

"2 proposals" adds another delegation's 10 scattered word edits on the same base.
Each call runs once per repetition in a child process, so caches start cold, an
engine that takes minutes cannot hang the run (cap ``CAP_S``) and the CPU time
(``time.process_time()`` inside the child) is the call's own. A run above ``SLOW_S``
is not repeated, and a case is not run when a smaller one of its kind already hit the
cap: the whole benchmark stays near two minutes even on a quadratic engine. The reference is
``git merge-file -p current base proposal`` on the same texts, its CPU time taken
from ``RUSAGE_CHILDREN`` (user + sys, process start included). The bars: any section,
any rewrite, merged or redlined under 1 s; a 20 KB section merged within 5x git.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.merge import ProposalInput, merge
from app.core.redline import redline_html
from bench.bench_merge import WORDS as ENGLISH

SEED = 1540
SIZES_KB = (2, 10, 20, 50, 200)
RUNS = 3
SLOW_S = 5.0  # a run above this (5x the bar) is not repeated: best of 3 would not help
CAP_S = 60.0  # a call still running after this is stopped and reported as "> 60 s"
BAR_MS = 1000.0
GIT_FACTOR = 5.0
GIT_SIZE_KB = 20

# Stress marks written as an apostrophe after the vowel, turned into U+0301 below.
RUSSIAN_TEXT = (
    "госуда'рства ме'ры контро'ль экспо'рта тра'нзита посре'дничества национа'льные "
    "пра'вила нераспростране'ния ору'жия ма'ссового уничтоже'ния сре'дства доста'вки "
    "уча'стники обя'заны принима'ть эффекти'вные надлежа'щие пограни'чного "
    "лицензи'рования отве'тственность законода'тельство комите'та резолю'ции 1540 "
    "сотру'дничество по'мощь регио'нальные организа'ции учёт физи'ческой защи'ты "
    "материа'лов о'пыт пра'ктики руково'дства еди'ного подхо'да та'моженные о'рганы"
)
RUSSIAN = [word.replace("'", "\u0301") for word in RUSSIAN_TEXT.split()]
ENDINGS_EN = (
    "annually",
    "on a regular basis",
    "in accordance with national legislation",
    "as appropriate",
)
ENDINGS_RU = tuple(
    ending.replace("'", "\u0301")
    for ending in ("ежего'дно", "в соотве'тствии с национа'льным законода'тельством")
)
RUSSIAN_SHARE = 0.25
ENDING_SHARE = 0.35
PLAIN_WORD = re.compile(r"[^\W\d_][\w\u0301-]*[,.]?")


@dataclass
class Block:
    kind: str  # "paragraph", "bullets" or "numbered"
    sentences: list[str]


@dataclass
class Case:
    size_kb: int
    kind: str
    base: str
    current: str
    proposal: str
    second: str  # another delegation's scattered proposal on the same base


@dataclass
class Figure:
    """CPU seconds of the repetitions; ``over`` when a run hit the cap."""

    times: list[float] = field(default_factory=list)
    over: bool = False
    inferred: bool = False  # not run: a smaller case already hit the cap
    error: str = ""

    @property
    def best(self) -> float:
        return min(self.times) if self.times else float("inf")

    @property
    def worst(self) -> float:
        return float("inf") if self.over or not self.times else max(self.times)

    def cell(self) -> str:
        if self.error:
            return "error"
        if self.over:
            return f"> {CAP_S:.0f} s" + ("*" if self.inferred else "")
        best, worst = self.best * 1000, self.worst * 1000
        text = f"{best:.1f}" if best < 100 else f"{best:.0f}"
        if len(self.times) > 1 and worst > 1.2 * best:
            text += f" ({worst:.0f})" if worst >= 100 else f" ({worst:.1f})"
        return text

    def verdict(self) -> str:
        return "" if self.error else "ok" if self.worst * 1000 < BAR_MS else "OVER"


# -- the corpus -----------------------------------------------------------------------


def sentence(rnd: random.Random) -> str:
    russian = rnd.random() < RUSSIAN_SHARE
    vocabulary = RUSSIAN if russian else ENGLISH
    words = [rnd.choice(vocabulary) for _ in range(rnd.randint(8, 22))]
    if len(words) > 10:
        words[rnd.randint(3, len(words) - 4)] += ","
    if rnd.random() < ENDING_SHARE:
        words.append(rnd.choice(ENDINGS_RU if russian else ENDINGS_EN))
    return " ".join(words).capitalize() + "."


def structure(rnd: random.Random, size_kb: int) -> list[Block]:
    blocks: list[Block] = []
    size = 0
    while size < size_kb * 1000:
        roll = rnd.random()
        kind = "bullets" if roll < 0.15 else "numbered" if roll < 0.25 else "paragraph"
        count = rnd.randint(2, 5) if kind != "paragraph" else rnd.randint(2, 6)
        block = Block(kind, [sentence(rnd) for _ in range(count)])
        blocks.append(block)
        size += len(render([block]).encode()) + 2
    return blocks


def render(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if block.kind == "bullets":
            out.append("\n".join(f"- {s}" for s in block.sentences))
        elif block.kind == "numbered":
            out.append("\n".join(f"{n}. {s}" for n, s in enumerate(block.sentences, 1)))
        else:
            out.append(" ".join(block.sentences))
    return "\n\n".join(out) + "\n"


def rewritten(rnd: random.Random, blocks: list[Block]) -> list[Block]:
    """Every sentence replaced by a fresh one; the blocks and their lengths kept."""
    return [Block(b.kind, [sentence(rnd) for _ in b.sentences]) for b in blocks]


def word_slots(text: str) -> list[tuple[int, int]]:
    """(line, word) positions of plain words: never a list marker or a bare number."""
    slots = []
    for li, line in enumerate(text.split("\n")):
        for wi, word in enumerate(line.split(" ")):
            if wi == 0 and (word == "-" or word.rstrip(".").isdigit()):
                continue
            if PLAIN_WORD.fullmatch(word):
                slots.append((li, wi))
    return slots


def edited(
    rnd: random.Random, text: str, slots: list[tuple[int, int]], *, sentence_at: int = -1
) -> str:
    """Small word edits at ``slots`` (replace, insert or delete one or two words).

    With ``sentence_at`` >= 0, a new sentence also goes in after that line's first
    sentence (or at its end).
    """
    lines = [line.split(" ") for line in text.split("\n")]
    for li, wi in sorted(slots, reverse=True):  # right to left: positions stay valid
        words = lines[li]
        old = words[wi]
        vocabulary = RUSSIAN if re.search("[а-яё]", old, re.IGNORECASE) else ENGLISH
        tail = old[-1] if old[-1] in ",." else ""
        case = str.capitalize if old[0].isupper() else str
        roll = rnd.random()
        if roll < 0.5:
            new = rnd.choice(vocabulary)
            while new == old.rstrip(",."):
                new = rnd.choice(vocabulary)
            words[wi] = case(new) + tail
        elif roll < 0.8:
            inserted = [rnd.choice(vocabulary) for _ in range(rnd.randint(1, 2))]
            inserted[0] = case(inserted[0])
            words[wi] = old[0].lower() + old[1:] if old[0].isupper() else old
            words[wi:wi] = inserted
        elif not tail and not old[0].isupper():
            del words[wi]
        else:
            words[wi] = case(rnd.choice(vocabulary)) + tail
    if sentence_at >= 0:
        words = lines[sentence_at]
        ends = [i for i, w in enumerate(words) if w.endswith(".") and i > 0]
        at = ends[0] + 1 if ends else len(words)
        words[at:at] = sentence(rnd).split(" ")
    return "\n".join(" ".join(words) for words in lines)


def cases() -> list[Case]:
    rnd = random.Random(SEED)
    out = []
    for size_kb in SIZES_KB:
        blocks = structure(rnd, size_kb)
        base = render(blocks)
        slots = word_slots(base)
        chosen = rnd.sample(slots, 25)
        chair, usa, rus = chosen[:5], chosen[5:15], chosen[15:]
        text_lines = [i for i, line in enumerate(base.split("\n")) if line.strip()]
        current = edited(rnd, base, chair)
        proposal = edited(rnd, base, usa, sentence_at=rnd.choice(text_lines))
        second = edited(rnd, base, rus)
        out.append(Case(size_kb, "scattered", base, current, proposal, second))
        rewrite = render(rewritten(rnd, blocks))
        current = edited(rnd, base, rnd.sample(slots, 3))
        out.append(Case(size_kb, "rewrite", base, current, rewrite, second))
    return out


# -- measuring --------------------------------------------------------------------------


def _child(
    connection: Connection, function: Callable[..., object], args: tuple[object, ...]
) -> None:
    try:
        start = time.process_time()
        function(*args)
        connection.send(("ok", time.process_time() - start, ""))
    except Exception as error:  # the engine may be mid-rewrite: report, don't crash
        connection.send(("error", 0.0, f"{type(error).__name__}: {error}"))


def once(function: Callable[..., object], *args: object) -> tuple[str, float, str]:
    """One call in a forked child: (status, CPU seconds, error); status ok, over or error.

    Forked, not spawned: the child starts with the parent's imports and warm state,
    and ``python -m bench`` (no ``__main__`` guard) is never re-imported.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(CAP_S):
            return ("over", CAP_S, "")
        status, seconds, error = receiver.recv()
        return (str(status), float(seconds), str(error))
    except EOFError:
        return ("error", 0.0, f"child died (exit code {process.exitcode})")
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def measure(function: Callable[..., object], *args: object) -> Figure:
    figure = Figure()
    for _ in range(RUNS):
        status, seconds, error = once(function, *args)
        if status == "over":
            figure.over = True
            break
        if status == "error":
            figure.error = error
            break
        figure.times.append(seconds)
        if seconds > SLOW_S:
            break
    return figure


def merge_one(case: Case) -> object:
    return merge(case.current, [ProposalInput(1, "USA", case.base, case.proposal)])


def merge_two(case: Case) -> object:
    return merge(
        case.current,
        [
            ProposalInput(1, "USA", case.base, case.proposal),
            ProposalInput(2, "RUS", case.base, case.second),
        ],
    )


def redline(case: Case) -> object:
    return redline_html(case.base, case.proposal)


def git_merge_file(git: str, case: Case) -> Figure:
    """CPU time (user + sys) of ``git merge-file -p current base proposal``."""
    figure = Figure()
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / name for name in ("current", "base", "proposal")]
        for path, text in zip(paths, (case.current, case.base, case.proposal), strict=True):
            path.write_text(text, encoding="utf-8")
        command = [git, "merge-file", "-p", *map(str, paths)]
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, capture_output=True, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            figure.times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return figure


# -- the table --------------------------------------------------------------------------


COLUMNS = (
    ("merge 1 prop", merge_one),
    ("merge 2 props", merge_two),
    ("redline", redline),
)


def row_figures(case: Case, capped: set[tuple[str, str]]) -> dict[str, Figure]:
    """The case's figures; ``capped`` holds the (kind, column) pairs that hit the cap."""
    row = {}
    for column, function in COLUMNS:
        if (case.kind, column) in capped:
            row[column] = Figure(over=True, inferred=True)
            continue
        row[column] = figure = measure(function, case)
        if figure.over:
            capped.add((case.kind, column))
            if function is merge_one:  # two proposals cost at least as much as one
                capped.add((case.kind, "merge 2 props"))
    return row


def ratio_text(ratio: float) -> str:
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def main() -> None:
    started = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    all_cases = cases()
    warm = all_cases[0]  # imports, regexes and parsers initialised once, before forking
    merge_one(warm), merge_two(warm), redline(warm)
    git = shutil.which("git")
    print(
        f"CPU ms, best of {RUNS} (worst in brackets when 20% above; a run over "
        f"{SLOW_S:.0f} s is not repeated), each call in a fresh process capped at "
        f"{CAP_S:.0f} s; ok/OVER: the worst run against the {BAR_MS:.0f} ms bar"
    )
    if git is None:
        print("git not on PATH: no git merge-file reference")
    header = f"{'size':>7} {'kind':<9} " + " ".join(f"{c:>16}" for c, _ in COLUMNS)
    header += f" {'git m-f':>8} {'merge/git':>9}"
    print(header)
    print("-" * len(header))
    capped: set[tuple[str, str]] = set()
    inferred = False
    errors: list[str] = []
    worst: dict[str, tuple[float, Case, str]] = {}
    at_bar: dict[str, float] = {}  # kind -> merge/git ratio for the GIT_SIZE_KB section
    for case in all_cases:
        row = row_figures(case, capped)
        inferred = inferred or any(f.inferred for f in row.values())
        errors += [
            f"{case.size_kb} KB {case.kind}, {c}: {f.error}" for c, f in row.items() if f.error
        ]
        for column, figure in row.items():
            family = "redline" if column == "redline" else "merge"
            if not figure.error and figure.worst > worst.get(family, (-1.0,))[0]:
                worst[family] = (figure.worst, case, column)
        cells = [f"{f.cell():>11} {f.verdict():<4}" for f in row.values()]
        git_cell = ratio_cell = "-"
        if git is not None:
            reference = git_merge_file(git, case).best
            git_cell = f"{reference * 1000:.1f}"
            ours = row["merge 1 prop"]
            if ours.times and not ours.over and not ours.error and reference > 0:
                ratio_cell = ratio_text(ours.best / reference)
                if case.size_kb == GIT_SIZE_KB:
                    at_bar[case.kind] = ours.best / reference
            elif ours.over:
                ratio_cell = f"> {ratio_text(CAP_S / reference)}"
        size = f"{len(case.base.encode()) / 1000:.0f} KB"
        print(f"{size:>7} {case.kind:<9} {' '.join(cells)} {git_cell:>8} {ratio_cell:>9}")
    if inferred:
        print(
            f"* not run: the same kind at a smaller size (or with one proposal) already "
            f"took over {CAP_S:.0f} s"
        )
    for error in errors:
        print(f"error at {error}")
    for family in ("merge", "redline"):
        if family not in worst:
            continue
        seconds, case, column = worst[family]
        shown = f"> {CAP_S:.0f} s" if seconds == float("inf") else f"{seconds * 1000:.0f} ms"
        print(
            f"worst {family}: {shown} at {case.size_kb} KB {case.kind} ({column}) — bar "
            f"{BAR_MS:.0f} ms: {'ok' if seconds * 1000 < BAR_MS else 'OVER'}"
        )
    if at_bar:
        ratios = ", ".join(f"{kind} {ratio_text(r)}" for kind, r in at_bar.items())
        verdict = "ok" if max(at_bar.values()) <= GIT_FACTOR else "OVER"
        print(
            f"{GIT_SIZE_KB} KB merge (1 proposal) against git merge-file, best CPU: {ratios}"
            f" — bar {GIT_FACTOR:.0f}x: {verdict} (git's figure includes its process start)"
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = after.ru_utime - children.ru_utime + after.ru_stime - children.ru_stime
    print(
        f"benchmark took {time.perf_counter() - started:.0f} s wall, "
        f"{spent:.0f} s CPU in child processes"
    )


if __name__ == "__main__":
    main()
