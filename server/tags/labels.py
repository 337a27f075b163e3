"""A tag's printable label: the QR code of its signed payload, its short code and the home's name."""
from __future__ import annotations

import io

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

# Wide enough for a phone camera at arm's length once printed at 60 mm.
QR_BOX_PX = 10
A6_MM = (105, 148)


def qr_png(payload: str) -> bytes:
    image = qrcode.make(payload, error_correction=ERROR_CORRECT_M, box_size=QR_BOX_PX, border=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def label_pdf(payload: str, code: str, home: str) -> bytes:
    """An A6 label: the QR code, then the code in large digits for typing or texting."""
    pdf = FPDF(unit="mm", format=A6_MM)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Caremon visit check-in", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin1(home), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(qr_png(payload)), x=(pdf.w - 60) / 2, y=pdf.get_y() + 2, w=60, h=60)
    pdf.set_y(pdf.get_y() + 66)
    pdf.set_font("Courier", "B", 28)
    pdf.cell(0, 14, " ".join((code[:3], code[3:])), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, "Scan with the Caremon app, tap the sticker, type the code, or text IN or OUT and the "
                         "code to your provider's number.", align="C")
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    """The core PDF fonts hold Latin-1 only; any other letter prints as '?', never fails the label."""
    return text.encode("latin-1", "replace").decode("latin-1")
