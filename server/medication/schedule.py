"""Which doses are due at a visit: derived each time, never stored, so a moved visit takes its doses along
and a cancelled one has none.

A version is in force on a local date when it is the highest-numbered version started by then and its
ends_on has not passed. A version in force is due at a visit:
- of a visit pattern it names: at that visit (slot "visit");
- at a local time of day "HH:MM": at the client's visit that day whose planned start is nearest that
  time, if within DUE_WINDOW (slot "HH:MM"); a tie goes to the earlier visit.
A dose is due at its visit's planned start: the carer gives it there. Dates and times of day are the
council's local ones through zoneinfo, so a clock change moves no dose. "As required" (PRN) versions are
never due; they are offered at every visit of a day they are in force. Pure: no database here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.medication.models import VISIT_SLOT
from server.timeutil import local_wall_time_to_utc, to_local

# Beyond this a time of day is not any visit's: nobody is there to give it, and it is nobody's dose.
DUE_WINDOW = timedelta(hours=3)


@dataclass(frozen=True)
class VisitSlot:
    id: int
    planned_start: datetime
    pattern_id: int | None


@dataclass(frozen=True)
class DueDose:
    version: object  # a MedicationVersion, or anything with its fields
    slot: str
    due_at: datetime

    @property
    def medication_id(self) -> int:
        return self.version.medication_id


def local_date(moment: datetime, tz: str) -> date:
    return to_local(moment, tz).date()


def in_force(versions, day: date):
    """The version that applies on a local date, or None (not started yet, or stopped)."""
    started = [v for v in versions if v.starts_on <= day]
    if not started:
        return None
    latest = max(started, key=lambda v: v.number)
    return latest if latest.ends_on is None or day <= latest.ends_on else None


def _nearest(day_visits: list[VisitSlot], at: datetime) -> VisitSlot | None:
    close = [v for v in day_visits if abs(v.planned_start - at) <= DUE_WINDOW]
    return min(close, key=lambda v: (abs(v.planned_start - at), v.planned_start, v.id), default=None)


def due_at_visit(visit: VisitSlot, day_visits: list[VisitSlot], medications: list[list], tz: str) -> list[DueDose]:
    """The doses due at a visit, given the client's other visits that local day and each medicine's versions."""
    day = local_date(visit.planned_start, tz)
    due = []
    for versions in medications:
        version = in_force(versions, day)
        if version is None or version.prn or (version.weekdays and day.isoweekday() not in version.weekdays):
            continue
        if visit.pattern_id is not None and visit.pattern_id in (version.visit_pattern_ids or ()):
            due.append(DueDose(version, VISIT_SLOT, visit.planned_start))
        for hhmm in version.times or ():
            nearest = _nearest(day_visits, local_wall_time_to_utc(day, hhmm, tz))
            if nearest is not None and nearest.id == visit.id:
                due.append(DueDose(version, hhmm, visit.planned_start))
    return sorted(due, key=lambda d: (d.slot != VISIT_SLOT, d.slot, d.version.name.lower(), d.medication_id))


def as_required(medications: list[list], day: date) -> list:
    """The PRN versions in force on a local date."""
    found = (in_force(versions, day) for versions in medications)
    return sorted((v for v in found if v is not None and v.prn), key=lambda v: (v.name.lower(), v.medication_id))
