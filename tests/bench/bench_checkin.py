"""Check-in throughput under concurrent load, against three floors served the same way.

    python tests/bench/bench_checkin.py [--quick]

The floors: a bare Flask route that does no I/O (what the web stack costs), a bare Flask route
running with psycopg the statements a correct check-in needs (tests/bench/floor_sql_app.py: what the
work must cost), and the same statements run the way Caremon's required stack runs them
(tests/bench/floor_stack_app.py: flask-jwt-extended, marshmallow, SQLAlchemy Core; what the stack
costs before any of Caremon's rules). All four apps run under gunicorn with the same worker count; wrk (C, in its own
process, so the load generator leaves the cores to the servers) drives them for the same time with
the same connections. Every request that touches the database is a real check-in: a fresh idempotency
key on a visit of its own, by that visit's worker, with a verified location; the database is seeded
afresh for each. After Caremon's run the stored check-ins are counted against wrk's successful responses.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from server import create_app  # noqa: E402
from server.directory.models import Worker  # noqa: E402
from server.extensions import db  # noqa: E402
from server.visits.models import Visit, VisitAssignment, VisitEvent  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.factories import HOME, make_world, user  # noqa: E402
from tests.sessions import headers_for  # noqa: E402
from tests.testdb import TEST_SECRET, ensure_database  # noqa: E402

URL = os.environ.get("CAREMON_BENCH_CHECKIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_checkin")
GUNICORN_WORKERS = int(os.environ.get("CAREMON_BENCH_GUNICORN_WORKERS", 4))  # 2 x cores, gunicorn's advice; both apps
CONNECTIONS = 16
WORKERS = 50  # care workers whose phones check in concurrently
TARGET_BARE = 0.25  # of the route that does no I/O
TARGET_SQL = 0.7  # of the route that runs the minimal statements
P99_LIMIT_MS = 100

# One request per call: the visit and token follow a per-thread counter, so no two requests share a visit
# or an idempotency key. Visits were inserted with ids first_visit.. and visit i belongs to worker i % n.
LUA = """
local counter = 0
thread_id = 0  -- global: setup() gives each thread its own
local tokens = {%(tokens)s}
local first_visit, per_thread, path = %(first_visit)d, %(per_thread)d, "%(path)s"
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end
function request()
  local visit = thread_id * per_thread + counter
  counter = counter + 1
  local key = string.format("%%08x-0000-4000-8000-%%012x", thread_id + 1, counter)
  local body = string.format('{"idempotency_key": "%%s", "kind": "check_in", "device_time": "%(device_time)s", '
    .. '"lat": %(lat)f, "lon": %(lon)f, "accuracy_m": 12, "device_id": "bench-phone"}', key)
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. tokens[(visit %% #tokens) + 1]}
  return wrk.format("POST", string.format(path, first_visit + visit), headers, body)
end
"""


def ensure_wrk() -> str:
    """wrk from Debian's packages: a load generator in C that does not compete with the servers for CPU."""
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def seed(visits: int) -> tuple[int, list[str]]:
    """make_world plus WORKERS care workers and `visits` visits, visit i assigned to worker i % WORKERS."""
    app = create_app({"database_url": URL, "secret_key": TEST_SECRET})
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = make_world()
        a = world.alpha
        workers = [a.workers[0]] + [Worker(provider_id=a.provider.id, name=f"Bench Worker {i}")
                                    for i in range(1, WORKERS)]
        db.session.add_all(workers[1:])
        db.session.flush()
        users = [a.worker_users[0]] + [user(f"bench{i}@alpha.example", "worker", worker_id=w.id,
                                            provider_id=a.provider.id) for i, w in enumerate(workers[1:], 1)]
        client = a.clients[0]
        start = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)
        ids = db.session.scalars(insert(Visit).returning(Visit.id, sort_by_parameter_order=True), [
            {"client_id": client.id, "contract_id": client.contract_id, "provider_id": a.provider.id,
             "planned_start": start + timedelta(minutes=n % 600), "planned_minutes": 30, "tasks": []}
            for n in range(visits)]).all()
        assert ids == list(range(ids[0], ids[0] + visits))  # the load script counts on consecutive ids
        db.session.execute(insert(VisitAssignment), [
            {"visit_id": visit_id, "worker_id": workers[n % WORKERS].id, "position": 1}
            for n, visit_id in enumerate(ids)])
        first = ids[0]
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        tokens = [headers_for(u)["Authorization"].split()[1] for u in users]
    return first, tokens


def run_wrk(url: str, script: str, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run([ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", f.name, url],
                         check=True, capture_output=True, text=True).stdout
    os.unlink(f.name)
    return parse_wrk(out)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    percentiles = {int(p): _ms(v, u) for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
    if 99 not in percentiles:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests,
            "non_2xx": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else None,
            "p50_ms": percentiles[50], "p99_ms": percentiles[99]}


def lua(tokens: list[str], first_visit: int, per_thread: int, path: str) -> str:
    return LUA % {"tokens": ", ".join(f'"{t}"' for t in tokens), "first_visit": first_visit,
                  "per_thread": per_thread, "path": path, "lat": HOME[0], "lon": HOME[1],
                  "device_time": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def measure(quick: bool = False) -> list[Result]:
    seconds = 5 if quick else 20
    per_thread = 400 * seconds * 2  # room for 800 check-ins a second per wrk thread
    ensure_database(URL)
    first, tokens = seed(2 * per_thread)
    bare = serve_and_load("tests.bench.floor_app:app", lua(tokens, first, per_thread, "/floor/%d"), seconds)
    sql = serve_and_load("tests.bench.floor_sql_app:app", lua(tokens, first, per_thread, "/floor/%d/events"), seconds)
    first, tokens = seed(2 * per_thread)
    stack = serve_and_load("tests.bench.floor_stack_app:app", lua(tokens, first, per_thread, "/floor/%d/events"),
                           seconds)
    first, tokens = seed(2 * per_thread)  # the same visits and keys, unused again
    caremon = serve_and_load("server.wsgi:app", lua(tokens, first, per_thread, "/api/v1/visits/%d/events"), seconds)
    app = create_app({"database_url": URL, "secret_key": TEST_SECRET})
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(VisitEvent).where(VisitEvent.kind == "check_in"))
        verified = db.session.scalar(select(func.count()).select_from(VisitEvent)
                                     .where(VisitEvent.kind == "check_in", VisitEvent.geofence == "verified"))
    answered_ok = caremon["requests"] - caremon["non_2xx"]
    setup = {"gunicorn_workers": GUNICORN_WORKERS, "connections": CONNECTIONS, "seconds": seconds,
             "database": "postgresql"}
    return [
        Result("check-in throughput, of the no-I/O route", caremon["rps"], "req/s", floor=bare["rps"],
               target=TARGET_BARE,
               details={**setup, "caremon": caremon, "floor": bare, "stored_check_ins": stored,
                        "verified_check_ins": verified, "answered_2xx": answered_ok,
                        # wrk stops counting at the deadline: a request still in flight may be stored but not counted.
                        "every_2xx_stored": answered_ok <= stored <= answered_ok + CONNECTIONS}),
        Result("check-in throughput, of the minimal SQL", caremon["rps"], "req/s", floor=sql["rps"],
               target=TARGET_SQL, details={"floor": sql}),
        Result("check-in throughput, of the stack's floor", caremon["rps"], "req/s", floor=stack["rps"],
               details={"floor": stack}),
        Result("the stack's floor, of the minimal SQL", stack["rps"], "req/s", floor=sql["rps"]),
        Result("check-in latency p50, of the minimal SQL", caremon["p50_ms"], "ms", floor=sql["p50_ms"]),
        Result("check-in latency p99, of the minimal SQL", caremon["p99_ms"], "ms", floor=sql["p99_ms"],
               limit=P99_LIMIT_MS),
    ]


def serve_and_load(app: str, script: str, seconds: int) -> dict:
    """Serves the app under gunicorn as Caremon is served, and drives it with wrk."""
    from tests.servers import Server

    server = Server(database_url=URL, workers=GUNICORN_WORKERS, app=app, ready_path="/")
    try:
        return run_wrk(server.url, script, seconds)
    finally:
        server.kill()

if __name__ == "__main__":
    standalone(measure, "checkin", __doc__.splitlines()[0])
