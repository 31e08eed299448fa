"""The nginx configuration in docs/deploy.md works: TLS in front, the event stream unbuffered.

The server blocks are taken from the page itself, with only ports, certificate
and log paths swapped for local ones, and put in front of a real server.
Skipped where nginx or openssl is not installed (``apt-get install nginx-light``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.dbs import TemplateDB
from tests.live import free_port, live_server

DEPLOY_PAGE = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
SWAPS = {
    "server 127.0.0.1:8000;": "server 127.0.0.1:{app};",
    "listen 80;": "listen 127.0.0.1:{http};",
    "listen 443 ssl http2;": "listen 127.0.0.1:{https} ssl http2;",
    "/etc/letsencrypt/live/compendium.example.org/fullchain.pem": "{tmp}/cert.pem",
    "/etc/letsencrypt/live/compendium.example.org/privkey.pem": "{tmp}/key.pem",
    "/var/log/nginx/compendium.log": "{tmp}/access.log",
}
MAIN = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
{user}
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{page}
}}
"""


def documented_nginx_config() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY_PAGE.read_text(), flags=re.S)
    assert len(blocks) == 1, "docs/deploy.md should show one nginx configuration"
    return blocks[0]


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not listen within 10 s")


@pytest.fixture
def proxied(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(https URL through nginx, http URL of its redirect) in front of a live server."""
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if not nginx or not openssl:
        pytest.skip("needs nginx and openssl (apt-get install nginx-light)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [openssl, *request, "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    with live_server(db_url) as base:
        ports = {"app": base.rsplit(":", 1)[1], "http": free_port(), "https": free_port()}
        page = documented_nginx_config()
        for old, new in SWAPS.items():
            assert old in page, f"docs/deploy.md's nginx block no longer has {old!r}"
            page = page.replace(old, new.format(tmp=tmp_path, **ports))
        user = "user root;" if os.geteuid() == 0 else ""
        conf = tmp_path / "nginx.conf"
        conf.write_text(MAIN.format(tmp=tmp_path, user=user, page=page))
        proc = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for_port(int(ports["https"]), proc)
            yield f"https://127.0.0.1:{ports['https']}", f"http://127.0.0.1:{ports['http']}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_the_documented_nginx_serves_the_api_over_tls(proxied: tuple[str, str]) -> None:
    https, http = proxied
    ready = httpx.get(f"{https}/api/ready", verify=False, timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert "max-age" in ready.headers["strict-transport-security"]
    redirect = httpx.get(f"{http}/api/ready", timeout=10)
    assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")


def test_the_event_stream_passes_nginx_unbuffered(
    proxied: tuple[str, str], template: TemplateDB, tmp_path: Path
) -> None:
    https, _ = proxied
    chair = {"Authorization": f"Bearer {template.tokens['chair.esp']}"}
    observer = {"Authorization": f"Bearer {template.tokens['observer']}"}
    # A read timeout shorter than the stream's 15 s keep-alive: buffered bytes would time out.
    timeout = httpx.Timeout(10.0, read=5.0)
    with httpx.Client(base_url=https, verify=False, timeout=timeout) as client:
        ticket = client.post("/api/events/ticket", headers=observer).json()["ticket"]
        _follow_an_edit(client, f"/api/events?ticket={ticket}", chair)
    log, deadline = "", time.monotonic() + 5
    while "GET /api/events " not in log and time.monotonic() < deadline:  # logged at close
        time.sleep(0.05)
        log = (tmp_path / "access.log").read_text()
    assert "GET /api/events " in log and ticket not in log  # query strings stay out of the log


def _follow_an_edit(client: httpx.Client, url: str, chair: dict[str, str]) -> None:
    with client.stream("GET", url) as stream:
        assert stream.status_code == 200
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")  # a few bytes, delivered at once
        section = client.get("/api/documents/bpg-1540", headers=chair).json()["sections"][0]
        current = client.get(f"/api/sections/{section['id']}", headers=chair)
        edited = client.put(
            f"/api/sections/{section['id']}",
            headers=chair | {"If-Match": current.headers["etag"]},
            json={"title": section["title"], "body": "Through nginx.\n", "message": "proxy"},
        )
        assert edited.status_code == 200
        started = time.monotonic()
        data = next(line for line in lines if line.startswith("data:"))
        assert '"section.edited"' in data
        assert time.monotonic() - started < 3
