"""Medicines and dose records for tests, made through the services so versions and audits are as in use."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from server.auth.tenancy import Identity
from server.extensions import db
from server.medication import prescribing, recording


def medicine(client, author, **fields):
    """A medicine on the client's list (version 1), due daily at 09:00 unless told otherwise."""
    data = {"name": "Levodopa", "dmd_code": None, "strength": "100 mg", "dose": "1 tablet", "route": "oral",
            "instructions": None, "times": ["09:00"], "visit_pattern_ids": [], "weekdays": None,
            "time_critical": False, "prn": False, "prn_max_per_day": None, "prn_min_interval_minutes": None,
            "starts_on": date(2026, 1, 1), "ends_on": None, "reason": None, **fields}
    if data["prn"]:
        data["times"] = []
    ident = Identity(user_id=author.id, role=author.role, provider_id=author.provider_id)
    made = prescribing.add_medication(ident, client, data, datetime.now(timezone.utc))
    db.session.commit()
    return made


def dose(worker_user, visit, medication, slot="09:00", outcome="given", at=None, **fields):
    data = {"idempotency_key": uuid.uuid4(), "medication_id": medication.id, "slot": slot, "outcome": outcome,
            "administered_at": at or visit.planned_start, **fields}
    record, _ = recording.record_dose(worker_id=worker_user.worker_id, visit_id=visit.id, data=data,
                                      now=datetime.now(timezone.utc))
    db.session.commit()
    return record


def dose_body(medication, slot="09:00", outcome="given", at=None, **fields) -> dict:
    at = at or datetime(2026, 11, 23, 9, 5, tzinfo=timezone.utc)
    return {"idempotency_key": str(uuid.uuid4()), "medication_id": medication.id, "slot": slot, "outcome": outcome,
            "administered_at": at.isoformat(), **fields}
