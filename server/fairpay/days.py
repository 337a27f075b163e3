"""A carer's working day, worked out from their visits: pure figures, no database.

Facts go in (each visit the carer timed, with the minutes the payment engine pays for it, the
carer's pay policy, the minimum wage by date, a travel function) and a Day comes out. The rules:

  run          the carer's timed visits in order of check-in, chained while the gap from one
               check-out to the next check-in, less the travel between the two homes, is shorter
               than break_minutes. A longer gap is a break: the carer's own time, not working time,
               and neither its travel nor its waiting is counted (like travel from home).
  day          a run belongs to the council's local date of its first check-in, so a night run
               from 22:00 to 01:30 is one day's work, on the day it started.
  contact      minutes inside visits (overlapping visits counted once).
  travel       between consecutive visits at different homes: the travel model's estimate for the
               carer's mode, rounded to whole minutes, at most the gap itself.
  waiting      the rest of each gap: unpaid time between visits beyond travel.
  working      first check-in to last check-out of each run, summed over the day's runs; always
               contact + travel + waiting. Instants are whole UTC minutes (check-in and check-out
               each cut to the minute), so midnight and clock changes count real elapsed time.
  paid         the payment engine's payable minutes for the carer's lines (held lines pay 0 until
               resolved, so held_visits says the day may yet rise).
  pay          (paid minutes, plus travel minutes where the provider pays travel) x the carer's
               hourly rate / 60, rounded half-up once for the day.
  effective    pay x 60 / working minutes, rounded half-up to whole minor units an hour.
  below        pay x 60 < minimum hourly x working minutes, on exact integers, with the statutory
               minimum in force on the day; unknown (None) when the rate or minimum is not known.
A visit with only one of its times (or check-out before check-in) cannot be placed on the clock:
it is listed and counted in untimed_visits, its paid minutes still count, its time does not.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from server.payments.engine import amount_pence

Point = tuple[float, float]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Stint:
    """One carer's time at one visit: where, when, and what the payment engine pays for it."""

    visit_id: int
    client_id: int
    place: Point
    planned_start: datetime
    check_in: datetime | None
    check_out: datetime | None
    paid_minutes: int
    outcome: str
    held: bool = False

    @property
    def timed(self) -> bool:
        return self.check_in is not None and self.check_out is not None and self.check_out >= self.check_in


@dataclass(frozen=True, slots=True)
class PayPolicy:
    """What the carer is paid: an hourly rate (minor units; None when not recorded) and whether travel is paid."""

    hourly_minor: int | None
    pays_travel: bool = False


@dataclass(frozen=True, slots=True)
class MinimumWage:
    """The statutory minimum hourly rate in force from a date (UK National Living Wage, 21 and over)."""

    starts_on: date
    hourly_minor: int


@dataclass(frozen=True, slots=True)
class Leg:
    """The time between two consecutive visits of a run: travel, then waiting."""

    from_visit_id: int
    to_visit_id: int
    gap_minutes: int
    travel_minutes: int
    waiting_minutes: int


@dataclass(frozen=True)
class Day:
    worker_id: int
    local_date: date
    stints: tuple[Stint, ...]
    legs: tuple[Leg, ...]
    runs: int
    contact_minutes: int
    travel_minutes: int
    waiting_minutes: int
    working_minutes: int
    paid_minutes: int
    held_visits: int
    untimed_visits: int
    hourly_minor: int | None
    pays_travel: bool
    pay_minor: int | None
    minimum_hourly_minor: int | None
    effective_hourly_minor: int | None = field(init=False)
    below_minimum: bool | None = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "effective_hourly_minor", effective_hourly(self.pay_minor, self.working_minutes))
        object.__setattr__(
            self, "below_minimum", below(self.pay_minor, self.working_minutes, self.minimum_hourly_minor)
        )


def effective_hourly(pay_minor: int | None, working_minutes: int) -> int | None:
    if pay_minor is None or not working_minutes:
        return None
    whole, rest = divmod(pay_minor * 60, working_minutes)
    return whole + (2 * rest >= working_minutes)


def below(pay_minor: int | None, working_minutes: int, minimum_hourly: int | None) -> bool | None:
    """Whether pay falls short of the minimum for the working minutes; None when either is unknown."""
    if pay_minor is None or minimum_hourly is None:
        return None
    return pay_minor * 60 < minimum_hourly * working_minutes


def minimum_on(day: date, wages: Sequence[MinimumWage]) -> int | None:
    """The minimum hourly rate in force on a date: the latest entry starting on or before it."""
    found = None
    for wage in sorted(wages, key=lambda w: w.starts_on):
        if wage.starts_on <= day:
            found = wage.hourly_minor
    return found


def _minute(moment: datetime) -> int:
    """Whole UTC minutes since 1970: an instant on the real clock, cut to the minute."""
    return int((moment - EPOCH).total_seconds()) // 60


@dataclass
class _Run:
    """A run being built: its first minute, the latest check-out so far and the visit it ended."""

    stints: list[Stint]
    start: int
    end: int
    last: Stint
    contact: int
    legs: list[Leg]


def runs_of(stints: Iterable[Stint], travel: Callable[[Point, Point], int], break_minutes: int) -> list[_Run]:
    """Timed visits chained into runs, in order of check-in; travel(a, b) gives seconds between two homes."""
    runs: list[_Run] = []
    for stint in sorted((s for s in stints if s.timed), key=lambda s: (s.check_in, s.visit_id)):
        start, end = _minute(stint.check_in), _minute(stint.check_out)
        run = runs[-1] if runs else None
        if run is not None:
            gap = max(0, start - run.end)
            same_home = stint.client_id == run.last.client_id
            moving = 0 if same_home or not gap else min(gap, (travel(run.last.place, stint.place) + 30) // 60)
            if gap - moving < break_minutes:
                run.legs.append(Leg(run.last.visit_id, stint.visit_id, gap, moving, gap - moving))
                run.contact += max(0, end - max(start, run.end))
                run.stints.append(stint)
                if end >= run.end:
                    run.end, run.last = end, stint
                continue
        runs.append(_Run([stint], start, end, stint, end - start, []))
    return runs


def working_days(worker_id: int, stints: Iterable[Stint], *, tz: str, travel: Callable[[Point, Point], int],
                 break_minutes: int, policy: PayPolicy, wages: Sequence[MinimumWage]) -> list[Day]:
    """The carer's days, each the runs that started on it plus the untimed visits planned on it, in date order."""
    stints = list(stints)
    zone = ZoneInfo(tz)
    by_day: dict[date, tuple[list[_Run], list[Stint]]] = {}
    for run in runs_of(stints, travel, break_minutes):
        by_day.setdefault(run.stints[0].check_in.astimezone(zone).date(), ([], []))[0].append(run)
    for stint in stints:
        if not stint.timed:
            by_day.setdefault(stint.planned_start.astimezone(zone).date(), ([], []))[1].append(stint)
    return [_day(worker_id, local, runs, untimed, policy, wages) for local, (runs, untimed) in sorted(by_day.items())]


def idle_day(worker_id: int, local: date, policy: PayPolicy, wages: Sequence[MinimumWage]) -> Day:
    """A day with no visits: every figure zero."""
    return _day(worker_id, local, [], [], policy, wages)


def _day(worker_id: int, local: date, runs: list[_Run], untimed: list[Stint], policy: PayPolicy,
         wages: Sequence[MinimumWage]) -> Day:
    timed = [s for run in runs for s in run.stints]
    legs = [leg for run in runs for leg in run.legs]
    travel = sum(leg.travel_minutes for leg in legs)
    paid = sum(s.paid_minutes for s in timed + untimed)
    pay = None
    if policy.hourly_minor is not None:
        pay = amount_pence(paid + (travel if policy.pays_travel else 0), policy.hourly_minor)
    ordered = sorted(timed, key=lambda s: (s.check_in, s.visit_id)) + sorted(untimed, key=lambda s: s.planned_start)
    return Day(worker_id, local, tuple(ordered), tuple(legs), len(runs), sum(run.contact for run in runs), travel,
               sum(leg.waiting_minutes for leg in legs), sum(run.end - run.start for run in runs), paid,
               sum(s.held for s in timed + untimed), len(untimed), policy.hourly_minor, policy.pays_travel, pay,
               minimum_on(local, wages))


@dataclass(frozen=True)
class Summary:
    """Days added up (a carer over the period, a provider, everyone): the minimum is weighed day by day."""

    days: int
    days_below: int
    contact_minutes: int
    travel_minutes: int
    waiting_minutes: int
    working_minutes: int
    paid_minutes: int
    pay_minor: int | None
    effective_hourly_minor: int | None
    below_minimum: bool | None


def summarise(days: Iterable[Day]) -> Summary:
    """Totals of days; pay is known only if known on every day, and below the minimum is judged on the sum
    of each day's minimum for its working minutes (the rate may change within the period)."""
    days = list(days)
    known = all(d.pay_minor is not None for d in days)
    pay = sum(d.pay_minor for d in days) if known and days else None
    working = sum(d.working_minutes for d in days)
    floor_known = all(d.minimum_hourly_minor is not None for d in days)
    owed = sum(d.minimum_hourly_minor * d.working_minutes for d in days) if floor_known else None
    return Summary(len(days), sum(bool(d.below_minimum) for d in days), sum(d.contact_minutes for d in days),
                   sum(d.travel_minutes for d in days), sum(d.waiting_minutes for d in days), working,
                   sum(d.paid_minutes for d in days), pay, effective_hourly(pay, working),
                   None if pay is None or owed is None or not days else pay * 60 < owed)
