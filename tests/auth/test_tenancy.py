"""Tenancy: every foundation endpoint that names an object, tried by every kind of outsider.

Another tenant's object must look exactly like one that does not exist (404) and
the attempt must leave the database as it was; 403 is kept for roles that can
never use the endpoint. The matrix lists each endpoint once, and a guard test
fails when a foundation route taking an id is added without a row here.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Callable
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from server.care.models import CarePackage, VisitPattern
from server.db_types import utcnow
from server.directory.models import FamilyLink
from server.extensions import db
from server.feedback.models import FamilyMessage
from server.payments.models import Invoice
from server.tags.models import ClientTag
from server.visits.models import VisitEvent, VisitException
from tests.builders import (
    closed_period,
    done_plan,
    dose,
    dose_body,
    event,
    medicine,
    offer_in,
    review,
    zone_with_shares,
)
from tests.dbstate import count, snapshot
from tests.factories import HOME, add, api_client_for, user, webhook_for
from tests.sessions import headers_for

ALL = ("worker", "coordinator", "provider_admin", "family", "council_officer")
STAFF = ("coordinator", "provider_admin")
ADMIN = ("provider_admin",)
USER_ADMINS = ("provider_admin", "council_officer")
WEBHOOK_OWNERS = ("provider_admin", "council_officer")
FOUNDATION_BLUEPRINTS = {"auth", "directory", "care", "visits", "feed", "exports", "webhooks", "tags", "medication",
                         "outcomes", "commissioning", "planner"}
OFFICER = ("council_officer",)
RANKED = ("council_officer", "provider_admin")


@pytest.fixture
def tw(world):
    """The factory world plus an open exception on Alpha's first visit, a family user of Alpha's other client,
    and an API client (a provider's other system) each for Alpha and Beta."""
    a = world.alpha
    world.exception = add(VisitException(visit_id=a.visits[0].id, worker_id=a.workers[0].id,
                                         kind="no_geolocation", raised_at=world.start))
    a.visits[0].flags = ["short"]  # so a coordinator may decide on its pay
    world.other_family = user("family2@alpha.example", "family")
    add(FamilyLink(user_id=world.other_family.id, client_id=a.clients[1].id, email=world.other_family.email))
    db.session.commit()
    world.tag = add(ClientTag(client_id=a.clients[0].id, provider_id=a.provider.id, version=1, code="482113",
                              issued_at=world.start, issued_by=a.coordinator.id))
    world.alpha_api_client, _ = api_client_for(a)
    world.beta_api_client, _ = api_client_for(world.beta)
    world.alpha_webhook = webhook_for(a)
    world.medicine = medicine(a.clients[0], a.admin)
    world.prn = medicine(a.clients[0], a.admin, name="Paracetamol", prn=True)
    world.prn_dose = dose(a.worker_users[0], a.visits[0], world.prn, slot=None, prn_reason="Headache")
    world.review = review(a.clients[0], a.admin, date(2026, 11, 30))
    world.period = closed_period(a.contract, date(2026, 11, 1), date(2026, 11, 30), 50_000, world.officer,
                                 rule_set="outcomes-top-slice")
    # Northshire's zone shared by Alpha (80%) and Beta (20%), and a package offered there, now with Alpha.
    world.zone = zone_with_shares(world, utcnow())
    world.offer = offer_in(world, utcnow())
    world.family_link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == a.family.id))
    world.package = db.session.scalar(select(CarePackage).where(CarePackage.client_id == a.clients[0].id))
    world.pattern = add(VisitPattern(client_id=a.clients[0].id, weekdays=[1, 2, 3, 4, 5, 6, 7], start_time="08:00",
                                     duration_minutes=30, starts_on=world.start.date()))
    a.clients[0].share_care_log_with_family = True
    world.family_message = add(FamilyMessage(client_id=a.clients[0].id, provider_id=a.provider.id,
                                             user_id=a.family.id, body="Please call me", created_at=world.start))
    world.invoice = add(Invoice(contract_id=a.contract.id, provider_id=a.provider.id, date_from=date(2026, 11, 1),
                                date_to=date(2026, 11, 7), checksum="0" * 64, lines=0, minutes=0, amount_pence=0,
                                uploaded_by=a.admin.id, uploaded_at=world.start))
    world.plan = done_plan(a, world.start.date())
    db.session.commit()
    return world


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable
    roles: tuple
    owner: Callable
    ok: int
    payload: Callable = lambda w: None

    def __str__(self):
        return self.name


def _visit(w):
    return w.alpha.visits[0]


def _client(w):
    return w.alpha.clients[0]


ENDPOINTS = [
    Endpoint("visit_timeline", "GET", lambda w: f"/api/v1/visits/{_visit(w).id}", ALL, lambda w: w.alpha.family, 200),
    Endpoint(
        "update_visit",
        "PATCH",
        lambda w: f"/api/v1/visits/{_visit(w).id}",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
        lambda w: {"tasks": ["Lunch"], "planned_minutes": 45},
    ),
    Endpoint(
        "record_event",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/events",
        ("worker",),
        lambda w: w.alpha.worker_users[0],
        201,
        lambda w: event("check_in", w.start),
    ),
    Endpoint(
        "correct_times",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/corrections",
        STAFF,
        lambda w: w.alpha.coordinator,
        201,
        lambda w: {
            "worker_id": w.alpha.workers[0].id,
            "check_in_at": w.start.isoformat(),
            "check_out_at": (w.start + timedelta(minutes=30)).isoformat(),
            "reason_code": "no_signal",
        },
    ),
    Endpoint(
        "resolve_exception",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/exceptions/{w.exception.id}/resolve",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
        lambda w: {"reason_code": "no_signal"},
    ),
    Endpoint(
        "decide_pay",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/pay-decision",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
        lambda w: {"decision": "accept", "note": "Client confirmed"},
    ),
    Endpoint(
        "get_client", "GET", lambda w: f"/api/v1/clients/{_client(w).id}", ALL, lambda w: w.alpha.worker_users[0], 200
    ),
    Endpoint(
        "update_client",
        "PATCH",
        lambda w: f"/api/v1/clients/{_client(w).id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"access_notes": "Key safe 4321"},
    ),
    Endpoint(
        "list_activities", "GET", lambda w: f"/api/v1/clients/{_client(w).id}/activities", ALL, lambda w: w.officer, 200
    ),
    Endpoint(
        "log_activity",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/activities",
        ("worker", *STAFF),
        lambda w: w.alpha.worker_users[0],
        201,
        lambda w: {
            "idempotency_key": str(uuid.uuid4()),
            "category": "liaising_family",
            "minutes": 15,
            "occurred_at": w.start.isoformat(),
        },
    ),
    Endpoint(
        "list_outcomes",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcomes",
        ALL,
        lambda w: w.alpha.worker_users[0],
        200,
    ),
    Endpoint(
        "create_outcome",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcomes",
        ADMIN,
        lambda w: w.alpha.admin,
        201,
        lambda w: {"title": "I can make a hot drink"},
    ),
    Endpoint(
        "list_care_packages",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/care-packages",
        ALL,
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "create_care_package",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/care-packages",
        ADMIN,
        lambda w: w.alpha.admin,
        201,
        lambda w: {"weekly_minutes": 300, "starts_on": "2026-12-01"},
    ),
    Endpoint(
        "list_visit_patterns",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/visit-patterns",
        ALL,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "create_visit_pattern",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/visit-patterns",
        ADMIN,
        lambda w: w.alpha.admin,
        201,
        lambda w: {
            "weekdays": [1, 3, 5],
            "start_time": "08:00",
            "duration_minutes": 30,
            "worker_ids": [w.alpha.workers[0].id],
            "starts_on": "2026-12-01",
        },
    ),
    Endpoint(
        "client_encounters",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/fhir/encounters?date_from=2026-11-23&date_to=2026-11-29",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "list_family",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/family",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "add_family",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/family",
        ADMIN,
        lambda w: w.alpha.admin,
        201,
        lambda w: {
            "email": f"{uuid.uuid4().hex[:8]}@relative.example",
            "name": "Daughter",
            "password": "long enough password",
        },
    ),
    Endpoint(
        "remove_family",
        "DELETE",
        lambda w: f"/api/v1/clients/{_client(w).id}/family/{w.family_link.id}",
        ADMIN,
        lambda w: w.alpha.admin,
        204,
    ),
    Endpoint(
        "preview_visit_pattern",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/visit-patterns/preview",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {
            "weekdays": [1, 2, 3, 4, 5, 6, 7],
            "start_time": "08:00",
            "duration_minutes": 30,
            "carers_required": 2,
            "starts_on": "2026-12-01",
        },
    ),
    Endpoint(
        "update_care_package",
        "PATCH",
        lambda w: f"/api/v1/care-packages/{w.package.id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"weekly_minutes": 480},
    ),
    Endpoint(
        "update_visit_pattern",
        "PATCH",
        lambda w: f"/api/v1/visit-patterns/{w.pattern.id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"start_time": "09:00"},
    ),
    Endpoint(
        "resend_invitation",
        "POST",
        lambda w: f"/api/v1/users/{w.alpha.worker_users[0].id}/invitation",
        USER_ADMINS,
        lambda w: w.alpha.admin,
        202,
    ),
    Endpoint(
        "update_outcome",
        "PATCH",
        lambda w: f"/api/v1/outcomes/{w.alpha.outcomes[0].id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"title": "I can walk to the post box"},
    ),
    Endpoint(
        "get_council", "GET", lambda w: f"/api/v1/councils/{w.north.id}", ("council_officer",), lambda w: w.officer, 200
    ),
    Endpoint(
        "update_council",
        "PATCH",
        lambda w: f"/api/v1/councils/{w.north.id}",
        ("council_officer",),
        lambda w: w.officer,
        200,
        lambda w: {"holiday_calendar": "GB-SCT"},
    ),
    Endpoint(
        "get_provider",
        "GET",
        lambda w: f"/api/v1/providers/{w.alpha.provider.id}",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "update_provider",
        "PATCH",
        lambda w: f"/api/v1/providers/{w.alpha.provider.id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"on_call_contact": "+44 7700 900999"},
    ),
    Endpoint(
        "update_worker",
        "PATCH",
        lambda w: f"/api/v1/workers/{w.alpha.workers[0].id}",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"phone": "07700 900123"},
    ),
    Endpoint(
        "update_user",
        "PATCH",
        lambda w: f"/api/v1/users/{w.alpha.worker_users[0].id}",
        USER_ADMINS,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"active": False},
    ),
    Endpoint(
        "issue_password_reset",
        "POST",
        lambda w: f"/api/v1/users/{w.alpha.worker_users[0].id}/password-reset",
        USER_ADMINS,
        lambda w: w.alpha.admin,
        202,
    ),
    Endpoint(
        "rotate_api_client",
        "POST",
        lambda w: f"/api/v1/api-clients/{w.alpha_api_client.id}/rotate",
        ADMIN,
        lambda w: w.alpha.admin,
        200,
    ),
    Endpoint(
        "revoke_api_client",
        "DELETE",
        lambda w: f"/api/v1/api-clients/{w.alpha_api_client.id}",
        ADMIN,
        lambda w: w.alpha.admin,
        204,
    ),
    *(
        Endpoint(
            f"webhook_{name}",
            method,
            lambda w, path=path: f"/api/v1/webhooks/{w.alpha_webhook.id}{path}",
            WEBHOOK_OWNERS,
            lambda w: w.alpha.admin,
            ok,
            payload,
        )
        for name, method, path, ok, payload in (
            ("get", "GET", "", 200, lambda w: None),
            ("update", "PATCH", "", 200, lambda w: {"active": False}),
            ("delete", "DELETE", "", 204, lambda w: None),
            ("rotate", "POST", "/rotate-secret", 200, lambda w: None),
            ("deliveries", "GET", "/deliveries", 200, lambda w: None),
            ("test", "POST", "/test", 200, lambda w: None),
        )
    ),
    Endpoint(
        "set_confirmation_pin",
        "PUT",
        lambda w: f"/api/v1/clients/{_client(w).id}/confirmation-pin",
        ("family",),
        lambda w: w.alpha.family,
        200,
        lambda w: {"pin": "2468"},
    ),
    Endpoint(
        "list_tags", "GET", lambda w: f"/api/v1/clients/{_client(w).id}/tags", STAFF, lambda w: w.alpha.coordinator, 200
    ),
    Endpoint(
        "issue_tag",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/tags",
        STAFF,
        lambda w: w.alpha.coordinator,
        201,
    ),
    Endpoint(
        "revoke_tag",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/tags/{w.tag.id}/revoke",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "tag_label_png",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/tags/{w.tag.id}/label.png",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "tag_label_pdf",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/tags/{w.tag.id}/label.pdf",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "list_medications",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/medications",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "add_medication",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/medications",
        STAFF,
        lambda w: w.alpha.coordinator,
        201,
        lambda w: {
            "name": "Metformin",
            "dose": "1 tablet",
            "route": "oral",
            "times": ["08:00"],
            "starts_on": "2026-11-01",
        },
    ),
    Endpoint(
        "get_medication",
        "GET",
        lambda w: f"/api/v1/medications/{w.medicine.id}",
        (*STAFF, "council_officer"),
        lambda w: w.alpha.admin,
        200,
    ),
    Endpoint(
        "change_medication",
        "POST",
        lambda w: f"/api/v1/medications/{w.medicine.id}/versions",
        STAFF,
        lambda w: w.alpha.admin,
        201,
        lambda w: {
            "name": "Levodopa",
            "dose": "2 tablets",
            "route": "oral",
            "times": ["09:00"],
            "starts_on": "2026-12-01",
            "reason": "Neurologist review",
        },
    ),
    Endpoint(
        "visit_doses",
        "GET",
        lambda w: f"/api/v1/visits/{_visit(w).id}/doses",
        ALL,
        lambda w: w.alpha.worker_users[0],
        200,
    ),
    Endpoint(
        "record_dose",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/doses",
        ("worker",),
        lambda w: w.alpha.worker_users[0],
        201,
        lambda w: dose_body(w.medicine),
    ),
    Endpoint(
        "record_effect",
        "POST",
        lambda w: f"/api/v1/visits/{_visit(w).id}/doses/{w.prn_dose.id}/effect",
        ("worker", *STAFF),
        lambda w: w.alpha.worker_users[0],
        200,
        lambda w: {"effect": "Headache eased"},
    ),
    Endpoint(
        "mar_chart",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/mar.pdf?month=2026-11",
        (*STAFF, "council_officer"),
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "list_outcome_reviews",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcome-reviews",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "plan_outcome_review",
        "POST",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcome-reviews",
        STAFF,
        lambda w: w.alpha.coordinator,
        201,
        lambda w: {"due_on": "2026-12-14"},
    ),
    Endpoint(
        "update_outcome_review",
        "PATCH",
        lambda w: f"/api/v1/outcome-reviews/{w.review.id}",
        STAFF,
        lambda w: w.alpha.admin,
        200,
        lambda w: {"done_on": "2026-11-29"},
    ),
    Endpoint(
        "outcome_statement",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcome-statement",
        (*STAFF, "council_officer"),
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "outcome_statement_pdf",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/outcome-statement.pdf",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "period_outcome_payments",
        "GET",
        lambda w: f"/api/v1/periods/{w.period.id}/outcome-payments",
        ("council_officer", "provider_admin"),
        lambda w: w.alpha.admin,
        200,
    ),
    Endpoint(
        "period_outcome_payments_csv",
        "GET",
        lambda w: f"/api/v1/periods/{w.period.id}/outcome-payments?format=csv",
        ("council_officer", "provider_admin"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "contract_weekly_budgets",
        "GET",
        lambda w: f"/api/v1/contracts/{w.alpha.contract.id}/weekly-budgets?date_from=2026-11-01&date_to=2026-11-30",
        ("council_officer", "provider_admin"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "get_risk_thresholds",
        "GET",
        lambda w: f"/api/v1/contracts/{w.alpha.contract.id}/risk-thresholds",
        RANKED,
        lambda w: w.alpha.admin,
        200,
    ),
    Endpoint(
        "put_risk_thresholds",
        "PUT",
        lambda w: f"/api/v1/contracts/{w.alpha.contract.id}/risk-thresholds",
        OFFICER,
        lambda w: w.officer,
        200,
        lambda w: {"thresholds": {"late_pct": {"amber": 4, "red": 8}}},
    ),
    *(
        Endpoint(
            f"zone_{name}",
            method,
            lambda w, path=path: f"/api/v1/zones/{w.zone.id}{path}",
            OFFICER,
            lambda w: w.officer,
            ok,
            payload,
        )
        for name, method, path, ok, payload in (
            ("get", "GET", "", 200, lambda w: None),
            ("update", "PATCH", "", 200, lambda w: {"name": "Kendal town"}),
            ("archive", "DELETE", "", 204, lambda w: None),
            ("providers", "GET", "/providers", 200, lambda w: None),
            (
                "set_providers",
                "PUT",
                "/providers",
                200,
                lambda w: {"providers": [{"contract_id": w.beta.contract.id, "share_pct": 100}]},
            ),
        )
    ),
    Endpoint(
        "get_offer", "GET", lambda w: f"/api/v1/package-offers/{w.offer.id}", RANKED, lambda w: w.alpha.admin, 200
    ),
    Endpoint(
        "accept_offer",
        "POST",
        lambda w: f"/api/v1/package-offers/{w.offer.id}/accept",
        ("provider_admin",),
        lambda w: w.alpha.admin,
        200,
    ),
    Endpoint(
        "decline_offer",
        "POST",
        lambda w: f"/api/v1/package-offers/{w.offer.id}/decline",
        ("provider_admin",),
        lambda w: w.alpha.admin,
        200,
        lambda w: {"reason": "No carers free"},
    ),
    Endpoint(
        "withdraw_offer",
        "POST",
        lambda w: f"/api/v1/package-offers/{w.offer.id}/withdraw",
        OFFICER,
        lambda w: w.officer,
        200,
        lambda w: {"reason": "Family found a provider"},
    ),
    Endpoint(
        "care_log",
        "GET",
        lambda w: f"/api/v1/clients/{_client(w).id}/care-log?date_from=2026-11-01&date_to=2026-11-30",
        ("family", *STAFF),
        lambda w: w.alpha.family,
        200,
    ),
    Endpoint(
        "read_family_message",
        "POST",
        lambda w: f"/api/v1/family-messages/{w.family_message.id}/read",
        STAFF,
        lambda w: w.alpha.coordinator,
        200,
    ),
    Endpoint(
        "period_adjustments",
        "GET",
        lambda w: f"/api/v1/periods/{w.period.id}/adjustments",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "next_period",
        "GET",
        lambda w: f"/api/v1/contracts/{w.alpha.contract.id}/next-period",
        (*STAFF, "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "invoice_reconciliation",
        "GET",
        lambda w: f"/api/v1/invoices/{w.invoice.id}/reconciliation",
        ("provider_admin", "council_officer"),
        lambda w: w.officer,
        200,
    ),
    Endpoint(
        "send_family_message",
        "POST",
        lambda w: "/api/v1/family-messages",
        ("family",),
        lambda w: w.alpha.family,
        201,
        lambda w: {"client_id": _client(w).id, "body": "Mum has a cold"},
    ),
    Endpoint("read_plan", "GET", lambda w: f"/api/v1/plans/{w.plan.id}", STAFF, lambda w: w.alpha.coordinator, 200),
    Endpoint("publish_plan", "POST", lambda w: f"/api/v1/plans/{w.plan.id}/publish", STAFF,
             lambda w: w.alpha.admin, 200),
    Endpoint("create_visit_for_client", "POST", lambda w: "/api/v1/visits", STAFF,
             lambda w: w.alpha.coordinator, 201,
             lambda w: {"client_id": _client(w).id, "planned_start": (w.start + timedelta(days=1)).isoformat(),
                        "planned_minutes": 30}),
    Endpoint("create_client_under_contract", "POST", lambda w: "/api/v1/clients", ADMIN,
             lambda w: w.alpha.admin, 201,
             lambda w: {"contract_id": w.alpha.contract.id, "name": "New Client", "address": "2 Low Street",
                        "lat": HOME[0], "lon": HOME[1]}),
]

# Everyone who must not reach Alpha's first client, visit, outcome or worker.
OUTSIDERS = {
    "beta_coordinator": lambda w: w.beta.coordinator,
    "beta_admin": lambda w: w.beta.admin,
    "beta_worker": lambda w: w.beta.worker_users[0],
    "beta_family": lambda w: w.beta.family,
    "gamma_coordinator": lambda w: w.gamma.coordinator,
    "gamma_admin": lambda w: w.gamma.admin,
    "other_council_officer": lambda w: w.south_officer,
    "family_of_another_client": lambda w: w.other_family,
    "unassigned_worker": lambda w: w.alpha.worker_users[1],
    # A provider's system acts only through the feed: every other endpoint is 403 to it.
    "beta_api_client": lambda w: w.beta_api_client,
}


def call(client, endpoint: Endpoint, w, who):
    return client.open(endpoint.url(w), method=endpoint.method, json=endpoint.payload(w), headers=headers_for(who))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_owner_can_use_the_endpoint(client, tw, endpoint):
    """The matrix's URLs and payloads are right: the one user entitled gets through."""
    r = call(client, endpoint, tw, endpoint.owner(tw))
    assert r.status_code == endpoint.ok, r.get_json()


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_outsider_gets_not_found_and_nothing_is_written(client, tw, endpoint, outsider):
    who = OUTSIDERS[outsider](tw)
    expected = 404 if who.role in endpoint.roles else 403
    before = snapshot()
    r = call(client, endpoint, tw, who)
    assert r.status_code == expected, r.get_json()
    assert r.get_json()["error"]["code"] == {404: "not_found", 403: "forbidden"}[expected]
    assert snapshot() == before


def test_matrix_covers_every_foundation_route_that_takes_an_id(app, tw):
    adapter = app.url_map.bind("localhost")
    covered = {(adapter.match(urlsplit(e.url(tw)).path, method=e.method)[0], e.method) for e in ENDPOINTS}
    with_ids = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint.split(".")[0] in FOUNDATION_BLUEPRINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert with_ids, "no foundation routes found: blueprint names changed?"
    assert with_ids - covered == set()


PATHS_WITH_IDS = [e for e in ENDPOINTS if e.name not in ("create_visit_for_client", "create_client_under_contract",
                                                         "send_family_message")]


@pytest.mark.parametrize("endpoint", PATHS_WITH_IDS, ids=str)
def test_an_id_no_key_can_hold_is_not_found(app, client, tw, endpoint):
    """Ids past 64 bits would make the database raise; they name nothing, so they are 404 like any other."""
    adapter = app.url_map.bind("localhost")
    name, args = adapter.match(urlsplit(endpoint.url(tw)).path, method=endpoint.method)
    assert args
    url = adapter.build(name, {arg: 2**64 for arg in args}, method=endpoint.method)
    before = snapshot()
    r = client.open(url, method=endpoint.method, json=endpoint.payload(tw), headers=headers_for(endpoint.owner(tw)))
    assert r.status_code == 404, r.get_json()
    assert snapshot() == before


def _ids(client, who, url):
    r = client.get(url, headers=headers_for(who))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    rows = body["items"] if isinstance(body, dict) and "items" in body else body
    return {row["id"] for row in rows}


def _expected(w, who_name: str) -> SimpleNamespace:
    """Each viewer's slice, written out from the world's shape rather than from the scoping code."""
    a, b, g = w.alpha, w.beta, w.gamma
    ids = lambda objs: {o.id for o in objs}  # noqa: E731
    slices = {
        "alpha_coordinator": (ids(a.visits), ids(a.clients), {a.contract.id}, ids(a.workers)),
        "alpha_admin": (ids(a.visits), ids(a.clients), {a.contract.id}, ids(a.workers)),
        "beta_coordinator": (ids(b.visits), ids(b.clients), {b.contract.id}, ids(b.workers)),
        "north_officer": (ids(a.visits + b.visits), ids(a.clients + b.clients), {a.contract.id, b.contract.id}, None),
        "south_officer": (ids(g.visits), ids(g.clients), {g.contract.id}, None),
        "alpha_family": ({a.visits[0].id}, {a.clients[0].id}, None, None),
        "other_family": ({a.visits[1].id}, {a.clients[1].id}, None, None),
        "alpha_worker_1": ({a.visits[0].id}, {a.clients[0].id}, None, None),
        "alpha_worker_2": ({a.visits[1].id}, {a.clients[1].id}, None, None),
    }
    visits, clients, contracts, workers = slices[who_name]
    return SimpleNamespace(visits=visits, clients=clients, contracts=contracts, workers=workers)


VIEWERS = {
    "alpha_coordinator": lambda w: w.alpha.coordinator,
    "alpha_admin": lambda w: w.alpha.admin,
    "beta_coordinator": lambda w: w.beta.coordinator,
    "north_officer": lambda w: w.officer,
    "south_officer": lambda w: w.south_officer,
    "alpha_family": lambda w: w.alpha.family,
    "other_family": lambda w: w.other_family,
    "alpha_worker_1": lambda w: w.alpha.worker_users[0],
    "alpha_worker_2": lambda w: w.alpha.worker_users[1],
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_lists_hold_only_the_viewers_slice(client, tw, viewer):
    who, want = VIEWERS[viewer](tw), _expected(tw, viewer)
    assert _ids(client, who, "/api/v1/visits?limit=500") == want.visits
    assert _ids(client, who, "/api/v1/clients") == want.clients
    for url, expected in (("/api/v1/contracts", want.contracts), ("/api/v1/workers", want.workers)):
        if expected is None:
            assert client.get(url, headers=headers_for(who)).status_code == 403
        else:
            assert _ids(client, who, url) == expected


def test_council_officer_reads_every_visit_of_their_contracts_and_none_of_another_council(client, tw):
    for visit in tw.alpha.visits + tw.beta.visits:
        r = client.get(f"/api/v1/visits/{visit.id}", headers=headers_for(tw.officer))
        assert r.status_code == 200
        assert r.get_json()["visit"]["provider_id"] in (tw.alpha.provider.id, tw.beta.provider.id)
    for visit in tw.gamma.visits:
        assert client.get(f"/api/v1/visits/{visit.id}", headers=headers_for(tw.officer)).status_code == 404
        assert client.get(f"/api/v1/clients/{visit.client_id}", headers=headers_for(tw.officer)).status_code == 404


def test_family_sees_only_their_relatives_visits(client, tw):
    a = tw.alpha
    r = client.get(f"/api/v1/visits/{a.visits[0].id}", headers=headers_for(a.family))
    assert r.status_code == 200 and r.get_json()["visit"]["client_id"] == a.clients[0].id
    assert client.get(f"/api/v1/visits/{a.visits[1].id}", headers=headers_for(a.family)).status_code == 404
    r = client.get(f"/api/v1/visits?client_id={a.clients[1].id}", headers=headers_for(a.family))
    assert r.get_json()["items"] == []


def _run(client, who, **query):
    return client.get("/api/v1/run", query_string={"date": "2026-11-23", **query}, headers=headers_for(who))


def test_worker_run_ignores_another_workers_id(client, tw):
    a = tw.alpha
    r = _run(client, a.worker_users[1], worker_id=a.workers[0].id)
    assert r.status_code == 200
    body = r.get_json()
    assert body["worker_id"] == a.workers[1].id
    assert [v["id"] for v in body["visits"]] == [a.visits[1].id]
    # And another worker's visit is not readable directly.
    assert client.get(f"/api/v1/visits/{a.visits[0].id}", headers=headers_for(a.worker_users[1])).status_code == 404


def test_coordinator_reads_own_workers_run_but_not_another_providers(client, tw):
    a = tw.alpha
    r = _run(client, a.coordinator, worker_id=a.workers[0].id)
    assert r.status_code == 200 and [v["id"] for v in r.get_json()["visits"]] == [a.visits[0].id]
    r = _run(client, tw.beta.coordinator, worker_id=a.workers[0].id)
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["alpha_family", "north_officer"])
def test_run_is_refused_to_roles_without_one(client, tw, who):
    assert _run(client, VIEWERS[who](tw), worker_id=tw.alpha.workers[0].id).status_code == 403


def test_removed_worker_no_longer_reads_the_visit_or_its_client(client, tw):
    a = tw.alpha
    r = client.patch(f"/api/v1/visits/{a.visits[0].id}", json={"worker_ids": [a.workers[1].id]},
                     headers=headers_for(a.coordinator))
    assert r.status_code == 200
    removed = a.worker_users[0]
    assert client.get(f"/api/v1/visits/{a.visits[0].id}", headers=headers_for(removed)).status_code == 404
    assert client.get(f"/api/v1/clients/{a.clients[0].id}", headers=headers_for(removed)).status_code == 404
    assert _ids(client, removed, "/api/v1/clients") == set()
    assert _run(client, removed).get_json()["visits"] == []


def test_replaying_another_workers_event_key_reveals_nothing(client, tw):
    """An idempotency key is no pass: the stored event belongs to its visit's tenant and worker."""
    a = tw.alpha
    body = event("check_in", tw.start)
    assert client.post(f"/api/v1/visits/{a.visits[0].id}/events", json=body,
                       headers=headers_for(a.worker_users[0])).status_code == 201
    before = snapshot()
    r = client.post(f"/api/v1/visits/{a.visits[0].id}/events", json=body, headers=headers_for(tw.beta.worker_users[0]))
    assert r.status_code == 404
    assert "event" not in r.get_json()
    assert snapshot() == before


def test_double_up_partner_reusing_a_key_does_not_get_the_partners_event(client, tw):
    a = tw.alpha
    visit = a.visits[0]
    client.patch(f"/api/v1/visits/{visit.id}", json={"worker_ids": [a.workers[0].id, a.workers[1].id]},
                 headers=headers_for(a.coordinator))
    body = event("check_in", tw.start)
    client.post(f"/api/v1/visits/{visit.id}/events", json=body, headers=headers_for(a.worker_users[0]))
    r = client.post(f"/api/v1/visits/{visit.id}/events", json=body, headers=headers_for(a.worker_users[1]))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "idempotency_conflict"
    assert count(VisitEvent) == 1


def test_exception_of_another_visit_is_not_found_through_ones_own_visit(client, tw):
    b = tw.beta
    before = snapshot()
    r = client.post(f"/api/v1/visits/{b.visits[0].id}/exceptions/{tw.exception.id}/resolve",
                    json={"reason_code": "no_signal"}, headers=headers_for(b.coordinator))
    assert r.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("case", ["create_visit", "reassign", "pattern", "correction"])
def test_payload_naming_another_providers_worker_is_refused(client, tw, case):
    a, stranger = tw.alpha, tw.beta.workers[0].id
    method, url, body = {
        "create_visit": ("POST", "/api/v1/visits",
                         {"client_id": a.clients[0].id, "planned_start": tw.start.isoformat(), "planned_minutes": 30,
                          "worker_ids": [stranger]}),
        "reassign": ("PATCH", f"/api/v1/visits/{a.visits[0].id}", {"worker_ids": [stranger]}),
        "pattern": ("POST", f"/api/v1/clients/{a.clients[0].id}/visit-patterns",
                    {"weekdays": [1], "start_time": "08:00", "duration_minutes": 30, "worker_ids": [stranger],
                     "starts_on": "2026-12-01"}),
        "correction": ("POST", f"/api/v1/visits/{a.visits[0].id}/corrections",
                       {"worker_id": stranger, "check_in_at": tw.start.isoformat(),
                        "check_out_at": (tw.start + timedelta(minutes=30)).isoformat(), "reason_code": "other"}),
    }[case]
    who = a.admin if case == "pattern" else a.coordinator
    before = snapshot()
    r = client.open(url, method=method, json=body, headers=headers_for(who))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_error"
    assert set(r.get_json()["error"]["details"]["fields"]) & {"worker_ids", "worker_id"}
    assert snapshot() == before


def _alpha_feeds(client, w):
    """Alpha's system names a client, a carer and a visit by its references C-1, W-1, V-1."""
    headers = headers_for(w.alpha_api_client)
    client.put("/api/v1/feed/clients", headers=headers, json={"items": [
        {"ref": "C-1", "contract_reference": "N-A", "name": "Mary", "address": "1 Lane", "lat": HOME[0],
         "lon": HOME[1]}]})
    client.put("/api/v1/feed/workers", headers=headers, json={"items": [{"ref": "W-1", "name": "Ann"}]})
    client.put("/api/v1/feed/visits", headers=headers, json={"items": [
        {"ref": "V-1", "client_ref": "C-1", "worker_refs": ["W-1"], "planned_start": w.start.isoformat(),
         "planned_minutes": 30}]})


FEED_REACHES = {
    "visit_naming_anothers_client": ("PUT", "visits", lambda w: {
        "ref": "V-9", "client_ref": "C-1", "planned_start": w.start.isoformat(), "planned_minutes": 30}),
    "event_on_anothers_visit_by_ref": ("POST", "events", lambda w: event("check_in", w.start, worker_ref="W-1",
                                                                               visit_ref="V-1")),
    "event_on_anothers_visit_by_id": ("POST", "events", lambda w: event("check_in", w.start, worker_ref="W-1",
                                                                              visit_id=w.alpha.visits[0].id)),
}


@pytest.mark.parametrize("reach", FEED_REACHES)
def test_a_providers_system_finds_nothing_of_another_provider(client, tw, reach):
    """Beta's system, using the very references Alpha's uses, is told each record is not found."""
    _alpha_feeds(client, tw)
    beta = headers_for(tw.beta_api_client)
    client.put("/api/v1/feed/workers", headers=beta, json={"items": [{"ref": "W-1", "name": "Beta's Ann"}]})
    method, kind, item = FEED_REACHES[reach]
    before = snapshot("feed_rejections")  # the refusal is counted for the feed quality report, nothing else
    r = client.open(f"/api/v1/feed/{kind}", method=method, json={"items": [item(tw)]}, headers=beta)
    assert r.status_code == 200
    result = r.get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "not_found", result
    assert snapshot("feed_rejections") == before
