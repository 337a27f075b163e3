"""Checking a feed file offline against the published JSON Schemas, as a vendor does before sending it.

The same schema files the server publishes, read by the jsonschema library, so what passes here is what
the feed's item checks accept in shape (references to records are checked only when the file is sent).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jsonschema import Draft202012Validator, FormatChecker

from server.feed.files import FeedFile, Row, item_schema


@dataclass
class Problem:
    line: int
    ref: str | None
    reasons: list[str]


@cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(item_schema(kind), format_checker=FormatChecker())


def problems(feed_file: FeedFile) -> list[Problem]:
    """The file's bad rows, each with every reason it is refused, in file order."""
    found = []
    for row in feed_file.rows:
        reasons = [row.error] if row.error else row_reasons(feed_file.kind, row)
        if reasons:
            found.append(Problem(row.line, _ref(row), reasons))
    return found


def row_reasons(kind: str, row: Row) -> list[str]:
    errors = [leaf for error in validator(kind).iter_errors(row.item) for leaf in _leaves(error)]
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'.'.join(str(p) for p in error.absolute_path) or 'row'}: {_message(error)}" for error in errors]


def _leaves(error) -> list:
    """For a field that may be null or an object, the object's own errors rather than "not valid under any"."""
    if not error.context:
        return [error]
    branches: dict[int, list] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [subs for subs in branches.values()
               if not any(sub.validator == "type" and not sub.relative_path for sub in subs)]
    return [leaf for sub in fitting[0] for leaf in _leaves(sub)] if len(fitting) == 1 else [error]


def _message(error) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        return "give one of: " + "; or ".join(sorted({_message(sub) for sub in error.context}))
    if error.validator == "not" and "required" in error.validator_value:
        return f"without {', '.join(map(repr, error.validator_value['required']))}"
    return error.message


def _ref(row: Row) -> str | None:
    ref = row.item.get("ref", row.item.get("idempotency_key"))
    return ref if isinstance(ref, str) else None
