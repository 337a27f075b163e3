"""The monthly MAR chart as a PDF: its text read back with pypdf."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader

from server.extensions import db
from tests.builders import dose, medicine
from tests.factories import visit_for
from tests.sessions import headers_for


def chart_text(client, who, client_id, month) -> str:
    r = client.get(f"/api/v1/clients/{client_id}/mar.pdf?month={month}", headers=headers_for(who))
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)


def test_the_chart_holds_each_dose_by_day_with_its_outcome(client, world):
    a = world.alpha
    mary, worker = a.clients[0], a.worker_users[0]
    levodopa = medicine(mary, a.admin, name="Levodopa", times=["09:00"], time_critical=True)
    prn = medicine(mary, a.admin, name="Paracetamol", strength="500 mg", prn=True)
    visits = {1: visit_for(mary, datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc), workers=[a.workers[0]]),
              2: visit_for(mary, datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc), workers=[a.workers[0]]),
              3: visit_for(mary, datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc), workers=[a.workers[0]])}
    db.session.commit()
    dose(worker, visits[1], levodopa)
    dose(worker, visits[2], levodopa, outcome="refused", reason="Asleep")
    dose(worker, visits[2], prn, slot=None, prn_reason="Back pain")
    dose(worker, visits[2], prn, slot=None, prn_reason="Back pain", at=visits[2].planned_start + timedelta(hours=4))
    text = chart_text(client, a.coordinator, mary.id, "2026-11")
    assert "Medication administration record - AlphaClient1" in text
    assert "Month 2026-11" in text and "Reference REF-AlphaClient1" in text and "Provider Alpha" in text
    lines = text.splitlines()
    levodopa_row = next(line for line in lines if line.startswith("Levodopa"))
    # Day 1 given, day 2 refused, day 3 due and past with no record; 23 Nov (the world's visit) also missing.
    assert levodopa_row.split() == ["Levodopa", "100", "mg", "1", "tablet", "oral", "(time-critical)", "09:00",
                                    "G", "R", "M", "M"]
    prn_row = next(line for line in lines if line.startswith("Paracetamol"))
    assert prn_row.split()[-2:] == ["PRN", "2"]
    assert "G given" in text and "M due, no record" in text


def test_a_month_without_doses_says_so_and_days_follow_the_month(client, world):
    a = world.alpha
    text = chart_text(client, world.officer, a.clients[0].id, "2026-02")
    assert "No doses were due or recorded this month." in text
    header = next(line for line in text.splitlines() if line.startswith("Medicine"))
    assert header.split()[-1] == "28"
