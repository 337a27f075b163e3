"""Rows and request bodies beyond make_world's (tests/factories.py), one module for the tests of every package."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from server.auth.tenancy import Identity
from server.care.models import CarePackage, Outcome
from server.commissioning import offers, zones
from server.db_types import utcnow
from server.directory.models import Client, Contract, Council, Provider, Worker
from server.extensions import db
from server.medication import prescribing, recording
from server.outcomes.models import OutcomeReview
from server.payments.models import PaymentPeriod
from server.reports.periods import Period
from server.reports.scope import Scope
from server.timeutil import local_range_bounds, local_wall_time_to_utc
from server.visits.models import NonContactActivity, OutcomeProgress, Visit, VisitAssignment, VisitEvent
from tests.factories import HOME, add, client_for, user, visit_for
from tests.sessions import headers_for

FAR = (HOME[0] + 0.0198, HOME[1])  # about 2.2 km north of the home
LONDON = "Europe/London"
REMOVED = datetime(2026, 1, 1, tzinfo=timezone.utc)  # when a reassigned carer was taken off; never read


def event(kind, at, lat=HOME[0], lon=HOME[1], accuracy=12.0, **extra):
    """A phone's visit event as the API takes it."""
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(),
            "lat": lat, "lon": lon, "accuracy_m": accuracy, "device_id": "phone-1", **extra}


def post(client, user, visit_id, body):
    return client.post(f"/api/v1/visits/{visit_id}/events", json=body, headers=headers_for(user))


def item(visit, kind, at, **extra):
    """A visit event as an item of a phone's sync batch."""
    return {"type": "visit_event", "visit_id": visit.id, "idempotency_key": str(uuid.uuid4()), "kind": kind,
            "device_time": at.isoformat(), "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10, **extra}


def upload(client, user, items, sent_at=None):
    sent_at = sent_at or datetime.now(timezone.utc)
    return client.post("/api/v1/sync/batches", headers=headers_for(user),
                       json={"device_id": "phone-7", "sent_at": sent_at.isoformat(), "items": items})


# Bodies for the world `w`, with fields changed; a field set to MISSING is left out of the body altogether.
MISSING = object()


def _without_missing(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not MISSING}


def ev(w, **changes) -> dict:
    return _without_missing({"idempotency_key": str(uuid.uuid4()), "kind": "check_in",
                             "device_time": w.start.isoformat(), "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0,
                             **changes})


def activity_body(w, **changes) -> dict:
    return _without_missing({"idempotency_key": str(uuid.uuid4()), "category": "review", "minutes": 20,
                             "occurred_at": w.start.isoformat(), **changes})


def correction(w, **changes) -> dict:
    return _without_missing({"worker_id": w.alpha.workers[0].id, "check_in_at": w.start.isoformat(),
                             "check_out_at": (w.start + timedelta(minutes=30)).isoformat(),
                             "reason_code": "forgot_to_log", **changes})


def new_visit(w, **changes) -> dict:
    return _without_missing({"client_id": w.alpha.clients[0].id, "planned_start": w.start.isoformat(),
                             "planned_minutes": 30, **changes})


def client_body(w, **changes) -> dict:
    return _without_missing({"contract_id": w.alpha.contract.id, "name": "Ada", "address": "3 Fell Road",
                             "lat": HOME[0], "lon": HOME[1], **changes})


def pattern(w, **changes) -> dict:
    return {"weekdays": [1, 2, 3], "start_time": "08:00", "duration_minutes": 30, "starts_on": "2026-12-01", **changes}


# Tags: issuing one through the API, and events that show presence by a tag rather than a fix.

def issue(client, world, home):
    r = client.post(f"/api/v1/clients/{home.id}/tags", headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def by_tag(kind, at, **presence):
    """An event without a fix (indoors), showing presence some other way."""
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(), **presence}


# Medicines and dose records, made through the services so versions and audits are as in use.

def medicine(client, author, **fields):
    """A medicine on the client's list (version 1), due daily at 09:00 unless told otherwise."""
    data = {"name": "Levodopa", "dmd_code": None, "strength": "100 mg", "dose": "1 tablet", "route": "oral",
            "instructions": None, "times": ["09:00"], "visit_pattern_ids": [], "weekdays": None,
            "time_critical": False, "prn": False, "prn_max_per_day": None, "prn_min_interval_minutes": None,
            "starts_on": date(2026, 1, 1), "ends_on": None, "reason": None, **fields}
    if data["prn"]:
        data["times"] = []
    ident = Identity(user_id=author.id, role=author.role, provider_id=author.provider_id)
    made = prescribing.add_medication(ident, client, data, datetime.now(timezone.utc))
    db.session.commit()
    return made


def dose(worker_user, visit, medication, slot="09:00", outcome="given", at=None, **fields):
    data = {"idempotency_key": uuid.uuid4(), "medication_id": medication.id, "slot": slot, "outcome": outcome,
            "administered_at": at or visit.planned_start, **fields}
    record, _ = recording.record_dose(worker_id=worker_user.worker_id, visit_id=visit.id, data=data,
                                      now=datetime.now(timezone.utc))
    db.session.commit()
    return record


def dose_body(medication, slot="09:00", outcome="given", at=None, **fields) -> dict:
    at = at or datetime(2026, 11, 23, 9, 5, tzinfo=timezone.utc)
    return {"idempotency_key": str(uuid.uuid4()), "medication_id": medication.id, "slot": slot, "outcome": outcome,
            "administered_at": at.isoformat(), **fields}


# Outcome scores, visit notes, reviews, reablement packages and closed periods.

def _event(visit, worker, kind: str, at: datetime, payload: dict) -> VisitEvent:
    return add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=visit.id,
                          worker_id=worker.id, kind=kind, device_time=at, received_at=at, payload=payload))


def progress(visit, outcome, worker, at: datetime, value: int, comment: str | None = None) -> OutcomeProgress:
    """The carer's score of the outcome at the visit."""
    event = _event(visit, worker, "outcome_progress", at, {"outcome_id": outcome.id, "score": value,
                                                           "comment": comment})
    return add(OutcomeProgress(event_id=event.id, visit_id=visit.id, client_id=visit.client_id,
                               contract_id=visit.contract_id, outcome_id=outcome.id, worker_id=worker.id, score=value,
                               comment=comment, recorded_at=at))


def scored_visit(client, outcome, worker, at: datetime, value: int, comment: str | None = None) -> OutcomeProgress:
    """A visit to the client at `at` where the carer scored the outcome."""
    return progress(visit_for(client, at, workers=[worker]), outcome, worker, at, value, comment)


def note(client, worker, at: datetime, text: str) -> VisitEvent:
    return _event(visit_for(client, at, workers=[worker]), worker, "note", at, {"text": text})


def review(client, author, due_on: date, done_on: date | None = None, notes: str | None = None) -> OutcomeReview:
    return add(OutcomeReview(client_id=client.id, due_on=due_on, done_on=done_on, notes=notes,
                             created_by=author.id, done_by=author.id if done_on else None))


def reablement(client, weekly_minutes: int, starts_on: date, planned_end_on: date, planned_weekly_minutes: int,
               ends_on: date | None = None, budget: int | None = None) -> CarePackage:
    return add(CarePackage(client_id=client.id, weekly_minutes=weekly_minutes, starts_on=starts_on, ends_on=ends_on,
                           reablement=True, planned_end_on=planned_end_on,
                           planned_weekly_minutes=planned_weekly_minutes, weekly_budget_minor=budget))


def closed_period(contract: Contract, first: date, last: date, amount: int, closed_by, rule_set: str | None = None
                  ) -> PaymentPeriod:
    """A closed period as close_period leaves it, with the amount it paid (its rows are not needed here)."""
    start, end = local_range_bounds(first, last, contract.council.timezone)
    return add(PaymentPeriod(contract_id=contract.id, date_from=first, date_to=last, starts_at=start, ends_at=end,
                             rule_set=rule_set or contract.payment_rule_set, closed_at=utcnow() - timedelta(days=1),
                             closed_by=closed_by.id, amount_pence=amount))


def on(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00+00:00").astimezone(UTC)


def seed_november(world):
    """Alpha under outcomes-top-slice with a closed November 2026 that paid 1,000,000p, and November's evidence:
    outcomes: client 1 rose from 2 (October) to 4, client 2 fell from 4 to 3 -> 1 of 2 held or improved;
    reablement: client 1's ended on its planned 15th, client 2's still at 600 min past its planned 20th -> 1 of 2;
    reviews: client 1's done a day early, client 2's two days late (client 1's December one not due) -> 1 of 2.
    """
    a = world.alpha
    a.contract.payment_rule_set = "outcomes-top-slice"
    for package in db.session.query(CarePackage).all():
        package.ends_on = date(2026, 10, 31)  # the factory's standing packages end before November
    c1, c2 = a.clients
    w = a.workers[0]
    scored_visit(c1, a.outcomes[0], w, on("2026-10-20"), 2)
    scored_visit(c1, a.outcomes[0], w, on("2026-11-05"), 3, "Walked to the gate")
    scored_visit(c1, a.outcomes[0], w, on("2026-11-19"), 4, "Walked to the corner shop with a stick")
    scored_visit(c2, a.outcomes[1], w, on("2026-11-06"), 4)
    scored_visit(c2, a.outcomes[1], w, on("2026-11-20"), 3)
    note(c1, w, on("2026-11-12", "10:00"), "Keen to try the bus next week")
    world.packages = [
        reablement(c1, 300, date(2026, 11, 1), date(2026, 11, 15), 0, ends_on=date(2026, 11, 15), budget=10_500),
        reablement(c2, 600, date(2026, 11, 1), date(2026, 11, 20), 300, budget=21_000),
    ]
    world.reviews = [review(c1, a.admin, date(2026, 11, 10), date(2026, 11, 9), "Goals agreed"),
                     review(c2, a.admin, date(2026, 11, 25), date(2026, 11, 27)),
                     review(c1, a.admin, date(2026, 12, 5))]
    world.period = closed_period(a.contract, date(2026, 11, 1), date(2026, 11, 30), 1_000_000, world.officer)
    db.session.commit()
    return world


# Zones and offers, made through the services as an officer would.

# A square around Kendal, [lon, lat] as GeoJSON has it.
KENDAL_SQUARE = {"type": "Polygon", "coordinates": [[[-2.80, 54.30], [-2.70, 54.30], [-2.70, 54.36],
                                                      [-2.80, 54.36], [-2.80, 54.30]]]}
OFFER_SETTINGS = {"offer_response_hours": 24}


def officer_of(w) -> Identity:
    return Identity(user_id=w.officer.id, role="council_officer", council_id=w.north.id)


def admin_of(side) -> Identity:
    return Identity(user_id=side.admin.id, role="provider_admin", provider_id=side.provider.id)


def zone_with_shares(w, now: datetime, shares=((lambda w: w.alpha, 80), (lambda w: w.beta, 20)), **fields):
    ident = officer_of(w)
    zone = zones.create_zone(ident, {"name": "Kendal", "postcode_districts": ["LA9"], "polygon": KENDAL_SQUARE,
                                     **fields}, now)
    zones.set_providers(ident, zone, [{"contract_id": side(w).contract.id, "share_pct": pct} for side, pct in shares],
                        now)
    db.session.commit()
    return zone


def offer_body(**extra) -> dict:
    return {"zone_id": None, "client_name": "Mrs Ada Example", "client_address": "3 Fell View, Kendal",
            "postcode": "LA9 6BT", "lat": 54.328, "lon": -2.746, "weekly_minutes": 420,
            "pattern_summary": "Daily 08:00 for 30 min and 18:00 for 30 min", "needs_summary": "Help to wash and dress",
            "starts_on": date(2026, 12, 7), **extra}


def offer_in(w, now: datetime, **extra):
    offer = offers.create_offer(officer_of(w), offer_body(**extra), OFFER_SETTINGS, now)
    db.session.commit()
    return offer


# A provider's day to plan: Alpha's carers, clients with needs, visits without carers.

def plan_day() -> date:
    """A day ahead of the real clock (the API plans from now), the same weekday every run."""
    today = datetime.now(UTC).date()
    return today + timedelta(days=28 - today.weekday())  # a Monday four weeks or so ahead


def wall_time(day: date, hhmm: str) -> datetime:
    """A London wall-clock time on the day, as a UTC instant."""
    return local_wall_time_to_utc(day, hhmm, LONDON)


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
        "female": visit_for(female_only, wall_time(day, "08:00")),
        "hoist": visit_for(hoist, wall_time(day, "08:00")),
        "pair": visit_for(pair, wall_time(day, "09:30"), minutes=45),
        "refused": visit_for(refuses, wall_time(day, "10:00")),
        "late": visit_for(female_only, wall_time(day, "13:00")),
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


# Small hand-made data sets for the report tests: every visit, carer and time written out.
# Times are given as local wall-clock strings in Europe/London ("2026-10-25 23:30"), the way a council reads
# them; a suffix "+01:00"/"+00:00" picks one side of the October clock change where the wall time happens twice.



def at(text: str) -> datetime:
    """A local London time as a UTC instant; an explicit offset wins over the zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(LONDON))
    return moment.astimezone(timezone.utc)


def setting(name: str = "Acme", council: Council | None = None, **thresholds) -> SimpleNamespace:
    """One council (unless given), one provider and contract, five workers, clients made on demand."""
    council = council or add(Council(name=f"{name} Council", timezone=LONDON))
    provider = add(Provider(name=name))
    contract = add(Contract(council_id=council.id, provider_id=provider.id, reference=f"C-{name}", **thresholds))
    workers = [add(Worker(provider_id=provider.id, name=f"{name} Worker {i}")) for i in range(1, 6)]
    recorder = user(f"coordinator@{name.lower()}.example", "coordinator", provider_id=provider.id)
    return SimpleNamespace(council=council, provider=provider, contract=contract, workers=workers, recorder=recorder)


def new_client(s: SimpleNamespace, name: str) -> Client:
    return client_for(s.contract, name)


def scope_of(first: date, last: date, *settings: SimpleNamespace) -> Scope:
    return Scope(Period(first, last, LONDON), tuple(s.contract for s in settings))


def visit(client: Client, start: str, minutes: int = 30, *, status: str = "scheduled", punctuality: str | None = None,
          started: str | None = None, ended: str | None = None) -> Visit:
    return add(Visit(client_id=client.id, contract_id=client.contract_id, provider_id=client.contract.provider_id,
                     planned_start=at(start), planned_minutes=minutes, status=status, punctuality=punctuality,
                     started_at=at(started) if started else None, ended_at=at(ended) if ended else None))


def carer(v: Visit, worker: Worker, checked_in: str | None = None, checked_out: str | None = None, *,
          geofence: str | None = "verified", manual: bool = False, removed: bool = False,
          method: str | None = None) -> VisitAssignment:
    return add(VisitAssignment(
        visit_id=v.id, worker_id=worker.id, checked_in_at=at(checked_in) if checked_in else None,
        checked_out_at=at(checked_out) if checked_out else None,
        check_in_geofence=geofence if checked_in else None, check_in_method=method, manual=manual,
        removed_at=REMOVED if removed else None))


def delivered(client: Client, worker: Worker, start: str, minutes: int, worked: int) -> Visit:
    """A completed single-carer visit that started on time and lasted `worked` whole minutes."""
    out = (datetime.fromisoformat(start) + timedelta(minutes=worked)).isoformat(sep=" ")
    v = visit(client, start, minutes, status="completed", punctuality="on_time", started=start, ended=out)
    carer(v, worker, start, out)
    return v


def package(client: Client, weekly: int, starts: date, ends: date | None = None, flex_weeks: int = 1) -> CarePackage:
    return add(CarePackage(client_id=client.id, weekly_minutes=weekly, flex_weeks=flex_weeks, starts_on=starts,
                           ends_on=ends))


def outcome(client: Client, title: str) -> Outcome:
    return add(Outcome(client_id=client.id, title=title))


def score(v: Visit, goal: Outcome, worker: Worker, when: str, value: int) -> OutcomeProgress:
    return progress(v, goal, worker, at(when), value)


def feed_event(v: Visit, kind: str, device_time: datetime, lag_s: int, geofence: str = "verified",
               source_system: str | None = "CarerApp") -> VisitEvent:
    """An event as a provider's own app sent it through the feed (source_system None: Caremon's app)."""
    return add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=v.id,
                          worker_id=v.assignments[0].worker_id, kind=kind, device_time=device_time,
                          received_at=device_time + timedelta(seconds=lag_s), geofence=geofence,
                          source_system=source_system))


def activity(s: SimpleNamespace, client: Client, category: str, minutes: int, when: str) -> NonContactActivity:
    return add(NonContactActivity(
        idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, client_id=client.id, contract_id=client.contract_id,
        provider_id=client.contract.provider_id, worker_id=s.workers[0].id, recorded_by=s.recorder.id,
        category=category, minutes=minutes, occurred_at=at(when)))
