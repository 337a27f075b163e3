"""Electronic visit verification (EVV) records for US payers: the six data elements of the 21st Century Cures
Act (section 12006) for each carer who checked in to a visit.

  service type            service_type: the payer's service code (care/service_codes.py)
  individual receiving    client_id, client_reference, client_name
  individual providing    worker_id, worker_reference, worker_name (one row per carer of a double-up)
  date of service         service_date: the council's local date of the carer's check-in
  location                location_address and the check-in/check-out fixes with their geofence verification
  start and end times     start/end in UTC and in local time

Each row also says how its times were captured (method: gps, no_location, or manual for a coordinator's
correction) and by which system (source_system: null for Caremon's app, else the provider's API client).
Visits belong to the period by their planned local date, as in every Caremon export. The rows stream
from one query per contract (the check-in and check-out events are found by correlated subqueries on the
(visit_id, device_time) index), so memory stays flat however long the period.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from server.care.service_codes import PackageCodes
from server.cells import cell
from server.directory.models import Client, Contract, Worker
from server.extensions import db
from server.timeutil import local_range_bounds, zone
from server.visits.models import Visit, VisitAssignment, VisitEvent

COLUMNS = (
    "service_type", "visit_id", "visit_status", "contract_id", "contract_reference", "provider_id",
    "client_id", "client_reference", "client_name", "worker_id", "worker_reference", "worker_name", "carer_position",
    "service_date", "timezone", "start_utc", "start_local", "end_utc", "end_local", "planned_start_local",
    "planned_minutes", "location_address", "location_postcode",
    "check_in_lat", "check_in_lon", "check_in_accuracy_m", "check_in_verification",
    "check_out_lat", "check_out_lon", "check_out_accuracy_m", "check_out_verification",
    "method", "source_system",
)
FORMATS = {"csv": ("text/csv", "csv"), "json": ("application/json", "json")}
CHUNK_ROWS = 2000
MANUAL, GPS, NO_LOCATION = "manual", "gps", "no_location"
METHODS = (GPS, NO_LOCATION, MANUAL)


def _event_id(kind: str, earliest: bool):
    """The carer's first check-in (or last check-out) event of the visit: the one its effective time came from."""
    order = (
        (VisitEvent.device_time, VisitEvent.id) if earliest else (VisitEvent.device_time.desc(), VisitEvent.id.desc())
    )
    return (
        select(VisitEvent.id)
        .where(
            VisitEvent.visit_id == Visit.id, VisitEvent.worker_id == VisitAssignment.worker_id, VisitEvent.kind == kind
        )
        .order_by(*order)
        .limit(1)
        .scalar_subquery()
    )


def visit_carer_rows(contract_id: int, start, end):
    """Every carer who checked in to the contract's visits planned in [start, end), in planned order."""
    check_in, check_out = aliased(VisitEvent), aliased(VisitEvent)
    return (
        select(Visit.id.label("visit_id"), Visit.status, Visit.client_id, Visit.planned_start, Visit.planned_minutes,
               Visit.service_code, Client.reference.label("client_reference"), Client.name.label("client_name"),
               Client.address, Client.postcode, VisitAssignment.worker_id, Worker.staff_ref,
               Worker.name.label("worker_name"), VisitAssignment.position, VisitAssignment.checked_in_at,
               VisitAssignment.checked_out_at, VisitAssignment.check_in_geofence, VisitAssignment.check_out_geofence,
               VisitAssignment.manual, check_in.lat.label("in_lat"), check_in.lon.label("in_lon"),
               check_in.accuracy_m.label("in_accuracy_m"), check_in.source_system,
               check_out.lat.label("out_lat"), check_out.lon.label("out_lon"),
               check_out.accuracy_m.label("out_accuracy_m"))
        .select_from(Visit)
        .join(Client, Client.id == Visit.client_id)
        .join(VisitAssignment, and_(VisitAssignment.visit_id == Visit.id, VisitAssignment.checked_in_at.is_not(None)))
        .join(Worker, Worker.id == VisitAssignment.worker_id)
        .outerjoin(check_in, check_in.id == _event_id("check_in", earliest=True))
        .outerjoin(check_out, check_out.id == _event_id("check_out", earliest=False))
        .where(Visit.contract_id == contract_id, Visit.planned_start >= start, Visit.planned_start < end)
        .order_by(Visit.planned_start, Visit.id, VisitAssignment.position, VisitAssignment.id)
    )


def _iso(moment) -> str | None:
    return moment and moment.isoformat()


def method_of(row) -> str:
    if row.manual:
        return MANUAL
    return GPS if row.in_lat is not None else NO_LOCATION


def contract_rows(contract: Contract, first: date, last: date, chunk_rows: int = CHUNK_ROWS) -> Iterator[dict]:
    tz_name = contract.council.timezone
    tz = zone(tz_name)
    codes = PackageCodes(Client.contract_id == contract.id, first=first, last=last)
    start, end = local_range_bounds(first, last, tz_name)
    stmt = visit_carer_rows(contract.id, start, end).execution_options(yield_per=chunk_rows)
    for row in db.session.execute(stmt):
        began, ended = row.checked_in_at.astimezone(tz), row.checked_out_at and row.checked_out_at.astimezone(tz)
        planned = row.planned_start.astimezone(tz)
        yield {
            "service_type": codes.code(row.client_id, row.service_code, planned.date()),
            "visit_id": row.visit_id, "visit_status": row.status, "contract_id": contract.id,
            "contract_reference": contract.reference, "provider_id": contract.provider_id,
            "client_id": row.client_id, "client_reference": row.client_reference, "client_name": row.client_name,
            "worker_id": row.worker_id, "worker_reference": row.staff_ref, "worker_name": row.worker_name,
            "carer_position": row.position, "service_date": began.date().isoformat(), "timezone": tz_name,
            "start_utc": _iso(row.checked_in_at), "start_local": began.isoformat(),
            "end_utc": _iso(row.checked_out_at), "end_local": _iso(ended),
            "planned_start_local": planned.isoformat(), "planned_minutes": row.planned_minutes,
            "location_address": row.address, "location_postcode": row.postcode,
            "check_in_lat": row.in_lat, "check_in_lon": row.in_lon, "check_in_accuracy_m": row.in_accuracy_m,
            "check_in_verification": row.check_in_geofence,
            "check_out_lat": row.out_lat, "check_out_lon": row.out_lon, "check_out_accuracy_m": row.out_accuracy_m,
            "check_out_verification": row.check_out_geofence,
            "method": method_of(row), "source_system": row.source_system,
        }


def evv_rows(contracts: Iterable[Contract], first: date, last: date) -> Iterator[dict]:
    """Every EVV row of the contracts over local dates first..last, streamed; needs an application context."""
    for contract in contracts:
        yield from contract_rows(contract, first, last)


class Counter:
    """How many rows passed: for the audit record."""

    def __init__(self):
        self.rows = 0

    def counted(self, rows: Iterable[dict]) -> Iterator[dict]:
        for row in rows:
            self.rows += 1
            yield row


def csv_chunks(rows: Iterable[dict], chunk_rows: int = 500) -> Iterator[str]:
    """A header line then one line per row; text a person typed is neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, start=1):
        writer.writerow([cell(row[column]) for column in COLUMNS])
        if n % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(rows: Iterable[dict], header: dict, chunk_rows: int = 500) -> Iterator[str]:
    """{..header, "columns": [...], "rows": [...]} written a chunk of rows at a time."""
    parts, sep = [json.dumps({**header, "columns": COLUMNS})[:-1] + ', "rows": ['], ""
    for n, row in enumerate(rows, start=1):
        parts.append(sep + json.dumps(row))
        sep = ","
        if n % chunk_rows == 0:
            yield "".join(parts)
            parts = []
    parts.append("]}")
    yield "".join(parts)


def chunks_for(fmt: str, rows: Iterable[dict], header: dict) -> Iterator[str]:
    return csv_chunks(rows) if fmt == "csv" else json_chunks(rows, header)
