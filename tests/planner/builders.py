"""A provider's day to plan, in the factory world: Alpha's carers, clients with needs, visits without carers."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.extensions import db
from server.timeutil import local_wall_time_to_utc
from tests.factories import add, client_for, visit_for

TZ = "Europe/London"


def plan_day() -> date:
    """A day ahead of the real clock (the API plans from now), the same weekday every run."""
    today = datetime.now(UTC).date()
    return today + timedelta(days=28 - today.weekday())  # a Monday four weeks or so ahead


def at(day: date, hhmm: str) -> datetime:
    return local_wall_time_to_utc(day, hhmm, TZ)


def alpha_day(world) -> dict:
    """Alpha's two carers (one female with the hoist skill, one male) and five unassigned visits on plan_day:
    one needing a female carer, one needing a hoist, a double-up, and one whose client refuses both."""
    a, day = world.alpha, plan_day()
    anna, bob = a.workers
    anna.gender, anna.skills, bob.gender = "female", ["hoist"], "male"
    anna.working_hours = bob.working_hours = {str(d): {"start": "07:00", "end": "15:00", "breaks": [["11:00", "11:30"]]}
                                             for d in range(1, 8)}
    female_only, hoist, pair, refuses = (client_for(a.contract, name, lat, lon) for name, lat, lon in (
        ("Female", 54.3290, -2.7470), ("Hoist", 54.3300, -2.7400), ("Pair", 54.3250, -2.7500),
        ("Refuses", 54.3270, -2.7450)))
    female_only.carer_gender, hoist.required_skills = "female", ["hoist"]
    refuses.excluded_worker_ids = [anna.id, bob.id]
    visits = {
        "female": visit_for(female_only, at(day, "08:00")),
        "hoist": visit_for(hoist, at(day, "08:00")),
        "pair": visit_for(pair, at(day, "09:30"), minutes=45),
        "refused": visit_for(refuses, at(day, "10:00")),
        "late": visit_for(female_only, at(day, "13:00")),
    }
    visits["pair"].carers_required = 2
    db.session.commit()
    return {"day": day, "anna": anna, "bob": bob, "visits": visits}


def done_plan(side, day: date, result: dict | None = None):
    """A finished plan of the side's provider, stored directly."""
    from server.planner.models import Plan, PlanStatus

    plan = add(Plan(provider_id=side.provider.id, day=day, days=1, status=PlanStatus.DONE, options={},
                    result=result or {"assignments": [], "unassigned": [], "runs": [], "fingerprints": {},
                                      "travel_minutes": 0, "solver": "greedy", "seconds": 0, "notes": []}))
    db.session.commit()
    return plan
