"""Two real `caremon scheduler` processes: one runs, the other waits, and takes over when the first dies."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from server import create_app
from server.extensions import db
from tests.testdb import TEST_DB_URL, TEST_SECRET, settings_for_tests

pytestmark = pytest.mark.slow


def start_scheduler(database_url: str = TEST_DB_URL, **settings: str) -> subprocess.Popen:
    """A scheduler process whose output lines collect in proc.lines (read by a thread)."""
    env = {**os.environ, "CAREMON_DATABASE_URL": database_url, "CAREMON_SECRET_KEY": TEST_SECRET,
           "CAREMON_SCHEDULER_LEASE_S": "3", "CAREMON_SCAN_INTERVAL_S": "1", "PYTHONUNBUFFERED": "1",
           **{f"CAREMON_{name.upper()}": value for name, value in settings.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "server", "scheduler"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc.lines = []
    threading.Thread(target=lambda: proc.lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    return proc


def wait_for(proc: subprocess.Popen, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(needle in line for line in list(proc.lines)):
            return True
        time.sleep(0.1)
    return False


def test_second_scheduler_waits_then_takes_over_when_the_first_is_killed(app):
    db.session.execute(text("DELETE FROM scheduler_locks"))
    db.session.commit()
    first = start_scheduler()
    second = None
    try:
        assert wait_for(first, "scheduler lock acquired", 20)
        assert wait_for(first, "scan:", 10)
        second = start_scheduler()
        assert wait_for(second, "another scheduler holds the lock", 20)
        assert not wait_for(second, "scheduler lock acquired", 4)  # stays idle while the first lives
        first.send_signal(signal.SIGKILL)
        first.wait(5)
        assert wait_for(second, "scheduler lock acquired", 15)
        assert wait_for(second, "scan:", 10)
    finally:
        for proc in (first, second):
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait(5)


def test_a_scheduler_whose_lock_connection_dies_knows_it_lost_the_lock(app):
    """PostgreSQL ends the advisory lock with its connection; renew says so, and the scheduler then stops."""
    from server.monitoring.scheduler import ADVISORY_KEY, AdvisoryLock

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite's lease is covered above")
    lock = AdvisoryLock(db.engine)
    try:
        assert lock.try_acquire() and lock.renew()
        pid = lock.connection.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.connect() as other:
            # With a timeout, PostgreSQL answers once the backend has gone (false if it had not within 5 s).
            assert other.scalar(text("SELECT pg_terminate_backend(:p, 5000)"), {"p": pid})
            assert not lock.renew()
            assert other.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})  # free for the next
            other.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
    finally:
        lock.connection.invalidate()


def test_a_scheduler_started_before_its_database_retries_with_capped_backoff_then_starts(tmp_path):
    folder = tmp_path / "database-not-there-yet"
    url = f"sqlite:///{folder / 'caremon.db'}"
    scheduler = start_scheduler(url, scheduler_connect_backoff_s="0.1", scheduler_connect_backoff_max_s="0.4")
    try:
        assert wait_for(scheduler, "database unavailable (attempt 5:", 20)
        assert scheduler.poll() is None
        folder.mkdir()
        app = create_app(settings_for_tests(database_url=url))
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        assert wait_for(scheduler, "scheduler lock acquired", 15), "".join(scheduler.lines[-30:])
        assert wait_for(scheduler, "scan:", 10)
    finally:
        scheduler.kill()
        scheduler.wait(5)
    output = "".join(scheduler.lines)
    assert "Traceback" not in output
    attempts = [line for line in scheduler.lines if "database unavailable" in line]
    # One line each, saying why: no database file yet, then perhaps a moment with the file but not all its tables.
    assert all("unable to open database file" in line or "tables yet" in line for line in attempts)
    assert "unable to open database file" in attempts[0]
    waits = [float(w) for w in re.findall(r"retrying in ([0-9.]+) s", output)]
    assert waits[:4] == [0.1, 0.2, 0.4, 0.4] and max(waits) == 0.4


def test_a_scheduler_waits_while_a_migration_has_made_only_some_tables(tmp_path):
    """The lock's table alone is not a ready database: a job started then would fail on a table still to come."""
    url = f"sqlite:///{tmp_path / 'caremon.db'}"
    app = create_app(settings_for_tests(database_url=url))
    with app.app_context():
        db.metadata.tables["scheduler_locks"].create(db.engine)
        db.engine.dispose()
    scheduler = start_scheduler(url, scheduler_connect_backoff_s="0.1", scheduler_connect_backoff_max_s="0.2")
    try:
        assert wait_for(scheduler, "not all tables yet (caremon db upgrade)", 20), "".join(scheduler.lines[-30:])
        assert "scheduler lock acquired" not in "".join(scheduler.lines)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        assert wait_for(scheduler, "scheduler lock acquired", 15), "".join(scheduler.lines[-30:])
        assert wait_for(scheduler, "scan:", 10)
    finally:
        scheduler.kill()
        scheduler.wait(5)
    assert "Traceback" not in "".join(scheduler.lines)
