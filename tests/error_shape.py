"""Assertions on the one JSON error shape of server/errors.py, shared by every test of bad input."""
from __future__ import annotations


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)


def assert_validation_error(response, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    fields = error["details"]["fields"]
    assert field in fields, fields
    assert all(isinstance(m, (list, dict)) and m for m in fields.values())
