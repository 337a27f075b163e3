"""Unit billing by service code: a pass over the engine's lines, in time order, turning minutes into billed units.

US payers (state Medicaid programmes with electronic visit verification) pay home care by service
code in units of time, e.g. 15 minutes, at a rate per unit, against what was authorised for the
client. The engine's minutes depend on one visit alone; units do not (leftover minutes carry on to
the carer's next visit, limits count across a day, authorisations across their dates), so billing
is a pass that keeps that state: feed it every line of a span in planned order, and it returns
each line billed. Pure: no database, facts in and units out.

For a paid line of a service code the rule set bills by units, in order:
  carry_in       minutes left over at the carer's previous visit of the same code, within the code's
                 carry-over span (the local day, ISO week or calendar month), added to the line's minutes
  units          whole units of the total; under eight_minute_rule a partial unit of more than half a
                 unit (8 of 15 minutes: the CMS 8-minute rule) bills one more unit; under complete_units
                 it does not; minutes no unit covers carry on (carry_over) or are dropped
  daily_limit    at most daily_unit_limit units per client, code and local day: units over it are
                 flagged over_daily_limit and not paid
  authorisation  units beyond the client's authorisation for the code and date are flagged
                 over_authorisation and not paid; where the code requires one and none covers the
                 date, no_authorisation, nothing paid
  rate           paid units x the unit rate; the line's payable minutes are paid units x unit minutes
A paid line whose visit has no service code the rule set bills is held (no_service_code) until a
coordinator sets one. Held, not-delivered and not-paid lines pass through and carry nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from server.payments.engine import HELD, NOT_PAID, PAID, Line, Step
from server.payments.rules import RuleSet, UnitRule

OVER_DAILY_LIMIT, OVER_AUTHORISATION, NO_AUTHORISATION = "over_daily_limit", "over_authorisation", "no_authorisation"
UNIT_FLAGS = (OVER_DAILY_LIMIT, OVER_AUTHORISATION, NO_AUTHORISATION)
NO_SERVICE_CODE = "no_service_code"


@dataclass(frozen=True, slots=True)
class Authorisation:
    """Units (or minutes, counted as whole units of the code) authorised for a client's code over local dates."""

    id: int | None
    client_id: int
    service_code: str
    first: date
    last: date
    units: int | None = None
    minutes: int | None = None

    def capacity(self, rule: UnitRule) -> int:
        return self.units if self.units is not None else self.minutes // rule.unit_minutes


@dataclass(frozen=True, slots=True)
class UnitBill:
    """A line after unit billing, with what the export shows beside it.

    used_minutes: minutes of this line and its carry that billed units covered (paid or flagged);
    dropped_minutes: leftover minutes not carried on. minutes + carried_in = used + dropped + carried_out.
    """

    line: Line
    service_code: str | None
    units: int | None = None
    unit_minutes: int | None = None
    carried_in: int = 0
    carried_out: int = 0
    used_minutes: int = 0
    dropped_minutes: int = 0
    flags: tuple[str, ...] = ()
    authorisation_id: int | None = None
    authorised_units: int | None = None
    remaining_units: int | None = None


def whole_units(minutes: int, rule: UnitRule) -> tuple[int, int]:
    """(units, minutes no unit covers) under the rule's rounding."""
    units, rest = divmod(minutes, rule.unit_minutes)
    if rule.unit_rounding == "eight_minute_rule" and 2 * rest > rule.unit_minutes:
        return units + 1, 0
    return units, rest


def span_of(day: date, carry_over: str):
    """The local span a carry-over lives in: a day, an ISO week or a calendar month."""
    if carry_over == "day":
        return day
    if carry_over == "week":
        return day.isocalendar()[:2]
    return day.year, day.month


class UnitBiller:
    """Bills lines of one rule set in planned order; keeps carries, daily counts and authorisation use."""

    def __init__(self, rules: RuleSet, authorisations=()):
        self.rules = rules
        self.carries: dict[tuple, tuple] = {}
        self.daily: dict[tuple, int] = {}
        self.used: dict[int, int] = {}
        self.authorisations: dict[tuple[int, str], list[Authorisation]] = {}
        for auth in sorted(authorisations, key=lambda a: (a.first, a.id or 0)):
            self.authorisations.setdefault((auth.client_id, auth.service_code), []).append(auth)

    def bill(self, line: Line, client_id: int, service_code: str | None, explain: bool = False) -> UnitBill:
        if line.outcome != PAID:
            return UnitBill(line, service_code)
        rule = self.rules.service_codes.get(service_code) if service_code else None
        if rule is None:
            note = (f"service code {service_code!r} is not billed under {self.rules.name}" if service_code
                    else "the visit has no service code") + ": held until a coordinator sets one"
            steps = (Step("service_code", line.minutes, 0, note),) if explain else ()
            return UnitBill(replace(line, outcome=HELD, minutes=0, amount_pence=0, held_reason=NO_SERVICE_CODE,
                                    steps=steps), service_code)
        day = line.day.local_date
        steps = [step for step in line.steps if step.rule != "rate"] if explain else None
        carried_in = self._carry_in(line.worker_id, rule, day)
        total = line.minutes + carried_in
        units, leftover = whole_units(total, rule)
        carried_out = leftover if rule.carry_over != "none" else 0
        self.carries[(line.worker_id, rule.code)] = (span_of(day, rule.carry_over), carried_out)
        within_day = self._within_daily_limit(client_id, rule, day, units)
        auth, paid, remaining = self._authorised(client_id, rule, day, within_day)
        flags = tuple(flag for flag, on in ((OVER_DAILY_LIMIT, within_day < units),
                                            (OVER_AUTHORISATION, auth is not None and paid < within_day),
                                            (NO_AUTHORISATION, auth is None and rule.authorisation_required))
                      if on)
        pence = paid * rule.unit_rate_pence
        if steps is not None:
            steps += _explained(rule, line.minutes, carried_in, units, leftover, carried_out, within_day, auth,
                                paid, remaining, pence)
        outcome = NOT_PAID if flags and not paid else PAID
        billed = replace(line, outcome=outcome, minutes=paid * rule.unit_minutes, amount_pence=pence,
                         steps=tuple(steps) if steps is not None else ())
        return UnitBill(billed, rule.code, paid, rule.unit_minutes, carried_in, carried_out,
                        min(total, units * rule.unit_minutes), leftover - carried_out, flags,
                        auth.id if auth else None, auth.capacity(rule) if auth else None, remaining)

    def _carry_in(self, worker_id, rule: UnitRule, day: date) -> int:
        span, minutes = self.carries.get((worker_id, rule.code), (None, 0))
        return minutes if span == span_of(day, rule.carry_over) else 0

    def _within_daily_limit(self, client_id: int, rule: UnitRule, day: date, units: int) -> int:
        if rule.daily_unit_limit is None:
            return units
        key = (client_id, rule.code, day)
        used = self.daily.get(key, 0)
        within = max(0, min(units, rule.daily_unit_limit - used))
        self.daily[key] = used + within
        return within

    def _authorised(self, client_id: int, rule: UnitRule, day: date, units: int):
        """(authorisation, units paid, units it has left) for the line's date; no authorisation pays all units
        unless the code requires one."""
        auth = next((a for a in self.authorisations.get((client_id, rule.code), ()) if a.first <= day <= a.last),
                    None)
        if auth is None:
            return None, 0 if rule.authorisation_required else units, None
        used = self.used.get(auth.id, 0)
        paid = max(0, min(units, auth.capacity(rule) - used))
        self.used[auth.id] = used + paid
        return auth, paid, auth.capacity(rule) - used - paid


def _explained(rule: UnitRule, minutes, carried_in, units, leftover, carried_out, within_day, auth, paid, remaining,
               pence) -> list[Step]:
    unit = rule.unit_minutes
    total = minutes + carried_in
    steps = [Step("carry_in", minutes, total,
                  f"{carried_in} min carried from the carer's previous {rule.code} visit this {rule.carry_over}"
                  if rule.carry_over != "none" else f"{rule.code} carries no minutes between visits")]
    if rule.unit_rounding == "eight_minute_rule":
        how = f"a part unit of more than {unit // 2} min bills a unit (8-minute rule)"
    else:
        how = "complete units only"
    kept = (f"{carried_out} min carried on" if carried_out
            else f"{leftover} min dropped" if leftover else "none left over")
    steps.append(Step("units", total, units * unit, f"{total} min = {units} x {unit}-min units ({how}); {kept}"))
    if rule.daily_unit_limit is not None:
        note = (f"{units - within_day} units over the limit of {rule.daily_unit_limit} a day: not paid"
                if within_day < units else f"within {rule.daily_unit_limit} units a day")
        steps.append(Step("daily_limit", units * unit, within_day * unit, note))
    if auth is not None:
        note = (f"authorisation {auth.id} ({auth.first}..{auth.last}): {paid} of {within_day} units within it, "
                f"{remaining} left")
        if paid < within_day:
            note += f"; {within_day - paid} beyond it, not paid"
    elif rule.authorisation_required:
        note = f"no authorisation for {rule.code} on this date: nothing paid"
    else:
        note = f"{rule.code} needs no authorisation"
    steps.append(Step("authorisation", within_day * unit, paid * unit, note))
    steps.append(Step("rate", paid * unit, paid * unit, f"{paid} units x {rule.unit_rate_pence} = {pence}"))
    return steps
