"""The demo data `caremon demo` seeds: the size the README promises, and runs a real care worker could do."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from server.auth.models import User
from server.demo import PASSWORD, seed
from server.directory.models import Client, Contract, Council, FamilyLink, Provider, Worker
from server.extensions import db
from server.payments.models import PaymentPeriod
from server.visits.models import NonContactActivity, OutcomeProgress, Visit, VisitAssignment, VisitEvent
from tests.servers import free_port

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seeds_a_council_with_working_logins_and_runs_a_worker_could_do(app, client):
    logins = seed(NOW)
    assert (count(Council), count(Provider), count(Contract), count(Worker), count(Client)) == (1, 2, 2, 12, 60)
    assert count(FamilyLink) == 1
    days = {v.planned_start.date() for v in db.session.scalars(select(Visit))}
    assert len(days) >= 7
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.carers_required == 2)) > 0
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) > 0  # the past days were played
    kinds = set(db.session.scalars(select(VisitEvent.kind).distinct()))
    assert {"arrival", "check_in", "task_done", "outcome_progress", "note", "check_out"} <= kinds
    assert count(OutcomeProgress) > 100 and count(NonContactActivity) >= 10
    period = db.session.scalar(select(PaymentPeriod))  # the officer's repricing screen has a period to price
    assert period.date_from == period.date_to and period.rows > 0

    for _role, email in logins:  # every printed login works with the printed password
        r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, email
    assert len({u.role for u in db.session.scalars(select(User))}) == 5

    # No care worker is booked at two clients at once, except where a double-up overlaps a run.
    runs = defaultdict(list)
    rows = db.session.execute(select(VisitAssignment.worker_id, Visit.planned_start, Visit.planned_minutes,
                                     Visit.carers_required).join(Visit, Visit.id == VisitAssignment.visit_id))
    for worker_id, start, minutes, carers in rows:
        runs[worker_id].append((start, start + timedelta(minutes=minutes), carers))
    clashes = total = 0
    for visits in runs.values():
        visits.sort()
        for (_, end, carers_a), (start, _, carers_b) in zip(visits, visits[1:]):
            total += 1
            if start < end:
                clashes += 1
                assert 2 in (carers_a, carers_b), "a single-handed clash in the demo rota"
    assert total > 500 and clashes / total < 0.05


@pytest.mark.slow
def test_caremon_demo_migrates_seeds_and_prints_the_logins(tmp_path):
    """The README's first command, short of serving: a fresh folder, the real migrations, the printed logins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREMON_")}
    done = subprocess.run([sys.executable, "-m", "server", "demo", "--no-serve", "--instance", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for email in ("officer@council.demo", "coordinator@lakeland.demo", "worker1@lakeland.demo", "family@lakeland.demo"):
        assert email in done.stdout
    database = sqlite3.connect(tmp_path / "caremon-demo.db")
    try:
        heads = {row[0] for row in database.execute("SELECT version_num FROM alembic_version")}
        clients = database.execute("SELECT count(*) FROM clients").fetchone()[0]
    finally:
        database.close()
    assert len(heads) == 1 and clients == 60
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # the generated secret is the owner's alone
    again = subprocess.run([sys.executable, "-m", "server", "demo", "--no-serve", "--instance", str(tmp_path)],
                           env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert again.returncode == 0 and "Seeding" not in again.stdout  # a second start keeps the data


def children_of(pid: int) -> list[int]:
    """Live child processes, from /proc (a zombie awaiting its parent's wait counts as gone)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def serving(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet
        return False


def wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_stopping_the_demo_stops_its_scheduler_and_its_console_is_caremons_own(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CAREMON_")}, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # this checkout's server, run from tmp_path
    for stop in (signal.SIGTERM, signal.SIGINT):  # the first start seeds; the second reuses the data
        port, log = free_port(), tmp_path / f"demo-{stop.name}.log"
        with log.open("w") as out:
            demo = subprocess.Popen([sys.executable, "-m", "server", "demo", "--instance", str(tmp_path / "instance"),
                                     "--port", str(port)], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            assert wait_until(partial(serving, port), 300), log.read_text()
            assert wait_until(partial(lambda path: "scheduler lock acquired" in path.read_text(), log), 60), \
                log.read_text()
            [scheduler] = children_of(demo.pid)
            if stop == signal.SIGINT:
                os.killpg(demo.pid, stop)  # as Ctrl-C in its terminal: the scheduler gets it too
            else:
                demo.send_signal(stop)  # as `kill`: the demo alone
            assert demo.wait(30) is not None
            assert not alive(scheduler), f"the scheduler outlived the demo stopped by {stop.name}"
        finally:
            for pid in [demo.pid, *children_of(demo.pid)]:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            demo.wait(10)
        output = log.read_text()
        assert "caremon.scheduler scheduler lock acquired" in output
        assert "Traceback" not in output
        chatter = ("Scheduler started", "Added job", "Running job", "executed successfully")
        assert not [line for line in output.splitlines() if "apscheduler" in line and any(c in line for c in chatter)]
