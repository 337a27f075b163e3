"""Visits from patterns: idempotent, safe against a racing run, and on local wall-clock time across clock changes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import event, func, insert, select

from server.care.generation import generate_visits
from server.care.models import VisitPattern
from server.extensions import db
from server.timeutil import to_local
from server.visits.models import Visit, VisitAssignment


def daily_pattern(world, start_time="08:00") -> VisitPattern:
    a = world.alpha
    pattern = VisitPattern(client_id=a.clients[0].id, weekdays=[1, 2, 3, 4, 5, 6, 7], start_time=start_time,
                           duration_minutes=30, carers_required=2, tasks=["Breakfast"],
                           worker_ids=[w.id for w in a.workers], starts_on=date(2026, 1, 1))
    db.session.add(pattern)
    db.session.commit()
    return pattern


def starts(pattern) -> list[datetime]:
    return db.session.scalars(select(Visit.planned_start).where(Visit.pattern_id == pattern.id)
                              .order_by(Visit.planned_start)).all()


def test_running_twice_creates_each_visit_once(world):
    pattern = daily_pattern(world)
    now = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    assert generate_visits(now, 7) == 8
    db.session.commit()
    assert generate_visits(now, 7) == 0
    assert generate_visits(datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc), 7) == 1  # a day later: one more
    db.session.commit()
    assert len(starts(pattern)) == len(set(starts(pattern))) == 9
    carers = db.session.scalar(select(func.count()).select_from(VisitAssignment).join(
        Visit, Visit.id == VisitAssignment.visit_id).where(Visit.pattern_id == pattern.id))
    assert carers == 18


def test_a_visit_a_racing_run_inserted_first_is_skipped_and_the_rest_are_made(world):
    pattern = daily_pattern(world)
    now = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    raced = []

    def other_run_commits_first(session, _context, _instances):
        """Just before this run's first insert, another scheduler commits the same visit on its own connection."""
        visit = next((o for o in session.new if isinstance(o, Visit)), None)
        if visit is None or raced:
            return
        raced.append(visit.planned_start)
        with db.engine.connect() as other:
            other.execute(insert(Visit).values(
                client_id=visit.client_id, contract_id=visit.contract_id, provider_id=visit.provider_id,
                pattern_id=visit.pattern_id, planned_start=visit.planned_start, planned_minutes=30,
                carers_required=2, tasks=[], status="scheduled"))
            other.commit()

    event.listen(db.session, "before_flush", other_run_commits_first)
    try:
        created = generate_visits(now, 7)
    finally:
        event.remove(db.session, "before_flush", other_run_commits_first)
    db.session.commit()
    assert raced == [datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)]
    assert created == 7
    assert len(starts(pattern)) == len(set(starts(pattern))) == 8
    ours = db.session.scalars(select(Visit).where(Visit.pattern_id == pattern.id, Visit.planned_start != raced[0]))
    assert all(len(v.assignments) == 2 for v in ours)


def test_daily_eight_oclock_stays_eight_oclock_local_across_both_2026_clock_changes(world):
    pattern = daily_pattern(world)
    generate_visits(datetime(2026, 3, 27, 6, 0, tzinfo=timezone.utc), 4)  # clocks go forward on Sunday 29 March
    generate_visits(datetime(2026, 10, 23, 6, 0, tzinfo=timezone.utc), 4)  # and back on Sunday 25 October
    db.session.commit()
    utc = [(s.date().isoformat(), s.hour) for s in starts(pattern)]
    assert utc == [
        ("2026-03-27", 8), ("2026-03-28", 8), ("2026-03-29", 7), ("2026-03-30", 7), ("2026-03-31", 7),
        ("2026-10-23", 7), ("2026-10-24", 7), ("2026-10-25", 8), ("2026-10-26", 8), ("2026-10-27", 8),
    ]
    assert {to_local(s, "Europe/London").strftime("%H:%M") for s in starts(pattern)} == {"08:00"}
