"""The container image and compose file: app, scheduler, PostgreSQL and Redis started together answer /readyz.

Exercised where a container runtime answers; elsewhere skipped, saying so. The compose file is read either way."""
from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def _runtime_problem() -> str | None:
    if not shutil.which("docker"):
        return "no docker command"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    return None if info.returncode == 0 else "the docker daemon does not answer"


def test_the_compose_file_runs_migrations_before_the_app_and_scheduler_from_one_image():
    services = COMPOSE["services"]
    assert {"postgres", "redis", "migrate", "app", "scheduler"} <= set(services)
    assert {services[name]["image"] for name in ("migrate", "app", "scheduler")} == {"caremon:latest"}
    assert services["migrate"]["command"] == ["caremon", "db", "upgrade"]
    for name in ("app", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["app"]["environment"]["CAREMON_RATE_LIMIT_STORAGE"].startswith("redis://redis:")
    assert 'CMD ["caremon", "serve"' in (ROOT / "Dockerfile").read_text()


@pytest.mark.slow
def test_compose_starts_a_ready_caremon():
    problem = _runtime_problem()
    if problem:
        pytest.skip(f"no container runtime here ({problem}); compose.yaml is exercised where one is")
    project = f"caremon-test-{secrets.token_hex(3)}"
    compose = ["docker", "compose", "-p", project, "-f", str(ROOT / "compose.yaml")]
    env = {"CAREMON_SECRET_KEY": secrets.token_urlsafe(48), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    try:
        subprocess.run([*compose, "up", "-d", "--build"], check=True, env=env, cwd=ROOT, timeout=1200)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get("http://127.0.0.1:8000/readyz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(2)
        pytest.fail("the composed Caremon never became ready")
    finally:
        subprocess.run([*compose, "down", "-v"], env=env, cwd=ROOT, timeout=300)
