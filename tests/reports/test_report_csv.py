"""A report's CSV cells: every value written as server/cells.py writes it, however often it repeats."""
from __future__ import annotations

from datetime import date, datetime, timezone

from server.reports.csv_export import to_csv


def test_repeated_and_mixed_values_are_written_cell_by_cell():
    moment = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)
    lines = [{"a": True, "b": 1, "c": 1.5}, {"a": 1, "b": True, "c": None}, {"a": False, "b": 0, "c": 0.0},
             {"a": "=SUM(A1)", "b": "=SUM(A1)", "c": "Ann"}, {"a": date(2026, 10, 25), "b": moment, "c": "Ann"},
             {"b": date(2026, 10, 25)}]
    assert to_csv(("a", "b", "c"), lines).split("\r\n") == [
        "a,b,c", "yes,1,1.5", "1,yes,", "no,0,0.0", "'=SUM(A1),'=SUM(A1),Ann",
        "2026-10-25,2026-10-25T01:30:00+00:00,Ann", ",2026-10-25,", ""]
