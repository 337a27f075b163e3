"""Invoices: parsing the provider's CSV, and each kind of difference the council is shown."""
from __future__ import annotations

from datetime import date

import pytest

from server.auth.tenancy import Identity
from server.db_types import utcnow
from server.extensions import db
from server.payments.reconciliation import InvoiceError, parse_invoice, reconcile, store_invoice
from tests.payments.db_helpers import activity, exception, setting, visit

WEEK = {"date_from": date(2026, 11, 23), "date_to": date(2026, 11, 29)}


def test_parse_accepts_iso_and_british_dates_pounds_and_a_bom():
    lines = parse_invoice("\ufeffvisit_id,client_reference,date,minutes,amount\n"
                          "12,,2026-11-23,30,12.50\n"
                          ",REF-1,24/11/2026,45,£18.75\n"
                          ",,,,\n".encode())
    assert [(x["visit_id"], x["client_reference"], x["service_date"], x["minutes"], x["amount_pence"]) for x in lines] \
        == [(12, None, date(2026, 11, 23), 30, 1250), (None, "REF-1", date(2026, 11, 24), 45, 1875)]


@pytest.mark.parametrize("body, message", [
    (b"", "empty"),
    (b"visit,date,minutes,amount\n1,2026-11-23,30,1\n", "unknown: visit"),
    (b"client_reference,date,minutes\nA,2026-11-23,30\n", "missing: amount"),
    (b"visit_id,date,minutes,amount\n", "no lines"),
    (b"visit_id,date,minutes,amount\n,2026-11-23,30,12.50\n", "line 2: give a visit_id or a client_reference"),
    (b"visit_id,date,minutes,amount\nabc,2026-11-23,30,12.50\n", "line 2: visit_id"),
    (b"visit_id,date,minutes,amount\n1,23-11-2026,30,12.50\n", "line 2: date must be"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,-30,12.50\n", "line 2: minutes"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30.5,12.50\n", "line 2: minutes"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30,12.505\n", "more than two decimal places"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30,-1\n", "not negative"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30,NaN\n", "amount must be pounds"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30,1,extra\n", "more cells than columns"),
    (b"visit_id,date,minutes,amount\n1,2026-11-23,30,1\n\xff\n", "not UTF-8"),
])
def test_parse_refuses_bad_files_naming_the_line(body, message):
    with pytest.raises(InvoiceError) as caught:
        parse_invoice(body)
    assert any(message in m for m in caught.value.messages), caught.value.messages


def test_reconciliation_sorts_every_line_into_its_kind(app):
    s = setting()
    a, b, c = s.workers
    one, two = s.clients
    matched = visit(one, "2026-11-23 09:00", 30, (a, "2026-11-23 09:00", "2026-11-23 09:30"))           # 30, 1250
    longer = visit(one, "2026-11-24 09:00", 45, (a, "2026-11-24 09:00", "2026-11-24 09:45"))            # 45, 1875
    held = visit(one, "2026-11-25 09:00", 30, (a, "2026-11-25 09:00", None), status="in_progress")
    exception(held, "no_checkout", a)
    cancelled = visit(one, "2026-11-26 09:00", 30, (a, None, None), status="cancelled")
    forgotten = visit(one, "2026-11-27 09:00", 30, (a, "2026-11-27 09:00", "2026-11-27 09:30"), (b, "2026-11-27 09:00",
                                                                                               "2026-11-27 09:30"))
    visit(two, "2026-11-24 10:00", 30, (c, "2026-11-24 10:00", "2026-11-24 10:40"))                    # 40, 1667
    activity(two, c, s.coordinator, "liaising_health_social", 20, "2026-11-24 15:00")                  # 20, 833
    activity(two, c, s.coordinator, "review", 30, "2026-11-24 16:00")                                  # not paid
    activity(two, c, s.coordinator, "gaining_access", 12, "2026-11-28 15:00")                          # 12, 600
    db.session.commit()
    csv_text = ("visit_id,client_reference,date,minutes,amount,description\n"
                f"{matched.id},,2026-11-23,30,12.50,\n"
                f"{longer.id},,2026-11-24,60,25.00,overran\n"
                f"{held.id},,2026-11-25,30,12.50,\n"
                f"{cancelled.id},,2026-11-26,30,12.50,\n"
                "999999,,2026-11-26,30,12.50,\n"
                ",REF-AcmeClient2,24/11/2026,60,25.00,\n"
                ",REF-Nobody,2026-11-24,30,12.50,\n")
    ident = Identity(s.admin.id, "provider_admin", provider_id=s.provider.id)
    invoice = store_invoice(ident, s.contract, WEEK, csv_text.encode(), "week48.csv", utcnow())
    db.session.commit()
    assert (invoice.lines, invoice.minutes, invoice.amount_pence) == (7, 270, 11250)

    report = reconcile(invoice)
    assert [(e["match_on"], e["visit_id"], e["invoiced_minutes"], e["payable_minutes"]) for e in report["matched"]] == [
        ("visit", matched.id, 30, 30),
        ("client_day", None, 60, 60),  # client 2 on the 24th: a 40-minute visit and 20 minutes of paid liaison
    ]
    assert [(e["match_on"], e["visit_id"], e["client_reference"], e["difference_minutes"],
             e["difference_amount_pence"], e["differences"]) for e in report["mismatched"]] == [
        ("visit", longer.id, "REF-AcmeClient1", 15, 625, ["minutes", "amount"])]
    not_delivered = {(e["visit_id"], e["client_reference"]): e["reason"] for e in report["invoiced_not_delivered"]}
    assert not_delivered == {
        (held.id, None): "held until a coordinator resolves it (no_checkout)",
        (cancelled.id, None): "not delivered (visit cancelled)",
        (999999, None): "no visit with this id under this contract in the invoice's dates",
        (None, "REF-Nobody"): "nothing payable for this client reference on this date",
    }
    assert [(e["match_on"], e["visit_id"], e["payable_minutes"], e["payable_amount_pence"])
            for e in report["delivered_not_invoiced"]] == [
        ("visit", forgotten.id, 60, 2500), ("client_day", None, 12, 600)]
    summary = report["summary"]
    assert summary["payable"] == {
        "minutes": 30 + 45 + 60 + 40 + 20 + 12,
        "amount_pence": 1250 + 1875 + 2500 + 1667 + 833 + 600,
    }
    assert summary["invoiced_not_delivered"] == {"count": 4, "minutes": 120, "amount_pence": 5000}
    assert summary["delivered_not_invoiced"]["count"] == 2
    assert summary["mismatched"]["difference_amount_pence"] == 625
