"""Soak: 57 delegation clients and a chair write while the server is SIGKILLed.

For each database (a SQLite file in a temporary folder; a fresh PostgreSQL
database ``soak_<random>`` created and dropped here), the script migrates and
seeds it, adds one delegate per participating State, starts a real uvicorn
server (1 worker on SQLite, 2 on PostgreSQL) and drives it for a bounded time:

- each delegation client signs in once, then loops over random actions:
  propose a new text for a section, revise its own proposal, support another
  delegation's proposal, comment on a section;
- a chair client accepts submitted proposals and now and then previews a merge
  of accepted proposals, committing it when the preview is clean;
- a killer thread SIGKILLs the server at random moments: on SQLite the whole
  process group (then restarts it on the same port); on PostgreSQL it
  alternates between one worker (uvicorn's supervisor replaces it) and the
  whole group.

Every acknowledged (2xx) write is recorded; afterwards the server is stopped
and the database is read directly: every acknowledged proposal version,
comment, support, decision and merge must be there, nothing duplicated, and
SQLite's ``PRAGMA integrity_check`` must say ``ok``. 409/412/422 answers are
the expected outcome of races; a write whose connection broke during a kill
has an unknown outcome and is neither required nor forbidden afterwards.

Run: ``.venv/bin/python -m bench.soak [--seconds 60] [--clients 57]
[--kills 10] [--db sqlite|postgresql|both] [--think 0.1]`` (``make soak``).
Exit status 1 if a write was lost or duplicated, the server answered 5xx, a
write went unanswered for 60 s, or the server did not come back after a kill.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.auth import service as auth_service
from app.comments.models import Comment
from app.db import Database
from app.delegations.models import Delegation
from app.migrate import upgrade
from app.proposals.models import Proposal, ProposalSupport, ProposalVersion
from app.seed import DEMO_PASSWORD, seed_all
from bench.corpus import add_state_delegates
from tests.dbs import settings_for
from tests.live import _wait_until_up, free_port

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DOCUMENT = "bpg-1540"
PASSWORD = "soak-password-0123"
TARGET_P99_MS = 1000.0
EXPECTED_CONFLICTS = {409, 412, 422}
CLIENT_TIMEOUT = 60.0
SUMMARY: list[str] = []  # the final line per database


# ---------------------------------------------------------------- bookkeeping


@dataclass
class ProposalRecord:
    id: int
    code: str
    section_id: int
    base_text: str
    acked: list[str] = field(default_factory=list)  # bodies, in acknowledgement order
    unknown: set[str] = field(default_factory=set)  # bodies sent whose outcome is unknown
    closed: bool = False  # a revise was refused: decided, merged or withdrawn


@dataclass
class Ledger:
    """Everything the clients were told was written, and how the server answered."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    proposals: dict[int, ProposalRecord] = field(default_factory=dict)
    created_unknown: list[str] = field(default_factory=list)  # create bodies, outcome unknown
    comments: dict[int, str] = field(default_factory=dict)
    comments_unknown: list[str] = field(default_factory=list)
    supports: set[tuple[int, str]] = field(default_factory=set)
    accepted: set[int] = field(default_factory=set)
    merged: set[int] = field(default_factory=set)
    merges_committed: int = 0
    acked: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    latencies_by_kind: dict[str, list[float]] = field(default_factory=dict)
    conflicts: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    other_errors: list[str] = field(default_factory=list)
    conn_errors: int = 0
    timeouts: int = 0  # writes unanswered after CLIENT_TIMEOUT
    server_failures: list[str] = field(default_factory=list)  # did not come back after a kill
    unknown_writes: int = 0
    reauth: int = 0


class Unknown(Exception):
    """A write whose connection broke: it may or may not have been committed."""


class Refused(Exception):
    """A 409/412/422 (an expected race) or another non-2xx answer."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Client:
    """One signed-in user on its own ``httpx.Client``."""

    def __init__(
        self, base: str, username: str, password: str, ledger: Ledger, stop: threading.Event
    ):
        # Longer than the server's 30 s SQLite busy timeout, so its 5xx show.
        self.http = httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT)
        self.username = username
        self.password = password
        self.ledger = ledger
        self.stop = stop
        self.token = ""

    def sign_in(self) -> None:
        while not self.stop.is_set():
            try:
                r = self.http.post(
                    "/api/auth/token", data={"username": self.username, "password": self.password}
                )
            except httpx.TransportError:
                self._count_conn_error()
                continue
            if r.status_code == 200:
                self.token = r.json()["access_token"]
                return
            if r.status_code >= 500:
                self._server_error("POST", "/api/auth/token", r)
            time.sleep(0.2)

    def _count_conn_error(self) -> None:
        with self.ledger.lock:
            self.ledger.conn_errors += 1
        time.sleep(random.uniform(0.05, 0.2))

    def _server_error(self, method: str, path: str, r: httpx.Response) -> None:
        with self.ledger.lock:
            self.ledger.server_errors.append(f"{r.status_code} {method} {path}: {r.text[:300]}")

    def get(self, path: str) -> Any:
        """GET with retries across kills; None when the soak is over."""
        while not self.stop.is_set():
            try:
                r = self.http.get(path, headers={"Authorization": f"Bearer {self.token}"})
            except httpx.TransportError:
                self._count_conn_error()
                continue
            if r.status_code == 401:
                self._reauth()
                continue
            if r.status_code == 200:
                return r.json()
            if r.status_code >= 500:
                self._server_error("GET", path, r)
            raise Refused(r.status_code)
        return None

    def write(self, path: str, body: dict[str, Any], kind: str) -> Any:
        """One POST, sent again only if it never reached the server.

        A connection broken after the request was sent raises :class:`Unknown`.
        """
        while True:
            started = time.perf_counter()
            try:
                r = self.http.post(
                    path, json=body, headers={"Authorization": f"Bearer {self.token}"}
                )
                break
            except (httpx.ConnectError, httpx.ConnectTimeout):
                # Never reached the server (it is down): safe to send again.
                self._count_conn_error()
                if self.stop.is_set():
                    raise Refused(0) from None
            except httpx.TransportError as exc:
                with self.ledger.lock:
                    self.ledger.unknown_writes += 1
                    if isinstance(exc, httpx.TimeoutException):
                        self.ledger.timeouts += 1
                self._count_conn_error()
                raise Unknown from None
        elapsed = (time.perf_counter() - started) * 1000
        if 200 <= r.status_code < 300:
            with self.ledger.lock:
                self.ledger.latencies_ms.append(elapsed)
                self.ledger.latencies_by_kind.setdefault(kind, []).append(elapsed)
                self.ledger.acked[kind] += 1
            return r.json()
        if r.status_code == 401:
            self._reauth()
        elif r.status_code in EXPECTED_CONFLICTS:
            with self.ledger.lock:
                self.ledger.conflicts[r.status_code] += 1
        elif r.status_code >= 500:
            self._server_error("POST", path, r)
        else:
            with self.ledger.lock:
                self.ledger.other_errors.append(f"{r.status_code} POST {path}: {r.text[:200]}")
        raise Refused(r.status_code)

    def _reauth(self) -> None:
        # A token acknowledged at sign-in and then refused would be a lost write.
        with self.ledger.lock:
            self.ledger.reauth += 1
        self.sign_in()


# ---------------------------------------------------------------- the actors


def delegate_loop(
    client: Client, code: str, sections: list[int], ledger: Ledger, think: float
) -> None:
    mine: list[ProposalRecord] = []
    while not client.stop.is_set():
        action = random.choices(("propose", "revise", "support", "comment"), (3, 3, 2, 2))[0]
        try:
            if action == "propose" or (action == "revise" and not any(not p.closed for p in mine)):
                propose(client, code, random.choice(sections), ledger, mine)
            elif action == "revise":
                revise(client, code, random.choice([p for p in mine if not p.closed]), ledger)
            elif action == "support":
                support(client, code, ledger)
            else:
                comment(client, code, random.choice(sections), ledger)
        except (Unknown, Refused):
            pass
        if think:
            time.sleep(random.uniform(0, 2 * think))


def unique(code: str) -> str:
    return f"Soak {code} {uuid.uuid4().hex}."


def propose(
    client: Client, code: str, section_id: int, ledger: Ledger, mine: list[ProposalRecord]
) -> None:
    section = client.get(f"/api/sections/{section_id}")
    if section is None:
        return
    base_text = section["body"]
    body = f"{base_text}\n\n{unique(code)}"
    payload = {"base_revision": section["revision"], "body": body, "rationale": "soak"}
    try:
        made = client.write(f"/api/sections/{section_id}/proposals", payload, "proposal")
    except Unknown:
        with ledger.lock:
            ledger.created_unknown.append(body)
        raise
    record = ProposalRecord(made["id"], code, section_id, base_text, acked=[body])
    mine.append(record)
    with ledger.lock:
        ledger.proposals[record.id] = record


def revise(client: Client, code: str, record: ProposalRecord, ledger: Ledger) -> None:
    body = f"{record.base_text}\n\n{unique(code)} (revised)"
    try:
        client.write(f"/api/proposals/{record.id}/revise", {"body": body}, "revision")
    except Unknown:
        with ledger.lock:
            record.unknown.add(body)
        raise
    except Refused as refused:
        if refused.status == 409:
            record.closed = True
        elif refused.status >= 500:  # outcome unknown
            with ledger.lock:
                record.unknown.add(body)
        raise
    with ledger.lock:
        record.acked.append(body)


def support(client: Client, code: str, ledger: Ledger) -> None:
    with ledger.lock:
        others = [p.id for p in ledger.proposals.values() if p.code != code]
    if not others:
        return
    proposal_id = random.choice(others[-200:])
    client.write(f"/api/proposals/{proposal_id}/support", {}, "support")
    with ledger.lock:
        ledger.supports.add((proposal_id, code))


def comment(client: Client, code: str, section_id: int, ledger: Ledger) -> None:
    body = unique(code)
    try:
        made = client.write(f"/api/sections/{section_id}/comments", {"body": body}, "comment")
    except Unknown:
        with ledger.lock:
            ledger.comments_unknown.append(body)
        raise
    with ledger.lock:
        ledger.comments[made["id"]] = body


def chair_loop(client: Client, ledger: Ledger) -> None:
    decided: set[int] = set()
    next_merge = time.monotonic() + 3
    while not client.stop.is_set():
        with ledger.lock:
            pending = [p for p in ledger.proposals if p not in decided]
            accepted = sorted(ledger.accepted - ledger.merged)
        try:
            if time.monotonic() >= next_merge and accepted:
                next_merge = time.monotonic() + random.uniform(2, 5)
                merge(client, accepted, ledger)
            elif pending and random.random() < 0.5:
                proposal_id = random.choice(pending)
                decided.add(proposal_id)
                client.write(
                    f"/api/proposals/{proposal_id}/decision",
                    {"decision": "accept", "note": ""},
                    "decision",
                )
                with ledger.lock:
                    ledger.accepted.add(proposal_id)
        except (Unknown, Refused):
            pass
        time.sleep(random.uniform(0.05, 0.3))


def merge(client: Client, accepted: list[int], ledger: Ledger) -> None:
    # One accepted proposal per section: competing ones would conflict anyway.
    by_section: dict[int, int] = {}
    with ledger.lock:
        for proposal_id in random.sample(accepted, len(accepted)):
            by_section.setdefault(ledger.proposals[proposal_id].section_id, proposal_id)
    chosen = list(by_section.values())[:5]
    preview = client.write(
        f"/api/documents/{DOCUMENT}/merges", {"proposal_ids": chosen}, "merge preview"
    )
    if not preview["clean"]:
        return
    client.write(
        f"/api/merges/{preview['id']}/commit",
        {"resolutions": {}, "label": "Soak rev"},
        "merge commit",
    )
    with ledger.lock:
        ledger.merged.update(preview["proposal_ids"])
        ledger.merges_committed += 1


# ---------------------------------------------------------------- the server


class Server:
    """uvicorn in its own process group, restartable on the same port."""

    def __init__(self, url: str, workers: int, log: Path):
        self.url = url
        self.workers = workers
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        environ = os.environ | {
            "COMPENDIUM_DATABASE_URL": self.url,
            "COMPENDIUM_SECRET_KEY": settings_for(self.url).secret_key,
            "COMPENDIUM_ENVIRONMENT": "test",
        }
        cmd = [
            sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--log-level", "warning",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            out.write(f"\n=== start {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                cmd, env=environ, start_new_session=True, stdout=out, stderr=out
            )
        _wait_until_up(self.base, self.proc)

    def kill_group(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def workers_pids(self) -> list[int]:
        assert self.proc is not None
        pids: list[int] = []
        for children in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            for pid in children.read_text().split():
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"resource_tracker" not in cmdline:
                    pids.append(int(pid))
        return pids

    def kill_worker(self) -> None:
        before = self.workers_pids()
        os.kill(random.choice(before), signal.SIGKILL)
        deadline = time.monotonic() + 30  # the supervisor replaces it within a second or so
        while time.monotonic() < deadline:
            now = self.workers_pids()
            if len(now) >= self.workers and set(now) != set(before):
                break
            time.sleep(0.1)
        _wait_until_up(self.base, self.proc)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def killer_loop(
    server: Server,
    seconds: float,
    kills: int,
    stop: threading.Event,
    done: list[str],
    failures: list[str],
) -> None:
    """``kills`` SIGKILLs at random moments spread over ``seconds``, then more until stopped."""
    if kills <= 0:
        return  # --kills 0: load only
    started = time.monotonic()
    slot = 0.9 * seconds / kills
    while not stop.is_set():
        n = len(done)
        target = started + slot * (n + 0.5) + random.uniform(-0.35, 0.35) * slot
        if stop.wait(max(0.0, target - time.monotonic())):
            break
        try:
            if server.workers > 1 and n % 2 == 0:
                server.kill_worker()
                done.append("worker")
            else:
                server.kill_group()
                server.start()
                done.append("group")
        except Exception as exc:  # the server did not come back: a finding, not a soak bug
            failures.append(f"after kill #{n + 1}: {exc!r}")
            done.append("failed")
            if server.proc is not None and server.proc.poll() is None:
                server.kill_group()
            server.start()


# ---------------------------------------------------------------- databases


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'soak.db'}"
        return
    ensure_postgres()
    name = f"soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_BASE + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ensure_postgres() -> None:
    try:
        engine = create_engine(PG_BASE + "postgres")
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        versions = os.listdir("/etc/postgresql")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"], check=True
        )
        time.sleep(2)


def prepare(url: str, clients: int) -> list[str]:
    """Migrate, seed, add one delegate per State; return the States' codes."""
    upgrade(url)
    settings = settings_for(url)
    db = Database(settings)
    password_hash = auth_service.hash_password(PASSWORD)
    with db.session(write=True) as session, session.begin():
        seed_all(session=session, settings=settings)
        delegates = add_state_delegates(
            session, prefix="soak", password_hash=password_hash, limit=clients
        )
        codes = [user.delegation.code for user in delegates]
    db.dispose()
    return codes


# ---------------------------------------------------------------- verification


@dataclass
class Verdict:
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    integrity: str = "n/a"
    unknown_committed: int = 0


def verify(url: str, ledger: Ledger) -> Verdict:
    verdict = Verdict()
    if url.startswith("sqlite"):
        path = make_url(url).database
        engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    else:
        engine = create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    with engine.connect() as conn:
        versions: dict[int, list[tuple[int, str, str]]] = {}
        for pid, number, body, note in conn.execute(
            select(
                ProposalVersion.proposal_id,
                ProposalVersion.number,
                ProposalVersion.body,
                ProposalVersion.note,
            ).order_by(ProposalVersion.proposal_id, ProposalVersion.number)
        ):
            versions.setdefault(pid, []).append((number, body, note))
        status = {r[0]: r[1] for r in conn.execute(select(Proposal.id, Proposal.status))}
        comments = {r[0]: r[1] for r in conn.execute(select(Comment.id, Comment.body))}
        supports = {
            (r[0], r[1])
            for r in conn.execute(
                select(ProposalSupport.proposal_id, Delegation.code).join(
                    Delegation, Delegation.id == ProposalSupport.delegation_id
                )
            )
        }
        if url.startswith("sqlite"):
            verdict.integrity = conn.execute(text("PRAGMA integrity_check")).scalar_one()
    engine.dispose()

    for record in ledger.proposals.values():
        found = versions.get(record.id)
        if found is None:
            verdict.lost.append(f"proposal {record.id} missing")
            continue
        bodies = [body for _, body, _ in found]
        for body in record.acked:
            if body not in bodies:
                verdict.lost.append(f"proposal {record.id}: acknowledged version missing")
        latest = record.acked[-1]
        if latest in bodies:
            at = bodies.index(latest)
            for number, body, note in found[at + 1 :]:
                if not (note.startswith("re-based") or body in record.unknown):
                    verdict.lost.append(
                        f"proposal {record.id}: version {number} ({note}) follows the latest "
                        "acknowledged one but was never acknowledged"
                    )
    for proposal_id in ledger.accepted:
        if str(status.get(proposal_id)) not in ("accepted", "merged"):
            verdict.lost.append(f"decision on {proposal_id}: status {status.get(proposal_id)}")
    for proposal_id in ledger.merged:
        if str(status.get(proposal_id)) != "merged":
            verdict.lost.append(f"merge of {proposal_id}: status {status.get(proposal_id)}")
    for comment_id, body in ledger.comments.items():
        if comments.get(comment_id) != body:
            verdict.lost.append(f"comment {comment_id} missing or changed")
    for pair in ledger.supports - supports:
        verdict.lost.append(f"support {pair} missing")

    first_bodies = Counter(found[0][1] for found in versions.values())
    verdict.duplicates += [f"{n} proposals with one body" for b, n in first_bodies.items() if n > 1]
    comment_bodies = Counter(comments.values())
    verdict.duplicates += [
        f"{n} comments with one body" for b, n in comment_bodies.items() if n > 1
    ]
    verdict.unknown_committed = sum(1 for b in ledger.created_unknown if b in first_bodies)
    verdict.unknown_committed += sum(1 for b in ledger.comments_unknown if b in comment_bodies)
    return verdict


# ---------------------------------------------------------------- one run


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def soak(kind: str, seconds: float, clients: int, kills: int, think: float, workers: int) -> bool:
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    print(f"\n== {label}: preparing", flush=True)
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        tmp = Path(folder)
        with database(kind, tmp) as url:
            codes = prepare(url, clients)
            log = tmp / "server.log"
            server = Server(url, workers, log)
            server.start()
            probe = httpx.get(f"{server.base}/api/health", timeout=5)
            assert probe.status_code == 200
            ledger = Ledger()
            stop = threading.Event()
            chair = Client(server.base, "chair.esp", DEMO_PASSWORD, ledger, stop)
            chair.sign_in()
            doc = chair.get(f"/api/documents/{DOCUMENT}")
            sections = [s["id"] for s in doc["sections"]]
            delegates = {
                c: Client(server.base, f"soak.{c.lower()}", PASSWORD, ledger, stop) for c in codes
            }
            # Sign-ins (Argon2, slow by design) happen before the clock starts.
            signing = [threading.Thread(target=d.sign_in) for d in delegates.values()]
            for t in signing:
                t.start()
            for t in signing:
                t.join()
            threads = [
                threading.Thread(
                    target=delegate_loop, args=(d, c, sections, ledger, think), daemon=True
                )
                for c, d in delegates.items()
            ]
            threads.append(threading.Thread(target=chair_loop, args=(chair, ledger), daemon=True))
            killed: list[str] = []
            killer = threading.Thread(
                target=killer_loop,
                args=(server, seconds, kills, stop, killed, ledger.server_failures),
                daemon=True,
            )
            print(
                f"   {len(codes)} delegation clients + chair, {seconds:.0f} s, "
                f"server pid {server.proc.pid if server.proc else '?'} on {server.base}",
                flush=True,
            )
            started = time.monotonic()
            for t in threads:
                t.start()
            killer.start()
            time.sleep(seconds)
            while len(killed) < kills and time.monotonic() - started < 2 * seconds:
                time.sleep(0.1)  # a slow restart delayed the last kill
            stop.set()
            killer.join()
            for t in threads:
                t.join(timeout=CLIENT_TIMEOUT + 10)
            duration = time.monotonic() - started
            server.stop()
            verdict = verify(url, ledger)
            ok = report(label, len(codes), duration, killed, ledger, verdict, server)
            if not ok:
                print_server_log(log)
            return ok


def print_server_log(log: Path) -> None:
    """The server's errors by kind, the first traceback in full, and the log's tail."""
    lines = log.read_text(errors="replace").splitlines()
    errors = Counter(line for line in lines if line and not line[0].isspace() and "Error:" in line)
    print(f"-- server log ({len(lines)} lines), exception lines by count:")
    for line, n in errors.most_common(10):
        print(f"   {n:5d}  {line[:200]}")
    first = next((i for i, line in enumerate(lines) if line.startswith("ERROR:")), None)
    if first is not None:
        print("-- first server traceback:")
        print("\n".join(lines[first : first + 150]))
    print("-- server log tail:")
    print("\n".join(lines[-20:]))


def report(
    label: str,
    clients: int,
    duration: float,
    killed: list[str],
    ledger: Ledger,
    verdict: Verdict,
    server: Server,
) -> bool:
    total = sum(ledger.acked.values())
    p50 = percentile(ledger.latencies_ms, 0.50)
    p99 = percentile(ledger.latencies_ms, 0.99)
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(ledger.acked.items()))
    conflicts = ", ".join(f"{s}: {n}" for s, n in sorted(ledger.conflicts.items())) or "none"
    print(f"-- {label} report")
    print(f"   clients              {clients} delegations + 1 chair")
    print(f"   duration             {duration:.1f} s")
    print(f"   kills                {len(killed)} ({Counter(killed)})")
    print(f"   acknowledged writes  {total} ({kinds})")
    print(f"   writes/s             {total / duration:.1f}")
    print(f"   write latency        p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    for kind, times in sorted(ledger.latencies_by_kind.items()):
        print(
            f"     {kind:18s} p50 {percentile(times, 0.50):5.0f} ms, "
            f"p99 {percentile(times, 0.99):5.0f} ms, max {max(times):5.0f} ms"
        )
    print(f"   expected conflicts   {sum(ledger.conflicts.values())} ({conflicts})")
    print(f"   5xx                  {len(ledger.server_errors)}")
    print(f"   other 4xx            {len(ledger.other_errors)}")
    print(
        f"   connection errors    {ledger.conn_errors} (writes with unknown outcome: "
        f"{ledger.unknown_writes}, found committed: {verdict.unknown_committed})"
    )
    print(f"   re-sign-ins (401)    {ledger.reauth}")
    print(f"   merges committed     {ledger.merges_committed}")
    print(f"   lost writes          {len(verdict.lost)}")
    print(f"   duplicates           {len(verdict.duplicates)}")
    print(f"   integrity            {verdict.integrity}")
    print(f"   write timeouts       {ledger.timeouts} (no answer in {CLIENT_TIMEOUT:.0f} s)")
    print(f"   server not back      {len(ledger.server_failures)}")
    for line in ledger.server_failures + ledger.server_errors[:10] + ledger.other_errors[:10]:
        print(f"   ! {line}")
    for line in verdict.lost[:20] + verdict.duplicates[:20]:
        print(f"   ! {line}")
    ok = (
        not verdict.lost
        and not verdict.duplicates
        and not ledger.server_errors
        and not ledger.server_failures
        and not ledger.timeouts
        and verdict.integrity in ("ok", "n/a")
    )
    verdict_p99 = "ok" if p99 < TARGET_P99_MS else "MISSED"
    ledger_line = (
        f"{label}: {clients} clients, {len(killed)} kills, {len(verdict.lost)} lost, "
        f"{len(ledger.server_errors)} 5xx, {ledger.timeouts} timeouts, p99 {p99:.0f} ms"
        f" — target p99 < {TARGET_P99_MS:.0f} ms: {verdict_p99}"
    )
    SUMMARY.append(ledger_line)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="per database")
    parser.add_argument("--clients", type=int, default=57)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--think", type=float, default=0.1, help="mean pause between a client's actions, s"
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    ok = True
    for kind in kinds:
        ok = soak(kind, args.seconds, args.clients, args.kills, args.think, args.workers) and ok
    print()
    for line in SUMMARY:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
