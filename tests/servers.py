"""A real Caremon server process (gunicorn, set up as `caremon serve` sets it) on a free localhost port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from server.cli import GUNICORN_OPTIONS
from tests.testdb import TEST_DB_URL, TEST_SECRET


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, crash_after_commit: bool = False, database_url: str = TEST_DB_URL, workers: int = 1,
                 app: str = "server.wsgi:app", ready_path: str = "/api/v1/openapi.json"):
        self.port = free_port()
        env = {**os.environ, "CAREMON_DATABASE_URL": database_url, "CAREMON_SECRET_KEY": TEST_SECRET,
               "CAREMON_SYNC_CRASH_AFTER_COMMIT": "1" if crash_after_commit else "0"}
        # Its own session, so a kill takes the workers with the arbiter, as a crashed machine would.
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "--no-control-socket",
                                      *GUNICORN_OPTIONS, "-b", f"127.0.0.1:{self.port}", app], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90  # a busy machine takes a while to import the app in every worker
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}{ready_path}", timeout=2)
                return
            except requests.RequestException:  # not listening yet, or the worker still importing
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
