"""The late/missed scan with 10,000 visits due today, over an archive of 990,000 against none.

    python tests/bench/bench_scan.py [--quick]

Two PostgreSQL databases hold the same day: 10,000 visits from 07:00 to 22:00 UTC for 2,000
clients and 200 care workers; at the scan's moment (13:00) the ones already due were mostly
checked in, one in twenty was not (the scan marks those late or missed and raises their
alerts), and the next hour's are checked for predicted delays. The large database also holds
990,000 completed visits over the previous eleven months, with their assignments and the
acknowledged alerts of 3% of them, as a council's archive would. Each scan runs five times
from the same state (restored after each run); the table compares the medians.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from server import create_app  # noqa: E402
from server.config import load_settings  # noqa: E402
from server.directory.models import Client, Contract, Council, Provider, Worker  # noqa: E402
from server.extensions import db  # noqa: E402
from server.monitoring.models import Alert  # noqa: E402
from server.monitoring.scans import LOOKBACK, scan  # noqa: E402
from server.visits.models import OPEN_STATUSES, Visit  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.testdb import TEST_SECRET, ensure_database  # noqa: E402

SMALL = "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_scan_small"
LARGE = "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_scan_large"
DAY = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)  # first visit of the day
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc)
CLIENTS, WORKERS = 2000, 200
RUNS = 5
TARGET = 1.5

# Visit n of the day: client n % CLIENTS, worker n % WORKERS, spread over 15 hours. Due ones are checked in
# unless hashint8extended(n, 1) % 20 = 0; those still open are what the scan has to mark.
TODAY = """
WITH ids AS (SELECT CAST(:clients AS bigint[]) AS c, CAST(:workers AS bigint[]) AS w),
day AS (
    SELECT n, CAST(:day AS timestamptz) + make_interval(secs => n * 54000.0 / :count) AS ps,
           abs(hashint8extended(n, 1)) % 20 = 0 AS absent
    FROM generate_series(0, :count - 1) n
)
INSERT INTO visits (client_id, contract_id, provider_id, planned_start, planned_minutes, carers_required, tasks,
                    status, punctuality, started_at, ended_at, overrun_approved, created_at, updated_at)
SELECT ids.c[1 + n % :n_clients], :contract, :provider, ps, 30, 1, '[]',
       CASE WHEN ps >= :now OR absent THEN 'scheduled' WHEN ps + interval '60 minutes' < :now THEN 'completed'
            ELSE 'in_progress' END,
       CASE WHEN ps < :now AND NOT absent THEN 'on_time' END,
       CASE WHEN ps < :now AND NOT absent THEN ps + interval '3 minutes' END,
       CASE WHEN ps + interval '60 minutes' < :now AND NOT absent THEN ps + interval '33 minutes' END,
       false, :now, :now
FROM day, ids ORDER BY n
"""
# The archive: n-th visit on day 2 + n % 330 before, completed on time.
ARCHIVE = """
WITH ids AS (SELECT CAST(:clients AS bigint[]) AS c)
INSERT INTO visits (client_id, contract_id, provider_id, planned_start, planned_minutes, carers_required, tasks,
                    status, punctuality, started_at, ended_at, overrun_approved, created_at, updated_at)
SELECT ids.c[1 + n % :n_clients], :contract, :provider, ps, 30, 1, '[]', 'completed', 'on_time',
       ps + interval '3 minutes', ps + interval '33 minutes', false, ps, ps
FROM (SELECT n, CAST(:day AS timestamptz) - make_interval(days => (2 + n % 330)::int)
                + make_interval(secs => (n / 330) * 54000.0 / 3000) AS ps
      FROM generate_series(0, :count - 1) n) a, ids
"""
ASSIGNMENTS = """
INSERT INTO visit_assignments (visit_id, worker_id, position, checked_in_at, checked_out_at, check_in_geofence,
                               check_out_geofence, manual)
SELECT v.id, (CAST(:workers AS bigint[]))[1 + v.id % :n_workers], 1, v.started_at, v.ended_at,
       CASE WHEN v.started_at IS NOT NULL THEN 'verified' END, CASE WHEN v.ended_at IS NOT NULL THEN 'verified' END,
       false
FROM visits v
"""
ARCHIVE_ALERTS = """
INSERT INTO alerts (dedupe_key, visit_id, provider_id, client_id, kind, detail, raised_at, acknowledged_at,
                    escalated_at, resolved_at)
SELECT 'archive-' || v.id, v.id, v.provider_id, v.client_id, CASE WHEN v.id % 2 = 0 THEN 'late' ELSE 'missed' END,
       'archive', v.planned_start + interval '30 minutes', v.planned_start + interval '40 minutes', NULL,
       v.planned_start + interval '45 minutes'
FROM visits v WHERE v.planned_start < CAST(:day AS timestamptz) - interval '1 day'
  AND abs(hashint8extended(v.id, 2)) % 100 < 3
"""
RESTORE = [
    "DELETE FROM notifications",
    "DELETE FROM visit_exceptions",
    "DELETE FROM alerts WHERE raised_at >= CAST(:day AS timestamptz)",
    "UPDATE visits SET status = 'scheduled' WHERE planned_start >= CAST(:day AS timestamptz) AND started_at IS NULL",
]


def build(url: str, today: int, archive: int) -> None:
    """Creates the database's data unless it already holds exactly this day and archive."""
    stored = today + archive
    if db.inspect(db.engine).has_table("visits") and db.session.scalar(select(func.count()).select_from(Visit)) == stored:
        return
    db.session.rollback()  # the look above holds a lock that drop_all would wait on
    db.drop_all()
    db.create_all()
    council = Council(name="Bench council", timezone="Europe/London")
    provider = Provider(name="Bench provider")
    db.session.add_all([council, provider])
    db.session.flush()
    contract = Contract(council_id=council.id, provider_id=provider.id, reference="BENCH")
    db.session.add(contract)
    db.session.flush()
    clients = [Client(contract_id=contract.id, name=f"Client {i}", address=f"{i} Bench Road", lat=54.3 + (i % 100) * 1e-3,
                      lon=-2.7 - (i % 97) * 1e-3) for i in range(CLIENTS)]
    workers = [Worker(provider_id=provider.id, name=f"Worker {i}", last_lat=54.33, last_lon=-2.75, last_seen_at=NOW)
               for i in range(WORKERS)]
    db.session.add_all(clients + workers)
    db.session.flush()
    params = {"clients": [c.id for c in clients], "workers": [w.id for w in workers], "n_clients": CLIENTS,
              "n_workers": WORKERS, "contract": contract.id, "provider": provider.id, "day": DAY, "now": NOW}
    started = time.perf_counter()
    if archive:
        db.session.execute(text(ARCHIVE), {**params, "count": archive})
    db.session.execute(text(TODAY), {**params, "count": today})
    db.session.execute(text(ASSIGNMENTS), params)
    db.session.execute(text(ARCHIVE_ALERTS), params)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"{url.rsplit('/', 1)[1]}: {stored:,} visits in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def due_query_plan() -> str:
    stmt = select(Visit).where(Visit.status.in_(OPEN_STATUSES), Visit.planned_start >= NOW - LOOKBACK,
                               Visit.planned_start < NOW, Visit.started_at.is_(None))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")))
    db.session.rollback()
    return plan


def timed_scans(url: str, today: int, archive: int) -> dict:
    ensure_database(url)
    app = create_app({"database_url": url, "secret_key": TEST_SECRET})
    settings = load_settings()
    with app.app_context():
        build(url, today, archive)
        times, counts = [], None
        for _ in range(RUNS):
            for statement in RESTORE:
                db.session.execute(text(statement), {"day": DAY})
            db.session.commit()
            started = time.perf_counter()
            counts = scan(NOW, settings)
            times.append(time.perf_counter() - started)
            db.session.remove()
        alerts = db.session.scalar(select(func.count()).select_from(Alert).where(Alert.raised_at >= DAY))
        plan = due_query_plan()
        stored = db.session.scalar(select(func.count()).select_from(Visit))
        db.session.remove()
        db.engine.dispose()
    return {"median_s": statistics.median(times), "runs_s": times, "counts": counts, "alerts_raised": alerts,
            "visits_stored": stored, "due_query_plan": plan}


def measure(quick: bool = False) -> list[Result]:
    today, archive = (2_000, 98_000) if quick else (10_000, 990_000)
    small = timed_scans(SMALL, today, 0)
    large = timed_scans(LARGE, today, archive)
    assert small["counts"] == large["counts"], (small["counts"], large["counts"])  # the same work in both
    return [Result(f"scan, {today:,} due with {today + archive:,} stored vs {today:,}", large["median_s"], "s",
                   floor=small["median_s"], target=TARGET, higher_is_better=False,
                   details={"large": large, "small": small})]


def _plan(results) -> None:
    print("scan counts:", results[0].details["large"]["counts"])
    print(results[0].details["large"]["due_query_plan"])


if __name__ == "__main__":
    standalone(measure, "scan", __doc__.splitlines()[0], _plan)
