"""A provider admin's people: workers invited by a one-time link, staff invited and moved between roles,
relatives linked to and unlinked from clients. Each change is audited; bad input changes nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.directory.models import FamilyLink
from server.extensions import db
from server.notify.models import Notification
from tests.dbstate import snapshot
from tests.sessions import headers_for

NEW_PASSWORD = "plum tuesday harbour 41"


def invitation_token(email: str) -> str:
    mail = db.session.scalar(select(Notification).where(Notification.recipient == email,
                                                        Notification.kind == "invitation"))
    assert mail is not None and mail.channel == "email"
    return re.search(r"#/reset\?token=([\w-]+)", mail.body)[1]


def actions(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_a_worker_added_without_a_password_is_invited_and_chooses_their_own(client, world):
    admin = world.alpha.admin
    r = client.post("/api/v1/workers", json={"name": "Nia Rees", "email": "Nia@Alpha.example", "phone": "07700 900111"},
                    headers=headers_for(admin))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["name"], body["email"], body["login_active"]) == ("Nia Rees", "nia@alpha.example", True)
    token = invitation_token("nia@alpha.example")
    mail = db.session.scalar(select(Notification).where(Notification.kind == "invitation"))
    assert "72 hours" in mail.body and "Nia Rees" in mail.body
    assert (
        client.post("/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD}).status_code
        == 204
    )
    me = login(client, "nia@alpha.example", NEW_PASSWORD).get_json()["user"]
    assert (me["role"], me["worker_id"], me["provider_id"]) == ("worker", body["id"], world.alpha.provider.id)
    assert [e.object_id for e in actions("worker.create")] == [str(body["id"])]
    assert len(actions("auth.invitation_issue")) == 1


def test_the_worker_list_shows_each_login_and_only_the_admins_own(client, world):
    rows = client.get("/api/v1/workers", headers=headers_for(world.beta.admin)).get_json()
    assert {r["id"] for r in rows} == {w.id for w in world.beta.workers}
    assert {r["email"] for r in rows} == {u.email for u in world.beta.worker_users}


def test_renaming_and_deactivating_a_worker_follows_through_to_their_login(client, world):
    worker, login_user = world.alpha.workers[0], world.alpha.worker_users[0]
    r = client.patch(f"/api/v1/workers/{worker.id}", json={"name": "Alys Jones", "active": False},
                     headers=headers_for(world.alpha.admin))
    assert r.status_code == 200 and r.get_json()["login_active"] is False
    db.session.expire_all()
    assert db.session.get(User, login_user.id).name == "Alys Jones"
    assert client.get("/api/v1/auth/me", headers=headers_for(login_user)).status_code == 401
    assert client.patch(f"/api/v1/workers/{worker.id}", json={"active": True},
                        headers=headers_for(world.alpha.admin)).get_json()["login_active"] is True
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "user"))] == [
        "user.deactivate", "user.reactivate"]


@pytest.mark.parametrize("body", [
    {"name": "", "email": "x@alpha.example"},
    {"name": "No Email"},
    {"name": "Weak", "email": "weak@alpha.example", "password": "password"},
    {"name": "Taken", "email": "w1@alpha.example"},
    {"name": "Taken", "email": "W1@ALPHA.example"},
])
def test_a_bad_worker_is_refused_and_nothing_is_written(client, world, body):
    before = snapshot()
    r = client.post("/api/v1/workers", json=body, headers=headers_for(world.alpha.admin))
    assert r.status_code == 422 and r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_staff_invited_into_the_provider_and_listed_with_their_roles(client, world):
    admin = world.alpha.admin
    r = client.post(
        "/api/v1/users",
        json={"name": "Cerys Evans", "email": "cerys@alpha.example", "role": "coordinator"},
        headers=headers_for(admin),
    )
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert (made["role"], made["provider_id"], made["active"]) == ("coordinator", world.alpha.provider.id, True)
    invitation_token("cerys@alpha.example")
    staff = client.get("/api/v1/users?role=coordinator", headers=headers_for(admin)).get_json()
    assert {u["email"] for u in staff} == {"coord@alpha.example", "cerys@alpha.example"}
    everyone = {u["email"] for u in client.get("/api/v1/users", headers=headers_for(admin)).get_json()}
    assert "coord@beta.example" not in everyone and "family@alpha.example" in everyone
    promoted = client.patch(f"/api/v1/users/{made['id']}", json={"role": "provider_admin"}, headers=headers_for(admin))
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "provider_admin"
    assert [e.details["after"] for e in actions("user.role_change")] == ["provider_admin"]
    assert [e.details["role"] for e in actions("user.create")] == ["coordinator"]


@pytest.mark.parametrize("body", [
    {"name": "Worker", "email": "new@alpha.example", "role": "worker"},
    {"name": "Officer", "email": "new@alpha.example", "role": "council_officer"},
    {"name": "Again", "email": "coord@beta.example", "role": "coordinator"},
])
def test_staff_invitations_take_only_staff_roles_and_new_emails(client, world, body):
    before = snapshot()
    r = client.post("/api/v1/users", json=body, headers=headers_for(world.alpha.admin))
    assert r.status_code == 422
    assert snapshot() == before


def test_only_a_provider_admin_invites_staff(client, world):
    for who in (world.alpha.coordinator, world.officer, world.alpha.worker_users[0]):
        r = client.post("/api/v1/users", json={"name": "X", "email": "x@alpha.example", "role": "coordinator"},
                        headers=headers_for(who))
        assert r.status_code == 403


def test_an_invitation_sent_again_is_a_new_link(client, world):
    target = world.alpha.worker_users[1]
    assert (
        client.post(f"/api/v1/users/{target.id}/invitation", headers=headers_for(world.alpha.admin)).status_code == 202
    )
    first = invitation_token(target.email)
    assert (
        client.post("/api/v1/auth/password-reset", json={"token": first, "new_password": NEW_PASSWORD}).status_code
        == 204
    )
    assert login(client, target.email, NEW_PASSWORD).status_code == 200


def test_a_relative_is_invited_linked_to_a_second_client_and_unlinked(client, world):
    admin, (first, second) = world.alpha.admin, world.alpha.clients
    r = client.post(f"/api/v1/clients/{first.id}/family", json={"name": "Ffion Hughes", "email": "ffion@home.example",
                                                                "relationship_label": "Daughter"},
                    headers=headers_for(admin))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["name"] == "Ffion Hughes"
    invitation_token("ffion@home.example")
    # The same relative, already a family login, is linked to the second client without a new login or mail.
    r = client.post(f"/api/v1/clients/{second.id}/family", json={"name": "Ffion", "email": "FFION@home.example"},
                    headers=headers_for(admin))
    assert r.status_code == 201
    link_id = r.get_json()["id"]
    assert db.session.scalar(select(db.func.count()).select_from(User).where(User.email == "ffion@home.example")) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1
    relative = db.session.scalar(select(User).where(User.email == "ffion@home.example"))
    assert client.delete(f"/api/v1/clients/{second.id}/family/{link_id}", headers=headers_for(admin)).status_code == 204
    assert db.session.scalars(select(FamilyLink.client_id).where(FamilyLink.user_id == relative.id)).all() == [first.id]
    assert client.get(f"/api/v1/clients/{second.id}", headers=headers_for(relative)).status_code == 404
    assert client.get(f"/api/v1/clients/{first.id}", headers=headers_for(relative)).status_code == 200
    assert [e.details["new_login"] for e in actions("family.link")] == [True, False]
    assert [e.object_id for e in actions("family.unlink")] == [str(second.id)]


@pytest.mark.parametrize("body", [
    {"name": "Staff", "email": "coord@alpha.example"},
    {"name": "Already", "email": "family@alpha.example"},
    {"name": "Takeover", "email": "family@beta.example", "password": NEW_PASSWORD},
    {"name": "", "email": "new@home.example"},
])
def test_bad_family_links_are_refused_and_nothing_is_written(client, world, body):
    before = snapshot()
    r = client.post(f"/api/v1/clients/{world.alpha.clients[0].id}/family", json=body,
                    headers=headers_for(world.alpha.admin))
    assert r.status_code == 422, r.get_json()
    assert snapshot() == before


def test_a_link_of_another_client_is_not_found_under_this_one(client, world):
    link = db.session.scalar(select(FamilyLink).where(FamilyLink.client_id == world.alpha.clients[0].id))
    before = snapshot()
    r = client.delete(f"/api/v1/clients/{world.alpha.clients[1].id}/family/{link.id}",
                      headers=headers_for(world.alpha.admin))
    assert r.status_code == 404
    assert snapshot() == before
