"""Run every benchmark in turn: ``python -m bench`` (``make bench``)."""

from __future__ import annotations

from bench import bench_api, bench_durability, bench_export, bench_merge, bench_redline, bench_sizes

for name, module in (
    ("redline of a 20 KB section", bench_redline),
    ("merge preview of 2,000 proposals", bench_merge),
    ("merge and redline cost against section size", bench_sizes),
    ("DOCX export with tracked changes", bench_export),
    ("GET /api/sections/{id} under 32 clients", bench_api),
    ("SQLite synchronous=NORMAL vs FULL: committed writes per second", bench_durability),
):
    print(f"\n== {name}")
    module.main()
