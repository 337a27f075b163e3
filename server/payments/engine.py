"""The payable-time engine: pure functions from visit facts, a rule set and a calendar to minutes and money.

No database and no Flask: facts.py turns rows into the facts below, and everything here can be
tested exhaustively on its own. Money is whole minor units of the council's currency (pence,
cents; named `_pence` in fields for the councils' existing integrations), computed with integers
(the enhancement multiplier is an exact Decimal ratio) and rounded half-up once per line; no
float touches it.

Each carer of a visit has a line (a double-up has two). A carer's line is:
  frustrated     the visit was missed with one of the rule set's frustrated reasons (no access, not
                 home, refused) and the carer's arrival was recorded inside the geofence: nothing,
                 the planned minutes, or a fixed amount, as the rule set says
  scheduled      the visit is not yet due (scheduled or on the way) and the carer has no times: 0
  not delivered  the visit was cancelled or missed, or the carer recorded no times: 0, not held
                 (on an understaffed double-up only the carers who attended are paid)
  held           an unresolved exception holds the carer's pay (no check-out, missing check-in,
                 check-out before check-in, clock skew), or the times are incomplete or
                 inconsistent, or a flag the contract holds (hold_flags: outside_geofence, short)
                 awaits a coordinator's decision: 0 with the reason, until a coordinator resolves
                 it; never paid on a guess, never dropped
  not paid       a coordinator rejected the flagged visit for pay: 0, with their note
  fixed fee      the visit's type has a fixed fee in the rule set ([fixed_fees.<visit_type>]): that amount
                 for each carer who attended, whatever the minutes, in one "fixed_fee" step (no rounding,
                 tolerance, cap, minimum, time bands or day enhancements); the line reports the fee's
                 minutes, or the planned minutes
  paid           the steps below (after a "decision" step when a coordinator accepted a flagged visit)
A carer with bill times from visit maintenance is judged and measured on them (a "bill_time" step
first); units.py bills lines by service code after this engine.

A line's explanation starts with a "flags" step when the visit is flagged short, overrun or
understaffed, so whoever reads the pay sees what the monitoring saw.
Steps of a paid line under basis "actual", in order:
  actual       whole minutes from check-in to check-out: floor(elapsed seconds / 60), measured
               on UTC instants, so midnight and clock changes count the real elapsed time
  access_time  when the rule set pays it and an arrival was recorded before check-in, measure
               from arrival instead
  double_up    under double_up_pay "average", "longer" or "planned", every carer of a double-up
               with payable times is paid the booking's figure (the carers' average, the longest,
               or the planned minutes) instead of their own
  rounding     to the rule set's unit, up, down or nearest (an exact half unit goes up)
  tolerance    if the minutes before rounding are at least planned - tolerance minutes, or at
               least the tolerance percentage of planned, pay no less than planned
  cap          no more than planned + cap, unless a coordinator approved the overrun: outright,
               or by a number of minutes for this carer, which moves the cap by exactly that much
  minimum      no less than the minimum; applied last, so it wins over a cap below it
Under basis "planned" (and for a check-out a coordinator accepted as missing, where the rule
set allows it) the steps are basis (the planned minutes) and minimum.
Then rate prices the minutes by the enhancement for the local date of the planned start and,
where the rule set has time-of-day bands, the band of the planned start, of the actual start,
or of each minute (the higher of the day's and the band's multiplier; they do not stack).

Without time-of-day bands an unexplained line reads the planned start only for its local date,
and the other instants only through their differences and order: facts moved together in time
within one local date are paid alike, so an export prices each such shape once (reads_instants).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_CEILING, Decimal
from typing import Iterable

from server.payments.bands import banded_price
from server.payments.calendar import BANK_HOLIDAY, WEEKEND, DayKind, PayCalendar
from server.payments.rules import ACTIVITY_CATEGORIES, FixedFee, RuleSet

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
NOT_DELIVERED_STATUSES = frozenset({"cancelled", "missed"})
# Not yet due: the scheduler has not moved them on, so nothing can be said of delivery yet.
NOT_YET_DUE_STATUSES = frozenset({"scheduled", "en_route"})
PAID, HELD, NOT_DELIVERED, NOT_PAID, SCHEDULED = "paid", "held", "not_delivered", "not_paid", "scheduled"
# Flags shown in every line's explanation: they say why the minutes are what they are.
EXPLAINED_FLAGS = ("short", "overrun", "understaffed")


def _utc(value: datetime | None, name: str) -> datetime | None:
    """Aware datetimes as UTC: subtraction between two datetimes sharing a zone is wall-clock
    arithmetic in Python, which would be wrong across a clock change."""
    if value is None or value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _whole_minutes(value: int, name: str) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a non-negative whole number of minutes, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Step:
    """One rule applied to one line: minutes before and after, and why."""

    rule: str
    before: int
    after: int
    note: str


@dataclass(frozen=True, slots=True)
class CarerFacts:
    """One carer's effective times at a visit (a coordinator's correction already applied, manual=True).

    open_exception: the kind of an unresolved exception that holds this carer's pay, if any.
    accepted_without_checkout: a coordinator resolved the missing check-out without entering a time.
    bill_start, bill_end: bill times set by visit maintenance (with bill_reason); paid from instead of the
    clock times, which stay as recorded.
    overrun_approved_minutes: extra minutes a coordinator approved for this carer beyond the cap.
    arrival_in_geofence: the carer's arrival at the door was recorded inside the geofence.
    """

    worker_id: int | None
    check_in: datetime | None
    check_out: datetime | None
    arrival: datetime | None = None
    manual: bool = False
    open_exception: str | None = None
    accepted_without_checkout: bool = False
    overrun_approved_minutes: int = 0
    arrival_in_geofence: bool = False
    bill_start: datetime | None = None
    bill_end: datetime | None = None
    bill_reason: str | None = None

    def __post_init__(self):
        _whole_minutes(self.overrun_approved_minutes, "overrun_approved_minutes")
        for name in ("check_in", "check_out", "arrival", "bill_start", "bill_end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is not UTC:
                object.__setattr__(self, name, _utc(value, name))


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the engine needs to know about one visit.

    hold_flags: the visit's flags that hold its pay under the contract (visits/flags.py pay_holds).
    pay_decision: a coordinator's "accept" or "reject" of the flagged visit for pay, with its note.
    missed_reason: the reason code a coordinator gave for a missed visit (frustrated visits).
    visit_type: the kind of visit ("sleep_in"), which may have a fixed fee under the rule set.
    """

    planned_start: datetime
    planned_minutes: int
    carers: tuple[CarerFacts, ...] = ()
    status: str = "completed"
    overrun_approved: bool = False
    visit_id: int | None = None
    flags: tuple[str, ...] = ()
    hold_flags: tuple[str, ...] = ()
    pay_decision: str | None = None
    pay_decision_note: str | None = None
    missed_reason: str | None = None
    visit_type: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "planned_start", _utc(self.planned_start, "planned_start"))
        object.__setattr__(self, "carers", tuple(self.carers))
        _whole_minutes(self.planned_minutes, "planned_minutes")


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """A piece of non-contact work: its category, minutes and when it happened."""

    category: str
    minutes: int
    occurred_at: datetime
    worker_id: int | None = None

    def __post_init__(self):
        if self.category not in ACTIVITY_CATEGORIES:
            raise ValueError(f"unknown activity category {self.category!r}")
        _whole_minutes(self.minutes, "minutes")
        object.__setattr__(self, "occurred_at", _utc(self.occurred_at, "occurred_at"))


@dataclass(frozen=True, slots=True)
class Line:
    """What one carer (or one activity) is paid, with the rate used and, when asked for, the explanation."""

    worker_id: int | None
    outcome: str
    minutes: int
    amount_pence: int
    held_reason: str | None
    day: DayKind
    hourly_pence: int
    multiplier: Decimal
    steps: tuple[Step, ...] = ()

    @property
    def held(self) -> bool:
        return self.outcome == HELD

    def for_worker(self, worker_id: int | None) -> Line:
        """The same line for another carer (dataclasses.replace is several times slower on an export's hot path)."""
        if worker_id == self.worker_id:
            return self
        return Line(worker_id, self.outcome, self.minutes, self.amount_pence, self.held_reason, self.day,
                    self.hourly_pence, self.multiplier, self.steps)


@dataclass(frozen=True)
class Payable:
    """A visit's lines and totals; held lines count 0 until resolved."""

    rule_set: str
    visit_id: int | None
    planned_start: datetime
    lines: tuple[Line, ...]
    minutes: int = field(init=False)
    amount_pence: int = field(init=False)
    held: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "minutes", sum(line.minutes for line in self.lines))
        object.__setattr__(self, "amount_pence", sum(line.amount_pence for line in self.lines))
        object.__setattr__(self, "held", any(line.held for line in self.lines))


def amount_pence(minutes: int, hourly_pence: int, multiplier: Decimal = Decimal(1)) -> int:
    """minutes x hourly rate x enhancement / 60, exactly, rounded half-up to whole pence."""
    num, den = multiplier.as_integer_ratio()
    whole, rest = divmod(minutes * hourly_pence * num, 60 * den)
    return whole + (2 * rest >= 60 * den)


def multiplier_for(day: DayKind, rules: RuleSet) -> Decimal:
    if day.kind == BANK_HOLIDAY:
        return rules.rates.bank_holiday_multiplier
    if day.kind == WEEKEND:
        return rules.rates.weekend_multiplier
    return Decimal(1)


def _round(minutes: int, unit: int, direction: str) -> int:
    bands, rest = divmod(minutes, unit)
    if rest and (direction == "up" or (direction == "nearest" and 2 * rest >= unit)):
        bands += 1
    return bands * unit


def _whole(start: datetime, end: datetime) -> int:
    return (end - start) // MINUTE


def _day_words(day: DayKind) -> str:
    return f"{day.kind.replace('_', ' ')}: {day.name} {day.local_date.isoformat()}"


def _price(minutes: int, rules: RuleSet, day: DayKind, explain: bool, band_from: datetime | None = None,
           calendar: PayCalendar | None = None) -> tuple[Decimal, int, str | None]:
    """(multiplier, amount, note): the day's enhancement, or time-of-day bands from band_from when the rule set has
    them."""
    multiplier = multiplier_for(day, rules)
    rates = rules.rates
    if band_from is not None and rates.bands and minutes:
        return banded_price(minutes, band_from, multiplier, _day_words(day), rates, calendar,
                            rates.band_by == "minute", explain)
    hourly = rates.hourly_pence
    pence = amount_pence(minutes, hourly, multiplier) if minutes else 0
    if not (explain and minutes):
        return multiplier, pence, None
    exact = Decimal(minutes) * hourly * multiplier / 60
    return multiplier, pence, (f"{minutes} min x {hourly}p/h x {multiplier} ({_day_words(day)}) / 60 = "
                               f"{exact.normalize():f}p, {pence}p rounded half-up")


def _line(worker_id, outcome, minutes, rules: RuleSet, day: DayKind, steps, explain: bool,
          held_reason: str | None = None, priced: tuple[Decimal, int, str | None] | None = None) -> Line:
    multiplier, pence, note = priced or _price(minutes, rules, day, explain)
    if explain and note:
        steps.append(Step("rate", minutes, minutes, note))
    return Line(worker_id, outcome, minutes, pence, held_reason, day, rules.rates.hourly_pence, multiplier,
                tuple(steps) if explain else ())


def _flags_step(visit: VisitFacts) -> Step | None:
    """The flags that bear on pay, named first in the explanation."""
    shown = [flag for flag in EXPLAINED_FLAGS if flag in visit.flags]
    if not shown:
        return None
    words = {"short": "short (well under the planned minutes)", "overrun": "overrun (well over the planned minutes)",
             "understaffed": "understaffed (fewer carers than the visit needs)"}
    return Step("flags", 0, 0, "flagged " + ", ".join(words[flag] for flag in shown))


def _frustrated(visit: VisitFacts, carer: CarerFacts, rules: RuleSet) -> tuple[str, int, int | None, str] | None:
    """(outcome, minutes, fixed amount or None, note) for a frustrated visit under the rule set, else None.

    Evidence: a missed visit whose reason is one of the rule set's, and this carer's arrival
    recorded inside the geofence. A carer without that evidence is not delivered, as before.
    """
    rule = rules.frustrated
    if rule is None or visit.status != "missed" or visit.missed_reason not in rule.reasons:
        return None
    reason = visit.missed_reason.replace("_", " ")
    if not carer.arrival_in_geofence:
        note = f"missed ({reason}) without an arrival recorded inside the geofence: no evidence of a frustrated visit"
        return NOT_DELIVERED, 0, None, note + ", nothing payable"
    said = f"frustrated visit ({reason}), arrival recorded inside the geofence: "
    if rule.pay == "planned":
        return PAID, visit.planned_minutes, None, said + f"paid the planned {visit.planned_minutes} min"
    if rule.pay == "fixed":
        return PAID, 0, rule.fixed_minor, said + f"paid the contract's fixed {rule.fixed_minor} (minor units)"
    return NOT_DELIVERED, 0, None, said + "this contract pays nothing for it"


def _pay_frustrated(visit: VisitFacts, carer: CarerFacts, rules: RuleSet, day: DayKind, steps: list,
                    explain: bool, frustrated, calendar: PayCalendar) -> Line:
    outcome, minutes, fixed, note = frustrated
    if explain:
        steps.append(Step("frustrated", 0, minutes, note))
    if fixed is not None:
        priced = (Decimal(1), fixed, None)
    else:
        priced = _price(minutes, rules, day, explain, visit.planned_start, calendar)
    return _line(carer.worker_id, outcome, minutes, rules, day, steps, explain, priced=priced)


def _band_from(visit: VisitFacts, carer: CarerFacts, rules: RuleSet) -> datetime | None:
    """The moment that picks the time-of-day band: the planned start, the actual start, or the start of paid time."""
    rates = rules.rates
    if not rates.bands or rates.band_by == "planned_start" or carer.check_in is None:
        return visit.planned_start
    if rates.band_by == "minute" and rules.pay_access_time and carer.arrival is not None \
            and carer.arrival < carer.check_in and rules.basis == "actual":
        return carer.arrival
    return carer.check_in


def _blocked(visit: VisitFacts, carer: CarerFacts, rules: RuleSet) -> tuple[str, str] | None:
    """(outcome, reason) when the carer's line cannot be paid from its times, else None."""
    if visit.status in NOT_DELIVERED_STATUSES:
        return NOT_DELIVERED, visit.status
    if carer.open_exception:
        return HELD, carer.open_exception
    if carer.check_in is None and carer.check_out is None and visit.status in NOT_YET_DUE_STATUSES:
        return SCHEDULED, "not_yet_due"
    if carer.check_in is None:
        return (NOT_DELIVERED, "no_times") if carer.check_out is None else (HELD, "missing_check_in")
    if carer.check_out is None:
        if carer.accepted_without_checkout and rules.missing_checkout == "planned_when_accepted":
            return None
        return HELD, "no_checkout"
    if carer.check_out < carer.check_in:
        return HELD, "checkout_before_checkin"
    return None


def _decided(visit: VisitFacts) -> tuple[str, str] | None:
    """(outcome, flag) after a coordinator rejected the flagged visit, or while a flag that holds pay awaits them."""
    if visit.pay_decision == "reject" and visit.flags:
        return NOT_PAID, (visit.hold_flags or visit.flags)[0]
    if visit.hold_flags and visit.pay_decision != "accept":
        return HELD, visit.hold_flags[0]
    return None


def _decision_note(visit: VisitFacts) -> str:
    flagged = " and ".join(f.replace("_", " ") for f in visit.hold_flags or visit.flags)
    if visit.pay_decision is None:
        return f"flagged {flagged}: this contract holds pay until a coordinator accepts the visit"
    said = visit.pay_decision_note or "no note"
    if visit.pay_decision == "accept":
        return f"flagged {flagged}: a coordinator accepted it for pay ({said})"
    return f"flagged {flagged}: a coordinator rejected it for pay ({said}): nothing paid"


def _blocked_note(reason: str, carer: CarerFacts, rules: RuleSet, calendar: PayCalendar) -> str:
    clock = lambda moment: calendar.local(moment).strftime("%Y-%m-%d %H:%M:%S %Z")  # noqa: E731
    if reason in NOT_DELIVERED_STATUSES:
        return f"visit {reason}: not delivered, nothing payable"
    if reason == "not_yet_due":
        return "the visit is not yet due: nothing payable yet"
    if reason == "no_times":
        return "no check-in or check-out recorded for this carer: not delivered, nothing payable"
    if reason == "no_checkout" and carer.check_in is not None and carer.check_out is None:
        if carer.accepted_without_checkout:
            return ("a coordinator accepted the visit without a check-out time, and this rule set pays only "
                    "measured time: held until the check-out time is entered")
        return (f"no check-out after check-in at {clock(carer.check_in)}: held for a coordinator to resolve "
                f"(missing_checkout = {rules.missing_checkout!r}), not paid until then")
    if reason == "missing_check_in" and carer.check_in is None:
        return "no check-in recorded: held for a coordinator to resolve, not paid until then"
    if reason == "checkout_before_checkin" and carer.check_out is not None and carer.check_in is not None \
            and carer.check_out < carer.check_in:
        return (f"check-out {clock(carer.check_out)} is before check-in {clock(carer.check_in)}: "
                "held for a coordinator to resolve")
    return f"unresolved {reason.replace('_', ' ')} exception: held for a coordinator to resolve, not paid until then"


def pay_carer(visit: VisitFacts, carer: CarerFacts, rules: RuleSet, calendar: PayCalendar,
              explain: bool = True) -> Line:
    """One carer's payable minutes and pence at a visit; the enhancement is by the planned start's local date.

    explain=False skips building the explanation (same minutes and pence), for exports.
    """
    day = calendar.day(visit.planned_start)
    steps: list[Step] = []
    if explain and visit.flags:
        flagged = _flags_step(visit)
        if flagged:
            steps.append(flagged)
    if carer.bill_start is not None and carer.bill_end is not None:
        carer = _bill_time(carer, calendar, steps if explain else None)
    frustrated = _frustrated(visit, carer, rules)
    if frustrated:
        return _pay_frustrated(visit, carer, rules, day, steps, explain, frustrated, calendar)
    blocked = _blocked(visit, carer, rules)
    decided = None if blocked else _decided(visit)
    if blocked or decided:
        outcome, reason = blocked or decided
        if explain:
            note = _decision_note(visit) if decided else _blocked_note(reason, carer, rules, calendar)
            if reason == "no_times" and "understaffed" in visit.flags:
                note += "; understaffed: only the carers who attended are paid"
            steps.append(Step({HELD: "hold", NOT_PAID: "decision"}.get(outcome, "status"), 0, 0, note))
        return _line(carer.worker_id, outcome, 0, rules, day, steps, explain,
                     held_reason=reason if outcome == HELD else None)
    if explain and visit.pay_decision and visit.flags:
        steps.append(Step("decision", 0, 0, _decision_note(visit)))
    fee = rules.fixed_fees.get(visit.visit_type) if visit.visit_type else None
    if fee is not None:
        return _pay_fixed_fee(visit, carer, fee, rules, day, steps, explain)

    planned = visit.planned_minutes
    if carer.check_out is None:  # accepted without a check-out, under planned_when_accepted
        minutes = planned
        if explain:
            steps.append(
                Step(
                    "basis",
                    0,
                    planned,
                    "a coordinator accepted the visit without a check-out time: "
                    "paid the planned minutes (missing_checkout = 'planned_when_accepted')",
                )
            )
    else:
        measured = _whole(carer.check_in, carer.check_out)
        if explain:
            elapsed = carer.check_out - carer.check_in
            source = "times entered by a coordinator" if carer.manual else "times from the carer's phone"
            clock = lambda moment: calendar.local(moment).strftime("%Y-%m-%d %H:%M:%S %Z")  # noqa: E731
            steps.append(Step("actual", 0, measured,
                              f"check-in {clock(carer.check_in)} to check-out {clock(carer.check_out)}: "
                              f"{measured} min {(elapsed % MINUTE).seconds} s elapsed, whole minutes ({source})"))
        if rules.basis == "planned":
            minutes = planned
            if explain:
                steps.append(Step("basis", measured, planned,
                                  "commissioned basis: a delivered visit is paid its planned minutes"))
        else:
            minutes = _actual(visit, carer, rules, measured, steps if explain else None, calendar)

    paid = max(minutes, rules.minimum_minutes)
    if explain:
        steps.append(Step("minimum", minutes, paid, f"at least {rules.minimum_minutes} min per visit and carer"))
    priced = _price(paid, rules, day, explain, _band_from(visit, carer, rules), calendar) if rules.rates.bands else None
    return _line(carer.worker_id, PAID, paid, rules, day, steps, explain, priced=priced)


def _pay_fixed_fee(visit: VisitFacts, carer: CarerFacts, fee: FixedFee, rules: RuleSet, day: DayKind,
                   steps: list, explain: bool) -> Line:
    """The fee for a delivered visit of its type, the same for every attending carer, whatever the minutes."""
    minutes = visit.planned_minutes if fee.minutes is None else fee.minutes
    if explain:
        measured = None if carer.check_out is None else _whole(carer.check_in, carer.check_out)
        length = "no check-out time" if measured is None else f"{measured} min measured"
        reported = "the planned" if fee.minutes is None else "the fee's"
        steps.append(Step("fixed_fee", measured or 0, minutes,
                          f"{visit.visit_type.replace('_', ' ')} visit: a fixed fee of {fee.amount_minor} (minor "
                          f"units) for each attending carer, whatever its length ({length}); no rounding, tolerance, "
                          f"cap, minimum, time bands or day enhancements; {reported} {minutes} min reported"))
    priced = (Decimal(1), fee.amount_minor, None)
    return _line(carer.worker_id, PAID, minutes, rules, day, steps, explain, priced=priced)


def _bill_time(carer: CarerFacts, calendar: PayCalendar, steps: list | None) -> CarerFacts:
    """The carer's facts measured on bill times; the clock times are only quoted."""
    if steps is not None:
        def clock(moment):
            return calendar.local(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else "none"

        steps.append(Step("bill_time", 0, 0, f"bill time {clock(carer.bill_start)} to {clock(carer.bill_end)} set by "
                                             f"visit maintenance ({carer.bill_reason}); clock times "
                                             f"{clock(carer.check_in)} to {clock(carer.check_out)} kept as recorded"))
    return replace(carer, check_in=carer.bill_start, check_out=carer.bill_end, arrival=None, manual=True)


def _worked(carer: CarerFacts, rules: RuleSet) -> int:
    """A carer's measured minutes, from arrival at the door when the rule set pays access time."""
    start = carer.check_in
    if rules.pay_access_time and carer.arrival is not None and carer.arrival < start:
        start = carer.arrival
    return _whole(start, carer.check_out)


def _booking_minutes(visit: VisitFacts, rules: RuleSet) -> tuple[int, int] | None:
    """(minutes each carer is paid, carers counted) for a double-up paid per booking, else None.

    The booking's figure comes from the carers whose times can be paid; a carer held or absent
    does not pull the average down.
    """
    if rules.double_up_pay == "each" or len(visit.carers) < 2:
        return None
    worked = [_worked(c, rules) for c in visit.carers if _blocked(visit, c, rules) is None and c.check_out is not None]
    if len(worked) < 2:
        return None
    if rules.double_up_pay == "planned":
        return visit.planned_minutes, len(worked)
    if rules.double_up_pay == "longer":
        return max(worked), len(worked)
    return sum(worked) // len(worked), len(worked)


def _double_up(visit: VisitFacts, rules: RuleSet, worked: int, steps: list | None) -> int:
    booking = _booking_minutes(visit, rules)
    if booking is None:
        return worked
    minutes, carers = booking
    if steps is not None:
        how = {"average": "the carers' average (whole minutes, rounded down)", "longer": "the longest carer's",
               "planned": "the planned"}[rules.double_up_pay]
        steps.append(Step("double_up", worked, minutes, f"double-up paid per booking: {how} {minutes} min for each "
                                                        f"of {carers} carers ({minutes * carers} min in all)"))
    return minutes


def _tolerance(planned: int, worked: int, rounded: int, rules: RuleSet, steps: list | None) -> int:
    """Planned minutes for a visit within the tolerance (fixed minutes, or a share of planned), else rounded."""
    threshold = planned - rules.tolerance_minutes
    percent = rules.tolerance_percent_of_planned
    by_minutes = worked >= threshold
    by_share = percent is not None and worked * 100 >= planned * percent
    tolerated = planned if (by_minutes or by_share) and rounded < planned else rounded
    if steps is None:
        return tolerated
    share = f" or {percent}% of planned" if percent is not None else ""
    if tolerated != rounded:
        which = (
            f"planned {planned} - tolerance {rules.tolerance_minutes}"
            if by_minutes
            else f"{percent}% of planned {planned}"
        )
        note = f"{worked} min is at least {which}: paid as planned"
    elif by_minutes or by_share:
        note = f"{rounded} min is not below planned {planned}"
    else:
        note = f"{worked} min is below planned {planned} - tolerance {rules.tolerance_minutes} = {threshold}{share}"
    steps.append(Step("tolerance", rounded, tolerated, note))
    return tolerated


def _cap(visit: VisitFacts, carer: CarerFacts, rules: RuleSet, tolerated: int, steps: list | None) -> int:
    """At most planned + cap, moved by the minutes a coordinator approved for this carer; no cap if approved
    outright."""
    planned, cap, extra = visit.planned_minutes, rules.cap_minutes_over_planned, carer.overrun_approved_minutes
    if cap is None or visit.overrun_approved:
        capped = tolerated
    else:
        capped = min(tolerated, planned + cap + extra)
    if steps is None:
        return capped
    if cap is None:
        note = "this rule set has no cap"
    elif visit.overrun_approved:
        note = f"overrun approved by a coordinator: not capped at planned {planned} + {cap}"
    elif extra:
        note = (f"at most planned {planned} + {cap} + {extra} approved by a coordinator for this carer "
                f"= {planned + cap + extra} min")
    else:
        note = f"at most planned {planned} + {cap} = {planned + cap} min without a coordinator's approval"
    steps.append(Step("cap", tolerated, capped, note))
    return capped


def _actual(visit: VisitFacts, carer: CarerFacts, rules: RuleSet, measured: int, steps: list | None,
            calendar: PayCalendar) -> int:
    """Access time, double-up, rounding, tolerance and cap on measured minutes; appends steps when explaining."""
    worked = _worked(carer, rules)
    if steps is not None:
        if not rules.pay_access_time:
            steps.append(Step("access_time", measured, worked, "access time (arrival to check-in) is not paid"))
        elif worked != measured or (carer.arrival is not None and carer.arrival < carer.check_in):
            arrived = calendar.local(carer.arrival).strftime("%H:%M:%S %Z")
            steps.append(Step("access_time", measured, worked, f"paid from arrival at the door at {arrived}"))
        else:
            steps.append(Step("access_time", measured, worked, "no arrival recorded before check-in"))
    if rules.double_up_pay != "each":
        worked = _double_up(visit, rules, worked, steps)
    rounded = _round(worked, rules.rounding_unit_minutes, rules.rounding_direction)
    if steps is not None:
        steps.append(Step("rounding", worked, rounded,
                          f"{rules.rounding_direction} to a multiple of {rules.rounding_unit_minutes} min"))
    tolerated = _tolerance(visit.planned_minutes, worked, rounded, rules, steps)
    return _cap(visit, carer, rules, tolerated, steps)


def reads_instants(rules: RuleSet) -> bool:
    """Whether an unexplained line under the rules depends on its instants themselves (time-of-day bands),
    not only on the planned start's local date and the differences and order of the facts' times."""
    return bool(rules.rates.bands)


def payable_for_visit(facts: VisitFacts, rules: RuleSet, calendar: PayCalendar, explain: bool = True) -> Payable:
    """Each carer's line for one visit; a visit with no carer has one not-delivered line."""
    carers = facts.carers or (CarerFacts(None, None, None),)
    lines = tuple(pay_carer(facts, carer, rules, calendar, explain) for carer in carers)
    return Payable(rules.name, facts.visit_id, facts.planned_start, lines)


def payable_for_activity(facts: ActivityFacts, rules: RuleSet, calendar: PayCalendar,
                         explain: bool = True) -> Line:
    """Non-contact work: its minutes at the rate for its local date, if the rule set pays its category."""
    day = calendar.day(facts.occurred_at)
    paid = facts.category in rules.paid_activity_categories
    minutes = facts.minutes if paid else 0
    steps = [Step("activity_category", facts.minutes, minutes,
                  f"{facts.category} is {'' if paid else 'not '}paid under {rules.name}")] if explain else []
    return _line(facts.worker_id, PAID if paid else NOT_PAID, minutes, rules, day, steps, explain)


@dataclass(frozen=True)
class Adjustment:
    """The period's correction to the sum of its visit lines: a top-up (+) or minutes over the total (-)."""

    kind: str
    minutes: int
    amount_pence: int
    note: str


@dataclass(frozen=True)
class PeriodPayable:
    """A settlement block's totals for one client: delivered lines plus the rule set's period adjustment."""

    rule_set: str
    commissioned_minutes: int
    contingency_minutes: int
    delivered_minutes: int
    delivered_pence: int
    held_lines: int
    adjustment: Adjustment
    minutes: int
    amount_pence: int
    steps: tuple[Step, ...]


class BlockTally:
    """One client's settlement block, fed paid lines in planned order; settle() gives the adjustment.

    Flex pays lines until the block's total (commissioned + contingency) is reached: a line that
    crosses it is paid up to the total at its own rate, later lines not at all. Guaranteed
    minimum tops the delivered minutes up to the guaranteed share at the base rate and, with
    cap_at_commissioned, cuts minutes past the commissioned total the way flex does. Raise to
    authorised tops a block whose delivered minutes reach the set share of the commissioned
    (authorised) minutes up to them, at the base rate. Feeding lines one at a time keeps an
    export's memory to one tally per client and block.
    """

    __slots__ = ("rules", "commissioned", "contingency", "lines", "held", "delivered", "delivered_pence",
                 "cut_minutes", "cut_pence")

    def __init__(self, rules: RuleSet, commissioned_minutes: int, contingency_minutes: int = 0):
        if rules.period is None:
            raise ValueError(f"{rules.name} has no period rule to settle")
        self.rules = rules
        self.commissioned = _whole_minutes(commissioned_minutes, "commissioned_minutes")
        self.contingency = _whole_minutes(contingency_minutes, "contingency_minutes")
        self.lines = self.held = self.delivered = self.delivered_pence = self.cut_minutes = self.cut_pence = 0

    @property
    def total(self) -> int:
        return self.commissioned + self.contingency

    @property
    def cuts(self) -> bool:
        """Whether minutes past the total are cut as they are added."""
        period = self.rules.period
        return period.kind == "flex" or period.cap_at_commissioned

    def add(self, line: Line) -> None:
        if line.held:
            self.held += 1
            return
        if line.outcome != PAID:
            return
        self.lines += 1
        before = self.delivered
        self.delivered += line.minutes
        self.delivered_pence += line.amount_pence
        if self.delivered > self.total and self.cuts:
            within = max(0, self.total - before)
            self.cut_minutes += line.minutes - within
            self.cut_pence += line.amount_pence - amount_pence(within, line.hourly_pence, line.multiplier)

    def settle(self) -> PeriodPayable:
        rules = self.rules
        kind = rules.period.kind
        if kind == "flex":
            adjustment = self._flex()
        elif kind == "raise_to_authorised":
            adjustment = self._raised()
        else:
            adjustment = self._guaranteed()
        steps = (
            Step("delivered", 0, self.delivered, f"{self.lines} paid lines, {self.delivered_pence}p; "
                                                 f"{self.held} held lines not counted until resolved"),
            Step(rules.period.kind, self.delivered, self.delivered + adjustment.minutes, adjustment.note),
        )
        return PeriodPayable(rules.name, self.commissioned, self.contingency, self.delivered, self.delivered_pence,
                             self.held, adjustment, self.delivered + adjustment.minutes,
                             self.delivered_pence + adjustment.amount_pence, steps)

    def _flex(self) -> Adjustment:
        if not self.cut_minutes:
            return Adjustment("none", 0, 0, f"delivered {self.delivered} min within commissioned {self.commissioned} "
                                            f"+ contingency {self.contingency} = {self.total}: all paid")
        return Adjustment("over_total", -self.cut_minutes, -self.cut_pence,
                          f"delivered {self.delivered} min exceeds commissioned {self.commissioned} + contingency "
                          f"{self.contingency} = {self.total}: the last {self.cut_minutes} min delivered in the block "
                          f"are not paid ({self.cut_pence}p at their own rates)")

    def _guaranteed(self) -> Adjustment:
        fraction = self.rules.period.guaranteed_fraction
        # "At least" the share: a part-minute guarantee is rounded up.
        guaranteed = int((Decimal(self.commissioned) * fraction).to_integral_value(rounding=ROUND_CEILING))
        top_up = max(0, guaranteed - self.delivered)
        hourly = self.rules.rates.hourly_pence
        pence = amount_pence(top_up, hourly)
        note = (f"guaranteed {fraction} x {self.commissioned} commissioned = {guaranteed} min (rounded up); delivered "
                f"{self.delivered}: top-up {top_up} min at the base {hourly}p/h = {pence}p")
        if self.contingency:
            note += "; contingency minutes apply only to flex rule sets"
        if self.cut_minutes:
            return Adjustment(
                "over_total",
                -self.cut_minutes,
                -self.cut_pence,
                note + f"; capped at the commissioned {self.commissioned} min: the last "
                f"{self.cut_minutes} min delivered are not paid ({self.cut_pence} at their own rates)",
            )
        return Adjustment("top_up" if top_up else "none", top_up, pence, note)

    def _raised(self) -> Adjustment:
        fraction = self.rules.period.authorised_fraction
        authorised = self.commissioned
        # The share is reached or not on exact figures: no rounding of the threshold.
        reached = self.delivered >= Decimal(authorised) * fraction
        top_up = max(0, authorised - self.delivered) if reached else 0
        hourly = self.rules.rates.hourly_pence
        pence = amount_pence(top_up, hourly)
        share = f"{fraction} x authorised {authorised} = {(Decimal(authorised) * fraction).normalize():f} min"
        if not reached:
            note = (
                f"delivered {self.delivered} min (each visit at most its scheduled time) is below {share}: not raised"
            )
        else:
            note = (f"delivered {self.delivered} min (each visit at most its scheduled time) reaches {share}: "
                    f"raised to the authorised {authorised} min, top-up {top_up} min at the base {hourly}/h = {pence}")
        if self.contingency:
            note += "; contingency minutes apply only to flex rule sets"
        return Adjustment("top_up" if top_up else "none", top_up, pence, note)


def payable_for_period(visit_payables: Iterable[Payable], commissioned_minutes: int, rules: RuleSet,
                       contingency_minutes: int = 0) -> PeriodPayable:
    """One client's settlement block under the rule set's period rule (guaranteed minimum or flex).

    Lines are taken in order of planned start (then as given), so under flex the minutes over
    the total are the latest ones. Held lines are not delivered until resolved.
    """
    tally = BlockTally(rules, commissioned_minutes, contingency_minutes)
    for payable in sorted(visit_payables, key=lambda payable: payable.planned_start):
        if payable.rule_set != rules.name:
            raise ValueError(f"visit {payable.visit_id} was computed under {payable.rule_set!r}, not {rules.name!r}")
        for line in payable.lines:
            tally.add(line)
    return tally.settle()
