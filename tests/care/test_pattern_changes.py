"""Provider admins shaping a client's visits: previewing a pattern by the generation code itself, creating it
(its visits appear at once), changing or ending it (future visits follow; started ones stay), and editing
care packages. Bad input is 422 and writes nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.care import patterns
from server.care.models import CarePackage, VisitPattern
from server.db_types import utcnow
from server.extensions import db
from server.timeutil import to_local
from server.visits.models import Visit
from tests.dbstate import snapshot
from tests.sessions import headers_for

DAILY = {"weekdays": [1, 2, 3, 4, 5, 6, 7], "start_time": "08:00", "duration_minutes": 30, "carers_required": 2}


def today() -> date:
    return to_local(utcnow(), "Europe/London").date()


def pattern_visits(pattern_id):
    return db.session.scalars(select(Visit).where(Visit.pattern_id == pattern_id).order_by(Visit.planned_start)).all()


def test_the_preview_across_the_clocks_going_back_is_worked_out_by_hand(world):
    """Europe/London leaves BST at 02:00 on Sunday 25 October 2026: 08:00 is 07:00 UTC before, 08:00 UTC after."""
    now = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    body = {**DAILY, "weekdays": [5, 6, 7, 1], "starts_on": date(2026, 10, 24), "ends_on": None}
    result = patterns.preview(world.alpha.clients[0], body, now, days=4)
    assert [
        (v["local_date"].isoformat(), v["local_time"], v["planned_start"].isoformat()) for v in result["visits"]
    ] == [
        ("2026-10-24", "08:00", "2026-10-24T07:00:00+00:00"),
        ("2026-10-25", "08:00", "2026-10-25T08:00:00+00:00"),
        ("2026-10-26", "08:00", "2026-10-26T08:00:00+00:00"),
    ]
    # Four days a week of 30 minutes, beside the factory package of 420 a week and no other pattern.
    assert (result["weekly_minutes"], result["package_weekly_minutes"], result["other_patterns_weekly_minutes"]) == (
        120, 420, 0)


def test_the_visits_created_are_the_visits_previewed(client, world):
    admin, c = world.alpha.admin, world.alpha.clients[0]
    body = {**DAILY, "worker_ids": [w.id for w in world.alpha.workers], "starts_on": today().isoformat()}
    before = snapshot()
    preview = client.post(f"/api/v1/clients/{c.id}/visit-patterns/preview", json={**body, "days": 7},
                          headers=headers_for(admin))
    assert preview.status_code == 200, preview.get_json()
    assert snapshot() == before
    shown = preview.get_json()["visits"]
    assert len(shown) in (6, 7) and {v["carers_required"] for v in shown} == {2}
    assert shown[0]["workers"] == ["Alpha Worker 1", "Alpha Worker 2"]
    r = client.post(f"/api/v1/clients/{c.id}/visit-patterns", json=body, headers=headers_for(admin))
    assert r.status_code == 201
    made = pattern_visits(r.get_json()["id"])
    # Generation runs 14 days ahead; its first week is the preview's.
    assert [v.planned_start.isoformat() for v in made][:len(shown)] == [
        datetime.fromisoformat(v["planned_start"]).isoformat() for v in shown]
    assert [[a.worker_id for a in v.assignments] for v in made[:1]] == [[w.id for w in world.alpha.workers]]


def test_moving_a_pattern_cancels_its_future_visits_and_leaves_a_started_one(client, world):
    admin, c = world.alpha.admin, world.alpha.clients[0]
    start = (today() - timedelta(days=1)).isoformat()
    made = client.post(f"/api/v1/clients/{c.id}/visit-patterns", json={**DAILY, "starts_on": start},
                       headers=headers_for(admin)).get_json()
    future = [v for v in pattern_visits(made["id"]) if v.planned_start > utcnow()]
    started = future[0]
    started.status = "en_route"  # the carer is on the way: that visit is no longer the pattern's to move
    db.session.commit()
    r = client.patch(f"/api/v1/visit-patterns/{made['id']}", json={"start_time": "09:15", "tasks": ["Breakfast"]},
                     headers=headers_for(admin))
    assert r.status_code == 200, r.get_json()
    changes = r.get_json()["visits"]
    assert changes["cancelled"] == len(future) - 1 and changes["created"] >= len(future) - 1 and changes["changed"] == 0
    db.session.expire_all()
    now_visits = pattern_visits(made["id"])
    assert started.id in {v.id for v in now_visits} and db.session.get(Visit, started.id).status == "en_route"
    assert {v.planned_start.minute for v in now_visits if v.planned_start > utcnow() and v.id != started.id} == {15}
    cancelled = db.session.scalars(select(Visit).where(Visit.status == "cancelled", Visit.client_id == c.id)).all()
    assert len(cancelled) == len(future) - 1 and {v.pattern_id for v in cancelled} == {None}
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "visit_patterns.update"))
    assert entry.details["fields"] == ["start_time", "tasks"] and entry.details["cancelled"] == len(future) - 1


def test_ending_a_pattern_cancels_visits_after_its_end_and_reshapes_the_rest(client, world):
    admin, c = world.alpha.admin, world.alpha.clients[0]
    made = client.post(f"/api/v1/clients/{c.id}/visit-patterns", json={**DAILY, "starts_on": today().isoformat()},
                       headers=headers_for(admin)).get_json()
    end = today() + timedelta(days=3)
    r = client.patch(f"/api/v1/visit-patterns/{made['id']}", json={"ends_on": end.isoformat(), "duration_minutes": 45},
                     headers=headers_for(admin)).get_json()
    # Visits already due (today's 08:00, by afternoon) are the coordinator's to settle, not the pattern's.
    kept = [v for v in pattern_visits(made["id"]) if v.status == "scheduled" and v.planned_start > utcnow()]
    assert r["visits"]["changed"] == len(kept) and {v.planned_minutes for v in kept} == {45}
    assert max(v.planned_start for v in kept).date() <= end
    off = client.patch(f"/api/v1/visit-patterns/{made['id']}", json={"active": False}, headers=headers_for(admin))
    assert off.get_json()["visits"]["cancelled"] == len(kept)


@pytest.mark.parametrize("change", [
    {"ends_on": "2020-01-01"}, {"start_time": "25:00"}, {"weekdays": []}, {"duration_minutes": 2},
    {"worker_ids": "beta"},
])
def test_a_bad_pattern_change_is_422_and_writes_nothing(client, world, change):
    pattern = db.session.merge(VisitPattern(client_id=world.alpha.clients[0].id, weekdays=[1], start_time="08:00",
                                            duration_minutes=30, starts_on=date(2026, 1, 1)))
    db.session.commit()
    if change.get("worker_ids") == "beta":
        change = {"worker_ids": [world.beta.workers[0].id]}
    before = snapshot()
    r = client.patch(f"/api/v1/visit-patterns/{pattern.id}", json=change, headers=headers_for(world.alpha.admin))
    assert r.status_code == 422, r.get_json()
    assert snapshot() == before


def test_a_preview_with_another_providers_worker_is_422(client, world):
    body = {**DAILY, "starts_on": "2026-12-01", "worker_ids": [world.beta.workers[0].id]}
    r = client.post(f"/api/v1/clients/{world.alpha.clients[0].id}/visit-patterns/preview", json=body,
                    headers=headers_for(world.alpha.admin))
    assert r.status_code == 422 and "worker_ids" in r.get_json()["error"]["details"]["fields"]


def test_a_package_is_edited_and_ended_and_a_bad_end_writes_nothing(client, world):
    package = db.session.scalar(select(CarePackage).where(CarePackage.client_id == world.alpha.clients[0].id))
    admin = headers_for(world.alpha.admin)
    r = client.patch(f"/api/v1/care-packages/{package.id}", json={"weekly_minutes": 630, "ends_on": "2026-12-31"},
                     headers=admin)
    assert r.status_code == 200 and (r.get_json()["weekly_minutes"], r.get_json()["ends_on"]) == (630, "2026-12-31")
    before = snapshot()
    r = client.patch(f"/api/v1/care-packages/{package.id}", json={"ends_on": "2025-12-31"}, headers=admin)
    assert r.status_code == 422 and "ends_on" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before
    assert [e.details["fields"] for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "care_packages.update"))] == [["ends_on", "weekly_minutes"]]
