"""Council exports of payable time: one row per carer per visit, non-contact rows, settlements, adjustments.

Rows are produced by a generator, one contract after another, and written out as they come, so
memory stays flat however many rows a month holds: visits are read with yield_per (a server-side
cursor on PostgreSQL), the rule set, calendar and closed periods are loaded once per contract, and
every row is priced in the same pass with no query of its own; under a rule set without time
bands the engine prices each shape of row (facts.shape_of) once per local date. For CSV and JSON on
PostgreSQL, visit rows come as Blocks of text the query wrote (export_lines.py). The API writes them to a temporary
file (spooled) and sends it once complete, so an export that fails is an error answer, never a
download that stops part way and looks whole.

For each contract the period's local dates are walked in order:
  - dates inside a closed period replay that period's frozen rows exactly as they were exported;
  - open dates are computed live: visit rows in planned order, then non-contact rows, then a
    settlement row per client for each guaranteed/flex block whose last day falls in them;
  - if the export reaches past the contract's last closed period, adjustment rows follow: what
    changed in closed periods since they were closed (adjustments.py), as differences.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select, text

from server.care.service_codes import PackageCodes
from server.cells import FORMULA_START, cell, pounds
from server.directory.models import Client, Contract
from server.extensions import db
from server.payments import facts
from server.payments.adjustments import pending_adjustments
from server.payments.budget_facts import package_facts
from server.payments.budgets import budget_line
from server.payments.calendar import PayCalendar
from server.payments.engine import PAID, BlockTally, Line, Step, pay_carer, payable_for_activity, reads_instants
from server.payments.export_lines import Block, TextRows, line_keyed, reason_texts
from server.payments.models import PaymentPeriod, PaymentSnapshot, ServiceAuthorisation
from server.payments.rules import RuleSet, rule_set_named
from server.payments.units import UnitBill, UnitBiller
from server.timeutil import local_range_bounds

COLUMNS = (
    "row_kind", "contract_id", "contract_reference", "provider_id", "rule_set", "period_id", "date",
    "client_id", "client_reference", "visit_id", "worker_id", "worker_reference", "carer_position",
    "activity_id", "activity_category",
    "planned_start", "planned_end", "planned_minutes", "arrival", "check_in", "check_out", "actual_minutes",
    "visit_status", "check_in_location", "check_out_location", "check_in_method", "check_out_method", "manual_times",
    "overrun_approved",
    "flags", "reasons", "pay_decision", "outcome", "held_reason", "day_kind", "payable_minutes", "amount_pence", "amount",
    "service_code", "units", "unit_minutes", "carried_in_minutes", "carried_out_minutes", "authorisation_id",
    "authorised_units", "authorisation_remaining_units", "bill_start", "bill_end", "bill_reason",
    "block_from", "block_to", "adjusts_kind", "adjusts_period_id", "detail",
)
FORMATS = {
    "csv": ("text/csv", "csv"),
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
CHUNK_ROWS = 2000
MINUTE = timedelta(minutes=1)
_EMPTY = dict.fromkeys(COLUMNS)
# Free text typed by people (references): a leading =, +, -, @ would be a formula to a spreadsheet.
TEXT_COLUMNS = ("contract_reference", "client_reference", "worker_reference")
BOOL_COLUMNS = ("manual_times", "overrun_approved")
# Lists in JSON, ";"-separated in a sheet; reasons are typed by people, so neutralised as well.
LIST_COLUMNS = ("flags", "reasons")
TIME_COLUMNS = ("planned_start", "planned_end", "arrival", "check_in", "check_out", "bill_start", "bill_end")
DATE_COLUMNS = ("date", "block_from", "block_to")
_TEXT_AT = tuple(COLUMNS.index(c) for c in TEXT_COLUMNS)
_BOOL_AT = tuple(COLUMNS.index(c) for c in BOOL_COLUMNS)
_LIST_AT = tuple(COLUMNS.index(c) for c in LIST_COLUMNS)
_TIME_AT = tuple(COLUMNS.index(c) for c in TIME_COLUMNS)
_DATE_AT = tuple(COLUMNS.index(c) for c in DATE_COLUMNS)
_AMOUNT_AT = COLUMNS.index("amount")
CURRENCY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
_in_order = itemgetter(*COLUMNS)


@dataclass(frozen=True)
class Segment:
    first: date
    last: date
    period: PaymentPeriod | None = None


class ContractExport:
    """One contract's rows over local dates first..last; rules, calendar and closed periods loaded once."""

    def __init__(self, contract: Contract, first: date, last: date, *, calendars: dict | None = None,
                 chunk_rows: int = CHUNK_ROWS, rules: RuleSet | None = None, replay: bool = True,
                 encoding: str | None = None):
        """rules: price under another rule set than the contract's; replay=False: price every date live,
        closed periods included, with no adjustments (what-if repricing); encoding "csv" or "json": visit
        rows may come as text Blocks in that format (export_lines.py), where the database can write them."""
        self.contract, self.first, self.last, self.chunk_rows = contract, first, last, chunk_rows
        self.tz = contract.council.timezone
        self.rules: RuleSet = rules or rule_set_named(contract.payment_rule_set)
        calendars = {} if calendars is None else calendars
        if contract.council_id not in calendars:
            calendars[contract.council_id] = facts.council_calendar(contract.council)
        self.calendar: PayCalendar = calendars[contract.council_id]
        self.periods: list[PaymentPeriod] = list(db.session.scalars(
            select(PaymentPeriod).where(PaymentPeriod.contract_id == contract.id).order_by(PaymentPeriod.date_from)
        )) if replay else []
        self.package_codes = PackageCodes(Client.contract_id == contract.id) if self.rules.service_codes else None
        self.base = {"contract_id": contract.id, "contract_reference": contract.reference,
                     "provider_id": contract.provider_id, "rule_set": self.rules.name}
        # Lines by row shape (facts.shape_of) for the local date being priced: most rows of a day repeat a shape.
        self.reuse_lines = not reads_instants(self.rules)
        self.lines_day, self.lines_by_shape = None, {}
        self.text_rows = (TextRows(self, encoding) if encoding in ("csv", "json") and self.package_codes is None
                          and line_keyed(self.rules) and db.session.get_bind().dialect.name == "postgresql"
                          else None)

    def rows(self) -> Iterator[dict]:
        for segment in self.segments():
            if segment.period is not None:
                yield from self.replay(segment)
            else:
                yield from self.live(segment.first, segment.last)
        if self.periods and self.last > self.periods[-1].date_to:
            yield from pending_adjustments(self)

    def segments(self) -> list[Segment]:
        """The export's dates split into runs inside one closed period, and open runs between them."""
        segments, cursor = [], self.first
        for period in self.periods:
            if period.date_to < cursor or period.date_from > self.last:
                continue
            if period.date_from > cursor:
                segments.append(Segment(cursor, period.date_from - timedelta(days=1)))
            segments.append(Segment(max(cursor, period.date_from), min(self.last, period.date_to), period))
            cursor = period.date_to + timedelta(days=1)
        if cursor <= self.last:
            segments.append(Segment(cursor, self.last))
        return segments

    def period_of(self, day: date) -> PaymentPeriod | None:
        return next((p for p in self.periods if p.date_from <= day <= p.date_to), None)

    def replay(self, segment: Segment) -> Iterator[dict]:
        stmt = (select(PaymentSnapshot.row)
                .where(PaymentSnapshot.period_id == segment.period.id,
                       PaymentSnapshot.local_date >= segment.first, PaymentSnapshot.local_date <= segment.last)
                .order_by(PaymentSnapshot.seq)
                .execution_options(yield_per=self.chunk_rows))
        for (row,) in db.session.execute(stmt):
            yield {**_EMPTY, **row}  # rows frozen before a column was added have it empty

    def live(self, first: date, last: date) -> Iterator[dict | Block]:
        start, end = local_range_bounds(first, last, self.tz)
        if self.text_rows is not None:
            yield from self.text_rows.blocks(start, end)
        else:
            for row, line, bill in self.priced_visits(first, last):
                yield self.visit_row(row, line, bill)
        stmt = facts.activity_rows(self.contract.id, start, end)
        for row in self.streamed(stmt):
            yield self.activity_row(row)
        if self.rules.period is not None:
            for block in self.blocks_ending(first, last):
                yield from self.settlement_rows(*block)
        if self.rules.model == "weekly_budget":
            yield from self.budget_rows(first, last)

    def streamed(self, stmt):
        """A Core select's rows, chunk_rows at a time (a server-side cursor on PostgreSQL), with no ORM in the way."""
        return db.session.connection().execute(stmt.execution_options(yield_per=self.chunk_rows))

    def budget_rows(self, first: date, last: date) -> Iterator[dict]:
        """Under the weekly-budget model, each package in force over first..last is paid its budget for those days."""
        references = dict(db.session.execute(select(Client.id, Client.reference)
                                             .where(Client.contract_id == self.contract.id)).all())
        for package in package_facts(self.contract, first, last):
            line = budget_line(package, first, last, today=last)  # the row's amount does not depend on the day
            if not line.days:
                continue
            block_from = max(first, package.starts_on)
            yield {
                **_EMPTY, **self.base, "row_kind": "settlement", "date": last.isoformat(),
                "client_id": package.client_id, "client_reference": references.get(package.client_id),
                "planned_minutes": package.weekly_minutes, "outcome": PAID, "payable_minutes": 0,
                "amount_pence": line.budget_minor, "amount": pounds(line.budget_minor),
                "block_from": block_from.isoformat(), "block_to": min(last, package.ends_on or last).isoformat(),
                "detail": f"weekly_budget: package {package.package_id}, {line.explanation[0]}",
            }

    def price(self, row, explain: bool = False) -> Line:
        if explain or not self.reuse_lines:
            return self.priced_alone(row, explain)
        day = self.calendar.day(row.planned_start)
        if day is not self.lines_day:  # a shape is paid alike within one local date, so one date's lines are kept
            self.lines_day, self.lines_by_shape = day, {}
        shape = facts.shape_of(row)
        line = self.lines_by_shape.get(shape)
        if line is None:
            line = self.lines_by_shape[shape] = self.priced_alone(row, False)
        return line.for_worker(row.worker_id)

    def priced_alone(self, row, explain: bool) -> Line:
        return self.budgeted(pay_carer(facts.visit_of(row, self.contract), facts.carer_of(row), self.rules,
                                       self.calendar, explain))

    def budgeted(self, line: Line) -> Line:
        """Under the weekly-budget model a visit is monitored and measured but paid by its package's budget row."""
        if self.rules.model != "weekly_budget":
            return line
        step = Step("weekly_budget", line.minutes, line.minutes, "paid by the care package's weekly budget, "
                                                                 "not by the minute")
        return replace(line, amount_pence=0, steps=(*line.steps, step) if line.steps else ())

    def priced(self, rows: Iterable, explain: bool = False, visit_ids=None) -> Iterator[tuple[Any, Line]]:
        """Each visit row with its carer's line, explained when asked (for the visits in visit_ids, or all).
        Under double-ups paid per booking a carer's pay depends on the other carers', so a visit's rows
        (consecutive in visit_rows' order) are priced together."""
        def explained(row) -> bool:
            return explain and (visit_ids is None or row.visit_id in visit_ids)

        if self.rules.double_up_pay == "each":
            for row in rows:
                yield row, self.price(row, explained(row))
            return
        for _, group in groupby(rows, key=attrgetter("visit_id")):
            group = list(group)
            carers = tuple(facts.carer_of(row) for row in group)
            visit = replace(facts.visit_of(group[0], self.contract), carers=carers)
            for row, carer in zip(group, carers):
                yield row, self.budgeted(pay_carer(visit, carer, self.rules, self.calendar, explained(row)))

    def priced_visits(self, first: date, last: date, visit_ids=None, explain: bool = False) -> Iterator[tuple]:
        """(row, line, unit bill or None) for the visit rows over local dates first..last, in planned order.

        Under unit billing the biller is fed from where state carrying into `first` begins (the carry-over
        span, authorisations running on that date), so a line bills the same wherever an export starts.
        """
        opening = self.billing_opens(first) if self.package_codes else first
        start, end = local_range_bounds(opening, last, self.tz)
        stmt = facts.visit_rows(self.contract.id, start, end, visit_ids=None if self.package_codes else visit_ids)
        rows = self.streamed(stmt)
        if self.package_codes is None:
            for row, line in self.priced(rows, explain):
                yield row, line, None
            return
        biller = UnitBiller(self.rules, facts.authorisations(self.contract.id, opening, last))
        for row, line in self.priced(rows, explain, visit_ids):
            kept = visit_ids is None or row.visit_id in visit_ids
            day = line.day.local_date
            code = self.package_codes.code(row.client_id, row.service_code, day)
            bill = biller.bill(line, row.client_id, code, explain and kept)
            if day >= first and kept:
                yield row, bill.line, bill

    def billing_opens(self, first: date) -> date:
        """The earliest date whose lines bear on units billed on `first`."""
        opening = first
        for rule in self.rules.service_codes.values():
            if rule.carry_over == "week":
                opening = min(opening, first - timedelta(days=first.weekday()))
            elif rule.carry_over == "month":
                opening = min(opening, first.replace(day=1))
        running = db.session.scalar(select(func.min(ServiceAuthorisation.date_from)).where(
            ServiceAuthorisation.contract_id == self.contract.id, ServiceAuthorisation.date_from <= first,
            ServiceAuthorisation.date_to >= first))
        return min(opening, running) if running else opening

    def visit_row(self, row, line: Line, bill: UnitBill | None = None) -> dict:
        """The hot path of every export: one dict literal in column order, times converted once each."""
        local, base = self.calendar.local, self.base
        start = local(row.planned_start)
        arrival, check_in, check_out = row.arrived_at, row.checked_in_at, row.checked_out_at
        actual = (check_out - check_in) // MINUTE if check_in and check_out and check_out >= check_in else None
        return {
            "row_kind": "visit", "contract_id": base["contract_id"], "contract_reference": base["contract_reference"],
            "provider_id": base["provider_id"], "rule_set": base["rule_set"], "period_id": None,
            "date": start.date().isoformat(), "client_id": row.client_id, "client_reference": row.client_reference,
            "visit_id": row.visit_id, "worker_id": row.worker_id, "worker_reference": row.staff_ref,
            "carer_position": row.position, "activity_id": None, "activity_category": None,
            "planned_start": start.isoformat(),
            "planned_end": local(row.planned_start + row.planned_minutes * MINUTE).isoformat(),
            "planned_minutes": row.planned_minutes,
            "arrival": arrival and local(arrival).isoformat(),
            "check_in": check_in and local(check_in).isoformat(),
            "check_out": check_out and local(check_out).isoformat(),
            "actual_minutes": actual, "visit_status": row.status,
            "check_in_location": row.check_in_geofence, "check_out_location": row.check_out_geofence,
            "check_in_method": "manual" if row.manual else check_in and (row.check_in_method or "gps"),
            "check_out_method": "manual" if row.manual else check_out and (row.check_out_method or "gps"),
            "manual_times": bool(row.manual), "overrun_approved": bool(row.overrun_approved),
            "flags": list(row.flags or ()) + list(bill.flags if bill else ()), "reasons": reason_texts(row.reasons),
            "pay_decision": row.pay_decision,
            "outcome": line.outcome, "held_reason": line.held_reason, "day_kind": line.day.kind,
            "payable_minutes": line.minutes, "amount_pence": line.amount_pence, "amount": pounds(line.amount_pence),
            "service_code": bill and bill.service_code, "units": bill and bill.units,
            "unit_minutes": bill and bill.unit_minutes, "carried_in_minutes": bill and bill.carried_in,
            "carried_out_minutes": bill and bill.carried_out, "authorisation_id": bill and bill.authorisation_id,
            "authorised_units": bill and bill.authorised_units,
            "authorisation_remaining_units": bill and bill.remaining_units,
            "bill_start": row.bill_start and local(row.bill_start).isoformat(),
            "bill_end": row.bill_end and local(row.bill_end).isoformat(), "bill_reason": row.bill_reason,
            "block_from": None, "block_to": None, "adjusts_kind": None, "adjusts_period_id": None, "detail": None,
        }

    def activity_row(self, row) -> dict:
        line = payable_for_activity(facts.activity_of(row), self.rules, self.calendar, explain=False)
        return {
            **_EMPTY, **self.base, "row_kind": "non_contact", "date": line.day.local_date.isoformat(),
            "client_id": row.client_id, "client_reference": row.client_reference, "worker_id": row.worker_id,
            "worker_reference": row.staff_ref, "activity_id": row.activity_id, "activity_category": row.category,
            "actual_minutes": row.minutes, "outcome": line.outcome, "day_kind": line.day.kind,
            "payable_minutes": line.minutes, "amount_pence": line.amount_pence, "amount": pounds(line.amount_pence),
        }

    def blocks_ending(self, first: date, last: date) -> list[tuple[date, date]]:
        """Settlement blocks whose last day falls within first..last."""
        blocks, block = [], self.rules.period.block_of(first)
        while block[0] <= last:
            if first <= block[1] <= last:
                blocks.append(block)
            block = self.rules.period.block_of(block[1] + timedelta(days=1))
        return blocks

    def settle(self, block_first: date, block_last: date, client_id: int | None = None) -> dict[int, BlockTally]:
        """Each client's tally for a block, fed every carer line of the block's visits in planned order.

        A client with no commissioned or contingency minutes in the block has nothing agreed to
        settle against, so has no tally: their visits are paid as delivered.
        """
        commissioned = facts.commissioned_minutes(self.contract.id, block_first, block_last)
        contingency = facts.contingency_minutes(self.contract.id, block_first, block_last)
        tallies = {cid: BlockTally(self.rules, commissioned.get(cid, 0), contingency.get(cid, 0))
                   for cid in commissioned.keys() | contingency.keys()
                   if (client_id is None or cid == client_id) and commissioned.get(cid, 0) + contingency.get(cid, 0)}
        if tallies:
            start, end = local_range_bounds(block_first, block_last, self.tz)
            stmt = facts.visit_rows(self.contract.id, start, end, client_id=client_id)
            for row, line in self.priced(self.streamed(stmt)):
                tally = tallies.get(row.client_id)
                if tally is not None:
                    tally.add(line)
        return tallies

    def settlement_rows(self, block_first: date, block_last: date, client_id: int | None = None) -> Iterator[dict]:
        tallies = self.settle(block_first, block_last, client_id)
        settled = {cid: tally.settle() for cid, tally in tallies.items()}
        settled = {cid: s for cid, s in settled.items() if s.adjustment.minutes or s.adjustment.amount_pence}
        if not settled:
            return
        references = dict(db.session.execute(select(Client.id, Client.reference).where(Client.id.in_(settled))).all())
        for cid in sorted(settled):
            yield self.settlement_row(cid, references.get(cid), block_first, block_last, settled[cid])

    def settlement_row(self, client_id: int, reference: str | None, block_first: date, block_last: date,
                       settled) -> dict:
        adjustment = settled.adjustment
        return {
            **_EMPTY, **self.base, "row_kind": "settlement", "date": block_last.isoformat(),
            "client_id": client_id, "client_reference": reference, "planned_minutes": settled.commissioned_minutes,
            "actual_minutes": settled.delivered_minutes, "outcome": PAID, "held_reason": None,
            "payable_minutes": adjustment.minutes, "amount_pence": adjustment.amount_pence,
            "amount": pounds(adjustment.amount_pence), "block_from": block_first.isoformat(),
            "block_to": block_last.isoformat(), "detail": f"{adjustment.kind}: {adjustment.note}",
        }


def iter_export_rows(contracts: Iterable[Contract], date_from: date, date_to: date, **options) -> Iterator[dict]:
    """Every export row of the contracts over local dates date_from..date_to, streamed.

    Rows are plain dicts of JSON types keyed by COLUMNS. Needs an application context.
    """
    calendars: dict = {}
    without_jit()
    for contract in contracts:
        yield from ContractExport(contract, date_from, date_to, calendars=calendars, **options).rows()


def flagged(rows: Iterable[dict], flag: str) -> Iterator[dict]:
    """Only the visit rows carrying the flag (and adjustments to them); other kinds carry no flags."""
    return (row for row in rows if flag in (row.get("flags") or ()))


def without_jit() -> None:
    """PostgreSQL's JIT spends longer compiling an export's range scans than it saves; off for this transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


class Totals:
    """Counts and sums over the rows as they pass, by kind and by contract: the export's summary."""

    def __init__(self):
        self.rows = self.held_rows = self.payable_minutes = self.amount_pence = 0
        self.by_kind: dict[str, list[int]] = {}
        self.by_contract: dict[int, list] = {}
        self.by_method: dict[str, int] = {}

    def count(self, row: dict | Block) -> int:
        """Adds a row, or a Block of rows already written, to the totals; returns how many rows that was."""
        if type(row) is Block:
            self.add_block(row)
            return row.rows
        self.add(row)
        return 1

    def add_block(self, block: Block) -> None:
        self._add("visit", block.contract_id, block.contract_reference, block.rows, block.held_rows,
                  block.payable_minutes, block.amount_pence)
        for method, count in block.by_method.items():
            self.by_method[method] = self.by_method.get(method, 0) + count

    def add(self, row: dict) -> None:
        visit = row["row_kind"] == "visit"
        self._add(row["row_kind"], row["contract_id"], row["contract_reference"], 1,
                  visit and row["outcome"] == "held", row["payable_minutes"] or 0, row["amount_pence"] or 0)
        if visit and row["check_in_method"]:
            self.by_method[row["check_in_method"]] = self.by_method.get(row["check_in_method"], 0) + 1

    def _add(self, kind: str, contract_id: int, reference: str | None, rows: int, held: int, minutes: int,
             pence: int) -> None:
        self.rows += rows
        self.held_rows += held
        self.payable_minutes += minutes
        self.amount_pence += pence
        by_kind = self.by_kind.setdefault(kind, [0, 0, 0])
        by_kind[0] += rows
        by_kind[1] += minutes
        by_kind[2] += pence
        contract = self.by_contract.setdefault(contract_id, [reference, 0, 0, 0])
        contract[1] += rows
        contract[2] += minutes
        contract[3] += pence

    def as_dict(self) -> dict:
        return {
            "rows": self.rows, "held_rows": self.held_rows, "payable_minutes": self.payable_minutes,
            "amount_pence": self.amount_pence, "amount": pounds(self.amount_pence),
            "by_kind": {k: {"rows": r, "payable_minutes": m, "amount_pence": p} for k, (r, m, p) in self.by_kind.items()},
            "by_contract": [{"contract_id": cid, "contract_reference": ref, "rows": r, "payable_minutes": m,
                             "amount_pence": p} for cid, (ref, r, m, p) in self.by_contract.items()],
            "visits_by_method": dict(sorted(self.by_method.items())),
        }

    def total_line(self) -> dict:
        return {**_EMPTY, "row_kind": "total", "payable_minutes": self.payable_minutes,
                "amount_pence": self.amount_pence, "amount": pounds(self.amount_pence),
                "detail": f"{self.rows} rows, {self.held_rows} held"}


def cells(row: dict) -> list:
    """A row's values in column order, ready for a sheet: yes/no for booleans, lists ";"-separated,
    references and reasons neutralised.

    Only the columns people type into are neutralised; the generated ones stay as they are, so a
    negative amount such as "-12.05" is still a number to a spreadsheet.
    """
    values = list(_in_order(row))
    for i in _LIST_AT:  # a ";" inside an item would read as two items
        values[i] = ";".join(cell(str(v).replace(";", ",")) for v in values[i] or ())
    for i in _TEXT_AT:
        value = values[i]
        if value and value.startswith(FORMULA_START):
            values[i] = "'" + value
    for i in _BOOL_AT:
        if values[i] is not None:
            values[i] = "yes" if values[i] else "no"
    return values


def printable(value):
    """A workbook refuses control characters (openpyxl raises on them): each one stored in a text shows as \ufffd."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _counted(rows: Iterable[dict], totals: Totals) -> Iterator[dict]:
    for row in rows:
        totals.add(row)
        yield row


def csv_chunks(rows: Iterable[dict], totals: Totals, chunk_rows: int = 500) -> Iterator[str]:
    """The rows (and Blocks of rows already written) as CSV text in chunks, then a total line; formula-like
    cells are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    pending = 0
    for row in rows:
        pending += totals.count(row)
        if type(row) is Block:
            buffer.write(row.text)
        else:
            writer.writerow(cells(row))
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    writer.writerow(cells(totals.total_line()))
    yield buffer.getvalue()


def write_csv(rows: Iterable[dict], out) -> Totals:
    """Write the rows as CSV to a text file object; returns the totals."""
    totals = Totals()
    for chunk in csv_chunks(rows, totals):
        out.write(chunk)
    return totals


def json_chunks(rows: Iterable[dict], totals: Totals, header: dict, chunk_rows: int = 500) -> Iterator[bytes]:
    """{..header, "rows": [...], "totals": {...}} as UTF-8, written a chunk of rows at a time (orjson: the
    encoding is most of a JSON export's own work); Blocks of rows come already written."""
    head = orjson.dumps({**header, "columns": COLUMNS})[:-1]
    parts, sep, pending = [head + b',"rows":['], b"", 0
    for row in rows:
        pending += totals.count(row)
        parts.append(sep + (row.text.encode() if type(row) is Block else orjson.dumps(row)))
        sep = b","
        if pending >= chunk_rows:
            yield b"".join(parts)
            parts, pending = [], 0
    parts.append(b'],"totals":' + orjson.dumps(totals.as_dict()) + b"}")
    yield b"".join(parts)


# A spreadsheet sheet holds 1,048,576 rows; past that the rows go on in "Rows 2", "Rows 3", ...
SHEET_ROWS = 1_048_576 - 1


def typed(row: dict, sheet) -> list:
    """A row for a sheet with real types: times as local date-times, dates as dates, the amount as a number
    in pounds with a currency format, numbers as numbers."""
    values = cells(row)
    for i in _TIME_AT:
        if values[i]:  # local wall-clock time: a spreadsheet has no time zones
            values[i] = datetime.fromisoformat(values[i]).replace(tzinfo=None)
    for i in _DATE_AT:
        if values[i]:
            values[i] = date.fromisoformat(values[i])
    if row["amount_pence"] is not None:
        amount = WriteOnlyCell(sheet, Decimal(row["amount_pence"]) / 100)
        amount.number_format = CURRENCY_FORMAT
        values[_AMOUNT_AT] = amount
    return values


def _rows_sheet(workbook, title: str):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"  # before the first row: write-only sheets write their view first
    sheet.append(COLUMNS)
    return sheet


def _filter(sheet, rows: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"


def xlsx_chunks(rows: Iterable[dict], totals: Totals, header: dict, chunk_bytes: int = 1 << 16,
                sheet_rows: int = SHEET_ROWS) -> Iterator[bytes]:
    """A workbook with Rows sheets (each headed by the columns, frozen, with a filter) and a Totals sheet,
    in openpyxl's write-only mode.

    Write-only sheets stream their rows to a temporary file, so memory stays flat; the zip is
    assembled once the rows are done, then sent in chunks.
    """
    workbook = Workbook(write_only=True)
    sheet = None
    n = -1
    for n, row in enumerate(_counted(rows, totals)):
        if n % sheet_rows == 0:
            if sheet is not None:
                _filter(sheet, sheet_rows)
            sheet = _rows_sheet(workbook, "Rows" if n == 0 else f"Rows {n // sheet_rows + 1}")
        sheet.append([printable(value) for value in typed(row, sheet)])
    if sheet is None:
        sheet = _rows_sheet(workbook, "Rows")
    _filter(sheet, (n % sheet_rows) + 1 if n >= 0 else 0)
    summary = workbook.create_sheet("Totals")
    for key in ("date_from", "date_to", "provider_id", "contract_id"):
        summary.append([key, header.get(key)])
    result = totals.as_dict()
    for key in ("rows", "held_rows", "payable_minutes", "amount_pence"):
        summary.append([key, result[key]])
    amount = WriteOnlyCell(summary, Decimal(result["amount_pence"]) / 100)
    amount.number_format = CURRENCY_FORMAT
    summary.append(["amount", amount])
    summary.append([])
    summary.append(["row_kind", "rows", "payable_minutes", "amount_pence"])
    for kind, figures in result["by_kind"].items():
        summary.append([kind, figures["rows"], figures["payable_minutes"], figures["amount_pence"]])
    summary.append([])
    summary.append(["contract_id", "contract_reference", "rows", "payable_minutes", "amount_pence"])
    for line in result["by_contract"]:
        summary.append([line["contract_id"], printable(cell(line["contract_reference"])), line["rows"],
                        line["payable_minutes"], line["amount_pence"]])
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(chunk_bytes):
            yield chunk


def encoded(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def chunks_for(fmt: str, rows: Iterable[dict], totals: Totals, header: dict) -> Iterator[bytes]:
    if fmt == "csv":
        return encoded(csv_chunks(rows, totals))
    if fmt == "json":
        return json_chunks(rows, totals, header)
    return xlsx_chunks(rows, totals, header)


def spooled(chunks: Iterable[bytes]):
    """The chunks written to a temporary file, rewound: every byte made before the first is sent."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed open to the response, which closes it
    try:
        for chunk in chunks:
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def checksummed(chunks: Iterable[bytes], digest) -> Iterator[bytes]:
    """Pass chunks through, feeding each to a hashlib digest on the way."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
