"""A real uvicorn server in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from tests.dbs import settings_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    db_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log_level: str = "warning",
    output: IO[bytes] | None = None,
) -> Iterator[str]:
    """Serve the app on ``db_url``; yield its base URL; stop it afterwards.

    ``env`` adds settings; ``output`` receives the server's stdout and stderr.
    """
    settings = settings_for(db_url)
    port = free_port()
    environ = (
        os.environ
        | {
            "COMPENDIUM_DATABASE_URL": db_url,
            "COMPENDIUM_SECRET_KEY": settings.secret_key,
            "COMPENDIUM_ENVIRONMENT": "test",
        }
        | (env or {})
    )
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        log_level,
    ]
    proc = subprocess.Popen(cmd, env=environ, start_new_session=True, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Ask a server to stop (SIGTERM: a graceful shutdown); kill it after ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 30 s")
