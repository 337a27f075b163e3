"""The map tile setting: a URL template whose origin the Content-Security-Policy lets images come from."""
from __future__ import annotations

from urllib.parse import urlsplit

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def tile_origin(template: str) -> str:
    """scheme://host[:port] of a tile URL template; "" when none is set. Raises ValueError when malformed."""
    if not template:
        return ""
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c in parts.netloc for c in "{}*"):
        raise ValueError(f"map_tile_url must be an http(s) URL on a fixed host, not {template!r}")
    missing = [p for p in PLACEHOLDERS if p not in template]
    if missing:
        raise ValueError(f"map_tile_url needs {', '.join(missing)}: {template!r}")
    return f"{parts.scheme}://{parts.netloc}"
