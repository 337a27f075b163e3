"""An export's visit rows made on PostgreSQL as text: every column but pay formatted by the query, pay looked up.

A month's export is a million rows; made one Python dict at a time it runs at a fraction of the
speed PostgreSQL reads them. Here the query itself writes each row's columns as CSV cells or JSON
members (local times by to_char in the council's zone, the same text as datetime.isoformat), and adds
the few facts an unexplained line depends on: its pay key. Rows sharing a key are paid alike, so
the engine prices each key once, from facts rebuilt out of the key itself (key_facts), and the
row's pay columns are that key's text. The rows are read by COPY, so the database writes the next rows while
these are joined, and leave in blocks of text with their totals.

Used for rule sets whose lines depend on nothing else (line_keyed): no time-of-day bands (which
read instants), double-ups paid each carer alone, no unit billing. Other rule sets, other
databases and filtered exports take the row-by-row path in export.py; tests/payments
test_export_text.py holds both to the same bytes.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator

import orjson
from sqlalchemy import literal_column, select, text

from server.cells import cell, pounds
from server.extensions import db
from server.payments import facts
from server.payments.engine import HELD, CarerFacts, Line, VisitFacts, pay_carer, reads_instants
from server.payments.rules import RuleSet
from server.visits.models import VisitAssignment

MINUTE = timedelta(minutes=1)
NOON = time(12)
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
BLOCK_ROWS = 500
_NEEDS_QUOTES = frozenset(',"\r\n')


def line_keyed(rules: RuleSet) -> bool:
    """Whether an unexplained line under the rules is fixed by its pay key (see key_facts)."""
    return not reads_instants(rules) and rules.double_up_pay == "each" and not rules.service_codes


@dataclass
class Pay:
    """A key's line as text, with what it adds to totals."""

    text: str
    minutes: int
    pence: int
    held: bool


@dataclass
class Block:
    """Rows already written as text (CSV lines, or JSON objects joined by commas), and what they add to totals."""

    text: str
    contract_id: int
    contract_reference: str | None
    rows: int = 0
    held_rows: int = 0
    payable_minutes: int = 0
    amount_pence: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def count(self, pay: Pay, method: str | None) -> None:
        self.rows += 1
        self.held_rows += pay.held
        self.payable_minutes += pay.minutes
        self.amount_pence += pay.pence
        if method:
            self.by_method[method] = self.by_method.get(method, 0) + 1


def csv_field(value: str) -> str:
    """A cell as csv.writer (QUOTE_MINIMAL, \\r\\n lines) writes it."""
    if _NEEDS_QUOTES.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_cells(values) -> str:
    """Cells joined as csv.writer joins them in an export (its line end decides which cells are quoted)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()[:-2]


def reason_texts(reasons) -> list[str]:
    """A visit's reasons as short lines: "task Lunch: refused", "short: <note>", "missed: client_in_hospital [H1]"."""
    texts = []
    for r in reasons or ():
        head = f"task {r.get('task')}" if r["about"] == "task" else r["about"]
        code = r.get("code") or ""
        if r.get("external_code"):
            code += f" [{r['external_code']}]"
        texts.append(": ".join(part for part in (head, code, r.get("note")) if part))
    return texts


# SQL for one value: `x` is an expression of the visit_rows subquery `v`.
def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ordinary(x: str) -> str:
    """Whether to_char shows the instant as isoformat does, in the session's zone (set to the council's, see
    TextRows.blocks): from 1973 every zone's offset is whole minutes (the last with seconds, Monrovia's, ended
    in 1972), which TZH:TZM shows, and years stay short of 9999, past which Python shows UTC."""
    return f"({x} >= TIMESTAMPTZ '1973-01-01 00:00Z' AND {x} < TIMESTAMPTZ '9999-01-01 00:00Z')"


def _local(x: str, tz: str) -> str:
    """The instant on the council's wall clock (UTC where that would leave years 1..9999), as a timestamp."""
    wall = f"({x} AT TIME ZONE {tz})"
    return (f"CASE WHEN {wall} >= TIMESTAMP '0001-01-01' AND {wall} < TIMESTAMP '10000-01-01' "
            f"THEN {wall} ELSE ({x} AT TIME ZONE 'UTC') END")


def _local_date(x: str, tz: str) -> str:
    return f"CASE WHEN {_ordinary(x)} THEN to_char({x}, 'YYYY-MM-DD') ELSE to_char({_local(x, tz)}, 'YYYY-MM-DD') END"


def _iso(x: str, tz: str) -> str:
    """datetime.isoformat() of the local time: microseconds only when there are any, offset seconds likewise."""
    wall = _local(x, tz)
    offset = f"(extract(epoch FROM ({wall}) - ({x} AT TIME ZONE 'UTC'))::int)"
    exact = (f"(to_char({wall}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
             f"|| CASE WHEN date_trunc('second', {x}) = {x} THEN '' ELSE to_char({wall}, '.US') END "
             f"|| CASE WHEN {offset} < 0 THEN '-' ELSE '+' END "
             f"|| to_char(abs({offset}) / 3600, 'FM00') || ':' || to_char(abs({offset}) % 3600 / 60, 'FM00') "
             f"|| CASE WHEN {offset} % 60 = 0 THEN '' ELSE ':' || to_char(abs({offset}) % 60, 'FM00') END)")
    shown = (f"to_char({x}, CASE WHEN date_trunc('second', {x}) = {x} THEN 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM' "
             f"ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM' END)")
    return f"CASE WHEN {x} IS NULL THEN NULL WHEN {_ordinary(x)} THEN {shown} ELSE {exact} END"


def _minutes(start: str, end: str) -> str:
    """Whole minutes from start to end, floored, when end is not before start."""
    return f"CASE WHEN {end} >= {start} THEN floor(extract(epoch FROM {end} - {start}) / 60)::bigint END"


def _csv_number(x: str) -> str:
    return f"coalesce(({x})::text, '')"


def _json_number(x: str) -> str:
    return f"coalesce(({x})::text, 'null')"


def _csv_bool(x: str) -> str:
    return f"CASE WHEN {x} THEN 'yes' ELSE 'no' END"


def _json_bool(x: str) -> str:
    return f"CASE WHEN {x} THEN 'true' ELSE 'false' END"


def _methods() -> tuple[str, str]:
    check_in = ("CASE WHEN v.manual THEN 'manual' WHEN v.checked_in_at IS NOT NULL "
                "THEN coalesce(v.check_in_method, 'gps') END")
    check_out = ("CASE WHEN v.manual THEN 'manual' WHEN v.checked_out_at IS NOT NULL "
                 "THEN coalesce(v.check_out_method, 'gps') END")
    return check_in, check_out


# Columns the query passes as stored, for Python to write: text (cached per value, being few), lists, pay.
REFERENCE, TEXT, FLAGS, REASONS, PAY = "reference", "text", "flags", "reasons", "pay"


def _items(fmt: str, tz: str) -> list[tuple[str, str, str | None]]:
    """(column, kind, SQL) in COLUMNS order from "date": kind "sql" for a cell the query writes (with no SQL for
    one that is always empty), else one of the kinds above, whose SQL is the stored value."""
    number, boolean = (_csv_number, _csv_bool) if fmt == "csv" else (_json_number, _json_bool)
    quoted = ((lambda x: f"coalesce({x}, '')") if fmt == "csv"
              else (lambda x: f"coalesce('\"' || {x} || '\"', 'null')"))  # ISO text needs no escaping
    check_in, check_out = _methods()
    end = "v.planned_start + v.planned_minutes * interval '1 minute'"
    nothing = ("sql", None)
    return [
        ("date", "sql", quoted(_local_date("v.planned_start", tz))), ("client_id", "sql", number("v.client_id")),
        ("client_reference", REFERENCE, "v.client_reference"), ("visit_id", "sql", number("v.visit_id")),
        ("worker_id", "sql", number("v.worker_id")), ("worker_reference", REFERENCE, "v.staff_ref"),
        ("carer_position", "sql", number("v.position")), ("activity_id", *nothing), ("activity_category", *nothing),
        ("planned_start", "sql", quoted(_iso("v.planned_start", tz))),
        ("planned_end", "sql", quoted(_iso(f"({end})", tz))), ("planned_minutes", "sql", number("v.planned_minutes")),
        ("arrival", "sql", quoted(_iso("v.arrived_at", tz))), ("check_in", "sql", quoted(_iso("v.checked_in_at", tz))),
        ("check_out", "sql", quoted(_iso("v.checked_out_at", tz))),
        ("actual_minutes", "sql", number(_minutes("v.checked_in_at", "v.checked_out_at"))),
        ("visit_status", TEXT, "v.status"), ("check_in_location", TEXT, "v.check_in_geofence"),
        ("check_out_location", TEXT, "v.check_out_geofence"), ("check_in_method", TEXT, check_in),
        ("check_out_method", TEXT, check_out), ("manual_times", "sql", boolean("v.manual")),
        ("overrun_approved", "sql", boolean("v.overrun_approved")),
        ("flags", FLAGS, "CASE WHEN v.flags::text <> '[]' THEN v.flags::text END"),
        ("reasons", REASONS, "CASE WHEN v.reasons::text <> '[]' THEN v.reasons::text END"),
        ("pay_decision", TEXT, "v.pay_decision"), ("outcome", PAY, "NULL"),  # outcome to amount: the key's text
        *((name, *nothing) for name in ("service_code", "units", "unit_minutes", "carried_in_minutes",
                                        "carried_out_minutes", "authorisation_id", "authorised_units",
                                        "authorisation_remaining_units")),
        ("bill_start", "sql", quoted(_iso("v.bill_start", tz))), ("bill_end", "sql", quoted(_iso("v.bill_end", tz))),
        ("bill_reason", TEXT, "v.bill_reason"),
        *((name, *nothing) for name in ("block_from", "block_to", "adjusts_kind", "adjusts_period_id", "detail")),
    ]


def _layout(fmt: str, tz: str) -> tuple[list[str], tuple[str, ...]]:
    """The row's SQL columns, alternating text the query writes and a stored value; and the kinds of those values.

    Each run of cells is one format() call whose pattern holds the run's fixed text (commas, JSON names):
    format() looks up how to show its arguments once while they share a type (all text here), concat() once for
    each of them, and a chain of || copies the growing text at every step; measured, format() costs least."""
    columns, kinds, pattern, values = [], [], [], []
    for n, (name, kind, sql) in enumerate(_items(fmt, tz)):
        if fmt == "csv" or kind == PAY:  # the pay's text names its own members
            pattern.append("" if n == 0 else ",")
        else:
            pattern.append(("" if n == 0 else ",") + f'"{name}":')
        if kind == "sql" and sql is None:
            pattern.append("" if fmt == "csv" else "null")
            continue
        if kind == "sql":
            pattern.append("%s")
            values.append(sql)
            continue
        columns += [_format(pattern, values), sql]
        kinds.append(kind)
        pattern, values = [], []
    pattern.append("" if fmt == "csv" else "}")
    columns.append(_format(pattern, values))
    return columns, tuple(kinds)


def _format(pattern: list[str], values: list[str]) -> str:
    """SQL for the text of pattern's pieces, each "%s" one of the values in turn (the rest is fixed text)."""
    text = "".join(piece if piece == "%s" else piece.replace("%", "%%") for piece in pattern)
    return f"format({_sql_string(text)}, {', '.join(values)})" if values else _sql_string(text)


def _key(rules: RuleSet, tz: str) -> list[str]:
    """What an unexplained line reads, instants reduced to whole minutes between them (see key_facts)."""
    billed = "(v.bill_start IS NOT NULL AND v.bill_end IS NOT NULL)"
    start = f"CASE WHEN {billed} THEN v.bill_start ELSE v.checked_in_at END"
    end = f"CASE WHEN {billed} THEN v.bill_end ELSE v.checked_out_at END"
    arrival = f"CASE WHEN {billed} THEN NULL ELSE v.arrived_at END"
    access = (f"CASE WHEN {arrival} < {start} THEN {_minutes(arrival, end)} END" if rules.pay_access_time
              else "NULL::bigint")
    return [  # the local date comes first, from the row's own first cell (TextRows.blocks)
        "v.planned_minutes", "v.status",
        "coalesce(v.overrun_approved, false)", "v.flags::text", "v.pay_decision", "v.pay_decision_note",
        "CASE WHEN v.status = 'missed' THEN v.reasons::text END", "v.visit_type", "v.open_hold",
        "coalesce(v.accepted, false)", "coalesce(v.overrun_approved_minutes, 0)",
        "coalesce(v.arrival_geofence = 'verified', false)", f"(coalesce(v.manual, false) OR {billed})",
        # a visit's own minutes matter only to a short flag (facts.contract_holds)
        f"CASE WHEN v.flags::text <> '[]' THEN {_minutes('v.started_at', 'v.ended_at')} END",
        f"({start}) IS NULL", f"({end}) IS NULL", _minutes(start, end), access,
    ]


def visit_text_rows(contract_id: int, start: datetime, end: datetime, rules: RuleSet, timezone: str, fmt: str):
    """The query: the row's columns (_layout), all text, then the pay key as one JSON array (_key)."""
    tz = _sql_string(timezone)
    inner = facts.visit_rows(contract_id, start, end).add_columns(VisitAssignment.id.label("assignment_id"))
    columns = [*_layout(fmt, tz)[0], f"json_build_array({', '.join(_key(rules, tz))})::text"]
    return (select(*(literal_column(c) for c in columns)).select_from(inner.subquery("v"))
            .order_by(literal_column("v.planned_start"), literal_column("v.visit_id"),
                      literal_column("v.position"), literal_column("v.assignment_id")))


def key_facts(key: tuple, flags, tz, contract) -> tuple[VisitFacts, CarerFacts]:
    """Facts that any row of the key would give the engine: the visit at noon on its local date, the carer's
    times as far apart from the earliest instant on as the key says (rows hold times from year 1 to 9999).
    Unexplained, the engine reads no instant itself (line_keyed), only the date and these differences."""
    (day, planned, status, overrun_approved, _, decision, note, missed_reasons, visit_type, open_hold, accepted,
     approved_minutes, arrival_verified, manual, visit_minutes, no_start, no_end, measured, access) = key
    flags = tuple(flags or ())
    anchor = datetime.combine(date.fromisoformat(day), NOON, tz)
    visit = VisitFacts(anchor, planned, (), status, overrun_approved, None, flags,
                       facts.holds_for(contract, flags, visit_minutes, planned), decision, note,
                       facts.missed_reason(status, json.loads(missed_reasons) if missed_reasons else None),
                       visit_type)
    arrival = None if access is None else EARLIEST
    if measured is None:  # a time missing, or the check-out before the check-in
        check_in, check_out = (None if no_start else EARLIEST + MINUTE), (None if no_end else EARLIEST)
    else:
        check_out = EARLIEST + (access or measured) * MINUTE
        check_in = check_out - measured * MINUTE
    carer = CarerFacts(None, check_in, check_out, arrival, manual, open_hold, accepted, approved_minutes,
                       arrival_verified)
    return visit, carer


def _session_zone(zone: str) -> str:
    """Set this transaction's time zone; returns the one it had."""
    return db.session.execute(text("SELECT current_setting('TimeZone'), set_config('TimeZone', :zone, true)"),
                              {"zone": zone}).first()[0]


class _Cells(dict):
    """Stored values and how a row shows them, made once per value: references and codes repeat."""

    def __init__(self, show):
        super().__init__()
        self.show = show

    def __missing__(self, value):
        shown = self[value] = self.show(value)
        return shown


def _json_value(value) -> str:
    return orjson.dumps(value).decode()


def _copied(stmt, width: int) -> Iterator[tuple]:
    """The statement's rows of `width` text columns, by COPY: the database goes on writing rows while the last
    ones are formatted here (a cursor's fetch would leave it idle between batches)."""
    connection = db.session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    with connection.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT BINARY)", compiled.params) as copy:
            copy.set_types(["text"] * width)
            yield from copy.rows()


class TextRows:
    """One contract's visit rows over a range as text blocks, in the export's order."""

    def __init__(self, export, fmt: str):
        self.export, self.fmt = export, fmt
        base = export.base
        if fmt == "csv":
            self.prefix = csv_cells(["visit", base["contract_id"], cell(base["contract_reference"]),
                                     base["provider_id"], base["rule_set"]]) + ",,"
            self.reference = _Cells(lambda v: csv_field(cell(v))).__getitem__
            self.text = _Cells(lambda v: "" if v is None else csv_field(v)).__getitem__
            self.flags, self.reasons = _csv_list, lambda v: _csv_list(v, True)
            self.end = "\r\n"
        else:
            self.prefix = orjson.dumps({"row_kind": "visit", **base, "period_id": None}).decode()[:-1] + ","
            self.reference = self.text = _Cells(_json_value).__getitem__
            self.flags, self.reasons = _json_list, lambda v: _json_list(v, True)
            self.end = ""
        kinds = _layout(fmt, "'UTC'")[1]
        self.flags_at = 1 + 2 * kinds.index(FLAGS)  # in the row's columns
        self.method_at = 1 + 2 * [name for name, kind, _ in _items(fmt, "'UTC'") if kind != "sql"].index(
            "check_in_method")
        self.key_at = 2 * len(kinds) + 1
        self.date_in_text = slice(0, 10) if fmt == "csv" else slice(len('"date":"'), len('"date":"') + 10)
        self.zone = export.calendar.zone

    def blocks(self, start: datetime, end: datetime) -> Iterator[Block]:
        export, fmt = self.export, self.fmt
        stmt = visit_text_rows(export.contract.id, start, end, export.rules, export.tz, fmt)
        csv_format = fmt == "csv"
        pays: dict[str, Pay] = {}
        day = None
        lines: list[str] = []
        block = self._block()
        # The query shows times on the council's clock with to_char, which reads the session's zone; this
        # transaction's zone is the council's until the rows are read (no other query reads times meanwhile).
        zone_before = _session_zone(export.tz)
        for row in _copied(stmt, self.key_at + 1):
            key = row[self.key_at]
            if row[0][self.date_in_text] != day:  # a key is paid alike within one local date: one date's keys are kept
                day, pays = row[0][self.date_in_text], {}
            pay = pays.get(key)
            if pay is None:
                pay = pays[key] = self._pay((day, *json.loads(key)), row[self.flags_at])
            lines.append(self._line(row, pay))
            block.count(pay, row[self.method_at])
            if block.rows == BLOCK_ROWS:
                block.text = "".join(lines) if csv_format else ",".join(lines)
                yield block
                lines, block = [], self._block()
        _session_zone(zone_before)
        if block.rows:
            block.text = "".join(lines) if csv_format else ",".join(lines)
            yield block

    def _line(self, row, pay: Pay) -> str:
        """The row's text: the query's runs of cells between the stored values, in _items' order."""
        (s0, client_reference, s1, worker_reference, s2, status, s3, in_location, s4, out_location, s5, in_method, s6,
         out_method, s7, flags, s8, reasons, s9, decision, s10, _, s11, bill_reason, s12) = row[:self.key_at]
        reference, shown = self.reference, self.text
        return (f"{self.prefix}{s0}{reference(client_reference)}{s1}{reference(worker_reference)}{s2}{shown(status)}"
                f"{s3}{shown(in_location)}{s4}{shown(out_location)}{s5}{shown(in_method)}{s6}{shown(out_method)}"
                f"{s7}{self.flags(flags)}{s8}{self.reasons(reasons)}{s9}{shown(decision)}{s10}{pay.text}"
                f"{s11}{shown(bill_reason)}{s12}{self.end}")

    def _block(self) -> Block:
        return Block("", self.export.base["contract_id"], self.export.base["contract_reference"])

    def _pay(self, key: tuple, flags) -> Pay:
        export = self.export
        visit, carer = key_facts(key, flags and json.loads(flags), self.zone, export.contract)
        line: Line = export.budgeted(pay_carer(visit, carer, export.rules, export.calendar, False))
        values = (line.outcome, line.held_reason, line.day.kind, line.minutes, line.amount_pence,
                  pounds(line.amount_pence))
        if self.fmt == "csv":
            text = csv_cells([cell(v) for v in values])
        else:
            names = ("outcome", "held_reason", "day_kind", "payable_minutes", "amount_pence", "amount")
            text = orjson.dumps(dict(zip(names, values))).decode()[1:-1]
        return Pay(text, line.minutes, line.amount_pence, line.outcome == HELD)


def _csv_list(values, reasons: bool = False) -> str:
    """Flags or reasons as export.cells writes a list: ";"-separated, each item neutralised."""
    if not values:
        return ""
    values = json.loads(values)
    items = reason_texts(values) if reasons else values
    return csv_field(";".join(cell(str(v).replace(";", ",")) for v in items))


def _json_list(values, reasons: bool = False) -> str:
    if not values:
        return "[]"
    values = json.loads(values)
    return orjson.dumps(reason_texts(values) if reasons else list(values)).decode()
