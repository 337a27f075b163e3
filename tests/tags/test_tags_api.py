"""Coordinators issue, list, revoke and print a home's tags; other tenants see none of them."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.tags.models import ClientTag
from tests.builders import issue
from tests.sessions import headers_for


def test_issue_gives_a_signed_payload_and_a_short_code(client, world):
    home = world.alpha.clients[0]
    tag = issue(client, world, home)
    assert tag["payload"].startswith("CMT1.") and tag["active"] is True
    assert len(tag["code"]) == 6 and tag["code"].isdigit()
    assert tag["version"] == 1


def test_reissue_revokes_the_current_tag_with_a_new_version_and_code(client, world):
    home = world.alpha.clients[0]
    first, second = issue(client, world, home), issue(client, world, home)
    assert second["version"] == 2 and second["payload"] != first["payload"]
    listed = client.get(f"/api/v1/clients/{home.id}/tags", headers=headers_for(world.alpha.coordinator)).get_json()
    assert [(t["version"], t["active"]) for t in listed] == [(2, True), (1, False)]
    assert listed[1]["revoked_at"] is not None


def test_revoke_then_revoke_again_is_a_conflict(client, world):
    home, coordinator = world.alpha.clients[0], world.alpha.coordinator
    tag = issue(client, world, home)
    url = f"/api/v1/clients/{home.id}/tags/{tag['id']}/revoke"
    r = client.post(url, headers=headers_for(coordinator))
    assert (r.status_code, r.get_json()["active"]) == (200, False)
    r = client.post(url, headers=headers_for(coordinator))
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "already_revoked")


def test_labels_are_a_qr_png_and_an_a6_pdf(client, world):
    home = world.alpha.clients[0]
    tag = issue(client, world, home)
    png = client.get(
        f"/api/v1/clients/{home.id}/tags/{tag['id']}/label.png", headers=headers_for(world.alpha.coordinator)
    )
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.size[0] == image.size[1] >= 290  # square, 10 px a module
    pdf = client.get(
        f"/api/v1/clients/{home.id}/tags/{tag['id']}/label.pdf", headers=headers_for(world.alpha.coordinator)
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert b"/MediaBox [0 0 297.64 419.53]" in pdf.data  # A6, in points


@pytest.mark.parametrize("who", ["beta_coordinator", "gamma_admin"])
def test_another_providers_staff_find_no_tags(client, world, who):
    home = world.alpha.clients[0]
    tag = issue(client, world, home)
    user = {"beta_coordinator": world.beta.coordinator, "gamma_admin": world.gamma.admin}[who]
    for method, url in (("get", f"/api/v1/clients/{home.id}/tags"), ("post", f"/api/v1/clients/{home.id}/tags"),
                        ("post", f"/api/v1/clients/{home.id}/tags/{tag['id']}/revoke"),
                        ("get", f"/api/v1/clients/{home.id}/tags/{tag['id']}/label.png"),
                        ("get", f"/api/v1/clients/{home.id}/tags/{tag['id']}/label.pdf")):
        r = getattr(client, method)(url, headers=headers_for(user))
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found"), url
    assert db.session.scalar(select(func.count()).select_from(ClientTag)) == 1
    assert db.session.get(ClientTag, tag["id"]).revoked_at is None


def test_a_tag_is_not_found_under_another_home_of_the_same_provider(client, world):
    a = world.alpha
    tag = issue(client, world, a.clients[0])
    r = client.post(f"/api/v1/clients/{a.clients[1].id}/tags/{tag['id']}/revoke", headers=headers_for(a.coordinator))
    assert r.status_code == 404
    assert db.session.get(ClientTag, tag["id"]).revoked_at is None


def test_workers_and_families_cannot_issue_tags(client, world):
    home = world.alpha.clients[0]
    for user in (world.alpha.worker_users[0], world.alpha.family):
        r = client.post(f"/api/v1/clients/{home.id}/tags", headers=headers_for(user))
        assert r.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ClientTag)) == 0
