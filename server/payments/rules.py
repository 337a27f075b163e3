"""Payment rule sets: one TOML file per set in config/payment_rules/, checked in full when loaded.

A council's money depends on these files, so a file with anything wrong in it (an unknown
key, a value of the wrong type or out of range) is refused at load time with a message
naming the file, the key and the problem, rather than being half-applied.
Money values are never floats: rates are whole minor units of the council's currency (pence,
cents) and multipliers are decimal strings. `hourly_pence` is the older name of `hourly_minor`
and is still read, so existing files keep working.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.paths import shipped

DEFAULT_DIRECTORY = shipped("config") / "payment_rules"

BASES = ("actual", "planned")
ROUNDING_DIRECTIONS = ("up", "down", "nearest")
# hold: held until a coordinator enters the check-out time.
# planned_when_accepted: also paid (as planned minutes) once a coordinator accepts the record without one.
MISSING_CHECKOUT_POLICIES = ("hold", "planned_when_accepted")
PERIOD_KINDS = ("guaranteed_minimum", "flex", "raise_to_authorised")
# How a double-up is paid: each carer their own minutes, or one figure for the booking times the carers.
DOUBLE_UP_PAY = ("each", "average", "longer", "planned")
# Which moment picks a time-of-day rate band, or "minute" to price each minute in its own band.
BAND_BY = ("planned_start", "actual_start", "minute")
# What a frustrated visit (no access, client not home, refused) is paid.
FRUSTRATED_PAY = ("nothing", "planned", "fixed")
# The same categories as server.visits.models.ACTIVITY_CATEGORIES (a unit test keeps them equal).
ACTIVITY_CATEGORIES = (
    "liaising_health_social", "liaising_family", "care_planning", "review", "gaining_access",
)
# Rule-set names are stored on contracts (64 characters) and typed in URLs and exports.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# Keys that only mean something when minutes are measured, refused under basis = "planned".
ACTUAL_ONLY_KEYS = ("rounding_unit_minutes", "rounding_direction", "tolerance_minutes",
                    "tolerance_percent_of_planned", "cap_minutes_over_planned", "pay_access_time", "double_up_pay")
TOP_LEVEL_KEYS = ("description", "basis", "minimum_minutes", "missing_checkout", "paid_activity_categories",
                  *ACTUAL_ONLY_KEYS, "rates", "period", "frustrated", "service_codes",
                  "visit_maintenance", "fixed_fees", "model", "outcome_payments")
# What a contract pays for: each visit's minutes (the engine), or each care package's indicative weekly
# budget whatever the minutes (budgets.py); under "weekly_budget" visits are still monitored and exported.
MODELS = ("per_visit", "weekly_budget")
# [outcome_payments]: a top-slice of each period's payment held back and released against outcome measures
# (outcome_pay.py). The measure names are the ones server.outcomes.payment_facts counts.
OUTCOME_PAYMENT_KEYS = ("top_slice_percent", "measures")
OUTCOME_MEASURE_KEYS = ("name", "target_percent", "weight", "release")
OUTCOME_MEASURES = ("outcomes_held_or_improved", "reablement_on_time", "reviews_on_time")
# on_target: a measure's share is released in full when its result reaches the target, else withheld;
# pro_rata: released in proportion to result / target, in full at or above the target.
OUTCOME_RELEASES = ("on_target", "pro_rata")
# Unit billing per service code (US electronic visit verification payers); see units.py.
SERVICE_CODE_KEYS = ("description", "unit_minutes", "unit_rate_pence", "unit_rounding", "daily_unit_limit",
                     "carry_over", "authorisation_required")
# eight_minute_rule: a partial unit is billed once more than half of it was delivered (8 of 15 minutes, CMS).
# complete_units: only whole units are billed.
UNIT_ROUNDINGS = ("eight_minute_rule", "complete_units")
# Leftover minutes go on to the carer's next visit of the same code within this local span, or not at all.
CARRY_OVER_SPANS = ("none", "day", "week", "month")
MAINTENANCE_KEYS = ("window_days", "reason_codes")
# Service codes as payers write them: HCPCS codes with modifiers, e.g. "T1019" or "S5125-U1".
SERVICE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,31}$")
RATE_KEYS = ("hourly_minor", "hourly_pence", "weekend_multiplier", "bank_holiday_multiplier", "band_by", "bands")
BAND_KEYS = ("name", "from", "to", "multiplier")
PERIOD_KEYS = ("kind", "weeks", "anchor", "guaranteed_fraction", "cap_at_commissioned", "authorised_fraction")
FRUSTRATED_KEYS = ("pay", "fixed_minor", "reasons")
# [fixed_fees.<visit_type>]: a visit of that type is paid amount_minor per attending carer, whatever its length.
FIXED_FEE_KEYS = ("amount_minor", "minutes")
# The same as server.schemas.VISIT_TYPE_PATTERN (a unit test keeps them equal).
VISIT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
CLOCK_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the file, the key and the problem."""

    def __init__(self, path: Path | str, key: str | None, problem: str):
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{path}: key '{key}'" if key else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class RateBand:
    """A time-of-day band of the local clock, [start, end), wrapping past midnight when end <= start."""

    name: str
    start: time
    end: time
    multiplier: Decimal

    def holds(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


@dataclass(frozen=True)
class Rates:
    """Hourly rate in whole minor units, the enhancements for weekends and bank holidays, and time-of-day bands.

    Enhancements do not stack: a minute is paid at the higher of its day's and its band's multiplier.
    """

    hourly_pence: int
    weekend_multiplier: Decimal
    bank_holiday_multiplier: Decimal
    band_by: str = "planned_start"
    bands: tuple[RateBand, ...] = ()

    @property
    def hourly_minor(self) -> int:
        return self.hourly_pence

    def band_at(self, clock: time) -> RateBand | None:
        return next((band for band in self.bands if band.holds(clock)), None)


@dataclass(frozen=True)
class PeriodRule:
    """An adjustment over settlement blocks of `weeks` weeks on top of the per-visit lines.

    Blocks run back to back from `anchor` (a local date), before and after it.
    guaranteed_minimum: pay at least guaranteed_fraction of the commissioned minutes.
    flex: pay delivered minutes up to the commissioned minutes plus authorised contingency.
    raise_to_authorised: visits are capped at their scheduled minutes (cap_minutes_over_planned = 0);
    a block whose delivered minutes reach authorised_fraction of the commissioned (authorised)
    minutes is raised to them.
    cap_at_commissioned (guaranteed_minimum): minutes delivered past the commissioned total are not paid.
    """

    kind: str
    weeks: int
    anchor: date
    guaranteed_fraction: Decimal | None = None
    cap_at_commissioned: bool = False
    authorised_fraction: Decimal | None = None

    def block_of(self, day: date) -> tuple[date, date]:
        """First and last local date of the block holding a date."""
        length = 7 * self.weeks
        first = self.anchor + timedelta(days=(day - self.anchor).days // length * length)
        return first, first + timedelta(days=length - 1)


@dataclass(frozen=True)
class UnitRule:
    """How one service code is billed: units of unit_minutes at unit_rate_pence (the currency's minor unit)."""

    code: str
    unit_minutes: int
    unit_rate_pence: int
    unit_rounding: str
    carry_over: str = "none"
    daily_unit_limit: int | None = None
    authorisation_required: bool = False
    description: str = ""


@dataclass(frozen=True)
class MaintenanceRule:
    """Visit maintenance: bill times a coordinator may set, within window_days of the visit, for a listed reason."""

    window_days: int
    reason_codes: tuple[str, ...]


@dataclass(frozen=True)
class FrustratedRule:
    """What a visit the carer could not deliver (no access, not home, refused) is paid, given the evidence:
    the carer's arrival recorded inside the geofence and a missed-visit reason code in `reasons`."""

    pay: str
    reasons: frozenset[str]
    fixed_minor: int | None = None


@dataclass(frozen=True)
class FixedFee:
    """What a delivered visit of one type pays each attending carer: amount_minor, not a rate times minutes.

    minutes: the minutes the line reports as payable (for hours worked and period totals); None
    reports the visit's planned minutes.
    """

    visit_type: str
    amount_minor: int
    minutes: int | None = None


@dataclass(frozen=True)
class OutcomeMeasureRule:
    """One agreed outcome measure: its target (a percentage of cases) and its weight in the top-slice."""

    name: str
    target_percent: Decimal
    weight: int
    release: str = "on_target"


@dataclass(frozen=True)
class OutcomePaymentRule:
    """Payment by outcomes: top_slice_percent of a period's payment is retained, released per measure."""

    top_slice_percent: Decimal
    measures: tuple[OutcomeMeasureRule, ...]


@dataclass(frozen=True)
class RuleSet:
    """How a contract turns visit times into payable minutes and pence; see config/payment_rules/."""

    name: str
    basis: str
    minimum_minutes: int
    missing_checkout: str
    paid_activity_categories: frozenset[str]
    rates: Rates
    description: str = ""
    rounding_unit_minutes: int = 1
    rounding_direction: str = "down"
    tolerance_minutes: int = 0
    tolerance_percent_of_planned: int | None = None
    cap_minutes_over_planned: int | None = None
    pay_access_time: bool = False
    double_up_pay: str = "each"
    period: PeriodRule | None = None
    service_codes: dict[str, UnitRule] = field(default_factory=dict)
    visit_maintenance: MaintenanceRule | None = None
    frustrated: FrustratedRule | None = None
    fixed_fees: dict[str, FixedFee] = field(default_factory=dict)
    model: str = "per_visit"
    outcome_payments: OutcomePaymentRule | None = None


_REQUIRED = object()
_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a decimal number", str: "a string",
               list: "an array", dict: "a table", date: "a date"}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Table:
    """One TOML table being read: every key checked, every problem reported with its dotted name."""

    def __init__(self, path: Path, data: dict, allowed: tuple[str, ...], prefix: str = "", open_keys: bool = False):
        self.path, self.data, self.prefix = path, data, prefix
        for key in () if open_keys else data:
            if key not in allowed:
                self.fail(key, f"unknown key (allowed: {', '.join(allowed)})")

    def fail(self, key: str, problem: str):
        raise RuleSetError(self.path, self.prefix + key, problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def _typed(self, key: str, kind: type, default: Any, expected: str) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                self.fail(key, "missing (required)")
            return default
        value = self.data[key]
        # bool is a subclass of int in Python but not in TOML: true is not a number of minutes.
        if type(value) is not kind:
            self.fail(key, f"must be {expected}, got {_type_name(value)} {value!r}")
        return value

    def integer(self, key: str, minimum: int, default: Any = None) -> int:
        value = self._typed(key, int, default, "a whole number")
        if self.has(key) and value < minimum:
            problem = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            self.fail(key, f"{problem}, got {value}")
        return value

    def boolean(self, key: str, default: Any = None) -> bool:
        return self._typed(key, bool, default, "true or false")

    def day(self, key: str, default: Any = None) -> date:
        return self._typed(key, date, default, "a date written as YYYY-MM-DD, unquoted")

    def string(self, key: str, default: Any = None) -> str:
        return self._typed(key, str, default, "a string")

    def choice(self, key: str, choices: tuple[str, ...], default: Any = None) -> str:
        value = self.string(key, default)
        if value not in choices:
            self.fail(key, f"must be one of {', '.join(repr(c) for c in choices)}, got {value!r}")
        return value

    def decimal(self, key: str, low: Decimal, high: Decimal | None = None, low_open: bool = False,
                default: Any = None) -> Decimal | None:
        expected = 'a decimal number written as a string, e.g. "1.5" (never a float, for exact money)'
        text = self._typed(key, str, default, expected)
        if text is None:
            return None
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            self.fail(key, f"must be {expected}, got {text!r}")
        if not value.is_finite():
            self.fail(key, f"must be a finite number, got {text!r}")
        too_low = value <= low if low_open else value < low
        if too_low or (high is not None and value > high):
            bounds = (f"{'above' if low_open else 'at least'} {low}"
                      + (f" and at most {high}" if high is not None else ""))
            self.fail(key, f"must be {bounds}, got {text!r}")
        return value

    def percent(self, key: str, default: Any = None) -> Decimal:
        """A percentage 0 to 100, written as a whole number (5) or a decimal string ("2.5"), never a float."""
        value = self.data.get(key, default)
        if value is _REQUIRED:
            self.fail(key, "missing (required)")
        if type(value) is int:
            return self._in_percent_range(key, Decimal(value), value)
        if type(value) is not str:
            self.fail(key, f'must be a whole number or a decimal string such as "2.5", got {_type_name(value)} '
                           f"{value!r}")
        return self.decimal(key, Decimal(0), Decimal(100))

    def _in_percent_range(self, key: str, value: Decimal, written: Any) -> Decimal:
        if not Decimal(0) <= value <= Decimal(100):
            self.fail(key, f"must be at least 0 and at most 100, got {written!r}")
        return value

    def clock(self, key: str) -> time:
        text = self._typed(key, str, _REQUIRED, 'a local time written "HH:MM" in quotes')
        match = CLOCK_PATTERN.match(text)
        if match is None:
            self.fail(key, f'must be a local time "HH:MM" (00:00 to 23:59), got {text!r}')
        return time(int(match[1]), int(match[2]))

    def strings(self, key: str) -> frozenset[str]:
        values = self._typed(key, list, _REQUIRED, "an array of strings")
        if not values or any(type(value) is not str or not value for value in values):
            self.fail(key, "must be a non-empty array of non-empty strings")
        return frozenset(values)

    def tables(self, key: str, allowed: tuple[str, ...]) -> list[_Table]:
        values = self._typed(key, list, [], "an array of tables ([[...]])")
        if any(type(value) is not dict for value in values):
            self.fail(key, "must be an array of tables ([[...]])")
        return [_Table(self.path, value, allowed, f"{self.prefix}{key}[{i}].") for i, value in enumerate(values)]

    def categories(self, key: str) -> frozenset[str]:
        values = self._typed(key, list, _REQUIRED, "an array of category names")
        for value in values:
            if value not in ACTIVITY_CATEGORIES:
                self.fail(key, f"unknown category {value!r} (known: {', '.join(ACTIVITY_CATEGORIES)})")
        if len(set(values)) != len(values):
            self.fail(key, "lists a category more than once")
        return frozenset(values)

    def codes(self, key: str) -> tuple[str, ...]:
        """A required, non-empty array of distinct codes (letters, digits and : . _ -, at most 32 each)."""
        values = self._typed(key, list, _REQUIRED, "an array of codes")
        if not values:
            self.fail(key, "must list at least one code")
        for value in values:
            if type(value) is not str or not SERVICE_CODE_PATTERN.match(value):
                self.fail(key, f"each code is letters, digits and : . _ - (at most 32), got {value!r}")
        if len(set(values)) != len(values):
            self.fail(key, "lists a code more than once")
        return tuple(values)

    def table(self, key: str, allowed: tuple[str, ...], required: bool, open_keys: bool = False) -> _Table | None:
        """A sub-table; open_keys for one whose keys are names (service codes), each checked by the caller."""
        value = self._typed(key, dict, _REQUIRED if required else None, "a table")
        return None if value is None else _Table(self.path, value, allowed, f"{self.prefix}{key}.", open_keys)


def _band(table: _Table) -> RateBand:
    band = RateBand(table.string("name", _REQUIRED), table.clock("from"), table.clock("to"),
                    table.decimal("multiplier", Decimal(1), default=_REQUIRED))
    if band.start == band.end:
        table.fail("to", "must differ from 'from' (a band of no time, or of the whole day, is not a band)")
    return band


def _rates(table: _Table) -> Rates:
    if table.has("hourly_pence") and table.has("hourly_minor"):
        table.fail("hourly_pence", "is the older name of hourly_minor: give one of them, not both")
    hourly = "hourly_pence" if table.has("hourly_pence") else "hourly_minor"
    bands = tuple(_band(band) for band in table.tables("bands", BAND_KEYS))
    for i, band in enumerate(bands):
        for other in bands[:i]:
            if band.holds(other.start) or other.holds(band.start):
                table.fail(f"bands[{i}]", f"overlaps band {other.name!r}")
    band_by = table.choice("band_by", BAND_BY, "planned_start")
    if table.has("band_by") and not bands:
        table.fail("band_by", "applies only when bands are given")
    return Rates(
        hourly_pence=table.integer(hourly, 1, _REQUIRED),
        # An enhancement pays more, never less, than the weekday rate.
        weekend_multiplier=table.decimal("weekend_multiplier", Decimal(1), default=_REQUIRED),
        bank_holiday_multiplier=table.decimal("bank_holiday_multiplier", Decimal(1), default=_REQUIRED),
        band_by=band_by, bands=bands,
    )


def _frustrated(table: _Table) -> FrustratedRule:
    pay = table.choice("pay", FRUSTRATED_PAY, _REQUIRED)
    if pay == "fixed":
        fixed = table.integer("fixed_minor", 1, _REQUIRED)
    elif table.has("fixed_minor"):
        table.fail("fixed_minor", f'applies only when pay is "fixed", not {pay!r}')
    else:
        fixed = None
    return FrustratedRule(pay, table.strings("reasons"), fixed)


def _period(table: _Table) -> PeriodRule:
    kind = table.choice("kind", PERIOD_KINDS, _REQUIRED)
    weeks = table.integer("weeks", 1, _REQUIRED)
    anchor = table.day("anchor", _REQUIRED)
    only = {"guaranteed_fraction": "guaranteed_minimum", "cap_at_commissioned": "guaranteed_minimum",
            "authorised_fraction": "raise_to_authorised"}
    for key, owner in only.items():
        if table.has(key) and kind != owner:
            table.fail(key, f'applies only when kind is "{owner}", not {kind!r}')
    if kind == "guaranteed_minimum":
        fraction = table.decimal("guaranteed_fraction", Decimal(0), Decimal(1), low_open=True, default=_REQUIRED)
        return PeriodRule(kind, weeks, anchor, fraction, table.boolean("cap_at_commissioned", False))
    if kind == "raise_to_authorised":
        fraction = table.decimal("authorised_fraction", Decimal(0), Decimal(1), low_open=True, default=_REQUIRED)
        return PeriodRule(kind, weeks, anchor, authorised_fraction=fraction)
    return PeriodRule(kind, weeks, anchor)


def _unit_rule(code: str, table: _Table) -> UnitRule:
    return UnitRule(
        code=code,
        description=table.string("description", ""),
        unit_minutes=table.integer("unit_minutes", 1, _REQUIRED),
        unit_rate_pence=table.integer("unit_rate_pence", 0, _REQUIRED),
        unit_rounding=table.choice("unit_rounding", UNIT_ROUNDINGS, _REQUIRED),
        daily_unit_limit=table.integer("daily_unit_limit", 1, None),
        carry_over=table.choice("carry_over", CARRY_OVER_SPANS, "none"),
        authorisation_required=table.boolean("authorisation_required", False),
    )


def _service_codes(top: _Table) -> dict[str, UnitRule]:
    codes = top.table("service_codes", (), required=False, open_keys=True)
    if codes is None:
        return {}
    if top.has("period"):
        top.fail("service_codes", "unit billing cannot be combined with a [period] settlement rule")
    for code in codes.data:
        if not SERVICE_CODE_PATTERN.match(code):
            codes.fail(code, 'a service code is letters, digits and : . _ - (at most 32), e.g. "T1019"')
    return {code: _unit_rule(code, codes.table(code, SERVICE_CODE_KEYS, required=True)) for code in codes.data}


def _fixed_fees(top: _Table) -> dict[str, FixedFee]:
    fees = top.table("fixed_fees", (), required=False, open_keys=True)
    if fees is None:
        return {}
    if top.has("service_codes"):
        top.fail("fixed_fees", "a fixed fee cannot be combined with unit billing by [service_codes], which prices "
                               "every line by its units")
    period = top.data.get("period")
    if isinstance(period, dict) and (period.get("kind") == "flex" or period.get("cap_at_commissioned") is True):
        top.fail("fixed_fees", "a fixed fee cannot be combined with a [period] rule that cuts the minutes past the "
                               "commissioned total, which prices what it cuts by the hour")
    for visit_type in fees.data:
        if not VISIT_TYPE_PATTERN.match(visit_type):
            fees.fail(visit_type, 'a visit type is lower-case letters, digits and _ (at most 32), e.g. "sleep_in"')
    return {visit_type: _fixed_fee(visit_type, fees.table(visit_type, FIXED_FEE_KEYS, required=True))
            for visit_type in fees.data}


def _fixed_fee(visit_type: str, table: _Table) -> FixedFee:
    return FixedFee(visit_type, table.integer("amount_minor", 1, _REQUIRED), table.integer("minutes", 0, None))


def _outcome_payments(table: _Table) -> OutcomePaymentRule:
    top_slice = table.percent("top_slice_percent", _REQUIRED)
    measures = []
    for measure in table.tables("measures", OUTCOME_MEASURE_KEYS):
        measures.append(OutcomeMeasureRule(
            name=measure.choice("name", OUTCOME_MEASURES, _REQUIRED),
            target_percent=measure.percent("target_percent", _REQUIRED),
            weight=measure.integer("weight", 1, _REQUIRED),
            release=measure.choice("release", OUTCOME_RELEASES, "on_target"),
        ))
    if not measures:
        table.fail("measures", "list at least one measure ([[outcome_payments.measures]]) to release the "
                               "top-slice against")
    names = [m.name for m in measures]
    if len(set(names)) != len(names):
        table.fail("measures", "names a measure more than once")
    return OutcomePaymentRule(top_slice, tuple(measures))


def _model(top: _Table) -> str:
    model = top.choice("model", MODELS, "per_visit")
    if model == "weekly_budget":
        for key in ("period", "service_codes", "fixed_fees"):
            if top.has(key):
                top.fail(key, 'cannot be combined with model = "weekly_budget", which pays each package\'s '
                              "weekly budget whatever the minutes")
    return model


def _maintenance(table: _Table) -> MaintenanceRule:
    codes = table.codes("reason_codes")
    return MaintenanceRule(table.integer("window_days", 1, _REQUIRED), codes)


def _rule_set(name: str, top: _Table) -> RuleSet:
    basis = top.choice("basis", BASES, _REQUIRED)
    if basis == "planned":
        for key in ACTUAL_ONLY_KEYS:
            if top.has(key):
                top.fail(key, 'applies only when basis is "actual"; this rule set pays planned minutes')
    rates = top.table("rates", RATE_KEYS, required=True)
    period = top.table("period", PERIOD_KEYS, required=False)
    maintenance = top.table("visit_maintenance", MAINTENANCE_KEYS, required=False)
    frustrated = top.table("frustrated", FRUSTRATED_KEYS, required=False)
    outcome_payments = top.table("outcome_payments", OUTCOME_PAYMENT_KEYS, required=False)
    cap = top.integer("cap_minutes_over_planned", 0, None)
    if period is not None and period.data.get("kind") == "raise_to_authorised" and basis == "actual" and cap != 0:
        top.fail("cap_minutes_over_planned", 'must be 0 under period kind "raise_to_authorised": each visit is '
                                             "paid at most its scheduled minutes before the period is raised")
    percent = top.integer("tolerance_percent_of_planned", 1, None)
    if percent is not None and percent > 100:
        top.fail("tolerance_percent_of_planned", f"must be at most 100, got {percent}")
    return RuleSet(
        name=name,
        description=top.string("description", ""),
        basis=basis,
        minimum_minutes=top.integer("minimum_minutes", 0, _REQUIRED),
        missing_checkout=top.choice("missing_checkout", MISSING_CHECKOUT_POLICIES, _REQUIRED),
        paid_activity_categories=top.categories("paid_activity_categories"),
        rates=_rates(rates),
        rounding_unit_minutes=top.integer("rounding_unit_minutes", 1, 1),
        rounding_direction=top.choice("rounding_direction", ROUNDING_DIRECTIONS, "down"),
        tolerance_minutes=top.integer("tolerance_minutes", 0, 0),
        tolerance_percent_of_planned=percent,
        cap_minutes_over_planned=cap,
        pay_access_time=top.boolean("pay_access_time", False),
        double_up_pay=top.choice("double_up_pay", DOUBLE_UP_PAY, "each"),
        period=None if period is None else _period(period),
        service_codes=_service_codes(top),
        visit_maintenance=None if maintenance is None else _maintenance(maintenance),
        frustrated=None if frustrated is None else _frustrated(frustrated),
        fixed_fees=_fixed_fees(top),
        model=_model(top),
        outcome_payments=None if outcome_payments is None else _outcome_payments(outcome_payments),
    )


def load_rule_set(path: Path | str) -> RuleSet:
    """Read and check one rule-set file; its name is the file name without .toml."""
    path = Path(path)
    if not NAME_PATTERN.match(path.stem):
        raise RuleSetError(path, None, "file name must be lower-case letters, digits and hyphens (at most 64)")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise RuleSetError(path, None, f"cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(path, None, f"is not valid TOML: {exc}") from exc
    return _rule_set(path.stem, _Table(path, data, TOP_LEVEL_KEYS))


@lru_cache(maxsize=32)
def rule_set_named(name: str, directory: Path | str | None = None) -> RuleSet:
    """A contract's rule set by name, read once per process (restart to pick up an edited file)."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    if not NAME_PATTERN.match(name):
        raise RuleSetError(directory / f"{name}.toml", None, "no such payment rule set (bad name)")
    path = directory / f"{name}.toml"
    if not path.is_file():
        raise RuleSetError(path, None, "no such payment rule set")
    return load_rule_set(path)


def load_rule_sets(directory: Path | str | None = None) -> dict[str, RuleSet]:
    """Every *.toml rule set in a directory (config/payment_rules/ by default), by name."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    if not directory.is_dir():
        raise RuleSetError(directory, None, "is not a directory of payment rule sets")
    return {path.stem: load_rule_set(path) for path in sorted(directory.glob("*.toml"))}
