"""Any report as CSV: the rows a spreadsheet user expects, one line per row and a totals line."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from server.cells import cell


def to_csv(columns: tuple[str, ...], lines: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for line in lines:
        writer.writerow([cell(line.get(column)) for column in columns])
    return out.getvalue()


def rows_and_total(label_column: str):
    """Lines for a report whose rows and totals share columns: the rows, then a line labelled "total"."""

    def lines(result: dict) -> list[dict]:
        period = result["period"]
        total = {"date_from": period["date_from"], "date_to": period["date_to"], **result["totals"]}
        return [*result["rows"], {**total, label_column: "total"}]

    return lines
