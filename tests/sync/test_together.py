"""A batch's events are stored together (one flush), and end where the same events sent one by one end."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.monitoring.models import Alert
from server.sync import service
from server.visits import idempotency
from server.visits.models import ExceptionKind, OutcomeProgress, Visit, VisitEvent, VisitException
from server.visits.service import open_exception
from tests.builders import FAR, item, post, upload
from tests.dbstate import count, statements_sent
from tests.factories import visit_for

NO_FIX = {"lat": None, "lon": None, "accuracy_m": None}


def day_at_a_door(world, leaving_far=True):
    """(minutes after planned start, kind, extra): every rule an event meets, some of them twice.

    Leaving far from home raises an alert, which costs its own statements: one per visit, never per event."""
    far = {"lat": FAR[0], "lon": FAR[1]} if leaving_far else {}
    return [(-2, "arrival", {}), (0, "check_in", NO_FIX), (1, "check_in", NO_FIX),
            (5, "task_done", {"task": "Breakfast"}), (6, "note", {"text": "Kettle on"}),
            (7, "outcome_progress", {"outcome_id": world.alpha.outcomes[0].id, "score": 3}),
            (31, "check_out", far), (33, "check_out", far)]


def out_of_order(world):
    return [(30, "check_out", {}), (0, "check_in", {}), (2, "task_done", {"task": "Breakfast"}),
            (3, "task_done", {"task": "Medication"})]


def items_for(visit, script):
    return [item(visit, kind, visit.planned_start + timedelta(minutes=m), **extra) for m, kind, extra in script]


def state(visit_id):
    """What the events made of the visit, without ids or receipt times."""
    db.session.expire_all()
    visit = db.session.get(Visit, visit_id)
    (carer,) = visit.assignments
    return {
        "visit": (visit.status, sorted(visit.flags), visit.punctuality, visit.started_at, visit.ended_at),
        "carer": (carer.arrived_at, carer.checked_in_at, carer.checked_out_at, carer.arrival_geofence,
                  carer.check_in_geofence, carer.check_out_geofence),
        "events": [(e.kind, e.device_time, e.verdict, sorted(e.flags)) for e in db.session.scalars(
            select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id))],
        "exceptions": sorted((e.kind, e.worker_id, e.resolved_at is None) for e in db.session.scalars(
            select(VisitException).where(VisitException.visit_id == visit_id))),
        "alerts": sorted(a.kind for a in db.session.scalars(select(Alert).where(Alert.visit_id == visit_id))),
        "progress": [(p.score, p.event_id is not None) for p in db.session.scalars(
            select(OutcomeProgress).where(OutcomeProgress.visit_id == visit_id))],
    }


def visits_alike(world, n):
    """Visits of one carer at one time, each marked missed (by a scan, while the phone was offline)."""
    a = world.alpha
    visits = [visit_for(a.clients[0], world.start + timedelta(days=1), workers=[a.workers[0]]) for _ in range(n)]
    for visit in visits:
        open_exception(visit, ExceptionKind.MISSED, world.start + timedelta(days=1, hours=2))
    db.session.commit()
    return visits


def test_a_batch_ends_where_the_same_events_sent_one_by_one_end(client, world):
    worker = world.alpha.worker_users[0]
    for script in (day_at_a_door, out_of_order):
        alone, together = visits_alike(world, 2)
        for body in items_for(alone, script(world)):
            assert post(client, worker, alone.id, {k: v for k, v in body.items()
                                                   if k not in ("type", "visit_id")}).status_code == 201
        r = upload(client, worker, items_for(together, script(world)))
        assert {x["status"] for x in r.get_json()["results"]} == {"accepted"}
        expected = state(alone.id)
        assert expected["exceptions"] and expected["events"]  # the script did meet the rules it is about
        assert state(together.id) == expected


def test_a_batchs_reads_and_savepoints_do_not_grow_with_its_events(client, world, app):
    """Five times the events cost the same reads, one savepoint for the whole batch, and (where the database
    returns many inserted rows' ids in order, as PostgreSQL does, not SQLite) hardly more writes."""
    a = world.alpha
    visits = visits_alike(world, 7)
    script = day_at_a_door(world, leaving_far=False)
    # The first batch of a test finds rows the world left in the session: it is sent to be like the others.
    batches = {"first": items_for(visits[0], script), "small": items_for(visits[1], script),
               "large": [i for v in visits[2:] for i in items_for(v, script)]}
    ran = {}
    for name, batch in batches.items():
        with statements_sent() as sent:
            r = upload(client, a.worker_users[0], batch)
        ran[name] = [statement.split()[0] for statement in sent]
        assert {x["status"] for x in r.get_json()["results"]} == {"accepted"}
    small, large = (Counter(ran[name]) for name in ("small", "large"))
    assert len(batches["large"]) == 5 * len(batches["small"])
    assert small["SAVEPOINT"] == large["SAVEPOINT"] == 1
    assert small["SELECT"] == large["SELECT"]
    if db.engine.dialect.name == "postgresql":
        # Writes are grouped by table and by the columns changed: five times the events are nowhere near five
        # times the writes.
        assert large["INSERT"] + large["UPDATE"] < 2 * (small["INSERT"] + small["UPDATE"])

def test_a_key_a_racing_request_stored_after_the_lookup_is_a_duplicate_and_the_rest_land_once(client, world,
                                                                                             monkeypatch):
    a = world.alpha
    visit, t = a.visits[0], world.start
    check_in, check_out = item(visit, "check_in", t), item(visit, "check_out", t + timedelta(minutes=30))
    raced = upload(client, a.worker_users[0], [check_in]).get_json()["results"][0]
    real = idempotency.keys_looked_up

    @contextmanager
    def blind(keys):
        """The lookup as it stood before the racing request committed: every key new."""
        with real(keys):
            idempotency._looked_up.get()[VisitEvent] = dict.fromkeys(map(str, keys[VisitEvent]))
            yield

    monkeypatch.setattr(service, "keys_looked_up", blind)
    r = upload(client, a.worker_users[0], [item(visit, "arrival", t - timedelta(minutes=2)), check_in, check_out])
    assert [(x["status"], x["id"]) for x in r.get_json()["results"]][1] == ("duplicate", raced["id"])
    assert [x["status"] for x in r.get_json()["results"]] == ["accepted", "duplicate", "accepted"]
    assert count(VisitEvent) == 3
    assert state(visit.id)["visit"][0] == "completed"
