"""A care worker's day record as a PDF to keep or hand over in a pay dispute: each visit, then the day's figures."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date

from server.cells import pounds
from server.i18n import N_, _

OUTCOMES = {"paid": N_("paid"), "held": N_("held for a coordinator"), "not_paid": N_("not paid"),
            "not_delivered": N_("not delivered"), "scheduled": N_("not yet due")}


def _text(value) -> str:
    # The PDF core fonts hold Latin-1: anything beyond is shown as "?" rather than failing the sheet.
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _clock(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M") if iso else _("not recorded")


def _money(minor: int | None) -> str:
    return _("not recorded") if minor is None else pounds(minor)


def render_pdf(record: dict, now: datetime) -> bytes:
    # Imported here: fpdf2 brings Pillow and fontTools, seconds of start-up no other request needs.
    from fpdf import FPDF

    worker = record["worker"]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_("Day record %(name)s %(date)s", name=worker["name"], date=record["date"].isoformat()))
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _text(_("Day record - %(name)s", name=worker["name"])), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, _text(_("%(date)s   Staff ref %(ref)s   %(provider)s   Times in %(zone)s   Printed %(at)s UTC",
                           date=format_date(record["date"], "full"), ref=worker["staff_ref"] or "-",
                           provider=record["provider_name"], zone=record["timezone"],
                           at=now.strftime("%Y-%m-%d %H:%M"))),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for visit in record["visits"]:
        _visit(pdf, visit)
    if not record["visits"]:
        pdf.cell(0, 6, _text(_("No visits were recorded on this day.")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _summary(pdf, record["summary"])
    return bytes(pdf.output())


def _visit(pdf, visit: dict) -> None:
    if pdf.will_page_break(22):
        pdf.add_page()
    if visit["travel_before_minutes"] is not None:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(
            0,
            5,
            _text(
                _(
                    "   travel %(travel)s min, waiting %(waiting)s min",
                    travel=visit["travel_before_minutes"],
                    waiting=visit["waiting_before_minutes"],
                )
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font("Helvetica", "B", 10)
    minutes = "" if visit["minutes"] is None else _("  (%(minutes)s min)", minutes=visit["minutes"])
    pdf.cell(0, 6, _text(f"{_clock(visit['check_in'])} - {_clock(visit['check_out'])}{minutes}   "
                         f"{visit['client_name']}"), border="T", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    place = ", ".join(part for part in (visit["address"], visit["postcode"]) if part)
    pdf.cell(0, 5, _text(place), new_x="LMARGIN", new_y="NEXT")
    outcome = _(OUTCOMES[visit["pay_outcome"]]) if visit["pay_outcome"] in OUTCOMES else visit["pay_outcome"]
    held = f" ({visit['held_reason'].replace('_', ' ')})" if visit["held_reason"] else ""
    pdf.cell(0, 5, _text(_("Planned %(start)s - %(end)s   Paid minutes %(minutes)s, %(outcome)s",
                           start=_clock(visit["planned_start"]), end=_clock(visit["planned_end"]),
                           minutes=visit["paid_minutes"], outcome=outcome) + held), new_x="LMARGIN", new_y="NEXT")
    if visit["tasks_done"]:
        pdf.multi_cell(
            0, 5, _text(_("Tasks done: %(tasks)s", tasks=", ".join(visit["tasks_done"]))), new_x="LMARGIN", new_y="NEXT"
        )


def _summary(pdf, summary: dict) -> None:
    if pdf.will_page_break(70):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _text(_("The day")), border="T", new_x="LMARGIN", new_y="NEXT")
    below = {True: _("yes"), False: _("no"), None: _("cannot tell")}[summary["below_minimum"]]
    lines = [
        (_("Time in visits"), _("%(minutes)s min", minutes=summary["contact_minutes"])),
        (_("Travel between visits"), _("%(minutes)s min", minutes=summary["travel_minutes"])),
        (_("Waiting between visits"), _("%(minutes)s min", minutes=summary["waiting_minutes"])),
        (
            _("Working time (first check-in to last check-out)"),
            _("%(minutes)s min", minutes=summary["working_minutes"]),
        ),
        (_("Paid visit minutes"), _("%(minutes)s min", minutes=summary["paid_minutes"])),
        (_("Visits held for a coordinator"), str(summary["held_visits"])),
        (_("Hourly rate"), _money(summary["hourly_rate_minor"])),
        (_("Travel paid"), _("yes") if summary["pays_travel"] else _("no")),
        (_("Pay for the day"), _money(summary["pay_minor"])),
        (_("Pay per hour worked"), _money(summary["effective_hourly_minor"])),
        (_("Minimum wage per hour"), _money(summary["minimum_hourly_minor"])),
        (_("Below the minimum wage"), below),
    ]
    pdf.set_font("Helvetica", "", 9)
    for label, value in lines:
        pdf.cell(95, 5, _text(label), border="B")
        pdf.cell(0, 5, _text(value), border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 7)
    pdf.multi_cell(0, 4, _text(_(
        "Travel is estimated from the distance between homes. Paid minutes are those the contract pays; a held visit "
        "counts when a coordinator resolves it. Time between visits longer than travel plus the break allowance is "
        "your own time and is not counted.")))
