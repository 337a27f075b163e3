"""API clients: managed by the provider's administrator, authenticated by the client credentials grant, and
refused from the next request on once revoked or rotated."""
from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from flask_jwt_extended import create_access_token

from server.audit.models import AuditEntry
from server.extensions import db
from server.feed import clients
from server.feed.models import ApiClient
from tests.factories import api_client_for
from tests.sessions import headers_for

TOKEN = "/api/v1/auth/token"
WORKERS = "/api/v1/feed/workers"


def grant(client, made: ApiClient, secret: str, **extra):
    return client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": made.client_id,
                                    "client_secret": secret, **extra})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def feed_workers(client, headers):
    return client.put(WORKERS, json={"items": [{"ref": "W-1", "name": "Ann Carer"}]}, headers=headers)


def test_admin_creates_lists_and_sees_the_secret_once(client, world):
    a = world.alpha
    r = client.post("/api/v1/api-clients", json={"name": "RosterPro", "scopes": ["feed:write"]},
                    headers=headers_for(a.admin))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["client_id"].startswith("cmc_") and len(body["client_secret"]) >= 40
    assert body["scopes"] == ["feed:write"]
    stored = db.session.get(ApiClient, body["id"])
    assert stored.secret_hash == hashlib.sha256(body["client_secret"].encode()).hexdigest()
    listed = client.get("/api/v1/api-clients", headers=headers_for(a.admin)).get_json()
    assert [c["id"] for c in listed] == [body["id"]]
    assert "client_secret" not in listed[0]
    assert client.get("/api/v1/api-clients", headers=headers_for(world.beta.admin)).get_json() == []


def test_only_a_provider_admin_manages_api_clients(client, world):
    for who in (world.alpha.coordinator, world.alpha.worker_users[0], world.officer):
        assert client.get("/api/v1/api-clients", headers=headers_for(who)).status_code == 403


def test_client_credentials_grant_in_form_json_or_basic(client, world):
    made, secret = api_client_for(world.alpha)
    r = grant(client, made, secret)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "events:write feed:write"
    assert r.headers["Cache-Control"] == "no-store"
    assert feed_workers(client, bearer(body["access_token"])).status_code == 200

    r = client.post(TOKEN, json={"grant_type": "client_credentials", "client_id": made.client_id,
                                 "client_secret": secret})
    assert r.status_code == 200
    basic = base64.b64encode(f"{made.client_id}:{secret}".encode()).decode()
    r = client.post(TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200


def test_grant_errors_follow_rfc_6749(client, world):
    made, secret = api_client_for(world.alpha, scopes=["feed:write"])
    r = grant(client, made, secret + "x")
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_client"
    assert "Basic" in r.headers["WWW-Authenticate"]
    r = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "cmc_nobody", "client_secret": "x"})
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_client"
    r = client.post(TOKEN, data={"grant_type": "password", "client_id": made.client_id, "client_secret": secret})
    assert r.status_code == 400 and r.get_json()["error"] == "unsupported_grant_type"
    r = client.post(TOKEN, data={"client_id": made.client_id, "client_secret": secret})
    assert r.status_code == 400 and r.get_json()["error"] == "invalid_request"
    r = grant(client, made, secret, scope="events:write")
    assert r.status_code == 400 and r.get_json()["error"] == "invalid_scope"
    r = grant(client, made, secret, client_id="a\x00b")
    assert r.status_code == 400 and r.get_json()["error"] == "invalid_request"
    basic = base64.b64encode(b"cmc_a%00b:secret").decode()  # Basic credentials are form-encoded: %00 is a NUL
    r = client.post(TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_client"


def test_a_token_asks_for_fewer_scopes_and_gets_403_beyond_them(client, world):
    made, secret = api_client_for(world.alpha)
    token = grant(client, made, secret, scope="events:write").get_json()["access_token"]
    r = feed_workers(client, bearer(token))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert client.post("/api/v1/feed/events", json={"items": []}, headers=bearer(token)).status_code == 200


def test_people_cannot_use_the_feed_and_machines_nothing_else(client, world):
    made, _ = api_client_for(world.alpha)
    assert feed_workers(client, headers_for(world.alpha.admin)).status_code == 403
    for url in ("/api/v1/visits", "/api/v1/auth/me", "/api/v1/clients", "/api/v1/api-clients"):
        r = client.get(url, headers=headers_for(made))
        assert r.status_code == 403, url
    assert client.post("/api/v1/auth/logout", json={}, headers=headers_for(made)).status_code == 403


def test_revocation_refuses_the_next_request_and_new_tokens(client, world):
    made, secret = api_client_for(world.alpha)
    token = grant(client, made, secret).get_json()["access_token"]
    r = client.delete(f"/api/v1/api-clients/{made.id}", headers=headers_for(world.alpha.admin))
    assert r.status_code == 204
    r = feed_workers(client, bearer(token))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_revoked"
    assert grant(client, made, secret).status_code == 401
    assert (
        client.post(f"/api/v1/api-clients/{made.id}/rotate", headers=headers_for(world.alpha.admin)).status_code == 409
    )


def test_rotation_replaces_the_secret_and_ends_old_tokens(client, world):
    made, old_secret = api_client_for(world.alpha)
    old_token = grant(client, made, old_secret).get_json()["access_token"]
    r = client.post(f"/api/v1/api-clients/{made.id}/rotate", headers=headers_for(world.alpha.admin))
    assert r.status_code == 200
    new_secret = r.get_json()["client_secret"]
    assert new_secret != old_secret
    assert feed_workers(client, bearer(old_token)).status_code == 401
    assert grant(client, made, old_secret).status_code == 401
    new_token = grant(client, made, new_secret).get_json()["access_token"]
    assert feed_workers(client, bearer(new_token)).status_code == 200
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"api_client.create", "api_client.rotate", "api_client.token", "feed.feed_workers"} <= actions


def test_an_expired_token_is_refused(client, world):
    made, _ = api_client_for(world.alpha)
    expired = create_access_token(identity=f"api_client:{made.id}", expires_delta=timedelta(seconds=-1),
                                  additional_claims=clients.token_claims(made, made.scopes))
    r = feed_workers(client, bearer(expired))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_expired"


def test_another_providers_admin_cannot_rotate_or_revoke(client, world):
    made, secret = api_client_for(world.alpha)
    for method, url in (
        ("POST", f"/api/v1/api-clients/{made.id}/rotate"),
        ("DELETE", f"/api/v1/api-clients/{made.id}"),
    ):
        r = client.open(url, method=method, headers=headers_for(world.beta.admin))
        assert r.status_code == 404
    assert grant(client, made, secret).status_code == 200
