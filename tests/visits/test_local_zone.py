"""Local dates follow the caller's council, whatever the role: a worker's "today" is the council's today."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server.extensions import db
from tests.factories import visit_for
from tests.sessions import headers_for

# 20:00 UTC on 23 November is 09:00 on 24 November in Auckland (NZDT, UTC+13).
EVENING_UTC = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)


@pytest.fixture
def far_visit(world):
    world.south.timezone = "Pacific/Auckland"
    g = world.gamma
    visit = visit_for(g.clients[0], EVENING_UTC, workers=[g.workers[0]])
    db.session.commit()
    return visit


def viewers(world):
    g = world.gamma
    return {"worker": g.worker_users[0], "coordinator": g.coordinator, "family": g.family}


@pytest.mark.parametrize("role", ["worker", "coordinator", "family"])
def test_visit_list_dates_are_the_councils_local_dates(client, world, far_visit, role):
    who = viewers(world)[role]
    on = client.get("/api/v1/visits", query_string={"date_from": "2026-11-24", "date_to": "2026-11-24"},
                    headers=headers_for(who)).get_json()["items"]
    before = client.get("/api/v1/visits", query_string={"date_from": "2026-11-23", "date_to": "2026-11-23"},
                        headers=headers_for(who)).get_json()["items"]
    assert far_visit.id in {v["id"] for v in on}
    assert far_visit.id not in {v["id"] for v in before}


def test_workers_run_is_the_councils_local_day(client, world, far_visit):
    r = client.get("/api/v1/run", query_string={"date": "2026-11-24"}, headers=headers_for(world.gamma.worker_users[0]))
    assert far_visit.id in [v["id"] for v in r.get_json()["visits"]]
    r = client.get("/api/v1/run", query_string={"date": "2026-11-23"}, headers=headers_for(world.gamma.worker_users[0]))
    assert far_visit.id not in [v["id"] for v in r.get_json()["visits"]]


def test_a_caller_without_contracts_gets_the_configured_zone(app):
    from server.auth.tenancy import Identity
    from server.visits.queries import tenant_timezone

    assert tenant_timezone(Identity(user_id=1, role="coordinator", provider_id=999)) == "Europe/London"
    app.config["CAREMON"]["default_timezone"] = "Europe/Dublin"
    try:
        assert tenant_timezone(Identity(user_id=1, role="coordinator", provider_id=999)) == "Europe/Dublin"
    finally:
        app.config["CAREMON"]["default_timezone"] = "Europe/London"
