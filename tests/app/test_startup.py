"""What create_app and the settings loader refuse or take from the environment."""
from __future__ import annotations

import pytest

from server import create_app
from server.config import load_settings
from server.payments import rules
from server.payments.rules import RuleSetError


def test_environment_overrides_keep_the_defaults_types():
    settings = load_settings(environ={"CAREMON_SCAN_INTERVAL_S": "15", "CAREMON_COOKIE_SECURE": "false",
                                      "CAREMON_TRAVEL_SPEED_CAR_KMH": "32", "CAREMON_DATABASE_URL": "sqlite:///x.db"})
    assert settings["scan_interval_s"] == 15
    assert settings["cookie_secure"] is False
    assert settings["travel_speed_car_kmh"] == 32
    assert settings["database_url"] == "sqlite:///x.db"
    assert load_settings(environ={})["scan_interval_s"] == 60


def test_explicit_overrides_win_over_the_environment():
    settings = load_settings({"late_minutes_default": 5}, environ={"CAREMON_LATE_MINUTES_DEFAULT": "9"})
    assert settings["late_minutes_default"] == 5


def test_no_secret_no_start(monkeypatch):
    monkeypatch.delenv("CAREMON_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="CAREMON_SECRET_KEY"):
        create_app({"database_url": "sqlite://", "secret_key": ""})


def test_a_broken_rule_set_file_stops_the_start(monkeypatch, tmp_path):
    shipped = (rules.DEFAULT_DIRECTORY / "actual-by-minute.toml").read_text()
    assert "minimum_minutes = 30" in shipped
    (tmp_path / "actual-by-minute.toml").write_text(shipped.replace("minimum_minutes = 30", "minimum_minutes = -5"))
    monkeypatch.setattr(rules, "DEFAULT_DIRECTORY", tmp_path)
    with pytest.raises(RuleSetError) as raised:
        create_app({"database_url": "sqlite://", "secret_key": "k" * 40})
    message = str(raised.value)
    assert "actual-by-minute.toml" in message and "minimum_minutes" in message
