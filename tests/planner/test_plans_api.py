"""Planning through the API: a background job, its plan reviewed, published in one go or refused when stale."""
from __future__ import annotations

from datetime import datetime

import pytest

from server.extensions import db
from server.planner import jobs
from server.planner.models import Plan
from server.visits.models import Visit
from tests.builders import alpha_day, done_plan, wall_time
from tests.dbstate import snapshot
from tests.sessions import headers_for


def start_plan(client, who, **body):
    r = client.post("/api/v1/plans", json=body, headers=headers_for(who))
    assert r.status_code == 202, r.get_json()
    plan = r.get_json()
    assert plan["status"] == "queued"
    jobs.wait(plan["id"])
    r = client.get(f"/api/v1/plans/{plan['id']}", headers=headers_for(who))
    assert r.status_code == 200
    return r.get_json()


@pytest.fixture
def day(world):
    return alpha_day(world)


def test_a_plan_keeps_every_rule_and_says_why_a_visit_is_left_out(client, world, day):
    plan = start_plan(client, world.alpha.coordinator, date=day["day"].isoformat(), time_limit_s=1)
    assert plan["status"] == "done", plan["error"]
    result, visits = plan["result"], day["visits"]
    anna, bob = day["anna"].id, day["bob"].id
    given = {row["visit_id"]: row for row in result["assignments"]}
    assert given[visits["female"].id]["worker_ids"] == [anna]
    assert given[visits["late"].id]["worker_ids"] == [anna]
    # Anna is the only one with the hoist skill, but the female-only client at 08:00 needs her too: the hoist
    # visit moves within its 15-minute flex, or one of them is left out with a reason.
    pair = given[visits["pair"].id]
    assert sorted(pair["worker_ids"]) == sorted([anna, bob])
    [refused] = [row for row in result["unassigned"] if row["visit_id"] == visits["refused"].id]
    assert refused["reason"] == "all_carers_refused" and refused["message"]
    for row in result["assignments"]:
        assert abs(row["moved_minutes"]) <= 15
    runs = {run["worker_id"]: run for run in result["runs"]}
    starts = [datetime.fromisoformat(s["start"]) for s in runs[anna]["stops"]]
    assert starts == sorted(starts)
    assert runs[anna]["travel_minutes"] == sum(s["travel_minutes"] for s in runs[anna]["stops"])
    assert result["travel_minutes"] == sum(run["travel_minutes"] for run in result["runs"])


def test_publishing_puts_the_plan_on_the_carers_runs(client, world, day):
    coordinator = world.alpha.coordinator
    plan = start_plan(client, coordinator, date=day["day"].isoformat(), time_limit_s=1)
    r = client.post(f"/api/v1/plans/{plan['id']}/publish", headers=headers_for(coordinator))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "published"
    run = client.get("/api/v1/run", query_string={"date": day["day"].isoformat()},
                     headers=headers_for(world.alpha.worker_users[0])).get_json()
    planned = {row["visit_id"] for row in plan["result"]["assignments"] if day["anna"].id in row["worker_ids"]}
    assert {v["id"] for v in run["visits"]} == planned
    db.session.expire_all()
    pair = db.session.get(Visit, day["visits"]["pair"].id)
    assert sorted(a.worker_id for a in pair.active_assignments) == sorted([day["anna"].id, day["bob"].id])
    # Published once: a second time is refused.
    assert client.post(f"/api/v1/plans/{plan['id']}/publish", headers=headers_for(coordinator)).status_code == 409


def test_a_plan_whose_visits_changed_is_refused_and_changes_nothing(client, world, day):
    coordinator = world.alpha.coordinator
    plan = start_plan(client, coordinator, date=day["day"].isoformat(), time_limit_s=1)
    moved = day["visits"]["female"]
    r = client.patch(f"/api/v1/visits/{moved.id}", json={"planned_start": wall_time(day["day"], "08:30").isoformat()},
                     headers=headers_for(coordinator))
    assert r.status_code == 200
    before = snapshot()
    r = client.post(f"/api/v1/plans/{plan['id']}/publish", headers=headers_for(coordinator))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "plan_stale"
    assert r.get_json()["error"]["details"]["visit_ids"] == [moved.id]
    assert snapshot() == before


def test_assigned_visits_keep_their_carers_unless_replanned(client, world, day):
    """The factory's 09:00 visits are Alpha's workers' own (in the past of plan_day, so untouched); a visit on
    plan_day given to Bob stays Bob's, and takes his time."""
    coordinator = world.alpha.coordinator
    kept = day["visits"]["hoist"]
    client.patch(f"/api/v1/visits/{kept.id}", json={"worker_ids": [day["bob"].id]}, headers=headers_for(coordinator))
    plan = start_plan(client, coordinator, date=day["day"].isoformat(), time_limit_s=1)
    assert kept.id not in {row["visit_id"] for row in plan["result"]["assignments"] + plan["result"]["unassigned"]}
    bob_run = next(run for run in plan["result"]["runs"] if run["worker_id"] == day["bob"].id)
    assert [s["kept"] for s in bob_run["stops"] if s["visit_id"] == kept.id] == [True]


def test_one_plan_at_a_time_and_bad_input_writes_nothing(client, world, day):
    coordinator = world.alpha.coordinator
    db.session.add(Plan(provider_id=world.alpha.provider.id, day=day["day"], status="running", options={}))
    db.session.commit()
    r = client.post("/api/v1/plans", json={"date": day["day"].isoformat()}, headers=headers_for(coordinator))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "plan_running"
    before = snapshot()
    for body in ({"date": "2026-13-01"}, {"date": day["day"].isoformat(), "days": 8}, {"days": 1},
                 {"date": day["day"].isoformat(), "provider_id": world.beta.provider.id}):
        r = client.post("/api/v1/plans", json=body, headers=headers_for(coordinator))
        assert r.status_code in (404, 422), (body, r.get_json())
    assert snapshot() == before


def test_workers_and_families_cannot_plan(client, world):
    for who in (world.alpha.worker_users[0], world.alpha.family, world.officer):
        assert client.post("/api/v1/plans", json={"date": "2030-01-07"}, headers=headers_for(who)).status_code == 403


def test_a_plan_not_done_is_not_published(client, world, day):
    plan = done_plan(world.alpha, day["day"])
    plan.status = "running"
    db.session.commit()
    r = client.post(f"/api/v1/plans/{plan.id}/publish", headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "plan_not_ready"
