"""The medication KPI: doses due, recorded, on time, given, refused and omitted, per provider."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.builders import dose, medicine
from tests.sessions import headers_for

PERIOD = "date_from=2026-11-23&date_to=2026-11-23"


def doses_given(world):
    """Alpha: three doses due, one given on time, one refused on time, one given late. Beta: one never recorded.
    Gamma (another council): one given."""
    a, b, g = world.alpha, world.beta, world.gamma
    levodopa, senna = medicine(a.clients[0], a.admin), medicine(a.clients[0], a.admin, name="Senna")
    other = medicine(a.clients[1], a.admin, name="Levodopa")
    medicine(b.clients[0], b.admin, name="Insulin")
    gammas = medicine(g.clients[0], g.admin, name="Digoxin")
    dose(a.worker_users[0], a.visits[0], levodopa, at=world.start + timedelta(minutes=5))
    dose(a.worker_users[0], a.visits[0], senna, outcome="refused", reason="Not today",
         at=world.start + timedelta(minutes=5))
    dose(a.worker_users[1], a.visits[1], other, at=world.start + timedelta(minutes=31))
    dose(g.worker_users[0], g.visits[0], gammas)


def test_medication_figures_per_provider_in_the_officers_council(client, world):
    doses_given(world)
    r = client.get(f"/api/v1/reports/medication?{PERIOD}", headers=headers_for(world.officer))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    rows = {row["provider_name"]: row for row in body["rows"]}
    assert set(rows) == {"Alpha", "Beta"}
    alpha, beta = rows["Alpha"], rows["Beta"]
    assert {k: alpha[k] for k in ("due", "recorded", "on_time", "given", "refused", "omitted", "pending")} == {
        "due": 3, "recorded": 3, "on_time": 2, "given": 2, "refused": 1, "omitted": 0, "pending": 0}
    assert (alpha["on_time_pct"], alpha["refused_pct"]) == (66.7, 33.3)
    assert (beta["due"], beta["recorded"], beta["omitted"], beta["omitted_pct"]) == (1, 0, 1, 100.0)
    assert body["totals"]["due"] == 4 and body["totals"]["omitted"] == 1


def test_provider_sees_its_own_and_csv_has_a_total_line(client, world):
    doses_given(world)
    r = client.get(f"/api/v1/reports/medication?{PERIOD}&format=csv", headers=headers_for(world.alpha.admin))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(line["provider_name"], line["due"], line["refused"]) for line in lines] == [
        ("Alpha", "3", "1"), ("total", "3", "1")]


def test_another_providers_figures_are_not_found(client, world):
    r = client.get(f"/api/v1/reports/medication?{PERIOD}&provider_id={world.beta.provider.id}",
                   headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 404
    r = client.get(f"/api/v1/reports/medication?{PERIOD}", headers=headers_for(world.alpha.worker_users[0]))
    assert r.status_code == 403
