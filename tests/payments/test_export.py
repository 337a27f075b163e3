"""The export generator: rows, local times, verification flags, totals, formats, and flat memory."""
from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from server.extensions import db
from server.payments.export import COLUMNS, Totals, chunks_for, iter_export_rows, xlsx_chunks
from tests.payments.db_helpers import activity, exception, package, setting, visit
from tests.payments.engine_helpers import at

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def rows_of(*settings, first=WEEK[0], last=WEEK[1]) -> list[dict]:
    return list(iter_export_rows([s.contract for s in settings], first, last))


def test_one_row_per_carer_per_visit_with_local_times_flags_and_pay(app):
    s = setting()
    a, b, c = s.workers
    double = visit(s.clients[0], "2026-11-23 09:00", 30, (a, "2026-11-23 08:58", "2026-11-23 09:40"),
                   (b, "2026-11-23 09:05", "2026-11-23 09:20"))
    held = visit(s.clients[1], "2026-11-28 18:00", 30, (c, "2026-11-28 18:00", None), status="in_progress")
    exception(held, "no_checkout", c)
    visit(s.clients[1], "2026-11-24 08:00", 30, (c, None, None), status="cancelled")
    visit(s.clients[0], "2026-11-30 09:00", 30, (a, "2026-11-30 09:00", "2026-11-30 09:30"))  # next week
    db.session.commit()

    rows = rows_of(s)
    visits = [r for r in rows if r["row_kind"] == "visit"]
    assert [(r["visit_id"], r["worker_id"]) for r in visits] == [
        (double.id, a.id), (double.id, b.id), (visits[2]["visit_id"], c.id), (held.id, c.id)]
    first, second, cancelled, held_row = visits
    assert set(first) == set(COLUMNS)
    assert first["planned_start"] == "2026-11-23T09:00:00+00:00" and first["planned_end"] == "2026-11-23T09:30:00+00:00"
    assert first["check_in"] == "2026-11-23T08:58:00+00:00" and first["actual_minutes"] == 42
    assert (first["payable_minutes"], first["amount_pence"], first["amount"]) == (42, 1750, "17.50")
    assert (first["worker_reference"], first["carer_position"], first["client_reference"]) == (
        "AC1",
        1,
        "REF-AcmeClient1",
    )
    assert (first["check_in_location"], first["manual_times"], first["outcome"]) == ("verified", False, "paid")
    assert (second["actual_minutes"], second["payable_minutes"]) == (15, 30)  # the minimum, paid separately
    assert (cancelled["outcome"], cancelled["payable_minutes"]) == ("not_delivered", 0)
    assert (held_row["outcome"], held_row["held_reason"], held_row["day_kind"], held_row["payable_minutes"]) == \
        ("held", "no_checkout", "weekend", 0)
    assert all(r["contract_reference"] == "C-Acme" and r["rule_set"] == "actual-by-minute" for r in rows)


def test_rows_say_how_presence_was_shown_and_totals_count_visits_by_method(app):
    s = setting()
    a, b, c = s.workers
    by_qr = visit(s.clients[0], "2026-11-23 09:00", 30, (a, "2026-11-23 09:00", "2026-11-23 09:30"),
                  (b, "2026-11-23 09:00", "2026-11-23 09:30"))
    by_qr.assignments[0].check_in_method, by_qr.assignments[0].check_out_method = "qr", "code"
    by_text = visit(s.clients[1], "2026-11-24 09:00", 30, (c, "2026-11-24 09:00", "2026-11-24 09:30"),
                    flags=["tag_invalid"])
    by_text.assignments[0].check_in_method, by_text.assignments[0].check_in_geofence = "sms", "invalid"
    by_text.assignments[0].check_out_method = "sms"
    manual = visit(s.clients[1], "2026-11-25 09:00", 30, (c, "2026-11-25 09:00", "2026-11-25 09:30"))
    manual.assignments[0].manual = True
    visit(s.clients[1], "2026-11-26 09:00", 30, (c, None, None), status="missed")
    db.session.commit()

    totals = Totals()
    rows = [r for r in rows_of(s) if r["row_kind"] == "visit"]
    for row in rows:
        totals.add(row)
    # Rows from before methods were kept (method unset) are gps; a coordinator's times are manual.
    assert [(r["check_in_method"], r["check_out_method"], r["check_in_location"]) for r in rows] == [
        ("qr", "code", "verified"), ("gps", "gps", "verified"), ("sms", "sms", "invalid"),
        ("manual", "manual", "verified"), (None, None, None)]
    assert (rows[2]["outcome"], rows[2]["held_reason"]) == ("held", "tag_invalid")
    assert totals.as_dict()["visits_by_method"] == {"gps": 1, "manual": 1, "qr": 1, "sms": 1}


def test_local_times_follow_british_summer_time(app):
    s = setting()
    visit(s.clients[0], "2026-10-25 00:30", 120, (s.workers[0], "2026-10-25 00:30", "2026-10-25 01:30+00:00"))
    db.session.commit()
    (row,) = rows_of(s, first=date(2026, 10, 25), last=date(2026, 10, 25))
    assert (row["planned_start"], row["check_out"]) == ("2026-10-25T00:30:00+01:00", "2026-10-25T01:30:00+00:00")
    assert (row["actual_minutes"], row["payable_minutes"], row["day_kind"]) == (120, 120, "weekend")
    # the local date decides the period, not the UTC one (23:30 UTC on the 24th)
    assert rows_of(s, first=date(2026, 10, 24), last=date(2026, 10, 24)) == []


def test_non_contact_rows_paid_by_category(app):
    s = setting()
    activity(s.clients[0], s.workers[0], s.coordinator, "liaising_health_social", 20, "2026-11-24 14:00")
    activity(s.clients[0], s.workers[0], s.coordinator, "review", 45, "2026-11-25 14:00")  # not paid here
    activity(s.clients[0], s.workers[0], s.coordinator, "gaining_access", 10, "2026-12-25 10:00")
    db.session.commit()
    rows = rows_of(s, last=date(2026, 12, 31))
    assert [(r["row_kind"], r["activity_category"], r["outcome"], r["payable_minutes"], r["amount_pence"],
             r["day_kind"]) for r in rows] == [
        ("non_contact", "liaising_health_social", "paid", 20, 833, "weekday"),
        ("non_contact", "review", "not_paid", 0, 0, "weekday"),
        ("non_contact", "gaining_access", "paid", 10, 625, "bank_holiday"),
    ]


def test_several_contracts_and_totals(app):
    s, t = setting("Acme"), setting("Bolt", rule_set="commissioned")
    visit(s.clients[0], "2026-11-23 09:00", 30, (s.workers[0], "2026-11-23 09:00", "2026-11-23 09:20"))
    visit(t.clients[0], "2026-11-23 09:00", 60, (t.workers[0], "2026-11-23 09:00", "2026-11-23 09:20"))
    db.session.commit()
    totals = Totals()
    for row in rows_of(s, t):
        totals.add(row)
    result = totals.as_dict()
    assert (result["rows"], result["payable_minutes"], result["amount_pence"], result["amount"]) == (
        2,
        90,
        3750,
        "37.50",
    )
    assert [(c["contract_reference"], c["payable_minutes"]) for c in result["by_contract"]] == [
        ("C-Acme", 30),
        ("C-Bolt", 60),
    ]
    assert result["by_kind"] == {"visit": {"rows": 2, "payable_minutes": 90, "amount_pence": 3750}}


def test_guaranteed_block_settles_in_the_export_holding_its_last_day(app):
    s = setting(rule_set="guaranteed-85")
    package(s.clients[0], 420, date(2026, 1, 1))  # 1680 over the block 4 May - 31 May 2026; 85% = 1428
    for day in (5, 6, 7):
        visit(s.clients[0], f"2026-05-{day:02d} 09:00", 60, (s.workers[0], f"2026-05-{day:02d} 09:00",
                                                            f"2026-05-{day:02d} 10:00"))
    db.session.commit()
    # a May export (1-31 May) holds the last days of two blocks: 6 April - 3 May (nothing delivered:
    # all 1428 topped up) and 4-31 May, whose visits it sees in full
    rows = rows_of(s, first=date(2026, 5, 1), last=date(2026, 5, 31))
    settlements = [r for r in rows if r["row_kind"] == "settlement"]
    top_up = 1428 - 180
    assert [(r["client_id"], r["payable_minutes"], r["amount_pence"], r["block_from"], r["block_to"])
            for r in settlements] == [
        (s.clients[0].id, 1428, 59500, "2026-04-06", "2026-05-03"),
        (s.clients[0].id, top_up, (top_up * 2500 + 30) // 60, "2026-05-04", "2026-05-31")]
    assert settlements[1]["planned_minutes"] == 1680 and settlements[1]["actual_minutes"] == 180
    # an export that ends before a block's last day does not settle it
    early = rows_of(s, first=date(2026, 5, 1), last=date(2026, 5, 30))
    assert [r["block_to"] for r in early if r["row_kind"] == "settlement"] == ["2026-05-03"]
    # one that starts inside the block still counts the block's earlier visits
    late = [r for r in rows_of(s, first=date(2026, 5, 31), last=date(2026, 5, 31)) if r["row_kind"] == "settlement"]
    assert [r["payable_minutes"] for r in late] == [top_up]


def test_flex_block_with_contingency(app):
    from server.payments.models import ContingencyGrant

    s = setting(rule_set="flex-4-week")
    package(s.clients[0], 60, date(2026, 1, 1))  # 240 over 4 May - 31 May
    for day in (5, 12, 19):
        visit(s.clients[0], f"2026-05-{day:02d} 09:00", 100,
              (s.workers[0], f"2026-05-{day:02d} 09:00", f"2026-05-{day:02d} 10:40"))
    db.session.commit()
    (row,) = [r for r in rows_of(s, first=date(2026, 5, 4), last=date(2026, 5, 31)) if r["row_kind"] == "settlement"]
    assert (row["payable_minutes"], row["amount_pence"]) == (-60, -2500)  # 300 delivered, 240 allowed
    db.session.add(ContingencyGrant(contract_id=s.contract.id, client_id=s.clients[0].id, on_date=date(2026, 5, 20),
                                    minutes=30, reason="hospital discharge", granted_by=s.officer.id))
    db.session.commit()
    (row,) = [r for r in rows_of(s, first=date(2026, 5, 4), last=date(2026, 5, 31)) if r["row_kind"] == "settlement"]
    assert (row["payable_minutes"], row["amount_pence"]) == (-30, -1250)


def test_formats_carry_the_same_rows_and_totals(app):
    s = setting()
    visit(s.clients[0], "2026-11-23 09:00", 30, (s.workers[0], "2026-11-23 09:00", "2026-11-23 09:50"))
    s.clients[1].reference = "=HYPERLINK(\"http://evil\")"
    visit(s.clients[1], "2026-11-24 09:00", 30, (s.workers[1], "2026-11-24 09:00", "2026-11-24 09:30"))
    db.session.commit()
    header = {"date_from": "2026-11-23", "date_to": "2026-11-29", "provider_id": None, "contract_id": None}

    def produce(fmt):
        totals = Totals()
        body = b"".join(chunks_for(fmt, iter_export_rows([s.contract], *WEEK), totals, header))
        return body, totals

    body, totals = produce("csv")
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert tuple(lines[0]) == COLUMNS
    assert [line[0] for line in lines[1:]] == ["visit", "visit", "total"]
    assert lines[-1][COLUMNS.index("payable_minutes")] == "75" and lines[-1][COLUMNS.index("amount")] == "31.25"
    assert lines[2][COLUMNS.index("client_reference")].startswith("'=")  # a formula is neutralised
    assert totals.rows == 2

    body, _ = produce("json")
    data = json.loads(body)
    assert [r["payable_minutes"] for r in data["rows"]] == [45, 30]
    assert data["totals"]["amount_pence"] == 3125 and data["date_from"] == "2026-11-23"

    body, _ = produce("xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    sheet = list(book["Rows"].iter_rows(values_only=True))
    assert sheet[0] == COLUMNS and len(sheet) == 3
    assert sheet[1][COLUMNS.index("payable_minutes")] == 45  # numbers stay numbers
    assert sheet[2][COLUMNS.index("client_reference")].startswith("'=")
    totals_sheet = {r[0]: r[1] for r in book["Totals"].iter_rows(values_only=True) if len(r) > 1}
    assert totals_sheet["amount_pence"] == 3125


def test_xlsx_rows_go_on_in_further_sheets_past_a_sheets_limit(app):
    s = setting()
    for day in range(23, 28):
        visit(s.clients[0], f"2026-11-{day} 09:00", 30, (s.workers[0], f"2026-11-{day} 09:00", f"2026-11-{day} 09:40"))
    db.session.commit()
    body = b"".join(xlsx_chunks(iter_export_rows([s.contract], *WEEK), Totals(), {}, sheet_rows=2))
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert book.sheetnames == ["Rows", "Rows 2", "Rows 3", "Totals"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames[:3]]
    assert all(sheet[0] == COLUMNS for sheet in sheets)
    days = [r[COLUMNS.index("date")] for sheet in sheets for r in sheet[1:]]
    assert days == [datetime(2026, 11, d) for d in range(23, 28)]  # dates as dates


def test_empty_xlsx_still_has_its_columns(app):
    s = setting()
    db.session.commit()
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(xlsx_chunks(iter_export_rows([s.contract], *WEEK), Totals(), {}))), read_only=True
    )
    assert list(book["Rows"].iter_rows(values_only=True)) == [COLUMNS]


def _bulk(s, days: int, per_day: int) -> None:
    from server.visits.models import Visit, VisitAssignment

    start = at("2026-03-02 07:00")
    visits = [{"client_id": s.clients[i % 2].id, "contract_id": s.contract.id, "provider_id": s.provider.id,
               "planned_start": start + timedelta(days=d, minutes=6 * i), "planned_minutes": 30, "status": "completed"}
              for d in range(days) for i in range(per_day)]
    db.session.execute(Visit.__table__.insert(), visits)
    ids = db.session.scalars(db.select(Visit.id).where(Visit.contract_id == s.contract.id).order_by(Visit.id)).all()
    db.session.execute(
        VisitAssignment.__table__.insert(),
        [
            {
                "visit_id": vid,
                "worker_id": s.workers[n % 3].id,
                "position": 1,
                "manual": False,
                "checked_in_at": visits[n]["planned_start"],
                "checked_out_at": visits[n]["planned_start"] + timedelta(minutes=33),
            }
            for n, vid in enumerate(ids)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_memory_stays_flat_as_rows_grow(app, fmt):
    s = setting()
    _bulk(s, days=60, per_day=100)  # 6,000 rows

    def peak(last):
        tracemalloc.start()
        try:
            totals = Totals()
            for _chunk in chunks_for(fmt, iter_export_rows([s.contract], date(2026, 3, 2), last, chunk_rows=200),
                                     totals, {}):
                pass
            return totals.rows, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(date(2026, 3, 2))  # warm the statement caches
    small_rows, small_peak = peak(date(2026, 3, 11))
    big_rows, big_peak = peak(date(2026, 4, 30))
    assert (small_rows, big_rows) == (1000, 6000)
    # six times the rows, about the same memory: nothing is accumulated per row
    assert big_peak < 1.5 * small_peak, (small_peak, big_peak)
