"""The client or family confirms a visit on the carer's phone: the family's PIN or a drawn signature."""
from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.directory.models import Client
from server.extensions import db
from server.visits.models import Visit, VisitConfirmation, VisitEvent
from tests.builders import event, post
from tests.sessions import headers_for

M = timedelta(minutes=1)


def signature() -> str:
    image = Image.new("L", (300, 120), 255)
    image.paste(0, (40, 60, 260, 64))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def asked(client, world):
    """Alpha's contract asks for confirmation; the family has set PIN 2468; the carer is checked in."""
    a = world.alpha
    a.contract.require_client_confirmation = True
    db.session.commit()
    r = client.put(
        f"/api/v1/clients/{a.clients[0].id}/confirmation-pin", json={"pin": "2468"}, headers=headers_for(a.family)
    )
    assert r.get_json() == {"pin_set": True}
    assert post(client, a.worker_users[0], a.visits[0].id, event("check_in", world.start)).status_code == 201
    for task in a.visits[0].tasks:
        post(client, a.worker_users[0], a.visits[0].id, event("task_done", world.start + M, task=task))
    return a


def check_out(client, a, world, **confirmation):
    return post(client, a.worker_users[0], a.visits[0].id,
                event("check_out", world.start + 30 * M, confirmation=confirmation or None))


def flags(a):
    db.session.expire_all()
    return db.session.get(Visit, a.visits[0].id).flags


def test_the_familys_pin_confirms_the_visit(client, world, asked):
    r = check_out(client, asked, world, pin="2468")
    assert r.status_code == 201 and "confirmation" not in r.get_json()["event"]["payload"]
    assert flags(asked) == []
    row = db.session.scalar(select(VisitConfirmation))
    assert (row.kind, row.verified, row.signature_png) == ("pin", True, None)
    stored = db.session.get(Client, asked.clients[0].id).confirmation_pin_hash
    assert stored.startswith("$argon2id$") and "2468" not in stored


def test_a_wrong_pin_is_kept_unverified_and_flags_the_visit(client, world, asked):
    assert check_out(client, asked, world, pin="1357").status_code == 201
    assert flags(asked) == ["client_unconfirmed"]
    assert db.session.scalar(select(VisitConfirmation.verified)) is False


def test_a_drawn_signature_confirms_the_visit_and_is_kept(client, world, asked):
    drawn = signature()
    assert check_out(client, asked, world, signature=drawn, signer_name="Mary (daughter)").status_code == 201
    assert flags(asked) == []
    row = db.session.scalar(select(VisitConfirmation))
    assert (row.kind, row.verified, row.signer_name) == ("signature", True, "Mary (daughter)")
    assert row.signature_png == base64.b64decode(drawn.split(",", 1)[1])


def test_no_confirmation_where_the_contract_asks_for_one_flags_the_visit(client, world, asked):
    assert check_out(client, asked, world).status_code == 201
    assert flags(asked) == ["client_unconfirmed"]


def test_a_contract_that_does_not_ask_flags_nothing(client, world):
    a = world.alpha
    post(client, a.worker_users[0], a.visits[0].id, event("check_in", world.start))
    for task in a.visits[0].tasks:
        post(client, a.worker_users[0], a.visits[0].id, event("task_done", world.start + M, task=task))
    assert check_out(client, a, world).status_code == 201
    assert flags(a) == []


def test_a_retry_with_another_pin_is_the_stored_check_out(client, world, asked):
    body = event("check_out", world.start + 30 * M, confirmation={"pin": "1357"})
    assert post(client, asked.worker_users[0], asked.visits[0].id, body).status_code == 201
    again = post(client, asked.worker_users[0], asked.visits[0].id, {**body, "confirmation": {"pin": "2468"}})
    # The PIN is kept out of the content hash (a hash of four digits would give it away): same content, same event.
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert flags(asked) == ["client_unconfirmed"]


@pytest.mark.parametrize("confirmation, kind", [
    ({"pin": "2468", "signature": "data:image/png;base64,AAAA"}, "check_out"),
    ({}, "check_out"),
    ({"pin": "12"}, "check_out"),
    ({"signature": "data:image/png;base64,bm90IGEgcG5n"}, "check_out"),
    ({"signature": "data:image/jpeg;base64,AAAA"}, "check_out"),
    ({"pin": "2468"}, "check_in"),
])
def test_bad_confirmations_are_422_and_write_nothing(client, world, asked, confirmation, kind):
    before = db.session.scalar(select(func.count()).select_from(VisitEvent))
    r = post(
        client, asked.worker_users[0], asked.visits[0].id, event(kind, world.start + 30 * M, confirmation=confirmation)
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "validation_error"), r.get_json()
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == before
    assert db.session.scalar(select(func.count()).select_from(VisitConfirmation)) == 0


def test_only_a_linked_family_sets_the_pin_and_a_bad_one_is_refused(client, world):
    a = world.alpha
    url = f"/api/v1/clients/{a.clients[0].id}/confirmation-pin"
    r = client.put(url, json={"pin": "12ab"}, headers=headers_for(a.family))
    assert r.status_code == 422
    assert client.put(url, json={"pin": "2468"}, headers=headers_for(a.coordinator)).status_code == 403
    assert client.put(url, json={"pin": "2468"}, headers=headers_for(world.beta.family)).status_code == 404
    assert db.session.get(Client, a.clients[0].id).confirmation_pin_hash is None
