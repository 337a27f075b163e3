"""Recording a dose at a visit exactly once, by API or offline sync, and what a record sets going.

A retry or an offline replay with the same idempotency key gets the stored record; a second record of
the same due dose under another key is refused. A dose not given opens the visit's dose_not_given
exception for the day's queue; a record that leaves no time-critical dose unrecorded says so, and monitoring
closes its alert.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.errors import ApiError, invalid, not_found
from server.extensions import db
from server.i18n import _
from server.medication.models import DoseEffect, DoseOutcome, DoseRecord, Medication
from server.medication.queries import (
    doses_due,
    records_by_visit,
    unrecorded,
    visit_zone,
)
from server.medication.schedule import in_force, local_date
from server.medication.signals import critical_doses_recorded
from server.timeutil import local_day_bounds
from server.unique import insert_once
from server.visits.idempotency import check_replay, content_hash
from server.visits.models import ExceptionKind, Visit, VisitStatus
from server.visits.service import open_exception, visit_for_worker

CONTENT_FIELDS = ("medication_id", "slot", "outcome", "reason", "prn_reason", "administered_at", "device_id")
PRN_OVER_LIMIT = "prn_over_limit"


def record_dose(*, worker_id: int, visit_id: int, data: dict, now: datetime,
                clock_offset_s: float | None = None) -> tuple[DoseRecord, bool]:
    """Store one dose record. Returns (record, created); the caller commits."""
    key = str(data["idempotency_key"])
    payload_hash = content_hash({k: data.get(k) for k in CONTENT_FIELDS}
                                | {"visit_id": visit_id, "worker_id": worker_id})
    # Tenancy first, so a known key opens nothing on a visit the worker was never on.
    visit, _assignment = visit_for_worker(visit_id, worker_id)
    existing = _by_key(key)
    if existing is not None:
        return check_replay(existing, payload_hash), False
    if visit.status == VisitStatus.CANCELLED:
        raise ApiError(409, "visit_cancelled", _("This visit was cancelled, so no dose is due at it"))
    version, slot = _what_was_given(visit, data)
    record = DoseRecord(
        idempotency_key=key, payload_hash=payload_hash, visit_id=visit.id, client_id=visit.client_id,
        medication_id=version.medication_id, version_id=version.id, slot=slot, outcome=data["outcome"],
        reason=data.get("reason"), prn_reason=data.get("prn_reason"), worker_id=worker_id,
        administered_at=data["administered_at"], received_at=now, device_id=data.get("device_id"),
        clock_offset_s=clock_offset_s, flags=[],
    )
    if slot is None and record.outcome == DoseOutcome.GIVEN and _over_prn_limit(visit, version, record.administered_at):
        record.flags = [PRN_OVER_LIMIT]
    if not insert_once(record):
        existing = _by_key(key)
        if existing is not None:  # a concurrent request stored the same key between our read and insert
            return check_replay(existing, payload_hash), False
        raise ApiError(409, "dose_already_recorded",
                       _("%(name)s (%(slot)s) is already recorded at this visit", name=version.name, slot=slot),
                       {"medication_id": version.medication_id, "slot": slot})
    _follow_up(visit, record, now)
    return record, True


def _by_key(key: str) -> DoseRecord | None:
    return db.session.scalar(select(DoseRecord).where(DoseRecord.idempotency_key == key))


def _what_was_given(visit: Visit, data: dict):
    """The version recorded and its slot: a dose due at this visit, or an as-required medicine in force."""
    medication = db.session.get(Medication, data["medication_id"])
    if medication is None or medication.client_id != visit.client_id:
        raise invalid("medication_id", _("Not on this client's medication list"))
    slot = data.get("slot")
    if slot is not None:
        due = [d for d in doses_due([visit])[visit.id] if d.medication_id == medication.id and d.slot == slot]
        if not due:
            raise invalid("slot", _("No dose of this medicine is due at this visit at that time"))
        return due[0].version, slot
    version = in_force(medication.versions, local_date(visit.planned_start, visit_zone(visit)))
    if version is None or not version.prn:
        raise invalid("slot", _("Name the dose's slot: this medicine is not an as-required one in force today"))
    if data["outcome"] == DoseOutcome.GIVEN and not (data.get("prn_reason") or "").strip():
        raise invalid("prn_reason", _("Say why an as-required dose was given"))
    return version, None


def _over_prn_limit(visit: Visit, version, at: datetime) -> bool:
    """Beyond the day's maximum, or sooner than the minimum interval after the last dose given."""
    start, end = local_day_bounds(local_date(at, visit_zone(visit)), visit_zone(visit))
    given = list(
        db.session.scalars(
            select(DoseRecord.administered_at).where(
                DoseRecord.medication_id == version.medication_id,
                DoseRecord.slot.is_(None),
                DoseRecord.outcome == DoseOutcome.GIVEN,
                DoseRecord.administered_at >= start - timedelta(days=1),
                DoseRecord.administered_at < end,
            )
        )
    )
    today = [t for t in given if t >= start]
    if version.prn_max_per_day is not None and len(today) >= version.prn_max_per_day:
        return True
    gap = timedelta(minutes=version.prn_min_interval_minutes or 0)
    return any(abs(at - t) < gap for t in given)


def _follow_up(visit: Visit, record: DoseRecord, now: datetime) -> None:
    name = record.version.name
    if record.outcome != DoseOutcome.GIVEN or PRN_OVER_LIMIT in record.flags:
        what = (
            "given over its as-required limit"
            if record.outcome == DoseOutcome.GIVEN
            else record.outcome.replace("_", " ")
        )
        detail = f"{name} ({record.slot or 'as required'}): {what}"
        exc = open_exception(visit, ExceptionKind.DOSE_NOT_GIVEN, now, worker_id=record.worker_id, detail=detail)
        if detail not in (exc.detail or ""):
            exc.detail = f"{exc.detail}; {detail}"[:400]
    due = doses_due([visit])[visit.id]
    critical = [d for d in due if d.version.time_critical]
    if critical and not unrecorded(critical, records_by_visit([visit.id])[visit.id]):
        critical_doses_recorded.send(visit, now=now)


def record_effect(visit: Visit, record_id: int, effect: str, now: datetime) -> DoseRecord:
    """The effect of an as-required dose, said later; a second say replaces the first."""
    record = db.session.get(DoseRecord, record_id)
    if record is None or record.visit_id != visit.id:
        raise not_found(_("Dose record not found"))
    _check_as_required(record)
    _set_effect(record, effect, now)
    return record


def record_effect_once(*, worker_id: int, visit_id: int, data: dict, now: datetime) -> tuple[DoseEffect, bool]:
    """An effect sent from a phone, stored once per idempotency key. Returns (effect, created); the caller commits."""
    key = str(data["idempotency_key"])
    dose_key = str(data["dose_key"])
    payload_hash = content_hash({"dose_key": dose_key, "effect": data["effect"], "recorded_at": data["recorded_at"],
                                 "device_id": data.get("device_id"), "visit_id": visit_id, "worker_id": worker_id})
    visit, _assignment = visit_for_worker(visit_id, worker_id)
    existing = _effect_by_key(key)
    if existing is not None:
        return check_replay(existing, payload_hash), False
    record = _by_key(dose_key)
    if record is None or record.visit_id != visit.id:
        raise not_found(_("Dose record not found"))
    _check_as_required(record)
    said = DoseEffect(idempotency_key=key, payload_hash=payload_hash, dose_record_id=record.id, effect=data["effect"],
                      worker_id=worker_id, recorded_at=data["recorded_at"], received_at=now,
                      device_id=data.get("device_id"))
    if not insert_once(said):  # a concurrent upload of the same key was first; the key is the only unique
        return check_replay(_effect_by_key(key), payload_hash), False
    _set_effect(record, said.effect, said.recorded_at)
    return said, True


def _effect_by_key(key: str) -> DoseEffect | None:
    return db.session.scalar(select(DoseEffect).where(DoseEffect.idempotency_key == key))


def _check_as_required(record: DoseRecord) -> None:
    if record.slot is not None or record.outcome != DoseOutcome.GIVEN:
        raise ApiError(409, "not_as_required", _("Only an as-required dose that was given has an effect to record"))


def _set_effect(record: DoseRecord, effect: str, at: datetime) -> None:
    """The latest said wins, so an effect uploaded late from a phone that was offline does not hide a newer one."""
    if record.prn_effect_at is None or at >= record.prn_effect_at:
        record.prn_effect, record.prn_effect_at = effect, at
