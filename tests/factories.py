"""A small two-council world with every role, for API and tenancy tests.

Council "Northshire" commissions providers Alpha (contract N-A) and Beta (N-B);
council "Southvale" commissions Gamma (S-G). Alpha's world is the one most tests
act in; the others exist so that every endpoint can be tried by another tenant.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from server.auth.models import User
from server.auth.passwords import hash_password
from server.care.models import CarePackage, Outcome
from server.directory.models import Client, Contract, Council, FamilyLink, Provider, Worker
from server.extensions import db
from server.visits.models import Visit, VisitAssignment

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)

# Client homes around Kendal, Cumbria.
HOME = (54.3280, -2.7460)


def add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def user(email: str, role: str, **tenant) -> User:
    return add(User(email=email, name=email.split("@")[0].title(), password_hash=_HASH, role=role, **tenant))


def client_for(contract: Contract, name: str, lat: float = HOME[0], lon: float = HOME[1]) -> Client:
    return add(Client(contract_id=contract.id, name=name, address=f"1 {name} Street, Kendal", postcode="LA9 4AA",
                      lat=lat, lon=lon, reference=f"REF-{name}"))


def visit_for(
    client: Client, start: datetime, minutes: int = 30, workers=(), tasks=("Breakfast", "Medication")
) -> Visit:
    visit = add(
        Visit(
            client_id=client.id,
            contract_id=client.contract_id,
            provider_id=client.contract.provider_id,
            planned_start=start,
            planned_minutes=minutes,
            carers_required=max(1, len(workers)),
            tasks=list(tasks),
        )
    )
    for position, worker in enumerate(workers, start=1):
        add(VisitAssignment(visit_id=visit.id, worker_id=worker.id, position=position))
    db.session.refresh(visit)
    return visit


def provider_side(council: Council, name: str, ref: str, start: datetime) -> SimpleNamespace:
    provider = add(Provider(name=name, on_call_contact=f"oncall@{name.lower()}.example"))
    contract = add(Contract(council_id=council.id, provider_id=provider.id, reference=ref))
    workers = [add(Worker(provider_id=provider.id, name=f"{name} Worker {i}")) for i in (1, 2)]
    worker_users = [user(f"w{i}@{name.lower()}.example", "worker", worker_id=w.id, provider_id=provider.id)
                    for i, w in enumerate(workers, start=1)]
    clients = [client_for(contract, f"{name}Client{i}") for i in (1, 2)]
    outcomes = [add(Outcome(client_id=c.id, title="I can get to the shops")) for c in clients]
    for c in clients:
        add(CarePackage(client_id=c.id, weekly_minutes=420, starts_on=date(2026, 1, 1)))
    visits = [visit_for(clients[0], start, workers=[workers[0]]), visit_for(clients[1], start, workers=[workers[1]])]
    family = user(f"family@{name.lower()}.example", "family")
    add(FamilyLink(user_id=family.id, client_id=clients[0].id, email=family.email))
    return SimpleNamespace(
        provider=provider, contract=contract, workers=workers, worker_users=worker_users,
        clients=clients, outcomes=outcomes, visits=visits, family=family,
        coordinator=user(f"coord@{name.lower()}.example", "coordinator", provider_id=provider.id),
        admin=user(f"admin@{name.lower()}.example", "provider_admin", provider_id=provider.id),
    )


def make_world(start: datetime | None = None) -> SimpleNamespace:
    start = start or datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    north = add(Council(name="Northshire"))
    south = add(Council(name="Southvale"))
    world = SimpleNamespace(
        start=start, north=north, south=south,
        alpha=provider_side(north, "Alpha", "N-A", start),
        beta=provider_side(north, "Beta", "N-B", start),
        gamma=provider_side(south, "Gamma", "S-G", start),
        officer=user("officer@northshire.example", "council_officer", council_id=north.id),
        south_officer=user("officer@southvale.example", "council_officer", council_id=south.id),
    )
    db.session.commit()
    return world


def api_client_for(side: SimpleNamespace, name: str = "RosterPro", scopes=None):
    """An API client of the side's provider, made by its administrator: (client, secret)."""
    from server.auth.tenancy import Identity
    from server.feed import clients
    from server.feed.models import SCOPES

    admin = Identity(user_id=side.admin.id, role="provider_admin", provider_id=side.provider.id)
    made, secret = clients.create(admin, {"name": name, "scopes": list(scopes or SCOPES)},
                                  datetime.now(timezone.utc))
    db.session.commit()
    return made, secret


def webhook_for(side: SimpleNamespace, url: str = "https://192.0.2.10/hooks"):
    """A webhook of the side's provider, stored directly: its URL (a documentation address) is never reached."""
    from server.webhooks.models import EVENT_TYPES, Webhook
    from server.webhooks.secrets import new_secret, seal

    made = add(Webhook(provider_id=side.provider.id, url=url, events=list(EVENT_TYPES),
                       secret_encrypted=seal(new_secret()), created_by=side.admin.id))
    db.session.commit()
    return made
