"""Verified share and flag counts per provider, and every report and export filtered by a flag."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from server.extensions import db
from server.visits.models import Visit
from tests.sessions import headers_for

PERIOD = "date_from=2026-11-23&date_to=2026-11-23"


def judged(world):
    """Alpha: one verified, one short and outside; Beta: one late; Gamma (another council): one verified."""
    a1, a2 = world.alpha.visits
    b1, b2 = world.beta.visits
    for visit, flags in ((a1, []), (a2, ["short", "outside_geofence"]), (b1, ["late", "tasks_not_done"]),
                         (world.gamma.visits[0], [])):
        visit.status, visit.flags = "completed", flags
        for a in visit.assignments:
            a.checked_in_at, a.checked_out_at = world.start, world.start + timedelta(minutes=30)
            a.check_in_geofence = a.check_out_geofence = "verified"
    b2.status = "cancelled"
    db.session.commit()


def test_verified_share_and_flag_counts_per_provider(client, world):
    judged(world)
    r = client.get(f"/api/v1/reports/flags?{PERIOD}", headers=headers_for(world.officer))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    rows = {row["provider_name"]: row for row in body["rows"]}
    assert set(rows) == {"Alpha", "Beta"}
    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha["visits"], alpha["completed"], alpha["verified"], alpha["verified_pct"]) == (2, 2, 1, 50.0)
    assert (alpha["short"], alpha["outside_geofence"], alpha["late"]) == (1, 1, 0)
    assert (beta["visits"], beta["verified"], beta["verified_pct"], beta["late"], beta["tasks_not_done"]) == (
        1, 0, 0.0, 1, 1)
    assert (body["totals"]["visits"], body["totals"]["verified"]) == (3, 1)

    text = client.get(f"/api/v1/reports/flags?{PERIOD}&format=csv", headers=headers_for(world.officer)).get_data(
        as_text=True)
    lines = list(csv.DictReader(io.StringIO(text)))
    assert lines[-1]["provider_name"] == "total" and lines[-1]["verified_pct"] == "33.3"


def test_reports_filter_by_flag(client, world):
    judged(world)
    officer = headers_for(world.officer)
    body = client.get(f"/api/v1/reports/flags?{PERIOD}&flag=short", headers=officer).get_json()
    assert [(r["provider_name"], r["visits"]) for r in body["rows"]] == [("Alpha", 1)]
    assert body["filters"]["flag"] == "short"
    punctual = client.get(f"/api/v1/reports/punctuality?{PERIOD}&flag=late", headers=officer).get_json()
    assert punctual["totals"]["visits"] == 1
    assert client.get(f"/api/v1/reports/flags?{PERIOD}&flag=phone_lost_or_broken", headers=officer).status_code == 422


def test_exports_filter_by_flag_and_carry_flags_and_reasons(client, world):
    judged(world)
    a2 = db.session.get(Visit, world.alpha.visits[1].id)
    a2.reasons = [{"about": "short", "code": None, "note": "Client asked us to leave; early"},
                  {"about": "missed", "code": "client_in_hospital", "external_code": "H1", "note": None}]
    db.session.commit()
    officer = headers_for(world.officer)
    url = f"/api/v1/exports/visits?{PERIOD}"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{url}&flag=short", headers=officer).get_data(as_text=True))))
    visit_rows = [r for r in rows if r["row_kind"] == "visit"]
    assert [r["visit_id"] for r in visit_rows] == [str(a2.id)]
    assert visit_rows[0]["flags"] == "short;outside_geofence"
    assert visit_rows[0]["reasons"] == "short: Client asked us to leave, early;missed: client_in_hospital [H1]"
    data = client.get(f"{url}&format=json", headers=officer).get_json()
    row = next(r for r in data["rows"] if r["visit_id"] == a2.id)
    assert row["flags"] == ["short", "outside_geofence"]
    assert row["reasons"] == ["short: Client asked us to leave; early", "missed: client_in_hospital [H1]"]
