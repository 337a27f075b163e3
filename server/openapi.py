"""What the published API document says of every operation, beyond each route's own decorators.

Every answer that is not a success has errors.py's shape, documented as each operation's default
response. Two failures follow from the shape of an operation rather than from its code, so they are
documented here once: 401 wherever a token is needed, 404 wherever the path names a record.
"""
from __future__ import annotations

from apispec import BasePlugin


class CommonErrors(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if operation.get("security") != []:
                responses.setdefault("401", "UNAUTHORIZED")
            if "{" in (path or ""):
                responses.setdefault("404", "NOT_FOUND")
