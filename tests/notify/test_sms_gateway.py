"""A gateway named by its import path receives the texts the sender drains, with its own settings."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from server.config import load_settings
from server.extensions import db
from server.notify.channels import LoggingSmsGateway, channels_from_settings
from server.notify.models import Notification
from server.notify.sender import drain

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


class RecordingGateway:
    """What a real aggregator's client looks like to Caremon: built from settings, send(to, text)."""

    def __init__(self, settings):
        self.sender_id = settings["sms_sender_id"]
        self.texts = []

    def send(self, to: str, text: str) -> None:
        self.texts.append((self.sender_id, to, text))


class NoSend:
    def __init__(self, settings):
        pass


def test_configured_gateway_class_receives_the_message_through_the_sender(app):
    settings = load_settings({"sms_gateway": f"{__name__}.RecordingGateway", "sms_sender_id": "CAREMON"})
    channels = channels_from_settings(settings)
    db.session.add(Notification(dedupe_key="sms-1", channel="sms", recipient="07700900123", kind="delay",
                                subject="Late", body="Margaret's carer is running late.", next_attempt_at=NOW))
    db.session.commit()
    assert drain(channels, NOW)["sent"] == 1
    assert channels["sms"].gateway.texts == [("CAREMON", "07700900123", "Margaret's carer is running late.")]
    assert db.session.scalar(select(Notification.status)) == "sent"


def test_log_gateway_is_the_default():
    assert isinstance(channels_from_settings(load_settings())["sms"].gateway, LoggingSmsGateway)


@pytest.mark.parametrize("name, problem", [
    ("no.such.module.Gateway", "cannot be imported"),
    (f"{__name__}.Missing", "cannot be imported"),
    (f"{__name__}.NoSend", r"no send\(to, text\) method"),
])
def test_a_wrong_gateway_setting_stops_at_start(name, problem):
    with pytest.raises(RuntimeError, match=problem):
        channels_from_settings(load_settings({"sms_gateway": name}))
