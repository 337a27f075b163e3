"""Providers' invoices: reading the CSV, and reconciling it line by line against payable time.

An invoice line names a visit (visit_id) or a client's day (client_reference + date). Visit lines
are compared with that visit's payable minutes and pence (all carers together); client-day lines
with everything payable for that client that day that no visit line has claimed (visits and paid
non-contact work). The payable side is the council's own export of the invoice's contract and
dates (closed dates as frozen, open dates live), so the two always agree.
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Contract
from server.directory.tenancy import scope_contracts
from server.errors import ApiError, not_found
from server.extensions import db
from server.i18n import _
from server.payments.export import ContractExport
from server.payments.models import Invoice, InvoiceLine

COLUMNS = ("visit_id", "client_reference", "date", "minutes", "amount", "description")
REQUIRED = ("date", "minutes", "amount")
MAX_BYTES = 20 * 1024 * 1024
MAX_LINES = 200_000
MAX_ERRORS = 20


class InvoiceError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _date(text: str) -> date:
    """ISO 2026-11-23, or the British 23/11/2026."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("date must be YYYY-MM-DD or DD/MM/YYYY")


def _pence(text: str) -> int:
    """Pounds with at most two decimals ("12.50", "£12.5") as whole pence; never through float."""
    try:
        value = Decimal(text.removeprefix("£").replace(",", ""))
    except InvalidOperation:
        raise ValueError("amount must be pounds, e.g. 12.50") from None
    if not value.is_finite() or value < 0:
        raise ValueError("amount must be pounds, not negative, e.g. 12.50")
    pence = value * 100
    if pence != pence.to_integral_value():
        raise ValueError("amount has more than two decimal places")
    return int(pence)


def _line(number: int, raw: dict) -> dict:
    values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    if not values["visit_id"] and not values["client_reference"]:
        raise ValueError("give a visit_id or a client_reference")
    visit_id = None
    if values["visit_id"]:
        if not values["visit_id"].isdigit() or not 1 <= int(values["visit_id"]) < 2**63:
            raise ValueError("visit_id must be a visit number")
        visit_id = int(values["visit_id"])
    if len(values["client_reference"]) > 64:
        raise ValueError("client_reference is longer than 64 characters")
    if not values["minutes"].isdigit() or int(values["minutes"]) > 100_000:
        raise ValueError("minutes must be a whole number of minutes")
    return {
        "line_no": number, "visit_id": visit_id, "client_reference": values["client_reference"] or None,
        "service_date": _date(values["date"]), "minutes": int(values["minutes"]),
        "amount_pence": _pence(values["amount"]), "description": values["description"][:2000] or None,
    }


def parse_invoice(content: bytes) -> list[dict]:
    """The invoice's lines, or InvoiceError naming each bad line (line 1 is the header)."""
    if len(content) > MAX_BYTES:
        raise ApiError(413, "payload_too_large",
                       _("An invoice file may be at most %(mb)s MB", mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvoiceError(["the file is not UTF-8 text"]) from None
    if "\x00" in text:
        raise InvoiceError(["the file holds a NUL character (\\u0000), which no text may hold"])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if not header:
        raise InvoiceError(["the file is empty; the first line must name the columns"])
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing or not {"visit_id", "client_reference"} & set(header):
        raise InvoiceError([f"line 1: columns must be {', '.join(COLUMNS)} (date, minutes, amount and one of "
                            f"visit_id or client_reference required); unknown: {', '.join(unknown) or 'none'}, "
                            f"missing: {', '.join(missing) or 'none'}"])
    reader.fieldnames = header
    lines, errors = [], []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(f"line {number}: more cells than columns")
        elif not any((value or "").strip() for value in raw.values()):
            continue
        else:
            try:
                lines.append(_line(number, raw))
            except ValueError as exc:
                errors.append(f"line {number}: {exc}")
        if len(errors) >= MAX_ERRORS or len(lines) > MAX_LINES:
            break
    if len(lines) > MAX_LINES:
        errors.append(f"an invoice may have at most {MAX_LINES} lines")
    if not lines and not errors:
        errors.append("the invoice has no lines")
    if errors:
        raise InvoiceError(errors)
    return lines


def store_invoice(ident: Identity, contract: Contract, meta: dict, content: bytes, filename: str | None,
                  now: datetime) -> Invoice:
    """Check and keep an uploaded invoice; the caller commits. InvoiceError if any line is bad."""
    if filename and "\x00" in filename:
        raise InvoiceError(["the file's name holds a NUL character (\\u0000), which no text may hold"])
    lines = parse_invoice(content)
    invoice = Invoice(
        contract_id=contract.id, provider_id=contract.provider_id, reference=meta.get("reference"),
        date_from=meta["date_from"], date_to=meta["date_to"], filename=(filename or "")[:200] or None,
        checksum=hashlib.sha256(content).hexdigest(), lines=len(lines),
        minutes=sum(line["minutes"] for line in lines), amount_pence=sum(line["amount_pence"] for line in lines),
        uploaded_by=ident.user_id, uploaded_at=now,
    )
    db.session.add(invoice)
    db.session.flush()
    db.session.execute(InvoiceLine.__table__.insert(), [{**line, "invoice_id": invoice.id} for line in lines])
    record("payments.invoice_upload", "invoice", invoice.id, user_id=ident.user_id, now=now, contract_id=contract.id,
           date_from=invoice.date_from.isoformat(), date_to=invoice.date_to.isoformat(), lines=invoice.lines,
           minutes=invoice.minutes, amount_pence=invoice.amount_pence, sha256=invoice.checksum)
    return invoice


def get_invoice(ident: Identity, invoice_id: int) -> Invoice:
    invoice = db.session.scalar(select(Invoice).where(
        Invoice.id == invoice_id, Invoice.contract_id.in_(scope_contracts(select(Contract.id), ident))))
    if invoice is None:
        raise not_found(_("Invoice not found"))
    return invoice


def list_invoices(ident: Identity, contract_id: int | None) -> list[Invoice]:
    stmt = select(Invoice).where(Invoice.contract_id.in_(scope_contracts(select(Contract.id), ident)))
    if contract_id is not None:
        stmt = stmt.where(Invoice.contract_id == contract_id)
    return list(db.session.scalars(stmt.order_by(Invoice.uploaded_at.desc(), Invoice.id.desc())))


class _Payable:
    """Payable minutes and pence gathered from export rows, for one visit or one client-day."""

    __slots__ = ("minutes", "pence", "date", "client_reference", "outcomes", "held_reasons")

    def __init__(self, day: str, client_reference: str | None):
        self.minutes = self.pence = 0
        self.date, self.client_reference = day, client_reference
        self.outcomes: set[str] = set()
        self.held_reasons: set[str] = set()

    def add(self, row: dict) -> None:
        self.minutes += row["payable_minutes"]
        self.pence += row["amount_pence"]
        self.outcomes.add(row["outcome"])
        if row["held_reason"]:
            self.held_reasons.add(row["held_reason"])

    @property
    def payable(self) -> bool:
        return bool(self.minutes or self.pence)

    def why_not(self, visit_status: str | None) -> str:
        if self.held_reasons:
            return f"held until a coordinator resolves it ({', '.join(sorted(self.held_reasons))})"
        return f"not delivered (visit {visit_status})" if visit_status else "nothing payable"


def _entry(match_on: str, key: dict, invoiced: list[dict], payable: _Payable | None, reason: str | None = None) -> dict:
    inv_minutes = sum(line["minutes"] for line in invoiced)
    inv_pence = sum(line["amount_pence"] for line in invoiced)
    pay_minutes = payable.minutes if payable else 0
    pay_pence = payable.pence if payable else 0
    return {
        "match_on": match_on, **key, "invoice_lines": [line["line_no"] for line in invoiced],
        "invoiced_minutes": inv_minutes, "invoiced_amount_pence": inv_pence,
        "payable_minutes": pay_minutes, "payable_amount_pence": pay_pence,
        "difference_minutes": inv_minutes - pay_minutes, "difference_amount_pence": inv_pence - pay_pence,
        "differences": [], "reason": reason,
    }


PERIOD_LINE_FIELDS = ("row_kind", "date", "client_id", "client_reference", "visit_id", "worker_id",
                      "payable_minutes", "amount_pence", "detail")


class _Delivered:
    """The payable side of an invoice: the export rows of its contract and dates, grouped for matching."""

    def __init__(self, invoice: Invoice):
        self.visits: dict[int, _Payable] = {}
        self.statuses: dict[int, str] = {}
        self.activities: dict[tuple[str | None, str], list[dict]] = defaultdict(list)
        self.period_lines: list[dict] = []
        contract = db.session.get(Contract, invoice.contract_id)
        for row in ContractExport(contract, invoice.date_from, invoice.date_to).rows():
            self.add(row)

    def add(self, row: dict) -> None:
        kind = row["row_kind"]
        if kind == "visit":
            self.visits.setdefault(row["visit_id"], _Payable(row["date"], row["client_reference"])).add(row)
            self.statuses[row["visit_id"]] = row["visit_status"]
        elif kind == "non_contact":
            if row["payable_minutes"] or row["amount_pence"]:
                self.activities[(row["client_reference"], row["date"])].append(row)
        else:
            self.period_lines.append({k: row[k] for k in PERIOD_LINE_FIELDS})

    def unclaimed_by_day(self, claimed_visits: set[int]) -> dict[tuple[str | None, str], _Payable]:
        """What each client-day has payable besides the visits that invoice lines claimed by id."""
        days: dict[tuple[str | None, str], _Payable] = {}
        for visit_id, payable in self.visits.items():
            if payable.payable and visit_id not in claimed_visits:
                key = (payable.client_reference, payable.date)
                days.setdefault(key, _Payable(payable.date, payable.client_reference))
                days[key].minutes += payable.minutes
                days[key].pence += payable.pence
        for key, rows in self.activities.items():
            days.setdefault(key, _Payable(key[1], key[0]))
            for row in rows:
                days[key].add(row)
        return days

    def totals(self) -> tuple[int, int]:
        """All payable minutes and pence of visits and non-contact work (period lines apart)."""
        activity_rows = [row for rows in self.activities.values() for row in rows]
        return (sum(p.minutes for p in self.visits.values()) + sum(r["payable_minutes"] for r in activity_rows),
                sum(p.pence for p in self.visits.values()) + sum(r["amount_pence"] for r in activity_rows))


class _Findings:
    """Invoice lines compared with payable time: matched, mismatched, and invoiced but not delivered."""

    def __init__(self):
        self.matched: list[dict] = []
        self.mismatched: list[dict] = []
        self.not_delivered: list[dict] = []

    def compared(self, entry: dict, *differences: str) -> None:
        """File an entry by its differences: minutes and amount, then any others given."""
        money = [name for name, field in (("minutes", "difference_minutes"), ("amount", "difference_amount_pence"))
                 if entry[field]]
        entry["differences"] = [*money, *differences]
        (self.mismatched if entry["differences"] else self.matched).append(entry)


def _invoice_lines(invoice: Invoice) -> list[dict]:
    return [{"line_no": row.line_no, "visit_id": row.visit_id, "client_reference": row.client_reference,
             "date": row.service_date.isoformat(), "minutes": row.minutes, "amount_pence": row.amount_pence}
            for row in db.session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                        .order_by(InvoiceLine.line_no))]


def _match_visit_lines(by_visit: dict[int, list[dict]], delivered: _Delivered, findings: _Findings) -> set[int]:
    """Compare the lines naming a visit with its payable time; the visits they claimed."""
    claimed: set[int] = set()
    for visit_id, invoiced in sorted(by_visit.items()):
        payable = delivered.visits.get(visit_id)
        key = {"visit_id": visit_id, "client_reference": invoiced[0]["client_reference"], "date": invoiced[0]["date"]}
        if payable is None or not payable.payable:
            reason = payable.why_not(delivered.statuses.get(visit_id)) if payable else \
                "no visit with this id under this contract in the invoice's dates"
            findings.not_delivered.append(_entry("visit", key, invoiced, payable, reason))
            continue
        claimed.add(visit_id)
        entry = _entry("visit", {**key, "client_reference": payable.client_reference, "date": payable.date},
                       invoiced, payable)
        differs = {"date": any(line["date"] != payable.date for line in invoiced),
                   "client_reference": any(line["client_reference"] not in (None, payable.client_reference)
                                           for line in invoiced)}
        findings.compared(entry, *(name for name, differ in differs.items() if differ))
    return claimed


def _match_day_lines(by_day: dict[tuple[str, str], list[dict]], days: dict[tuple[str | None, str], _Payable],
                     findings: _Findings) -> set[tuple]:
    """Compare the lines naming a client's day with what that day has payable; the days they claimed."""
    claimed: set[tuple] = set()
    for (reference, day), invoiced in sorted(by_day.items()):
        payable = days.get((reference, day))
        key = {"visit_id": None, "client_reference": reference, "date": day}
        if payable is None or not payable.payable:
            findings.not_delivered.append(_entry("client_day", key, invoiced, None,
                                                 "nothing payable for this client reference on this date"))
            continue
        claimed.add((reference, day))
        findings.compared(_entry("client_day", key, invoiced, payable))
    return claimed


def _not_invoiced(delivered: _Delivered, claimed_visits: set[int], claimed_days: set[tuple]) -> list[dict]:
    """Payable visits and non-contact work that no invoice line claimed."""
    entries = []
    for visit_id, payable in sorted(delivered.visits.items()):
        day = (payable.client_reference, payable.date)
        if payable.payable and visit_id not in claimed_visits and day not in claimed_days:
            entries.append(_entry("visit", {"visit_id": visit_id, "client_reference": payable.client_reference,
                                            "date": payable.date}, [], payable, "delivered, not on the invoice"))
    for (reference, day), rows in sorted(delivered.activities.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        if (reference, day) not in claimed_days:
            payable = _Payable(day, reference)
            for row in rows:
                payable.add(row)
            entries.append(_entry("client_day", {"visit_id": None, "client_reference": reference, "date": day},
                                  [], payable, "paid non-contact work, not on the invoice"))
    return entries


def _total(entries: list[dict], side: str) -> dict:
    return {"count": len(entries), "minutes": sum(e[f"{side}_minutes"] for e in entries),
            "amount_pence": sum(e[f"{side}_amount_pence"] for e in entries)}


def _summary(invoice: Invoice, lines: int, delivered: _Delivered, findings: _Findings,
             not_invoiced: list[dict]) -> dict:
    payable_minutes, payable_pence = delivered.totals()
    period_lines = delivered.period_lines
    return {
        "invoiced": {"lines": lines, "minutes": invoice.minutes, "amount_pence": invoice.amount_pence},
        "payable": {"minutes": payable_minutes, "amount_pence": payable_pence},
        "difference": {"minutes": invoice.minutes - payable_minutes,
                       "amount_pence": invoice.amount_pence - payable_pence},
        "matched": _total(findings.matched, "invoiced"),
        "mismatched": {**_total(findings.mismatched, "invoiced"),
                       "difference_minutes": sum(e["difference_minutes"] for e in findings.mismatched),
                       "difference_amount_pence": sum(e["difference_amount_pence"] for e in findings.mismatched)},
        "invoiced_not_delivered": _total(findings.not_delivered, "invoiced"),
        "delivered_not_invoiced": _total(not_invoiced, "payable"),
        "period_lines": {"count": len(period_lines), "minutes": sum(line["payable_minutes"] for line in period_lines),
                         "amount_pence": sum(line["amount_pence"] for line in period_lines)},
    }


def reconcile(invoice: Invoice) -> dict:
    """The invoice's lines matched against the council's own export of its contract and dates.

    Lines naming a visit are matched first; lines naming a client's day then take what is left of that day.
    """
    delivered = _Delivered(invoice)
    lines = _invoice_lines(invoice)
    by_visit: dict[int, list[dict]] = defaultdict(list)
    by_day: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in lines:
        if line["visit_id"] is not None:
            by_visit[line["visit_id"]].append(line)
        else:
            by_day[(line["client_reference"], line["date"])].append(line)

    findings = _Findings()
    claimed_visits = _match_visit_lines(by_visit, delivered, findings)
    claimed_days = _match_day_lines(by_day, delivered.unclaimed_by_day(claimed_visits), findings)
    not_invoiced = _not_invoiced(delivered, claimed_visits, claimed_days)
    return {
        "invoice": invoice,
        "summary": _summary(invoice, len(lines), delivered, findings, not_invoiced),
        "matched": findings.matched,
        "mismatched": findings.mismatched,
        "invoiced_not_delivered": findings.not_delivered,
        "delivered_not_invoiced": not_invoiced,
        "period_lines": delivered.period_lines,
    }
