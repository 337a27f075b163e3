"""Demo data: one council around Kendal, two providers, a week of visits, some of them gone wrong.

Deterministic (seeded) so screenshots and walkthroughs match from one install to the next.
Past visits are played through the same event service the phones use, so their
statuses, geofence verdicts and exceptions are real.
"""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app

from server.auth.models import User
from server.auth.passwords import hash_password
from server.care.models import CarePackage, Outcome, VisitPattern
from server.directory.models import Client, Contract, Council, FamilyLink, Provider, Worker
from server.extensions import db
from server.timeutil import to_local
from server.visits.models import SCORE_MAX, SCORE_MIN, Visit
from server.visits.service import record_event

PASSWORD = "caremon-demo"
TOWN_CENTRE = (54.3280, -2.7460)
STREETS = [
    "Highgate", "Stricklandgate", "Kirkland", "Windermere Road", "Burneside Road", "Sedbergh Road",
    "Appleby Road", "Castle Street", "Aynam Road", "Queen's Road", "Greenside", "Fellside", "Shap Road",
    "Milnthorpe Road", "Oxenholme Road", "Natland Road", "Castle Drive", "Parkside Road", "Gillinggate",
    "Underley Road", "Serpentine Road", "Beast Banks", "Sandes Avenue", "Ann Street", "Wildman Street",
]
FIRST = ["Margaret", "John", "Dorothy", "William", "Joan", "George", "Betty", "Arthur", "Irene", "Harold",
         "Doreen", "Frank", "Eileen", "Kenneth", "Sheila", "Ronald", "Audrey", "Dennis", "Brenda", "Alan"]
LAST = ["Atkinson", "Dobson", "Harrison", "Thwaite", "Wilson", "Bell", "Nelson", "Mason", "Dixon", "Hodgson",
        "Robinson", "Gibson", "Walker", "Fisher", "Jackson", "Preston", "Brockbank", "Airey", "Birkett", "Tyson"]
OUTCOMES = [
    "I can get to the shops on Thursdays", "I can make my own breakfast", "I take my medication on time",
    "I can get in and out of the bath safely", "I see my friends at the lunch club", "I can walk to the garden gate",
    "I sleep through the night without falling", "I manage my own money",
]
# Local call times, length and how many carers; most clients get two to four of these.
# The day's calls: first start (minutes after midnight), length, tasks. A worker's clients follow one another
# through each round, the length plus travel apart, so a run looks like a real one.
CALLS = [(7 * 60, 45, ["Personal care", "Breakfast", "Medication"]), (12 * 60, 30, ["Lunch", "Medication"]),
         (16 * 60 + 30, 30, ["Tea", "Check fluids"]), (19 * 60 + 30, 30, ["Help to bed", "Medication"])]
TRAVEL_MINUTES = 15
WORKER_NAMES = ["Aisha Khan", "Ben Holmes", "Chloe Park", "Dan Leigh", "Emma Fox", "Faisal Ali",
                "Grace Lowe", "Harry Moss", "Isla Reed", "Jack Wong", "Kate Bryce", "Liam Shaw"]


def _login(email: str, name: str, role: str, pw_hash: str, **tenant) -> User:
    user = User(email=email, name=name, password_hash=pw_hash, role=role, **tenant)
    db.session.add(user)
    return user


def seed(now: datetime, rng_seed: int = 2026) -> list[tuple[str, str]]:
    """Create the demo world; returns (role, email) pairs for the logins to print."""
    from server.care.generation import generate_visits
    from server.monitoring.scans import scan

    rng = random.Random(rng_seed)
    pw_hash = hash_password(PASSWORD)
    council = Council(name="South Lakeland Council (demo)", timezone="Europe/London")
    db.session.add(council)
    db.session.flush()
    logins = [("council officer", "officer@council.demo")]
    officer = _login("officer@council.demo", "Olivia Officer", "council_officer", pw_hash, council_id=council.id)

    clients: list[Client] = []
    contracts: list[Contract] = []
    # Carers' pay for the fair-pay report: Lakeland pays contact time only, Fellside pays travel too.
    for index, (name, slug, rule_set, rate, pays_travel) in enumerate([
            ("Lakeland Home Care", "lakeland", "actual-by-minute", 1250, False),
            ("Fellside Support", "fellside", "banded", 1300, True)]):
        provider = Provider(name=name, on_call_contact=f"oncall@{slug}.demo", hourly_rate_minor=rate,
                            pays_travel=pays_travel)
        db.session.add(provider)
        db.session.flush()
        contract = Contract(council_id=council.id, provider_id=provider.id, reference=f"SLC-DOM-{index + 1:03d}",
                            payment_rule_set=rule_set, starts_on=date(2026, 4, 1))
        db.session.add(contract)
        contracts.append(contract)
        workers = [Worker(provider_id=provider.id, name=n, staff_ref=f"{slug[:3].upper()}{i + 1:03d}",
                          phone=f"07700 900{index}{i:02d}")
                   for i, n in enumerate(WORKER_NAMES[index * 6:(index + 1) * 6])]
        db.session.add_all(workers)
        db.session.flush()
        _login(f"coordinator@{slug}.demo", f"{name} Coordinator", "coordinator", pw_hash, provider_id=provider.id)
        _login(f"admin@{slug}.demo", f"{name} Admin", "provider_admin", pw_hash, provider_id=provider.id)
        for i, worker in enumerate(workers, start=1):
            _login(
                f"worker{i}@{slug}.demo", worker.name, "worker", pw_hash, provider_id=provider.id, worker_id=worker.id
            )
        logins += [
            ("coordinator", f"coordinator@{slug}.demo"),
            ("provider admin", f"admin@{slug}.demo"),
            ("care worker", f"worker1@{slug}.demo"),
        ]
        for c in range(30):
            client = _client(rng, contract, index * 30 + c)
            clients.append(client)
            _care_plan(rng, client, workers, c)
        if index == 0:
            family = _login("family@lakeland.demo", "Sarah Atkinson", "family", pw_hash)
            db.session.flush()
            db.session.add(FamilyLink(user_id=family.id, client_id=clients[0].id, relationship_label="daughter",
                                      email=family.email, channels=["email"]))
            logins.append(("family member", "family@lakeland.demo"))
    db.session.commit()

    week_start = (to_local(now, council.timezone) - timedelta(days=3)).replace(hour=0, minute=0, second=0)
    generate_visits(now=week_start, days_ahead=7)
    db.session.commit()
    # The family's relative's latest visit already over was missed: the family is told, and the coordinator's
    # message log shows that email delivered (to the demo's mail sink).
    _play_past_visits(rng, now, missed=_last_visit_over(clients[0], now))
    _log_non_contact_work(rng, clients, now)
    db.session.commit()
    scan(now, current_app.config["CAREMON"])  # mark what the past week missed, as the scheduler would have
    _close_first_day(officer, contracts[0], week_start.date(), now)
    return logins


def _close_first_day(officer: User, contract: Contract, day: date, now: datetime) -> None:
    """The demo's first day closed for one contract, as a council closes a period, so that the officer's
    repricing screen has a period to price."""
    from server.auth.tenancy import Identity
    from server.payments.periods import close_period

    close_period(Identity(officer.id, "council_officer", council_id=officer.council_id), contract, day, day, now)
    db.session.commit()


def _client(rng: random.Random, contract: Contract, n: int) -> Client:
    bearing_lat, bearing_lon = rng.uniform(-0.018, 0.018), rng.uniform(-0.03, 0.03)
    client = Client(
        contract_id=contract.id, name=f"{FIRST[n % 20]} {LAST[(n * 7) % 20]}", reference=f"SLC{100000 + n}",
        address=f"{rng.randint(1, 140)} {STREETS[n % len(STREETS)]}, Kendal", postcode=f"LA9 {rng.randint(4, 7)}"
        f"{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[(n * 3) % 20]}",
        lat=round(TOWN_CENTRE[0] + bearing_lat, 6), lon=round(TOWN_CENTRE[1] + bearing_lon, 6),
        access_notes="Key safe by the back door" if n % 4 == 0 else None,
    )
    db.session.add(client)
    db.session.flush()
    return client


def _care_plan(rng: random.Random, client: Client, workers: list[Worker], n: int) -> None:
    for title in rng.sample(OUTCOMES, 2):
        db.session.add(Outcome(client_id=client.id, title=title))
    calls = CALLS[: 2 + n % 3]
    weekly = 0
    for k, (first, minutes, tasks) in enumerate(calls):
        start = first + (n // len(workers)) * (minutes + TRAVEL_MINUTES)  # this client's place in the round
        at = f"{start // 60:02d}:{start % 60:02d}"
        double_up = n % 10 == 0 and k == 0
        lead = workers[(n + k) % len(workers)]
        crew = [lead.id, workers[(n + k + 1) % len(workers)].id] if double_up else [lead.id]
        db.session.add(VisitPattern(client_id=client.id, weekdays=[1, 2, 3, 4, 5, 6, 7], start_time=at,
                                    duration_minutes=minutes, carers_required=len(crew), tasks=tasks,
                                    worker_ids=crew, starts_on=date(2026, 4, 1)))
        weekly += 7 * minutes
    db.session.add(CarePackage(client_id=client.id, weekly_minutes=weekly, flex_weeks=4 if n % 5 == 0 else 1,
                               starts_on=date(2026, 4, 1)))


def _last_visit_over(client: Client, now: datetime) -> int | None:
    return db.session.scalar(db.select(Visit.id).where(
        Visit.client_id == client.id, Visit.planned_start < now - timedelta(minutes=90))
        .order_by(Visit.planned_start.desc()).limit(1))


def _play_past_visits(rng: random.Random, now: datetime, missed: int | None = None) -> None:
    """Check-ins and check-outs for visits already over, with the usual mix of real-world trouble; nobody
    comes to the visit `missed`."""
    visits = db.session.scalars(db.select(Visit).where(Visit.planned_start < now - timedelta(minutes=90))
                                .order_by(Visit.planned_start)).all()
    outcomes = defaultdict(list)
    for outcome in db.session.scalars(db.select(Outcome).order_by(Outcome.id)):
        outcomes[outcome.client_id].append(outcome)
    for visit in visits:
        roll = rng.random()
        if roll < 0.02 or visit.id == missed:
            continue  # missed: nobody came (the scheduler marks it)
        delay = rng.choice([-6, -3, 0, 2, 4, 7, 11]) if roll < 0.9 else rng.randint(35, 55)
        stay = visit.planned_minutes + rng.choice([-12, -5, -2, 0, 1, 3, 6])
        for assignment in visit.active_assignments:
            start = visit.planned_start + timedelta(minutes=delay, seconds=rng.randint(0, 59))
            home = (visit.client.lat, visit.client.lon)
            fix = {"lat": home[0] + rng.uniform(-0.0004, 0.0004), "lon": home[1] + rng.uniform(-0.0006, 0.0006),
                   "accuracy_m": rng.choice([8, 12, 20, 35])}
            if rng.random() < 0.03:
                fix = {"lat": None, "lon": None, "accuracy_m": None}  # phone refused location
            elif rng.random() < 0.03:
                fix["accuracy_m"] = 180
            # Now and then the last task is left undone, with the carer's reason at check-out.
            skipped = visit.tasks[1:][-1:] if rng.random() < 0.1 else []
            steps = [("arrival", -2, {}), ("check_in", 0, {})]
            steps += [("task_done", 5 + i, {"task": task}) for i, task in enumerate(visit.tasks) if task not in skipped]
            if assignment.position == 1:
                steps += _what_the_lead_carer_records(rng, visit, outcomes[visit.client_id], stay)
            reasons = {"task_reasons": [{"task": task, "reason": rng.choice(["refused", "not_needed", "no_time"])}
                                        for task in skipped]} if skipped else {}
            for kind, minute, extra in [*steps, ("check_out", stay, reasons)]:
                at = start + timedelta(minutes=minute)
                data = {"idempotency_key": str(uuid.UUID(int=rng.getrandbits(128))), "kind": kind,
                        "device_time": at, "device_id": f"demo-phone-{assignment.worker_id}", **fix, **extra}
                record_event(worker_id=assignment.worker_id, visit_id=visit.id, data=data,
                             now=at + timedelta(seconds=rng.randint(1, 20)))


def _what_the_lead_carer_records(rng: random.Random, visit: Visit, outcomes: list[Outcome], stay: int,
                                 ) -> list[tuple[str, int, dict]]:
    """Outcome progress on about half the visits, scores drifting up over the week; now and then a note."""
    steps = []
    if outcomes and rng.random() < 0.5:
        outcome = rng.choice(outcomes)
        trend = (visit.planned_start.toordinal() + outcome.id) % 3
        score = max(SCORE_MIN, min(SCORE_MAX, 2 + trend + rng.choice([-1, 0, 0, 1])))
        steps.append(("outcome_progress", max(1, stay - 4),
                      {"outcome_id": outcome.id, "score": score, "comment": rng.choice(PROGRESS_COMMENTS)}))
    if rng.random() < 0.15:
        steps.append(("note", max(1, stay - 2), {"text": rng.choice(NOTES)}))
    return steps


def _log_non_contact_work(rng: random.Random, clients: list[Client], now: datetime) -> None:
    """A few records of work away from visits (calls to the GP or family, reviews, waiting to get in)."""
    from server.auth.tenancy import Identity
    from server.visits.activities import log_activity

    coordinators = {u.provider_id: u for u in db.session.scalars(db.select(User).where(User.role == "coordinator"))}
    for n, client in enumerate(clients):
        if n % 3:
            continue
        author = coordinators[client.contract.provider_id]
        ident = Identity(user_id=author.id, role=author.role, provider_id=author.provider_id)
        category, minutes, note = NON_CONTACT[n % len(NON_CONTACT)]
        log_activity(ident, client, {
            "idempotency_key": str(uuid.UUID(int=rng.getrandbits(128))), "category": category, "minutes": minutes,
            "note": note, "occurred_at": now - timedelta(days=1 + n % 3, hours=rng.randint(1, 6)),
        }, now)


PROGRESS_COMMENTS = ["Managed it on her own today", "Needed a little help", "Tired today, we took it slowly",
                     "Walked further than last week", "Chose to rest instead"]
NOTES = ["Fridge nearly empty: told the family", "Prescription runs out on Friday", "Seemed brighter today",
         "Small graze on the left arm, cleaned and dressed", "Key safe code changed by the family"]
NON_CONTACT = [("liaising_health_social", 15, "Called the GP surgery about a repeat prescription"),
               ("liaising_family", 10, "Rang the daughter about the shopping list"),
               ("care_planning", 30, "Updated the care plan after the falls review"),
               ("review", 45, "Six-week review with the client and social worker"),
               ("gaining_access", 12, "Waited at the door; neighbour let us in")]
