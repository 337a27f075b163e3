"""The PWA's files over HTTP: types, caching, the service worker's version, and security headers."""
from __future__ import annotations

import re
import shutil

import pytest

from server import create_app
from server.web.routes import CONTENT_SECURITY_POLICY
from server.web.shell import PWA_DIR, shell_files
from tests.testdb import settings_for_tests as app_settings

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@pytest.mark.parametrize("path, mime", [
    ("/", "text/html; charset=utf-8"),
    ("/sw.js", "text/javascript; charset=utf-8"),
    ("/js/app.js", "text/javascript; charset=utf-8"),
    ("/js/screens/worker.js", "text/javascript; charset=utf-8"),
    ("/css/base.css", "text/css; charset=utf-8"),
    ("/manifest.webmanifest", "application/manifest+json"),
    ("/icons/icon-192.png", "image/png"),
    ("/icons/icon.svg", "image/svg+xml; charset=utf-8"),
])
def test_shell_files_have_their_types_headers_and_revalidate(client, path, mime):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == mime
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for name, value in ALWAYS.items():
        assert r.headers[name] == value


def test_unchanged_files_revalidate_to_304(client):
    etag = client.get("/js/app.js").headers["ETag"]
    assert client.get("/js/app.js", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/icons/make_icons.py",
        "/js/../../server/config.py",
        "/js/%2e%2e/%2e%2e/pyproject.toml",
        "/css/nothing.css",
        "/server/__init__.py",
        "/sw.js/x",
    ],
)
def test_nothing_outside_the_shell_is_served(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_api_answers_carry_the_security_headers_too(client):
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert r.headers["X-Frame-Options"] == "DENY"


def test_docs_page_loads_swagger_ui_from_this_server_only(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.headers["X-Content-Type-Options"] == "nosniff"
    policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "http" not in policy
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.get_data(as_text=True))
    assert assets and all(url.startswith("/api-docs/assets/") for url in assets)
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.data) > 1000, url
    assert client.get("/api-docs/assets/index.html").status_code == 404


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")


def test_index_has_no_inline_script_or_style(client):
    html = client.get("/").get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html and not re.search(r"\son[a-z]+=", html)


def test_service_worker_gets_the_version_and_every_shell_file(client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)
    listed = re.search(r"const SHELL = (\[.*?\]);", body).group(1)
    assert "__SHELL" not in body
    for name in shell_files(PWA_DIR):
        assert (f'"/{name}"' if name != "index.html" else '"/"') in listed
    assert '"/sw.js"' not in listed and "make_icons" not in listed
    for url in re.findall(r'"(/[^"]*)"', listed):
        assert client.get(url).status_code == 200, url
    assert client.get("/sw.js").get_data(as_text=True) == body  # stable while nothing changes


def test_changing_any_shell_file_changes_the_service_worker(tmp_path):
    shell = tmp_path / "pwa"
    shutil.copytree(PWA_DIR, shell)
    app = create_app(app_settings(pwa_dir=str(shell)))
    client = app.test_client()

    def version():
        return re.search(r'const VERSION = "(\w+)";', client.get("/sw.js").get_data(as_text=True)).group(1)

    first = version()
    (shell / "js" / "screens" / "family.js").write_text((shell / "js" / "screens" / "family.js").read_text() + "\n")
    second = version()
    assert second != first
    (shell / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\nother")
    assert version() not in (first, second)
    (shell / "js" / "extra.js").write_text("export const x = 1;\n")
    body = client.get("/sw.js").get_data(as_text=True)
    assert '"/js/extra.js"' in body
