"""Each report's JSON answer is its schema's dump: the same keys and values, ints as ints, floats as floats, dates
and times in the same form, over a week where every report has rows and every list in a row has items."""
from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import current_app

from server.auth.tenancy import Identity
from server.extensions import db
from server.feed import rejections
from server.reports.catalogue import REPORTS
from server.reports.schemas import RESPONSES
from server.reports.scope import resolve_scope
from server.visits.models import ReasonCode, VisitCorrection, VisitException
from tests.builders import activity, at, carer, dose, feed_event, medicine, package, score, visit
from tests.factories import add
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def lived_week(world):
    """Alpha's week: on time, late, short and manual visits, a double-up, two missed visits (one explained, one
    open), scores, activities, feed events and refusals, doses; a flexible package; Beta's visit was cancelled."""
    a, s = world.alpha, world.start
    ann, bob = a.clients
    w1, w2 = a.workers
    recorder = a.coordinator
    package(bob, 140, date(2026, 10, 19), flex_weeks=4)

    on_time, late = a.visits
    on_time.status, on_time.punctuality = "completed", "on_time"
    on_time.started_at, on_time.ended_at = s, s + timedelta(minutes=27, seconds=30)
    on_time.assignments[0].checked_in_at, on_time.assignments[0].checked_out_at = on_time.started_at, on_time.ended_at
    on_time.assignments[0].check_in_geofence = "verified"
    late.status, late.punctuality, late.flags = "completed", "late", ["late", "manual_times"]
    late.started_at, late.ended_at = s + timedelta(minutes=40), s + timedelta(minutes=50)
    late.assignments[0].checked_in_at, late.assignments[0].checked_out_at = late.started_at, late.ended_at
    late.assignments[0].manual = True
    double = visit(ann, "2026-11-24 09:00", 45, status="completed", punctuality="early",
                   started="2026-11-24 08:20", ended="2026-11-24 09:10")
    carer(double, w1, "2026-11-24 08:20", "2026-11-24 09:10", geofence="outside")
    carer(double, w2, "2026-11-24 08:21", "2026-11-24 09:10", method="qr")
    double.flags = ["early", "outside_geofence"]
    world.beta.visits[0].status = "cancelled"

    explained = visit(bob, "2026-11-25 18:30", status="missed")
    carer(explained, w2)
    add(VisitException(visit_id=explained.id, kind="missing_check_in", detail="No check-in by the missed threshold",
                       raised_at=at("2026-11-25 19:30"), resolved_at=at("2026-11-26 10:00:00.250000"),
                       resolution="client_in_hospital: admitted overnight"))
    add(VisitCorrection(visit_id=explained.id, worker_id=w2.id, check_in_at=at("2026-11-25 18:30"),
                        check_out_at=at("2026-11-25 18:31"), reason_code="other", note="Called the office",
                        created_by=recorder.id, created_at=at("2026-11-26 11:00")))
    add(ReasonCode(council_id=world.north.id, code="client_in_hospital", label="In hospital", external_code="H1"))
    still_open = visit(ann, "2026-11-27 13:00", status="missed")
    carer(still_open, w1)
    add(VisitException(visit_id=still_open.id, kind="missing_check_in", raised_at=at("2026-11-27 14:00")))

    score(on_time, a.outcomes[0], w1, "2026-11-23 09:10", 2)
    score(double, a.outcomes[0], w1, "2026-11-24 09:00", 3)
    score(double, a.outcomes[0], w2, "2026-11-24 09:05", 4)
    setting = SimpleNamespace(workers=a.workers, recorder=recorder)
    activity(setting, ann, "review", 25, "2026-11-26 14:00")
    activity(setting, bob, "liaising_family", 10, "2026-11-27 15:00")

    feed_event(on_time, "check_in", s, 12)
    feed_event(on_time, "check_out", s + timedelta(minutes=27), 40, geofence="none")
    feed_event(late, "check_in", s + timedelta(minutes=40), 95)
    rejections.record(a.provider.id, "CarerApp", "events", [{"status": "rejected", "error": {"code": "not_found"}}], s)
    db.session.commit()

    levodopa = medicine(ann, a.admin)
    dose(a.worker_users[0], on_time, levodopa, at=s + timedelta(minutes=5))


def canonical(text: str) -> str:
    """JSON text with keys in order and nothing else changed: 1 and 1.0, dates and times stay as written."""
    return json.dumps(json.loads(text), sort_keys=True)


def lists_in(value) -> dict[str, bool]:
    """For each key holding a list anywhere in value: whether any of those lists has items."""
    found: dict[str, bool] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(item, list):
                    found[key] = found.get(key, False) or bool(item)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return found


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_answer_is_the_schemas_dump(client, world, name):
    lived_week(world)
    r = client.get(f"/api/v1/reports/{name}", query_string=WEEK, headers=headers_for(world.officer))
    assert r.status_code == 200 and r.mimetype == "application/json"

    ident = Identity(user_id=world.officer.id, role="council_officer", council_id=world.north.id)
    built = REPORTS[name].build(resolve_scope(ident, date_from=date(2026, 11, 23), date_to=date(2026, 11, 29)))
    dumped = current_app.json.dumps(RESPONSES[name]().dump(built))

    assert canonical(r.get_data(as_text=True)) == canonical(dumped)
    body = r.get_json()
    assert body["rows"], "a report without rows would compare nothing"
    assert all(lists_in(body).values()), f"every list should hold items: {lists_in(body)}"
