"""A care worker's day record as a PDF to keep or hand over in a pay dispute: each visit, then the day's figures."""
from __future__ import annotations

from datetime import datetime

from server.payments.export import pounds

OUTCOMES = {"paid": "paid", "held": "held for a coordinator", "not_paid": "not paid", "not_delivered": "not delivered",
            "scheduled": "not yet due"}


def _text(value) -> str:
    # The PDF core fonts hold Latin-1: anything beyond is shown as "?" rather than failing the sheet.
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _clock(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M") if iso else "not recorded"


def _money(minor: int | None) -> str:
    return "not recorded" if minor is None else pounds(minor)


def render_pdf(record: dict, now: datetime) -> bytes:
    # Imported here: fpdf2 brings Pillow and fontTools, seconds of start-up no other request needs.
    from fpdf import FPDF

    worker = record["worker"]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"Day record {worker['name']} {record['date']}")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _text(f"Day record - {worker['name']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, _text(f"{record['date']:%A %d %B %Y}   Staff ref {worker['staff_ref'] or '-'}   "
                         f"{record['provider_name']}   Times in {record['timezone']}   Printed {now:%Y-%m-%d %H:%M} UTC"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for visit in record["visits"]:
        _visit(pdf, visit)
    if not record["visits"]:
        pdf.cell(0, 6, "No visits were recorded on this day.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _summary(pdf, record["summary"])
    return bytes(pdf.output())


def _visit(pdf, visit: dict) -> None:
    if pdf.will_page_break(22):
        pdf.add_page()
    if visit["travel_before_minutes"] is not None:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, _text(f"   travel {visit['travel_before_minutes']} min, waiting {visit['waiting_before_minutes']} min"),
                 new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    minutes = "" if visit["minutes"] is None else f"  ({visit['minutes']} min)"
    pdf.cell(0, 6, _text(f"{_clock(visit['check_in'])} - {_clock(visit['check_out'])}{minutes}   "
                         f"{visit['client_name']}"), border="T", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    place = ", ".join(part for part in (visit["address"], visit["postcode"]) if part)
    pdf.cell(0, 5, _text(place), new_x="LMARGIN", new_y="NEXT")
    outcome = OUTCOMES.get(visit["pay_outcome"], visit["pay_outcome"])
    held = f" ({visit['held_reason'].replace('_', ' ')})" if visit["held_reason"] else ""
    pdf.cell(0, 5, _text(f"Planned {_clock(visit['planned_start'])} - {_clock(visit['planned_end'])}   "
                         f"Paid minutes {visit['paid_minutes']}, {outcome}{held}"), new_x="LMARGIN", new_y="NEXT")
    if visit["tasks_done"]:
        pdf.multi_cell(0, 5, _text("Tasks done: " + ", ".join(visit["tasks_done"])), new_x="LMARGIN", new_y="NEXT")


def _summary(pdf, summary: dict) -> None:
    if pdf.will_page_break(70):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "The day", border="T", new_x="LMARGIN", new_y="NEXT")
    below = {True: "yes", False: "no", None: "cannot tell"}[summary["below_minimum"]]
    lines = [
        ("Time in visits", f"{summary['contact_minutes']} min"),
        ("Travel between visits", f"{summary['travel_minutes']} min"),
        ("Waiting between visits", f"{summary['waiting_minutes']} min"),
        ("Working time (first check-in to last check-out)", f"{summary['working_minutes']} min"),
        ("Paid visit minutes", f"{summary['paid_minutes']} min"),
        ("Visits held for a coordinator", str(summary["held_visits"])),
        ("Hourly rate", _money(summary["hourly_rate_minor"])),
        ("Travel paid", "yes" if summary["pays_travel"] else "no"),
        ("Pay for the day", _money(summary["pay_minor"])),
        ("Pay per hour worked", _money(summary["effective_hourly_minor"])),
        ("Minimum wage per hour", _money(summary["minimum_hourly_minor"])),
        ("Below the minimum wage", below),
    ]
    pdf.set_font("Helvetica", "", 9)
    for label, value in lines:
        pdf.cell(95, 5, _text(label), border="B")
        pdf.cell(0, 5, _text(value), border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 7)
    pdf.multi_cell(0, 4, "Travel is estimated from the distance between homes. Paid minutes are those the contract "
                         "pays; a held visit counts when a coordinator resolves it. Time between visits longer than "
                         "travel plus the break allowance is your own time and is not counted.")
