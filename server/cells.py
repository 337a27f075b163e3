"""Values as spreadsheet cells: text a spreadsheet cannot read as a formula, and pence as pounds.

Shared by every CSV and workbook the server writes (reports, payment exports, EVV records,
outcome lines), so none of them borrows it from another's package.
"""
from __future__ import annotations

from datetime import date, datetime

# A cell starting with one of these is a formula to a spreadsheet; client names are user input.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return str(value)


def pounds(pence: int) -> str:
    """Whole pence as pounds with two decimals ("-12.05"), for spreadsheet readers."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"
