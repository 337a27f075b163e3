"""A missed visit opens an exception; a coordinator says why from the council's list; the report shows it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.config import load_settings
from server.extensions import db
from server.monitoring.scans import scan
from server.visits.models import Visit, VisitException
from tests.dbstate import snapshot, statements_sent
from tests.sessions import headers_for

M = timedelta(minutes=1)


def missed_exceptions(visit_id):
    return db.session.scalars(select(VisitException).where(
        VisitException.visit_id == visit_id, VisitException.kind == "missed")).all()


def test_missed_visit_is_explained_with_a_council_code(client, world):
    a, visit = world.alpha, world.alpha.visits[0]
    settings = load_settings()
    scan(world.start + 61 * M, settings)
    scan(world.start + 62 * M, settings)  # a second pass opens nothing more
    assert db.session.get(Visit, visit.id).status == "missed"
    [exc] = missed_exceptions(visit.id)
    assert exc.resolved_at is None

    officer = headers_for(world.officer)
    codes = client.get(f"/api/v1/councils/{world.north.id}/reason-codes", headers=officer).get_json()
    hospital = next(c for c in codes if c["code"] == "client_in_hospital")
    assert hospital["label"] == "Client in hospital" and hospital["active"] is True
    r = client.patch(f"/api/v1/councils/{world.north.id}/reason-codes/{hospital['id']}", headers=officer,
                     json={"external_code": "MV-03"})
    assert r.status_code == 200 and r.get_json()["external_code"] == "MV-03"

    staff = headers_for(a.coordinator)
    url = f"/api/v1/visits/{visit.id}/exceptions/{exc.id}/resolve"
    assert client.post(url, headers=staff, json={"reason_code": "made_up"}).status_code == 422
    r = client.post(url, headers=staff, json={"reason_code": "client_in_hospital", "note": "Admitted overnight"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["reason_code"] == "client_in_hospital"
    shown = client.get(f"/api/v1/visits/{visit.id}", headers=staff).get_json()["visit"]
    assert shown["reasons"] == [{"about": "missed", "code": "client_in_hospital", "external_code": "MV-03",
                                 "note": "Admitted overnight", "task": None, "worker_id": None}]

    report = client.get("/api/v1/reports/missed?date_from=2026-11-23&date_to=2026-11-23",
                        headers=officer).get_json()
    row = next(r for r in report["rows"] if r["visit_id"] == visit.id)
    assert (row["reason_code"], row["reason_label"], row["external_code"], row["resolved"]) == (
        "client_in_hospital", "Client in hospital", "MV-03", True)
    assert {"reason_code": "client_in_hospital", "visits": 1} in report["totals"]["by_reason"]
    csv = client.get("/api/v1/reports/missed?date_from=2026-11-23&date_to=2026-11-23&format=csv",
                     headers=officer).get_data(as_text=True)
    assert "client_in_hospital,Client in hospital,MV-03" in csv


def test_a_late_check_in_closes_the_missed_exception(client, world):
    from tests.builders import event, post

    visit = world.alpha.visits[0]
    scan(world.start + 61 * M, load_settings())
    assert post(client, world.alpha.worker_users[0], visit.id, event("check_in", world.start)).status_code == 201
    [exc] = missed_exceptions(visit.id)
    assert exc.resolved_at is not None


def test_a_late_check_in_finds_the_missed_exception_with_its_visit_and_writes_after_storing_the_event(client, world):
    """Two reads (the token, the visit with its carers and open exceptions), then only writes: a new key is
    inserted, not looked up first."""
    from tests.builders import event

    visit_id = world.alpha.visits[0].id
    headers = headers_for(world.alpha.worker_users[0])
    scan(world.start + 61 * M, load_settings())
    db.session.expunge_all()  # the request reads as it would in a session of its own
    with statements_sent() as sent:
        r = client.post(f"/api/v1/visits/{visit_id}/events", json=event("check_in", world.start), headers=headers)
    ran = [statement.split()[0] for statement in sent]
    assert r.status_code == 201 and r.get_json()["visit"]["open_exceptions"] == []
    assert ran[:2] == ["SELECT"] * 2 and "SELECT" not in ran[2:]
    assert missed_exceptions(visit_id)[0].resolved_at is not None


def test_officer_edits_the_councils_list(client, world):
    officer = headers_for(world.officer)
    url = f"/api/v1/councils/{world.north.id}/reason-codes"
    r = client.post(url, headers=officer, json={"code": "flooding", "label": "Roads flooded", "external_code": "F1"})
    assert r.status_code == 201
    assert client.post(url, headers=officer, json={"code": "flooding", "label": "Again"}).status_code == 409
    assert client.post(url, headers=officer, json={"code": "Bad Code", "label": "x"}).status_code == 422
    retired = client.patch(f"{url}/{r.get_json()['id']}", headers=officer, json={"active": False}).get_json()
    assert retired["active"] is False
    codes = client.get(url, headers=headers_for(world.alpha.coordinator)).get_json()
    assert codes[-1]["code"] == "flooding" and len(codes) > 10
    # A retired code cannot be chosen.
    exc = VisitException(visit_id=world.alpha.visits[0].id, kind="missed", raised_at=world.start)
    db.session.add(exc)
    db.session.commit()
    r = client.post(f"/api/v1/visits/{world.alpha.visits[0].id}/exceptions/{exc.id}/resolve",
                    headers=headers_for(world.alpha.coordinator), json={"reason_code": "flooding"})
    assert r.status_code == 422


def test_another_councils_reason_codes_are_not_found(client, world):
    south = f"/api/v1/councils/{world.south.id}/reason-codes"
    own = client.get(f"/api/v1/councils/{world.north.id}/reason-codes", headers=headers_for(world.officer)).get_json()
    before = snapshot()
    for user in (world.officer, world.alpha.coordinator, world.beta.admin):
        assert client.get(south, headers=headers_for(user)).status_code == 404
    assert client.post(south, headers=headers_for(world.officer), json={"code": "x", "label": "X"}).status_code == 404
    r = client.patch(f"/api/v1/councils/{world.south.id}/reason-codes/{own[0]['id']}",
                     headers=headers_for(world.south_officer), json={"label": "Mine now"})
    assert r.status_code == 404
    assert client.post(f"/api/v1/councils/{world.north.id}/reason-codes", headers=headers_for(world.alpha.coordinator),
                       json={"code": "x", "label": "X"}).status_code == 403
    assert client.get(f"/api/v1/councils/{world.north.id}/reason-codes",
                      headers=headers_for(world.alpha.worker_users[0])).status_code == 403
    assert snapshot() == before
