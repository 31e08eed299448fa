"""Run every benchmark in turn: ``python -m bench`` (``make bench``).

Figures are printed beside their bars and the service's are written to
``bench/results.json``; a benchmark fails only on an error, never on a timing.
"""

from __future__ import annotations

from bench import bench_durability, bench_export, bench_service, bench_sizes

for name, run in (
    ("merge and redline against section size, beside git merge-file", bench_sizes.main),
    ("Word builders alone (redline of 150 sections, compilation of 1,950)", bench_export.main),
    ("SQLite synchronous=NORMAL vs FULL: committed writes per second", bench_durability.main),
    ("the service through HTTP on the reference corpus", lambda: bench_service.main([])),
):
    print(f"\n== {name}", flush=True)
    run()
