"""Planning visits from the roster: conflicts found (double-booked carers, too little travel time), warned of on
every create and change and listed per day; cancelling with a reason and nothing else; all of it audited."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.config import load_settings
from server.extensions import db
from server.travel import travel_model
from server.visits.conflicts import DOUBLE_BOOKED, TRAVEL_TIME, Slot, find_conflicts
from tests.dbstate import snapshot
from tests.factories import HOME
from tests.sessions import headers_for

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
M = timedelta(minutes=1)
# About 11 km north of HOME: 11.1 km x 1.3 road factor at 30 km/h is about 29 minutes by car.
FAR = (HOME[0] + 0.1, HOME[1])
TRAVEL = travel_model(load_settings())


def slot(visit_id, start_min, minutes, home=HOME, worker_id=1):
    return Slot(visit_id, worker_id, T0 + start_min * M, T0 + (start_min + minutes) * M, home)


def test_conflicts_worked_out_by_hand():
    needed = TRAVEL.seconds(HOME, FAR)
    assert 27 * 60 < needed < 31 * 60
    found = find_conflicts([
        slot(1, 0, 30),                 # 09:00-09:30 at home
        slot(2, 20, 30),                # 09:20-09:50: overlaps 1 by ten minutes
        slot(3, 60, 30, FAR),           # 10:00: ten minutes after 2 ends, half an hour's drive away
        slot(4, 120, 30, FAR),          # 11:00: same home as 3, no travel needed
        slot(5, 0, 30, worker_id=2),    # another carer at the same time: no conflict of worker 1's
    ], TRAVEL)
    assert found == [
        {"kind": DOUBLE_BOOKED, "worker_id": 1, "visit_ids": [1, 2], "overlap_s": 600, "gap_s": None, "travel_s": None},
        {"kind": TRAVEL_TIME, "worker_id": 1, "visit_ids": [2, 3], "overlap_s": None, "gap_s": 600, "travel_s": needed},
    ]


def test_a_visit_inside_a_long_one_is_double_booked_with_it_and_back_to_back_at_one_home_is_fine():
    found = find_conflicts([slot(1, 0, 180), slot(2, 30, 30), slot(3, 90, 30), slot(4, 180, 30)], TRAVEL)
    assert [(c["kind"], c["visit_ids"]) for c in found] == [(DOUBLE_BOOKED, [1, 2]), (DOUBLE_BOOKED, [1, 3])]


def audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_create_and_change_answer_with_warnings_and_the_day_lists_them(client, world):
    a = world.alpha
    a.clients[1].lat, a.clients[1].lon = FAR
    db.session.commit()
    staff = headers_for(a.coordinator)
    w0 = a.workers[0]

    # A visit 10 minutes after worker 0's 09:00-09:30, half an hour's drive away: saved, with a warning.
    r = client.post("/api/v1/visits", headers=staff, json={
        "client_id": a.clients[1].id, "planned_start": (T0 + 40 * M).isoformat(), "planned_minutes": 30,
        "worker_ids": [w0.id], "tasks": ["Lunch"]})
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    [warning] = created["warnings"]
    assert (warning["kind"], warning["worker_id"], warning["worker_name"]) == (TRAVEL_TIME, w0.id, "Alpha Worker 1")
    assert warning["visit_ids"] == [a.visits[0].id, created["id"]] and warning["gap_s"] == 600
    assert audit("visit.create")[-1].details["worker_ids"] == [w0.id]

    # Rescheduling it an hour later clears the warning.
    r = client.patch(
        f"/api/v1/visits/{created['id']}", headers=staff, json={"planned_start": (T0 + 90 * M).isoformat()}
    )
    assert r.status_code == 200 and r.get_json()["warnings"] == []
    # Reassigning worker 1's 09:00 visit to worker 0 double-books worker 0.
    r = client.patch(f"/api/v1/visits/{a.visits[1].id}", headers=staff, json={"worker_ids": [w0.id]})
    assert [(c["kind"], c["visit_ids"]) for c in r.get_json()["warnings"]] == [
        (DOUBLE_BOOKED, sorted([a.visits[0].id, a.visits[1].id]))]
    assert audit("visit.update")[-1].details["worker_ids"] == [w0.id]

    r = client.get("/api/v1/visits/conflicts", query_string={"date": "2026-11-23"}, headers=staff)
    assert r.status_code == 200
    kinds = [(c["kind"], c["worker_name"]) for c in r.get_json()["conflicts"]]
    assert (DOUBLE_BOOKED, "Alpha Worker 1") in kinds
    # Another provider's coordinator sees none of it; a cancelled visit conflicts with nothing.
    assert client.get("/api/v1/visits/conflicts", query_string={"date": "2026-11-23"},
                      headers=headers_for(world.beta.coordinator)).get_json()["conflicts"] == []
    r = client.patch(f"/api/v1/visits/{a.visits[1].id}", headers=staff, json={"cancel_reason": "Client in hospital"})
    assert r.status_code == 200 and r.get_json()["warnings"] == []
    assert client.get("/api/v1/visits/conflicts", query_string={"date": "2026-11-23"},
                      headers=staff).get_json()["conflicts"] == []
    assert audit("visit.update")[-1].details["cancel_reason"] == "Client in hospital"


@pytest.mark.parametrize("body, field", [
    ({"cancel_reason": "   "}, "cancel_reason"),
    ({"cancel_reason": "Ill", "planned_minutes": 45}, "cancel_reason"),
    ({"carers_required": 0}, "carers_required"),
    ({"worker_ids": [10 ** 9]}, "worker_ids"),
])
def test_bad_changes_are_refused_and_change_nothing(client, world, body, field):
    before = snapshot()
    r = client.patch(
        f"/api/v1/visits/{world.alpha.visits[0].id}", json=body, headers=headers_for(world.alpha.coordinator)
    )
    assert r.status_code == 422 and field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_conflicts_need_a_date_and_staff(client, world):
    staff = headers_for(world.alpha.coordinator)
    assert client.get("/api/v1/visits/conflicts", headers=staff).status_code == 422
    assert client.get("/api/v1/visits/conflicts?date=2026-13-01", headers=staff).status_code == 422
    assert client.get("/api/v1/visits/conflicts?date=2026-11-23",
                      headers=headers_for(world.alpha.worker_users[0])).status_code == 403


def test_a_double_up_can_be_made_from_a_single_visit(client, world):
    a = world.alpha
    r = client.patch(f"/api/v1/visits/{a.visits[0].id}", headers=headers_for(a.coordinator),
                     json={"carers_required": 2, "worker_ids": [a.workers[0].id, a.workers[1].id]})
    assert r.status_code == 200
    body = r.get_json()
    assert body["carers_required"] == 2 and [x["worker_id"] for x in body["assignments"]] == [w.id for w in a.workers]
    # Worker 1 was already on the other 09:00 visit.
    assert [c["worker_id"] for c in body["warnings"]] == [a.workers[1].id]
