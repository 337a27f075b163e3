"""Tokens stop working on the next request when their user is switched off or changes role or password.

Each login carries its user's token version; raising the version refuses every token issued
before it, access and refresh alike, with 401 token_revoked. Administrators make those changes
through PATCH /api/v1/users/<id>, inside their own tenancy.
"""
from __future__ import annotations

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from tests.dbstate import snapshot, statements_sent
from tests.error_shape import assert_error
from tests.sessions import bearer, headers_for, login

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"


def patch_user(client, who, target, **body):
    return client.patch(f"/api/v1/users/{target.id}", json=body, headers=headers_for(who))


def assert_tokens_refused(client, tokens) -> None:
    assert_error(client.get(ME, headers=bearer(tokens["access_token"])), 401, "token_revoked")
    assert_error(client.post(REFRESH, headers=bearer(tokens["refresh_token"])), 401, "token_revoked")


def audit_actions() -> list[tuple]:
    return [(e.action, e.object_id, e.user_id, e.details)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_deactivated_user_is_refused_at_once_and_reactivation_does_not_revive_old_tokens(client, world):
    a = world.alpha
    tokens = login(client, "coord@alpha.example").get_json()
    assert client.get(ME, headers=bearer(tokens["access_token"])).status_code == 200
    r = patch_user(client, a.admin, a.coordinator, active=False)
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert_tokens_refused(client, tokens)
    assert_error(login(client, "coord@alpha.example"), 401, "invalid_credentials")
    assert patch_user(client, a.admin, a.coordinator, active=True).status_code == 200
    assert_tokens_refused(client, tokens)
    fresh = login(client, "coord@alpha.example").get_json()
    assert client.get(ME, headers=bearer(fresh["access_token"])).status_code == 200


def test_role_change_refuses_tokens_carrying_the_old_role(client, world):
    a = world.alpha
    tokens = login(client, "coord@alpha.example").get_json()
    admins_headers = headers_for(a.admin)
    r = patch_user(client, a.admin, a.coordinator, role="provider_admin")
    assert r.status_code == 200 and r.get_json()["role"] == "provider_admin"
    assert_tokens_refused(client, tokens)
    fresh = login(client, "coord@alpha.example").get_json()
    assert fresh["user"]["role"] == "provider_admin"
    # The promoted coordinator now holds an admin's rights, and can demote the admin who promoted them.
    r = client.patch(f"/api/v1/users/{a.admin.id}", json={"role": "coordinator"}, headers=bearer(fresh["access_token"]))
    assert r.status_code == 200
    assert_error(client.get("/api/v1/workers", headers=admins_headers), 401, "token_revoked")


def test_worker_switched_off_through_the_worker_record_loses_the_phones_tokens(client, world):
    """The directory's own switch (PATCH /workers/<id>) ends the sessions too."""
    a = world.alpha
    tokens = login(client, "w1@alpha.example").get_json()
    r = client.patch(f"/api/v1/workers/{a.workers[0].id}", json={"active": False}, headers=headers_for(a.admin))
    assert r.status_code == 200
    assert_tokens_refused(client, tokens)
    client.patch(f"/api/v1/workers/{a.workers[0].id}", json={"active": True}, headers=headers_for(a.admin))
    assert_tokens_refused(client, tokens)


def test_password_change_ends_the_other_sessions_and_hands_this_one_fresh_tokens(client, world):
    phone = login(client, "w1@alpha.example").get_json()
    desktop = login(client, "w1@alpha.example").get_json()
    r = client.post("/api/v1/auth/password", headers=bearer(desktop["access_token"]),
                    json={"current_password": "correct horse battery staple", "new_password": "tea at the lighthouse"})
    assert r.status_code == 200, r.get_json()
    assert_tokens_refused(client, phone)
    assert_tokens_refused(client, desktop)
    assert client.get(ME, headers=bearer(r.get_json()["access_token"])).status_code == 200
    assert client.post(REFRESH, headers=bearer(r.get_json()["refresh_token"])).status_code == 200


def test_a_token_from_before_versions_existed_counts_as_version_zero(client, world):
    user = world.alpha.coordinator
    claims = {"role": user.role, "provider_id": user.provider_id, "council_id": None, "worker_id": None}
    old = create_access_token(identity=str(user.id), additional_claims=claims)
    assert client.get(ME, headers=bearer(old)).status_code == 200
    patch_user(client, world.alpha.admin, user, active=False)
    assert_error(client.get(ME, headers=bearer(old)), 401, "token_revoked")


def test_the_token_check_is_one_query_with_the_blocklist(app, client, world):
    """Every request pays for the check: the version, the active flag and the logout blocklist come in one query."""
    headers = headers_for(world.alpha.coordinator)
    db.session.expunge_all()  # /me then reads its user from the database, as in a request of its own
    with statements_sent() as statements:
        assert client.get(ME, headers=headers).status_code == 200
    check = [s for s in statements if "revoked_tokens" in s]
    assert len(check) == 1 and "token_version" in check[0]
    assert len(statements) == 2  # the check, and /me reading its user


def test_account_changes_are_audited_with_who_and_what(client, world):
    a = world.alpha
    patch_user(client, a.admin, a.coordinator, role="provider_admin", active=False)
    changes = [e for e in audit_actions() if e[0].startswith("user.")]
    assert changes == [
        ("user.role_change", str(a.coordinator.id), a.admin.id, {"before": "coordinator", "after": "provider_admin"}),
        ("user.deactivate", str(a.coordinator.id), a.admin.id, {}),
    ]
    patch_user(client, a.admin, a.coordinator, active=True)
    assert audit_actions()[-1][:3] == ("user.reactivate", str(a.coordinator.id), a.admin.id)


def test_unchanged_values_change_nothing_and_end_no_session(client, world):
    a = world.alpha
    tokens = login(client, "coord@alpha.example").get_json()
    assert patch_user(client, a.admin, a.coordinator, role="coordinator", active=True).status_code == 200
    assert client.get(ME, headers=bearer(tokens["access_token"])).status_code == 200
    assert not [e for e in audit_actions() if e[0].startswith("user.")]


@pytest.mark.parametrize("target,role", [("worker", "coordinator"), ("coordinator", "worker"),
                                         ("family", "provider_admin"), ("coordinator", "council_officer")])
def test_roles_tied_to_their_own_record_cannot_be_swapped(client, world, target, role):
    a = world.alpha
    user = {"worker": a.worker_users[0], "coordinator": a.coordinator, "family": a.family}[target]
    before = snapshot()
    r = patch_user(client, a.admin, user, role=role)
    assert_error(r, 422, "validation_error")
    assert "role" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_unknown_role_is_refused(client, world):
    r = patch_user(client, world.alpha.admin, world.alpha.coordinator, role="superuser")
    assert_error(r, 422, "validation_error")


def test_an_administrator_cannot_change_their_own_login(client, world):
    before = snapshot()
    assert_error(patch_user(client, world.alpha.admin, world.alpha.admin, active=False), 403, "own_account")
    assert_error(patch_user(client, world.officer, world.officer, active=False), 403, "own_account")
    assert snapshot() == before


def test_who_manages_whom(client, world):
    """A provider admin: their provider's logins and the relatives of its clients. A council officer: their
    council's officers. Anyone else's login is not found; other roles may not use the endpoint at all."""
    a, b = world.alpha, world.beta
    north_colleague = db.session.merge(
        User(
            email="officer2@northshire.example",
            name="Colleague",
            role="council_officer",
            council_id=world.north.id,
            password_hash=world.officer.password_hash,
        )
    )
    db.session.commit()
    for target in (a.coordinator, a.worker_users[0], a.family):
        assert patch_user(client, a.admin, target, active=True).status_code == 200
    for target in (b.coordinator, b.family, world.officer, north_colleague):
        assert_error(patch_user(client, a.admin, target, active=False), 404, "not_found")
    assert patch_user(client, world.officer, north_colleague, active=False).status_code == 200
    for target in (world.south_officer, a.coordinator, a.worker_users[0]):
        assert_error(patch_user(client, world.officer, target, active=False), 404, "not_found")
    for who in (a.coordinator, a.worker_users[0], a.family):
        assert_error(patch_user(client, who, a.worker_users[1], active=False), 403, "forbidden")
