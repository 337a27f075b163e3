"""Any report as CSV: the rows a spreadsheet user expects, one line per row and a totals line."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

# A cell starting with one of these is a formula to a spreadsheet; client names are user input.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(columns: tuple[str, ...], lines: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for line in lines:
        writer.writerow([cell(line.get(column)) for column in columns])
    return out.getvalue()


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


def rows_and_total(label_column: str):
    """Lines for a report whose rows and totals share columns: the rows, then a line labelled "total"."""

    def lines(result: dict) -> list[dict]:
        period = result["period"]
        total = {"date_from": period["date_from"], "date_to": period["date_to"], **result["totals"]}
        return [*result["rows"], {**total, label_column: "total"}]

    return lines
