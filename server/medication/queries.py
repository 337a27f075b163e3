"""Reading medicines and dose records for many visits at once: the one bridge from the database to schedule.py."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.medication.models import DoseRecord, Medication, MedicationVersion
from server.medication.schedule import DueDose, VisitSlot, due_at_visit, local_date
from server.visits.models import Visit, VisitStatus

# A local day lasts at most 25 hours: a visit's same-day neighbours start within this of it.
SAME_DAY = timedelta(hours=26)


def visit_zone(visit: Visit) -> str:
    return visit.contract.council.timezone


def medicines_by_client(client_ids) -> dict[int, list[list[MedicationVersion]]]:
    """Each client's medicines, each as its list of versions."""
    rows = db.session.execute(select(MedicationVersion, Medication.client_id)
                              .join(Medication, Medication.id == MedicationVersion.medication_id)
                              .where(Medication.client_id.in_(list(client_ids)))
                              .order_by(MedicationVersion.medication_id, MedicationVersion.number)).all()
    by_medication: dict[int, list] = defaultdict(list)
    owner = {}
    for version, client_id in rows:
        by_medication[version.medication_id].append(version)
        owner[version.medication_id] = client_id
    found: dict[int, list[list]] = defaultdict(list)
    for medication_id, versions in by_medication.items():
        found[owner[medication_id]].append(versions)
    return found


def doses_due(visits: list[Visit]) -> dict[int, list[DueDose]]:
    """The doses due at each visit, by visit id (none at a cancelled visit)."""
    live = [v for v in visits if v.status != VisitStatus.CANCELLED]
    medicines = medicines_by_client({v.client_id for v in live}) if live else {}
    live = [v for v in live if v.client_id in medicines]
    days = _client_days(live)
    due = {v.id: [] for v in visits}
    for v in live:
        tz = visit_zone(v)
        slot = VisitSlot(v.id, v.planned_start, v.pattern_id)
        due[v.id] = due_at_visit(slot, days[(v.client_id, local_date(v.planned_start, tz))],
                                 medicines[v.client_id], tz)
    return due


def _client_days(visits: list[Visit]) -> dict[tuple[int, object], list[VisitSlot]]:
    """The clients' uncancelled visits grouped by (client, local date), around the visits asked about."""
    if not visits:
        return {}
    zones = {v.client_id: visit_zone(v) for v in visits}
    rows = db.session.execute(select(Visit.id, Visit.client_id, Visit.planned_start, Visit.pattern_id).where(
        Visit.client_id.in_(list(zones)), Visit.status != VisitStatus.CANCELLED,
        Visit.planned_start >= min(v.planned_start for v in visits) - SAME_DAY,
        Visit.planned_start <= max(v.planned_start for v in visits) + SAME_DAY)).all()
    days: dict[tuple[int, object], list[VisitSlot]] = defaultdict(list)
    for visit_id, client_id, start, pattern_id in rows:
        days[(client_id, local_date(start, zones[client_id]))].append(VisitSlot(visit_id, start, pattern_id))
    return days


def records_by_visit(visit_ids) -> dict[int, list[DoseRecord]]:
    found: dict[int, list[DoseRecord]] = defaultdict(list)
    for record in db.session.scalars(select(DoseRecord).where(DoseRecord.visit_id.in_(list(visit_ids)))
                                     .order_by(DoseRecord.administered_at, DoseRecord.id)):
        found[record.visit_id].append(record)
    return found


def unrecorded(due: list[DueDose], records: list[DoseRecord]) -> list[DueDose]:
    done = {(r.medication_id, r.slot) for r in records}
    return [d for d in due if (d.medication_id, d.slot) not in done]
