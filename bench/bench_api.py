"""Latency of ``GET /api/sections/{id}`` under 32 concurrent clients on loopback.

Serves the seeded guide from a temporary SQLite file with uvicorn, then fires
requests from 32 threads for a fixed count and reports p50/p99 and
throughput, next to a bare FastAPI JSON route measured the same way in the
same run (the ratio says how much the service itself costs).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.dbs import build_template
from tests.live import live_server

CLIENTS = 32
REQUESTS_PER_CLIENT = 40


def _hammer(url: str, headers: dict[str, str]) -> tuple[list[float], float]:
    def client(_: int) -> list[float]:
        times = []
        with httpx.Client(headers=headers, timeout=30) as c:
            for _ in range(REQUESTS_PER_CLIENT):
                start = time.perf_counter()
                c.get(url).raise_for_status()
                times.append(time.perf_counter() - start)
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        latencies = [t for ts in pool.map(client, range(CLIENTS)) for t in ts]
    return latencies, len(latencies) / (time.perf_counter() - start)


def _report(label: str, latencies: list[float], rps: float) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(f"{label:32s} p50 {q[49] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  {rps:7.0f} req/s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        template = build_template(Path(tmp), "bench")
        headers = {"Authorization": f"Bearer {template.tokens['observer']}"}
        with live_server(template.url) as base:
            doc = httpx.get(f"{base}/api/documents/bpg-1540", headers=headers).json()
            section = doc["sections"][5]["id"]
            api, api_rps = _hammer(f"{base}/api/sections/{section}", headers)
            bare, bare_rps = _hammer(f"{base}/api/health", {})
    _report("GET /api/sections/{id}", api, api_rps)
    _report("bare FastAPI JSON (/api/health)", bare, bare_rps)
    print(f"throughput ratio section/bare: {api_rps / bare_rps:.2f}")


if __name__ == "__main__":
    main()
