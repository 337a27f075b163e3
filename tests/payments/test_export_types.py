"""Export cells a spreadsheet can work with: typed XLSX, flags and reasons columns, visits not yet due."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl

from server.extensions import db
from server.payments.export import COLUMNS, Totals, chunks_for, iter_export_rows, xlsx_chunks
from tests.payments.db_helpers import setting, visit

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def test_xlsx_cells_are_typed_with_a_frozen_filtered_header(app):
    s = setting()
    a = s.workers[0]
    visit(s.clients[0], "2026-11-23 09:00", 30, (a, "2026-11-23 08:58", "2026-11-23 09:40"), flags=["early"])
    visit(s.clients[1], "2026-11-24 10:00", 30, (a, "2026-11-24 10:00", "2026-11-24 10:35"))
    db.session.commit()
    body = b"".join(xlsx_chunks(iter_export_rows([s.contract], *WEEK), Totals(), {}))
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["Rows"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}3"
    header = [c.value for c in sheet[1]]
    assert tuple(header) == COLUMNS
    row = {name: cell for name, cell in zip(header, sheet[2])}
    assert row["payable_minutes"].value == 42 and row["payable_minutes"].data_type == "n"
    assert row["amount"].value == 17.5
    assert "£" in row["amount"].number_format
    assert row["check_in"].value == datetime(2026, 11, 23, 8, 58) and row["check_in"].is_date
    assert row["date"].value == datetime(2026, 11, 23) and row["date"].is_date
    assert row["flags"].value == "early"
    totals = {r[0].value: r[1] for r in book["Totals"].iter_rows() if len(r) > 1}
    assert totals["amount"].value == 32.08 and "£" in totals["amount"].number_format


def test_visits_not_yet_due_are_scheduled_not_undelivered(app):
    s = setting()
    a = s.workers[0]
    visit(s.clients[0], "2026-11-27 09:00", 30, (a, None, None), status="scheduled")
    visit(s.clients[1], "2026-11-23 09:00", 30, (a, None, None), status="missed")
    visit(s.clients[1], "2026-11-23 12:00", 30, (a, None, None), status="late")
    db.session.commit()
    text = b"".join(chunks_for("csv", iter_export_rows([s.contract], *WEEK), Totals(), {})).decode()
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["row_kind"] == "visit"]
    assert [(r["visit_status"], r["outcome"]) for r in rows] == [
        ("missed", "not_delivered"), ("late", "not_delivered"), ("scheduled", "scheduled")]
