"""The `caremon` command before anything is configured: help for every command, one line for what is missing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def caremon(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the command from this checkout with no CAREMON_* setting at all, in an empty folder."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "server", *args], check=False, env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_help_lists_the_commands_without_a_secret(tmp_path):
    result = caremon("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert {"db", "serve", "scheduler", "demo", "simulate"} <= listed
    assert result.stderr == ""


def test_db_help_without_a_secret(tmp_path):
    result = caremon("db", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "upgrade" in result.stdout and result.stderr == ""


def test_a_command_that_needs_the_secret_asks_for_it_in_one_line(tmp_path):
    for args in (("scheduler",), ("db", "current")):
        result = caremon(*args, tmp_path=tmp_path)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "Error: CAREMON_SECRET_KEY is not set (caremon demo generates one for you)"], args
        assert "Traceback" not in result.stdout + result.stderr
