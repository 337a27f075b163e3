"""Families rate a relative's visit; coordinators and the commissioning council read it; nobody else sees it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from server.directory.models import FamilyLink
from server.extensions import db
from server.feedback.models import VisitFeedback
from tests.dbstate import count, snapshot
from tests.factories import add, user, visit_for
from tests.sessions import headers_for

PAST = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def fw(app):
    """The factory world with its visits in the past and delivered, so there is something to rate."""
    from tests.factories import make_world

    world = make_world(start=PAST)
    for side in (world.alpha, world.beta, world.gamma):
        for visit in side.visits:
            visit.status, visit.started_at, visit.ended_at = "completed", PAST, PAST + timedelta(minutes=30)
    db.session.commit()
    return world


def url(visit_id: int) -> str:
    return f"/api/v1/visits/{visit_id}/feedback"


def test_family_rates_a_visit_and_the_coordinator_reads_it(client, fw):
    a = fw.alpha
    db.session.get(FamilyLink, db.session.scalar(db.select(FamilyLink.id).where(
        FamilyLink.user_id == a.family.id))).relationship_label = "daughter"
    db.session.commit()
    visit = a.visits[0]
    r = client.post(url(visit.id), json={"rating": 4, "comment": "  Mum was cheerful after  "},
                    headers=headers_for(a.family))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["rating"], body["comment"], body["visit_id"]) == (4, "Mum was cheerful after", visit.id)
    assert body["author_name"] == a.family.name and body["relationship_label"] == "daughter"

    seen = client.get(url(visit.id), headers=headers_for(a.coordinator)).get_json()
    assert [(f["rating"], f["comment"], f["user_id"]) for f in seen] == [(4, "Mum was cheerful after", a.family.id)]
    officer = client.get(url(visit.id), headers=headers_for(fw.officer))
    assert officer.status_code == 200 and [f["rating"] for f in officer.get_json()] == [4]
    assert [f["rating"] for f in client.get(url(visit.id), headers=headers_for(a.family)).get_json()] == [4]


def test_family_sees_only_their_own_say_and_staff_see_everyone(client, fw):
    a = fw.alpha
    sibling = user("son@alpha.example", "family")
    add(FamilyLink(user_id=sibling.id, client_id=a.clients[0].id, email=sibling.email, relationship_label="son"))
    db.session.commit()
    visit = a.visits[0]
    assert client.post(url(visit.id), json={"rating": 2}, headers=headers_for(a.family)).status_code == 201
    assert client.post(url(visit.id), json={"rating": 5}, headers=headers_for(sibling)).status_code == 201
    assert [f["rating"] for f in client.get(url(visit.id), headers=headers_for(sibling)).get_json()] == [5]
    staff = client.get(url(visit.id), headers=headers_for(a.coordinator)).get_json()
    assert sorted((f["rating"], f["relationship_label"]) for f in staff) == [(2, None), (5, "son")]


def test_second_say_on_the_same_visit_is_refused(client, fw):
    a = fw.alpha
    assert client.post(url(a.visits[0].id), json={"rating": 3}, headers=headers_for(a.family)).status_code == 201
    r = client.post(url(a.visits[0].id), json={"rating": 5}, headers=headers_for(a.family))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "feedback_exists"
    assert [f.rating for f in db.session.scalars(db.select(VisitFeedback))] == [3]


def test_future_cancelled_and_missed_visits_cannot_be_rated(client, fw):
    a = fw.alpha
    future = visit_for(a.clients[0], datetime.now(timezone.utc) + timedelta(days=2), workers=[a.workers[0]])
    cancelled = visit_for(a.clients[0], PAST - timedelta(days=1), workers=[a.workers[0]])
    cancelled.status = "cancelled"
    missed = visit_for(a.clients[0], PAST - timedelta(days=2), workers=[a.workers[0]])
    missed.status = "missed"
    db.session.commit()
    r = client.post(url(missed.id), json={"rating": 1}, headers=headers_for(a.family))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "visit_missed"
    r = client.post(url(future.id), json={"rating": 5}, headers=headers_for(a.family))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "visit_not_started"
    r = client.post(url(cancelled.id), json={"rating": 5}, headers=headers_for(a.family))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "visit_cancelled"
    assert count(VisitFeedback) == 0


@pytest.mark.parametrize("status", ["scheduled", "en_route", "late", "in_progress"])
def test_only_a_completed_visit_can_be_rated(client, fw, status):
    """A carer still at the door, or one not yet come, has not delivered the visit: nothing to rate yet."""
    visit = fw.alpha.visits[0]
    visit.status = status
    visit.ended_at = None
    db.session.commit()
    before = snapshot()
    r = client.post(url(visit.id), json={"rating": 4}, headers=headers_for(fw.alpha.family))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "visit_not_delivered"
    assert snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"rating": "4"}, "rating"), ({"rating": 3.5}, "rating"),
    ({}, "rating"), ({"rating": 3, "comment": "x" * 2001}, "comment"), ({"rating": 3, "stars": 5}, "stars"),
    ({"rating": 3, "comment": "Lovely\u0000"}, "comment"),
])
def test_bad_input_is_422_with_the_field_and_writes_nothing(client, fw, body, field):
    before = snapshot()
    r = client.post(url(fw.alpha.visits[0].id), json=body, headers=headers_for(fw.alpha.family))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_other_tenants_get_404_and_write_nothing(client, fw):
    a, b, g = fw.alpha, fw.beta, fw.gamma
    visit = a.visits[0]
    # Alpha's other client's relative, and relatives of other providers' and councils' clients.
    other_relative = user("other@alpha.example", "family")
    add(FamilyLink(user_id=other_relative.id, client_id=a.clients[1].id, email=other_relative.email))
    db.session.commit()
    before = snapshot()
    for outsider in (other_relative, b.family, g.family):
        r = client.post(url(visit.id), json={"rating": 1}, headers=headers_for(outsider))
        assert r.status_code == 404, outsider.email
        assert client.get(url(visit.id), headers=headers_for(outsider)).status_code == 404
    for outsider in (b.coordinator, g.admin, fw.south_officer):
        assert client.get(url(visit.id), headers=headers_for(outsider)).status_code == 404, outsider.email
    assert client.post(url(10**9), json={"rating": 1}, headers=headers_for(a.family)).status_code == 404
    assert snapshot() == before


def test_roles_that_never_use_feedback_get_403(client, fw):
    a = fw.alpha
    visit = a.visits[0]
    for someone in (a.worker_users[0], a.coordinator, fw.officer):
        assert client.post(url(visit.id), json={"rating": 5}, headers=headers_for(someone)).status_code == 403
    assert client.get(url(visit.id), headers=headers_for(a.worker_users[0])).status_code == 403
    assert client.post(url(visit.id), json={"rating": 5}).status_code == 401
    assert count(VisitFeedback) == 0


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/visits/{visit_id}/feedback"])
