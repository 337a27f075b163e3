"""The simulator's day through a lossy network ends with every event stored exactly once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from device_sync.simulator import simulate
from server.extensions import db
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
                          loss=0.4, duplicates=0.3, offline_share=0.6, workdir=str(tmp_path))
    finally:
        server.kill()
    assert sum(report["network"].values()) > 0  # faults really happened
    for worker in report["workers"]:
        assert worker["visits"] == 4
        assert worker["recorded"] == worker["acknowledged"] == worker["stored"] == 16
        assert (worker["missing"], worker["stored_twice"]) == ([], 0)
