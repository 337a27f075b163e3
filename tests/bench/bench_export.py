"""A month's payable-time export through the real HTTP route, against a plain COPY of the same rows.

    python tests/bench/bench_export.py [--quick]

The month is March 2026 (the spring clock change inside) of one council with eight
providers, ~1,000,000 carer-visit rows (quick: ~33,000). Caremon: GET /api/v1/exports/visits
as CSV, then as JSON, from gunicorn on PostgreSQL, read in 64 KiB chunks, with the worker's peak RSS
(VmHWM) before and after. Floor: `COPY (the export's own visit query) TO STDOUT` for each
contract, read to the end: the same rows and columns with nothing priced or formatted.
A cProfile of the in-process CSV and JSON exports over 50,000 rows each shows where the time goes.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import sys
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.directory.models import Contract  # noqa: E402
from server.extensions import db  # noqa: E402
from server.payments import facts  # noqa: E402
from server.payments.export import Totals, chunks_for, iter_export_rows  # noqa: E402
from server.timeutil import local_range_bounds  # noqa: E402
from tests.bench.bench_reports import generated, populate  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.bench.memory import worker_memory_mb  # noqa: E402
from tests.sessions import headers_for  # noqa: E402
from tests.testdb import TEST_SECRET, ensure_database  # noqa: E402

URL = os.environ.get("CAREMON_BENCH_EXPORT_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_export")
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
SEED = 11
RSS_LIMIT_MB = 100
TARGET = 0.5


def dataset(visits: int) -> int:
    """The council's id; generated once per size and kept for the next run."""
    tag = f"export-{visits}-{SEED}"
    return generated(tag, lambda: populate(tag, visits, SEED, first=FIRST, days=(LAST - FIRST).days + 1))


def copy_floor(contracts: list[Contract]) -> tuple[int, float]:
    """Rows and seconds for COPY of each contract's export query, compiled exactly as the export runs it."""
    start, end = local_range_bounds(FIRST, LAST, "Europe/London")
    queries = [str(facts.visit_rows(c.id, start, end).compile(db.engine, compile_kwargs={"literal_binds": True}))
               for c in contracts]
    url = make_url(URL)
    rows = 0
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database) as conn:
        started = time.perf_counter()
        for query in queries:
            with conn.cursor().copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy:
                for block in copy:
                    rows += bytes(block).count(b"\n")
        return rows, time.perf_counter() - started


def http_export(server, headers: dict, fmt: str = "csv") -> tuple[int, float, int]:
    """Data rows, seconds and bytes of the month's export read as a client would, chunk by chunk."""
    started = time.perf_counter()
    response = requests.get(f"{server.url}/api/v1/exports/visits", headers=headers, stream=True, timeout=3600,
                            params={"date_from": FIRST.isoformat(), "date_to": LAST.isoformat(), "format": fmt})
    response.raise_for_status()
    lines = size = 0
    tail = b""
    for chunk in response.iter_content(1 << 16):
        lines += chunk.count(b"\n")
        size += len(chunk)
        tail = (tail + chunk)[-4096:]
    seconds = time.perf_counter() - started
    if fmt == "json":  # the totals close the document
        return int(re.search(rb'"totals":\s*\{"rows":\s*(\d+)', tail).group(1)), seconds, size
    return lines - 2, seconds, size  # less the header and the totals line


def profile(contracts: list[Contract], fmt: str, rows: int = 50_000) -> list[str]:
    """The top of a profile of the in-process export in fmt over about `rows` rows (written by the query, as the
    route writes them on PostgreSQL)."""
    profiler = cProfile.Profile()
    profiler.enable()
    chunks = chunks_for(fmt, iter_export_rows(contracts, FIRST, LAST, encoding=fmt), Totals(), {})
    for _ in islice(chunks, rows // 500):
        pass
    chunks.close()
    profiler.disable()
    db.session.rollback()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return [line for line in out.getvalue().splitlines() if "/" in line or "{" in line][:12]


def measure(quick: bool = False) -> list[Result]:
    from tests.servers import Server

    visits = 30_000 if quick else 900_000
    ensure_database(URL)
    app = create_app({"database_url": URL, "secret_key": TEST_SECRET})
    with app.app_context():
        council_id = dataset(visits)
        contracts = db.session.scalars(select(Contract).where(Contract.council_id == council_id)
                                       .order_by(Contract.id)).all()
        officer = db.session.scalar(select(User).where(User.council_id == council_id))
        headers = headers_for(officer)
        stored = db.session.scalar(select(func.count()).select_from(facts.visit_rows(contracts[0].id).subquery()))
        floor_rows, floor_s = copy_floor(contracts)
        tops = {fmt: profile(contracts, fmt) for fmt in ("csv", "json")}
    server = Server(database_url=URL)
    try:
        requests.get(f"{server.url}/api/v1/exports/visits", headers=headers, timeout=60,
                     params={"date_from": FIRST.isoformat(), "date_to": FIRST.isoformat(), "format": "csv"})
        before = worker_memory_mb(server)["VmHWM"]  # after a one-day export: imports and caches are the baseline
        rows, seconds, size = http_export(server, headers)
        after = worker_memory_mb(server)["VmHWM"]
        json_rows, json_seconds, json_size = http_export(server, headers, "json")
        json_after = worker_memory_mb(server)["VmHWM"]
    finally:
        server.kill()
    growth = after - before
    setup = {"visits_in_month": visits, "rows_of_first_contract": stored, "csv_bytes": size,
             "load_average": os.getloadavg()[0]}
    return [
        Result("export rows/s (CSV over HTTP vs COPY)", rows / seconds, "rows/s", floor=floor_rows / floor_s,
               target=TARGET, details={**setup, "rows": rows, "seconds": seconds, "copy_rows": floor_rows,
                                       "copy_seconds": floor_s, "profile_tottime_top": tops["csv"]}),
        Result("export rows/s (JSON over HTTP vs COPY)", json_rows / json_seconds, "rows/s",
               floor=floor_rows / floor_s, target=TARGET,
               details={"rows": json_rows, "seconds": json_seconds, "json_bytes": json_size,
                        "profile_tottime_top": tops["json"]}),
        Result("export peak RSS growth", growth, "MB", floor=float(RSS_LIMIT_MB), target=1.0, higher_is_better=False,
               details={"rss_before_mb": before, "rss_after_mb": after, "rows": rows}),
        Result("export peak RSS growth (after the JSON export too)", json_after - before, "MB",
               floor=float(RSS_LIMIT_MB), target=1.0, higher_is_better=False,
               details={"rss_before_mb": before, "rss_after_mb": json_after, "rows": json_rows}),
    ]


def _profile(results) -> None:
    for result in results[:2]:
        print(result.measurement)
        for line in result.details["profile_tottime_top"]:
            print(line)


if __name__ == "__main__":
    standalone(measure, "export", __doc__.splitlines()[0], _profile)
