"""Channels that stand in for a real one in the sender's tests: one that refuses, one that dies mid-send, one that
only counts what it was given."""
from __future__ import annotations


class Refusing:
    def send(self, notification):
        raise ConnectionRefusedError("smtp down")


class DiesMidSend:
    """The sender process is killed while the channel holds the message."""

    def send(self, notification):
        raise SystemExit("sender process killed")


class Delivering:
    def __init__(self):
        self.sent = []

    def send(self, notification):
        self.sent.append(notification.id)
