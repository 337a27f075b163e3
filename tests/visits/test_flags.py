"""Visit flags: each rule of visits/flags.py on both sides of its threshold, worked by hand; then the flags and
check-out reasons through the API, stored on the visit, shown everywhere the visit is, filterable."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.extensions import db
from server.visits.flags import CarerTimes, Thresholds, VisitTimes, flags_for, is_verified
from server.visits.models import Visit, VisitAssignment
from server.visits.service import record_event
from tests.builders import FAR, event, post
from tests.factories import HOME, add
from tests.sessions import headers_for

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
LIMITS = Thresholds()


def visit(check_in=START, minutes=45, planned=45, required=1, carers=None, tasks=(), done=(), skew=False,
          geofence=("verified", "verified"), manual=False):
    check_out = None if minutes is None else check_in + minutes * MIN
    carers = carers if carers is not None else (CarerTimes(check_in, check_out, *geofence, manual),)
    return VisitTimes(START, planned, required, check_in, check_out, tuple(carers), tuple(tasks), frozenset(done),
                      skew)


def test_a_visit_as_planned_has_no_flags():
    assert flags_for(visit(), LIMITS) == []


@pytest.mark.parametrize(("offset", "flagged"), [(-30, False), (-31, True), (-120, True)])
def test_early_is_more_than_30_minutes_before_planned_start(offset, flagged):
    assert ("early" in flags_for(visit(check_in=START + offset * MIN), LIMITS)) is flagged


@pytest.mark.parametrize(("offset", "flagged"), [(30, False), (31, True)])
def test_late_is_more_than_30_minutes_after_planned_start(offset, flagged):
    assert ("late" in flags_for(visit(check_in=START + offset * MIN), LIMITS)) is flagged


@pytest.mark.parametrize(("minutes", "planned", "flagged"), [
    (41, 45, False),  # 90 % of 45 is 40.5: 41 is not under it
    (40, 45, True),
    (27, 30, False),  # exactly 90 %
    (26, 30, True),
    (0, 45, True),    # a 7-second visit is 0 whole minutes
])
def test_short_is_under_90_percent_of_planned(minutes, planned, flagged):
    assert ("short" in flags_for(visit(minutes=minutes, planned=planned), LIMITS)) is flagged


@pytest.mark.parametrize(("minutes", "flagged"), [(45, False), (46, True)])
def test_overrun_is_beyond_planned(minutes, flagged):
    assert ("overrun" in flags_for(visit(minutes=minutes), LIMITS)) is flagged


def test_thresholds_come_from_the_contract():
    limits = Thresholds(early_minutes=15, late_minutes=15, short_percent=50, overrun_minutes=10)
    assert flags_for(visit(check_in=START - 16 * MIN, minutes=22), limits) == ["early", "short"]
    assert flags_for(visit(check_in=START - 15 * MIN, minutes=23), limits) == []  # 50 % of 45 is 22.5
    assert flags_for(visit(minutes=55), limits) == []
    assert flags_for(visit(check_in=START + 16 * MIN, minutes=56), limits) == ["late", "overrun"]


@pytest.mark.parametrize(("geofence", "flag"), [
    (("outside", "verified"), "outside_geofence"), (("verified", "outside"), "outside_geofence"),
    (("unverified", "verified"), "unverified_location"), (("verified", "none"), "unverified_location"),
])
def test_either_fix_outside_or_unjudged_is_flagged(geofence, flag):
    assert flags_for(visit(geofence=geofence), LIMITS) == [flag]


def test_a_visit_still_in_progress_is_judged_on_its_check_in_only():
    running = visit(minutes=None, tasks=("Lunch",), geofence=("verified", None))
    assert flags_for(running, LIMITS) == []


def test_tasks_not_done_once_the_visit_ended():
    assert flags_for(visit(tasks=("Lunch", "Meds"), done=("Lunch",)), LIMITS) == ["tasks_not_done"]
    assert flags_for(visit(tasks=("Lunch", "Meds"), done=("Lunch", "Meds")), LIMITS) == []


def test_understaffed_when_fewer_carers_checked_in_than_required():
    there = CarerTimes(START, START + 45 * MIN, "verified", "verified")
    absent = CarerTimes(None, None)
    assert flags_for(visit(required=2, carers=(there, absent)), LIMITS) == ["understaffed"]
    assert flags_for(visit(required=2, carers=(there, there)), LIMITS) == []


def test_manual_times_are_flagged_and_carry_no_location_flag():
    assert flags_for(visit(manual=True, geofence=(None, None)), LIMITS) == ["manual_times"]


def test_clock_skew_is_carried():
    assert flags_for(visit(skew=True), LIMITS) == ["clock_skew"]


def test_the_seven_second_visit_two_hours_early_off_site_with_nothing_done():
    judged = visit(check_in=START - 120 * MIN, minutes=0, tasks=("a", "b", "c"), geofence=("outside", "outside"))
    assert flags_for(judged, LIMITS) == ["early", "short", "outside_geofence", "tasks_not_done"]


def test_verified_means_completed_in_the_geofence_within_thresholds():
    assert is_verified("completed", [])
    assert is_verified("completed", ["tasks_not_done", "overrun", "understaffed"])
    assert not is_verified("completed", ["unverified_location"])
    assert not is_verified("completed", ["early"])
    assert not is_verified("missed", [])



def test_seven_seconds_two_hours_early_off_site_with_no_task_done_is_flagged(client, world):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    visit.planned_minutes, visit.tasks = 45, ["Breakfast", "Medication", "Wash"]
    db.session.commit()
    t = world.start - timedelta(hours=2)
    assert post(client, worker, visit.id, event("check_in", t, *FAR)).status_code == 201
    r = post(client, worker, visit.id, event("check_out", t + timedelta(seconds=7), *FAR, task_reasons=[
        {"task": "Breakfast", "reason": "refused"}, {"task": "Medication", "reason": "no_time"},
        {"task": "Wash", "reason": "other", "note": "No hot water"}], short_reason="Client asked me to leave"))
    assert r.status_code == 201, r.get_json()
    flags = ["early", "short", "outside_geofence", "tasks_not_done"]
    assert r.get_json()["visit"]["flags"] == flags

    staff = headers_for(a.coordinator)
    shown = client.get(f"/api/v1/visits/{visit.id}", headers=staff).get_json()["visit"]
    assert shown["flags"] == flags
    assert [(x["about"], x.get("task"), x["code"], x["note"]) for x in shown["reasons"]] == [
        ("task", "Breakfast", "refused", None), ("task", "Medication", "no_time", None),
        ("task", "Wash", "other", "No hot water"), ("short", None, None, "Client asked me to leave")]
    listed = client.get("/api/v1/visits?date_from=2026-11-23", headers=staff).get_json()["items"]
    assert {v["id"]: v["flags"] for v in listed} == {visit.id: flags, a.visits[1].id: []}
    run = client.get("/api/v1/run?date=2026-11-23", headers=headers_for(worker)).get_json()
    assert run["visits"][0]["flags"] == flags


def test_visits_filter_by_flag(client, world):
    a = world.alpha
    post(client, a.worker_users[0], a.visits[0].id, event("check_in", world.start + timedelta(minutes=45)))
    post(client, a.worker_users[1], a.visits[1].id, event("check_in", world.start))
    staff = headers_for(a.coordinator)
    late = client.get("/api/v1/visits?flag=late", headers=staff).get_json()["items"]
    assert [v["id"] for v in late] == [a.visits[0].id]
    assert client.get("/api/v1/visits?flag=early", headers=staff).get_json()["items"] == []
    assert client.get("/api/v1/visits?flag=check_in", headers=staff).status_code == 422


def test_ticking_a_task_after_check_out_clears_tasks_not_done(client, world):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    post(client, worker, visit.id, event("check_in", world.start))
    post(client, worker, visit.id, event("task_done", world.start + timedelta(minutes=5), task="Breakfast"))
    r = post(client, worker, visit.id, event("check_out", world.start + timedelta(minutes=30)))
    assert r.get_json()["visit"]["flags"] == ["tasks_not_done"]
    # The phone's offline queue delivers the other tick late.
    r = post(client, worker, visit.id, event("task_done", world.start + timedelta(minutes=6), task="Medication"))
    assert r.get_json()["visit"]["flags"] == []


def test_a_double_up_with_one_carer_is_understaffed(client, world):
    a = world.alpha
    visit = a.visits[0]
    visit.carers_required = 2
    add(VisitAssignment(visit_id=visit.id, worker_id=a.workers[1].id, position=2))
    db.session.commit()
    worker = a.worker_users[0]
    post(client, worker, visit.id, event("check_in", world.start))
    for task in ("Breakfast", "Medication"):
        post(client, worker, visit.id, event("task_done", world.start + timedelta(minutes=3), task=task))
    r = post(client, worker, visit.id, event("check_out", world.start + timedelta(minutes=30)))
    assert r.get_json()["visit"]["status"] == "in_progress"  # the second carer's check-out is still awaited
    assert r.get_json()["visit"]["flags"] == ["understaffed"]
    # The second carer turns up after all.
    r = post(client, a.worker_users[1], visit.id, event("check_in", world.start + timedelta(minutes=20)))
    assert r.get_json()["visit"]["flags"] == []


def test_a_coordinators_times_are_flagged_manual(client, world):
    a = world.alpha
    visit = a.visits[0]
    r = client.post(f"/api/v1/visits/{visit.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[0].id, "check_in_at": world.start.isoformat(),
        "check_out_at": (world.start + timedelta(minutes=30)).isoformat(), "reason_code": "phone_lost_or_broken"})
    assert r.status_code == 201
    assert db.session.get(Visit, visit.id).flags == ["tasks_not_done", "manual_times"]


def test_a_skewed_phone_flags_the_visit(client, world):
    a = world.alpha
    now = datetime(2026, 11, 23, 9, 10, tzinfo=UTC)
    record_event(worker_id=a.workers[0].id, visit_id=a.visits[0].id, now=now, clock_offset_s=600,
                 skew_threshold_s=120, data={"idempotency_key": uuid.uuid4(), "kind": "check_in",
                                             "device_time": now, "lat": HOME[0], "lon": HOME[1], "accuracy_m": 5})
    db.session.commit()
    assert db.session.get(Visit, a.visits[0].id).flags == ["clock_skew"]


def test_reasons_are_checked(client, world):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    post(client, worker, visit.id, event("check_in", world.start))
    bad = [
        {"task_reasons": [{"task": "Breakfast", "reason": "other"}]},  # other needs a note
        {"task_reasons": [{"task": "Breakfast", "reason": "bored"}]},
        {"task_reasons": [{"task": "Hoovering", "reason": "refused"}]},  # not one of the visit's tasks
        {"task_reasons": [{"task": "Breakfast", "reason": "refused"}, {"task": "Breakfast", "reason": "no_time"}]},
    ]
    for extra in bad:
        r = post(client, worker, visit.id, event("check_out", world.start + timedelta(minutes=30), **extra))
        assert r.status_code == 422, extra
    r = post(client, worker, visit.id, event("note", world.start, text="hi", short_reason="Too quick"))
    assert r.status_code == 422
    assert db.session.get(Visit, visit.id).status == "in_progress"


M = timedelta(minutes=1)
ROUGH = (HOME[0], HOME[1], 250.0)  # a fix too inaccurate to judge


@pytest.mark.parametrize(("start", "minutes", "fix", "expected"), [
    (-30 * M, 30, None, []), (-31 * M, 30, None, ["early"]),                 # early: more than 30 min before
    (30 * M, 30, None, []), (31 * M, 30, None, ["late"]),                    # late: more than 30 min after
    (0 * M, 27, None, []), (0 * M, 26, None, ["short"]),                     # short: under 90 % of 30 = 27
    (0 * M, 30, None, []), (0 * M, 31, None, ["overrun"]),                   # overrun: beyond planned
    (0 * M, 30, ROUGH, ["unverified_location"]), (0 * M, 30, (*FAR, 10.0), ["outside_geofence"]),
], ids=["early-edge", "early", "late-edge", "late", "short-edge", "short", "overrun-edge", "overrun", "rough-fix",
        "outside"])
def test_each_flag_at_its_threshold_as_stored(client, world, start, minutes, fix, expected):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    fix = fix or (HOME[0], HOME[1], 10.0)
    at = world.start + start
    post(client, worker, visit.id, event("check_in", at, fix[0], fix[1], fix[2]))
    for task in visit.tasks:
        post(client, worker, visit.id, event("task_done", at, task=task))
    r = post(client, worker, visit.id, event("check_out", at + minutes * M, fix[0], fix[1], fix[2]))
    assert r.get_json()["visit"]["flags"] == expected
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).flags == expected


def test_contract_thresholds_move_the_edges(client, world):
    a = world.alpha
    a.contract.short_percent, a.contract.overrun_minutes, a.contract.early_minutes = 50, 10, 15
    db.session.commit()
    visit, worker = a.visits[0], a.worker_users[0]
    at = world.start - 16 * M
    post(client, worker, visit.id, event("check_in", at))
    for task in visit.tasks:
        post(client, worker, visit.id, event("task_done", at, task=task))
    r = post(client, worker, visit.id, event("check_out", at + 40 * M))
    assert r.get_json()["visit"]["flags"] == ["early"]  # 40 min: not short (under 15), not overrun (beyond 40)
