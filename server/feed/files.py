"""Feed files as vendors and provider administrators keep them: a JSON batch, or a CSV with a header row.

The published JSON Schemas (json_schemas/, served at /api/v1/feed/schemas/) are the one description of an
item: they give the CSV columns (a nested object's fields as `object.field`, e.g. `care_package.starts_on`)
and the type each cell is read as. An empty cell leaves the field out, so its default applies; a list cell
holds its values separated by `;`; yes/no, true/false or 1/0 is a boolean. A cell that cannot be read as its
type is passed on as text, so the schema names the column and what is wrong.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

JSON_SCHEMAS = Path(__file__).resolve().parent / "json_schemas"
KINDS = ("clients", "workers", "visits", "events")
LIST_SEPARATOR = ";"
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class FeedFileError(ValueError):
    """The file as a whole cannot be read: not JSON nor CSV, no items, or a kind that cannot be told."""


@dataclass
class Row:
    """One item of a file: its CSV line (or JSON item number), and what is wrong with it before any schema."""

    line: int
    item: dict = field(default_factory=dict)
    error: str | None = None


@dataclass
class FeedFile:
    kind: str
    rows: list[Row]


@cache
def batch_schema(kind: str) -> dict:
    return json.loads((JSON_SCHEMAS / f"{kind}.json").read_text())


def item_schema(kind: str) -> dict:
    """The schema of one item of the batch, its definitions kept so references inside it resolve."""
    schema = batch_schema(kind)
    return {"$schema": schema["$schema"], **schema["$defs"]["item"], "$defs": schema["$defs"]}


def _object_properties(prop: dict) -> dict | None:
    """The fields of a property that is an object (possibly one branch of a oneOf with null)."""
    for branch in [prop, *prop.get("oneOf", [])]:
        if branch.get("type") == "object":
            return branch["properties"]
    return None


def _types(prop: dict) -> set[str]:
    found = set()
    for branch in [prop, *prop.get("oneOf", [])]:
        kind = branch.get("type")
        found.update(kind if isinstance(kind, list) else [kind] if kind else [])
    return found


def columns(kind: str) -> dict[str, dict]:
    """Every CSV column of a kind, in the schema's order, with the schema of its cells."""
    found = {}
    for name, prop in item_schema(kind)["properties"].items():
        nested = _object_properties(prop)
        if nested is None:
            found[name] = prop
        else:
            found.update({f"{name}.{sub}": sub_prop for sub, sub_prop in nested.items()})
    return found


def detect_kind(names: set[str]) -> str:
    """The kind whose fields the file's columns (or JSON keys) match best, then whose required fields are all
    there; a tie cannot be told."""
    def score(kind: str) -> tuple[int, int]:
        schema = item_schema(kind)
        known = set(columns(kind)) | set(schema["properties"])
        return len(names & known) - len(names - known), -len(set(schema["required"]) - names)

    ranked = sorted(KINDS, key=score, reverse=True)
    if score(ranked[0])[0] <= 0 or score(ranked[0]) == score(ranked[1]):
        raise FeedFileError(f"Cannot tell what the file holds from its fields; give the kind ({', '.join(KINDS)})")
    return ranked[0]


def cell_value(text: str, prop: dict):
    types = _types(prop)
    if "array" in types:
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if "boolean" in types and text.strip().lower() in BOOLEANS:
        return BOOLEANS[text.strip().lower()]
    for kind, read in (("integer", int), ("number", float)):
        if kind in types:
            try:
                return read(text)
            except ValueError:
                pass
    return text


def csv_item(kind: str, cells: dict[str, str]) -> dict:
    """A CSV row as a feed item; columns the kind does not have are kept, for the schema to refuse."""
    known, item = columns(kind), {}
    for name, text in cells.items():
        if text is None or text == "":
            continue
        value = cell_value(text, known[name]) if name in known else text
        parent, _, child = name.partition(".")
        if child and name in known:
            item.setdefault(parent, {})[child] = value
        else:
            item[name] = value
    return item


def read(text: str, kind: str | None = None) -> FeedFile:
    """A feed file's rows: JSON when it starts with { or [, CSV otherwise. kind None: told from the fields."""
    text = text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a byte order mark
    if text.lstrip()[:1] in ("{", "["):
        return _read_json(text, kind)
    return _read_csv(text, kind)


def _read_json(text: str, kind: str | None) -> FeedFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedFileError(f"Not valid JSON: {exc}") from None
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FeedFileError('A JSON feed file is a batch {"items": [...]} or a list of items')
    kind = kind or detect_kind({name for item in items if isinstance(item, dict) for name in item})
    return FeedFile(kind, [Row(number, item) if isinstance(item, dict) else Row(number, error="Not a JSON object")
                           for number, item in enumerate(items, start=1)])


def _read_csv(text: str, kind: str | None) -> FeedFile:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    names = reader.fieldnames
    if not names:
        raise FeedFileError("The file is empty: a CSV feed file starts with a header row of column names")
    kind = kind or detect_kind(set(names))
    rows = []
    try:
        for cells in reader:
            extra = cells.pop(None, None)
            rows.append(Row(reader.line_num, error=f"{len(extra)} more cells than columns") if extra
                        else Row(reader.line_num, csv_item(kind, cells)))
    except csv.Error as exc:
        raise FeedFileError(f"Not readable as CSV at line {reader.line_num}: {exc}") from None
    return FeedFile(kind, rows)
