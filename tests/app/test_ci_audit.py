"""CI's dependency audit: fails only on a vulnerability with a fixed release, never on unreachable data."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CI = Path(__file__).resolve().parents[2] / ".ci"


def report(tmp_path: Path, dependencies: list) -> subprocess.CompletedProcess:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps({"dependencies": dependencies}))
    return subprocess.run([sys.executable, str(CI / "audit_report.py"), str(path), "1"], check=False,
                          capture_output=True, text=True, timeout=30)


def vuln(ident: str, *fixes: str) -> dict:
    return {"id": ident, "fix_versions": list(fixes), "description": f"{ident} lets a request do harm"}


def test_a_vulnerability_with_a_fixed_release_fails_and_is_named(tmp_path):
    done = report(tmp_path, [{"name": "flask", "version": "3.0.0", "vulns": [vuln("PYSEC-1", "3.0.1")]},
                             {"name": "geopy", "version": "2.4.0", "vulns": []}])
    assert done.returncode == 1
    assert "flask 3.0.0: PYSEC-1 (fixed in: 3.0.1)" in done.stdout


def test_one_without_a_fix_is_reported_but_does_not_fail(tmp_path):
    done = report(tmp_path, [{"name": "geopy", "version": "2.4.0", "vulns": [vuln("GHSA-x")]}])
    assert done.returncode == 0
    assert "geopy 2.4.0: GHSA-x (fixed in: no fix released yet)" in done.stdout


def test_nothing_looked_up_or_no_report_is_a_skip(tmp_path):
    done = report(tmp_path, [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}])
    assert (done.returncode, done.stdout.split(":")[0]) == (0, "pip-audit skipped")
    missing = subprocess.run([sys.executable, str(CI / "audit_report.py"), str(tmp_path / "none.json"), "2"],
                             check=False, capture_output=True, text=True, timeout=30)
    assert (missing.returncode, missing.stdout.split(":")[0]) == (0, "pip-audit skipped")


def test_the_audit_is_skipped_with_a_message_when_pypi_cannot_be_reached(tmp_path):
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:1", "https_proxy": "http://127.0.0.1:1",
           "TMPDIR": str(tmp_path)}
    done = subprocess.run(["bash", str(CI / "audit-deps")], check=False, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pip-audit skipped: PyPI's vulnerability data cannot be reached")
    assert not (tmp_path / "caremon-pip-audit").exists()  # nothing installed when there is nothing to audit against
