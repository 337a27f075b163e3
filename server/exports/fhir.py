"""A client's visits as a FHIR R4 Bundle of Encounter resources, for shared care records.

Built with fhir.resources (its R4B models: FHIR 4.3, whose Encounter is R4's), so every resource is checked
by a well-kept model of the standard rather than by hand. One Encounter per visit:
  status        from the visit's status (STATUS below)
  class         HH, home health (HL7 v3 ActCode)
  period        the carers' first check-in to last check-out; the planned times while none is recorded
  subject       the client as a Patient, by the provider's client reference (or Caremon's id)
  participant   each carer as a Practitioner by staff reference (or Caremon's id): the first primary
                performer (PPRF), the others secondary (SPRF), each with their own times
  location      the client's home address
  serviceType   the payer's service code (care/service_codes.py)
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.encounter import Encounter, EncounterLocation, EncounterParticipant
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference
from sqlalchemy import select

from server.care.service_codes import PackageCodes
from server.directory.models import Client
from server.extensions import db
from server.timeutil import local_range_bounds, zone
from server.visits.models import Visit, VisitAssignment, VisitStatus

FHIR_JSON = "application/fhir+json"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
UCUM = "http://unitsofmeasure.org"
# Identifier systems: the provider's own references, and Caremon's ids where a record has no reference.
CLIENT_REFERENCE, CLIENT_ID = "urn:caremon:client-reference", "urn:caremon:client-id"
WORKER_REFERENCE, WORKER_ID = "urn:caremon:worker-reference", "urn:caremon:worker-id"
VISIT_ID = "urn:caremon:visit-id"
# A missed visit never began, which is FHIR's cancelled; late and en-route visits are still only planned.
STATUS = {VisitStatus.SCHEDULED: "planned", VisitStatus.EN_ROUTE: "planned", VisitStatus.LATE: "planned",
          VisitStatus.IN_PROGRESS: "in-progress", VisitStatus.COMPLETED: "finished", VisitStatus.MISSED: "cancelled",
          VisitStatus.CANCELLED: "cancelled"}
LOCATION_STATUS = {VisitStatus.IN_PROGRESS: "active", VisitStatus.COMPLETED: "completed"}
HOME_HEALTH = Coding(system=ACT_CODE, code="HH", display="home health")


def _concept(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)], text=display or code)


def _period(start: datetime | None, end: datetime | None) -> Period | None:
    return Period(start=start, end=end) if start or end else None


def subject(client: Client) -> Reference:
    identifier = (Identifier(system=CLIENT_REFERENCE, value=client.reference) if client.reference
                  else Identifier(system=CLIENT_ID, value=str(client.id)))
    return Reference(type="Patient", identifier=identifier, display=client.name)


def participant(assignment: VisitAssignment) -> EncounterParticipant:
    worker = assignment.worker
    identifier = (Identifier(system=WORKER_REFERENCE, value=worker.staff_ref) if worker.staff_ref
                  else Identifier(system=WORKER_ID, value=str(worker.id)))
    role = ("PPRF", "primary performer") if assignment.position == 1 else ("SPRF", "secondary performer")
    return EncounterParticipant(
        type=[_concept(PARTICIPATION, *role)],
        individual=Reference(type="Practitioner", identifier=identifier, display=worker.name),
        period=_period(assignment.checked_in_at, assignment.checked_out_at))


def encounter(visit: Visit, client: Client, code: str | None) -> Encounter:
    planned_end = visit.planned_start + timedelta(minutes=visit.planned_minutes)
    carers = [a for a in visit.assignments if a.removed_at is None or a.checked_in_at is not None]
    started = visit.started_at is not None
    length = ((visit.ended_at - visit.started_at) // timedelta(minutes=1)
              if started and visit.ended_at and visit.ended_at >= visit.started_at else None)
    return Encounter(
        id=f"visit-{visit.id}",
        identifier=[Identifier(system=VISIT_ID, value=str(visit.id))],
        status=STATUS[visit.status],
        class_fhir=HOME_HEALTH,
        serviceType=_concept(HCPCS, code) if code else None,
        subject=subject(client),
        participant=[participant(a) for a in carers] or None,
        period=Period(start=visit.started_at, end=visit.ended_at) if started
        else Period(start=visit.planned_start, end=planned_end),
        length=Duration(value=length, unit="min", system=UCUM, code="min") if length is not None else None,
        location=[EncounterLocation(location=Reference(display=client.address),
                                    status=LOCATION_STATUS.get(visit.status, "planned"))],
    )


def encounters_bundle(client: Client, first: date, last: date, now: datetime) -> Bundle:
    """The client's visits planned on local dates first..last, in planned order, as a collection Bundle."""
    tz_name = client.contract.council.timezone
    start, end = local_range_bounds(first, last, tz_name)
    visits = db.session.scalars(select(Visit).where(
        Visit.client_id == client.id, Visit.planned_start >= start, Visit.planned_start < end,
    ).order_by(Visit.planned_start, Visit.id)).all()
    codes = PackageCodes(Client.id == client.id, first=first, last=last)
    tz = zone(tz_name)
    return Bundle(type="collection", timestamp=now, entry=[
        BundleEntry(resource=encounter(v, client, codes.code(client.id, v.service_code,
                                                            v.planned_start.astimezone(tz).date())))
        for v in visits])
