"""Four weeks of Alpha's work (Mon 2 Feb to Sun 1 Mar 2026, GMT throughout) whose KPIs are worked out by hand.

AlphaClient1 (weekly package, 420 min): Mon 2 Feb checked in 09:05 by Worker 1 (on time, 30 min,
score 2); Tue 3 Feb 09:40 by Worker 1 (late, 30 min, score 3); Wed 4 Feb 09:00 by Worker 2 (on time,
20 min: short, score 4); Thu 5 Feb missed, resolved "client_in_hospital: Admitted overnight"; Fri 13 Feb
missed with nothing recorded. Delivered 80 of 1,680 commissioned minutes (4.8%); 2 different carers.

AlphaClient2 (four-week flexible package, 420 min a week): Mon 9 Feb 10:00 by Worker 2 (on time, 45 min,
score 3); Mon 16 Feb checked in 09:20 for 10:00 (early, 30 min, score 2). Delivered 75 of 1,680 (4.5%),
one block 2 Feb to 1 Mar; 1 carer.

Punctuality: 7 due; early 1, on time 3 (42.9%), late 1, missed 2. Outcomes: AlphaClient1's rises 2 -> 4,
AlphaClient2's falls 3 -> 2. Beta has one on-time visit in the period, which only the council sees.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select

from server.care.models import CarePackage
from server.extensions import db
from server.visits.models import VisitException
from server.visits.service import record_event
from tests.e2e.seed import scan_at
from tests.factories import HOME, make_world, visit_for

FIRST = date(2026, 2, 2)
LAST = date(2026, 3, 1)


def utc(day: int, hhmm: str, month: int = 2) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)  # February is GMT: local = UTC


def deliver(visit, worker, check_in: datetime, minutes: int, outcome=None, score: int | None = None) -> None:
    events = [("check_in", check_in, {})]
    if outcome is not None:
        events.append(("outcome_progress", check_in + timedelta(minutes=5), {"outcome_id": outcome.id, "score": score}))
    events.append(("check_out", check_in + timedelta(minutes=minutes), {}))
    for kind, at, extra in events:
        record_event(worker_id=worker.id, visit_id=visit.id, now=at, data={
            "idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at, "device_id": "seed",
            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0, **extra})


def seed_kpis() -> SimpleNamespace:
    world = make_world(start=datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc))  # the factory's visits: before the period
    a = world.alpha
    w1, w2 = a.workers
    c1, c2 = a.clients
    o1, o2 = a.outcomes
    for package in db.session.scalars(select(CarePackage).where(CarePackage.client_id == c2.id)):
        package.flex_weeks = 4

    deliver(visit_for(c1, utc(2, "09:00"), workers=[w1]), w1, utc(2, "09:05"), 30, o1, 2)
    deliver(visit_for(c1, utc(3, "09:00"), workers=[w1]), w1, utc(3, "09:40"), 30, o1, 3)
    deliver(visit_for(c1, utc(4, "09:00"), workers=[w2]), w2, utc(4, "09:00"), 20, o1, 4)
    hospital = visit_for(c1, utc(5, "09:00"), workers=[w1])
    forgotten = visit_for(c1, utc(13, "09:00"), workers=[w2])
    deliver(visit_for(c2, utc(9, "10:00"), workers=[w2]), w2, utc(9, "10:00"), 45, o2, 3)
    deliver(visit_for(c2, utc(16, "10:00"), workers=[w2]), w2, utc(16, "09:20"), 30, o2, 2)
    beta = world.beta
    deliver(
        visit_for(beta.clients[0], utc(10, "11:00"), workers=[beta.workers[0]]), beta.workers[0], utc(10, "11:00"), 30
    )
    db.session.commit()

    for visit in (hospital, forgotten):
        scan_at(visit, 65)
    # The coordinator says why: the scan's missed exception resolved with the council's reason code.
    missed = db.session.scalar(select(VisitException).where(VisitException.visit_id == hospital.id,
                                                            VisitException.kind == "missed"))
    missed.resolved_at, missed.resolved_by = utc(5, "11:00"), a.coordinator.id
    missed.reason_code, missed.resolution = "client_in_hospital", "client_in_hospital: Admitted overnight"
    db.session.commit()
    world.first, world.last = FIRST, LAST
    world.hospital, world.forgotten = hospital, forgotten
    return world
