"""The app shell: which files in pwa/ are served, and one version hash over all of them.

The hash names the service worker's cache, so any change to any shell file makes
sw.js differ byte for byte; browsers then install the new worker, which fetches
the new shell and drops the old cache. No deploy step has to remember to bump it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from server.paths import shipped

PWA_DIR = shipped("pwa")

# Explicit types: the host's mimetypes database may not know .webmanifest, or call .js text/plain.
# Werkzeug adds "; charset=utf-8" to the text/* ones.
MIME_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# The folders of the shell besides its top-level files.
ASSET_DIRS = ("css", "js", "icons", "vendor")
SERVICE_WORKER = "sw.js"


def shell_files(root: Path) -> list[str]:
    """Paths (relative, '/'-separated) of every servable shell file, sorted; sw.js itself is not cached by itself."""
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or path.suffix not in MIME_TYPES or rel == SERVICE_WORKER:
            continue
        if "/" in rel and rel.split("/", 1)[0] not in ASSET_DIRS:
            continue
        found.append(rel)
    return sorted(found)


_cache: dict[tuple, str] = {}


def shell_version(root: Path) -> str:
    """A short hash of the shell's names and contents, sw.js included; recomputed only when a file changes."""
    names = [*shell_files(root), SERVICE_WORKER]
    stamp = tuple((name, *_stat(root / name)) for name in names)
    version = _cache.get(stamp)
    if version is None:
        digest = hashlib.sha256()
        for name in names:
            digest.update(name.encode() + b"\0")
            digest.update((root / name).read_bytes() + b"\0")
        version = digest.hexdigest()[:16]
        _cache.clear()
        _cache[stamp] = version
    return version


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size
