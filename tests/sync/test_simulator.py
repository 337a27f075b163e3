"""The simulator's day through a lossy network ends with every event stored exactly once,
and `caremon simulate` prints what the database then holds."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from device_sync.simulator import simulate
from server.auth.models import User
from server.cli import main
from server.demo import seed
from server.extensions import db
from server.timeutil import to_local
from server.visits.models import Visit, VisitEvent
from tests.factories import PASSWORD, visit_for
from tests.servers import Server

pytestmark = pytest.mark.slow


def test_lossy_day_converges_to_exactly_once(app, world, tmp_path):
    a = world.alpha
    for hour in (2, 5, 8):
        for client, worker in zip(a.clients, a.workers):
            visit_for(client, world.start + timedelta(hours=hour), workers=[worker])
    db.session.commit()
    server = Server()
    try:
        report = simulate(server.url, [u.email for u in a.worker_users], PASSWORD, day="2026-11-23", seed=7,
                          loss=0.4, duplicates=0.3, stretches=2, offline_minutes=180, workdir=str(tmp_path))
    finally:
        server.kill()
    assert sum(report["network"].values()) > 0  # faults really happened
    assert sum(w["offline"] for w in report["workers"]) > 0  # and stretches without signal
    for worker in report["workers"]:
        assert worker["visits"] == 4
        assert worker["recorded"] == worker["acknowledged"] == worker["stored"] == 16
        assert worker["sent"] > worker["recorded"]  # lost answers were sent again
        assert (worker["missing"], worker["stored_twice"]) == ([], 0)


def test_no_offline_stretch_means_nothing_held_back(app, world, tmp_path):
    a = world.alpha
    db.session.commit()
    server = Server()
    try:
        report = simulate(server.url, [a.worker_users[0].email], PASSWORD, day="2026-11-23", seed=3,
                          loss=0, duplicates=0, stretches=0, workdir=str(tmp_path))
    finally:
        server.kill()
    (worker,) = report["workers"]
    assert worker["offline"] == 0
    assert worker["sent"] == worker["recorded"] == worker["requests"] == worker["stored"]  # one upload each


def test_the_simulate_command_prints_what_the_database_holds(app):
    # The demo's week starts eight days ago, so two days ago is a past day nobody has played yet.
    seed(datetime.now(timezone.utc) - timedelta(days=5))
    db.session.commit()
    day = (to_local(datetime.now(timezone.utc), "Europe/London") - timedelta(days=2)).date()
    server = Server()
    try:
        result = CliRunner().invoke(main, ["simulate", "--url", server.url, "--workers", "2", "--date", day.isoformat(),
                                           "--loss", "0.3", "--duplicates", "0.3", "--offline-stretches", "2",
                                           "--offline-minutes", "120", "--seed", "5"])
    finally:
        server.kill()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["worker", "visits", "recorded", "offline", "sent", "requests", "acked", "stored",
                                "missing", "twice"]
    db.session.expire_all()
    held_back = 0
    for line in lines[2:]:
        email, *numbers = line.split()
        visits, recorded, offline, sent, requests, acked, stored, missing, twice = map(int, numbers)
        worker_id = db.session.scalar(select(User.worker_id).where(User.email == email))
        rows = db.session.execute(select(VisitEvent.idempotency_key, Visit.id, Visit.planned_start)
                                  .join(Visit, Visit.id == VisitEvent.visit_id)
                                  .where(VisitEvent.worker_id == worker_id)).all()
        mine = [(key, visit_id) for key, visit_id, start in rows if to_local(start, "Europe/London").date() == day]
        assert len({visit_id for _, visit_id in mine}) == visits > 0
        assert len(mine) == len({key for key, _ in mine}) == stored == acked == recorded
        assert (missing, twice) == (0, 0)
        assert sent >= recorded and requests > 0
        assert 0 <= offline <= recorded
        held_back += offline
    assert held_back > 0  # the stretches without signal fell on recorded events
    assert [line.split()[0] for line in lines[2:]] == ["worker1@lakeland.demo", "worker2@lakeland.demo"]
