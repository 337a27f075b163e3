"""A client's monthly medication administration record (MAR): the grid of doses by local day, as a PDF.

One row per medicine and slot (a time of day, "visit" for a pattern's visits, "PRN" for as-required),
one column per local day of the month. A cell holds the outcome's letter (CHART_CODES), M where a dose
was due at a visit that has begun and nothing was recorded, or, for an as-required medicine, how many
doses were given that day. Rows are labelled with the version in force when the month ends (or last
in force within it).
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select

from server.directory.models import Client
from server.extensions import db
from server.medication.models import CHART_CODES, DoseOutcome
from server.medication.queries import doses_due, records_by_visit
from server.medication.schedule import local_date
from server.timeutil import local_range_bounds
from server.visits.models import Visit

MISSING = "M"
PRN = "PRN"
KEY = ("G given  R refused  N not available  A already taken  O not given (other reason)  "
       "M due, no record  PRN: number given")


def month_grid(client: Client, month: str, now: datetime) -> dict:
    """{"days": [...], "rows": [{"label", "slot", "cells": {day: text}}]} for the client's local month."""
    tz = client.contract.council.timezone
    year, number = (int(part) for part in month.split("-"))
    days = [date(year, number, d) for d in range(1, calendar.monthrange(year, number)[1] + 1)]
    start, end = local_range_bounds(days[0], days[-1], tz)
    visits = list(db.session.scalars(select(Visit).where(
        Visit.client_id == client.id, Visit.planned_start >= start, Visit.planned_start < end)
        .order_by(Visit.planned_start, Visit.id)))
    due, records = doses_due(visits), records_by_visit([v.id for v in visits])
    rows: dict[tuple[int, str], dict] = {}
    cells: dict[tuple[int, str], dict] = defaultdict(dict)
    for visit in visits:
        day = local_date(visit.planned_start, tz).day
        recorded = {(r.medication_id, r.slot): r for r in records[visit.id]}
        for dose in due[visit.id]:
            row = (dose.medication_id, dose.slot)
            rows[row] = dose.version
            found = recorded.get(row)
            if found is not None:
                cells[row][day] = CHART_CODES[found.outcome]
            elif visit.planned_start <= now:
                cells[row][day] = MISSING
        for record in records[visit.id]:
            if record.slot is None:
                row = (record.medication_id, PRN)
                rows[row] = record.version
                if record.outcome == DoseOutcome.GIVEN:
                    cells[row][day] = str(int(cells[row].get(day, "0")) + 1)
    ordered = sorted(rows, key=lambda r: (rows[r].name.lower(), r[0], r[1] == PRN, r[1]))
    return {"days": [d.day for d in days],
            "rows": [{"label": _label(rows[r]), "slot": r[1], "cells": cells[r]} for r in ordered]}


def _label(version) -> str:
    parts = [version.name, version.strength, version.dose, version.route.replace("_", " ")]
    return " ".join(p for p in parts if p) + (" (time-critical)" if version.time_critical else "")


def _text(value: str) -> str:
    # The PDF core fonts hold Latin-1: anything beyond is shown as "?" rather than failing the chart.
    return value.encode("latin-1", "replace").decode("latin-1")


def render_pdf(client: Client, month: str, grid: dict, now: datetime) -> bytes:
    # Imported here: fpdf2 brings Pillow and fontTools, seconds of start-up no other request needs.
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"MAR {client.name} {month}")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, _text(f"Medication administration record - {client.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    provider = client.contract.provider.name
    pdf.cell(0, 5, _text(f"Month {month}   Reference {client.reference or '-'}   Provider {provider}   "
                         f"Printed {now:%Y-%m-%d %H:%M} UTC"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    label_w, slot_w = 78.0, 12.0
    day_w = (pdf.epw - label_w - slot_w) / len(grid["days"])
    _header(pdf, grid["days"], label_w, slot_w, day_w)
    pdf.set_font("Helvetica", "", 7)
    for row in grid["rows"]:
        if pdf.will_page_break(5):
            pdf.add_page()
            _header(pdf, grid["days"], label_w, slot_w, day_w)
            pdf.set_font("Helvetica", "", 7)
        pdf.cell(label_w, 5, _text(row["label"])[:60], border=1)
        pdf.cell(slot_w, 5, row["slot"], border=1, align="C")
        for day in grid["days"]:
            pdf.cell(day_w, 5, row["cells"].get(day, ""), border=1, align="C")
        pdf.ln()
    if not grid["rows"]:
        pdf.cell(0, 6, "No doses were due or recorded this month.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, KEY)
    return bytes(pdf.output())


def _header(pdf, days: list[int], label_w: float, slot_w: float, day_w: float) -> None:
    pdf.set_font("Helvetica", "B", 7)
    pdf.cell(label_w, 5, "Medicine", border=1)
    pdf.cell(slot_w, 5, "Time", border=1, align="C")
    for day in days:
        pdf.cell(day_w, 5, str(day), border=1, align="C")
    pdf.ln()
