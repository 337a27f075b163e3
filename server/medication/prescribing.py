"""Keeping a client's medication list: a medicine is added as version 1, and every change is a new version."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.care.models import VisitPattern
from server.directory.models import Client
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _
from server.medication.models import Medication, MedicationVersion
from server.visits.tenancy import scope_clients

VERSION_FIELDS = ("name", "dmd_code", "strength", "dose", "route", "instructions", "times", "visit_pattern_ids",
                  "weekdays", "time_critical", "prn", "prn_max_per_day", "prn_min_interval_minutes", "starts_on",
                  "ends_on", "reason")


def get_medication(ident: Identity, medication_id: int) -> Medication:
    """A medicine of a client in the caller's slice; any other is not found."""
    visible = scope_clients(select(Client.id), ident)
    medication = db.session.scalar(select(Medication).where(Medication.id == medication_id,
                                                            Medication.client_id.in_(visible)))
    if medication is None:
        raise not_found(_("Medication not found"))
    return medication


def medications_for(client: Client) -> list[Medication]:
    return list(db.session.scalars(select(Medication).where(Medication.client_id == client.id)
                                   .order_by(Medication.id)))


def add_medication(ident: Identity, client: Client, data: dict, now: datetime) -> Medication:
    _check_patterns(client.id, data)
    medication = Medication(client_id=client.id, created_at=now)
    db.session.add(medication)
    db.session.flush()
    _add_version(ident, medication, 1, data, now)
    return medication


def change_medication(ident: Identity, medication: Medication, data: dict, now: datetime) -> MedicationVersion:
    """A new version from its starts_on; earlier dates keep the version they had."""
    _check_patterns(medication.client_id, data)
    number = db.session.scalar(select(func.max(MedicationVersion.number))
                               .where(MedicationVersion.medication_id == medication.id)) + 1
    return _add_version(ident, medication, number, data, now)


def _add_version(ident: Identity, medication: Medication, number: int, data: dict, now: datetime) -> MedicationVersion:
    version = MedicationVersion(medication_id=medication.id, number=number, changed_by=ident.user_id, created_at=now,
                                **{f: data.get(f) for f in VERSION_FIELDS})
    db.session.add(version)
    db.session.flush()
    db.session.expire(medication, ["versions"])
    record("medication_versions.create", "medications", medication.id, user_id=ident.user_id, now=now,
           version=number, name=version.name, reason=version.reason)
    return version


def _check_patterns(client_id: int, data: dict) -> None:
    wanted = set(data.get("visit_pattern_ids") or ())
    if not wanted:
        return
    found = set(db.session.scalars(select(VisitPattern.id).where(VisitPattern.id.in_(wanted),
                                                                 VisitPattern.client_id == client_id)))
    if wanted - found:
        raise invalid("visit_pattern_ids", _("Not this client's visit patterns: %(ids)s", ids=sorted(wanted - found)))
