"""From the database to the planner's numbers: who works when, where the visits are, who the client knows."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.config import load_settings
from server.extensions import db
from server.planner import facts
from tests.builders import LONDON, alpha_day
from tests.factories import visit_for

SETTINGS = load_settings()
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def build(world, day, **settings):
    return facts.build_day(world.alpha.provider.id, day, LONDON, {**SETTINGS, **settings}, NOW, replan=False)


def test_shifts_follow_local_hours_across_the_clock_change(world):
    worker = world.alpha.workers[0]
    worker.working_hours = {"7": {"start": "07:00", "end": "15:00", "breaks": [["11:00", "11:30"]]}}
    world.alpha.workers[1].working_hours = {}  # works no day
    db.session.commit()
    # Sunday 29 March 2026: clocks go forward at 01:00, so 07:00 BST is 360 minutes after local midnight (GMT).
    [shift] = build(world, date(2026, 3, 29)).problem.shifts
    assert (shift.worker_id, shift.start, shift.end, shift.breaks) == (worker.id, 360, 840, ((600, 630),))
    [shift] = build(world, date(2026, 3, 22)).problem.shifts
    assert (shift.start, shift.end) == (420, 900)
    assert build(world, date(2026, 3, 23)).problem.shifts == []  # a Monday: not one of their days


def test_leave_and_no_recorded_hours(world):
    anna, bob = world.alpha.workers
    anna.unavailable_dates = ["2026-03-23"]
    db.session.commit()
    [shift] = build(world, date(2026, 3, 23)).problem.shifts
    assert (shift.worker_id, shift.start, shift.end) == (bob.id, 420, 22 * 60)  # the configured plan day


def test_visits_planned_kept_and_the_clients_known_carers(world):
    found = alpha_day(world)
    anna, bob = found["anna"], found["bob"]
    female = found["visits"]["female"]
    # Bob saw the female-only client last week: the planner knows (and would rather send him, were he allowed).
    visit_for(female.client, female.planned_start - timedelta(days=7), workers=[bob])
    db.session.commit()
    day = build(world, found["day"], plan_flex_minutes=20)
    by_visit = day.problem.visits()
    [stop] = by_visit[female.id]
    assert stop.known == frozenset({bob.id}) and stop.gender == "female"
    assert stop.latest - stop.earliest == 40 and stop.fixed_worker is None
    assert len(by_visit[found["visits"]["pair"].id]) == 2
    assert day.planned_ids == {v.id for v in found["visits"].values()}
    assert {s.worker_id for s in day.problem.shifts} == {anna.id, bob.id}


def test_a_contract_sets_its_own_flex(world):
    found = alpha_day(world)
    world.alpha.contract.plan_flex_minutes = 5
    db.session.commit()
    [stop] = build(world, found["day"]).problem.visits()[found["visits"]["female"].id]
    assert (stop.planned - stop.earliest, stop.latest - stop.planned) == (5, 5)
