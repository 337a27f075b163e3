"""On PostgreSQL an export's visit rows are written by the query (export_lines.py): the same bytes as row by row.

The fixture holds what a row can carry: both clock changes' neighbours (the spring change inside),
bank holidays and weekends, double-ups, holds by exception and by flag, coordinators' decisions,
missed visits with reasons (frustrated under one rule set), bill times, manual and odd times,
microseconds, references a spreadsheet would read as formulas or that need CSV quoting, and rule
sets with rounding, minimums, settlements and weekly budgets, beside one the query cannot price
(time bands), which stays row by row in the same export.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from server.extensions import db
from server.payments import export_lines
from server.payments.export import Totals, chunks_for, iter_export_rows
from server.payments.export_lines import Block
from server.payments.models import VisitMaintenance
from server.visits.models import VisitAssignment
from tests.factories import add
from tests.payments.db_helpers import activity, exception, package, setting, visit
from tests.payments.engine_helpers import at
from tests.sessions import headers_for
from tests.testdb import TEST_DB_URL

pytestmark = pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"),
                                reason="the query writes rows only on PostgreSQL")

FIRST, LAST = date(2026, 3, 27), date(2026, 4, 6)
RULE_SETS = ("actual-by-minute", "banded", "commissioned", "guaranteed-85", "scheduled-then-authorised",
             "weekly-budget", "unsociable-hours")


def visits_of(s, council_name: str) -> None:
    c0, c1 = s.clients
    w0, w1, w2 = s.workers
    visit(c0, "2026-03-27 09:00", 30, (w0, "2026-03-27 09:02", "2026-03-27 09:29"))
    visit(c0, "2026-03-28 23:30", 90, (w1, "2026-03-28 23:31", "2026-03-29 03:05"))  # across the spring change
    visit(c1, "2026-03-29 18:00", 60, (w0, "2026-03-29 18:00", "2026-03-29 19:20"),
          (w1, "2026-03-29 18:05", "2026-03-29 18:40"))
    held = visit(c0, "2026-03-30 08:00", 45, (w2, "2026-03-30 08:01", None))
    exception(held, "no_checkout", w2)
    accepted = visit(c1, "2026-03-30 12:00", 45, (w2, "2026-03-30 12:01", None))
    exception(accepted, "no_checkout", w2, resolved=True)
    missed = visit(c0, "2026-03-31 08:00", 30, (w0, None, None), status="missed",
                   reasons=[{"about": "missed", "code": "no_access", "note": "door locked; no key"}])
    missed.assignments[0].arrived_at = at("2026-03-31 08:03")
    missed.assignments[0].arrival_geofence = "verified"
    visit(c1, "2026-03-31 09:00", 30, status="cancelled")
    short = visit(c0, "2026-04-01 10:00", 60, (w1, "2026-04-01 10:00", "2026-04-01 10:20"),
                  flags=["short", "outside_geofence"], started_at=at("2026-04-01 10:00"),
                  ended_at=at("2026-04-01 10:20"))
    short.assignments[0].check_in_geofence = "outside"
    visit(c1, "2026-04-01 11:00", 60, (w1, "2026-04-01 11:00", "2026-04-01 11:22"), flags=["short"],
          started_at=at("2026-04-01 11:00"), ended_at=at("2026-04-01 11:22"), pay_decision="accept",
          pay_decision_note="agreed with the family")
    visit(c0, "2026-04-01 15:00", 30, (w2, "2026-04-01 15:00", "2026-04-01 15:10"), flags=["outside_geofence"],
          pay_decision="reject", pay_decision_note='not there; "phone" left at home')
    visit(c1, "2026-04-02 09:00", 30, (w0, "2026-04-02 09:00", "2026-04-02 10:20"),
          reasons=[{"about": "task", "task": 'Lunch, "hot"', "code": "refused", "note": "said =no"},
                   {"about": "short", "code": "", "note": None}], overrun_approved=True)
    billed = visit(c0, "2026-04-02 13:00", 30, (w0, "2026-04-02 13:10", "2026-04-02 13:25"))
    add(VisitMaintenance(visit_id=billed.id, worker_id=w0.id, bill_start=at("2026-04-02 13:00"),
                         bill_end=at("2026-04-02 13:47"), reason_code="device_fault", note="phone flat",
                         created_by=s.coordinator.id))
    manual = visit(c1, "2026-04-03 08:00", 30, (w1, "2026-04-03 08:00", "2026-04-03 08:41"))  # Good Friday
    manual.assignments[0].manual = True
    manual.assignments[0].overrun_approved_minutes = 5
    nfc = visit(c0, "2026-04-04 08:00", 30, (w2, "2026-04-04 08:00", "2026-04-04 08:31"), visit_type="sleep_in")
    nfc.assignments[0].check_in_method = "nfc"
    nfc.assignments[0].checked_in_at += timedelta(microseconds=123456)
    backwards = visit(c1, "2026-04-05 08:00", 30, (w0, "2026-04-05 08:30", "2026-04-05 08:10"))
    exception(backwards, "checkout_before_checkin", w0)
    odd = visit(c0, "2026-04-06 09:00", 30, (w1, "2026-04-06 09:00", "2026-04-06 09:30"))  # Easter Monday
    odd_carer = odd.assignments[0]
    odd_carer.arrived_at = odd_carer.checked_in_at = datetime(1, 1, 1, tzinfo=timezone.utc)
    odd_carer.checked_out_at = datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)
    removed = visit(c1, "2026-04-06 10:00", 30, (w2, None, None))
    removed.assignments[0].removed_at = at("2026-04-06 07:00")
    add(VisitAssignment(visit_id=removed.id, worker_id=w0.id, position=1, checked_in_at=at("2026-04-06 10:00"),
                        checked_out_at=at("2026-04-06 10:35"), check_in_geofence="none"))
    activity(c0, w0, s.officer, "liaising_health_social", 25, "2026-03-30 14:00")
    activity(c1, w1, s.officer, "review", 40, "2026-04-02 16:00")
    package(c0, 420, date(2026, 1, 1))
    package(c1, 210, date(2026, 3, 30), date(2026, 4, 30))


@pytest.fixture
def contracts(app):
    council = None
    made = []
    for n, rule_set in enumerate(RULE_SETS):
        s = setting(f"N{n}", rule_set, council=council)
        council = s.council
        s.clients[0].reference = "=SUM(A1)" if n % 2 else '-5,"x"\nnext'
        s.workers[0].staff_ref = "@w\x0b1;2" if n % 2 else "W,0"
        s.contract.reference = "+C" if n == 0 else f"C {n}"
        visits_of(s, council.name)
        made.append(s.contract)
    db.session.commit()
    return made, s.officer


def export_bytes(contracts, fmt: str, encoding: str | None) -> tuple[bytes, list]:
    kinds = []

    def seen(rows):
        for row in rows:
            kinds.append(type(row))
            yield row

    header = {"export": "visits", "date_from": FIRST.isoformat(), "date_to": LAST.isoformat()}
    rows = seen(iter_export_rows(contracts, FIRST, LAST, encoding=encoding))
    body = b"".join(chunk.encode() if isinstance(chunk, str) else chunk
                    for chunk in chunks_for(fmt, rows, Totals(), header))
    db.session.rollback()
    return body, kinds


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_rows_written_by_the_query_are_the_bytes_written_row_by_row(contracts, fmt):
    contracts, _ = contracts
    expected, kinds = export_bytes(contracts, fmt, None)
    assert Block not in kinds
    got, kinds = export_bytes(contracts, fmt, fmt)
    assert Block in kinds and dict in kinds  # the banded rule set and the other kinds stay row by row
    assert got.splitlines() == expected.splitlines()
    assert got == expected


def api_export(client, officer, fmt: str):
    return client.get("/api/v1/exports/visits", headers=headers_for(officer),
                      query_string={"date_from": FIRST.isoformat(), "date_to": LAST.isoformat(), "format": fmt})


def test_an_export_through_the_api_is_the_same_csv(client, contracts):
    contracts, officer = contracts
    expected, _ = export_bytes(contracts, "csv", None)
    r = api_export(client, officer, "csv")
    assert r.status_code == 200
    assert r.get_data() == expected


def test_an_export_through_the_api_is_the_same_json(client, contracts):
    contracts, officer = contracts
    expected = json.loads(export_bytes(contracts, "json", None)[0])
    r = api_export(client, officer, "json")
    assert r.status_code == 200
    got = json.loads(r.get_data())
    assert (got["rows"], got["totals"]) == (expected["rows"], expected["totals"])


def test_an_export_that_fails_while_the_query_still_writes_rows_leaves_the_next_one_whole(client, contracts, app,
                                                                                         monkeypatch):
    contracts, officer = contracts
    expected, _ = export_bytes(contracts, "csv", None)
    add_block = Totals.add_block

    def fails_on_the_second_block(self, block):
        if self.rows:
            raise RuntimeError("a bug met on the second block")
        add_block(self, block)

    monkeypatch.setattr(export_lines, "BLOCK_ROWS", 1)  # the query has rows to write when the first block fails
    monkeypatch.setattr(Totals, "add_block", fails_on_the_second_block)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert api_export(client, officer, "csv").status_code == 500
    monkeypatch.setattr(Totals, "add_block", add_block)
    r = api_export(client, officer, "csv")
    assert r.status_code == 200
    assert r.get_data() == expected
