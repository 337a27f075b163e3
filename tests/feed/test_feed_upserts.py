"""Upserts by the provider's references: created, then unchanged when sent again, updated when changed; a
visit already under way is never rewritten (held, with a feed_change exception for a coordinator)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.care.models import CarePackage
from server.directory.models import Client, Worker
from server.extensions import db
from server.feed.models import ExternalRef
from server.visits.models import Visit, VisitException
from tests.dbstate import count, snapshot
from tests.factories import HOME, api_client_for
from tests.sessions import headers_for


@pytest.fixture
def feed(client, world):
    made, _ = api_client_for(world.alpha)
    headers = headers_for(made)

    def put(kind: str, *items):
        r = client.put(f"/api/v1/feed/{kind}", json={"items": list(items)}, headers=headers)
        assert r.status_code == 200, r.get_json()
        return r.get_json()["results"]

    return put


def client_item(ref="C-1", **extra):
    return {"ref": ref, "contract_reference": "N-A", "name": "Mary Jones", "address": "3 Fell Road, Kendal",
            "postcode": "LA9 5BB", "lat": HOME[0], "lon": HOME[1],
            "care_package": {"weekly_minutes": 420, "starts_on": "2026-12-01"}, **extra}


def visit_item(world, ref="V-1", **extra):
    return {"ref": ref, "client_ref": "C-1", "worker_refs": ["W-1"],
            "planned_start": (world.start + timedelta(days=1)).isoformat(), "planned_minutes": 30,
            "tasks": ["Breakfast"], **extra}


def statuses(results):
    return [r["status"] for r in results]


@pytest.fixture
def planned(feed, world):
    feed("clients", client_item())
    feed("workers", {"ref": "W-1", "name": "Ann Carer"}, {"ref": "W-2", "name": "Bob Carer"})
    return feed("visits", visit_item(world))[0]


def test_clients_with_care_packages_are_created_then_unchanged_then_updated(feed, world):
    first = feed("clients", client_item())
    assert statuses(first) == ["created"]
    made = db.session.get(Client, first[0]["id"])
    assert made.contract_id == world.alpha.contract.id and made.name == "Mary Jones"
    assert db.session.scalar(db.select(CarePackage.weekly_minutes).where(CarePackage.client_id == made.id)) == 420

    before = snapshot()
    assert statuses(feed("clients", client_item())) == ["unchanged"]
    assert snapshot() == before

    again = feed("clients", client_item(name="Mary Jones-Smith", care_package={"weekly_minutes": 480,
                                                                              "starts_on": "2026-12-01"}))
    assert again[0] == {"ref": "C-1", "status": "updated", "id": made.id}
    db.session.expire_all()
    assert db.session.get(Client, made.id).name == "Mary Jones-Smith"
    assert count(CarePackage) == 7  # the world's six, and this client's one, updated in place


def test_workers_are_upserted_by_reference(feed, world):
    assert statuses(feed("workers", {"ref": "W-1", "name": "Ann Carer"})) == ["created"]
    assert statuses(feed("workers", {"ref": "W-1", "name": "Ann Carer"})) == ["unchanged"]
    result = feed("workers", {"ref": "W-1", "name": "Ann Carer", "active": False})[0]
    assert result["status"] == "updated"
    db.session.expire_all()
    worker = db.session.get(Worker, result["id"])
    assert worker.provider_id == world.alpha.provider.id and worker.active is False


def test_visits_are_planned_then_unchanged_then_updated(feed, world, planned):
    assert planned["status"] == "created"
    visit = db.session.get(Visit, planned["id"])
    assert visit.provider_id == world.alpha.provider.id and visit.planned_minutes == 30
    assert [a.worker.name for a in visit.active_assignments] == ["Ann Carer"]

    before = snapshot()
    assert statuses(feed("visits", visit_item(world))) == ["unchanged"]
    assert snapshot() == before

    assert statuses(feed("visits", visit_item(world, planned_minutes=45, worker_refs=["W-2"]))) == ["updated"]
    db.session.expire_all()
    visit = db.session.get(Visit, planned["id"])
    assert visit.planned_minutes == 45
    assert [a.worker.name for a in visit.active_assignments] == ["Bob Carer"]

    assert statuses(feed("visits", visit_item(world, planned_minutes=45, worker_refs=["W-2"],
                                              cancel_reason="Client in hospital"))) == ["updated"]
    db.session.expire_all()
    assert db.session.get(Visit, planned["id"]).status == "cancelled"


def test_a_delivered_visit_is_held_for_a_coordinator_not_rewritten(client, feed, world, planned):
    visit = db.session.get(Visit, planned["id"])
    worker_id = visit.active_assignments[0].worker_id
    visit.status, visit.started_at = "in_progress", world.start + timedelta(days=1)
    visit.active_assignments[0].checked_in_at = visit.started_at
    db.session.commit()

    result = feed("visits", visit_item(world, planned_minutes=60))[0]
    assert result["status"] == "held" and result["id"] == visit.id
    assert result["error"]["details"]["fields"] == ["planned_minutes"]
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).planned_minutes == 30
    exc = db.session.scalar(db.select(VisitException).where(VisitException.kind == "feed_change"))
    assert exc.visit_id == visit.id and "planned_minutes 30 -> 60" in exc.detail
    assert exc.id == result["error"]["details"]["exception_id"]

    assert feed("visits", visit_item(world, planned_minutes=60))[0]["status"] == "held"
    assert count(VisitException) == 1
    # Sending what is already planned is not a change.
    assert statuses(feed("visits", visit_item(world))) == ["unchanged"]
    assert db.session.get(Visit, visit.id).active_assignments[0].worker_id == worker_id


def test_service_codes_travel_with_packages_and_visits(feed, world, planned):
    """A package's code is kept per start date; a visit's own code is set, changed and cleared like its plan,
    and held for a coordinator once the visit is under way."""
    package = {"weekly_minutes": 420, "starts_on": "2026-12-01", "service_code": "T1019"}
    assert statuses(feed("clients", client_item(care_package=package))) == ["updated"]
    assert statuses(feed("clients", client_item(care_package=package))) == ["unchanged"]
    assert db.session.scalars(db.select(CarePackage.service_code).join(Client).where(
        Client.name == "Mary Jones")).all() == ["T1019"]
    assert db.session.get(Visit, planned["id"]).service_code is None  # takes the package's
    assert statuses(feed("visits", visit_item(world, service_code="S5125"))) == ["updated"]
    assert statuses(feed("visits", visit_item(world, service_code="S5125"))) == ["unchanged"]
    db.session.expire_all()
    assert db.session.get(Visit, planned["id"]).service_code == "S5125"
    assert statuses(feed("visits", visit_item(world))) == ["updated"]
    db.session.expire_all()
    visit = db.session.get(Visit, planned["id"])
    assert visit.service_code is None
    visit.status, visit.started_at = "in_progress", world.start + timedelta(days=1)
    db.session.commit()
    result = feed("visits", visit_item(world, service_code="T1020"))[0]
    assert result["status"] == "held" and result["error"]["details"]["fields"] == ["service_code"]
    made = feed("visits", visit_item(world, ref="V-9", service_code="S5130"))[0]
    assert made["status"] == "created" and db.session.get(Visit, made["id"]).service_code == "S5130"


def test_visit_types_travel_with_visits(feed, world, planned):
    """A visit's type is set, changed and cleared like its plan; a new visit is created with it."""
    assert statuses(feed("visits", visit_item(world, visit_type="sleep_in"))) == ["updated"]
    assert statuses(feed("visits", visit_item(world, visit_type="sleep_in"))) == ["unchanged"]
    db.session.expire_all()
    assert db.session.get(Visit, planned["id"]).visit_type == "sleep_in"
    assert statuses(feed("visits", visit_item(world))) == ["updated"]
    db.session.expire_all()
    assert db.session.get(Visit, planned["id"]).visit_type is None
    made = feed("visits", visit_item(world, ref="V-9", visit_type="medication_prompt"))[0]
    assert made["status"] == "created" and db.session.get(Visit, made["id"]).visit_type == "medication_prompt"


def test_a_bad_item_is_rejected_alone(feed, world, planned):
    results = feed("visits", visit_item(world, ref="V-2", client_ref="nobody"),
                   visit_item(world, ref="V-3", worker_refs=["W-9"]),
                   {"ref": "V-4", "planned_minutes": "soon"},
                   visit_item(world, ref="V-5"))
    assert statuses(results) == ["rejected", "rejected", "rejected", "created"]
    assert results[0]["error"]["code"] == "not_found"
    assert "worker_refs" in results[1]["error"]["details"]["fields"]
    assert results[2]["error"]["code"] == "validation_error" and results[2]["ref"] == "V-4"
    assert count(Visit) == 6 + 2


def test_references_belong_to_one_provider(client, feed, world):
    """Beta may use the same reference text: it names Beta's own record, and Alpha's stay out of reach."""
    feed("clients", client_item())
    feed("workers", {"ref": "W-1", "name": "Ann Carer"})
    beta, _ = api_client_for(world.beta)
    headers = headers_for(beta)
    r = client.put("/api/v1/feed/visits", json={"items": [visit_item(world)]}, headers=headers)
    result = r.get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "not_found"
    r = client.put("/api/v1/feed/clients", json={"items": [client_item()]}, headers=headers)
    assert r.get_json()["results"][0]["error"]["details"]["fields"] == {
        "contract_reference": ["Not one of this provider's contracts"]}
    r = client.put("/api/v1/feed/clients", json={"items": [client_item(contract_reference="N-B")]}, headers=headers)
    assert r.get_json()["results"][0]["status"] == "created"
    assert count(ExternalRef) == 3


def test_too_large_a_batch_is_refused_whole(app, client, world):
    made, _ = api_client_for(world.alpha)
    limit = app.config["CAREMON"]["feed_max_items"]
    items = [{"ref": f"W-{i}", "name": "Carer"} for i in range(limit + 1)]
    r = client.put("/api/v1/feed/workers", json={"items": items}, headers=headers_for(made))
    assert r.status_code == 413 and r.get_json()["error"]["details"]["max_items"] == limit
    assert count(Worker) == 6


def test_references_no_item_could_hold_are_refused_item_by_item(feed, world, planned):
    """References are looked up for the whole batch before items are checked: a NUL or an overlong one
    must not fail the batch (PostgreSQL refuses NUL in text) but be its item's answer."""
    results = feed("visits", visit_item(world, ref="V-\x00"), visit_item(world, ref="V-2", client_ref="C" * 65),
                   visit_item(world, ref="V-3", worker_refs=[{"ref": "W-1"}]), visit_item(world, ref="V-4"))
    assert statuses(results) == ["rejected", "rejected", "rejected", "created"]
    assert {r["error"]["code"] for r in results[:3]} == {"validation_error"}
