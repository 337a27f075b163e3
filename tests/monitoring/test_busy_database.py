"""Background work and requests sharing one SQLite file: requests wait for the write lock, briefly, never a 500."""
from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from server import create_app
from server.care.models import VisitPattern
from server.config import load_settings
from server.directory.models import Client
from server.extensions import db
from server.monitoring.scheduler import generate_in_steps
from server.notify.models import PushSubscription
from server.visits.models import Visit
from tests.sessions import headers_for
from tests.testdb import TEST_DB_URL, settings_for_tests

sqlite_only = pytest.mark.skipif(not TEST_DB_URL.startswith("sqlite"), reason="SQLite's single write lock")
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def app_waiting(seconds: float):
    """A second app on the run's database whose requests wait at most `seconds` for the write lock."""
    app = create_app(settings_for_tests(sqlite_busy_timeout_s=seconds))
    app.config["TESTING"] = True
    return app


def plan_visit(client, world, hour: int):
    a = world.alpha
    return client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": f"2026-11-30T{hour:02d}:00:00Z", "planned_minutes": 30,
        "worker_ids": [a.workers[0].id]})


def subscribe_push(client, world, _hour: int):
    """A write that begins with a savepoint, so with BEGIN IMMEDIATE (server/__init__.py)."""
    return client.post("/api/v1/notify/push-subscriptions", headers=headers_for(world.alpha.family), json={
        "endpoint": "https://push.example.net/send/1", "keys": {"p256dh": "B" + "x" * 86, "auth": "y" * 22}})


WRITES = pytest.mark.parametrize("write", [plan_visit, subscribe_push], ids=["plain BEGIN", "BEGIN IMMEDIATE"])


def hold_write_lock(seconds: float) -> threading.Thread:
    """Another process's writer (as the scheduler would be) holding SQLite's write lock for a while."""
    started = threading.Event()

    def hold():
        conn = sqlite3.connect(make_url(TEST_DB_URL).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    return thread


@sqlite_only
@WRITES
def test_a_request_waits_for_a_short_write_to_finish(world, push_dns, write):
    holder = hold_write_lock(0.4)
    with app_waiting(5).test_client() as client:
        response = write(client, world, 8)
    holder.join()
    assert response.status_code == 201, response.get_json()


@sqlite_only
@WRITES
def test_a_lock_held_past_the_busy_timeout_is_503_database_busy_not_500(world, push_dns, write):
    holder = hold_write_lock(3.0)  # long enough that a request slowed by a busy machine still meets the lock
    with app_waiting(0.2).test_client() as client:
        response = write(client, world, 8)
    holder.join()
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "database_busy"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 6  # the world's own: nothing written
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def many_clients_with_daily_visits(world, count: int) -> None:
    a = world.alpha
    for i in range(count):
        client = Client(contract_id=a.contract.id, name=f"Generated {i}", address="1 Main Street", postcode="LA9 4AA",
                        lat=54.3, lon=-2.7, reference=f"GEN-{i}")
        db.session.add(client)
        db.session.flush()
        for start_time in ("08:00", "17:00"):
            db.session.add(VisitPattern(client_id=client.id, weekdays=[1, 2, 3, 4, 5, 6, 7], start_time=start_time,
                                        duration_minutes=30, carers_required=1, tasks=["Meal"],
                                        worker_ids=[a.workers[0].id], starts_on=date(2026, 1, 1)))
    db.session.commit()


def test_generating_a_fortnight_of_visits_never_starves_a_coordinators_request(app, world):
    """The scheduler's generation job over many clients while a coordinator plans visits: every one is 201.

    Each request may wait 2.5 seconds at most for the lock (room for a busy machine's scheduling), much less
    than the whole run takes, so this passes only because generation commits a few clients at a time.
    """
    many_clients_with_daily_visits(world, 20)
    settings = {**load_settings(), "generate_days_ahead": 14, "generate_clients_per_commit": 1}

    def generate():
        with app.app_context():
            return generate_in_steps(NOW, settings)

    statuses = []
    with ThreadPoolExecutor(1) as pool, app_waiting(2.5).test_client() as client:
        generation = pool.submit(generate)
        while not generation.done() and len(statuses) < 200:
            statuses.append(plan_visit(client, world, len(statuses) % 24).status_code)
        assert generation.result(timeout=120) == 20 * 2 * 15
    assert len(statuses) > 3 and set(statuses) == {201}, statuses
