"""The demo's local mail sink: the email channel delivers to it, so the demo's messages are sent, not failed."""
from __future__ import annotations

import email
import os
from email.policy import default as default_policy
from types import SimpleNamespace

from server.cli import demo_mail_sink
from server.notify.channels import EmailChannel


def test_the_demo_sink_takes_the_email_channel_s_messages(tmp_path, monkeypatch):
    monkeypatch.delenv("CAREMON_SMTP_HOST", raising=False)
    monkeypatch.delenv("CAREMON_SMTP_PORT", raising=False)
    sink = demo_mail_sink(tmp_path / "mail")
    try:
        assert os.environ["CAREMON_SMTP_HOST"] == "127.0.0.1" and int(os.environ["CAREMON_SMTP_PORT"]) == sink.port
        channel = EmailChannel("127.0.0.1", sink.port, "Caremon <no-reply@caremon.invalid>")
        channel.send(SimpleNamespace(recipient="family@lakeland.demo", subject="Margaret's carer is running late",
                                     body="Margaret's carer is running late: is now expected about 08:40."))
    finally:
        sink.stop()
    [kept] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(kept.read_bytes(), policy=default_policy)
    assert message["To"] == "family@lakeland.demo" and message["Subject"] == "Margaret's carer is running late"
    assert "expected about 08:40" in message.get_content()


def test_a_configured_mail_server_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("CAREMON_SMTP_HOST", "mail.example.org")
    assert demo_mail_sink(tmp_path / "mail") is None
    assert not (tmp_path / "mail").exists()
