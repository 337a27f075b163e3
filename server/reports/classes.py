"""How a visit or a carer's check-in is classed, shared by the reports and their stored days (reports/rollup.py)."""
from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import case, func, literal

from server.reports.sql import seconds_between
from server.visits.flags import Flag, is_verified
from server.visits.models import Visit, VisitAssignment, VisitStatus


def visit_class():
    """A visit's punctuality class (see reports/punctuality.py)."""
    return case(
        (Visit.status == VisitStatus.CANCELLED, literal("cancelled")),
        (Visit.status == VisitStatus.MISSED, literal("missed")),
        (Visit.punctuality.in_(("early", "on_time", "late")), Visit.punctuality),
        (Visit.status == VisitStatus.LATE, literal("late")),
        else_=literal("pending"),
    )


def check_in_class():
    """How a check-in showed presence (see reports/verification.py)."""
    return case(
        (VisitAssignment.manual.is_(True), literal("manual")),
        (VisitAssignment.check_in_geofence.in_(("verified", "unverified", "outside", "invalid")),
         VisitAssignment.check_in_geofence),
        else_=literal("none"),
    )


def check_in_method():
    """method_<how the check-in was made>, method_manual for coordinator-entered times, method_gps before methods."""
    return case((VisitAssignment.manual.is_(True), literal("method_manual")),
                else_=literal("method_") + func.coalesce(VisitAssignment.check_in_method, literal("gps")))


SHORT_SECONDS = 15 * 60
SHORT_CLASSES = ("none", "80pct", "15min", "both")


def short_class():
    """Which of the two short tests a delivered visit fails: none, 80pct, 15min or both (reports/short_visits.py)."""
    seconds = seconds_between(Visit.started_at, Visit.ended_at)
    under_share = seconds * 5 < Visit.planned_minutes * 240  # seconds < 80% of planned minutes x 60, in integers
    under_fifteen = seconds < SHORT_SECONDS
    return case((under_share & under_fifteen, literal("both")), (under_share, literal("80pct")),
                (under_fifteen, literal("15min")), else_=literal("none"))


FLAG_NAMES = frozenset(Flag)


def flag_figures(status: str, stored_flags: str | None) -> list[str]:
    """What a visit that was not cancelled counts towards in the flags report (reports/flags.py), from its status
    and its flags as stored JSON text: visits, completed, verified, and each flag it carries."""
    listed = (json.loads(stored_flags) if stored_flags else None) or ()
    return ["visits", *(["completed"] if status == VisitStatus.COMPLETED else []),
            *(["verified"] if is_verified(status, listed) else []), *(f for f in listed if f in FLAG_NAMES)]


def flag_tally(rows) -> Counter:
    """Visits counted per (*key, figure) of flag_figures, from rows of (*key, status, flags as stored, visits)."""
    counted = Counter()
    for *key, status, listed, n in rows:
        for figure in flag_figures(status, listed):
            counted[(*key, figure)] += n
    return counted
