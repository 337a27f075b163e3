"""Judging a visit: facts in, flags out, no database (visits/service.py is the bridge).

Each flag marks something a coordinator or a council should look at; none changes the record.
Thresholds are the contract's (defaults in brackets); a value exactly on a threshold is not flagged:
  early                first check-in more than early_minutes (30) before the planned start
  late                 first check-in more than late_minutes (30) after the planned start
  short                actual minutes (first check-in to last check-out, whole minutes) under
                       short_percent (90) % of the planned minutes
  overrun              actual minutes more than overrun_minutes (0) beyond the planned minutes
  outside_geofence     a carer's check-in or check-out fix was outside the home's geofence
  unverified_location  a carer's check-in or check-out had no fix, or one too inaccurate to judge,
                       and no tag of the home either
  tag_invalid          a carer's check-in or check-out showed another home's tag, a revoked tag or a
                       forged payload (always holds pay until a coordinator accepts the visit)
  tasks_not_done       the visit ended with some of its tasks not ticked
  client_unconfirmed   the contract asks the client or family to confirm each visit, and the visit ended
                       without a confirmation that verified (the family's PIN, or a signature)
  understaffed         the visit ended with fewer carers checked in than carers_required
  clock_skew           a carer's phone clock was off from server time at a sync
  manual_times         a coordinator entered a carer's times
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Flag(StrEnum):
    EARLY = "early"
    LATE = "late"
    SHORT = "short"
    OVERRUN = "overrun"
    OUTSIDE_GEOFENCE = "outside_geofence"
    UNVERIFIED_LOCATION = "unverified_location"
    TAG_INVALID = "tag_invalid"
    TASKS_NOT_DONE = "tasks_not_done"
    CLIENT_UNCONFIRMED = "client_unconfirmed"
    UNDERSTAFFED = "understaffed"
    CLOCK_SKEW = "clock_skew"
    MANUAL_TIMES = "manual_times"


MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Thresholds:
    early_minutes: int = 30
    late_minutes: int = 30
    short_percent: int = 90
    overrun_minutes: int = 0


@dataclass(frozen=True, slots=True)
class CarerTimes:
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    check_in_geofence: str | None = None
    check_out_geofence: str | None = None
    manual: bool = False


@dataclass(frozen=True, slots=True)
class VisitTimes:
    planned_start: datetime
    planned_minutes: int
    carers_required: int = 1
    started_at: datetime | None = None
    ended_at: datetime | None = None
    carers: tuple[CarerTimes, ...] = ()
    tasks: tuple[str, ...] = ()
    tasks_done: frozenset[str] = field(default_factory=frozenset)
    clock_skew: bool = False
    unconfirmed: bool = False


def actual_minutes(visit: VisitTimes) -> int | None:
    """Whole minutes from first check-in to last check-out, as the payable-time engine counts them."""
    if visit.started_at is None or visit.ended_at is None or visit.ended_at < visit.started_at:
        return None
    return (visit.ended_at - visit.started_at) // MINUTE


def is_short(minutes: int, planned: int, percent: int) -> bool:
    """Under percent % of planned, in integers so 90 % of 45 (40.5) is exact."""
    return minutes * 100 < planned * percent


def flags_for(visit: VisitTimes, limits: Thresholds) -> list[str]:
    """The visit's flags, in the order of Flag."""
    found = set()
    if visit.started_at is not None:
        if visit.started_at < visit.planned_start - limits.early_minutes * MINUTE:
            found.add(Flag.EARLY)
        if visit.started_at > visit.planned_start + limits.late_minutes * MINUTE:
            found.add(Flag.LATE)
    minutes = actual_minutes(visit)
    if minutes is not None:
        if is_short(minutes, visit.planned_minutes, limits.short_percent):
            found.add(Flag.SHORT)
        if minutes > visit.planned_minutes + limits.overrun_minutes:
            found.add(Flag.OVERRUN)
    for carer in visit.carers:
        verdicts = [v for at, v in ((carer.checked_in_at, carer.check_in_geofence),
                                    (carer.checked_out_at, carer.check_out_geofence)) if at is not None]
        if carer.manual:
            found.add(Flag.MANUAL_TIMES)
            continue  # a coordinator's times carry no fix of their own to judge
        if "outside" in verdicts:
            found.add(Flag.OUTSIDE_GEOFENCE)
        if "invalid" in verdicts:
            found.add(Flag.TAG_INVALID)
        if any(v in (None, "none", "unverified") for v in verdicts):
            found.add(Flag.UNVERIFIED_LOCATION)
    if visit.ended_at is not None:
        if set(visit.tasks) - visit.tasks_done:
            found.add(Flag.TASKS_NOT_DONE)
        if visit.unconfirmed:
            found.add(Flag.CLIENT_UNCONFIRMED)
        if sum(c.checked_in_at is not None for c in visit.carers) < visit.carers_required:
            found.add(Flag.UNDERSTAFFED)
    if visit.clock_skew:
        found.add(Flag.CLOCK_SKEW)
    return [f for f in Flag if f in found]


# Flags that stop a delivered visit counting as verified: a fix not in the geofence or not good enough,
# times outside the thresholds, or times a phone's clock or a coordinator put there.
UNVERIFIED_BY = frozenset({Flag.EARLY, Flag.LATE, Flag.SHORT, Flag.OUTSIDE_GEOFENCE, Flag.UNVERIFIED_LOCATION,
                           Flag.TAG_INVALID, Flag.CLOCK_SKEW, Flag.MANUAL_TIMES})


def is_verified(status: str, flags) -> bool:
    """Both events of every carer shown in the home (a fix in the geofence with good accuracy, or the home's tag),
    and within the thresholds."""
    return status == "completed" and not UNVERIFIED_BY.intersection(flags or ())


def pay_holds(flags, actual: int | None, planned: int, *, hold_outside_geofence: bool,
              hold_short_below_percent: int) -> tuple[str, ...]:
    """The flags that hold a visit's pay under the contract until a coordinator accepts it:
    outside_geofence when the contract says so; tag_invalid always; short when the actual minutes are under
    hold_short_below_percent % of planned (0 never holds)."""
    holds = [Flag.TAG_INVALID] if Flag.TAG_INVALID in (flags or ()) else []
    if hold_outside_geofence and Flag.OUTSIDE_GEOFENCE in (flags or ()):
        holds.append(Flag.OUTSIDE_GEOFENCE)
    if Flag.SHORT in (flags or ()) and actual is not None and is_short(actual, planned, hold_short_below_percent):
        holds.append(Flag.SHORT)
    return tuple(holds)
