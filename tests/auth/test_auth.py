"""Login, refresh, logout and the guards around them: revocation, password storage, CSRF."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask_jwt_extended import create_access_token, decode_token
from sqlalchemy import select

from server.auth.models import RevokedToken, User
from server.auth.service import token_claims
from server.extensions import db
from server.visits.models import VisitEvent
from tests.builders import event
from tests.dbstate import count, snapshot
from tests.error_shape import assert_error
from tests.factories import PASSWORD
from tests.sessions import bearer, headers_for, login


def test_login_returns_tokens_in_body_and_httponly_cookies(client, world):
    r = login(client, "w1@alpha.example")
    assert r.status_code == 200
    body = r.get_json()
    assert body["user"]["role"] == "worker" and body["user"]["worker_id"] == world.alpha.workers[0].id
    assert decode_token(body["access_token"])["type"] == "access"
    assert decode_token(body["refresh_token"])["type"] == "refresh"
    cookies = {c.split("=", 1)[0]: c for c in r.headers.getlist("Set-Cookie")}
    assert body["access_token"] in cookies["access_token_cookie"]
    assert body["refresh_token"] in cookies["refresh_token_cookie"]
    for name in ("access_token_cookie", "refresh_token_cookie"):
        assert "HttpOnly" in cookies[name]
    # The double-submit CSRF values must be readable by the PWA's script.
    assert "HttpOnly" not in cookies["csrf_access_token"]
    assert "Path=/api/v1/auth" in cookies["refresh_token_cookie"]


def test_login_ignores_email_case(client, world):
    assert login(client, "W1@Alpha.Example").status_code == 200


@pytest.mark.parametrize("email,password", [("w1@alpha.example", "wrong password"),
                                            ("nobody@alpha.example", PASSWORD)])
def test_wrong_password_and_unknown_email_look_the_same(client, world, email, password):
    r = login(client, email, password)
    assert_error(r, 401, "invalid_credentials")
    assert r.get_json()["error"]["message"] == "Email or password is wrong"
    assert "Set-Cookie" not in r.headers


def test_refresh_gives_a_new_working_access_token(client, world):
    tokens = login(client, "coord@alpha.example").get_json()
    r = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert r.status_code == 200
    access = r.get_json()["access_token"]
    assert access != tokens["access_token"]
    assert decode_token(access)["role"] == "coordinator"
    me = client.get("/api/v1/auth/me", headers=bearer(access))
    assert me.status_code == 200 and me.get_json()["email"] == "coord@alpha.example"


def test_access_and_refresh_tokens_are_not_interchangeable(client, world):
    tokens = login(client, "coord@alpha.example").get_json()
    assert_error(client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])), 401, "invalid_token")
    assert_error(client.get("/api/v1/auth/me", headers=bearer(tokens["refresh_token"])), 401, "invalid_token")


def test_logout_revokes_access_and_refresh_tokens(client, world):
    tokens = login(client, "coord@alpha.example").get_json()
    r = client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]},
                    headers=bearer(tokens["access_token"]))
    assert r.status_code == 204
    assert_error(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401, "token_revoked")
    assert_error(client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])), 401, "token_revoked")
    revoked = set(db.session.scalars(select(RevokedToken.jti)))
    assert revoked == {decode_token(tokens["access_token"])["jti"], decode_token(tokens["refresh_token"])["jti"]}
    assert {r.user_id for r in db.session.scalars(select(RevokedToken))} == {world.alpha.coordinator.id}


def test_logout_does_not_revoke_another_users_refresh_token(client, world):
    mine = login(client, "coord@alpha.example").get_json()
    theirs = login(client, "admin@alpha.example").get_json()
    client.post("/api/v1/auth/logout", json={"refresh_token": theirs["refresh_token"]},
                headers=bearer(mine["access_token"]))
    assert client.post("/api/v1/auth/refresh", headers=bearer(theirs["refresh_token"])).status_code == 200


def test_logout_with_a_machine_token_as_refresh_token_logs_out_and_leaves_the_machine_alone(client, world):
    from tests.factories import api_client_for

    made, secret = api_client_for(world.alpha)
    machine = client.post("/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": made.client_id,
                                                       "client_secret": secret}).get_json()["access_token"]
    tokens = login(client, "coord@alpha.example").get_json()
    r = client.post("/api/v1/auth/logout", json={"refresh_token": machine}, headers=bearer(tokens["access_token"]))
    assert r.status_code == 204
    feed = client.put("/api/v1/feed/workers", json={"items": [{"ref": "W-1", "name": "Ann Carer"}]},
                      headers=bearer(machine))
    assert feed.status_code == 200, feed.get_json()


def test_logout_with_a_garbage_refresh_token_still_logs_out(client, world):
    tokens = login(client, "coord@alpha.example").get_json()
    r = client.post("/api/v1/auth/logout", json={"refresh_token": "not.a.token"},
                    headers=bearer(tokens["access_token"]))
    assert r.status_code == 204
    assert_error(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401, "token_revoked")


def test_passwords_are_stored_as_argon2id_hashes(client, world):
    password = "a long worker password"
    r = client.post("/api/v1/workers", json={"name": "Sam Carer", "email": "sam@alpha.example", "password": password},
                    headers=headers_for(world.alpha.admin))
    assert r.status_code == 201
    stored = db.session.scalar(select(User.password_hash).where(User.email == "sam@alpha.example"))
    assert stored.startswith("$argon2id$")
    assert password not in stored
    assert PasswordHasher().verify(stored, password)
    assert login(client, "sam@alpha.example", password).status_code == 200


def test_me_describes_the_caller_without_secrets(client, world):
    r = client.get("/api/v1/auth/me", headers=headers_for(world.officer))
    assert r.status_code == 200
    assert r.get_json() == {"id": world.officer.id, "email": "officer@northshire.example", "name": "Officer",
                            "role": "council_officer", "provider_id": None, "council_id": world.north.id,
                            "worker_id": None, "language": None}


def test_requests_without_a_token_are_401(client, world):
    assert_error(client.get("/api/v1/auth/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/visits"), 401, "unauthorized")
    assert_error(client.get("/api/v1/clients", headers=bearer("garbage")), 401, "invalid_token")


def test_expired_token_is_401(client, world):
    user = world.alpha.coordinator
    token = create_access_token(identity=str(user.id), additional_claims=token_claims(user),
                                expires_delta=timedelta(seconds=-1))
    assert_error(client.get("/api/v1/auth/me", headers=bearer(token)), 401, "token_expired")


def test_cookie_request_that_changes_state_needs_the_csrf_header(client, world):
    assert login(client, "w1@alpha.example").status_code == 200
    url = f"/api/v1/visits/{world.alpha.visits[0].id}/events"
    # A safe request rides on the cookie alone.
    assert client.get("/api/v1/auth/me").status_code == 200
    before = snapshot()
    r = client.post(url, json=event("check_in", world.start))
    assert_error(r, 401, "unauthorized")
    assert "CSRF" in r.get_json()["error"]["message"]
    r = client.post(url, json=event("check_in", world.start), headers={"X-CSRF-TOKEN": "forged"})
    assert_error(r, 401, "unauthorized")
    assert snapshot() == before
    csrf = client.get_cookie("csrf_access_token").value
    assert client.post(url, json=event("check_in", world.start), headers={"X-CSRF-TOKEN": csrf}).status_code == 201
    assert count(VisitEvent) == 1


def test_cookie_logout_revokes_the_refresh_cookie_too(client, world):
    login(client, "coord@alpha.example")
    refresh_token = client.get_cookie("refresh_token_cookie", path="/api/v1/auth").value
    csrf = client.get_cookie("csrf_access_token").value
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    assert client.get_cookie("access_token_cookie") is None
    assert_error(client.post("/api/v1/auth/refresh", headers=bearer(refresh_token)), 401, "token_revoked")


def test_deactivated_worker_loses_login_and_refresh(client, world):
    """A leaver's phone must stop working: no new login and no fresh access token from the old refresh token."""
    tokens = login(client, "w1@alpha.example").get_json()
    r = client.patch(f"/api/v1/workers/{world.alpha.workers[0].id}", json={"active": False},
                     headers=headers_for(world.alpha.admin))
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert_error(login(client, "w1@alpha.example"), 401, "invalid_credentials")
    assert_error(client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])), 401, "token_revoked")
    assert_error(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401, "token_revoked")
    client.patch(f"/api/v1/workers/{world.alpha.workers[0].id}", json={"active": True},
                 headers=headers_for(world.alpha.admin))
    assert login(client, "w1@alpha.example").status_code == 200
