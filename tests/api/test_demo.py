"""The demo data `caremon demo` seeds: the size the README promises, and runs a real care worker could do."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from server.demo import PASSWORD, seed
from server.directory.models import Client, Contract, Council, FamilyLink, Provider, Worker
from server.extensions import db
from server.visits.models import NonContactActivity, OutcomeProgress, Visit, VisitAssignment, VisitEvent

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
