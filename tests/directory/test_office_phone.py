"""The provider's office phone: set by its administrator, carried on each visit of a carer's run."""
from __future__ import annotations

import pytest

from tests.dbstate import snapshot
from tests.sessions import headers_for


def test_admin_sets_the_office_phone_and_the_run_carries_it(client, world):
    a = world.alpha
    r = client.patch(f"/api/v1/providers/{a.provider.id}", json={"office_phone": "01539 720123"},
                     headers=headers_for(a.admin))
    assert r.status_code == 200 and r.get_json()["office_phone"] == "01539 720123"
    run = client.get("/api/v1/run", query_string={"date": world.start.date().isoformat()},
                     headers=headers_for(a.worker_users[0])).get_json()
    assert [v["office_phone"] for v in run["visits"]] == ["01539 720123"]
    assert client.patch(f"/api/v1/providers/{a.provider.id}", json={"office_phone": "01539 000000"},
                        headers=headers_for(world.beta.admin)).status_code == 404


@pytest.mark.parametrize("phone", ["call the office", "12", "0" * 30])
def test_a_bad_office_phone_is_422_and_changes_nothing(client, world, phone):
    before = snapshot()
    r = client.patch(f"/api/v1/providers/{world.alpha.provider.id}", json={"office_phone": phone},
                     headers=headers_for(world.alpha.admin))
    assert r.status_code == 422 and "office_phone" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before
