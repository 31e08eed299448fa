"""The real service, measured through HTTP: throughput, latency, CPU and memory.

Run: ``.venv/bin/python -m bench.bench_service [--db sqlite|postgresql|both] [--quick]``.

For each database (a SQLite file in a temporary folder; a fresh PostgreSQL
database ``bench_<hex>``, dropped afterwards) the reference corpus of
``bench.corpus`` is built through the service layer: 150 sections, the March
draft, Rev.1 (a merged first round) and a growing number of pending proposals
by the 57 participating States, one in four accepted. Then the real server
(``python -m uvicorn app.main:create_app --factory``, one worker) and a bare
FastAPI app (``bench.bare_app``) run each in its own process on a free port,
with the same uvicorn command line. Every figure goes HTTP → database →
response; nothing timed calls the service in-process.

1. **Single requests** at each corpus size (10, 100, 500, 2,000 pending
   proposals, added between the sizes while the server runs): one cold run,
   then ``--runs`` warm runs (3; their median is the figure, the cold run is
   shown beside it; a request whose cold run took over 2 s gets one warm run) of

   - ``GET /api/sections/{id}/proposals`` on the section with the most proposals,
   - ``GET /api/proposals?limit=200``,
   - ``POST /api/documents/bpg-1540/merges`` with every accepted proposal (the preview),
   - ``GET /api/drafts/{Rev.1}/export?format=docx&changes_since={March draft}``,
   - ``GET /api/drafts/{Rev.1}/compilation?format=docx`` and ``…?format=html``.

   Wall time is taken around the request and the reading of its body, on a
   kept-alive connection; the server's CPU time is ``utime + stime`` of its
   process from ``/proc/<pid>/stat`` before and after (clock ticks, 10 ms: a
   per-request figure below that is a mean over the runs). The server's RSS
   (``VmRSS``) is read after each phase. Reads go out as ``delegate.usa``,
   the merge and the compilation as the chair ``chair.esp``.
2. **Throughput** at the largest size: ``GET /api/sections/{id}`` on the real
   server (with a bearer token) against the bare route, ``wrk`` with 2 threads
   and 32 connections, in rounds that alternate the arms (real, bare, then bare,
   real, ...; 4 rounds of 5 s each) after a warm-up second per arm.
   Requests per second, p50 and p99 (``wrk --latency``) are the medians over
   the rounds; CPU seconds per request is the server's CPU time over all real
   rounds divided by their requests. The bare answer is about as large as the
   real one (some 4 KB: the section's Markdown and its HTML).
3. **Merge commit**, once, at the end (it changes the corpus): the sections of
   the last preview that merged cleanly are previewed again on their own and
   that clean preview is committed (``POST /api/merges/{id}/commit``), which
   also carries every pending proposal on those sections forward.

``--quick`` (a smoke run, about 40 s per database): sizes 10, 100 and 500, one
run per request (the cold one), 2 wrk rounds of 2 s (wrk takes whole seconds).

Prints a table (what | size | measured | bar | verdict | details) per database and merges
the figures into ``bench/results.json`` under ``service.<database>``. A figure
past its bar is reported as MISSED and never fails the run; the run fails
(``BenchError``; exit status 1) only on an error: a non-2xx answer where a 2xx
was expected, or a server that does not start.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from app.proposals.models import Proposal, ProposalVersion
from bench import corpus
from tests.live import free_port, stop

RESULTS = Path(__file__).resolve().parent / "results.json"
REAL_APP = "app.main:create_app"
BARE_APP = "bench.bare_app:create_app"
DOCUMENT = "bpg-1540"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
CONNECTIONS = 32
THREADS = 2
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
CLIENT_TIMEOUT = 600.0  # a slow answer is a figure, not an error
SLOW_S = 2.0  # a request whose cold run took longer gets one warm run, not ``runs``
QUICK_SIZES = (10, 100, 500)

# Bars (seconds unless named otherwise).
BAR_RATIO = 0.40
BAR_REAL_P99_MS = 30.0
BAR_RSS_MB = 200.0
BARS = {
    "section_proposals": 0.050,
    "proposals_list": 0.050,
    "merge_preview": 1.0,
    "export_changes": 2.0,
    "compilation_docx": 3.0,
    "compilation_html": 3.0,
    "merge_commit": 2.0,
}
LABELS = {
    "section_proposals": "GET /api/sections/{id}/proposals (busiest)",
    "proposals_list": "GET /api/proposals?limit=200",
    "merge_preview": "merge preview, all accepted",
    "export_changes": "export docx changes_since",
    "compilation_docx": "compilation docx",
    "compilation_html": "compilation html",
    "merge_commit": "merge commit (clean preview)",
}


class BenchError(Exception):
    """An error, not a slow figure: an unexpected answer or a server that did not start."""


@dataclass
class Config:
    quick: bool
    runs: int
    round_seconds: int
    rounds: int
    sizes: tuple[int, ...]


# ------------------------------------------------------------------ servers


def uvicorn_command(app: str, port: int) -> list[str]:
    """The one command line both arms are served with (only the app differs)."""
    return [
        sys.executable, "-m", "uvicorn", app, "--factory",
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--loop", "auto", "--http", "auto",
        "--log-level", "warning",
    ]  # fmt: skip


@dataclass
class Server:
    """One uvicorn process (a single worker: the process that serves)."""

    name: str
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process, all its threads, so far."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise BenchError(f"{self.name} server: no VmRSS in /proc/{self.proc.pid}/status")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@contextmanager
def serve(
    name: str, app: str, env: dict[str, str], probe: str, headers: dict[str, str], folder: Path
) -> Iterator[Server]:
    """Start ``app`` under uvicorn on a free port; wait until ``probe`` answers 200."""
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            uvicorn_command(app, port),
            env=os.environ | env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    server = Server(name, proc, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, probe, headers)
        yield server
    finally:
        stop(proc, timeout=15)


def _wait_until_up(server: Server, probe: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(
                f"{server.name} server exited with {server.proc.returncode}:\n{server.tail()}"
            )
        try:
            if httpx.get(server.base + probe, headers=headers, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise BenchError(f"{server.name} server did not answer {probe} within 60 s:\n{server.tail()}")


# ------------------------------------------------------------------ single requests


@dataclass
class Timing:
    """One request, a cold run then ``runs`` warm ones: wall and server CPU seconds."""

    cold_s: float
    cold_cpu_s: float
    warm_s: list[float]
    cpu_s: float  # server CPU per warm run (mean: the clock ticks in 10 ms)
    response_bytes: int
    note: str = ""

    @property
    def median_s(self) -> float:
        """The median warm run; the cold run when there was no other (``--quick``)."""
        return statistics.median(self.warm_s) if self.warm_s else self.cold_s


def request(
    client: httpx.Client, server: Server, method: str, path: str, token: str, body: Any = None
) -> tuple[httpx.Response, float, float]:
    """One request; its wall seconds and the server's CPU seconds; 2xx or BenchError."""
    headers = {"Authorization": f"Bearer {token}"}
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    response = client.request(method, path, headers=headers, json=body)
    wall = time.perf_counter() - started  # the body is read: httpx reads it before returning
    cpu = server.cpu_seconds() - cpu
    if not 200 <= response.status_code < 300:
        raise BenchError(
            f"{method} {path} answered {response.status_code}: {response.text[:500]}\n"
            f"server log tail:\n{server.tail()}"
        )
    return response, wall, cpu


def timed(
    client: httpx.Client,
    server: Server,
    method: str,
    path: str,
    token: str,
    runs: int,
    body: Any = None,
) -> tuple[Timing, httpx.Response]:
    """A cold run, then ``runs`` warm ones (one only when the cold run took over ``SLOW_S``)."""
    last, cold, cold_cpu = request(client, server, method, path, token, body)
    walls, cpus = [], []
    for _ in range(min(runs, 1) if cold > SLOW_S else runs):
        last, wall, cpu = request(client, server, method, path, token, body)
        walls.append(wall)
        cpus.append(cpu)
    cpu_s = sum(cpus) / len(cpus) if cpus else cold_cpu
    return Timing(cold, cold_cpu, walls, cpu_s, len(last.content)), last


# ------------------------------------------------------------------ wrk


@dataclass
class WrkRun:
    arm: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    socket_errors: str
    cpu_s: float


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(value: str, unit: str) -> float:
    return float(value) * UNITS[unit]


def wrk(url: str, seconds: int, token: str, arm: str, server: Server) -> WrkRun:
    """One ``wrk --latency`` run; non-2xx answers are an error."""
    command = [
        WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s",
        "-H", f"Authorization: Bearer {token}", url,
    ]  # fmt: skip
    cpu = server.cpu_seconds()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    cpu = server.cpu_seconds() - cpu
    out = done.stdout
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr}{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    if non_2xx:
        raise BenchError(f"{arm}: {non_2xx.group(1)} non-2xx answers from {url}:\n{out}")
    latency = {
        m.group(1): _ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M)
    }
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", out)
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    if not (total and rps and "50" in latency and "99" in latency):
        raise BenchError(f"cannot read wrk's output:\n{out}")
    errors = re.search(r"Socket errors: (.*)", out)
    return WrkRun(
        arm=arm,
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        socket_errors=errors.group(1) if errors else "",
        cpu_s=cpu,
    )


def throughput(
    real: Server, bare: Server, section_id: int, token: str, config: Config
) -> dict[str, Any]:
    """Alternating rounds of the real section read and the bare route."""
    urls = {
        "real": (real, f"{real.base}/api/sections/{section_id}"),
        "bare": (bare, f"{bare.base}/api/sections/{section_id}"),
    }
    for arm in ("real", "bare"):  # warm-up, not counted
        server, url = urls[arm]
        wrk(url, 1, token, arm, server)
    runs: list[WrkRun] = []
    for n in range(config.rounds):
        for arm in ("real", "bare") if n % 2 == 0 else ("bare", "real"):
            server, url = urls[arm]
            runs.append(wrk(url, config.round_seconds, token, arm, server))
    out: dict[str, Any] = {
        "connections": CONNECTIONS,
        "threads": THREADS,
        "round_seconds": config.round_seconds,
        "rounds": config.rounds,
    }
    for arm in ("real", "bare"):
        mine = [r for r in runs if r.arm == arm]
        out[arm] = {
            "rps": statistics.median(r.rps for r in mine),
            "p50_ms": statistics.median(r.p50_ms for r in mine),
            "p99_ms": statistics.median(r.p99_ms for r in mine),
            "cpu_s_per_request": sum(r.cpu_s for r in mine) / sum(r.requests for r in mine),
            "runs": [asdict(r) for r in mine],
        }
    out["ratio"] = out["real"]["rps"] / out["bare"]["rps"]
    return out


# ------------------------------------------------------------------ one database


@dataclass
class Row:
    what: str
    size: str
    measured: str
    bar: str
    verdict: str
    details: str = ""
    value: float | None = None  # the figure compared with its bar


@dataclass
class Report:
    kind: str
    rows: list[Row] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, what: str, size: object, measured: str, bar: str = "", ok: bool | None = None,
            details: str = "", value: float | None = None) -> None:  # fmt: skip
        verdict = "—" if ok is None else ("within" if ok else "MISSED")
        self.rows.append(Row(what, str(size), measured, bar or "—", verdict, details, value))


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_bar(seconds: float) -> str:
    return f"< {seconds * 1000:.0f} ms" if seconds < 1 else f"< {seconds:.0f} s"


def add_timing(report: Report, key: str, size: object, timing: Timing) -> None:
    bar = BARS[key]
    runs = len(timing.warm_s)
    if runs:
        measured = f"{fmt_s(timing.median_s)} (cold {fmt_s(timing.cold_s)})"
    else:
        measured = f"{fmt_s(timing.cold_s)} (one run)"
    how = f"median of {runs}, " if runs > 1 else ("1 warm run, " if runs else "")
    note = f"; {timing.note}" if timing.note else ""
    report.add(
        LABELS[key],
        size,
        measured,
        fmt_bar(bar),
        timing.median_s < bar,
        f"{how}server cpu {fmt_s(timing.cpu_s)}{note}",
        timing.median_s,
    )


def bench_database(kind: str, config: Config) -> Report:
    report = Report(kind)
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    print(f"\n== {label}: building the reference corpus", flush=True)
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="bench-service-") as folder,
        corpus.fresh_database(kind) as url,
    ):
        built = corpus.build(url)
        try:
            report.figures["corpus"] = {
                "sections": len(built.sections),
                "markdown_kb": round(sum(len(s.body.encode()) for s in built.sections) / 1000),
                "states": len(built.states),
                "first_round_merged": built.round_one,
                "build_s": round(time.perf_counter() - started, 2),
                "grow_s": {},
            }
            print(
                f"   {len(built.sections)} sections, "
                f"{report.figures['corpus']['markdown_kb']} KB Markdown, "
                f"{len(built.states)} States, {built.round_one} proposals merged into Rev.1 "
                f"({report.figures['corpus']['build_s']:.1f} s)",
                flush=True,
            )
            run_servers(built, config, report, Path(folder))
        finally:
            built.dispose()
    report.figures["total_s"] = round(time.perf_counter() - started, 1)
    return report


def run_servers(built: corpus.Corpus, config: Config, report: Report, folder: Path) -> None:
    env = {
        "COMPENDIUM_DATABASE_URL": built.url,
        "COMPENDIUM_SECRET_KEY": built.settings.secret_key,
        "COMPENDIUM_ENVIRONMENT": "production",
    }
    reader, chair = built.tokens["reader"], built.tokens["chair"]
    auth = {"Authorization": f"Bearer {reader}"}
    probe_id = built.sections[len(built.sections) // 2].id
    with (
        serve("real", REAL_APP, env, f"/api/sections/{probe_id}", auth, folder) as real,
        serve("bare", BARE_APP, {}, f"/api/sections/{probe_id}", auth, folder) as bare,
        httpx.Client(base_url=real.base, timeout=CLIENT_TIMEOUT) as client,
    ):
        rss: dict[str, float] = {"started": real.rss_mb()}
        sizes: dict[str, Any] = {}
        preview: dict[str, Any] = {}
        for size in config.sizes:
            grow = built.grow_to(size)
            report.figures["corpus"]["grow_s"][str(size)] = round(grow, 2)
            print(f"-- {size} pending proposals (added in {grow:.1f} s)", flush=True)
            sizes[str(size)], preview = one_size(
                client, real, built, size, config, report, rss, reader, chair
            )
        report.figures["sizes"] = sizes
        largest = config.sizes[-1]
        print(f"-- throughput at {largest}", flush=True)
        read = client.get(f"/api/sections/{probe_id}", headers=auth)
        shown = throughput(real, bare, probe_id, reader, config)
        shown["size"] = largest
        shown["real_response_bytes"] = len(read.content)
        shown["bare_response_bytes"] = len(
            httpx.get(f"{bare.base}/api/sections/{probe_id}").content
        )
        report.figures["throughput"] = shown
        rss[f"{largest}: throughput"] = real.rss_mb()
        add_throughput(report, shown)
        print(f"-- merge commit at {largest}", flush=True)
        report.figures["merge_commit"] = merge_commit(client, real, built, preview, report, chair)
        rss[f"{largest}: merge commit"] = real.rss_mb()
        report.figures["rss_mb"] = {k: round(v, 1) for k, v in rss.items()}
        report.figures["server_cpu_s_total"] = round(real.cpu_seconds(), 2)
        add_rss(report, rss, config.sizes)


def add_rss(report: Report, rss: dict[str, float], sizes: tuple[int, ...]) -> None:
    """One row per size: the largest RSS read after that size's phases."""
    for size in sizes:
        phases = {k.split(": ", 1)[1]: v for k, v in rss.items() if k.startswith(f"{size}: ")}
        worst = max(phases, key=lambda k: phases[k])
        report.add(
            "server RSS, max after the phases",
            size,
            f"{phases[worst]:.0f} MB",
            f"< {BAR_RSS_MB:.0f} MB",
            phases[worst] < BAR_RSS_MB,
            f"after {worst}; {rss['started']:.0f} MB at start",
            phases[worst],
        )


def one_size(
    client: httpx.Client,
    real: Server,
    built: corpus.Corpus,
    size: int,
    config: Config,
    report: Report,
    rss: dict[str, float],
    reader: str,
    chair: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every single-request figure at one corpus size; returns them and the last preview."""
    busiest, count = built.busiest_section()
    new, old = built.draft_new, built.draft_old
    calls: list[tuple[str, str, str, str, Any]] = [
        ("section_proposals", "GET", f"/api/sections/{busiest}/proposals", reader, None),
        ("proposals_list", "GET", "/api/proposals?limit=200", reader, None),
        ("merge_preview", "POST", f"/api/documents/{DOCUMENT}/merges", chair,
         {"proposal_ids": built.accepted}),
        ("export_changes", "GET", f"/api/drafts/{new}/export?format=docx&changes_since={old}",
         reader, None),
        ("compilation_docx", "GET", f"/api/drafts/{new}/compilation?format=docx", chair, None),
        ("compilation_html", "GET", f"/api/drafts/{new}/compilation?format=html", chair, None),
    ]  # fmt: skip
    out: dict[str, Any] = {"busiest_section": {"id": busiest, "proposals": count}}
    preview: dict[str, Any] = {}
    for key, method, path, token, body in calls:
        timing, response = timed(client, real, method, path, token, config.runs, body)
        if key == "section_proposals":
            timing.note = f"{count} proposals"
        elif key == "merge_preview":
            preview = response.json()
            conflicts = sum(len(s["conflicts"]) for s in preview["sections"])
            timing.note = (
                f"{len(built.accepted)} accepted, {len(preview['sections'])} sections, "
                f"{conflicts} conflicts"
            )
        elif key.startswith("compilation") or key == "export_changes":
            timing.note = f"{timing.response_bytes / 1024:.0f} KB"
        rss[f"{size}: {key}"] = real.rss_mb()
        out[key] = asdict(timing) | {"median_s": timing.median_s, "rss_mb": rss[f"{size}: {key}"]}
        add_timing(report, key, size, timing)
        row = report.rows[-1]
        print(f"   {LABELS[key]:44s} {row.measured}; {row.details}", flush=True)
    return out, preview


def add_throughput(report: Report, shown: dict[str, Any]) -> None:
    size = shown["size"]
    real, bare = shown["real"], shown["bare"]
    rounds = f"median of {shown['rounds']} rounds of {shown['round_seconds']} s"
    report.add(
        "GET /api/sections/{id}: real req/s", size, f"{real['rps']:.0f} req/s", details=rounds
    )
    report.add(
        "GET /api/sections/{id}: bare req/s", size, f"{bare['rps']:.0f} req/s", details=rounds
    )
    report.add(
        "throughput ratio real/bare",
        size,
        f"{shown['ratio']:.2f}",
        f">= {BAR_RATIO:.2f}",
        shown["ratio"] >= BAR_RATIO,
        f"wrk -t{THREADS} -c{CONNECTIONS}; answers of {shown['real_response_bytes']} B "
        f"(real) and {shown['bare_response_bytes']} B (bare)",
        shown["ratio"],
    )
    report.add("real p50", size, f"{real['p50_ms']:.1f} ms", details=rounds)
    report.add(
        "real p99",
        size,
        f"{real['p99_ms']:.1f} ms",
        f"< {BAR_REAL_P99_MS:.0f} ms",
        real["p99_ms"] < BAR_REAL_P99_MS,
        rounds,
        real["p99_ms"],
    )
    report.add("bare p50", size, f"{bare['p50_ms']:.1f} ms", details=rounds)
    report.add("bare p99", size, f"{bare['p99_ms']:.1f} ms", details=rounds)
    report.add(
        "real: server CPU per request",
        size,
        f"{real['cpu_s_per_request'] * 1000:.2f} ms",
        details=f"bare: {bare['cpu_s_per_request'] * 1000:.2f} ms",
    )
    for arm in ("real", "bare"):
        errors = {r["socket_errors"] for r in shown[arm]["runs"]} - {
            "",
            "connect 0, read 0, write 0, timeout 0",
        }
        if errors:
            report.add(f"{arm}: wrk socket errors", size, "; ".join(sorted(errors)))


def merge_commit(
    client: httpx.Client,
    real: Server,
    built: corpus.Corpus,
    preview: dict[str, Any],
    report: Report,
    chair: str,
) -> dict[str, Any]:
    """Commit the clean part of the last preview, once; report what it carried forward."""
    size = built.pending
    clean_ids = sorted(
        pid for s in preview.get("sections", []) if s["clean"] for pid in s["proposal_ids"]
    )
    if not clean_ids:
        report.add(LABELS["merge_commit"], size, "skipped", details="no section merged cleanly")
        return {"skipped": "no section merged cleanly"}
    path = f"/api/documents/{DOCUMENT}/merges"
    if preview["clean"]:
        chosen = preview
    else:
        chosen = request(client, real, "POST", path, chair, {"proposal_ids": clean_ids})[0].json()
    if not chosen["clean"]:
        report.add(LABELS["merge_commit"], size, "skipped", details="its clean part conflicts")
        return {"skipped": "the clean sections' preview has conflicts"}
    body = {"resolutions": {}, "label": "Rev.2", "reference": "FSC.GAL/23/21/Rev.2"}
    _, wall, cpu = request(client, real, "POST", f"/api/merges/{chosen['id']}/commit", chair, body)
    with built.database.session(write=False) as session:
        rebased = session.scalar(
            select(func.count())
            .select_from(ProposalVersion)
            .where(ProposalVersion.note.like("re-based%"))
        )
        flagged = session.scalar(
            select(func.count()).select_from(Proposal).where(Proposal.needs_rebase.is_(True))
        )
    timing = Timing(wall, cpu, [wall], cpu, 0)
    timing.note = (
        f"{len(chosen['proposal_ids'])} proposals on {len(chosen['sections'])} sections; "
        f"pending carried: {rebased} re-based, {flagged} flagged"
    )
    report.add(
        LABELS["merge_commit"],
        size,
        f"{fmt_s(wall)} (one run)",
        fmt_bar(BARS["merge_commit"]),
        wall < BARS["merge_commit"],
        f"server cpu {fmt_s(cpu)}; {timing.note}",
        wall,
    )
    row = report.rows[-1]
    print(f"   {LABELS['merge_commit']:44s} {row.measured}; {row.details}", flush=True)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "proposals": len(chosen["proposal_ids"]),
        "sections": len(chosen["sections"]),
        "rebased": rebased,
        "flagged_needs_rebase": flagged,
    }


# ------------------------------------------------------------------ output


def print_table(report: Report) -> None:
    label = "SQLite" if report.kind == "sqlite" else "PostgreSQL"
    headers = ("what", "size", "measured", "bar", "verdict", "details")
    cells = [headers] + [
        (r.what, r.size, r.measured, r.bar, r.verdict, r.details) for r in report.rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(headers))]
    print(f"\n== {label}: service benchmark")
    for i, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    missed = [r for r in report.rows if r.verdict == "MISSED"]
    print(f"{len(missed)} figure(s) past their bar" + (":" if missed else "."))
    for r in missed:
        print(f"   MISSED {r.what} at {r.size}: {r.measured} (bar {r.bar})")


def save(report: Report, config: Config) -> None:
    """Merge this database's figures into ``results.json`` under ``service.<kind>``."""
    data: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            data = {}
    service = data.get("service")
    if not isinstance(service, dict):
        service = {}
    service[report.kind] = report.figures | {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": config.quick,
        "runs": config.runs,
        "rows": [asdict(r) for r in report.rows],
    }
    data["service"] = service
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Benchmark the service on the chosen databases; raises BenchError on an error."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"sizes up to {QUICK_SIZES[-1]}, one run per request, 2 wrk rounds of 2 s",
    )
    parser.add_argument("--runs", type=int, default=None, help="warm runs per request (3)")
    args = parser.parse_args(argv)
    config = Config(
        quick=args.quick,
        runs=args.runs if args.runs is not None else (0 if args.quick else 3),
        round_seconds=2 if args.quick else 5,  # wrk takes whole seconds
        rounds=2 if args.quick else 4,
        sizes=QUICK_SIZES if args.quick else corpus.SIZES,
    )
    if not Path(WRK).exists():
        raise BenchError("wrk is not installed (apt-get install wrk)")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    reports = []
    for kind in kinds:
        report = bench_database(kind, config)
        save(report, config)
        reports.append(report)
    for report in reports:
        print_table(report)
    print(f"\nfigures written to {RESULTS}")


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        sys.exit(1)
