"""A client's outcome statement as a PDF to bring to their review (fpdf2, as the MAR chart)."""
from __future__ import annotations

from server.i18n import _

TRENDS = {"improving": "improving", "steady": "steady", "declining": "declining",
          "not_enough_scores": "not enough scores yet"}


def _text(value) -> str:
    # The PDF core fonts hold Latin-1: anything beyond is shown as "?" rather than failing the statement.
    return str(value).encode("latin-1", "replace").decode("latin-1")


def render_pdf(statement: dict) -> bytes:
    # Imported here: fpdf2 brings Pillow and fontTools, seconds of start-up no other request needs.
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_text(f"Outcome statement {statement['client_name']}"))
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    _heading(pdf, statement)
    for outcome in statement["outcomes"]:
        _outcome(pdf, outcome)
    if not statement["outcomes"]:
        _line(pdf, _("No outcomes have been agreed with this client."))
    _reviews(pdf, statement["reviews"])
    _notes(pdf, statement["notes"])
    return bytes(pdf.output())


def _line(pdf, text: str, size: int = 9, style: str = "", height: float = 5) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, height, _text(text), new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, s: dict) -> None:
    _line(pdf, _("Outcome statement - %(name)s", name=s["client_name"]), 14, "B", 8)
    _line(pdf, _("Reference %(ref)s   Provider %(provider)s   Contract %(contract)s", ref=s["client_reference"] or "-",
                 provider=s["provider"], contract=s["contract_reference"]))
    _line(pdf, _("Period %(first)s to %(last)s   Printed %(at)s UTC", first=s["date_from"].isoformat(),
                 last=s["date_to"].isoformat(), at=s["generated_at"].strftime("%Y-%m-%d %H:%M")))
    pdf.ln(2)


def _outcome(pdf, o: dict) -> None:
    trend = o["trend"]
    if pdf.will_page_break(20):
        pdf.add_page()
    _line(pdf, o["title"] + ("" if o["active"] else _(" (retired)")), 11, "B", 6)
    if o["description"]:
        _line(pdf, o["description"])
    change = "" if trend["change"] is None else f" ({trend['change']:+d})"
    _line(pdf, _("Trend: %(trend)s%(change)s, from %(baseline)s to %(latest)s (scores 1-5)",
                 trend=TRENDS[trend["direction"]], change=change, baseline=trend["baseline"] or "-",
                 latest=trend["latest"] or "-"), style="I")
    widths = (34, 14, 40, pdf.epw - 88)
    pdf.set_font("Helvetica", "B", 8)
    for width, head in zip(widths, (_("Visit"), _("Score"), _("Carer"), _("Comment"))):
        pdf.cell(width, 5, _text(head), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for p in o["progress"]:
        if pdf.will_page_break(5):
            pdf.add_page()
        for width, value in zip(widths, (f"{p['visit_start']:%Y-%m-%d %H:%M}", str(p["score"]), p["worker"],
                                         p["comment"] or "")):
            pdf.cell(width, 5, _text(value)[:90])
        pdf.ln()
    if not o["progress"]:
        _line(pdf, _("No progress recorded in this period."), 8)
    pdf.ln(2)


def _reviews(pdf, reviews: list[dict]) -> None:
    _line(pdf, _("Reviews"), 11, "B", 6)
    for r in reviews:
        done = _("done %(on)s", on=r["done_on"].isoformat()) if r["done_on"] else _("not done yet")
        late = "" if r["on_time"] in (None, True) else _(" (late)")
        _line(pdf, f"{r['due_on'].isoformat()}: {done}{late}" + (f" - {r['notes']}" if r["notes"] else ""), 8)
    if not reviews:
        _line(pdf, _("No reviews planned."), 8)
    pdf.ln(2)


def _notes(pdf, notes: list[dict]) -> None:
    _line(pdf, _("Visit notes"), 11, "B", 6)
    for n in notes:
        _line(pdf, f"{n['at']:%Y-%m-%d %H:%M} {n['worker']}: {n['text']}", 8)
    if not notes:
        _line(pdf, _("No notes in this period."), 8)
