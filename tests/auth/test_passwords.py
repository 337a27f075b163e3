"""Choosing passwords: changing one's own, resets an administrator sends, the policy new passwords meet,
and the audit trail of sign-ins and password changes."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.audit.models import AuditEntry
from server.auth.models import PasswordResetToken, User
from server.auth.passwords import hash_password
from server.db_types import utcnow
from server.extensions import db
from server.notify.models import Notification
from server.notify.sender import drain
from tests.dbstate import snapshot
from tests.error_shape import assert_error
from tests.factories import PASSWORD, user
from tests.sessions import bearer, headers_for, login

CHANGE = "/api/v1/auth/password"
REDEEM = "/api/v1/auth/password-reset"
NEW = "tea at the lighthouse"


def change(client, tokens, current, new):
    return client.post(CHANGE, json={"current_password": current, "new_password": new},
                       headers=bearer(tokens["access_token"]))


def issue_reset(client, who, target):
    return client.post(f"/api/v1/users/{target.id}/password-reset", headers=headers_for(who))


def reset_link_token(target) -> str:
    mail = db.session.scalar(select(Notification).where(Notification.user_id == target.id,
                                                        Notification.kind == "password_reset"))
    return re.search(r"/#/reset\?token=([\w-]+)", mail.body).group(1)


def actions(prefix: str) -> list[AuditEntry]:
    return [e for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)) if e.action.startswith(prefix)]


# --- changing one's own password ---

def test_password_change_takes_the_new_password_and_drops_the_old(client, world):
    tokens = login(client, "w1@alpha.example").get_json()
    r = change(client, tokens, PASSWORD, NEW)
    assert r.status_code == 200
    assert r.get_json()["user"]["email"] == "w1@alpha.example"
    assert client.get_cookie("access_token_cookie").value == r.get_json()["access_token"]
    assert_error(login(client, "w1@alpha.example"), 401, "invalid_credentials")
    assert login(client, "w1@alpha.example", NEW).status_code == 200
    [entry] = actions("auth.password_change")
    w1 = world.alpha.worker_users[0]
    assert (entry.user_id, entry.object_id) == (w1.id, str(w1.id))


def test_wrong_current_password_changes_nothing(client, world):
    tokens = login(client, "w1@alpha.example").get_json()
    stored = db.session.scalar(select(User.password_hash).where(User.email == "w1@alpha.example"))
    r = change(client, tokens, "not my password", NEW)
    assert_error(r, 422, "wrong_password")
    assert "current_password" in r.get_json()["error"]["details"]["fields"]
    db.session.expire_all()
    assert db.session.scalar(select(User.password_hash).where(User.email == "w1@alpha.example")) == stored
    assert client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
    [entry] = actions("auth.password_change")
    assert (entry.action, entry.user_id) == ("auth.password_change_failed", world.alpha.worker_users[0].id)


def test_password_change_needs_a_login(client, world):
    assert_error(client.post(CHANGE, json={"current_password": PASSWORD, "new_password": NEW}), 401, "unauthorized")


# --- the policy ---

@pytest.mark.parametrize("new,says", [
    ("short1!", "at least 10 characters"),
    ("password1234", "common password"),
    ("qwertyuiop", "common password"),
    ("Password123!", "similar to a commonly used password"),
    ("aaaaaaaaaaaa", "Repeats"),
    ("x" * 201, "at most 200"),
])
def test_new_passwords_must_be_long_and_hard_to_guess(client, world, new, says):
    tokens = login(client, "w1@alpha.example").get_json()
    before = snapshot()
    r = change(client, tokens, PASSWORD, new)
    assert_error(r, 422, "validation_error")
    [message] = r.get_json()["error"]["details"]["fields"]["new_password"]
    assert says in message
    assert snapshot() == before


def test_minimum_length_is_a_setting(app, client, world):
    settings = app.config["CAREMON"]
    was = settings["password_min_length"]
    settings["password_min_length"] = 30
    try:
        r = change(client, login(client, "w1@alpha.example").get_json(), PASSWORD, NEW)
    finally:
        settings["password_min_length"] = was
    assert "at least 30 characters" in r.get_json()["error"]["details"]["fields"]["new_password"][0]


@pytest.mark.parametrize("url,body", [
    ("/api/v1/workers", {"name": "Sam", "email": "sam@alpha.example", "password": "password1234"}),
    ("/api/v1/clients/{client}/family", {"name": "Son", "email": "son@relative.example", "password": "iloveyou12"}),
])
def test_logins_an_admin_creates_meet_the_policy_too(client, world, url, body):
    before = snapshot()
    r = client.post(url.format(client=world.alpha.clients[0].id), json=body, headers=headers_for(world.alpha.admin))
    assert_error(r, 422, "validation_error")
    assert "common" in r.get_json()["error"]["details"]["fields"]["password"][0]
    assert snapshot() == before


def test_a_stored_weak_password_still_logs_in(client, world):
    """The policy judges passwords being chosen; seeded logins (the demo's caremon-demo) keep working."""
    user("weak@alpha.example", "coordinator", provider_id=world.alpha.provider.id)
    db.session.execute(update(User).where(User.email == "weak@alpha.example")
                       .values(password_hash=hash_password("password")))
    db.session.commit()
    assert login(client, "weak@alpha.example", "password").status_code == 200


# --- resets an administrator sends ---

def test_admin_reset_emails_a_one_time_link_stored_only_as_a_hash(app, client, world):
    target = world.alpha.worker_users[0]
    r = issue_reset(client, world.alpha.admin, target)
    assert r.status_code == 202
    mail = db.session.scalar(select(Notification).where(Notification.kind == "password_reset"))
    assert (mail.channel, mail.recipient, mail.user_id, mail.status) == ("email", target.email, target.id, "pending")
    assert f"{app.config['CAREMON']['public_url']}/#/reset?token=" in mail.body
    assert "24 hours" in mail.body
    raw = reset_link_token(target)
    stored = db.session.scalar(select(PasswordResetToken))
    assert raw not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(hours=24)
    # The old password works until the link is used.
    assert login(client, target.email).status_code == 200


def test_the_reset_mail_goes_out_with_the_outbox(client, world):
    sent = []

    class Outgoing:
        def send(self, row):
            sent.append((row.recipient, row.subject, row.body))

    issue_reset(client, world.alpha.admin, world.alpha.worker_users[0])
    assert drain({"email": Outgoing()}, utcnow())["sent"] == 1
    [(to, subject, body)] = sent
    assert to == "w1@alpha.example" and "password" in subject
    assert reset_link_token(world.alpha.worker_users[0]) in body


def test_redeeming_the_link_sets_the_password_once_and_ends_old_sessions(client, world):
    target = world.alpha.worker_users[0]
    old_session = login(client, target.email).get_json()
    issue_reset(client, world.alpha.admin, target)
    raw = reset_link_token(target)
    assert client.post(REDEEM, json={"token": raw, "new_password": NEW}).status_code == 204
    assert login(client, target.email, NEW).status_code == 200
    assert_error(login(client, target.email), 401, "invalid_credentials")
    assert_error(client.get("/api/v1/auth/me", headers=bearer(old_session["access_token"])), 401, "token_revoked")
    before = snapshot()
    again = client.post(REDEEM, json={"token": raw, "new_password": "another fine password"})
    assert_error(again, 400, "invalid_reset_token")
    assert snapshot() == before
    assert [e.action for e in actions("auth.password_reset")] == ["auth.password_reset_issue", "auth.password_reset"]


def test_an_expired_link_is_refused(client, world):
    target = world.alpha.worker_users[0]
    issue_reset(client, world.alpha.admin, target)
    db.session.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert_error(client.post(REDEEM, json={"token": reset_link_token(target), "new_password": NEW}), 400,
                 "invalid_reset_token")
    assert login(client, target.email).status_code == 200


def test_a_newer_link_voids_with_the_older_once_either_is_used(client, world):
    target = world.alpha.worker_users[0]
    issue_reset(client, world.alpha.admin, target)
    first = reset_link_token(target)
    db.session.execute(update(Notification).values(kind="used"))  # so the next lookup finds the second mail
    issue_reset(client, world.alpha.admin, target)
    second = reset_link_token(target)
    assert client.post(REDEEM, json={"token": second, "new_password": NEW}).status_code == 204
    assert_error(client.post(REDEEM, json={"token": first, "new_password": "another fine password"}), 400,
                 "invalid_reset_token")


def test_reset_redeem_holds_new_passwords_to_the_policy(client, world):
    target = world.alpha.worker_users[0]
    issue_reset(client, world.alpha.admin, target)
    r = client.post(REDEEM, json={"token": reset_link_token(target), "new_password": "password1234"})
    assert_error(r, 422, "validation_error")
    # The link was not spent on a refused password.
    assert client.post(REDEEM, json={"token": reset_link_token(target), "new_password": NEW}).status_code == 204


def test_unknown_reset_token_is_refused(client, world):
    assert_error(client.post(REDEEM, json={"token": "made-up", "new_password": NEW}), 400, "invalid_reset_token")


def test_reset_link_validity_is_a_setting(app, client, world):
    settings = app.config["CAREMON"]
    was = settings["password_reset_hours"]
    settings["password_reset_hours"] = 2
    try:
        issue_reset(client, world.officer, user("officer2@northshire.example", "council_officer",
                                                council_id=world.north.id))
    finally:
        settings["password_reset_hours"] = was
    token = db.session.scalar(select(PasswordResetToken))
    assert token.expires_at - token.created_at == timedelta(hours=2)
    assert "2 hours" in db.session.scalar(select(Notification.body))


def test_another_tenants_admin_cannot_send_a_reset(client, world):
    before = snapshot()
    assert_error(issue_reset(client, world.beta.admin, world.alpha.worker_users[0]), 404, "not_found")
    assert_error(issue_reset(client, world.south_officer, world.officer), 404, "not_found")
    assert_error(issue_reset(client, world.alpha.coordinator, world.alpha.worker_users[0]), 403, "forbidden")
    assert snapshot() == before


# --- the audit trail of signing in ---

def test_logins_failures_and_logouts_are_audited_without_the_password(client, world):
    w1 = world.alpha.worker_users[0]
    tokens = login(client, "w1@alpha.example").get_json()
    login(client, "W1@alpha.example", "a wrong guess")
    login(client, "nobody@alpha.example", "another guess")
    client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    entries = actions("auth.")
    assert [(e.action, e.object_id, e.user_id) for e in entries] == [
        ("auth.login", str(w1.id), w1.id),
        ("auth.login_failed", str(w1.id), None),
        ("auth.login_failed", None, None),
        ("auth.logout", str(w1.id), w1.id),
    ]
    assert entries[1].details == {"email": "w1@alpha.example", "address": "127.0.0.1", "reason": "wrong_password"}
    assert entries[2].details["email"] == "nobody@alpha.example" and entries[2].details["reason"] == "unknown_email"
    everything = repr([(e.action, e.details) for e in db.session.scalars(select(AuditEntry))])
    assert "wrong guess" not in everything and "another guess" not in everything


def test_a_switched_off_login_with_the_right_password_is_audited_as_inactive(client, world):
    client.patch(f"/api/v1/users/{world.alpha.coordinator.id}", json={"active": False},
                 headers=headers_for(world.alpha.admin))
    assert_error(login(client, "coord@alpha.example"), 401, "invalid_credentials")
    assert actions("auth.login_failed")[-1].details["reason"] == "inactive"
