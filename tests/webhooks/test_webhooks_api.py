"""Registering webhooks: who may, which URLs, what is answered, and that another tenant's webhook is not found."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.webhooks.models import Webhook
from server.webhooks.secrets import unseal
from tests.dbstate import snapshot
from tests.sessions import headers_for
from tests.webhooks.conftest import ALL_EVENTS

URL = "/api/v1/webhooks"


def test_a_provider_admin_registers_lists_changes_and_deletes_a_webhook(client, world, register):
    made = register(world.alpha.admin, events=["visit.missed", "visit.late", "visit.late"])
    assert made["secret"].startswith("whsec_")
    assert made["events"] == ["visit.late", "visit.missed"]
    assert made["provider_id"] == world.alpha.provider.id and made["council_id"] is None
    assert made["last_delivery"] is None
    # The secret is kept encrypted, and shown only at creation.
    stored = db.session.get(Webhook, made["id"])
    assert made["secret"] not in stored.secret_encrypted and unseal(stored.secret_encrypted) == made["secret"]
    admin = headers_for(world.alpha.admin)
    listed = client.get(URL, headers=admin).get_json()
    assert [w["id"] for w in listed] == [made["id"]] and "secret" not in listed[0]
    r = client.patch(f"{URL}/{made['id']}", json={"active": False, "events": ["period.closed"]}, headers=admin)
    assert r.status_code == 200 and r.get_json()["active"] is False and r.get_json()["events"] == ["period.closed"]
    assert client.get(f"{URL}/{made['id']}", headers=admin).get_json()["events"] == ["period.closed"]
    assert client.delete(f"{URL}/{made['id']}", headers=admin).status_code == 204
    assert client.get(f"{URL}/{made['id']}", headers=admin).status_code == 404


def test_a_council_officer_registers_the_councils_webhook(client, world, register):
    made = register(world.officer)
    assert made["council_id"] == world.north.id and made["provider_id"] is None
    assert made["events"] == sorted(ALL_EVENTS)


@pytest.mark.parametrize("who", ["coordinator", "worker", "family"])
def test_other_roles_are_forbidden(client, world, settings, who):
    user = {"coordinator": world.alpha.coordinator, "worker": world.alpha.worker_users[0],
            "family": world.alpha.family}[who]
    r = client.post(URL, json={"url": "https://hooks.example.net/in", "events": ["visit.late"]},
                    headers=headers_for(user))
    assert r.status_code == 403
    assert client.get(URL, headers=headers_for(user)).status_code == 403


def test_a_providers_api_client_token_cannot_manage_webhooks(client, world):
    from tests.factories import api_client_for

    api_client, _ = api_client_for(world.alpha)
    assert client.get(URL, headers=headers_for(api_client)).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"url": "http://hooks.example.net/in", "events": ["visit.late"]}, "url"),           # not https
    ({"url": "https://10.0.0.5/in", "events": ["visit.late"]}, "url"),                   # private address
    ({"url": "https://169.254.169.254/latest", "events": ["visit.late"]}, "url"),        # cloud metadata
    ({"url": "https://inside.example/in", "events": ["visit.late"]}, "url"),             # resolves to loopback
    ({"url": "https://nowhere.invalid/in", "events": ["visit.late"]}, "url"),            # does not resolve
    ({"url": "not a url", "events": ["visit.late"]}, "url"),
    ({"url": "https://hooks.example.net/in", "events": []}, "events"),
    ({"url": "https://hooks.example.net/in", "events": ["visit.started"]}, "events"),
    ({"events": ["visit.late"]}, "url"),
], ids=str)
def test_bad_input_is_422_and_writes_nothing(client, world, push_dns, body, field):
    push_dns["hooks.example.net"] = ["93.184.215.14"]
    push_dns["inside.example"] = ["127.0.0.1"]
    before = snapshot()
    r = client.post(URL, json=body, headers=headers_for(world.alpha.admin))
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_public_https_url_is_accepted(client, world, push_dns):
    push_dns["hooks.example.net"] = ["93.184.215.14"]
    r = client.post(URL, json={"url": "https://hooks.example.net/in", "events": ["visit.late"]},
                    headers=headers_for(world.alpha.admin))
    assert r.status_code == 201, r.get_json()


def test_plain_http_to_loopback_needs_the_test_only_setting(client, world, receiver):
    """Off by default: the same loopback receiver URL is refused."""
    before = snapshot()
    r = client.post(URL, json={"url": receiver.url, "events": ["visit.late"]}, headers=headers_for(world.alpha.admin))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "webhook_url_not_public"
    assert snapshot() == before


def test_patching_to_a_private_url_is_422_and_changes_nothing(client, world, register):
    made = register(world.alpha.admin)
    before = snapshot()
    r = client.patch(f"{URL}/{made['id']}", json={"url": "https://192.168.1.20/in"},
                     headers=headers_for(world.alpha.admin))
    assert r.status_code == 422 and "url" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("owner, outsider", [
    ("alpha_admin", "beta_admin"), ("alpha_admin", "gamma_admin"),
    ("alpha_admin", "north_officer"),      # the council does not see its providers' webhooks
    ("north_officer", "alpha_admin"),      # nor a provider its council's
    ("north_officer", "south_officer"),
])
def test_another_tenants_webhook_is_not_found_anywhere(client, world, register, owner, outsider):
    people = {"alpha_admin": world.alpha.admin, "beta_admin": world.beta.admin, "gamma_admin": world.gamma.admin,
              "north_officer": world.officer, "south_officer": world.south_officer}
    made = register(people[owner])
    who = headers_for(people[outsider])
    assert client.get(URL, headers=who).get_json() == []
    before = snapshot()
    for method, path, body in (("GET", "", None), ("PATCH", "", {"active": False}), ("DELETE", "", None),
                               ("POST", "/rotate-secret", None), ("GET", "/deliveries", None),
                               ("POST", "/test", None)):
        r = client.open(f"{URL}/{made['id']}{path}", method=method, json=body, headers=who)
        assert r.status_code == 404, (method, path, r.get_json())
        assert r.get_json()["error"]["code"] == "not_found"
    assert snapshot() == before


def test_rotation_shows_a_new_secret_once(client, world, register):
    made = register(world.alpha.admin)
    r = client.post(f"{URL}/{made['id']}/rotate-secret", headers=headers_for(world.alpha.admin))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    rotated = r.get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    assert rotated["rotated_at"] is not None
    stored = db.session.scalar(select(Webhook).where(Webhook.id == made["id"]))
    assert unseal(stored.secret_encrypted) == rotated["secret"]
