"""A non-editable install works: the wheel carries the PWA, the default settings, the payment rule sets, the
migrations and the feed's JSON Schemas, and an app started from it (outside the checkout) serves them."""
from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

STARTS_FROM_THE_WHEEL = """
import sys
from pathlib import Path
import server
from server import create_app
from server.payments.rules import load_rule_sets

installed = Path(server.__file__).resolve().parent
assert installed.is_relative_to(Path(sys.prefix).resolve()), installed
app = create_app({"secret_key": "k" * 40, "database_url": "sqlite://"})
web = app.test_client()
for path, part in (("/", "js/app.js"), ("/sw.js", '"/js/app.js"'), ("/js/screens/worker.js", "export")):
    answer = web.get(path)
    assert answer.status_code == 200 and part in answer.get_data(as_text=True), path
assert "actual-by-minute" in load_rule_sets()
assert (installed / "migrations" / "alembic.ini").is_file()
print(app.config["CAREMON"]["travel_road_factor"])
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, cwd=out)
    return next(out.glob("caremon-*.whl"))


def test_the_wheel_carries_the_app_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("server/bundled/pwa/index.html", "server/bundled/pwa/js/app.js", "server/bundled/pwa/sw.js",
                     "server/bundled/config/default.toml", "server/bundled/config/payment_rules/actual-by-minute.toml",
                     "server/migrations/alembic.ini", "server/migrations/script.py.mako",
                     "server/feed/json_schemas/visits.json"):
        assert expected in names, expected
    assert not [name for name in names if name.startswith("tests/") or name.endswith(".pyc")]


def test_an_app_installed_from_the_wheel_serves_the_pwa_and_loads_its_config(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)  # dependencies from this environment
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True)
    run = subprocess.run([str(python), "-c", STARTS_FROM_THE_WHEEL], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1.3"
    version = subprocess.run([str(env_dir / "bin" / "caremon"), "--version"], cwd=tmp_path, capture_output=True,
                             text=True)
    assert version.stdout.startswith("caremon "), version.stderr
