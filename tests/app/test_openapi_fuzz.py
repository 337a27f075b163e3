"""Every operation of the published API, for every role, answers as its OpenAPI document says.

Schemathesis generates requests from /api/v1/openapi.json (valid ones and ones that break the
document's rules) and sends them to the app in-process, signed in as each role of a seeded world.
Each answer must be no server error, have a documented status and content type, and match the
documented schema. The examples per operation are few and derandomized, so a run is repeatable
and fits in CI on both databases.
"""
from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from server import create_app
from server.auth.tenancy import Identity
from server.care.models import CarePackage, VisitPattern
from server.config import load_settings
from server.db_types import utcnow
from server.directory.models import FamilyLink
from server.extensions import db
from server.feedback.models import FamilyMessage
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from server.notify.models import Notification
from server.notify.sender import drain
from server.payments.models import Invoice
from server.payments.periods import close_period
from server.tags.models import ClientTag
from server.visits.models import VisitException
from server.visits.reasons import codes_for
from server.visits.schemas import EventInSchema
from server.visits.service import record_event
from tests.builders import done_plan, dose, medicine, offer_in, review, zone_with_shares
from tests.documented import OPENAPI_PATH, api_schema
from tests.factories import api_client_for, webhook_for
from tests.notify.fakes import Refusing
from tests.sessions import headers_for
from tests.testdb import settings_for_tests

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
ROLES = ("worker", "coordinator", "provider_admin", "family", "council_officer")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per role and operation: few enough for CI; CAREMON_FUZZ_EXAMPLES=200 digs deeper by hand.
EXAMPLES = int(os.environ.get("CAREMON_FUZZ_EXAMPLES", "6"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])


def _operations() -> list[tuple[str, str]]:
    """(method, path) of each documented operation, read from a throwaway app's document at collection."""
    spec = create_app(settings_for_tests()).test_client().get(OPENAPI_PATH).get_json()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item if method != "parameters"]


OPERATIONS = _operations()


def seeded(client, world) -> dict:
    """The world with rows behind every path id: alerts, undelivered messages, an open exception.

    Returns an id for each path parameter, all in provider Alpha's slice, so that requests reach
    past "not found" into the operations' real work for the roles that may see Alpha.
    """
    visit = world.alpha.visits[0]
    check_in = EventInSchema().load({"idempotency_key": str(uuid.UUID(int=1)), "kind": "check_in",
                                     "device_time": (world.start + MINUTE).isoformat()})
    record_event(worker_id=visit.assignments[0].worker_id, visit_id=visit.id, data=check_in, now=world.start + MINUTE)
    db.session.commit()
    scan(world.start + 61 * MINUTE, load_settings())
    invoice = (f"visit_id,date,minutes,amount\n{visit.id},{world.start.date()},30,12.50\n"
               f"{world.alpha.visits[1].id},{world.start.date()},45,18.75\n")
    client.post(f"/api/v1/invoices?contract_id={world.alpha.contract.id}&date_from={world.start.date()}"
                f"&date_to={world.start.date()}", data=invoice, content_type="text/csv",
                headers=headers_for(world.alpha.admin))
    drain({"email": Refusing(), "push": Refusing(), "sms": Refusing()}, world.start + 61 * MINUTE, max_attempts=1)
    first = {name: db.session.scalar(select(column).order_by(column).limit(1)) for name, column in (
        ("alert_id", Alert.id), ("notification_id", Notification.id), ("exception_id", VisitException.id),
        ("invoice_id", Invoice.id))}
    assert None not in first.values(), first
    council_id = world.alpha.contract.council_id
    code_id = codes_for(council_id)[0].id
    api_client, _ = api_client_for(world.alpha)
    webhook = webhook_for(world.alpha)
    tag = ClientTag(client_id=visit.client_id, provider_id=world.alpha.provider.id, version=1, code="482113",
                    issued_at=world.start, issued_by=world.alpha.coordinator.id)
    db.session.add(tag)
    officer = Identity(world.officer.id, "council_officer", council_id=council_id)
    period = close_period(officer, world.alpha.contract, world.start.date(), world.start.date(), world.start + 2 * DAY)
    prn = medicine(visit.client, world.alpha.admin, name="Paracetamol", prn=True)
    given = dose(world.alpha.worker_users[0], visit, prn, slot=None, prn_reason="Headache")
    zone = zone_with_shares(world, utcnow())
    offer = offer_in(world, utcnow())
    pattern = VisitPattern(client_id=visit.client_id, weekdays=[1, 3, 5], start_time="08:00", duration_minutes=30,
                           starts_on=world.start.date())
    db.session.add(pattern)
    message = FamilyMessage(
        client_id=visit.client_id,
        provider_id=world.alpha.provider.id,
        user_id=world.alpha.family.id,
        body="Please call me",
        created_at=world.start,
    )
    db.session.add(message)
    plan = done_plan(world.alpha, world.start.date())
    outcome_review = review(visit.client, world.alpha.admin, world.start.date())
    db.session.commit()
    care = {
        "pattern_id": pattern.id,
        "package_id": db.session.scalar(select(CarePackage.id).where(CarePackage.client_id == visit.client_id)),
        "link_id": db.session.scalar(select(FamilyLink.id).where(FamilyLink.client_id == visit.client_id)),
    }
    return {
        **care,
        "plan_id": plan.id,
        "contract_id": world.alpha.contract.id,
        "zone_id": zone.id,
        "offer_id": offer.id,
        "medication_id": prn.id,
        "record_id": given.id,
        "provider_id": world.alpha.provider.id,
        "worker_id": world.alpha.workers[0].id,
        "client_id": visit.client_id,
        "visit_id": visit.id,
        "outcome_id": world.alpha.outcomes[0].id,
        "user_id": world.alpha.worker_users[0].id,
        "council_id": council_id,
        "code_id": code_id,
        "api_client_id": api_client.id,
        "webhook_id": webhook.id,
        "tag_id": tag.id,
        "period_id": period.id,
        "message_id": message.id,
        "review_id": outcome_review.id,
        **first,
    }


def signed_in(world, role):
    side = world.alpha
    return {"worker": side.worker_users[0], "coordinator": side.coordinator, "provider_admin": side.admin,
            "family": side.family, "council_officer": world.officer}[role]


@pytest.fixture(scope="module")
def published(app):
    return api_schema(app)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(published, client, world, method, path):
    """One seeded world per operation (seeding is most of the cost), then each role's examples in turn."""
    operation = published[path][method]
    ids = seeded(client, world)
    day = world.start.date()
    dates = {"date": day, "date_from": day - timedelta(days=1), "date_to": day + timedelta(days=1)}
    rows = {"path_parameters": {p.name: ids[p.name] for p in operation.path_parameters},
            "query": {p.name: dates[p.name].isoformat() for p in operation.query if p.name in dates}}
    # Half the cases name rows that exist and the seeded day, so they get past "not found" and empty
    # periods into the operation's real work; half send whatever is generated.
    strategy = st.one_of(*(operation.as_strategy(mode, **fixed) for fixed in (rows, {})
                           for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)))
    for role in ROLES:
        try:
            answers_as_documented(strategy, headers_for(signed_in(world, role)))
        except Exception as exc:
            exc.add_note(f"Signed in as {role}")
            raise


def answers_as_documented(strategy, headers: dict) -> None:
    @FUZZ
    @given(case=strategy)
    def answers(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    answers()
