"""A local mail server for `caremon demo`: it accepts every message and keeps it as a file.

Without it the demo's delay and missed-visit emails would retry against a mail server that is not
there and end up failed. With it they are delivered, so the coordinator's message log shows them
sent, and each one can be opened as an .eml file in the demo's instance folder.
"""
from __future__ import annotations

import logging
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

log = logging.getLogger("caremon.mail_sink")


class KeepToFolder:
    """aiosmtpd handler: each accepted message written to folder as NNNN.eml, and one line logged."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.count = len(list(folder.glob("*.eml")))

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.count += 1
        path = self.folder / f"{self.count:05d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        subject = message_from_bytes(envelope.content, policy=default_policy)["Subject"]
        log.info("Mail to %s: %s (%s)", ", ".join(envelope.rcpt_tos), subject, path.name)
        return "250 Message accepted for delivery"


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start(folder: Path, host: str = "127.0.0.1") -> Controller:
    """A running sink on a free port of host (controller.port); stop it with controller.stop()."""
    controller = Controller(KeepToFolder(folder), hostname=host, port=free_port(host))
    controller.start()
    return controller
