"""Times every report over a year of a large council on PostgreSQL.

    python tests/bench/bench_reports.py [--quick]

Generates the data set with INSERT ... SELECT generate_series (deterministic for
a seed: every random choice is hashint8extended of a row number and the seed),
then runs each report for the whole council over 52 local weeks (5 January 2026
to 3 January 2027, both clock changes inside) through the service and through
the HTTP API (JSON and CSV), against a floor of one grouped pass over the same
visits. A second, smaller council shares the tables so the scoping does real
work. A database already holding the same visits and seed is reused.
"""
from __future__ import annotations

import gc
import math
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.tenancy import Identity  # noqa: E402
from server.directory.models import Contract, Council  # noqa: E402
from server.extensions import db  # noqa: E402
from server.reports.catalogue import REPORTS  # noqa: E402
from server.reports.scope import resolve_scope  # noqa: E402
from server.timeutil import local_range_bounds  # noqa: E402
from server.visits.models import REASON_CODES, Visit  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.sessions import headers_for  # noqa: E402
from tests.testdb import ensure_database  # noqa: E402

DEFAULT_URL = os.environ.get("CAREMON_BENCH_REPORTS_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_reports")
FIRST, LAST = date(2026, 1, 5), date(2027, 1, 3)
DAYS = (LAST - FIRST).days + 1
VISITS_PER_CLIENT_DAY = 3
PROVIDERS = 8
CATEGORIES = ("liaising_health_social", "liaising_family", "care_planning", "review", "gaining_access")

# One council's year: clients, their workers, packages, outcomes, visits and what was recorded at them.
# :tag keeps names, emails and idempotency keys apart between the councils generated into one database.
POPULATE = [
    """INSERT INTO providers (name) SELECT :tag || ' provider ' || p FROM generate_series(1, :providers) p""",
    """INSERT INTO contracts (council_id, provider_id, reference, payment_rule_set, geofence_radius_m,
           accuracy_limit_m, early_minutes, late_minutes, missed_minutes, no_checkout_minutes, short_percent,
           overrun_minutes, hold_outside_geofence, hold_short_below_percent, require_client_confirmation,
           require_doses_before_checkout)
       SELECT :council_id, id, :tag || '-' || id, 'actual-by-minute', 150, 100, 30, 30, 60, 60, 90, 0, true, 50,
              false, false
       FROM providers WHERE name LIKE :tag || ' provider %' ORDER BY id""",
    """INSERT INTO workers (provider_id, name, active, skills, unavailable_dates)
       SELECT ((SELECT array_agg(id ORDER BY id) FROM providers WHERE name LIKE :tag || ' provider %'))[1 + w / :workers],
              :tag || ' worker ' || w, true, '[]', '[]'
       FROM generate_series(0, :providers * :workers - 1) w""",
    """INSERT INTO clients (contract_id, name, reference, address, postcode, lat, lon, active, created_at,
                            medication_shared_with_family, share_care_log_with_family, required_skills,
                            excluded_worker_ids)
       SELECT ((SELECT array_agg(id ORDER BY id) FROM contracts WHERE council_id = :council_id))[1 + c % :providers],
              :tag || ' client ' || c, :tag || '-' || c, c || ' Bench Road', 'LA9 4AA',
              54.3 + (c % 100) * 0.001, -2.7 - (c % 97) * 0.001, true, now(), false, false, '[]', '[]'
       FROM generate_series(0, :clients - 1) c""",
    """INSERT INTO care_packages (client_id, weekly_minutes, flex_weeks, starts_on, reablement)
       SELECT id, 7 * 110 - (id % 5) * 35, CASE WHEN id % 4 = 0 THEN 4 ELSE 1 END, DATE '2025-06-01', false
       FROM clients WHERE name LIKE :tag || ' client %'""",
    """INSERT INTO outcomes (client_id, title, active, created_at)
       SELECT id, t, true, now() FROM clients, unnest(ARRAY['Mobility', 'Nutrition']) t
       WHERE name LIKE :tag || ' client %'""",
    # Visits in time order: visit n is client n % clients on day (n / clients) / 3, slot (n / clients) % 3.
    """WITH ids AS (
           SELECT min(cl.id) AS client0, array_agg(DISTINCT ct.id ORDER BY ct.id) AS contracts,
                  array_agg(DISTINCT ct.provider_id ORDER BY ct.provider_id) AS providers
           FROM clients cl JOIN contracts ct ON ct.id = cl.contract_id WHERE ct.council_id = :council_id
       ), base AS (
           SELECT n, n % :clients AS c, n / :clients AS k, abs(hashint8extended(n, :seed)) AS h
           FROM generate_series(0, :visits - 1) n
       ), planned AS (
           SELECT c, h,
                  ((CAST(:first AS date) + (k / 3)::int) + (ARRAY[TIME '08:00', TIME '13:00', TIME '18:30'])[1 + k % 3]
                   + make_interval(mins => (c % 30)::int)) AT TIME ZONE 'Europe/London' AS ps,
                  CASE WHEN k % 3 = 0 THEN 45 ELSE 30 END + CASE WHEN h % 10 = 0 THEN 30 ELSE 0 END AS pm,
                  h % 1000 AS r_status, (h / 1000) % 100 AS r_punct, (h / 100000) % 100 AS r_len,
                  (h / 10000000) % 10 AS r_double
           FROM base
       ), shaped AS (
           SELECT *,
                  CASE WHEN r_status < 12 THEN 'missed' WHEN r_status < 30 THEN 'cancelled' ELSE 'completed' END AS st,
                  CASE WHEN r_punct < 4 THEN -40 WHEN r_punct < 16 THEN 45 ELSE (r_punct % 20) - 10 END AS off_min,
                  CASE WHEN r_len < 5 THEN 600 WHEN r_len < 15 THEN pm * 42
                       ELSE pm * 60 + (r_len % 5) * 60 - 120 END AS dur_s
           FROM planned
       )
       INSERT INTO visits (client_id, contract_id, provider_id, planned_start, planned_minutes, carers_required,
                           tasks, status, punctuality, started_at, ended_at, overrun_approved, created_at, updated_at,
                           flags, reasons)
       SELECT ids.client0 + c, ids.contracts[1 + c % :providers], ids.providers[1 + c % :providers], ps, pm,
              CASE WHEN r_double = 0 THEN 2 ELSE 1 END, '[]', st,
              CASE WHEN st <> 'completed' THEN NULL WHEN r_punct < 4 THEN 'early' WHEN r_punct < 16 THEN 'late'
                   ELSE 'on_time' END,
              CASE WHEN st = 'completed' THEN ps + make_interval(mins => off_min::int) END,
              CASE WHEN st = 'completed' THEN ps + make_interval(mins => off_min::int, secs => dur_s) END,
              false, now(), now(), '[]', '[]'
       FROM shaped, ids""",
    # First carer: mostly one of the client's three regulars, sometimes anyone in the provider.
    """WITH ids AS (
           SELECT min(cl.id) AS client0, (SELECT min(id) FROM workers WHERE name LIKE :tag || ' worker %') AS worker0
           FROM clients cl WHERE cl.name LIKE :tag || ' client %'
       ), picked AS (
           SELECT v.id, v.started_at, v.ended_at, v.carers_required, v.client_id - ids.client0 AS c, ids.worker0,
                  abs(hashint8extended(v.id, :seed + 1)) AS g
           FROM visits v JOIN contracts ct ON ct.id = v.contract_id, ids WHERE ct.council_id = :council_id
       )
       INSERT INTO visit_assignments (visit_id, worker_id, position, checked_in_at, checked_out_at,
                                      check_in_geofence, check_out_geofence, manual)
       SELECT id, worker0 + (c % :providers) * :workers
                  + CASE WHEN g % 10 < 9 THEN ((c * 7) + (g / 10) % 3) % :workers ELSE (g / 100) % :workers END,
              1, started_at, ended_at,
              CASE WHEN started_at IS NULL THEN NULL WHEN (g / 10000) % 100 < 85 THEN 'verified'
                   WHEN (g / 10000) % 100 < 90 THEN 'unverified' WHEN (g / 10000) % 100 < 94 THEN 'outside'
                   WHEN (g / 10000) % 100 < 98 THEN 'none' ELSE 'verified' END,
              CASE WHEN ended_at IS NULL THEN NULL ELSE 'verified' END,
              started_at IS NOT NULL AND (g / 10000) % 100 >= 98
       FROM picked""",
    # The second carer of a double-up: the client's fourth regular, a minute behind.
    """WITH ids AS (
           SELECT min(cl.id) AS client0, (SELECT min(id) FROM workers WHERE name LIKE :tag || ' worker %') AS worker0
           FROM clients cl WHERE cl.name LIKE :tag || ' client %'
       )
       INSERT INTO visit_assignments (visit_id, worker_id, position, checked_in_at, checked_out_at,
                                      check_in_geofence, check_out_geofence, manual)
       SELECT v.id, ids.worker0 + ((v.client_id - ids.client0) % :providers) * :workers
                    + ((v.client_id - ids.client0) * 7 + 3) % :workers,
              2, v.started_at + interval '1 minute', v.ended_at,
              CASE WHEN v.started_at IS NULL THEN NULL ELSE 'verified' END,
              CASE WHEN v.ended_at IS NULL THEN NULL ELSE 'verified' END, false
       FROM visits v JOIN contracts ct ON ct.id = v.contract_id, ids
       WHERE ct.council_id = :council_id AND v.carers_required = 2""",
    # Every missed visit raised an exception; two in three were resolved with a reason code.
    """INSERT INTO visit_exceptions (visit_id, kind, detail, raised_at, resolved_at, resolution)
       SELECT v.id, 'missing_check_in', 'No check-in by the missed threshold', v.planned_start + interval '60 minutes',
              CASE WHEN v.id % 3 > 0 THEN v.planned_start + interval '3 hours' END,
              CASE WHEN v.id % 3 > 0 THEN (CAST(:reasons AS text[]))[1 + v.id % 9] || ': noted by the office' END
       FROM visits v JOIN contracts ct ON ct.id = v.contract_id
       WHERE ct.council_id = :council_id AND v.status = 'missed'""",
    # An outcome score at one visit in twenty.
    """INSERT INTO visit_events (idempotency_key, payload_hash, visit_id, worker_id, kind, device_time, received_at,
                                 geofence, payload, flags)
       SELECT md5(:tag || '-' || a.visit_id), md5(a.visit_id::text), a.visit_id, a.worker_id,
              'outcome_progress', a.checked_in_at + interval '10 minutes', a.checked_in_at + interval '10 minutes',
              'verified', '{}', '[]'
       FROM visit_assignments a JOIN visits v ON v.id = a.visit_id JOIN contracts ct ON ct.id = v.contract_id
       WHERE ct.council_id = :council_id AND a.position = 1 AND a.checked_in_at IS NOT NULL AND v.id % 20 = 0""",
    """INSERT INTO outcome_progress (event_id, visit_id, client_id, contract_id, outcome_id, worker_id, score,
                                     recorded_at)
       SELECT e.id, e.visit_id, v.client_id, v.contract_id, o.id, e.worker_id,
              1 + abs(hashint8extended(e.id, :seed + 2)) % 5, e.device_time
       FROM visit_events e JOIN visits v ON v.id = e.visit_id
       JOIN outcomes o ON o.client_id = v.client_id AND o.title = CASE WHEN e.id % 2 = 0 THEN 'Mobility'
                                                                       ELSE 'Nutrition' END
       JOIN contracts ct ON ct.id = v.contract_id WHERE ct.council_id = :council_id""",
    """INSERT INTO users (email, name, password_hash, role, council_id, active, created_at)
       VALUES (:tag || '-officer@bench.example', 'Bench officer', 'not-a-login', 'council_officer', :council_id, true,
               now())""",
    """WITH ids AS (
           SELECT min(id) AS client0 FROM clients WHERE name LIKE :tag || ' client %'
       )
       INSERT INTO non_contact_activities (idempotency_key, payload_hash, client_id, contract_id, provider_id,
                                           recorded_by, category, minutes, occurred_at, received_at)
       SELECT md5(:tag || '-nc-' || n), md5(n::text), cl.id, cl.contract_id, ct.provider_id,
              (SELECT id FROM users WHERE email = :tag || '-officer@bench.example'),
              (CAST(:categories AS text[]))[1 + abs(hashint8extended(n, :seed + 3)) % 5],
              5 + abs(hashint8extended(n, :seed + 4)) % 56,
              (CAST(:first AS date) + make_interval(mins => (abs(hashint8extended(n, :seed + 5)) % (:days * 1440))::int))
              AT TIME ZONE 'UTC', now()
       FROM generate_series(0, :visits / 50 - 1) n CROSS JOIN ids
       JOIN clients cl ON cl.id = ids.client0 + n % :clients JOIN contracts ct ON ct.id = cl.contract_id""",
]


def populate(tag: str, visits: int, seed: int, first: date = FIRST, days: int = DAYS) -> int:
    """One council whose `visits` fill `days` local days from `first`, three a client a day; returns its id."""
    council = Council(name=f"{tag} council", timezone="Europe/London")
    db.session.add(council)
    db.session.flush()
    clients = math.ceil(visits / (VISITS_PER_CLIENT_DAY * days))
    params = {
        "tag": tag, "council_id": council.id, "visits": visits, "seed": seed, "providers": PROVIDERS,
        "clients": clients, "workers": max(8, clients // (2 * PROVIDERS)), "first": first, "days": days,
        "reasons": list(REASON_CODES), "categories": list(CATEGORIES),
    }
    for statement in POPULATE:
        db.session.execute(text(statement), params)
    db.session.commit()
    return council.id


def generated(tag: str, build, regenerate: bool = False) -> int:
    """The id of the council named for tag; the whole data set is built afresh by build() unless already there."""
    if not regenerate and db.inspect(db.engine).has_table("councils"):
        council_id = db.session.scalar(select(Council.id).where(Council.name == f"{tag} council"))
        if council_id is not None:
            return council_id
    db.session.rollback()  # the look above holds a lock that drop_all would wait on
    db.drop_all()
    db.create_all()
    started = time.perf_counter()
    council_id = build()
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    stored = db.session.scalar(select(func.count()).select_from(Visit))
    print(f"generated {stored:,} visits in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return council_id


def generate(visits: int, seed: int, regenerate: bool) -> int:
    """The benched council, with a quarter-size second council in the same tables so scoping does real work."""
    tag = f"bench-{visits}-{seed}"

    def build() -> int:
        council_id = populate(tag, visits, seed)
        populate(f"other-{seed}", visits // 4, seed + 100)
        return council_id

    return generated(tag, build, regenerate)


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def scenarios(council_id: int) -> list[tuple[str, dict]]:
    """The whole council over the year, and one provider's contract over the last quarter (autumn change inside)."""
    contract_id = db.session.scalar(select(func.min(Contract.id)).where(Contract.council_id == council_id))
    return [
        ("council year", {"date_from": FIRST, "date_to": LAST}),
        ("contract quarter", {"date_from": date(2026, 10, 5), "date_to": LAST, "contract_id": contract_id}),
    ]


def bench(council_id: int, repeat: int, client) -> list[dict]:
    officer = db.session.scalar(select(User).where(User.council_id == council_id))
    ident = Identity(user_id=officer.id, role="council_officer", council_id=council_id)
    headers = headers_for(officer)
    results = []
    for scenario, filters in scenarios(council_id):
        query = {k: v.isoformat() if isinstance(v, date) else v for k, v in filters.items()}
        for name, report in REPORTS.items():
            def service():
                result = report.build(resolve_scope(ident, **filters))
                db.session.rollback()
                return result

            def http(**extra):
                response = client.get(f"/api/v1/reports/{name}", query_string={**query, **extra}, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:500]
                return response

            service_times, result = timed(service, repeat)
            json_times, _ = timed(http, 1)
            csv_times, response = timed(lambda: http(format="csv"), 1)
            results.append({
                "scenario": scenario, "report": name, "rows": len(result["rows"]),
                "service_first_s": round(service_times[0], 3), "service_best_s": round(min(service_times), 3),
                "service_median_s": round(statistics.median(service_times), 3),
                "http_json_s": round(json_times[0], 3), "http_csv_s": round(csv_times[0], 3),
                "csv_bytes": len(response.get_data()),
            })
    return results


# The floor: one grouped pass over the same year of visits, the least any weekly KPI must read.
FLOOR_QUERY = text("""
    SELECT date_trunc('week', v.planned_start AT TIME ZONE 'Europe/London') AS week, v.status, count(*)
    FROM visits v JOIN contracts c ON c.id = v.contract_id
    WHERE c.council_id = :council AND v.planned_start >= :start AND v.planned_start < :end
    GROUP BY 1, 2
""")
# Each KPI reads the year's visits with its own joins (assignments, events, packages) and groups them more
# ways; within this many floors it is doing that work and no more (no per-visit Python, no repeated passes).
TARGET = 8.0
HTTP_LIMIT_S = 3.0  # every KPI of the council's year, asked for one after another over HTTP


def floor_seconds(council_id: int, repeat: int) -> float:
    start, end = local_range_bounds(FIRST, LAST, "Europe/London")

    def grouped():
        rows = db.session.execute(FLOOR_QUERY, {"council": council_id, "start": start, "end": end}).all()
        db.session.rollback()
        return rows

    times, _ = timed(grouped, repeat)
    return min(times)


def measure(quick: bool = False) -> list[Result]:
    """The whole council's year: the slowest KPI against one grouped pass, every KPI, and their sums."""
    visits = 100_000 if quick else 2_000_000
    ensure_database(DEFAULT_URL)
    app = create_app({"database_url": DEFAULT_URL, "secret_key": "bench-secret-key-long-enough-for-hs256",
                      "cookie_secure": False, "rate_limit_enabled": False,
                      "access_token_minutes": 24 * 60})  # one token for every request of a long run
    gc.freeze()  # as server/wsgi.py does in each server worker once its app is made
    with app.app_context():
        council_id = generate(visits, 7, regenerate=False)
        rows = [r for r in bench(council_id, 2, app.test_client()) if r["scenario"] == "council year"]
        floor = floor_seconds(council_id, 3)
    slowest = max(rows, key=lambda r: r["service_best_s"])
    details = {"visits": visits, "reports": rows, "load_average": round(os.getloadavg()[0], 2)}
    return [
        Result(f"reports: slowest of a year's KPIs ({slowest['report']}), {visits:,} visits", slowest["service_best_s"],
               "s", floor=floor, target=TARGET, higher_is_better=False, details=details),
        *(Result(f"reports: {r['report']} (year)", r["service_best_s"], "s") for r in rows
          if r is not slowest),
        Result(f"reports: all {len(rows)} KPIs of the year", sum(r["service_best_s"] for r in rows), "s"),
        Result("reports: all KPIs of the year over HTTP (JSON)", sum(r["http_json_s"] for r in rows), "s",
               limit=HTTP_LIMIT_S),
    ]


def _per_report(results) -> None:
    print("\nreport              rows  service first s  service best s  HTTP JSON s  HTTP CSV s")
    for r in results[0].details["reports"]:
        print(f"{r['report']:18} {r['rows']:5} {r['service_first_s']:16} {r['service_best_s']:15} "
              f"{r['http_json_s']:12} {r['http_csv_s']:11}")


if __name__ == "__main__":
    standalone(measure, "reports", __doc__.splitlines()[0], _per_report)
