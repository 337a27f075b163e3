"""An export is made in full before its first byte: odd stored data is shown, and a failure is an error answer.

Odd data is what older versions let in: carers' times at the ends of the calendar (before inputs were
held to the years 1900..2200), references with control characters pasted from elsewhere.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import openpyxl
import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.payments.export import Totals
from tests.payments.db_helpers import setting, visit
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}
YEAR_1 = datetime(1, 1, 1, tzinfo=timezone.utc)  # before London's first offset (-00:01:15): no local time
YEAR_9999 = datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc)


@pytest.fixture
def odd(app):
    s = setting()
    odd_visit = visit(s.clients[0], "2026-11-23 09:00", 30, (s.workers[0], "2026-11-23 09:00", "2026-11-23 09:30"))
    carer = odd_visit.assignments[0]
    carer.arrived_at, carer.checked_in_at, carer.checked_out_at = YEAR_1, YEAR_1, YEAR_9999
    s.workers[1].staff_ref = "AC\x0b2\x1f"
    s.clients[1].reference = "REF\x01B"
    visit(s.clients[1], "2026-11-24 09:00", 30, (s.workers[1], "2026-11-24 09:00", "2026-11-24 09:30"))
    visit(s.clients[0], "2026-11-25 09:00", 30, (s.workers[2], "2026-11-25 09:00", "2026-11-25 09:31"))
    db.session.commit()
    return s


def export(client, who, fmt):
    return client.get("/api/v1/exports/visits", query_string={**WEEK, "format": fmt}, headers=headers_for(who))


def closing_audit() -> dict:
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export"))
    return entry.details


def visit_rows(fmt: str, body: bytes) -> list[dict]:
    if fmt == "csv":
        lines = list(csv.DictReader(io.StringIO(body.decode())))
        assert lines[-1]["row_kind"] == "total"
        return lines[:-1]
    if fmt == "json":
        return json.loads(body)["rows"]
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert book.sheetnames == ["Rows", "Totals"]
    header, *rows = book["Rows"].iter_rows(values_only=True)
    return [dict(zip(header, row)) for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_over_odd_stored_data_finishes_with_a_complete_body(client, odd, fmt):
    r = export(client, odd.officer, fmt)
    assert r.status_code == 200
    body = r.get_data()
    rows = visit_rows(fmt, body)
    assert len(rows) == 3
    first = rows[0]
    # Shown as the same instants in UTC, where London's clock has no reading for them (a workbook's
    # cells are typed: wall-clock date-times without a zone).
    if fmt == "xlsx":
        assert (first["arrival"], first["check_in"]) == (datetime(1, 1, 1),) * 2
        assert first["check_out"] == datetime(9999, 12, 31, 23, 59)
    else:
        assert (first["arrival"], first["check_in"]) == ("0001-01-01T00:00:00+00:00",) * 2
        assert first["check_out"] == "9999-12-31T23:59:00+00:00"
    shown = "AC\ufffd2\ufffd" if fmt == "xlsx" else "AC\x0b2\x1f"  # a workbook cannot hold control characters
    assert rows[1]["worker_reference"] == shown
    audit = closing_audit()
    assert (audit["complete"], audit["rows"], audit["bytes"]) == (True, 3, len(body))


def test_an_export_that_fails_part_way_is_an_error_answer_not_a_download_cut_short(client, odd, app, monkeypatch):
    # Rows are counted as they are written, one by one or (on PostgreSQL) in blocks of text.
    adds, add_blocks = Totals.add, Totals.add_block

    def failing(real, rows_of):
        def fails_on_the_third_row(self, rows):
            if self.rows + rows_of(rows) >= 3:
                raise RuntimeError("a bug met on the third row")
            return real(self, rows)
        return fails_on_the_third_row

    monkeypatch.setattr(Totals, "add", failing(adds, lambda row: 1))
    monkeypatch.setattr(Totals, "add_block", failing(add_blocks, lambda block: block.rows))
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production, not raise in the test
    r = export(client, odd.officer, "csv")
    assert r.status_code == 500
    assert r.get_json()["error"]["code"]
    audit = closing_audit()
    assert (audit["complete"], audit["bytes"]) == (False, 0)
