"""Any report as CSV: the rows a spreadsheet user expects, one line per row and a totals line."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from server.cells import cell

# Values the csv module writes as cell() would: None as an empty cell, numbers as str() has them. bool is not
# among them (the test is type(), not isinstance): cell() writes yes or no.
PLAIN = frozenset({int, float, type(None)})
# Values whose cell follows from the value alone (equal datetimes in two zones would share one cell).
REPEATED = frozenset({str, date})


class _Cells(dict):
    """Each distinct text's or date's cell, worked out once: a year's lines repeat the same names and dates."""

    def __missing__(self, value):
        self[value] = text = cell(value)
        return text


def to_csv(columns: tuple[str, ...], lines: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    cells = _Cells()
    writer.writerows([value if type(value) in PLAIN else cells[value] if type(value) in REPEATED else cell(value)
                      for value in map(line.get, columns)] for line in lines)
    return out.getvalue()


def rows_and_total(label_column: str):
    """Lines for a report whose rows and totals share columns: the rows, then a line labelled "total"."""

    def lines(result: dict) -> list[dict]:
        period = result["period"]
        total = {"date_from": period["date_from"], "date_to": period["date_to"], **result["totals"]}
        return [*result["rows"], {**total, label_column: "total"}]

    return lines
