"""The feed quality report: lag, located events, visits with both ends, and refused items, per provider."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from server.db_types import utcnow
from server.extensions import db
from server.feed import rejections
from tests.builders import feed_event
from tests.factories import HOME, api_client_for
from tests.sessions import headers_for

DAY = {"date_from": "2026-11-23", "date_to": "2026-11-23"}


def get(client, user, **params):
    r = client.get("/api/v1/reports/feed-quality", query_string={**DAY, **params}, headers=headers_for(user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def fed(world):
    """Alpha's app: five events (lags 10, 20, 30, 40, 100 s; three verified), both ends of its first visit, only
    a check-in of its second; one event from Caremon's own app, left out. Gamma (another council): one event."""
    a1, a2 = world.alpha.visits
    s = world.start
    feed_event(a1, "check_in", s, 10)
    feed_event(a1, "task_done", s + timedelta(minutes=10), 40, geofence="none")
    feed_event(a1, "check_out", s + timedelta(minutes=30), 20)
    feed_event(a2, "check_in", s, 100, geofence="outside")
    feed_event(a2, "note", s + timedelta(minutes=5), 30)
    feed_event(a2, "check_out", s + timedelta(minutes=30), 5000, source_system=None)
    feed_event(world.gamma.visits[0], "check_in", s, 7)
    rejections.record(world.alpha.provider.id, "CarerApp", "events", [
        {"status": "rejected", "error": {"code": "not_found"}}] * 2 + [{"status": "accepted"}], s)
    rejections.record(world.alpha.provider.id, "CarerApp", "events", [
        {"status": "rejected", "error": {"code": "not_found"}}], s + timedelta(minutes=20))  # same hour: added
    rejections.record(world.alpha.provider.id, "RosterPro", "visits", [
        {"status": "rejected", "error": {"code": "validation_error"}}], s)
    rejections.record(world.alpha.provider.id, "RosterPro", "visits", [
        {"status": "rejected", "error": {"code": "validation_error"}}], s - timedelta(days=1))  # before the period
    rejections.record(world.gamma.provider.id, "GammaApp", "clients", [
        {"status": "rejected", "error": {"code": "conflict"}}], s)
    db.session.commit()


def test_figures_per_provider_worked_out_by_hand(client, world):
    fed(world)
    body = get(client, world.officer)
    rows = {row["provider_name"]: row for row in body["rows"]}
    assert set(rows) == {"Alpha", "Beta"}  # the council's providers, with or without a feed
    alpha = rows["Alpha"]
    # Lags 10, 20, 30, 40, 100: median 30; p95 at rank 3.8 (inclusive) = 40 + 0.8 * 60.
    assert (alpha["events"], alpha["lag_median_s"], alpha["lag_p95_s"]) == (5, 30.0, 88.0)
    assert (alpha["verified"], alpha["verified_pct"]) == (3, 60.0)
    assert (alpha["visits"], alpha["both_events"], alpha["both_events_pct"]) == (2, 1, 50.0)
    assert alpha["rejected"] == 4
    assert alpha["rejections"] == [
        {"source_system": "CarerApp", "kind": "events", "reason": "not_found", "items": 3},
        {"source_system": "RosterPro", "kind": "visits", "reason": "validation_error", "items": 1}]
    beta = rows["Beta"]
    assert (beta["events"], beta["lag_median_s"], beta["verified_pct"], beta["both_events_pct"], beta["rejected"]) == (
        0, None, None, None, 0)
    assert (body["totals"]["events"], body["totals"]["rejected"]) == (5, 4)

    lines = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/reports/feed-quality", query_string={**DAY, "format": "csv"},
        headers=headers_for(world.officer)).get_data(as_text=True))))
    assert [(line["provider_name"], line["lag_p95_s"], line["rejected"]) for line in lines] == [
        ("Alpha", "88.0", "4"), ("Beta", "", "0"), ("total", "88.0", "4")]


def test_provider_staff_see_their_own_provider_only(client, world):
    fed(world)
    assert [row["provider_name"] for row in get(client, world.beta.admin)["rows"]] == ["Beta"]
    assert [row["provider_name"] for row in get(client, world.alpha.coordinator)["rows"]] == ["Alpha"]
    (gamma,) = get(client, world.south_officer)["rows"]
    assert (gamma["provider_name"], gamma["events"], gamma["rejected"]) == ("Gamma", 1, 1)
    (alpha,) = get(client, world.officer, provider_id=world.alpha.provider.id)["rows"]
    assert alpha["provider_name"] == "Alpha"


def test_the_feeds_refusals_are_counted_and_a_batch_sent_again_counts_them_again(client, world):
    made, _ = api_client_for(world.alpha, name="CarerApp")
    bad = {"idempotency_key": str(uuid.uuid4()), "kind": "check_in", "device_time": world.start.isoformat(),
           "worker_ref": "W-404", "visit_ref": "V-404", "lat": HOME[0], "lon": HOME[1]}
    for _ in range(2):
        r = client.post("/api/v1/feed/events", json={"items": [bad, {"kind": "teleport"}]}, headers=headers_for(made))
        assert [x["status"] for x in r.get_json()["results"]] == ["rejected", "rejected"]
    now = utcnow()  # refusals are counted in the hour they were sent
    around_now = {"date_from": (now - timedelta(days=1)).date(), "date_to": (now + timedelta(days=1)).date()}
    (alpha,) = get(client, world.alpha.admin, **around_now)["rows"]
    assert alpha["rejections"] == [
        {"source_system": "CarerApp", "kind": "events", "reason": "not_found", "items": 2},
        {"source_system": "CarerApp", "kind": "events", "reason": "validation_error", "items": 2}]
