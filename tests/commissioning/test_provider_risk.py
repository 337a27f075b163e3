"""The provider risk ranking over HTTP: figures taken from the reports, lines per contract, trend, drill-down,
and each caller's slice."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from server.commissioning.models import RiskThresholds
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.notify.models import Notification
from server.visits.models import VisitException
from tests.dbstate import snapshot
from tests.factories import add
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def _shape(w):
    """Alpha: its first visit missed and rated 2 by the family, with an open exception and a failed message.
    Beta: both visits delivered on time, verified, by their regular carers."""
    a, b = w.alpha, w.beta
    a.visits[0].status = "missed"
    add(VisitException(visit_id=a.visits[0].id, kind="missed", raised_at=w.start))
    add(VisitFeedback(visit_id=a.visits[0].id, user_id=a.family.id, rating=2, created_at=w.start))
    add(Notification(dedupe_key="x1", channel="email", recipient="f@example.org", visit_id=a.visits[0].id,
                     kind="missed", subject="s", body="b", status="failed", next_attempt_at=w.start))
    for v in b.visits:
        v.status, v.punctuality, v.started_at, v.ended_at = (
            "completed",
            "on_time",
            w.start,
            w.start + timedelta(minutes=30),
        )
        for carer in v.assignments:
            carer.checked_in_at, carer.checked_out_at = w.start, w.start + timedelta(minutes=30)
            carer.check_in_geofence = "verified"
    db.session.commit()


def _risk(client, who, **extra):
    return client.get("/api/v1/reports/provider-risk", query_string={**WEEK, **extra}, headers=headers_for(who))


def test_officer_sees_every_provider_ranked_with_the_reports_own_figures(client, world):
    _shape(world)
    r = client.put(f"/api/v1/contracts/{world.beta.contract.id}/risk-thresholds",
                   json={"thresholds": {"delivered_pct": {"amber": 0, "red": 0}}}, headers=headers_for(world.officer))
    assert r.status_code == 200, r.get_json()
    body = _risk(client, world.officer, periods=3).get_json()
    assert [row["provider_name"] for row in body["rows"]] == ["Alpha", "Beta"]
    alpha, beta = body["rows"]
    assert alpha["rating"] == "red" and beta["rating"] == "green"
    assert alpha["kpis"]["missed_pct"] == {"value": 100.0, "rating": "red"}
    assert alpha["kpis"]["family_rating"] == {"value": 2.0, "rating": "red"}
    assert alpha["kpis"]["open_exceptions"] == {"value": 1, "rating": "green"}
    assert alpha["kpis"]["undelivered_messages"] == {"value": 1, "rating": "amber"}
    assert beta["kpis"]["family_rating"]["rating"] == "none"
    assert beta["own_thresholds"] == ["delivered_pct"] and alpha["own_thresholds"] == []
    # The same numbers the KPI reports give for the contract.
    for report, kpi, total in (
        ("punctuality", "missed_pct", "missed_pct"),
        ("delivery", "delivered_pct", "delivered_pct"),
        ("verification", "verified_pct", "verified_pct"),
    ):
        for row in body["rows"]:
            rep = client.get(f"/api/v1/reports/{report}", query_string={**WEEK, "contract_id": row["contract_id"]},
                             headers=headers_for(world.officer)).get_json()
            assert row["kpis"][kpi]["value"] == rep["totals"][total], (report, row["provider_name"])
    # The trend: three weeks, oldest first, the week asked for last.
    # Earlier weeks had no visits, though the packages were commissioned: nothing missed, nothing delivered.
    assert [(p["date_from"], p["values"]["missed_pct"], p["values"]["delivered_pct"]) for p in alpha["trend"]] == [
        ("2026-11-09", None, 0.0), ("2026-11-16", None, 0.0), ("2026-11-23", 100.0, 0.0)]
    assert [p["rating"] for p in beta["trend"]] == ["green", "green", "green"]
    assert body["totals"] == {"providers": 2, "none": 0, "green": 1, "amber": 0, "red": 1}


def test_provider_admin_sees_only_its_own_ranking_and_others_none(client, world):
    _shape(world)
    rows = _risk(client, world.alpha.admin).get_json()["rows"]
    assert [r["provider_name"] for r in rows] == ["Alpha"]
    assert [r["provider_name"] for r in _risk(client, world.south_officer).get_json()["rows"]] == ["Gamma"]
    for who in (world.alpha.coordinator, world.alpha.family, world.alpha.worker_users[0]):
        assert _risk(client, who).status_code == 403


def test_the_visits_behind_a_number_are_one_request_away(client, world):
    _shape(world)
    q = {**WEEK, "contract_id": world.alpha.contract.id}
    for kpi, expected in (("missed_pct", [world.alpha.visits[0].id]), ("late_pct", []),
                          ("family_rating", [world.alpha.visits[0].id]),
                          ("open_exceptions", [world.alpha.visits[0].id]),
                          ("undelivered_messages", [world.alpha.visits[0].id])):
        r = client.get("/api/v1/reports/provider-risk/visits", query_string={**q, "kpi": kpi},
                       headers=headers_for(world.officer))
        assert r.status_code == 200, r.get_json()
        assert [row["visit_id"] for row in r.get_json()["rows"]] == expected, kpi
    r = client.get("/api/v1/reports/provider-risk/visits", query_string={**q, "kpi": "missed_pct", "format": "csv"},
                   headers=headers_for(world.alpha.admin))
    lines = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(line["visit_id"], line["status"], line["family_rating"]) for line in lines] == [
        (str(world.alpha.visits[0].id), "missed", "2.0")]
    for outsider in (world.beta.admin, world.south_officer, world.gamma.admin):
        r = client.get("/api/v1/reports/provider-risk/visits", query_string={**q, "kpi": "missed_pct"},
                       headers=headers_for(outsider))
        assert r.status_code == 404


def test_thresholds_default_from_settings_and_bad_lines_change_nothing(client, world):
    url = f"/api/v1/contracts/{world.alpha.contract.id}/risk-thresholds"
    r = client.get(url, headers=headers_for(world.alpha.admin))
    assert r.status_code == 200
    assert r.get_json()["thresholds"] == {}
    assert r.get_json()["effective"]["missed_pct"] == {"amber": 1.0, "red": 3.0}
    before = snapshot()
    for bad in ({"missed_pct": {"amber": 5, "red": 2}}, {"verified_pct": {"amber": 80, "red": 90}},
                {"no_such_kpi": {"amber": 1, "red": 2}}, {"late_pct": {"amber": 1}}):
        r = client.put(url, json={"thresholds": bad}, headers=headers_for(world.officer))
        assert r.status_code == 422, bad
    assert client.put(url, json={"thresholds": {}}, headers=headers_for(world.alpha.admin)).status_code == 403
    assert snapshot() == before
    r = client.put(url, json={"thresholds": {"late_pct": {"amber": 10, "red": 20}}}, headers=headers_for(world.officer))
    assert r.get_json()["effective"]["late_pct"] == {"amber": 10.0, "red": 20.0}
    assert db.session.get(RiskThresholds, world.alpha.contract.id).thresholds == {"late_pct": {"amber": 10, "red": 20}}


def test_trend_is_bounded(client, world):
    r = _risk(client, world.officer, date_from="2026-01-01", date_to="2026-06-30", periods=6)
    assert r.status_code == 422 and "periods" in r.get_json()["error"]["details"]["fields"]
