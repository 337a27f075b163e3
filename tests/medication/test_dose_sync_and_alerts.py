"""Doses recorded offline reach the server exactly once; a time-critical dose left unrecorded raises one alert."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.config import load_settings
from server.extensions import db
from server.medication.models import DoseRecord
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from tests.builders import dose, dose_body, medicine, upload
from tests.dbstate import count

SETTINGS = load_settings()
M = timedelta(minutes=1)


@pytest.fixture
def mw(world):
    world.medicine = medicine(world.alpha.clients[0], world.alpha.admin, time_critical=True)
    return world


def test_an_offline_dose_replayed_in_later_batches_is_stored_once(client, mw):
    a = mw.alpha
    item = {"type": "dose", "visit_id": a.visits[0].id, **dose_body(mw.medicine, outcome="refused", reason="Asleep")}
    first = upload(client, a.worker_users[0], [item]).get_json()["results"][0]
    assert first["status"] == "accepted", first
    again = upload(client, a.worker_users[0], [item, item]).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert {r["id"] for r in again} == {first["id"]}
    assert count(DoseRecord) == 1


def test_a_dose_item_on_another_clients_visit_is_rejected_as_not_found(client, mw):
    item = {"type": "dose", "visit_id": mw.beta.visits[0].id, **dose_body(mw.medicine)}
    result = upload(client, mw.alpha.worker_users[0], [item]).get_json()["results"][0]
    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")
    assert count(DoseRecord) == 0


def test_a_bad_dose_item_is_rejected_alone(client, mw):
    a = mw.alpha
    bad = {"type": "dose", "visit_id": a.visits[0].id, **dose_body(mw.medicine, outcome="refused")}
    good = {"type": "dose", "visit_id": a.visits[0].id, **dose_body(mw.medicine)}
    results = upload(client, a.worker_users[0], [bad, good]).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"]["code"] == "validation_error"


def overdue_alerts(visit):
    return [(a.kind, a.detail, a.resolved_at is not None) for a in
            db.session.scalars(select(Alert).where(Alert.visit_id == visit.id, Alert.kind == "time_critical_dose"))]


def test_a_time_critical_dose_unrecorded_after_the_set_time_alerts_once_and_a_record_clears_it(mw):
    a = mw.alpha
    visit = a.visits[0]
    after = SETTINGS["medication_alert_after_minutes"]
    assert scan(mw.start + after * M, SETTINGS)["time_critical_dose"] == 0
    assert overdue_alerts(visit) == []
    assert scan(mw.start + (after + 1) * M, SETTINGS)["time_critical_dose"] == 1
    assert scan(mw.start + (after + 2) * M, SETTINGS)["time_critical_dose"] == 0
    assert overdue_alerts(visit) == [("time_critical_dose", "Time-critical dose not recorded: Levodopa (09:00)", False)]
    dose(a.worker_users[0], visit, mw.medicine, at=mw.start + (after + 5) * M)
    assert overdue_alerts(visit)[0][2] is True


def test_a_dose_recorded_in_time_or_not_time_critical_raises_nothing(mw):
    a = mw.alpha
    dose(a.worker_users[0], a.visits[0], mw.medicine)
    medicine(a.clients[1], a.admin, name="Senna")
    scan(mw.start + 3 * 60 * M, SETTINGS)
    assert overdue_alerts(a.visits[0]) == [] and overdue_alerts(a.visits[1]) == []
