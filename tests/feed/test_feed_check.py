"""`caremon feed check`: a vendor's file checked offline against the published schemas, JSON or CSV."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.cli import main
from server.feed.files import KINDS, FeedFileError, read

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "feed-examples"


def check(path: Path, *options: str):
    return CliRunner().invoke(main, ["feed", "check", *options, str(path)])


def without_nulls(item: dict) -> dict:
    return {k: without_nulls(v) if isinstance(v, dict) else v for k, v in item.items() if v is not None}


@pytest.mark.parametrize("kind", KINDS)
def test_each_csv_example_is_its_json_example_and_both_pass(kind):
    """The documented column mapping turns the CSV example into exactly the JSON example's items."""
    from_csv = read((EXAMPLES / f"{kind}.csv").read_text())
    from_json = read((EXAMPLES / f"{kind}.json").read_text())
    assert from_csv.kind == from_json.kind == kind  # told from the columns and the keys alone
    assert [row.item for row in from_csv.rows] == [without_nulls(row.item) for row in from_json.rows]
    assert [row.line for row in from_csv.rows] == list(range(2, len(from_csv.rows) + 2))
    for suffix in ("csv", "json"):
        result = check(EXAMPLES / f"{kind}.{suffix}")
        assert result.exit_code == 0, result.output
        assert result.output.endswith(f"{len(from_csv.rows)} valid, 0 invalid\n")


def test_bad_csv_rows_are_printed_with_their_reasons_and_the_exit_status_is_1(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        "ref,contract_reference,name,address,lat,lon,active,care_package.weekly_minutes,care_package.starts_on\n"
        "C-1,N-A,Mary,1 Lane,54.3,-2.7,yes,420,2026-12-01\n"
        "C-2,N-A,Bob,2 Lane,north,-2.7,maybe,x,2026-13-01\n"
        "C-3,,Ann,3 Lane,54.3,-2.7,,,\n"
        "C-4,N-A,Sue,4 Lane,54.3,-2.7,no,,,extra\n")
    result = check(path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 3 (C-2): active: 'maybe' is not of type 'boolean'",
        "line 3 (C-2): care_package.starts_on: '2026-13-01' is not a 'date'",
        "line 3 (C-2): care_package.weekly_minutes: 'x' is not of type 'integer'",
        "line 3 (C-2): lat: 'north' is not of type 'number'",
        "line 4 (C-3): row: 'contract_reference' is a required property",
        "line 5: 1 more cells than columns",
        "clients: 4 rows, 1 valid, 3 invalid",
    ]


def test_bad_json_items_are_numbered_from_one(tmp_path):
    path = tmp_path / "events.json"
    good = json.loads((EXAMPLES / "events.json").read_text())["items"][0]
    both = {**good, "idempotency_key": "5f0c1d9e-2b7a-4c3e-9d4f-1a2b3c4d5e99", "visit_id": 7}
    path.write_text(json.dumps([good, both, {**good, "device_time": "2026-12-04T08:02:10"}, "not an item"]))
    result = check(path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 2 (5f0c1d9e-2b7a-4c3e-9d4f-1a2b3c4d5e99): row: give one of: without 'visit_id'; or without 'visit_ref'",
        f"line 3 ({good['idempotency_key']}): device_time: '2026-12-04T08:02:10' is not a 'date-time'",
        "line 4: Not a JSON object",
        "events: 4 rows, 1 valid, 3 invalid",
    ]


def test_an_unknown_column_is_refused_by_the_schema(tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text("ref,name,email\nW-1,Ann,ann@example.org\n")
    result = check(path, "--kind", "workers")
    assert result.exit_code == 1
    assert "line 2 (W-1): row: Additional properties are not allowed ('email' was unexpected)" in result.output


def test_the_kind_option_overrides_what_the_columns_suggest(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("ref,name\nW-1,Ann\n")
    assert check(path).output == "workers: 1 rows, 1 valid, 0 invalid\n"
    result = check(path, "--kind", "clients")
    assert result.exit_code == 1 and "'contract_reference' is a required property" in result.output


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    ("colour,size\nred,9\n", "Cannot tell what the file holds"),
    ('{"items": {"ref": "W-1"}}', "A JSON feed file is a batch"),
    ('{"items": [', "Not valid JSON"),
])
def test_a_file_that_cannot_be_read_is_one_error_line(tmp_path, text, problem):
    path = tmp_path / "feed.csv"
    path.write_text(text)
    result = check(path)
    assert result.exit_code == 1 and problem in result.output
    with pytest.raises(FeedFileError):
        read(text)


def test_a_file_of_no_rows_fails(tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text("ref,name\n")
    result = check(path)
    assert result.exit_code == 1 and result.output.splitlines() == [
        "workers: 0 rows, 0 valid, 0 invalid", "The file has no rows: an empty export is most likely a mistake"]


def test_a_spreadsheets_byte_order_mark_is_not_part_of_the_first_column():
    feed_file = read("\ufeffref,name\nW-1,Ann\n")
    assert feed_file.kind == "workers" and feed_file.rows[0].item == {"ref": "W-1", "name": "Ann"}
