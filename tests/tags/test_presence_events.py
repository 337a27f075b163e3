"""Check-ins shown by a tag: verified without a fix at the right home, tag_invalid everywhere else."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.visits.models import Visit, VisitEvent, VisitException
from tests.builders import by_tag, event, issue, post, upload
from tests.factories import HOME, client_for, visit_for
from tests.sessions import headers_for

M = timedelta(minutes=1)


def visit_at(world, home):
    return visit_for(home, world.start, workers=[world.alpha.workers[0]], tasks=())


def check_in_out(client, world, visit, **presence):
    worker = world.alpha.worker_users[0]
    r_in = post(client, worker, visit.id, by_tag("check_in", world.start, **presence))
    r_out = post(client, worker, visit.id, by_tag("check_out", world.start + 30 * M, **presence))
    assert (r_in.status_code, r_out.status_code) == (201, 201), r_in.get_json()
    return r_in.get_json()


def held_reason(client, world, visit):
    [line] = client.get(f"/api/v1/visits/{visit.id}/payable", headers=headers_for(world.alpha.coordinator)).get_json()[
        "lines"
    ]
    return line["outcome"], line["held_reason"]


def exception_kinds(visit):
    return set(db.session.scalars(select(VisitException.kind).where(VisitException.visit_id == visit.id)))


def test_a_scanned_tag_of_the_home_is_verified_with_no_fix(client, world):
    home = world.alpha.clients[0]
    visit = visit_at(world, home)
    tag = issue(client, world, home)
    body = check_in_out(client, world, visit, method="qr", tag=tag["payload"])
    assert (body["event"]["method"], body["event"]["verdict"], body["event"]["geofence"]) == ("qr", "verified", "none")
    visit = db.session.get(Visit, visit.id)
    assert visit.flags == [] and visit.status == "completed"
    assert exception_kinds(visit) == set()  # no no_geolocation for a coordinator to clear
    assert [(a.check_in_method, a.check_in_geofence) for a in visit.assignments] == [("qr", "verified")]
    assert held_reason(client, world, visit) == ("paid", None)


def test_a_typed_code_and_an_nfc_tap_are_verified_too(client, world):
    home = world.alpha.clients[0]
    tag = issue(client, world, home)
    by_code = check_in_out(client, world, visit_at(world, home), method="code", code=tag["code"])
    by_nfc = check_in_out(client, world, visit_at(world, home), method="nfc", tag=tag["payload"])
    assert (by_code["event"]["verdict"], by_nfc["event"]["verdict"]) == ("verified", "verified")


def test_one_homes_tag_replayed_at_another_home_is_tag_invalid_and_holds_pay(client, world):
    a = world.alpha
    tag = issue(client, world, a.clients[0])
    issue(client, world, a.clients[1])
    visit = visit_at(world, a.clients[1])
    body = check_in_out(client, world, visit, method="qr", tag=tag["payload"])
    assert body["event"]["verdict"] == "invalid"
    assert body["event"]["payload"]["tag_problem"] == "not a tag of this home, or altered"
    visit = db.session.get(Visit, visit.id)
    assert "tag_invalid" in visit.flags and "tag_invalid" in exception_kinds(visit)
    assert held_reason(client, world, visit) == ("held", "tag_invalid")
    r = client.get("/api/v1/visits?flag=tag_invalid", headers=headers_for(a.coordinator))
    assert [v["id"] for v in r.get_json()["items"]] == [visit.id]


def test_the_code_of_another_home_is_tag_invalid(client, world):
    a = world.alpha
    other = issue(client, world, a.clients[0])
    issue(client, world, a.clients[1])
    body = check_in_out(client, world, visit_at(world, a.clients[1]), method="code", code=other["code"])
    assert (body["event"]["verdict"], body["event"]["payload"]["tag_problem"]) == (
        "invalid",
        "not the code of this home",
    )


def test_a_forged_payload_is_tag_invalid(client, world):
    home = world.alpha.clients[0]
    tag = issue(client, world, home)
    head, signature = tag["payload"].rsplit(".", 1)
    forged = f"{head}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    body = check_in_out(client, world, visit_at(world, home), method="qr", tag=forged)
    assert body["event"]["verdict"] == "invalid"


def test_a_revoked_tag_is_invalid_from_its_revocation_and_the_reissued_one_works(client, world):
    home = world.alpha.clients[0]
    old = issue(client, world, home)
    before = check_in_out(client, world, visit_at(world, home), method="qr", tag=old["payload"])
    assert before["event"]["verdict"] == "verified"  # scanned before it was revoked
    new = issue(client, world, home)  # revokes the old one now, after world.start
    later = world.start + timedelta(days=400)
    visit = visit_for(home, later, workers=[world.alpha.workers[0]], tasks=())
    worker = world.alpha.worker_users[0]
    for tag, code, verdict in ((old, "payload", "invalid"), (old, "code", "invalid"), (new, "payload", "verified")):
        presence = (
            {"method": "qr", "tag": tag["payload"]} if code == "payload" else {"method": "code", "code": tag["code"]}
        )
        r = post(client, worker, visit.id, by_tag("arrival", later, **presence))
        assert r.get_json()["event"]["verdict"] == verdict, (tag["version"], code)


def test_old_phones_that_send_no_method_are_gps(client, world):
    visit = world.alpha.visits[0]
    r = post(client, world.alpha.worker_users[0], visit.id, event("check_in", world.start))
    assert (r.get_json()["event"]["method"], r.get_json()["event"]["verdict"]) == ("gps", "verified")


def test_a_homes_own_radius_overrides_the_contracts(client, world):
    a = world.alpha
    far = client_for(a.contract, "Farm", lat=HOME[0], lon=HOME[1])
    far.geofence_radius_m = 400
    visit = visit_at(world, far)
    db.session.commit()
    # About 300 m north of the farmhouse: outside the contract's 150 m, inside the farm's 400 m.
    r = post(client, a.worker_users[0], visit.id, event("check_in", world.start, lat=HOME[0] + 0.0027))
    assert r.get_json()["event"]["verdict"] == "verified"
    assert 250 < r.get_json()["event"]["distance_m"] < 350
    r = client.patch(f"/api/v1/clients/{far.id}", json={"geofence_radius_m": 5}, headers=headers_for(a.admin))
    assert r.status_code == 422


def test_bad_presence_input_is_422_and_writes_nothing(client, world):
    visit, worker = world.alpha.visits[0], world.alpha.worker_users[0]
    bad = [{"method": "qr"}, {"method": "code", "code": "12ab"}, {"method": "code", "code": "123456", "tag": "x"},
           {"method": "sms", "code": "123456"}, {"method": "gps", "code": "123456"}]
    for presence in bad:
        r = post(client, worker, visit.id, by_tag("check_in", world.start, **presence))
        assert (r.status_code, r.get_json()["error"]["code"]) == (422, "validation_error"), presence
    r = post(client, worker, visit.id, by_tag("note", world.start, method="code", code="123456", text="hi"))
    assert r.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == 0


def test_offline_scans_are_judged_on_arrival_and_stored_exactly_once(client, world):
    home = world.alpha.clients[0]
    visit = visit_at(world, home)
    tag = issue(client, world, home)
    items = [
        {
            "type": "visit_event",
            "visit_id": visit.id,
            **by_tag("check_in", world.start, method="qr", tag=tag["payload"]),
        },
        {
            "type": "visit_event",
            "visit_id": visit.id,
            **by_tag("check_out", world.start + 30 * M, method="code", code=tag["code"]),
        },
    ]
    worker = world.alpha.worker_users[0]
    first = upload(client, worker, items)
    assert [r["status"] for r in first.get_json()["results"]] == ["accepted", "accepted"]
    again = upload(client, worker, items[::-1] + items)
    assert [r["status"] for r in again.get_json()["results"]] == ["duplicate"] * 4
    rows = db.session.scalars(select(VisitEvent).order_by(VisitEvent.id)).all()
    assert [(e.method, e.verdict) for e in rows] == [("qr", "verified"), ("code", "verified")]
    assert db.session.get(Visit, visit.id).flags == []


def test_the_same_key_with_another_tag_is_a_conflict(client, world):
    home = world.alpha.clients[0]
    visit = visit_at(world, home)
    tag = issue(client, world, home)
    body = by_tag("check_in", world.start, method="code", code=tag["code"])
    worker = world.alpha.worker_users[0]
    assert post(client, worker, visit.id, body).status_code == 201
    r = post(client, worker, visit.id, {**body, "code": "000000" if tag["code"] != "000000" else "111111"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "idempotency_conflict")
