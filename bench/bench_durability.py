"""What ``COMPENDIUM_SQLITE_SYNCHRONOUS=FULL`` costs: small committed writes per second.

Each write is one transaction the way a request makes it (``BEGIN IMMEDIATE``,
an audit entry through ``app.audit.service.record``, commit), on a migrated
SQLite file in WAL mode, with ``synchronous`` NORMAL and FULL. The arms
alternate in rounds on two files side by side, so disk and machine noise hit
both. The files live under ``BENCH_DIR`` (default: the working folder, not a
tmpfs where a sync would cost nothing).

Run: ``.venv/bin/python -m bench.bench_durability``. Prints figures only.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Literal

from app.audit import service as audit_service
from app.config import Settings
from app.db import Database
from app.migrate import upgrade

WRITES = 500
ROUNDS = 5
Mode = Literal["NORMAL", "FULL"]
MODES: tuple[Mode, ...] = ("NORMAL", "FULL")


def _writes(database: Database, count: int, start: int) -> float:
    """Seconds for ``count`` committed single-entry transactions."""
    begin = time.perf_counter()
    for i in range(start, start + count):
        with database.session(write=True) as session, session.begin():
            audit_service.record(
                session=session,
                actor=None,
                action="bench.write",
                object_type="bench",
                object_id=i,
                summary="one small committed write",
            )
    return time.perf_counter() - begin


def main() -> None:
    folder = Path(os.environ.get("BENCH_DIR", Path.cwd()))
    with tempfile.TemporaryDirectory(prefix="bench-durability-", dir=folder) as tmp:
        databases: dict[Mode, Database] = {}
        for mode in MODES:
            url = f"sqlite:///{Path(tmp) / f'{mode.lower()}.db'}"
            upgrade(url)
            databases[mode] = Database(
                Settings(environment="test", database_url=url, sqlite_synchronous=mode)
            )
        seconds = dict.fromkeys(MODES, 0.0)
        per_round = WRITES // ROUNDS
        for mode in MODES:  # warm-up: connections, statement cache
            _writes(databases[mode], 10, 0)
        for r in range(ROUNDS):
            for mode in MODES if r % 2 == 0 else MODES[::-1]:
                seconds[mode] += _writes(databases[mode], per_round, 10 + r * per_round)
        for database in databases.values():
            database.dispose()
    rates = {mode: WRITES / seconds[mode] for mode in MODES}
    print(f"{WRITES} committed writes each, {ROUNDS} alternating rounds, files in {folder}")
    print("  ".join(f"{mode}: {rates[mode]:7.0f} writes/s" for mode in MODES))
    print(f"FULL costs {seconds['FULL'] / seconds['NORMAL']:.1f}x the time of NORMAL per write")


if __name__ == "__main__":
    main()
