"""Runs the benchmarks and prints one table: python -m tests.bench [--quick] [--only checkin,scan,...].

Needs the PostgreSQL server at 127.0.0.1:5432 (each benchmark uses its own database).
The table is also written to tests/bench/results/bench.json.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time

from tests.bench.harness import table, write_json

BENCHMARKS = ("checkin", "sync", "scan", "export", "reports", "feed", "planner")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data sets: checks the harness, not the targets")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated, from {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    results = []
    for name in chosen:
        started = time.monotonic()
        print(f"== {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.bench.bench_{name}")
        results += module.measure(quick=args.quick)
        print(f"   {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(results))
    print(f"written to {write_json(results)}")
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
