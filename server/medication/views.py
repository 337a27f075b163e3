"""The doses at one visit as the phone, the office and a consenting family see them."""
from __future__ import annotations

from server.auth.models import Role
from server.auth.tenancy import Identity
from server.errors import ApiError
from server.i18n import _
from server.medication.queries import (
    doses_due,
    medicines_by_client,
    records_by_visit,
    visit_zone,
)
from server.medication.schedule import as_required, local_date
from server.visits.models import Visit, VisitStatus

# Carers' words stay with the care team: a family sees what happened, not why.
PRIVATE_FIELDS = ("reason", "prn_reason", "prn_effect")


def visit_doses(ident: Identity, visit: Visit) -> dict:
    family = ident.role == Role.FAMILY
    if family and not visit.client.medication_shared_with_family:
        raise ApiError(403, "medication_not_shared", _("Medication records are shared with family only where the "
                                                     "client agrees"))
    day = local_date(visit.planned_start, visit_zone(visit))
    stored = records_by_visit([visit.id])[visit.id]
    shown = {r.id: _without_notes(r) if family else r for r in stored}
    by_slot = {(r.medication_id, r.slot): shown[r.id] for r in stored if r.slot}
    medicines = medicines_by_client([visit.client_id]).get(visit.client_id, [])
    return {
        "visit_id": visit.id, "local_date": day,
        "require_doses_before_checkout": visit.contract.require_doses_before_checkout,
        "shared_with_family": visit.client.medication_shared_with_family,
        "due": [{"medication_id": d.medication_id, "slot": d.slot, "due_at": d.due_at, "version": d.version,
                 "record": by_slot.get((d.medication_id, d.slot))} for d in doses_due([visit])[visit.id]],
        "as_required": [] if visit.status == VisitStatus.CANCELLED else as_required(medicines, day),
        "records": list(shown.values()),
    }


def _without_notes(record) -> dict:
    fields = ("id", "idempotency_key", "visit_id", "medication_id", "version_id", "slot", "outcome", "prn_effect_at",
              "worker_id", "administered_at", "received_at", "flags")
    return {**{f: getattr(record, f) for f in fields}, **dict.fromkeys(PRIVATE_FIELDS),
            "version": {"name": record.version.name}}
