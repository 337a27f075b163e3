"""The PWA's files at "/", and security headers on every response of the app.

Plain Flask (not flask-smorest): these are files, not API operations, so they
stay out of the OpenAPI document.
"""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from server.web.shell import MIME_TYPES, PWA_DIR, SERVICE_WORKER, shell_files, shell_version
from server.web.tiles import tile_origin

bp = Blueprint("web", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(self), microphone=(), payment=()",
}
# The API docs page is Swagger UI served from here (no third-party script); its page starts it inline.
DOCS_ASSETS_URL = "/api-docs/assets/"
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"


@bp.record_once
def _check_settings(state) -> None:
    """A malformed tile URL stops the start rather than giving every coordinator a broken map."""
    tile_origin(state.app.config["CAREMON"].get("map_tile_url", ""))


def content_security_policy() -> str:
    """The app's policy; a configured tile server may serve images, and nothing else."""
    origin = tile_origin(current_app.config["CAREMON"].get("map_tile_url", ""))
    return (
        CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
        if origin
        else CONTENT_SECURITY_POLICY
    )


def pwa_root() -> Path:
    return Path(current_app.config["CAREMON"].get("pwa_dir") or PWA_DIR)


def _send(relative: str) -> Response:
    suffix = Path(relative).suffix
    if suffix not in MIME_TYPES:
        abort(404)
    response = send_from_directory(pwa_root(), relative, mimetype=MIME_TYPES[suffix], max_age=None)
    # Always revalidate (ETag makes that a 304): a new service worker must never precache a stale copy.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
def index():
    return _send("index.html")


@bp.get("/manifest.webmanifest")
def manifest():
    return _send("manifest.webmanifest")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it whatever the page's icon link says."""
    return _send("icons/icon-192.png")


@bp.get("/<any(css, js, icons, vendor):folder>/<path:name>")
def asset(folder: str, name: str):
    return _send(f"{folder}/{name}")


@bp.get("/config.json")
def app_config():
    """Settings the screens need from the server (only the map's tiles); not cached with the shell."""
    settings = current_app.config["CAREMON"]
    response = jsonify({"map_tile_url": settings.get("map_tile_url", ""),
                        "map_tile_attribution": settings.get("map_tile_attribution", "")})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get(f"{DOCS_ASSETS_URL}<path:name>")
def docs_asset(name: str):
    if Path(name).suffix not in (".js", ".css", ".png"):
        abort(404)
    return send_from_directory(swagger_ui_path, name)


@bp.get("/sw.js")
def service_worker():
    """sw.js with the shell's version and file list written in, so each deploy installs a fresh cache."""
    root = pwa_root()
    urls = ["/" if name == "index.html" else f"/{name}" for name in shell_files(root)]
    source = (root / SERVICE_WORKER).read_text(encoding="utf-8")
    body = source.replace("__SHELL_VERSION__", shell_version(root)).replace('"__SHELL_FILES__"', json.dumps(urls))
    response = Response(body, mimetype=MIME_TYPES[".js"])
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_app_request
def security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        DOCS_CONTENT_SECURITY_POLICY if request.endpoint == DOCS_ENDPOINT else content_security_policy(),
    )
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        # API answers carry personal data: no browser or proxy may keep a copy, not even of an error.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
